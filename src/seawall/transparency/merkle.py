"""RFC 6962 / RFC 9162 Merkle trees: hashing, an incremental tree, proofs and their verifiers.

The public projection of every journal entry is a leaf of one append-only Merkle tree, hashed
exactly as RFC 6962 section 2.1 (and RFC 9162 section 2.1) says, so that any third-party
verifier (transparency-dev/merkle, Trillian, Tessera clients, sigsum, ...) checks our roots and
proofs without knowing us:

* leaf hash ``SHA-256(0x00 || leaf)``, interior node ``SHA-256(0x01 || left || right)``, empty
  tree ``SHA-256("")``;
* the split of ``n`` leaves is at the largest power of two smaller than ``n``.

``MerkleTree`` appends in amortised O(1): it keeps the *frontier* (the roots of the complete
subtrees that make up the current tree, largest first) and, when leaves complete a subtree,
hashes it once and stores it; it does so for a batch of leaves at a time, level by level, which
runs less Python per node than one leaf at a time. A leaf that fits one SHA-256 block is hashed
with CPython's own SHA-256, anything longer with OpenSSL's, whichever is quicker for the size
(the same function either way). Every complete subtree hash is stored by ``(level, index)`` in a
``NodeStore`` (see ``store``), so the root at any earlier size, an inclusion proof or a
consistency proof reads O(log n) stored hashes and never rehashes history. The proof builders
are written against a plain "read node ``(level, index)``" function, so the tile reader in
``tiles`` reuses them unchanged over published tiles.

``verify_inclusion`` and ``verify_consistency`` are the verification algorithms of RFC 9162
sections 2.1.3.2 and 2.1.4.2, step for step, plus the edge rules that the shared conformance
vectors (transparency-dev/merkle ``testdata``) encode: a consistency proof from size 0 is an
error, and equal sizes need an empty proof and equal roots. They return ``None`` or raise
``InvalidProof`` with the reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Final, Protocol

from seawall.core.errors import ConditionFailed, condition, invariant
from seawall.core.hashing import DIGEST_SIZE
from seawall.core.limits import (
    consistency_proof_hashes_max,
    inclusion_proof_hashes_max,
    tree_size_max,
)
from seawall.transparency.errors import InvalidProof
from seawall.transparency.store import MemoryNodeStore, NodeStore, levels_max

__all__ = [
    "EMPTY_ROOT",
    "MerkleTree",
    "NodeReader",
    "consistency_proof_from_nodes",
    "inclusion_proof_from_nodes",
    "leaf_hash",
    "node_hash",
    "root_from_nodes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256


class _Digest(Protocol):
    def digest(self) -> bytes: ...


def _one_block_sha256() -> Callable[[bytes], _Digest]:
    """CPython's own SHA-256 (``_sha2``, ``_sha256`` before 3.12), else ``hashlib``'s.

    It hashes a message of one SHA-256 block (at most 55 bytes) in less time than OpenSSL's,
    which sets up and copies an ``EVP_MD_CTX`` for every message; longer messages are faster
    through OpenSSL. Both compute the same SHA-256, so the choice never changes a hash.
    """
    for name in ("_sha2", "_sha256"):
        with contextlib.suppress(ImportError, AttributeError):
            constructor: Callable[[bytes], _Digest] = importlib.import_module(name).sha256
            return constructor
    return _sha256


_sha256_one_block: Final = _one_block_sha256()
#: A leaf shorter than this is one SHA-256 block once prefixed (1 + 54 bytes + 9 of padding).
_one_block_leaf_bytes: Final = 55

#: RFC 6962 section 2.1: the hash of an empty list is the hash of an empty string.
EMPTY_ROOT: Final = _sha256(b"").digest()

#: Reads the hash of complete subtree ``(level, index)``: leaves
#: ``[index * 2**level, (index + 1) * 2**level)``.
NodeReader = Callable[[int, int], bytes]

#: Appended leaves are handed to the node store in batches of at most this many.
_flush_leaves_max: Final = 1 << 16
#: Leaves appended one at a time wait, hashed, until this many are folded into the tree at once.
_waiting_leaves_max: Final = 1 << 12


def leaf_hash(leaf: bytes) -> bytes:
    """``SHA-256(0x00 || leaf)``: the RFC 6962 hash of one leaf (any bytes, even empty)."""
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the RFC 6962 hash of an interior node."""
    return _sha256(b"\x01" + left + right).digest()


# --- proofs from stored complete-subtree hashes --------------------------------------------------


def _check_hash(value: object, what: str) -> None:
    if not isinstance(value, bytes | bytearray):
        raise ConditionFailed(f"{what} must be bytes")


