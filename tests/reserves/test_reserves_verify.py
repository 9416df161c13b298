"""Offline verification refuses every kind of bad proof, each with its own clear reason: a
tampered proof, a wrong root, a negative balance, a proof for another snapshot or account, a
malformed file. And the Maxwell flaw: our parent hash commits to each child's balance, so a
prover cannot show two siblings different splits of one sum."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from seawall.reserves import (
    AccountProof,
    AssetSpec,
    LiabilityTree,
    ProofProblem,
    ProofRejected,
    verify_proof,
)
from seawall.reserves.format import (
    account_commitment,
    leaf_hash,
    node_hash,
    root_commitment,
)
from seawall.reserves.proof import (
    LeafProof,
    PathStep,
    parse_proof,
    proof_from_json,
    proof_to_dict,
    proof_to_json,
)

TreeMaker = Callable[..., tuple[LiabilityTree, list[str], Any]]


@pytest.fixture
def proof_data(tree_maker: TreeMaker) -> tuple[dict[str, Any], LiabilityTree, str]:
    tree, ids, _ = tree_maker()
    return proof_to_dict(tree.proof(ids[5])), tree, ids[5]


def _rejected(data: dict[str, Any], problem: ProofProblem, **expect: Any) -> str:
    with pytest.raises(ProofRejected) as caught:
        verify_proof(parse_proof(data), **expect)
    assert caught.value.problem is problem, caught.value
    return str(caught.value)


def test_an_untouched_proof_verifies(proof_data: tuple[dict[str, Any], LiabilityTree, str]) -> None:
    data, tree, account = proof_data
    result = verify_proof(parse_proof(data), tree.root, "snap-1", account)
    assert result.root == tree.root and result.account_id == account


def test_a_changed_sibling_balance_is_tampering(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, tree, _ = proof_data
    step = data["leaves"][0]["path"][3]
    step["balances"][0] = str(int(step["balances"][0]) + 1)
    message = _rejected(data, ProofProblem.TAMPERED, root=tree.root)
    assert "leads to tree root" in message


def test_a_changed_sibling_hash_is_tampering(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, tree, _ = proof_data
    step = data["leaves"][1]["path"][0]
    step["hash"] = ("0" if step["hash"][0] != "0" else "1") + step["hash"][1:]
    _rejected(data, ProofProblem.TAMPERED, root=tree.root)


def test_a_leaf_raised_with_its_total_is_tampering(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, tree, _ = proof_data
    for where in (data["leaves"][0], data["account"]):
        where["balances"][2] = str(int(where["balances"][2]) + 100)
    _rejected(data, ProofProblem.TAMPERED, root=tree.root)


def test_a_total_that_the_leaves_do_not_make_is_refused(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, _, _ = proof_data
    data["account"]["balances"][0] = str(int(data["account"]["balances"][0]) + 1)
    assert "add up to" in _rejected(data, ProofProblem.TOTALS_MISMATCH)


def test_a_changed_root_or_snapshot_id_is_tampering(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, _, _ = proof_data
    changed = copy.deepcopy(data)
    changed["root"] = "ab" * 32
    assert "commit to" in _rejected(changed, ProofProblem.TAMPERED)
    renamed = copy.deepcopy(data)
    renamed["snapshot"] = "snap-2"
    _rejected(renamed, ProofProblem.TAMPERED)
    tree_root = copy.deepcopy(data)
    tree_root["tree_root"]["balances"][1] = "1"
    _rejected(tree_root, ProofProblem.TAMPERED)


def test_someone_elses_leaf_under_my_name_is_tampering(tree_maker: TreeMaker) -> None:
    tree, ids, _ = tree_maker()
    data = proof_to_dict(tree.proof(ids[1]))
    data["account"]["id"] = ids[2]
    _rejected(data, ProofProblem.TAMPERED, root=tree.root)


def test_a_wrong_root_is_named(proof_data: tuple[dict[str, Any], LiabilityTree, str]) -> None:
    data, _, _ = proof_data
    message = _rejected(data, ProofProblem.WRONG_ROOT, root=b"\x01" * 32)
    assert "published root" in message


def test_a_proof_for_another_snapshot_is_refused(tree_maker: TreeMaker) -> None:
    yesterday, ids, _ = tree_maker(snapshot_id="day-1", seed=b"1" * 32)
    today, _, _ = tree_maker(snapshot_id="day-2", seed=b"2" * 32)
    old = proof_to_dict(yesterday.proof(ids[0]))
    assert "day-1" in _rejected(old, ProofProblem.WRONG_SNAPSHOT, snapshot_id="day-2")
    assert "another snapshot" in _rejected(old, ProofProblem.WRONG_ROOT, root=today.root)


def test_a_proof_for_another_account_is_refused(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, _, _ = proof_data
    _rejected(data, ProofProblem.WRONG_ACCOUNT, account_id="client:broker-0:acct-9999")


def _two_leaf_proof(mine: list[int], sibling: list[int]) -> AccountProof:
    """A well-hashed proof in a two-leaf tree whose other leaf is ``sibling``, as a dishonest
    prover would build it (the builder itself refuses negative balances)."""
    assets = (AssetSpec("BTC", 8), AssetSpec("USD", 2))
    nonce = b"n" * 32
    account = "client:b:acct-1"
    my_hash = leaf_hash(account_commitment(nonce, 0, account), mine)
    other_hash = leaf_hash(b"o" * 32, sibling)
    top = node_hash(my_hash, mine, other_hash, sibling)
    totals = tuple(a + b for a, b in zip(mine, sibling, strict=True))
    return AccountProof(
        snapshot_id="evil",
        assets=assets,
        leaf_count=2,
        root=root_commitment("evil", assets, 2, top, totals),
        tree_root_hash=top,
        totals_minor=totals,
        account_id=account,
        nonce=nonce,
        balances_minor=tuple(mine),
        leaves=(LeafProof(0, 0, tuple(mine), (PathStep(other_hash, tuple(sibling)),)),),
    )


def test_a_negative_balance_anywhere_on_the_path_is_refused() -> None:
    honest = _two_leaf_proof([100, 5], [40, 5])
    assert verify_proof(honest).totals_minor == (140, 10)
    # A negative sibling shrinks the total the firm admits to owing: the hashes are all right,
    # the sum is the one a dishonest firm wants to publish.
    hidden = _two_leaf_proof([100, 5], [-60, 5])
    with pytest.raises(ProofRejected) as caught:
        verify_proof(hidden)
    assert caught.value.problem is ProofProblem.NEGATIVE_BALANCE
    assert "negative BTC balance (-60)" in str(caught.value)
    assert "sibling at level 0" in str(caught.value)
    mine_negative = _two_leaf_proof([-1, 5], [40, 5])
    with pytest.raises(ProofRejected, match="negative_balance"):
        verify_proof(mine_negative)


def test_balances_beyond_128_bits_are_refused() -> None:
    data = proof_to_dict(_two_leaf_proof([1, 1], [1, 1]))
    data["leaves"][0]["path"][0]["balances"][0] = str(2**127)
    with pytest.raises(ProofRejected) as caught:
        verify_proof(parse_proof(data))
    assert caught.value.problem is ProofProblem.OUT_OF_RANGE


def test_the_maxwell_trick_fails_against_our_hash() -> None:
    """ePrint 2018/1139: with a sum-only parent hash a prover may publish the larger of two
    siblings' balances instead of their sum, and show each sibling the other as
    ``published - theirs``. Our parent hash covers both children's balances, so a root made
    for one sibling's view cannot be the root of the other's."""
    assets = (AssetSpec("BTC", 8),)
    nonce = b"n" * 32
    alice, bob = "client:b:alice", "client:b:bob"
    alice_hash = leaf_hash(account_commitment(nonce, 0, alice), [10])
    bob_hash = leaf_hash(account_commitment(nonce, 0, bob), [10])
    # The prover publishes a total of 10 (not 20), built with Bob's leaf shown as holding 0.
    cheat = node_hash(alice_hash, [10], bob_hash, [0])
    root = root_commitment("max", assets, 2, cheat, [10])

    def proof(account: str, index: int, sibling_hash: bytes, sibling: int) -> AccountProof:
        return AccountProof(
            "max", assets, 2, root, cheat, (10,), account, nonce, (10,),
            (LeafProof(0, index, (10,), (PathStep(sibling_hash, (sibling,)),)),),
        )  # fmt: skip

    assert verify_proof(proof(alice, 0, bob_hash, 0), root=root).balances_minor == (10,)
    with pytest.raises(ProofRejected) as caught:
        verify_proof(proof(bob, 1, alice_hash, 0), root=root)
    assert caught.value.problem is ProofProblem.TAMPERED


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d.pop("leaves"), "no 'leaves'"),
        (lambda d: d.update(format="okx"), "format"),
        (lambda d: d.update(root="zz" * 32), "not hex"),
        (lambda d: d.update(root="ab"), "32 bytes"),
        (lambda d: d.update(leaf_count=96), "power of two"),
        (lambda d: d.update(leaf_count=True), "integer"),
        (lambda d: d["leaves"][0]["path"].pop(), "siblings"),
        (lambda d: d["leaves"][0].update(index=10**6), "outside"),
        (lambda d: d["leaves"][1].update(part=0), "parts 0"),
        (lambda d: d["leaves"][1].update(index=d["leaves"][0]["index"]), "same position"),
        (lambda d: d["account"]["balances"].pop(), "3 balances"),
        (lambda d: d["account"]["balances"].__setitem__(0, 1.5), "integer amount"),
        (lambda d: d["account"]["balances"].__setitem__(0, "1e3"), "integer amount"),
        (lambda d: d["assets"].append({"code": "BTC", "decimals": 8}), "assets"),
        (lambda d: d.update(snapshot="a b"), "snapshot id"),
        (lambda d: d["account"].update(id=""), "account id"),
        (lambda d: d.update(leaves=[]), "1..16 leaves"),
    ],
)
def test_malformed_proofs_are_named(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
    change: Callable[[dict[str, Any]], object],
    needle: str,
) -> None:
    data, _, _ = proof_data
    change(data)
    with pytest.raises(ProofRejected) as caught:
        verify_proof(parse_proof(data))
    assert caught.value.problem is ProofProblem.MALFORMED
    assert needle in str(caught.value)


def test_text_that_is_not_json_is_malformed() -> None:
    with pytest.raises(ProofRejected, match="malformed: not JSON"):
        proof_from_json("{not json")
    with pytest.raises(ProofRejected, match="malformed"):
        proof_from_json(json.dumps([1, 2, 3]))


def test_the_json_round_trip_is_exact(
    proof_data: tuple[dict[str, Any], LiabilityTree, str],
) -> None:
    data, _, _ = proof_data
    proof = parse_proof(data)
    assert proof_from_json(proof_to_json(proof)) == proof
    assert proof_to_json(proof).endswith("}\n")
    assert len(proof_to_json(proof)) < 10_000
