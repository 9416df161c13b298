"""A client's proof of liabilities and its offline verification.

A proof shows one client that every leaf holding their account (an account may be split across
several leaves) is in the snapshot's tree, with the balances they expect, and that the tree's sums
up to the published root contain no negative number. It needs nothing but this module, ``format``
and the standard library: no market, no journal, no network.

``verify_proof`` checks, in order, and refuses with a ``ProofRejected`` naming the problem:

1. ``malformed``: a missing or ill-typed field, a bad hex string, a leaf count that is not a
   power of two, a path of the wrong length, an index outside the tree, a repeated leaf;
2. ``wrong_snapshot``: the proof is for another snapshot than the one the client asked about;
3. ``wrong_account``: the proof is for another account than the client's;
4. ``negative_balance`` / ``out_of_range``: any balance on any path, any sibling, the root or the
   account's total is below zero or beyond 128 bits;
5. ``totals_mismatch``: the leaves' balances do not add up to the account's stated balances;
6. ``tampered``: recomputing each leaf's commitment and hash, then every parent (hash over both
   children's hashes *and* balances) does not give the tree root the proof states, or the root
   commitment (snapshot id, assets, leaf count, tree root) does not give the proof's root;
7. ``wrong_root``: the proof is internally consistent but its root is not the published one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum, unique
from typing import Any, Final

import msgspec

from seawall.core.errors import ConditionFailed
from seawall.reserves.format import (
    BALANCE_MAX,
    DIGEST_SIZE,
    AssetSpec,
    account_commitment,
    check_assets,
    check_snapshot_id,
    leaf_hash,
    node_hash,
    por_account_id_length_max,
    por_depth_max,
    por_split_parts_max,
    root_commitment,
)

__all__ = [
    "PROOF_FORMAT",
    "AccountProof",
    "LeafProof",
    "PathStep",
    "ProofProblem",
    "ProofRejected",
    "VerifiedProof",
    "parse_proof",
    "proof_from_json",
    "proof_to_dict",
    "proof_to_json",
    "verify_proof",
]

PROOF_FORMAT: Final = "seawall-por-proof/1"


@unique
class ProofProblem(StrEnum):
    """Why a proof was refused (stable names, printed by ``seawall por verify``)."""

    MALFORMED = "malformed"
    WRONG_SNAPSHOT = "wrong_snapshot"
    WRONG_ACCOUNT = "wrong_account"
    NEGATIVE_BALANCE = "negative_balance"
    OUT_OF_RANGE = "out_of_range"
    TOTALS_MISMATCH = "totals_mismatch"
    TAMPERED = "tampered"
    WRONG_ROOT = "wrong_root"


class ProofRejected(ConditionFailed):
    """A proof that does not verify; ``problem`` says which check refused it."""

    def __init__(self, problem: ProofProblem, detail: str) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"{problem.value}: {detail}")


class PathStep(msgspec.Struct, frozen=True):
    """A sibling on the way up: its hash and balances (one per asset)."""

    hash: bytes
    balances_minor: tuple[int, ...]


class LeafProof(msgspec.Struct, frozen=True):
    """One leaf of the account: which part of the split, where it is, what it holds, its path."""

    part: int
    index: int
    balances_minor: tuple[int, ...]
    path: tuple[PathStep, ...]


class AccountProof(msgspec.Struct, frozen=True):
    """Everything a client needs to check their account in one snapshot, offline.

    ``root`` is the published root commitment; ``tree_root_hash`` and ``totals_minor`` are the
    tree's root record (the total liabilities per asset); ``balances_minor`` is the account's own
    total, the sum of its leaves.
    """

    snapshot_id: str
    assets: tuple[AssetSpec, ...]
    leaf_count: int
    root: bytes
    tree_root_hash: bytes
    totals_minor: tuple[int, ...]
    account_id: str
    nonce: bytes
    balances_minor: tuple[int, ...]
    leaves: tuple[LeafProof, ...]


class VerifiedProof(msgspec.Struct, frozen=True):
    """What a verified proof establishes."""

    snapshot_id: str
    root: bytes
    account_id: str
    assets: tuple[AssetSpec, ...]
    balances_minor: tuple[int, ...]
    totals_minor: tuple[int, ...]
    leaf_count: int
    parts: int


# --- JSON ----------------------------------------------------------------------------------------


def _amounts(values: Sequence[int]) -> list[str]:
    return [str(v) for v in values]


def proof_to_dict(proof: AccountProof) -> dict[str, Any]:
    """The proof as JSON-ready data: hashes in lowercase hex, amounts as decimal strings of minor
    units (so no JSON reader rounds them), balances listed in the order of ``assets``."""
    return {
        "format": PROOF_FORMAT,
        "snapshot": proof.snapshot_id,
        "assets": [{"code": a.code, "decimals": a.decimals} for a in proof.assets],
        "leaf_count": proof.leaf_count,
        "root": proof.root.hex(),
        "tree_root": {"hash": proof.tree_root_hash.hex(), "balances": _amounts(proof.totals_minor)},
        "account": {
            "id": proof.account_id,
            "nonce": proof.nonce.hex(),
            "balances": _amounts(proof.balances_minor),
        },
        "leaves": [
            {
                "part": leaf.part,
                "index": leaf.index,
                "balances": _amounts(leaf.balances_minor),
                "path": [
                    {"hash": step.hash.hex(), "balances": _amounts(step.balances_minor)}
                    for step in leaf.path
                ],
            }
            for leaf in proof.leaves
        ],
    }


def proof_to_json(proof: AccountProof) -> str:
    """The proof file's text: compact JSON (a path is most of it), one trailing newline."""
    return json.dumps(proof_to_dict(proof), separators=(",", ":")) + "\n"


