"""Building a snapshot's liabilities tree, with its privacy mitigations, and cutting proofs from it.

The layout of every hash is in ``format``; this module makes a million of them quickly. Levels
are NumPy arrays of fixed-size node records (hash, then one 16-byte balance per asset), so
building a parent level is one array copy (each pair of children is already contiguous) and one
tight loop of ``hashlib.sha256`` over fixed-size slices; sums are two 64-bit limbs added with a
carry, so no sum can overflow however many accounts there are.

Privacy mitigations, all deterministic from the snapshot's secret ``seed`` (never from global
randomness: the same inputs rebuild the same tree, so a past snapshot can be re-proved):

* **a fresh nonce per account and snapshot**: ``HMAC-SHA256(seed, "seawall.por.nonce.v1" 0x00 ||
  account_id)``; commitments of one account are unlinkable across snapshots;
* **splitting**: each account is spread over ``split_parts`` leaves with pseudo-random shares
  (per asset, from the account's nonce), so no leaf shows an account's whole balance and a
  sibling's balance is only part of someone's;
* **padding to a fixed size**: zero-balance leaves with secret pseudo-random commitments fill the
  tree to ``leaves_min`` (or the next power of two above the real leaves), so the tree's size says
  little about the number of clients and padding cannot be told from a client's empty leaf;
* **shuffling per snapshot**: leaves are ordered by their commitments, which are pseudo-random and
  new each snapshot, so a leaf's position (and its neighbours) says nothing about who it is and
  changes from one snapshot to the next.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Final

import msgspec
import numpy as np
import numpy.typing as npt

from seawall.core import limits
from seawall.core.errors import ConditionFailed, invariant
from seawall.reserves.format import (
    ACCOUNT_TAG,
    BALANCE_SIZE,
    DIGEST_SIZE,
    LEAF_PREFIX,
    NODE_PREFIX,
    PADDING_TAG,
    AssetSpec,
    check_assets,
    check_snapshot_id,
    por_account_id_length_max,
    por_depth_max,
    por_split_parts_max,
    record_size,
    root_commitment,
)
from seawall.reserves.proof import AccountProof, LeafProof, PathStep

__all__ = [
    "NONCE_TAG",
    "SPLIT_TAG",
    "LiabilityTree",
    "PrivacyPolicy",
    "Progress",
    "build_tree",
    "nonce_for",
]

#: HMAC labels of the seed's derivations (the padding label is ``format.PADDING_TAG``).
NONCE_TAG: Final = b"seawall.por.nonce.v1\x00"
SPLIT_TAG: Final = b"seawall.por.split.v1\x00"

#: ``progress(steps done, steps in all, what)``: integers, so that no float enters the builder.
Progress = Callable[[int, int, str], None]

_SHARE_BITS: Final = 16
_SHARE_ONE: Final = 1 << _SHARE_BITS
_ACCOUNT_ID: Final = re.compile(
    rf"(?:[A-Za-z0-9][A-Za-z0-9._:\-]{{0,{por_account_id_length_max - 1}}}\n)*"
)

Int64Array = npt.NDArray[np.int64]
UInt64Array = npt.NDArray[np.uint64]
ByteArray = npt.NDArray[np.uint8]


class PrivacyPolicy(msgspec.Struct, frozen=True):
    """How a snapshot hides its clients: leaves per account, and the least number of leaves."""

    split_parts: int = 2
    leaves_min: int = 1024

    def check(self) -> None:
        if not 1 <= self.split_parts <= por_split_parts_max:
            raise ConditionFailed(f"split_parts must be 1..{por_split_parts_max}")
        count = self.leaves_min
        if count < 2 or count & (count - 1) or count > 1 << por_depth_max:
            raise ConditionFailed(
                f"leaves_min must be a power of two in 2..2**{por_depth_max}, got {count}"
            )


class _Hmac:
    """HMAC-SHA256 under one key, with the padded key's inner and outer states kept (the same
    bytes as ``hmac.digest``, at a third of its cost per message)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = key.ljust(64, b"\x00")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def many(self, label: bytes, messages: Sequence[bytes]) -> list[bytes]:
        inner_base, outer_base = self._inner.copy(), self._outer
        inner_base.update(label)
        out: list[bytes] = []
        append = out.append
        for message in messages:
            inner = inner_base.copy()
            inner.update(message)
            outer = outer_base.copy()
            outer.update(inner.digest())
            append(outer.digest())
        return out


