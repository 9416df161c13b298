"""The liabilities tree built the obvious way: one Python ``hashlib`` call and Python-integer sums
per node, straight from the layout in ``format`` and the mitigations described in ``tree``.

It is the oracle for the NumPy builder (property tests demand the same root, totals and leaf
positions on any input) and the naive peer in ``seawall bench por``. It is slow on purpose: no
arrays, no batching, nothing clever.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Sequence

import msgspec

from seawall.reserves.format import (
    PADDING_TAG,
    AssetSpec,
    account_commitment,
    leaf_hash,
    node_hash,
    root_commitment,
)
from seawall.reserves.tree import NONCE_TAG, SPLIT_TAG, PrivacyPolicy

__all__ = ["ReferenceTree", "reference_tree"]


class ReferenceTree(msgspec.Struct, frozen=True):
    root: bytes
    tree_root_hash: bytes
    totals_minor: tuple[int, ...]
    #: where each account's leaves went, ``positions[row][part]``
    positions: tuple[tuple[int, ...], ...]


def _shares(balance: int, cuts: list[int]) -> list[int]:
    bounds = [0, *sorted(cuts), 1 << 16]
    scaled = [balance * bound // (1 << 16) for bound in bounds]
    return [b - a for a, b in itertools.pairwise(scaled)]


def reference_tree(
    snapshot_id: str,
    assets: Sequence[AssetSpec],
    account_ids: Sequence[str],
    balances_minor: Sequence[Sequence[int]],
    seed: bytes,
    policy: PrivacyPolicy,
) -> ReferenceTree:
    parts = policy.split_parts
    leaves: list[tuple[bytes, list[int]]] = []
    for account_id, balances in zip(account_ids, balances_minor, strict=True):
        nonce = hmac.digest(seed, NONCE_TAG + account_id.encode(), "sha256")
        per_asset = [[int(b)] for b in balances]
        if parts > 1:
            stream = b""
            block = 0
            while len(stream) < 2 * len(assets) * (parts - 1):
                stream += hashlib.sha256(SPLIT_TAG + nonce + block.to_bytes(4, "big")).digest()
                block += 1
            draws = [int.from_bytes(stream[i : i + 2], "big") for i in range(0, len(stream), 2)]
            per_asset = [
                _shares(int(b), draws[a * (parts - 1) : (a + 1) * (parts - 1)])
                for a, b in enumerate(balances)
            ]
        for part in range(parts):
            commitment = account_commitment(nonce, part, account_id)
            leaves.append((commitment, [shares[part] for shares in per_asset]))
    real = len(leaves)
    count = policy.leaves_min
    while count < real:
        count *= 2
    for index in range(count - real):
        padding = hmac.digest(seed, PADDING_TAG + index.to_bytes(8, "big"), "sha256")
        leaves.append((padding, [0] * len(assets)))
    order = sorted(range(count), key=lambda k: (int.from_bytes(leaves[k][0][:8], "big"), k))
    where = {k: position for position, k in enumerate(order)}
    level = [(leaf_hash(leaves[k][0], leaves[k][1]), leaves[k][1]) for k in order]
    while len(level) > 1:
        level = [
            (
                node_hash(level[i][0], level[i][1], level[i + 1][0], level[i + 1][1]),
                [a + b for a, b in zip(level[i][1], level[i + 1][1], strict=True)],
            )
            for i in range(0, len(level), 2)
        ]
    top_hash, totals = level[0]
    return ReferenceTree(
        root=root_commitment(snapshot_id, assets, count, top_hash, totals),
        tree_root_hash=top_hash,
        totals_minor=tuple(totals),
        positions=tuple(
            tuple(where[row * parts + part] for part in range(parts))
            for row in range(len(account_ids))
        ),
    )
