"""The SQLite journal store: the embedded default.

Durability policy (documented here because acknowledgements depend on it):

* ``journal_mode=WAL`` and ``synchronous=FULL``: each commit group is one transaction, and the
  WAL is fsynced before ``append`` returns. A group is therefore either wholly on disk or wholly
  absent after a crash or power loss, and an acknowledged command (one whose group committed) is
  never lost. Batching many entries per group is what buys throughput: one fsync per group.
* ``synchronous=NORMAL`` can be chosen for tests and benchmarks that want the medium without the
  fsync (``durable=False``); it is never the default.

Layout: one row per commit group (``groups``), holding the group's entries framed as
``u32be(length) || entry bytes`` one after another, with the group's seal beside them. A
group is written and read whole, so the per-row cost of SQLite is paid once per group rather than
once per entry (this doubles durable throughput), and atomicity is that of a single row.

Every ``sqlite3`` exception is mapped to ``StorageError``; a read that breaks mid-journal
(a truncated or corrupt file) raises ``JournalCorrupt`` naming the first seq it could not read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, JournalCorrupt, StorageError
from seawall.journal.entry import Seal
from seawall.journal.framing import check_group, entries_in, frame_group
from seawall.journal.store import JournalStore, Snapshot, StoredEntry

__all__ = ["SCHEMA_VERSION", "SqliteJournalStore", "open_store"]

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS groups (
    first_seq INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL UNIQUE,
    body BLOB NOT NULL,
    head_hash BLOB NOT NULL,
    signature BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (seq INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


class SqliteJournalStore(JournalStore):
    """A journal in one SQLite file (plus its ``-wal`` and ``-shm`` companions)."""

    def __init__(self, path: str | Path, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self._db.executescript(_SCHEMA)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION:
                raise StorageError(
                    f"{self.path}: journal schema version {version}, expected {SCHEMA_VERSION}"
                )
        except sqlite3.Error as exc:
            raise JournalCorrupt(
                1,
                f"{self.path} cannot be opened as a journal, so no entry from seq 1 on can be "
                f"read or trusted (truncated, or not a journal): {exc}",
            ) from exc
        self._last_seq: int | None = None

    def _appended_through(self) -> int:
        if self._last_seq is None:
            try:
                row = self._db.execute("SELECT MAX(last_seq) FROM groups").fetchone()
            except sqlite3.Error as exc:
                raise JournalCorrupt(1, f"{self.path}: cannot find the last entry: {exc}") from exc
            self._last_seq = row[0] or 0
        return self._last_seq

    def append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        check_group(entries, seal, self._appended_through())
        body = frame_group(entries)
        try:
            self._db.execute(
                "INSERT INTO groups (first_seq, last_seq, body, head_hash, signature) "
                "VALUES (?, ?, ?, ?, ?)",
                (entries[0].seq, seal.last_seq, body, seal.head_hash, seal.signature),
            )
        except sqlite3.Error as exc:
            raise StorageError(
                f"{self.path}: cannot append seqs {entries[0].seq}..{entries[-1].seq}: {exc}"
            ) from exc
        self._last_seq = seal.last_seq

    def read(self, from_seq: int = 1, to_seq: int | None = None) -> Iterator[StoredEntry]:
        upper = to_seq if to_seq is not None else (1 << 62)
        next_seq = from_seq
        try:
            cursor = self._db.execute(
                "SELECT first_seq, last_seq, body FROM groups "
                "WHERE last_seq >= ? AND first_seq <= ? ORDER BY first_seq",
                (from_seq, upper),
            )
            for stored in entries_in(cursor, from_seq, upper):
                yield stored
                next_seq = stored.seq + 1
        except sqlite3.Error as exc:
            raise JournalCorrupt(
                next_seq, f"{self.path} is unreadable from here (truncated or corrupt): {exc}"
            ) from exc

    def seals(self) -> Iterator[Seal]:
        try:
            rows = self._db.execute(
                "SELECT last_seq, head_hash, signature FROM groups ORDER BY first_seq"
            ).fetchall()
        except sqlite3.Error as exc:
            raise JournalCorrupt(1, f"{self.path}: the seals are unreadable: {exc}") from exc
        return iter([Seal(last_seq=s, head_hash=h, signature=g) for s, h, g in rows])

    def last_seal(self) -> Seal | None:
        try:
            row = self._db.execute(
                "SELECT last_seq, head_hash, signature FROM groups ORDER BY first_seq DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error as exc:
            raise JournalCorrupt(1, f"{self.path}: the seals are unreadable: {exc}") from exc
        return None if row is None else Seal(last_seq=row[0], head_hash=row[1], signature=row[2])

    def put_snapshot(self, snapshot: Snapshot) -> None:
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO snapshots (seq, body) VALUES (?, ?)",
                (snapshot.seq, encode(snapshot)),
            )
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot write snapshot {snapshot.seq}: {exc}") from exc

    def latest_snapshot(self, at_most_seq: int | None = None) -> Snapshot | None:
        try:
            row = self._db.execute(
                "SELECT seq, body FROM snapshots WHERE seq <= ? ORDER BY seq DESC LIMIT 1",
                (at_most_seq if at_most_seq is not None else (1 << 62),),
            ).fetchone()
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot read snapshots: {exc}") from exc
        if row is None:
            return None
        try:
            return decode(row[1], Snapshot)
        except ConditionFailed as exc:
            raise JournalCorrupt(row[0], f"snapshot does not decode: {exc}") from exc

    def get_meta(self, key: str) -> bytes | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot read metadata: {exc}") from exc
        return None if row is None else bytes(row[0])

    def put_meta(self, key: str, value: bytes) -> None:
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, bytes(value))
            )
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot write metadata: {exc}") from exc

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot close: {exc}") from exc


def open_store(path: str | Path, durable: bool = True, create: bool = True) -> SqliteJournalStore:
    """Open (or, with ``create``, make) the SQLite journal at ``path``."""
    target = Path(path)
    if not create and not target.exists():
        raise StorageError(f"{target}: no journal there")
    return SqliteJournalStore(target, durable=durable)