def nonce_for(seed: bytes, account_id: str) -> bytes:
    """The account's nonce in the snapshot whose seed is ``seed``."""
    return _Hmac(seed).many(NONCE_TAG, [account_id.encode()])[0]


def _hash_chunks(data: ByteArray, width: int, prefix: bytes) -> ByteArray:
    """``SHA-256(prefix || chunk)`` of every ``width``-byte chunk of a C-contiguous byte array, as
    an ``(n, 32)`` array. The prefix is hashed once and its state copied: no array is built to
    put the prefix before each chunk."""
    flat = data.data.cast("B")
    copy = hashlib.sha256(prefix).copy
    digests: list[bytes] = []
    append = digests.append
    for start in range(0, len(flat), width):
        state = copy()
        state.update(flat[start : start + width])
        append(state.digest())
    return np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, DIGEST_SIZE)


def _balance_bytes(high: Int64Array, low: UInt64Array) -> ByteArray:
    """Signed 128-bit big-endian balances from their two 64-bit limbs, as an ``(n, 16 * A)``."""
    count, assets = high.shape
    out = np.empty((count, assets, 2), dtype=">u8")
    out[:, :, 0] = high.view(np.uint64)
    out[:, :, 1] = low
    return out.view(np.uint8).reshape(count, assets * BALANCE_SIZE)


def _decode_balances(record: ByteArray, assets: int) -> tuple[int, ...]:
    raw = record[DIGEST_SIZE:].tobytes()
    return tuple(
        int.from_bytes(raw[i : i + BALANCE_SIZE], "big", signed=True)
        for i in range(0, assets * BALANCE_SIZE, BALANCE_SIZE)
    )


