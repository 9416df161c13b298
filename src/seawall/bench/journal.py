"""``seawall bench journal``: how fast the journal sequences, chains, seals and stores entries,
and how fast ``journal verify`` checks them.

Subjects, all in one run on the same entries:

* **seawall journal**: ``Sequencer`` into the memory store, the durable SQLite store
  (WAL, ``synchronous=FULL``: one fsync per commit group) and SQLite without fsync; each entry is
  a realistic ledger transfer command with its events, chained by SHA-256, one Ed25519 seal per
  group of ``group`` entries.
* **seawall market**: the whole pipeline (decode, ledger decide, journal, evolve) on SQLite.
* **seawall verify**: ``verify_journal`` over the durable journal (chain + seals).
* peers: **sqlite3 ceiling**, the same bytes inserted with ``executemany`` in the same
  transactions and sync policy, nothing else (the medium's limit); **eventsourcing**, the
  event-sourcing library's SQLite recorder storing the same bytes as stored events.
"""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seawall.adapters.storage import MemoryJournalStore, SqliteJournalStore
from seawall.bench.stats import percentile_ns, rate_per_s, timer_ns
from seawall.core.clock import StepClock
from seawall.core.codec import encode
from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.core.signing import SigningKey
from seawall.journal import JournalStore, Sequencer, verify_journal
from seawall.ledger.commands import DefineAsset, OpenAccount, Posting, Transfer
from seawall.ledger.state import AccountKind
from seawall.sim.genesis import open_market

__all__ = ["run"]

Progress = Callable[[float, str], None]
KEY = SigningKey.from_label("bench-sequencer")


def _transfer(i: int) -> Transfer:
    payer, payee = AccountId(f"client-{i % 97:04d}"), AccountId(f"client-{(i + 1) % 97:04d}")
    return Transfer(
        transfer_id=TransferId(f"t-{i:09d}"),
        postings=(
            Posting(account_id=payer, asset=AssetCode("USD"), amount_minor=-(1 + i % 50)),
            Posting(account_id=payee, asset=AssetCode("USD"), amount_minor=1 + i % 50),
        ),
    )


def _payloads(count: int) -> list[tuple[bytes, bytes]]:
    """(command bytes, events bytes) of realistic size for the raw journal runs."""
    out = []
    for i in range(count):
        command = encode(_transfer(i))
        out.append((command, command + b"\x92posted"))
    return out


def _sequence(
    store: JournalStore, payloads: list[tuple[bytes, bytes]], group: int
) -> tuple[float, list[int]]:
    sequencer = Sequencer(store, KEY, StepClock(), 1, group_entries_max=group)
    commits: list[int] = []
    start = timer_ns()
    for command, events in payloads:
        ctx = sequencer.open("custody")
        sequencer.append(ctx, b"", command, events, None)
        if sequencer.pending >= group:
            t0 = timer_ns()
            sequencer.commit()
            commits.append(timer_ns() - t0)
    sequencer.commit()
    return rate_per_s(len(payloads), timer_ns() - start), commits


def _sqlite_ceiling(path: Path, payloads: list[tuple[bytes, bytes]], group: int) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE entries (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    bodies = [command + events for command, events in payloads]
    start = timer_ns()
    for first in range(0, len(bodies), group):
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO entries VALUES (?, ?)",
            ((first + i + 1, body) for i, body in enumerate(bodies[first : first + group])),
        )
        db.execute("COMMIT")
    elapsed = timer_ns() - start
    db.close()
    return rate_per_s(len(bodies), elapsed)


def _eventsourcing(path: Path, payloads: list[tuple[bytes, bytes]], group: int) -> float | None:
    try:
        from eventsourcing.persistence import StoredEvent
        from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteDatastore
    except ImportError:
        return None
    datastore = SQLiteDatastore(str(path))
    recorder = SQLiteAggregateRecorder(datastore)
    recorder.create_table()
    originator = uuid.UUID(int=1)
    events = [
        StoredEvent(originator, i + 1, "seawall.ledger:Transfer", command + body)
        for i, (command, body) in enumerate(payloads)
    ]
    start = timer_ns()
    for first in range(0, len(events), group):
        recorder.insert_events(events[first : first + group])
    elapsed = timer_ns() - start
    datastore.close()
    return rate_per_s(len(events), elapsed)


