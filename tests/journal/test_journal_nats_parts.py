"""NATS JetStream groups larger than one message: published as parts then a sealed final
message, read back whole; parts a crash left without their final message are skipped, and the
next group is appended after them."""

from __future__ import annotations

import pytest

from seawall.journal import JournalStore, Seal, StoredEntry


def _group(first: int, count: int) -> list[StoredEntry]:
    return [
        StoredEntry(seq, b"entry-%d-" % seq * (seq % 7 + 3)) for seq in range(first, first + count)
    ]


def _seal(last_seq: int) -> Seal:
    return Seal(last_seq, bytes([last_seq % 256]) * 32, b"s" * 64)


@pytest.fixture
def nats_store(store: JournalStore) -> JournalStore:
    if type(store).__name__ != "NatsJournalStore":
        pytest.skip("NATS-specific")
    return store


@pytest.mark.parametrize("store", ["nats"], indirect=True)
def test_a_group_larger_than_a_message_reads_back_whole(nats_store: JournalStore) -> None:
    from seawall.adapters.storage.nats import NatsJournalStore

    assert isinstance(nats_store, NatsJournalStore)
    small = NatsJournalStore(nats_store.url, nats_store.name, part_bytes_max=64)
    try:
        first, second, third = _group(1, 9), _group(10, 1), _group(11, 20)
        small.append(first, _seal(9))
        small.append(second, _seal(10))
        small.append(third, _seal(30))
        assert small._run(small._stream_last()) > 3  # the big groups went as several messages
        for reader in (small, nats_store):
            assert list(reader.read()) == first + second + third
            assert list(reader.read(10, 12)) == second + third[:2]
            assert list(reader.read(5, 5)) == [first[4]]
            assert [s.last_seq for s in reader.seals()] == [9, 10, 30]
            assert reader.last_seal() == _seal(30)
    finally:
        small.close()


@pytest.mark.parametrize("store", ["nats"], indirect=True)
def test_parts_left_by_a_crash_are_skipped(nats_store: JournalStore) -> None:
    from seawall.adapters.storage.nats import NatsJournalStore

    assert isinstance(nats_store, NatsJournalStore)
    nats_store.append(_group(1, 2), _seal(2))
    # A sequencer crashed after publishing the first part of a group 3..40 it never sealed.
    headers = {
        "Seawall-First-Seq": "3",
        "Seawall-Last-Seq": "40",
        "Seawall-Head": (b"x" * 32).hex(),
        "Seawall-Part": "1/2",
    }
    nats_store._run(
        nats_store._js.publish(nats_store.subject, b"\x00\x00\x00\x05torn", headers=headers)
    )
    restarted = NatsJournalStore(nats_store.url, nats_store.name, part_bytes_max=32)
    try:
        assert restarted.last_seal() == _seal(2)
        assert list(restarted.read()) == _group(1, 2)
        restarted.append(_group(3, 4), _seal(6))
        restarted.append(_group(7, 1), _seal(7))
        for reader in (restarted, nats_store):
            assert list(reader.read()) == _group(1, 7)
            assert list(reader.read(4)) == _group(4, 4)
            assert [s.last_seq for s in reader.seals()] == [2, 6, 7]
    finally:
        restarted.close()