def _split(balances: Int64Array, nonces: list[bytes], parts: int) -> Int64Array:
    """Each account's balances shared pseudo-randomly over ``parts`` leaves, as an
    ``(accounts, parts, assets)`` array whose shares add up exactly to the balances.

    The cut points are 16-bit fractions, per account and asset, read from
    ``SHA-256("seawall.por.split.v1" 0x00 || nonce || u32(block))`` for blocks 0, 1, ...
    """
    count, assets = balances.shape
    if parts == 1:
        return balances.reshape(count, 1, assets)
    if count == 0:
        return np.zeros((0, parts, assets), dtype=np.int64)
    cuts_needed = assets * (parts - 1)
    blocks = [b.to_bytes(4, "big") for b in range(-(-cuts_needed // (DIGEST_SIZE // 2)))]
    sha = hashlib.sha256
    stream = b"".join(
        [sha(SPLIT_TAG + nonce + block).digest() for nonce in nonces for block in blocks]
    )
    draws = np.frombuffer(stream, dtype=">u2").reshape(count, -1)[:, :cuts_needed]
    cuts = draws.reshape(count, assets, parts - 1).astype(np.int64)
    if parts > 2:
        cuts.sort(axis=2)
    # floor(balance * cut / 2**16) without overflow: balance < 2**63, cut < 2**16.
    high = (balances >> _SHARE_BITS)[:, :, None]
    low = (balances & (_SHARE_ONE - 1))[:, :, None]
    scaled = high * cuts + ((low * cuts) >> _SHARE_BITS)
    shares = np.empty((count, parts, assets), dtype=np.int64)
    shares[:, 0, :] = scaled[:, :, 0]
    for part in range(1, parts - 1):
        shares[:, part, :] = scaled[:, :, part] - scaled[:, :, part - 1]
    shares[:, parts - 1, :] = balances - scaled[:, :, parts - 2]
    return shares


class LiabilityTree:
    """One snapshot's tree, every level kept so that any account's proof can be cut from it."""

    def __init__(
        self,
        snapshot_id: str,
        assets: tuple[AssetSpec, ...],
        policy: PrivacyPolicy,
        account_ids: list[str],
        nonces: list[bytes],
        positions: Int64Array,
        levels: list[ByteArray],
    ) -> None:
        self.snapshot_id = snapshot_id
        self.assets = assets
        self.policy = policy
        self.account_ids = account_ids
        self._index: dict[str, int] | None = None
        self._nonces = nonces
        self._positions = positions
        self.levels = levels
        self.depth = len(levels) - 1
        self.leaf_count = levels[0].shape[0]
        top = levels[-1][0]
        self.tree_root_hash = top[:DIGEST_SIZE].tobytes()
        self.totals_minor = _decode_balances(top, len(assets))
        self.root = root_commitment(
            snapshot_id, assets, self.leaf_count, self.tree_root_hash, self.totals_minor
        )

    @property
    def account_count(self) -> int:
        return len(self.account_ids)

    def node(self, level: int, index: int) -> tuple[bytes, tuple[int, ...]]:
        """The hash and balances of node ``index`` at ``level`` (0: the leaves)."""
        record = self.levels[level][index]
        return record[:DIGEST_SIZE].tobytes(), _decode_balances(record, len(self.assets))

    def leaf_positions(self, account_id: str) -> list[int]:
        """Where the account's leaves are, part 0 first."""
        row = self._row(account_id)
        parts = self.policy.split_parts
        return [int(p) for p in self._positions[row * parts : (row + 1) * parts]]

    def _row(self, account_id: str) -> int:
        if self._index is None:
            self._index = dict(zip(self.account_ids, range(len(self.account_ids)), strict=True))
        row = self._index.get(account_id)
        if row is None:
            raise ConditionFailed(f"account {account_id!r} is not in snapshot {self.snapshot_id}")
        return row

    def proof(self, account_id: str) -> AccountProof:
        """The account's proof: each of its leaves with its path to the root."""
        row = self._row(account_id)
        leaves = []
        total = [0] * len(self.assets)
        for part, position in enumerate(self.leaf_positions(account_id)):
            _, balances = self.node(0, position)
            total = [t + b for t, b in zip(total, balances, strict=True)]
            path = []
            index = position
            for level in range(self.depth):
                sibling_hash, sibling_balances = self.node(level, index ^ 1)
                path.append(PathStep(sibling_hash, sibling_balances))
                index >>= 1
            leaves.append(LeafProof(part, position, balances, tuple(path)))
        return AccountProof(
            snapshot_id=self.snapshot_id,
            assets=self.assets,
            leaf_count=self.leaf_count,
            root=self.root,
            tree_root_hash=self.tree_root_hash,
            totals_minor=self.totals_minor,
            account_id=account_id,
            nonce=self._nonces[row],
            balances_minor=tuple(total),
            leaves=tuple(leaves),
        )


def _balances_array(balances_minor: object, count: int, assets: int) -> Int64Array:
    if count == 0:
        return np.zeros((0, assets), dtype=np.int64)
    try:
        raw = np.asarray(balances_minor)
    except (TypeError, ValueError) as exc:
        raise ConditionFailed(f"balances must be an (accounts, assets) array: {exc}") from exc
    int64_max = np.iinfo(np.int64).max
    if raw.dtype.kind not in "iu" or (raw.dtype.kind == "u" and raw.size and raw.max() > int64_max):
        raise ConditionFailed(
            f"balances must be integers within int64 (no floats, no bools), got {raw.dtype}"
        )
    array = raw.astype(np.int64)
    if array.shape != (count, assets):
        raise ConditionFailed(f"balances must be {count} x {assets}, got {array.shape}")
    if array.size and int(array.min()) < 0:
        row, column = (int(v) for v in np.argwhere(array < 0)[0])
        raise ConditionFailed(
            f"account #{row} has a negative balance in asset #{column}: liabilities are never "
            "negative (a client who owes the firm is not netted against others)"
        )
    return np.ascontiguousarray(array)


def _refuse_repeats(committed: ByteArray, order: Int64Array, sorted_keys: UInt64Array) -> None:
    """Equal commitments can only come from one account id given twice (same nonce, same part):
    look at the neighbours the sort put side by side (no dict of a million ids needed)."""
    for at in np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1]):
        first, second = committed[order[at]], committed[order[at + 1]]
        if bytes(first) == bytes(second):
            raise ConditionFailed("an account id appears twice")


def build_tree(
    snapshot_id: str,
    assets: Sequence[AssetSpec],
    account_ids: Sequence[str],
    balances_minor: object,
    seed: bytes,
    policy: PrivacyPolicy | None = None,
    progress: Progress | None = None,
) -> LiabilityTree:
    """The liabilities tree of one snapshot.

    ``account_ids``: distinct ids (the ledger's ``client:<broker>:<account>``); ``balances_minor``:
    an ``(accounts, assets)`` array-like of non-negative integers within int64, in the order of
    ``assets``; ``seed``: 32 secret bytes for this snapshot (nonces, splits, padding, order).
    """
    say = progress or (lambda done, total, label: None)
    policy = policy or PrivacyPolicy()
    policy.check()
    check_snapshot_id(snapshot_id)
    spec = check_assets(assets)
    if len(seed) != 32:
        raise ConditionFailed(f"a snapshot seed is 32 bytes, got {len(seed)}")
    ids = list(account_ids)
    count = len(ids)
    if count > limits.accounts_max:
        raise ConditionFailed(f"more accounts than accounts_max ({count})")
    if count and _ACCOUNT_ID.fullmatch("\n".join(ids) + "\n") is None:
        raise ConditionFailed(
            f"account ids must be 1..{por_account_id_length_max} characters of A-Z a-z 0-9 . _ : -"
        )
    balances = _balances_array(balances_minor, count, len(spec))
    parts = policy.split_parts
    real = count * parts
    leaf_count = max(policy.leaves_min, 1 << max(real - 1, 1).bit_length())
    if leaf_count > 1 << por_depth_max:
        raise ConditionFailed(f"{real} leaves exceed 2**{por_depth_max}")
    depth = leaf_count.bit_length() - 1
    steps = 4 + depth

    say(0, steps, "nonces")
    mac = _Hmac(seed)
    encoded = [a.encode() for a in ids]
    nonces = mac.many(NONCE_TAG, encoded)
    say(1, steps, "commitments")
    part_bytes = [p.to_bytes(4, "big") for p in range(parts)]
    sha = hashlib.sha256
    commitments = [
        sha(ACCOUNT_TAG + nonce + part + account).digest()
        for nonce, account in zip(nonces, encoded, strict=True)
        for part in part_bytes
    ]
    padding = mac.many(PADDING_TAG, [i.to_bytes(8, "big") for i in range(leaf_count - real)])
    say(2, steps, "split, pad, shuffle")
    shares = _split(balances, nonces, parts).reshape(real, len(spec))
    committed = np.frombuffer(b"".join(commitments) + b"".join(padding), dtype=np.uint8)
    committed = committed.reshape(leaf_count, DIGEST_SIZE)
    # Shuffle: order leaves by their (secret, per-snapshot) commitments; ties keep input order.
    keys = committed[:, :8].copy().view(">u8").ravel().astype(np.uint64)
    order = np.argsort(keys, kind="stable")
    _refuse_repeats(committed, order, keys[order])
    positions = np.empty(leaf_count, dtype=np.int64)
    positions[order] = np.arange(leaf_count, dtype=np.int64)
    low = np.zeros((leaf_count, len(spec)), dtype=np.uint64)
    low[:real] = shares.view(np.uint64)
    low = low[order]
    high = np.zeros((leaf_count, len(spec)), dtype=np.int64)

    say(3, steps, "leaves")
    size = record_size(len(spec))
    # Level 0 starts as (commitment, balances) rows; each row's leaf hash then replaces its
    # commitment, which turns the rows into the leaves' records in place.
    records = np.empty((leaf_count, size), dtype=np.uint8)
    records[:, :DIGEST_SIZE] = committed[order]
    records[:, DIGEST_SIZE:] = _balance_bytes(high, low)
    records[:, :DIGEST_SIZE] = _hash_chunks(records, size, LEAF_PREFIX)
    levels: list[ByteArray] = [records]
    while records.shape[0] > 1:
        say(3 + len(levels), steps, f"level {len(levels)} of {depth}")
        hashes = _hash_chunks(records, 2 * size, NODE_PREFIX)
        left_low, right_low = low[0::2], low[1::2]
        summed = left_low + right_low
        carry = (summed < left_low).astype(np.int64)
        high = high[0::2] + high[1::2] + carry
        low = summed
        records = np.empty((hashes.shape[0], size), dtype=np.uint8)
        records[:, :DIGEST_SIZE] = hashes
        records[:, DIGEST_SIZE:] = _balance_bytes(high, low)
        levels.append(records)
    invariant(len(levels) == depth + 1, "a perfect tree has log2(leaves) + 1 levels")
    say(steps, steps, "done")
    return LiabilityTree(
        snapshot_id=snapshot_id,
        assets=spec,
        policy=policy,
        account_ids=ids,
        nonces=nonces,
        positions=positions[:real],
        levels=levels,
    )