def proof_from_json(text: str | bytes) -> AccountProof:
    """Parse a proof file; anything that is not a well-formed proof is ``malformed``."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProofRejected(ProofProblem.MALFORMED, f"not JSON: {exc}") from exc
    return parse_proof(data)


def _bad(detail: str) -> ProofRejected:
    return ProofRejected(ProofProblem.MALFORMED, detail)


def _field(data: object, key: str, where: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise _bad(f"{where} has no {key!r}")
    return data[key]


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"{where} must be an integer, got {value!r}")
    return value


def _hex(value: object, where: str, size: int) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size:
        raise _bad(f"{where} must be {size} bytes of hex, got {value!r}")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise _bad(f"{where} is not hex: {value!r}") from exc


def _amount(value: object, where: str) -> int:
    if isinstance(value, bool):
        raise _bad(f"{where} must be an integer amount, got {value!r}")
    if isinstance(value, int):
        return value
    text = value if isinstance(value, str) else ""
    digits = text[1:] if text[:1] == "-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 40:
        raise _bad(f"{where} must be an integer amount in minor units, got {value!r}")
    return int(text)


def _balances(value: object, where: str, count: int) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) != count:
        raise _bad(f"{where} must list {count} balances (one per asset), got {value!r}")
    return tuple(_amount(v, f"{where}[{i}]") for i, v in enumerate(value))


def parse_proof(data: object) -> AccountProof:
    """A proof from decoded JSON data; ``malformed`` if any field is missing or ill-typed."""
    if _field(data, "format", "proof") != PROOF_FORMAT:
        raise _bad(f"format must be {PROOF_FORMAT!r}")
    snapshot_id = _field(data, "snapshot", "proof")
    raw_assets = _field(data, "assets", "proof")
    if not isinstance(snapshot_id, str) or not isinstance(raw_assets, list):
        raise _bad("snapshot must be a string and assets a list")
    try:
        check_snapshot_id(snapshot_id)
        assets = check_assets(
            [
                AssetSpec(
                    _field(a, "code", "asset"), _int(_field(a, "decimals", "asset"), "decimals")
                )
                for a in raw_assets
            ]
        )
    except ProofRejected:
        raise
    except (ConditionFailed, TypeError, AttributeError) as exc:
        raise _bad(f"bad snapshot id or assets: {exc}") from exc
    count = len(assets)
    tree_root = _field(data, "tree_root", "proof")
    account = _field(data, "account", "proof")
    raw_leaves = _field(data, "leaves", "proof")
    if not isinstance(raw_leaves, list) or not 0 < len(raw_leaves) <= por_split_parts_max:
        raise _bad(f"leaves must list 1..{por_split_parts_max} leaves")
    account_id = _field(account, "id", "account")
    if not isinstance(account_id, str) or not 0 < len(account_id) <= por_account_id_length_max:
        raise _bad(f"account id must be 1..{por_account_id_length_max} characters")
    leaves = []
    for number, leaf in enumerate(raw_leaves):
        where = f"leaves[{number}]"
        raw_path = _field(leaf, "path", where)
        if not isinstance(raw_path, list) or len(raw_path) > por_depth_max:
            raise _bad(f"{where}.path must list at most {por_depth_max} siblings")
        path = tuple(
            PathStep(
                _hex(_field(step, "hash", f"{where}.path[{level}]"), "sibling hash", DIGEST_SIZE),
                _balances(
                    _field(step, "balances", f"{where}.path[{level}]"),
                    f"{where}.path[{level}].balances",
                    count,
                ),
            )
            for level, step in enumerate(raw_path)
        )
        leaves.append(
            LeafProof(
                part=_int(_field(leaf, "part", where), f"{where}.part"),
                index=_int(_field(leaf, "index", where), f"{where}.index"),
                balances_minor=_balances(
                    _field(leaf, "balances", where), f"{where}.balances", count
                ),
                path=path,
            )
        )
    return AccountProof(
        snapshot_id=snapshot_id,
        assets=assets,
        leaf_count=_int(_field(data, "leaf_count", "proof"), "leaf_count"),
        root=_hex(_field(data, "root", "proof"), "root", DIGEST_SIZE),
        tree_root_hash=_hex(_field(tree_root, "hash", "tree_root"), "tree root", DIGEST_SIZE),
        totals_minor=_balances(_field(tree_root, "balances", "tree_root"), "tree_root", count),
        account_id=account_id,
        nonce=_hex(_field(account, "nonce", "account"), "nonce", DIGEST_SIZE),
        balances_minor=_balances(_field(account, "balances", "account"), "account", count),
        leaves=tuple(leaves),
    )


# --- verification --------------------------------------------------------------------------------


def _check_range(values: Sequence[int], assets: Sequence[AssetSpec], where: str) -> None:
    for asset, value in zip(assets, values, strict=True):
        if value < 0:
            raise ProofRejected(
                ProofProblem.NEGATIVE_BALANCE,
                f"{where} has a negative {asset.code} balance ({value}): a negative leaf or sum "
                "could hide liabilities",
            )
        if value > BALANCE_MAX:
            raise ProofRejected(
                ProofProblem.OUT_OF_RANGE, f"{where} has a {asset.code} balance beyond 128 bits"
            )


def _check_shape(proof: AccountProof) -> int:
    """The tree's depth, once the proof's sizes are consistent."""
    count = proof.leaf_count
    if count < 2 or count & (count - 1) or count.bit_length() - 1 > por_depth_max:
        raise _bad(f"leaf count must be a power of two up to 2**{por_depth_max}, got {count}")
    depth = count.bit_length() - 1
    parts = sorted(leaf.part for leaf in proof.leaves)
    if parts != list(range(len(parts))):
        raise _bad(f"the account's leaves must be parts 0..{len(parts) - 1}, got {parts}")
    indexes = {leaf.index for leaf in proof.leaves}
    if len(indexes) != len(proof.leaves):
        raise _bad("two leaves claim the same position")
    for leaf in proof.leaves:
        if not 0 <= leaf.index < count:
            raise _bad(f"leaf index {leaf.index} is outside a tree of {count} leaves")
        if len(leaf.path) != depth:
            raise _bad(f"a path in a tree of {count} leaves has {depth} siblings")
    return depth


def verify_proof(
    proof: AccountProof,
    root: bytes | None = None,
    snapshot_id: str | None = None,
    account_id: str | None = None,
) -> VerifiedProof:
    """Check ``proof`` offline (see the module docstring for the order of the checks).

    ``root``: the published root commitment to compare against; ``snapshot_id`` and
    ``account_id``: what the client expects the proof to be about. Each is optional; without
    ``root`` the proof is checked against its own stated root, which the client must then
    compare with the published one (``seawall por verify`` prints it).
    """
    _check_shape(proof)
    if snapshot_id is not None and proof.snapshot_id != snapshot_id:
        raise ProofRejected(
            ProofProblem.WRONG_SNAPSHOT,
            f"this proof is for snapshot {proof.snapshot_id!r}, not {snapshot_id!r}",
        )
    if account_id is not None and proof.account_id != account_id:
        raise ProofRejected(
            ProofProblem.WRONG_ACCOUNT,
            f"this proof is for account {proof.account_id!r}, not {account_id!r}",
        )
    assets = proof.assets
    _check_range(proof.balances_minor, assets, "the account")
    _check_range(proof.totals_minor, assets, "the tree root")
    sums = [0] * len(assets)
    for leaf in sorted(proof.leaves, key=lambda each: each.part):
        _check_range(leaf.balances_minor, assets, f"leaf {leaf.index} (part {leaf.part})")
        for level, step in enumerate(leaf.path):
            _check_range(step.balances_minor, assets, f"the sibling at level {level}")
        sums = [s + v for s, v in zip(sums, leaf.balances_minor, strict=True)]
    if tuple(sums) != proof.balances_minor:
        raise ProofRejected(
            ProofProblem.TOTALS_MISMATCH,
            f"the leaves add up to {sums}, the account states {list(proof.balances_minor)}",
        )
    for leaf in proof.leaves:
        _walk(proof, leaf)
    computed = root_commitment(
        proof.snapshot_id, assets, proof.leaf_count, proof.tree_root_hash, proof.totals_minor
    )
    if computed != proof.root:
        raise ProofRejected(
            ProofProblem.TAMPERED,
            f"the snapshot id, assets, leaf count and tree root commit to {computed.hex()}, "
            f"not to the root the proof states ({proof.root.hex()})",
        )
    if root is not None and proof.root != root:
        raise ProofRejected(
            ProofProblem.WRONG_ROOT,
            f"the proof leads to root {proof.root.hex()}, but the published root is {root.hex()} "
            f"(is it a proof for another snapshot than {proof.snapshot_id!r}?)",
        )
    return VerifiedProof(
        snapshot_id=proof.snapshot_id,
        root=proof.root,
        account_id=proof.account_id,
        assets=assets,
        balances_minor=proof.balances_minor,
        totals_minor=proof.totals_minor,
        leaf_count=proof.leaf_count,
        parts=len(proof.leaves),
    )


def _walk(proof: AccountProof, leaf: LeafProof) -> None:
    """Recompute one leaf's way to the root; ``tampered`` unless it ends at the stated root."""
    commitment = account_commitment(proof.nonce, leaf.part, proof.account_id)
    current_hash = leaf_hash(commitment, leaf.balances_minor)
    current = leaf.balances_minor
    position = leaf.index
    for level, step in enumerate(leaf.path):
        total = tuple(a + b for a, b in zip(current, step.balances_minor, strict=True))
        for asset, value in zip(proof.assets, total, strict=True):
            if value > BALANCE_MAX:
                raise ProofRejected(
                    ProofProblem.OUT_OF_RANGE,
                    f"the {asset.code} sum at level {level + 1} does not fit 128 bits",
                )
        if position & 1:
            current_hash = node_hash(step.hash, step.balances_minor, current_hash, current)
        else:
            current_hash = node_hash(current_hash, current, step.hash, step.balances_minor)
        current = total
        position >>= 1
    if current_hash != proof.tree_root_hash or current != proof.totals_minor:
        raise ProofRejected(
            ProofProblem.TAMPERED,
            f"the path from leaf {leaf.index} (part {leaf.part}) leads to tree root "
            f"{current_hash.hex()} with totals {list(current)}, not to the stated "
            f"{proof.tree_root_hash.hex()} with {list(proof.totals_minor)}: a balance or a hash "
            "in the proof was changed, or the leaf is not this account's",
        )
