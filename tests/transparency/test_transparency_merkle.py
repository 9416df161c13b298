"""The Merkle tree against a naive RFC 6962 twin, and the verifiers against tampering.

``reference_*`` below transcribe the recursive definitions of RFC 9162 section 2.1 (MTH, PATH,
PROOF/SUBPROOF) literally: obviously correct and slow, they are the oracle for the fast tree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from seawall.core.errors import ConditionFailed
from seawall.transparency import (
    EMPTY_ROOT,
    InvalidProof,
    MemoryNodeStore,
    MerkleTree,
    SqliteNodeStore,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from seawall.transparency.merkle import subtree_hash


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n > 1``)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = split(len(leaves))
    left, right = reference_root(leaves[:k]), reference_root(leaves[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = split(len(leaves))
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_root(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_root(leaves[:k])]


def reference_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [reference_root(leaves)]
    k = split(n)
    if m <= k:
        return [*reference_subproof(m, leaves[:k], complete), reference_root(leaves[k:])]
    return [*reference_subproof(m - k, leaves[k:], False), reference_root(leaves[:k])]


def reference_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    return [] if m == len(leaves) else reference_subproof(m, leaves, True)


def leaves_of(count: int) -> list[bytes]:
    return [f"leaf {index}".encode() for index in range(count)]


def flip(value: bytes, bit: int) -> bytes:
    changed = bytearray(value)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


# --- against the reference ----------------------------------------------------------------------


def test_empty_tree() -> None:
    tree = MerkleTree()
    assert tree.size == 0
    assert tree.root() == EMPTY_ROOT == hashlib.sha256(b"").digest()


@given(st.lists(st.binary(max_size=40), max_size=70))
def test_root_at_every_size_matches_the_reference(leaves: list[bytes]) -> None:
    tree = MerkleTree()
    tree.extend(leaves)
    for size in range(len(leaves) + 1):
        assert tree.root(size) == reference_root(leaves[:size])


@given(st.data(), st.integers(min_value=1, max_value=600))
def test_every_inclusion_proof_verifies_and_a_flipped_bit_does_not(
    data: st.DataObject, count: int
) -> None:
    leaves = leaves_of(count)
    tree = MerkleTree()
    tree.extend(leaves)
    size = data.draw(st.integers(min_value=1, max_value=count), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    root = tree.root(size)
    assert proof == reference_path(index, leaves[:size])
    verify_inclusion(leaf_hash(leaves[index]), index, size, proof, root)
    if proof:
        position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")
        bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
        forged = [*proof[:position], flip(proof[position], bit), *proof[position + 1 :]]
        with pytest.raises(InvalidProof):
            verify_inclusion(leaf_hash(leaves[index]), index, size, forged, root)
    bit = data.draw(st.integers(min_value=0, max_value=255), label="root bit")
    with pytest.raises(InvalidProof):
        verify_inclusion(leaf_hash(leaves[index]), index, size, proof, flip(root, bit))
    with pytest.raises(InvalidProof):
        verify_inclusion(flip(leaf_hash(leaves[index]), bit), index, size, proof, root)


@given(st.data(), st.integers(min_value=1, max_value=600))
def test_every_consistency_proof_verifies_and_a_flipped_bit_does_not(
    data: st.DataObject, count: int
) -> None:
    leaves = leaves_of(count)
    tree = MerkleTree()
    tree.extend(leaves)
    size2 = data.draw(st.integers(min_value=1, max_value=count), label="size2")
    size1 = data.draw(st.integers(min_value=1, max_value=size2), label="size1")
    proof = tree.consistency_proof(size1, size2)
    root1, root2 = tree.root(size1), tree.root(size2)
    assert proof == reference_proof(size1, leaves[:size2])
    verify_consistency(size1, size2, proof, root1, root2)
    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    if proof:
        position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")
        forged = [*proof[:position], flip(proof[position], bit), *proof[position + 1 :]]
        with pytest.raises(InvalidProof):
            verify_consistency(size1, size2, forged, root1, root2)
    with pytest.raises(InvalidProof):
        verify_consistency(size1, size2, proof, flip(root1, bit), root2)
    with pytest.raises(InvalidProof):
        verify_consistency(size1, size2, proof, root1, flip(root2, bit))


class TreeAgainstReference(RuleBasedStateMachine):
    """Appends in every way the tree offers, checked against the reference after each step."""

    def __init__(self) -> None:
        super().__init__()
        self.tree = MerkleTree()
        self.leaves: list[bytes] = []

    @rule(leaf=st.binary(max_size=16))
    def append(self, leaf: bytes) -> None:
        assert self.tree.append(leaf) == len(self.leaves)
        self.leaves.append(leaf)

    @rule(leaf=st.binary(max_size=16))
    def append_leaf_hash(self, leaf: bytes) -> None:
        assert self.tree.append_leaf_hash(leaf_hash(leaf)) == len(self.leaves)
        self.leaves.append(leaf)

    @rule(batch=st.lists(st.binary(max_size=16), max_size=20))
    def extend(self, batch: list[bytes]) -> None:
        assert self.tree.extend(batch) == len(self.leaves) + len(batch)
        self.leaves.extend(batch)

    @rule(batch=st.lists(st.binary(max_size=16), max_size=20))
    def extend_leaf_hashes(self, batch: list[bytes]) -> None:
        self.tree.extend_leaf_hashes([leaf_hash(leaf) for leaf in batch])
        self.leaves.extend(batch)

    @rule(data=st.data())
    def earlier_root(self, data: st.DataObject) -> None:
        size = data.draw(st.integers(min_value=0, max_value=len(self.leaves)))
        assert self.tree.root(size) == reference_root(self.leaves[:size])

    @invariant()
    def same_root(self) -> None:
        assert self.tree.size == len(self.leaves)
        assert self.tree.root() == reference_root(self.leaves)


TestTreeAgainstReference = TreeAgainstReference.TestCase
TestTreeAgainstReference.settings = settings(max_examples=50, stateful_step_count=30)


# --- storage, batching, reopening ---------------------------------------------------------------


def test_large_batches_flush_and_match_one_by_one_appends() -> None:
    leaves = leaves_of(70_000)  # crosses the 65,536-leaf flush threshold mid-batch
    batch, single = MerkleTree(), MerkleTree()
    batch.extend(leaves)
    for leaf in leaves:
        single.append(leaf)
    assert batch.root() == single.root()
    assert batch.root(65_537) == single.root(65_537)
    for level in range(17):
        assert batch.store.level_size(level) == 70_000 >> level


def reference_levels(leaves: list[bytes]) -> list[bytes]:
    """Every complete subtree hash of ``leaves``, level by level (level ``k`` holds
    ``len(leaves) >> k`` nodes), concatenated per level: what a tree's node store must hold."""
    level = [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]
    levels = [b"".join(level)] if level else []
    while len(level) > 1:
        level = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        levels.append(b"".join(level))
    return levels