def _market(path: Path, count: int, group: int) -> float:
    with SqliteJournalStore(path) as store:
        market = open_market(store, KEY, StepClock(), group_entries_max=group)
        market.submit(DefineAsset(code=AssetCode("USD"), decimals=2), "custody")
        market.submit(
            OpenAccount(
                account_id=AccountId("bank"), kind=AccountKind.ASSET, asset=AssetCode("USD")
            ),
            "bench",
        )
        for i in range(97):
            market.submit(
                OpenAccount(
                    account_id=AccountId(f"client-{i:04d}"),
                    kind=AccountKind.CLIENT,
                    asset=AssetCode("USD"),
                ),
                "bench",
            )
        market.submit(_funding(), "custody")
        market.commit()
        commands = [_transfer(i) for i in range(count)]
        start = timer_ns()
        for command in commands:
            market.submit(command, "custody")
        market.commit()
        return rate_per_s(count, timer_ns() - start)


def _funding() -> Transfer:
    legs = [Posting(AccountId(f"client-{i:04d}"), AssetCode("USD"), 10**12) for i in range(97)]
    legs.append(Posting(AccountId("bank"), AssetCode("USD"), -97 * 10**12))
    return Transfer(transfer_id=TransferId("funding"), postings=tuple(legs))


def run(progress: Progress | None = None, quick: bool = False) -> dict[str, Any]:
    count = 20_000 if quick else 200_000
    group = 1_000
    say = progress or (lambda fraction, label: None)
    payloads = _payloads(count)
    rows: list[dict[str, Any]] = []
    notes = [
        f"{count:,} entries per subject, commit groups of {group:,} entries",
        "durable = SQLite WAL with synchronous=FULL: the WAL is fsynced at every group commit",
    ]
    with tempfile.TemporaryDirectory(prefix="seawall-bench-") as tmp:
        directory = Path(tmp)
        say(0.05, "memory")
        memory_rate, memory_commits = _sequence(MemoryJournalStore(), payloads, group)
        rows.append(_row("seawall journal (memory)", memory_rate, memory_commits))
        say(0.2, "sqlite durable")
        durable_path = directory / "durable.sqlite"
        with SqliteJournalStore(durable_path, durable=True) as store:
            durable_rate, durable_commits = _sequence(store, payloads, group)
        rows.append(_row("seawall journal (sqlite, durable)", durable_rate, durable_commits))
        say(0.35, "sqlite no fsync")
        with SqliteJournalStore(directory / "normal.sqlite", durable=False) as store:
            normal_rate, normal_commits = _sequence(store, payloads, group)
        rows.append(_row("seawall journal (sqlite, no fsync)", normal_rate, normal_commits))
        say(0.5, "verify")
        with SqliteJournalStore(durable_path) as store:
            start = timer_ns()
            report = verify_journal(store)
            verify_rate = rate_per_s(report.entries, timer_ns() - start)
        rows.append({"subject": "seawall journal verify (sqlite)", "entries_per_s": verify_rate})
        say(0.6, "market pipeline")
        market_rate = _market(directory / "market.sqlite", count, group)
        rows.append(
            {
                "subject": "seawall market: ledger transfers (sqlite, durable)",
                "entries_per_s": market_rate,
            }
        )
        say(0.75, "sqlite ceiling")
        ceiling = _sqlite_ceiling(directory / "ceiling.sqlite", payloads, group)
        rows.append(
            {
                "subject": "peer: sqlite3 executemany ceiling (durable)",
                "entries_per_s": ceiling,
                "peer": True,
            }
        )
        say(0.85, "eventsourcing")
        es_rate = _eventsourcing(directory / "es.sqlite", payloads, group)
    ratios = [
        {
            "metric": "entries_per_s",
            "ours": "seawall journal (sqlite, durable)",
            "peer": "sqlite3 ceiling",
            "ratio": durable_rate / ceiling,
        },
    ]
    if es_rate is not None:
        rows.append(
            {
                "subject": "peer: eventsourcing SQLite recorder",
                "entries_per_s": es_rate,
                "peer": True,
            }
        )
        ratios.append(
            {
                "metric": "entries_per_s",
                "ours": "seawall journal (sqlite, durable)",
                "peer": "eventsourcing",
                "ratio": durable_rate / es_rate,
            }
        )
    else:
        notes.append("eventsourcing not installed (uv sync --group bench): peer skipped")
    say(1.0, "done")
    return {"rows": rows, "ratios": ratios, "notes": notes}


def _row(subject: str, rate: float, commits_ns: list[int]) -> dict[str, Any]:
    return {
        "subject": subject,
        "entries_per_s": rate,
        "commit_p50_ms": percentile_ns(commits_ns, 0.50) / 1e6,
        "commit_p99_ms": percentile_ns(commits_ns, 0.99) / 1e6,
    }
