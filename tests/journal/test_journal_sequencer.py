"""The sequencer: contiguous seq, strictly increasing time, sealed groups, resume after reopen;
and ``verify_journal`` catching every kind of tampering, naming the seq."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from seawall.adapters.storage import MemoryJournalStore, SqliteJournalStore
from seawall.core.errors import JournalCorrupt, JournalGap
from seawall.core.machine import Rejection
from seawall.core.signing import SigningKey
from seawall.journal import (
    Entry,
    JournalStore,
    Seal,
    Sequencer,
    StoredEntry,
    seal_message,
    verify_journal,
)

KEY = SigningKey.from_label("test-sequencer")


class BackwardsClock:
    """Steps back every other reading, to prove timestamps stay strictly increasing anyway."""

    def __init__(self) -> None:
        self.readings = [1000, 900, 900, 2000, 1500, 2500]

    def now_ns(self) -> int:
        return self.readings.pop(0) if self.readings else 3000


def _write(sequencer: Sequencer, count: int, group: int) -> None:
    for i in range(count):
        ctx = sequencer.open("tester")
        if i % 3 == 2:
            sequencer.append(ctx, b"auth", b"cmd%d" % i, b"", Rejection(6001, "X", "no"))
        else:
            sequencer.append(ctx, b"auth", b"cmd%d" % i, b"events%d" % i, None)
        if sequencer.pending >= group:
            sequencer.commit()
    sequencer.commit()


def test_seq_contiguous_and_time_strictly_increasing(store: JournalStore) -> None:
    sequencer = Sequencer(store, KEY, BackwardsClock(), logic_version=1)
    _write(sequencer, 10, group=4)
    entries = [Entry.decode(body) for _, body in store.read()]
    assert [e.seq for e in entries] == list(range(1, 11))
    stamps = [e.timestamp_ns for e in entries]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    assert stamps[:3] == [1000, 1001, 1002]
    assert [s.last_seq for s in store.seals()] == [4, 8, 10]
    report = verify_journal(store, KEY.verify_key)
    assert (report.entries, report.seals, report.last_seq) == (10, 3, 10)


def test_each_seal_is_the_sequencer_signature_over_the_head(store: JournalStore) -> None:
    sequencer = Sequencer(store, KEY, BackwardsClock(), logic_version=1)
    _write(sequencer, 5, group=5)
    seal = store.last_seal()
    assert seal is not None and seal.head_hash == sequencer.head_hash
    assert KEY.verify_key.verify(seal.signature, seal_message(5, seal.head_hash))
    assert not SigningKey.from_label("other").verify_key.verify(
        seal.signature, seal_message(5, seal.head_hash)
    )


def test_resume_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteJournalStore(path) as store:
        _write(Sequencer(store, KEY, BackwardsClock(), 1), 5, group=2)
    with SqliteJournalStore(path) as store:
        sequencer = Sequencer(store, KEY, BackwardsClock(), 1)
        assert sequencer.next_seq == 6
        _write(sequencer, 3, group=2)
        report = verify_journal(store)
        assert report.last_seq == 8
        stamps = [Entry.decode(b).timestamp_ns for _, b in store.read()]
        assert all(a < b for a, b in itertools.pairwise(stamps))


def test_a_journal_refuses_another_sequencer_key(store: JournalStore) -> None:
    _write(Sequencer(store, KEY, BackwardsClock(), 1), 2, group=2)
    with pytest.raises(JournalCorrupt, match="different sequencer key"):
        Sequencer(store, SigningKey.from_label("intruder"), BackwardsClock(), 1)


def _filled_memory(count: int = 12, group: int = 4) -> MemoryJournalStore:
    store = MemoryJournalStore()
    _write(Sequencer(store, KEY, BackwardsClock(), 1), count, group)
    return store


def test_verify_names_an_altered_entry() -> None:
    store = _filled_memory()
    body = bytearray(dict(store.read(6, 6))[6])
    body[body.index(b"cmd5")] = ord("X")
    store.tamper_entry(6, bytes(body))
    with pytest.raises(JournalCorrupt) as caught:
        verify_journal(store, KEY.verify_key)
    assert caught.value.seq == 6


def test_verify_names_an_altered_last_entry_through_its_seal() -> None:
    store = _filled_memory()
    body = dict(store.read(12, 12))[12].replace(b"cmd11", b"cmdXX")
    store.tamper_entry(12, body)
    with pytest.raises(JournalCorrupt, match="seal does not match") as caught:
        verify_journal(store, KEY.verify_key)
    assert caught.value.seq == 12


def test_verify_names_a_dropped_entry() -> None:
    store = _filled_memory()
    store.drop_entry(5)
    with pytest.raises((JournalGap, JournalCorrupt)) as caught:
        verify_journal(store, KEY.verify_key)
    assert caught.value.seq == 5


def test_verify_rejects_a_forged_seal() -> None:
    store = _filled_memory()
    forger = SigningKey.from_label("forger")
    bad = MemoryJournalStore()
    bad.put_meta("sequencer_public_key", KEY.verify_key.raw)
    seals = {s.last_seq: s for s in store.seals()}
    group: list[tuple[int, bytes]] = []
    for seq, body in store.read():
        group.append((seq, body))
        if seq in seals:
            seal = seals[seq]
            if seq == 8:
                seal = Seal(seq, seal.head_hash, forger.sign(seal_message(seq, seal.head_hash)))
            bad.append([StoredEntry(*g) for g in group], seal)
            group = []
    with pytest.raises(JournalCorrupt, match="signature") as caught:
        verify_journal(bad, KEY.verify_key)
    assert caught.value.seq == 8


def test_verify_rejects_a_trusted_key_mismatch() -> None:
    store = _filled_memory()
    with pytest.raises(JournalCorrupt, match="signature"):
        verify_journal(store, SigningKey.from_label("someone else").verify_key)


def _sqlite_journal(tmp_path: Path) -> Path:
    path = tmp_path / "j.sqlite"
    with SqliteJournalStore(path) as store:
        _write(Sequencer(store, KEY, BackwardsClock(), 1), 3000, group=500)
    return path


def test_a_corrupt_page_in_a_sqlite_journal_names_the_first_unreadable_seq(tmp_path: Path) -> None:
    path = _sqlite_journal(tmp_path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    with pytest.raises(JournalCorrupt) as caught, SqliteJournalStore(path) as store:
        verify_journal(store, KEY.verify_key)
    assert 1 < caught.value.seq < 3000
    assert f"seq {caught.value.seq}" in str(caught.value)


def test_a_truncated_sqlite_journal_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = _sqlite_journal(tmp_path)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size - 3 * 4096)
    with (
        pytest.raises(JournalCorrupt, match="truncated") as caught,
        SqliteJournalStore(path) as store,
    ):
        verify_journal(store, KEY.verify_key)
    assert "seq" in str(caught.value)
