"""NATS JetStream specifics beyond the contract: a retried publish of the same group is stored
once (exactly once, by message id), and a group that does not follow the stream is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from seawall.core.errors import InvariantViolation
from seawall.journal import JournalStore, Seal, StoredEntry


@pytest.fixture
def nats_store(store: JournalStore) -> JournalStore:
    if type(store).__name__ != "NatsJournalStore":
        pytest.skip("NATS-specific")
    return store


@pytest.mark.parametrize("store", ["nats"], indirect=True)
def test_a_retried_publish_is_stored_once(nats_store: JournalStore, tmp_path: Path) -> None:
    from seawall.adapters.storage.nats import NatsJournalStore

    assert isinstance(nats_store, NatsJournalStore)
    group = [StoredEntry(1, b"one"), StoredEntry(2, b"two")]
    seal = Seal(2, b"h" * 32, b"s" * 64)
    nats_store.append(group, seal)
    # The acknowledgement was lost and the sequencer publishes the same group again, as it was:
    # same message id, so JetStream keeps one copy.
    headers = {
        "Seawall-First-Seq": "1",
        "Seawall-Last-Seq": "2",
        "Seawall-Head": seal.head_hash.hex(),
        "Seawall-Signature": seal.signature.hex(),
        "Nats-Msg-Id": f"{nats_store.name}:1",
    }
    from seawall.journal.framing import frame_group

    ack = nats_store._run(
        nats_store._js.publish(nats_store.subject, frame_group(group), headers=headers)
    )
    assert ack.duplicate
    assert list(nats_store.read()) == group
    assert [s.last_seq for s in nats_store.seals()] == [2]


@pytest.mark.parametrize("store", ["nats"], indirect=True)
def test_a_group_that_does_not_follow_is_refused(nats_store: JournalStore) -> None:
    nats_store.append([StoredEntry(1, b"one")], Seal(1, b"h" * 32, b"s" * 64))
    with pytest.raises(InvariantViolation):
        nats_store.append([StoredEntry(3, b"three")], Seal(3, b"h" * 32, b"s" * 64))
    assert [seq for seq, _ in nats_store.read()] == [1]
