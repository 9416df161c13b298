"""One contract for every ``NodeStore`` adapter: memory and SQLite behave the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seawall.core.errors import ConditionFailed, StorageError
from seawall.transparency import MemoryNodeStore, NodeStore, SqliteNodeStore


def hashes(*values: int) -> bytes:
    return b"".join(bytes([value]) * 32 for value in values)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NodeStore]:
    made: NodeStore = (
        MemoryNodeStore() if request.param == "memory" else SqliteNodeStore(tmp_path / "n.db")
    )
    yield made
    made.close()


def test_an_empty_store(store: NodeStore) -> None:
    assert store.level_size(0) == 0
    assert store.level_size(63) == 0
    assert store.read(0, 0, 0) == b""


def test_append_then_read_ranges(store: NodeStore) -> None:
    store.append([hashes(1, 2, 3, 4), hashes(5, 6), hashes(7)])
    store.append([hashes(8)])
    assert [store.level_size(level) for level in range(4)] == [5, 2, 1, 0]
    assert store.read(0, 1, 4) == hashes(2, 3, 4)
    assert store.read(0, 4, 5) == hashes(8)
    assert store.node(1, 1) == hashes(6)
    assert store.node(2, 0) == hashes(7)


def test_reads_outside_what_is_stored_are_refused(store: NodeStore) -> None:
    store.append([hashes(1, 2)])
    for level, start, end in [(0, 0, 3), (0, 2, 1), (0, -1, 1), (1, 0, 1), (64, 0, 0)]:
        with pytest.raises(ConditionFailed):
            store.read(level, start, end)


def test_malformed_appends_are_refused(store: NodeStore) -> None:
    with pytest.raises(ConditionFailed):
        store.append([b"x" * 31])
    with pytest.raises(ConditionFailed):
        store.append([b""] * 65)
    assert store.level_size(0) == 0


def test_sqlite_store_persists(tmp_path: Path) -> None:
    path = tmp_path / "nodes.sqlite"
    first = SqliteNodeStore(path)
    first.append([hashes(1, 2, 3), hashes(4)])
    first.close()
    second = SqliteNodeStore(path)
    assert second.level_size(0) == 3
    assert second.read(0, 0, 3) == hashes(1, 2, 3)
    assert second.node(1, 0) == hashes(4)
    second.close()


def test_sqlite_errors_become_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        SqliteNodeStore(tmp_path / "missing-dir" / "nodes.sqlite")
    path = tmp_path / "gapped.sqlite"
    store = SqliteNodeStore(path)
    store.append([hashes(1, 2)])
    store._conn.execute("DELETE FROM merkle_nodes WHERE idx = 0")
    store.close()
    with pytest.raises(StorageError, match="last index"):
        SqliteNodeStore(path)
