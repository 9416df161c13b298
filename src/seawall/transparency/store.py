"""Where a Merkle tree keeps its node hashes: a small port with an in-memory and a SQLite adapter.

The tree stores the hash of every *complete* subtree, addressed by ``(level, index)``: level 0
holds the leaf hashes, and node ``(level, index)`` is the root of leaves
``[index * 2**level, (index + 1) * 2**level)``. Nodes only ever arrive at the end of a level, so
the port is append-only; these are exactly the hashes that c2sp.org/tlog-tiles publishes (a tile
at tile level ``L`` is 256 consecutive nodes of tree level ``8 * L``), which is why ``read``
returns a contiguous run of hashes and not one node at a time.

``append`` takes the new nodes of every level at once so that a store can write them in one
transaction: a crash never leaves level 0 ahead of the levels above it.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

from seawall.core.errors import ConditionFailed, StorageError, condition, invariant
from seawall.core.hashing import DIGEST_SIZE

__all__ = ["MemoryNodeStore", "NodeStore", "SqliteNodeStore", "levels_max"]

#: Levels a tree of at most 2**64 - 1 leaves can have (0 to 63).
levels_max = 64


class NodeStore(ABC):
    """Append-only storage of complete-subtree hashes, by level and index."""

    @abstractmethod
    def level_size(self, level: int) -> int:
        """How many node hashes ``level`` holds (nodes ``0 .. level_size - 1``)."""

    @abstractmethod
    def read(self, level: int, start: int, end: int) -> bytes:
        """The hashes of nodes ``[start, end)`` of ``level``, concatenated (32 bytes each)."""

    @abstractmethod
    def append(self, new_nodes: Sequence[bytes]) -> None:
        """Add ``new_nodes[level]`` (concatenated hashes) at the end of each level, atomically."""

    def close(self) -> None:  # noqa: B027 - optional hook: a memory store has nothing to close
        """Release the store's resources."""

    def node(self, level: int, index: int) -> bytes:
        """The hash of node ``(level, index)``."""
        return self.read(level, index, index + 1)


def _check_read(level: int, start: int, end: int, size: int) -> None:
    if not (0 <= level < levels_max and 0 <= start <= end <= size):
        raise ConditionFailed(
            f"nodes [{start}, {end}) of level {level} are not stored (level holds {size})"
        )


def _check_append(new_nodes: Sequence[bytes]) -> None:
    condition(len(new_nodes) <= levels_max, f"at most {levels_max} levels, got {len(new_nodes)}")
    for level, chunk in enumerate(new_nodes):
        condition(
            len(chunk) % DIGEST_SIZE == 0,
            f"level {level}: {len(chunk)} bytes is not a whole number of {DIGEST_SIZE}-byte hashes",
        )


class MemoryNodeStore(NodeStore):
    """Node hashes in one ``bytearray`` per level: compact (32 bytes a node) and fast to slice."""

    __slots__ = ("_levels",)

    def __init__(self) -> None:
        self._levels: list[bytearray] = []

    def level_size(self, level: int) -> int:
        if level >= len(self._levels):
            return 0
        return len(self._levels[level]) // DIGEST_SIZE

    def read(self, level: int, start: int, end: int) -> bytes:
        _check_read(level, start, end, self.level_size(level))
        if start == end:
            return b""
        return bytes(self._levels[level][start * DIGEST_SIZE : end * DIGEST_SIZE])

    def append(self, new_nodes: Sequence[bytes]) -> None:
        _check_append(new_nodes)
        levels = self._levels
        while len(levels) < len(new_nodes):
            levels.append(bytearray())
        for level, chunk in enumerate(new_nodes):
            if chunk:
                levels[level] += chunk


class SqliteNodeStore(NodeStore):
    """Node hashes in a SQLite table ``merkle_nodes(level, idx, hash)``, one row a node.

    Each ``append`` is one transaction. SQLite errors become ``StorageError``.
    """

    __slots__ = ("_conn", "_level_sizes", "path")

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS merkle_nodes ("
                " level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
                " PRIMARY KEY (level, idx)) WITHOUT ROWID"
            )
            rows = self._conn.execute(
                "SELECT level, COUNT(*), MAX(idx) FROM merkle_nodes GROUP BY level"
            ).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open Merkle node store {self.path}: {exc}") from exc
        self._level_sizes = [0] * levels_max
        for level, count, max_index in rows:
            if not (0 <= level < levels_max and max_index == count - 1):
                raise StorageError(
                    f"Merkle node store {self.path}: level {level} has {count} nodes"
                    f" but its last index is {max_index}"
                )
            self._level_sizes[level] = count

    def level_size(self, level: int) -> int:
        if not 0 <= level < levels_max:
            return 0
        return self._level_sizes[level]

    def read(self, level: int, start: int, end: int) -> bytes:
        _check_read(level, start, end, self.level_size(level))
        if start == end:
            return b""
        try:
            rows = self._conn.execute(
                "SELECT hash FROM merkle_nodes WHERE level = ? AND idx >= ? AND idx < ?"
                " ORDER BY idx",
                (level, start, end),
            ).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read Merkle nodes from {self.path}: {exc}") from exc
        if len(rows) != end - start or any(len(row[0]) != DIGEST_SIZE for row in rows):
            raise StorageError(
                f"Merkle node store {self.path}: nodes [{start}, {end}) of level {level}"
                " are missing or malformed"
            )
        return b"".join(row[0] for row in rows)

    def append(self, new_nodes: Sequence[bytes]) -> None:
        _check_append(new_nodes)
        rows: list[tuple[int, int, bytes]] = []
        for level, chunk in enumerate(new_nodes):
            first = self._level_sizes[level]
            for offset in range(0, len(chunk), DIGEST_SIZE):
                rows.append(
                    (level, first + offset // DIGEST_SIZE, chunk[offset : offset + DIGEST_SIZE])
                )
        if not rows:
            return
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.executemany(
                    "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)", rows
                )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot append Merkle nodes to {self.path}: {exc}") from exc
        for level, chunk in enumerate(new_nodes):
            self._level_sizes[level] += len(chunk) // DIGEST_SIZE
        invariant(
            all(
                self._level_sizes[level + 1] <= self._level_sizes[level] // 2
                for level in range(levels_max - 1)
            ),
            "each Merkle level holds at most half the nodes of the level below",
        )

    def close(self) -> None:
        try:
            self._conn.close()
        except sqlite3.Error as exc:  # pragma: no cover - closing rarely fails
            raise StorageError(f"cannot close Merkle node store {self.path}: {exc}") from exc