def subtree_hash(read_node: NodeReader, start: int, end: int) -> bytes:
    """``MTH(D[start:end])`` from complete-subtree hashes.

    The range must be one that RFC 6962's recursion produces: non-empty, with ``start`` a
    multiple of the smallest power of two not below ``end - start``. It splits into at most
    64 complete subtrees (the binary digits of ``end - start``), folded from the right.
    """
    width = end - start
    if width <= 0 or start % (1 << (width - 1).bit_length()):
        raise ConditionFailed(
            f"subtree [{start}, {end}) is not a range RFC 6962 splits a tree into"
        )
    if width & (width - 1) == 0:
        return read_node(width.bit_length() - 1, start // width)
    parts: list[bytes] = []
    position = start
    while position < end:
        level = (end - position).bit_length() - 1
        parts.append(read_node(level, position >> level))
        position += 1 << level
    result = parts.pop()
    while parts:
        result = node_hash(parts.pop(), result)
    return result


def root_from_nodes(read_node: NodeReader, size: int) -> bytes:
    """The RFC 6962 root hash of the first ``size`` leaves."""
    condition(0 <= size <= tree_size_max, f"tree size {size} is outside 0..2**64-1")
    if size == 0:
        return EMPTY_ROOT
    return subtree_hash(read_node, 0, size)


def inclusion_proof_from_nodes(read_node: NodeReader, index: int, size: int) -> list[bytes]:
    """``PATH(index, D[0:size])`` of RFC 9162 section 2.1.3.1, leaf side first.

    Walks down from the root; at each split the sibling range is complete except possibly the
    one right-hand sibling met before the walk first turns left, so this reads O(log n) nodes.
    """
    condition(0 < size <= tree_size_max, f"tree size {size} is outside 1..2**64-1")
    condition(0 <= index < size, f"leaf index {index} is not below tree size {size}")
    siblings: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + (1 << ((end - start - 1).bit_length() - 1))
        if index < middle:
            siblings.append(subtree_hash(read_node, middle, end))
            end = middle
        else:
            siblings.append(subtree_hash(read_node, start, middle))
            start = middle
    siblings.reverse()
    return siblings


def consistency_proof_from_nodes(read_node: NodeReader, size1: int, size2: int) -> list[bytes]:
    """``PROOF(size1, D[0:size2])`` of RFC 9162 section 2.1.4.1, leaf side first.

    ``SUBPROOF`` unrolled: ``boundary`` is ``m``, ``complete`` is the flag ``b``. Equal sizes
    give the empty proof; a proof from the empty tree is not defined (``0 < size1``).
    """
    condition(0 < size1 <= size2 <= tree_size_max, f"sizes {size1}, {size2}: need 0 < m <= n")
    proof: list[bytes] = []
    if size1 == size2:
        return proof
    start, end, boundary, complete = 0, size2, size1, True
    while boundary != end:
        middle = start + (1 << ((end - start - 1).bit_length() - 1))
        if boundary <= middle:
            proof.append(subtree_hash(read_node, middle, end))
            end = middle
        else:
            proof.append(subtree_hash(read_node, start, middle))
            start = middle
            complete = False
    if not complete:
        proof.append(subtree_hash(read_node, start, end))
    proof.reverse()
    return proof


# --- verification: RFC 9162 sections 2.1.3.2 and 2.1.4.2 -----------------------------------------


def _require_size(value: object, what: str) -> int:
    condition(
        isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        f"{what} must be a non-negative int, got {value!r}",
    )
    assert isinstance(value, int)
    return value


def _require_hashes(proof: Sequence[bytes], limit: int) -> list[bytes]:
    condition(
        isinstance(proof, Sequence) and not isinstance(proof, bytes | bytearray | str),
        "proof must be a sequence of hashes",
    )
    if len(proof) > limit:
        raise InvalidProof(f"proof has {len(proof)} hashes, at most {limit} are possible")
    hashes = list(proof)
    for position, value in enumerate(hashes):
        _check_hash(value, f"proof[{position}]")
        if len(value) != DIGEST_SIZE:
            raise InvalidProof(f"proof[{position}] is {len(value)} bytes, not {DIGEST_SIZE}")
    return hashes


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    RFC 9162 section 2.1.3.2. Returns ``None``; raises ``InvalidProof`` naming the failed check.
    """
    index = _require_size(index, "leaf index")
    size = _require_size(size, "tree size")
    _check_hash(leaf_hash, "leaf hash")
    _check_hash(root, "root hash")
    if size > tree_size_max:
        raise InvalidProof(f"tree size {size} exceeds 2**64-1")
    if len(leaf_hash) != DIGEST_SIZE:
        raise InvalidProof(f"leaf hash is {len(leaf_hash)} bytes, not {DIGEST_SIZE}")
    if len(root) != DIGEST_SIZE:
        raise InvalidProof(f"root hash is {len(root)} bytes, not {DIGEST_SIZE}")
    path = _require_hashes(proof, inclusion_proof_hashes_max)
    # 1. leaf_index >= tree_size fails.
    if index >= size:
        raise InvalidProof(f"leaf index {index} is not below tree size {size}")
    # 2. fn = leaf_index, sn = tree_size - 1.  3. r = hash.
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    # 4. For each value p in the inclusion_path array:
    for p in path:
        # a. If sn is 0, stop and fail.
        if sn == 0:
            raise InvalidProof("proof is longer than the path from the leaf to the root")
        # b. If LSB(fn) is set, or fn equals sn:
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            # ii. If LSB(fn) is not set, shift until LSB(fn) is set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        # c. Shift both once.
        fn >>= 1
        sn >>= 1
    # 5. sn must be 0 and r must equal the root.
    if sn != 0:
        raise InvalidProof("proof is shorter than the path from the leaf to the root")
    if r != root:
        raise InvalidProof(f"computed root {r.hex()} differs from the given root {root.hex()}")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that tree (``size2``, ``root2``) extends tree (``size1``, ``root1``).

    RFC 9162 section 2.1.4.2, preceded by the edge rules of the conformance vectors: ``size1``
    must not exceed ``size2``; a proof from the empty tree (``size1 == 0``) is an error; equal
    sizes need an empty proof and byte-equal roots. Returns ``None`` or raises ``InvalidProof``.
    """
    size1 = _require_size(size1, "first tree size")
    size2 = _require_size(size2, "second tree size")
    _check_hash(root1, "first root hash")
    _check_hash(root2, "second root hash")
    path = _require_hashes(proof, consistency_proof_hashes_max)
    if size2 > tree_size_max:
        raise InvalidProof(f"tree size {size2} exceeds 2**64-1")
    if size1 > size2:
        raise InvalidProof(f"first size {size1} is larger than second size {size2}")
    if size1 == 0:
        raise InvalidProof("a consistency proof from the empty tree is meaningless")
    if size1 == size2:
        if path:
            raise InvalidProof("equal sizes need an empty proof")
        if root1 != root2:
            raise InvalidProof("equal sizes but different roots")
        return
    if len(root1) != DIGEST_SIZE or len(root2) != DIGEST_SIZE:
        raise InvalidProof(f"root hashes must be {DIGEST_SIZE} bytes")
    # 1. An empty consistency_path fails.
    if not path:
        raise InvalidProof("empty proof for different sizes")
    # 2. If first is an exact power of 2, prepend first_hash.
    if size1 & (size1 - 1) == 0:
        path.insert(0, bytes(root1))
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = size1 - 1, size2 - 1
    # 4. If LSB(fn) is set, shift both until LSB(fn) is not set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = the first value of consistency_path.
    fr = sr = path[0]
    # 6. For each subsequent value c:
    for c in path[1:]:
        # a. If sn is 0, stop and fail.
        if sn == 0:
            raise InvalidProof("proof is longer than the path between the two trees")
        # b. If LSB(fn) is set, or fn equals sn:
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            # iii. If LSB(fn) is not set, shift until LSB(fn) is set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        # c. Shift both once.
        fn >>= 1
        sn >>= 1
    # 7. fr must equal first_hash, sr second_hash, and sn must be 0.
    if sn != 0:
        raise InvalidProof("proof is shorter than the path between the two trees")
    if fr != root1:
        raise InvalidProof(f"computed first root {fr.hex()} differs from {bytes(root1).hex()}")
    if sr != root2:
        raise InvalidProof(f"computed second root {sr.hex()} differs from {bytes(root2).hex()}")


# --- the incremental tree ------------------------------------------------------------------------


def _is_leaf_hash(value: object) -> bool:
    return type(value) is bytes and len(value) == DIGEST_SIZE


class MerkleTree:
    """An append-only RFC 6962 tree over a ``NodeStore`` (in memory unless one is given).

    Appending is in two steps. A new leaf's hash first *waits* (``append`` hashes the leaf and
    nothing else); waiting leaves are then *folded* into the tree a batch at a time, level by
    level: every pair of siblings of one level hashed in one pass, then the pairs of the level
    above. That computes exactly the nodes that climbing the tree once per leaf would, with less
    Python run per node. A fold happens when a new leaf finds ``_waiting_leaves_max`` waiting,
    at every ``extend``, at ``flush()`` and before any read, so nothing outside can tell.

    Folded node hashes are handed to the store in one ``append`` per batch (at the latest every
    65,536 leaves, at ``flush()``, and before any read), so a SQLite store writes each batch in
    one transaction. A tree opened on a non-empty store resumes where it stopped. One writer at
    a time: the tree is not thread-safe.
    """

    __slots__ = (
        "_frontier",
        "_pending",
        "_pending_leaves",
        "_room",
        "_size",
        "_store",
        "_waiting",
    )

    def __init__(self, store: NodeStore | None = None) -> None:
        self._store: NodeStore = store if store is not None else MemoryNodeStore()
        size = self._store.level_size(0)
        for level in range(1, levels_max):
            invariant(
                self._store.level_size(level) == size >> level,
                f"node store level {level} holds {self._store.level_size(level)} nodes,"
                f" a tree of {size} leaves has {size >> level}",
            )
        #: Leaves folded into the tree (the frontier and the pending nodes account for them).
        self._size = size
        #: Roots of the complete subtrees making up the folded tree, largest (leftmost) first.
        self._frontier: list[bytes] = [
            self._store.node(level, (size >> level) - 1)
            for level in reversed(range(size.bit_length()))
            if size >> level & 1
        ]
        #: Folded node hashes not yet in the store, per level.
        self._pending: list[bytearray] = [bytearray() for _ in range(levels_max)]
        self._pending_leaves = 0
        #: Leaf hashes appended after the folded tree, in order, not yet folded.
        self._waiting: list[bytes] = []
        #: Leaves that may wait before the next fold (fewer only at the largest tree size).
        self._room = min(_waiting_leaves_max, tree_size_max - size)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return self._size + len(self._waiting)

    @property
    def store(self) -> NodeStore:
        """The node store; call ``flush()`` before reading it directly."""
        return self._store

    # appending

    def append(self, leaf: bytes) -> int:
        """Append one leaf (its raw bytes); return its index."""
        waiting = self._waiting
        if len(waiting) >= self._room:
            waiting = self._make_room()
        waiting.append(
            (_sha256_one_block if len(leaf) < _one_block_leaf_bytes else _sha256)(
                b"\x00" + leaf
            ).digest()
        )
        return self._size + len(waiting) - 1

    def append_leaf_hash(self, leaf_hash: bytes) -> int:
        """Append a leaf by its RFC 6962 leaf hash (``leaf_hash(leaf)``); return its index."""
        condition(_is_leaf_hash(leaf_hash), f"a leaf hash is {DIGEST_SIZE} bytes")
        waiting = self._waiting
        if len(waiting) >= self._room:
            waiting = self._make_room()
        waiting.append(leaf_hash)
        return self._size + len(waiting) - 1

    def _make_room(self) -> list[bytes]:
        """Fold the waiting leaves in; refuse a leaf past the largest tree."""
        self._fold_waiting()
        if self._room <= 0:
            raise ConditionFailed("the tree is full (2**64-1 leaves)")
        return self._waiting

    def extend(self, leaves: Iterable[bytes]) -> int:
        """Append many leaves (raw bytes), faster than one ``append`` each; return the new size.

        A leaf that is not bytes raises ``TypeError`` with every leaf before it appended."""
        return self._extend(leaves, hashed=False)

    def extend_leaf_hashes(self, leaf_hashes: Iterable[bytes]) -> int:
        """Append many leaves by their leaf hashes; return the new size.

        A value that is not a 32-byte hash fails the condition with every one before it
        appended."""
        return self._extend(leaf_hashes, hashed=True)

    def _extend(self, items: Iterable[bytes], *, hashed: bool) -> int:
        self._fold_waiting()
        iterator = iter(items)
        while chunk := list(islice(iterator, _flush_leaves_max)):
            hashes: list[bytes] | None = None
            if self._size + len(chunk) <= tree_size_max:
                if not hashed:
                    with contextlib.suppress(TypeError):
                        # One SHA-256 for every leaf of the chunk: the cheaper one for its size.
                        long_bytes = max(map(len, chunk))
                        sha = _sha256_one_block if long_bytes < _one_block_leaf_bytes else _sha256
                        hashes = [sha(b"\x00" + leaf).digest() for leaf in chunk]
                elif all(map(_is_leaf_hash, chunk)):
                    hashes = chunk
            if hashes is None:
                # One at a time, so that every item before the bad one is appended and the bad
                # one raises what a single append would.
                append = self.append_leaf_hash if hashed else self.append
                for item in chunk:
                    append(item)
                self._fold_waiting()
            else:
                self._fold(hashes)
        return self._size

    def _fold_waiting(self) -> None:
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            self._fold(waiting)

    def _fold(self, leaf_hashes: list[bytes]) -> None:
        """Fold leaf hashes in after the folded tree, in batches the store takes whole."""
        start, count = 0, len(leaf_hashes)
        while start < count:
            room = _flush_leaves_max - self._pending_leaves
            whole = start == 0 and room >= count
            batch = leaf_hashes if whole else leaf_hashes[start : start + room]
            self._fold_batch(batch)
            start += len(batch)
            if self._pending_leaves >= _flush_leaves_max:
                self._flush_pending()

    def _fold_batch(self, nodes: list[bytes]) -> None:
        """Fold ``nodes`` (leaf hashes) in, level by level.

        At each level, a frontier node of that level (there is one when the folded tree has an
        odd number of nodes there) is the left sibling of the first new node; the new nodes
        pair up left to right, each pair's hash a new node of the level above; an odd last node
        has no right sibling yet and joins the frontier. Nodes already complete above the last
        level reached keep their place at the front of the frontier.
        """
        sha = _sha256
        pending = self._pending
        frontier = self._frontier
        count = len(nodes)
        pending[0] += b"".join(nodes)
        existing = self._size
        unpaired: list[bytes] = []  # the new frontier's nodes, lowest level first
        level = 0
        while nodes:
            if existing & 1:
                nodes = [frontier.pop(), *nodes]
            if len(nodes) & 1:
                unpaired.append(nodes[-1])
            pairs = iter(nodes)  # zip(pairs, pairs): (nodes[0], nodes[1]), (nodes[2], nodes[3])...
            nodes = [
                sha(b"\x01" + left + right).digest()
                for left, right in zip(pairs, pairs, strict=False)  # an odd last node waits
            ]
            level += 1
            pending[level] += b"".join(nodes)
            existing >>= 1
        unpaired.reverse()
        frontier += unpaired
        self._size += count
        self._pending_leaves += count
        self._room = min(_waiting_leaves_max, tree_size_max - self._size)

    def flush(self) -> None:
        """Fold every waiting leaf in, and hand the buffered node hashes to the store (one
        atomic ``append`` per batch)."""
        self._fold_waiting()
        self._flush_pending()

    def _flush_pending(self) -> None:
        if not self._pending_leaves:
            return
        top = max(level for level, chunk in enumerate(self._pending) if chunk)
        batch = [bytes(chunk) for chunk in self._pending[: top + 1]]
        self._store.append(batch)
        for chunk in self._pending[: top + 1]:
            chunk.clear()
        self._pending_leaves = 0

    # reading

    def _read_node(self, level: int, index: int) -> bytes:
        if self._pending_leaves or self._waiting:
            self.flush()
        return self._store.read(level, index, index + 1)

    def nodes(self, level: int, start: int, end: int) -> bytes:
        """Hashes of complete subtrees ``[start, end)`` at ``level``, concatenated."""
        self.flush()
        condition(
            0 <= level < levels_max and 0 <= start <= end <= self._size >> level,
            f"nodes [{start}, {end}) of level {level} are not complete in a tree of {self._size}",
        )
        return self._store.read(level, start, end)

    def leaf_hash_at(self, index: int) -> bytes:
        """The leaf hash of leaf ``index``."""
        size = self.size
        condition(0 <= index < size, f"leaf index {index} is not below size {size}")
        return self._read_node(0, index)

    def _check_size(self, size: int | None) -> int:
        self._fold_waiting()
        if size is None:
            return self._size
        condition(
            isinstance(size, int) and 0 <= size <= self._size,
            f"tree size {size} is outside 0..{self._size}",
        )
        return size

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the first ``size`` leaves (default: all of them)."""
        size = self._check_size(size)
        if size == self._size:
            frontier = self._frontier
            if not frontier:
                return EMPTY_ROOT
            h = frontier[-1]
            for left in reversed(frontier[:-1]):
                h = _sha256(b"\x01" + left + h).digest()
            return h
        return root_from_nodes(self._read_node, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
        return inclusion_proof_from_nodes(self._read_node, index, self._check_size(size))

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """The RFC 9162 consistency proof from the tree of ``size1`` leaves to ``size2``."""
        return consistency_proof_from_nodes(self._read_node, size1, self._check_size(size2))

    def __repr__(self) -> str:
        return f"MerkleTree(size={self.size}, root={self.root().hex()})"