def stored_levels(tree: MerkleTree) -> list[bytes]:
    tree.flush()
    levels = []
    level = 0
    while tree.store.level_size(level):
        levels.append(tree.store.read(level, 0, tree.store.level_size(level)))
        level += 1
    return levels


_step = st.one_of(
    st.tuples(st.just("append"), st.binary(max_size=80)),
    st.tuples(st.just("extend"), st.lists(st.binary(max_size=80), max_size=40)),
    st.tuples(st.just("extend_leaf_hashes"), st.lists(st.binary(max_size=80), max_size=40)),
    st.tuples(st.just("flush"), st.just(b"")),
    st.tuples(st.just("root"), st.just(b"")),
)


@given(st.lists(_step, max_size=40))
def test_every_way_of_appending_stores_the_same_nodes(steps: list[tuple[str, object]]) -> None:
    """One-by-one, batched, by leaf hash, short (one SHA-256 block) and long leaves, flushed or
    read in between: the store ends up holding exactly the reference's nodes."""
    tree = MerkleTree()
    leaves: list[bytes] = []
    for kind, value in steps:
        if kind == "append":
            assert isinstance(value, bytes)
            assert tree.append(value) == len(leaves)
            leaves.append(value)
        elif kind in ("extend", "extend_leaf_hashes"):
            assert isinstance(value, list)
            if kind == "extend":
                assert tree.extend(value) == len(leaves) + len(value)
            else:
                tree.extend_leaf_hashes([leaf_hash(leaf) for leaf in value])
            leaves.extend(value)
        elif kind == "flush":
            tree.flush()
        else:
            assert tree.root() == reference_root(leaves)
        assert tree.size == len(leaves)
    assert stored_levels(tree) == reference_levels(leaves)


def test_many_single_appends_fold_in_batches_and_store_the_reference_nodes(
    tmp_path: Path,
) -> None:
    """Enough one-by-one appends to fold several full batches, leaves on both sides of the
    one-block boundary, a reopened SQLite store in the middle."""
    leaves = [b"x" * (index % 90) + index.to_bytes(4, "big") for index in range(10_001)]
    store = SqliteNodeStore(tmp_path / "nodes.sqlite")
    tree = MerkleTree(store)
    for index, leaf in enumerate(leaves[:6_000]):
        assert tree.append(leaf) == index
    tree.flush()
    store.close()
    tree = MerkleTree(SqliteNodeStore(tmp_path / "nodes.sqlite"))
    for index, leaf in enumerate(leaves[6_000:], start=6_000):
        assert tree.append(leaf) == index
    assert tree.size == len(leaves)
    assert tree.root() == reference_root(leaves)
    assert stored_levels(tree) == reference_levels(leaves)
    tree.store.close()


