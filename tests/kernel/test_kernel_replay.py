"""Replay: a random workload, then replay from the stored journal (memory and SQLite) reaches the
live state hash; so does snapshot + tail; and a doctored journal is caught, naming the seq."""

from __future__ import annotations

from pathlib import Path

import pytest

from seawall.adapters.storage import MemoryJournalStore, SqliteJournalStore
from seawall.core.clock import StepClock
from seawall.core.codec import encode
from seawall.core.errors import JournalCorrupt
from seawall.core.signing import SigningKey
from seawall.journal import Entry, JournalStore, verify_journal
from seawall.kernel import Market, ReplayDivergence, replay
from seawall.kernel.rejections import KernelRejection
from seawall.sim.genesis import licence_commands, open_market
from seawall.sim.ledger_workload import workload

KEY = SigningKey.from_label("kernel-tests")
GENESIS = len(licence_commands())


def _run(
    store: JournalStore, seed: int, count: int, group: int = 64, snapshot_every: int | None = None
) -> Market:
    market = open_market(
        store, KEY, StepClock(), group_entries_max=group, snapshot_every_entries=snapshot_every
    )
    for command in workload(seed, count):
        market.submit(command, "custody")
        market.check_invariants()
    market.commit()
    return market


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_replay_from_the_stored_journal_reaches_the_live_state_hash(
    store: JournalStore, seed: int
) -> None:
    market = _run(store, seed, 1500)
    outcomes = [Entry.decode(body).rejection for _, body in store.read()]
    rejected = sum(r is not None for r in outcomes)
    assert 100 < rejected < 1400, "the workload mixes accepted and rejected commands"
    result = replay(store)
    assert result.last_seq == market.last_seq == 1500 + GENESIS
    assert result.state_hash == market.state_hash()
    assert result.head_hash == market.sequencer.head_hash
    assert verify_journal(store, KEY.verify_key).entries == 1500 + GENESIS


def test_snapshot_plus_tail_gives_the_same_hash(store: JournalStore) -> None:
    market = _run(store, 7, 1250, group=50, snapshot_every=300)
    snapshot = store.latest_snapshot()
    assert snapshot is not None and 900 <= snapshot.seq < 1250 + GENESIS
    from_snapshot = replay(store, use_snapshot=True)
    assert from_snapshot.from_snapshot_seq == snapshot.seq
    assert from_snapshot.entries_replayed == 1250 + GENESIS - snapshot.seq
    assert from_snapshot.state_hash == replay(store).state_hash == market.state_hash()


def test_reopening_recovers_from_snapshot_and_tail_and_carries_on(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with SqliteJournalStore(path) as store:
        first = _run(store, 11, 800, group=40, snapshot_every=200)
        live_hash = first.state_hash()
    with SqliteJournalStore(path) as store:
        reopened = open_market(store, KEY, StepClock())
        assert reopened.last_seq == 800 + GENESIS
        assert reopened.state_hash() == live_hash
        for command in workload(12, 200)[-100:]:
            reopened.submit(command, "custody")
        reopened.commit()
        assert replay(store).state_hash == reopened.state_hash()


def test_the_same_commands_give_the_same_hash_on_every_adapter(tmp_path: Path) -> None:
    memory = _run(MemoryJournalStore(), 5, 600)
    with SqliteJournalStore(tmp_path / "j.sqlite") as store:
        sqlite = _run(store, 5, 600)
        assert sqlite.state_hash() == memory.state_hash()
        assert sqlite.sequencer.head_hash == memory.sequencer.head_hash


def test_bad_bytes_become_a_journaled_kernel_rejection(store: JournalStore) -> None:
    market = open_market(store, KEY, StepClock())
    before = market.state_hash()
    outcome = market.submit_bytes(b"\xc1 not msgpack", "custody")
    wrong_type = market.submit_bytes(
        encode({"k": "ledger.define_asset", "code": "USD", "decimals": "2"}), "tester"
    )
    market.commit()
    assert (
        outcome.rejection is not None
        and outcome.rejection.code == KernelRejection.MALFORMED_COMMAND
    )
    assert outcome.rejection.name == "MALFORMED_COMMAND"
    assert wrong_type.rejection is not None and wrong_type.rejection.code == 101
    assert market.state_hash() == before
    entries = [Entry.decode(body) for _, body in store.read(GENESIS + 1)]
    assert [e.rejection.code if e.rejection else 0 for e in entries] == [101, 101]
    assert entries[0].command == b"\xc1 not msgpack"
    assert replay(store).state_hash == before


def test_an_oversized_command_is_journaled_without_its_body(store: JournalStore) -> None:
    market = open_market(store, KEY, StepClock())
    outcome = market.submit_bytes(b"\x00" * 100_000, "custody")
    market.commit()
    assert outcome.rejection is not None and outcome.rejection.name == "COMMAND_TOO_LARGE"
    (entry,) = [Entry.decode(body) for _, body in store.read(GENESIS + 1)]
    assert entry.command == b""
    assert replay(store).last_seq == GENESIS + 1


def test_a_doctored_outcome_is_a_replay_divergence_naming_the_seq() -> None:
    store = MemoryJournalStore()
    _run(store, 3, 300)
    # An insider rewrites entry 150's recorded outcome. Replay re-decides the command and
    # catches the lie at 150 itself, before the broken link at 151 would.
    bodies = [body for _, body in store.read()]
    entry = Entry.decode(bodies[149])
    doctored = Entry(
        **{
            **{f: getattr(entry, f) for f in entry.__struct_fields__},
            "events": b"\x90",
            "rejection": None,
        }
    )
    store.tamper_entry(150, doctored.encode())
    with pytest.raises((ReplayDivergence, JournalCorrupt)) as caught:
        replay(store)
    assert caught.value.seq in (150, 149)


def test_non_canonical_command_bytes_are_refused(store: JournalStore) -> None:
    market = open_market(store, KEY, StepClock())
    extra = encode({"k": "ledger.define_asset", "code": "USD", "decimals": 2, "sneaky": 1})
    reordered = encode({"k": "ledger.define_asset", "decimals": 2, "code": "USD"})
    for command_bytes in (extra, reordered):
        outcome = market.submit_bytes(command_bytes, "custody")
        assert outcome.rejection is not None and outcome.rejection.code == 101
        assert "canonical" in outcome.rejection.message
    from seawall.core.ids import AssetCode
    from seawall.ledger.commands import DefineAsset

    canonical = encode(DefineAsset(AssetCode("USD"), 2))
    assert canonical.startswith(b"\x83\xa1k")  # the tag first, then fields in declared order
    assert market.submit_bytes(canonical, "custody").accepted
