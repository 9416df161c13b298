"""The PostgreSQL journal store, for the scale-out mode (``--db postgresql://...``).

Same layout as the SQLite store: one row per commit group holding its framed entries and its
seal, so a group is atomic as one row and costs one round trip. Each journal lives in its own
set of tables named after it (``<name>_groups``, ``<name>_snapshots``, ``<name>_meta``), so
several journals (and tests) can share a database. Durability is PostgreSQL's: a group is
acknowledged once its transaction commits (``synchronous_commit`` as the server is configured;
``on`` by default, which waits for the WAL flush).

Table names are interpolated into SQL only after ``name`` matched ``[a-z][a-z0-9_]{0,40}``;
every value goes as a bound parameter. ``psycopg`` exceptions are mapped to ``StorageError``;
a read that breaks names the first seq it could not read (``JournalCorrupt``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import psycopg

from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, JournalCorrupt, StorageError
from seawall.journal.entry import Seal
from seawall.journal.framing import check_group, entries_in, frame_group
from seawall.journal.store import JournalStore, Snapshot, StoredEntry

__all__ = ["PostgresJournalStore"]

_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")


class PostgresJournalStore(JournalStore):
    """A journal in a PostgreSQL database (``dsn``), in tables prefixed by ``name``."""

    def __init__(self, dsn: str, name: str = "seawall") -> None:
        if _NAME.fullmatch(name) is None:
            raise ConditionFailed(f"journal name must match {_NAME.pattern}, got {name!r}")
        self.dsn = dsn
        self.name = name
        self._groups = f"{name}_groups"
        self._snapshots = f"{name}_snapshots"
        self._meta = f"{name}_meta"
        try:
            self._db = psycopg.connect(dsn, autocommit=True)
            with self._db.transaction():
                self._db.execute(
                    f"CREATE TABLE IF NOT EXISTS {self._groups} ("
                    " first_seq BIGINT PRIMARY KEY, last_seq BIGINT NOT NULL UNIQUE,"
                    " body BYTEA NOT NULL, head_hash BYTEA NOT NULL, signature BYTEA NOT NULL)"
                )
                self._db.execute(
                    f"CREATE TABLE IF NOT EXISTS {self._snapshots} ("
                    " seq BIGINT PRIMARY KEY, body BYTEA NOT NULL)"
                )
                self._db.execute(
                    f"CREATE TABLE IF NOT EXISTS {self._meta} ("
                    " key TEXT PRIMARY KEY, value BYTEA NOT NULL)"
                )
        except psycopg.Error as exc:
            raise StorageError(f"cannot open the journal {name!r} at {dsn}: {exc}") from exc
        self._last_seq: int | None = None

    def _appended_through(self) -> int:
        if self._last_seq is None:
            try:
                row = self._db.execute(f"SELECT MAX(last_seq) FROM {self._groups}").fetchone()
            except psycopg.Error as exc:
                raise StorageError(f"{self.name}: cannot find the last entry: {exc}") from exc
            self._last_seq = int(row[0]) if row and row[0] is not None else 0
        return self._last_seq

    def append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        check_group(entries, seal, self._appended_through())
        try:
            self._db.execute(
                f"INSERT INTO {self._groups} (first_seq, last_seq, body, head_hash, signature)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    entries[0].seq,
                    seal.last_seq,
                    frame_group(entries),
                    seal.head_hash,
                    seal.signature,
                ),
            )
        except psycopg.Error as exc:
            self._last_seq = None
            raise StorageError(
                f"{self.name}: cannot append seqs {entries[0].seq}..{entries[-1].seq}: {exc}"
            ) from exc
        self._last_seq = seal.last_seq

    def read(self, from_seq: int = 1, to_seq: int | None = None) -> Iterator[StoredEntry]:
        upper = to_seq if to_seq is not None else (1 << 62)
        next_seq = from_seq
        try:
            with self._db.cursor() as cursor:
                cursor.execute(
                    f"SELECT first_seq, last_seq, body FROM {self._groups}"
                    " WHERE last_seq >= %s AND first_seq <= %s ORDER BY first_seq",
                    (from_seq, upper),
                )
                rows = ((first, last, bytes(body)) for first, last, body in cursor)
                for stored in entries_in(rows, from_seq, upper):
                    yield stored
                    next_seq = stored.seq + 1
        except psycopg.Error as exc:
            raise JournalCorrupt(next_seq, f"{self.name} is unreadable from here: {exc}") from exc

    def _seal_rows(self, query: str) -> list[Seal]:
        try:
            rows = self._db.execute(query).fetchall()
        except psycopg.Error as exc:
            raise JournalCorrupt(1, f"{self.name}: the seals are unreadable: {exc}") from exc
        return [Seal(int(s), bytes(h), bytes(g)) for s, h, g in rows]

    def seals(self) -> Iterator[Seal]:
        return iter(
            self._seal_rows(
                f"SELECT last_seq, head_hash, signature FROM {self._groups} ORDER BY first_seq"
            )
        )

    def last_seal(self) -> Seal | None:
        rows = self._seal_rows(
            f"SELECT last_seq, head_hash, signature FROM {self._groups}"
            " ORDER BY first_seq DESC LIMIT 1"
        )
        return rows[0] if rows else None

    def put_snapshot(self, snapshot: Snapshot) -> None:
        try:
            self._db.execute(
                f"INSERT INTO {self._snapshots} (seq, body) VALUES (%s, %s)"
                " ON CONFLICT (seq) DO UPDATE SET body = EXCLUDED.body",
                (snapshot.seq, encode(snapshot)),
            )
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot write snapshot {snapshot.seq}: {exc}") from exc

    def latest_snapshot(self, at_most_seq: int | None = None) -> Snapshot | None:
        try:
            row = self._db.execute(
                f"SELECT seq, body FROM {self._snapshots} WHERE seq <= %s"
                " ORDER BY seq DESC LIMIT 1",
                (at_most_seq if at_most_seq is not None else (1 << 62),),
            ).fetchone()
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot read snapshots: {exc}") from exc
        if row is None:
            return None
        try:
            return decode(bytes(row[1]), Snapshot)
        except ConditionFailed as exc:
            raise JournalCorrupt(int(row[0]), f"snapshot does not decode: {exc}") from exc

    def get_meta(self, key: str) -> bytes | None:
        try:
            row = self._db.execute(
                f"SELECT value FROM {self._meta} WHERE key = %s", (key,)
            ).fetchone()
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot read metadata: {exc}") from exc
        return None if row is None else bytes(row[0])

    def put_meta(self, key: str, value: bytes) -> None:
        try:
            self._db.execute(
                f"INSERT INTO {self._meta} (key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, bytes(value)),
            )
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot write metadata: {exc}") from exc

    def drop(self) -> None:
        """Delete this journal's tables (tests and tear-down only)."""
        try:
            for table in (self._groups, self._snapshots, self._meta):
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot drop: {exc}") from exc

    def close(self) -> None:
        try:
            self._db.close()
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot close: {exc}") from exc
