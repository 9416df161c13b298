"""The liabilities tree's byte layout: what every hash covers, shared by builder and verifier.

A Merkle **sum** tree over every client account of one snapshot. All hashes are SHA-256; every
integer is big-endian; a balance is a signed 128-bit two's-complement integer in the asset's minor
units (16 bytes), one per asset in the snapshot's asset order. A node's *record* is its hash
followed by its balances: ``hash(32) || balance(16) * assets``.

* **account commitment** (salted): ``SHA-256("seawall.por.account.v1" 0x00 || nonce(32) ||
  u32(part) || account_id)``. The nonce is secret to the client (given only in their proof) and
  new for every snapshot, so the commitment reveals nothing to anyone else, and an account split
  across leaves (``part`` 0, 1, ...) gets one unlinkable commitment per leaf.
* **leaf**: ``SHA-256(0x00 || commitment || balances)``.
* **inner node**: ``SHA-256(0x01 || left record || right record)``; its balances are the sums of
  its children's. The hash commits to *both children's balances*, not only to their sum: with a
  sum-only hash (the Maxwell construction) a prover can show each of two siblings a different
  split of the same sum and hide liabilities (Hu, Zhang, Guo, IACR ePrint 2018/1139).
* **root commitment** (what is published and anchored in the journal):
  ``SHA-256(0x02 || "seawall.por.root.v1" 0x00 || u16(len id) || snapshot_id || u64(leaf count) ||
  u16(assets) || (u8(len code) || code || u8(decimals)) * assets || root record)``. It binds the
  tree to its snapshot and its asset list, so a proof cannot be replayed for another snapshot or
  read with another asset order.

The leaf count is a power of two (padding, ``tree``), so a path has exactly ``log2(leaf count)``
siblings and the leaf's index says on which side each one is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

import msgspec

from seawall.core import limits
from seawall.core.errors import ConditionFailed
from seawall.core.ids import check_asset_code, check_id

__all__ = [
    "ACCOUNT_TAG",
    "BALANCE_MAX",
    "BALANCE_MIN",
    "BALANCE_SIZE",
    "DIGEST_SIZE",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "PADDING_TAG",
    "ROOT_PREFIX",
    "ROOT_TAG",
    "AssetSpec",
    "account_commitment",
    "check_assets",
    "check_snapshot_id",
    "encode_balances",
    "leaf_hash",
    "node_hash",
    "record_size",
    "root_commitment",
    "por_account_id_length_max",
    "por_assets_max",
    "por_depth_max",
    "por_snapshot_id_length_max",
    "por_split_parts_max",
]

DIGEST_SIZE: Final = 32
#: A balance is a signed 128-bit integer: room for the sum of 2**64 balances of 2**63.
BALANCE_SIZE: Final = 16
BALANCE_MAX: Final = 2**127 - 1
BALANCE_MIN: Final = -(2**127)

LEAF_PREFIX: Final = b"\x00"
NODE_PREFIX: Final = b"\x01"
ROOT_PREFIX: Final = b"\x02"
ACCOUNT_TAG: Final = b"seawall.por.account.v1\x00"
PADDING_TAG: Final = b"seawall.por.padding.v1\x00"
ROOT_TAG: Final = b"seawall.por.root.v1\x00"

#: Assets in one snapshot (the ledger defines at most ``limits.assets_max``; a proof carries one
#: balance per asset per level, so a snapshot keeps to the assets clients hold).
por_assets_max: Final = 256
#: Levels below the root: at most 2**32 leaves.
por_depth_max: Final = 32
#: Leaves one account may be split across.
por_split_parts_max: Final = 16
#: A snapshot id and an account id (the ledger's ``client:<broker>:<account>``).
por_snapshot_id_length_max: Final = 64
por_account_id_length_max: Final = limits.account_id_length_max


class AssetSpec(msgspec.Struct, frozen=True):
    """One asset of a snapshot: its code and how many decimals its minor unit has."""

    code: str
    decimals: int


def check_snapshot_id(snapshot_id: str) -> str:
    return check_id(snapshot_id, "snapshot id", por_snapshot_id_length_max)


def check_assets(assets: Sequence[AssetSpec]) -> tuple[AssetSpec, ...]:
    """The assets as a tuple, if they are 1..por_assets_max distinct, well-formed ones."""
    if not 0 < len(assets) <= por_assets_max:
        raise ConditionFailed(f"a snapshot has 1..{por_assets_max} assets, got {len(assets)}")
    codes = [check_asset_code(a.code, limits.asset_code_length_max) for a in assets]
    if len(set(codes)) != len(codes):
        raise ConditionFailed(f"asset codes repeat: {codes}")
    for asset in assets:
        if not 0 <= asset.decimals <= limits.asset_decimals_max:
            raise ConditionFailed(f"{asset.code} decimals must be 0..{limits.asset_decimals_max}")
    return tuple(assets)


def record_size(asset_count: int) -> int:
    """Bytes in one node record: its hash and one balance per asset."""
    return DIGEST_SIZE + BALANCE_SIZE * asset_count


def encode_balances(balances_minor: Sequence[int]) -> bytes:
    """One signed 128-bit big-endian integer per asset."""
    try:
        return b"".join(v.to_bytes(BALANCE_SIZE, "big", signed=True) for v in balances_minor)
    except OverflowError as exc:
        raise ConditionFailed(f"a balance does not fit 128 bits: {balances_minor}") from exc


def account_commitment(nonce: bytes, part: int, account_id: str) -> bytes:
    """The salted commitment to ``account_id`` in leaf ``part`` of its split."""
    return hashlib.sha256(
        ACCOUNT_TAG + nonce + part.to_bytes(4, "big") + account_id.encode()
    ).digest()


def leaf_hash(commitment: bytes, balances_minor: Sequence[int]) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + commitment + encode_balances(balances_minor)).digest()


def node_hash(
    left_hash: bytes,
    left_balances: Sequence[int],
    right_hash: bytes,
    right_balances: Sequence[int],
) -> bytes:
    """An inner node's hash: both children's hashes *and* balances."""
    return hashlib.sha256(
        NODE_PREFIX
        + left_hash
        + encode_balances(left_balances)
        + right_hash
        + encode_balances(right_balances)
    ).digest()


def root_commitment(
    snapshot_id: str,
    assets: Sequence[AssetSpec],
    leaf_count: int,
    tree_root_hash: bytes,
    root_balances: Sequence[int],
) -> bytes:
    """The published liabilities root: the tree's root bound to its snapshot and assets."""
    ident = snapshot_id.encode()
    parts = [
        ROOT_PREFIX,
        ROOT_TAG,
        len(ident).to_bytes(2, "big"),
        ident,
        leaf_count.to_bytes(8, "big"),
        len(assets).to_bytes(2, "big"),
    ]
    for asset in assets:
        code = asset.code.encode()
        parts += [len(code).to_bytes(1, "big"), code, asset.decimals.to_bytes(1, "big")]
    parts += [tree_root_hash, encode_balances(root_balances)]
    return hashlib.sha256(b"".join(parts)).digest()