def test_a_tree_reopened_on_its_sqlite_store_resumes(tmp_path: Path) -> None:
    leaves = leaves_of(1_000)
    memory = MerkleTree(MemoryNodeStore())
    memory.extend(leaves)
    store = SqliteNodeStore(tmp_path / "nodes.sqlite")
    tree = MerkleTree(store)
    tree.extend(leaves[:777])
    tree.flush()
    store.close()
    reopened = MerkleTree(SqliteNodeStore(tmp_path / "nodes.sqlite"))
    assert reopened.size == 777
    assert reopened.root() == memory.root(777)
    reopened.extend(leaves[777:])
    assert reopened.root() == memory.root()
    assert reopened.inclusion_proof(500, 900) == memory.inclusion_proof(500, 900)
    assert reopened.consistency_proof(333, 1_000) == memory.consistency_proof(333)
    reopened.store.close()


def test_unflushed_appends_are_not_in_the_store_until_flushed() -> None:
    tree = MerkleTree()
    tree.extend(leaves_of(5))
    assert tree.store.level_size(0) == 0
    tree.flush()
    assert tree.store.level_size(0) == 5
    assert tree.store.level_size(2) == 1


def test_a_store_whose_levels_disagree_is_refused() -> None:
    store = MemoryNodeStore()
    store.append([bytes(32) * 2])  # two leaves without their parent
    with pytest.raises(AssertionError, match="Invariant"):
        MerkleTree(store)


# --- bad input ----------------------------------------------------------------------------------


def test_bad_calls_are_condition_failures() -> None:
    tree = MerkleTree()
    tree.extend(leaves_of(10))
    with pytest.raises(ConditionFailed):
        tree.append_leaf_hash(b"short")
    with pytest.raises(ConditionFailed):
        tree.extend_leaf_hashes([b"short"])
    with pytest.raises(ConditionFailed):
        tree.inclusion_proof(10, 10)
    with pytest.raises(ConditionFailed):
        tree.inclusion_proof(0, 11)
    with pytest.raises(ConditionFailed):
        tree.consistency_proof(0, 5)
    with pytest.raises(ConditionFailed):
        tree.consistency_proof(6, 5)
    with pytest.raises(ConditionFailed):
        tree.root(11)
    with pytest.raises(ConditionFailed):
        tree.leaf_hash_at(10)
    with pytest.raises(ConditionFailed):
        subtree_hash(tree.store.node, 1, 3)  # not a range RFC 6962 ever splits into
    assert tree.size == 10  # nothing half-appended


def test_a_bad_leaf_in_a_batch_keeps_the_tree_whole() -> None:
    tree = MerkleTree()
    with pytest.raises(TypeError):
        tree.extend([b"a", b"b", "not bytes"])  # type: ignore[list-item]
    assert tree.size == 2
    assert tree.root() == reference_root([b"a", b"b"])


def test_verifier_input_checks() -> None:
    root = leaf_hash(b"x")
    with pytest.raises(ConditionFailed):
        verify_inclusion(root, -1, 1, [], root)
    with pytest.raises(ConditionFailed):
        verify_inclusion(root, 0, 1, "not a list", root)  # type: ignore[arg-type]
    with pytest.raises(InvalidProof, match="at most 64"):
        verify_inclusion(root, 0, 1, [root] * 65, root)
    with pytest.raises(InvalidProof, match="not 32"):
        verify_inclusion(root, 0, 2, [b"short"], root)
    with pytest.raises(InvalidProof, match="exceeds"):
        verify_inclusion(root, 0, 2**64, [], root)
    with pytest.raises(InvalidProof, match="at most 65"):
        verify_consistency(1, 2, [root] * 66, root, root)
    verify_inclusion(root, 0, 1, [], root)
    verify_consistency(1, 1, [], root, root)


def test_node_hash_is_rfc6962() -> None:
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    tree = MerkleTree()
    tree.extend([b"l", b"r"])
    assert tree.root() == node_hash(left, right)


def test_roots_agree_with_the_pymerkle_peer() -> None:
    pymerkle = pytest.importorskip("pymerkle")
    leaves = leaves_of(100)
    ours, peer = MerkleTree(), pymerkle.InmemoryTree(algorithm="sha256")
    ours.extend(leaves)
    peer.append_entries(leaves)
    for size in range(1, 101):
        assert ours.root(size) == peer.get_root(size)
