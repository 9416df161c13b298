"""The contract every journal store keeps, run against each adapter (see conftest.STORE_KINDS)."""

from __future__ import annotations

import pytest

from seawall.core.errors import InvariantViolation, StorageError
from seawall.journal import JournalStore, Seal, Snapshot, StoredEntry


def _group(first: int, count: int) -> list[StoredEntry]:
    return [
        StoredEntry(seq, b"\x00body-%d\xff" % seq * (seq % 5 + 1))
        for seq in range(first, first + count)
    ]


def _seal(last_seq: int) -> Seal:
    return Seal(last_seq=last_seq, head_hash=bytes([last_seq % 256]) * 32, signature=b"s" * 64)


def test_entries_read_back_byte_identical_in_seq_order(store: JournalStore) -> None:
    first, second = _group(1, 3), _group(4, 5)
    store.append(first, _seal(3))
    store.append(second, _seal(8))
    assert list(store.read()) == first + second
    assert list(store.read(4)) == second
    assert list(store.read(2, 5)) == first[1:] + second[:2]
    assert list(store.read(9)) == []


def test_seals_are_kept_in_order_and_last_seal_is_newest(store: JournalStore) -> None:
    assert store.last_seal() is None
    store.append(_group(1, 2), _seal(2))
    store.append(_group(3, 1), _seal(3))
    assert [s.last_seq for s in store.seals()] == [2, 3]
    assert store.last_seal() == _seal(3)


def test_snapshots_latest_and_at_most(store: JournalStore) -> None:
    assert store.latest_snapshot() is None
    for seq in (10, 30, 20):
        store.put_snapshot(Snapshot(seq, b"h" * 32, b"s" * 32, 1, {"ledger": b"x%d" % seq}))
    latest = store.latest_snapshot()
    assert latest is not None and latest.seq == 30 and latest.parts == {"ledger": b"x30"}
    older = store.latest_snapshot(at_most_seq=25)
    assert older is not None and older.seq == 20
    assert store.latest_snapshot(at_most_seq=5) is None


def test_meta_round_trip(store: JournalStore) -> None:
    assert store.get_meta("k") is None
    store.put_meta("k", b"\x01\x02")
    store.put_meta("k", b"\x03")
    assert store.get_meta("k") == b"\x03"


def test_a_group_must_be_contiguous_and_sealed(store: JournalStore) -> None:
    store.append(_group(1, 2), _seal(2))
    with pytest.raises(InvariantViolation):
        store.append(_group(2, 2), _seal(3))  # seq 2 again
    with pytest.raises(InvariantViolation):
        store.append(_group(3, 2), _seal(3))  # seal does not close the group
    # A refused group leaves nothing behind: the journal is exactly as before.
    assert [seq for seq, _ in store.read()] == [1, 2]
    assert store.last_seal() == _seal(2)


def test_a_closed_store_refuses_reads(store: JournalStore) -> None:
    store.append(_group(1, 1), _seal(1))
    store.close()
    with pytest.raises(StorageError):
        list(store.read())
