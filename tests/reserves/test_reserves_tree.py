"""The liabilities tree: the NumPy builder against the naive reference, every proof verifying,
and the privacy mitigations (split, padding, per-snapshot shuffle) doing what they say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seawall.core.errors import ConditionFailed
from seawall.reserves import AssetSpec, LiabilityTree, PrivacyPolicy, build_tree, verify_proof
from seawall.reserves.format import BALANCE_SIZE, record_size
from seawall.reserves.proof import proof_from_json, proof_to_json
from seawall.reserves.reference import reference_tree

TreeMaker = Callable[..., tuple[LiabilityTree, list[str], Any]]


def test_every_account_proves_its_own_balances(tree_maker: TreeMaker) -> None:
    tree, ids, balances = tree_maker()
    for row, account_id in enumerate(ids):
        proof = proof_from_json(proof_to_json(tree.proof(account_id)))
        result = verify_proof(proof, root=tree.root, snapshot_id="snap-1", account_id=account_id)
        assert list(result.balances_minor) == balances[row].tolist()
        assert result.parts == 2
    assert list(tree.totals_minor) == [int(v) for v in balances.astype(object).sum(axis=0)]


def test_the_builder_matches_the_naive_reference(tree_maker: TreeMaker) -> None:
    for parts in (1, 2, 3):
        tree, ids, balances = tree_maker(parts=parts)
        policy = PrivacyPolicy(split_parts=parts, leaves_min=64)
        reference = reference_tree("snap-1", tree.assets, ids, balances.tolist(), b"s" * 32, policy)
        assert reference.root == tree.root
        assert reference.totals_minor == tree.totals_minor
        assert reference.positions == tuple(tuple(tree.leaf_positions(a)) for a in ids)


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    count=st.integers(0, 12),
    assets=st.integers(1, 4),
    parts=st.integers(1, 4),
    leaves_min_log=st.integers(1, 5),
)
def test_property_builder_equals_reference_and_every_proof_verifies(
    data: st.DataObject, count: int, assets: int, parts: int, leaves_min_log: int
) -> None:
    spec = tuple(AssetSpec(f"A{i}", 8) for i in range(assets))
    balances = [[data.draw(st.integers(0, 2**63 - 1)) for _ in range(assets)] for _ in range(count)]
    ids = [f"client:b:acct-{i}" for i in range(count)]
    seed = data.draw(st.binary(min_size=32, max_size=32))
    policy = PrivacyPolicy(split_parts=parts, leaves_min=1 << leaves_min_log)
    tree = build_tree("prop", spec, ids, np.array(balances, dtype=np.int64), seed, policy)
    reference = reference_tree("prop", spec, ids, balances, seed, policy)
    assert (tree.root, tree.totals_minor) == (reference.root, reference.totals_minor)
    expected = tuple(sum(row[i] for row in balances) for i in range(assets))
    assert tree.totals_minor == expected
    for row, account_id in enumerate(ids):
        result = verify_proof(tree.proof(account_id), root=tree.root)
        assert list(result.balances_minor) == balances[row]


def test_sums_never_overflow_however_large_the_balances(assets: tuple[AssetSpec, ...]) -> None:
    big = 2**63 - 1
    ids = [f"client:b:{i}" for i in range(8)]
    tree = build_tree("big", assets, ids, [[big] * 3] * 8, b"k" * 32, PrivacyPolicy(1, 8))
    assert tree.totals_minor == (8 * big,) * 3
    assert all(v > 2**64 for v in tree.totals_minor)
    verify_proof(tree.proof(ids[3]), root=tree.root)


def test_padding_fills_the_tree_to_a_fixed_size(tree_maker: TreeMaker) -> None:
    tree, ids, _ = tree_maker(count=5, parts=1, leaves_min=256)
    assert tree.leaf_count == 256 and tree.depth == 8
    empty = [
        tree.node(0, i)
        for i in range(256)
        if i not in {p for a in ids for p in tree.leaf_positions(a)}
    ]
    assert len(empty) == 251
    assert all(balances == (0, 0, 0) for _, balances in empty)
    assert len({h for h, _ in empty}) == 251, "padding leaves are not alike"
    grown, _, _ = tree_maker(count=200, parts=2, leaves_min=256)
    assert grown.leaf_count == 512, "more leaves than the minimum: the next power of two"
    assert tree.levels[0].shape[1] == record_size(3) == 32 + 3 * BALANCE_SIZE


def test_an_empty_book_still_makes_a_tree(assets: tuple[AssetSpec, ...]) -> None:
    tree = build_tree("empty", assets, [], [], b"e" * 32, PrivacyPolicy(2, 4))
    assert tree.leaf_count == 4 and tree.totals_minor == (0, 0, 0)


def test_split_shares_add_up_and_hide_the_whole_balance(tree_maker: TreeMaker) -> None:
    tree, ids, balances = tree_maker(parts=3)
    for row, account_id in enumerate(ids):
        leaves = [tree.node(0, p)[1] for p in tree.leaf_positions(account_id)]
        assert len(leaves) == 3
        assert [sum(column) for column in zip(*leaves, strict=True)] == balances[row].tolist()
        assert all(leaf != tuple(balances[row].tolist()) for leaf in leaves)


def test_shuffle_is_deterministic_per_seed_and_new_every_snapshot(tree_maker: TreeMaker) -> None:
    first, ids, _ = tree_maker(snapshot_id="day-1", seed=b"1" * 32)
    again, _, _ = tree_maker(snapshot_id="day-1", seed=b"1" * 32)
    second, _, _ = tree_maker(snapshot_id="day-2", seed=b"2" * 32)
    positions = [first.leaf_positions(a) for a in ids]
    assert positions == [again.leaf_positions(a) for a in ids]
    assert first.root == again.root
    moved = sum(p != second.leaf_positions(a) for a, p in zip(ids, positions, strict=True))
    assert moved >= len(ids) - 2, "almost every account lands elsewhere in the next snapshot"
    assert positions != sorted(positions), "leaves are not in account order"
    assert first.proof(ids[0]).nonce != second.proof(ids[0]).nonce


def test_the_same_balances_under_another_id_give_another_root(tree_maker: TreeMaker) -> None:
    one, _, _ = tree_maker(snapshot_id="a", seed=b"x" * 32)
    two, _, _ = tree_maker(snapshot_id="b", seed=b"x" * 32)
    assert one.tree_root_hash == two.tree_root_hash, "the seed alone decides the tree"
    assert one.root != two.root, "the published root binds the snapshot id"


@pytest.mark.parametrize(
    ("ids", "balances", "seed", "policy", "message"),
    [
        (["a", "b"], [[1, 2, 3], [-1, 0, 0]], b"s" * 32, PrivacyPolicy(), "negative balance"),
        (["a", "a"], [[1, 2, 3], [1, 2, 3]], b"s" * 32, PrivacyPolicy(), "appears twice"),
        (["a b"], [[1, 2, 3]], b"s" * 32, PrivacyPolicy(), "account ids"),
        ([""], [[1, 2, 3]], b"s" * 32, PrivacyPolicy(), "account ids"),
        (["x" * 65], [[1, 2, 3]], b"s" * 32, PrivacyPolicy(), "account ids"),
        (["a"], [[1, 2]], b"s" * 32, PrivacyPolicy(), "must be 1 x 3"),
        (["a"], [[2**63, 0, 0]], b"s" * 32, PrivacyPolicy(), "int64"),
        (["a"], [[1.5, 0, 0]], b"s" * 32, PrivacyPolicy(), "no floats"),
        (["a"], [[True, False, True]], b"s" * 32, PrivacyPolicy(), "no floats, no bools"),
        (["a"], [[1, 2, 3]], b"short", PrivacyPolicy(), "seed"),
        (["a"], [[1, 2, 3]], b"s" * 32, PrivacyPolicy(leaves_min=1000), "power of two"),
        (["a"], [[1, 2, 3]], b"s" * 32, PrivacyPolicy(split_parts=0), "split_parts"),
        (["a"], [[1, 2, 3]], b"s" * 32, PrivacyPolicy(split_parts=17), "split_parts"),
    ],
)
def test_bad_input_is_refused(
    assets: tuple[AssetSpec, ...],
    ids: list[str],
    balances: list[list[int]],
    seed: bytes,
    policy: PrivacyPolicy,
    message: str,
) -> None:
    with pytest.raises(ConditionFailed, match=message):
        build_tree("snap", assets, ids, balances, seed, policy)


def test_bad_snapshot_ids_and_assets_are_refused() -> None:
    with pytest.raises(ConditionFailed, match="snapshot id"):
        build_tree("a b", [AssetSpec("BTC", 8)], [], [], b"s" * 32)
    with pytest.raises(ConditionFailed, match="repeat"):
        build_tree("s", [AssetSpec("BTC", 8), AssetSpec("BTC", 8)], [], [], b"s" * 32)
    with pytest.raises(ConditionFailed, match="decimals"):
        build_tree("s", [AssetSpec("BTC", 19)], [], [], b"s" * 32)
    with pytest.raises(ConditionFailed, match="ticker"):
        build_tree("s", [AssetSpec("btc", 8)], [], [], b"s" * 32)


def test_a_proof_for_an_unknown_account_is_refused(tree_maker: TreeMaker) -> None:
    tree, _, _ = tree_maker()
    with pytest.raises(ConditionFailed, match="not in snapshot"):
        tree.proof("client:nobody:acct-0")
