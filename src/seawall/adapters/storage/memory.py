"""The in-memory journal store: the default for tests and the reference for the contract suite.

Values are ``bytes``, so they are immutable and read back identical by construction.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from seawall.core.errors import StorageError
from seawall.journal.entry import Seal
from seawall.journal.framing import check_group
from seawall.journal.store import JournalStore, Snapshot, StoredEntry

__all__ = ["MemoryJournalStore"]


class MemoryJournalStore(JournalStore):
    """Entries in a list indexed by ``seq - 1``; seals and snapshots in seq order."""

    def __init__(self) -> None:
        self._entries: list[bytes] = []
        self._seals: list[Seal] = []
        self._snapshots: dict[int, Snapshot] = {}
        self._meta: dict[str, bytes] = {}
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the memory journal store is closed")

    def append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        self._check_open()
        check_group(entries, seal, len(self._entries))
        self._entries.extend(body for _, body in entries)
        self._seals.append(seal)

    def read(self, from_seq: int = 1, to_seq: int | None = None) -> Iterator[StoredEntry]:
        self._check_open()
        stop = len(self._entries) if to_seq is None else min(to_seq, len(self._entries))
        entries = self._entries
        for seq in range(max(from_seq, 1), stop + 1):
            yield StoredEntry(seq, entries[seq - 1])

    def seals(self) -> Iterator[Seal]:
        self._check_open()
        return iter(list(self._seals))

    def last_seal(self) -> Seal | None:
        self._check_open()
        return self._seals[-1] if self._seals else None

    def put_snapshot(self, snapshot: Snapshot) -> None:
        self._check_open()
        self._snapshots[snapshot.seq] = snapshot

    def latest_snapshot(self, at_most_seq: int | None = None) -> Snapshot | None:
        self._check_open()
        seqs = sorted(self._snapshots)
        if at_most_seq is not None:
            seqs = seqs[: bisect.bisect_right(seqs, at_most_seq)]
        return self._snapshots[seqs[-1]] if seqs else None

    def get_meta(self, key: str) -> bytes | None:
        self._check_open()
        return self._meta.get(key)

    def put_meta(self, key: str, value: bytes) -> None:
        self._check_open()
        self._meta[key] = bytes(value)

    def close(self) -> None:
        self._closed = True

    # Test hooks: what an insider with raw access to the medium could do.
    def tamper_entry(self, seq: int, body: bytes) -> None:
        """Overwrite an entry's bytes, bypassing every check (for tamper tests)."""
        self._entries[seq - 1] = body

    def drop_entry(self, seq: int) -> None:
        """Remove an entry, bypassing every check (for tamper tests)."""
        del self._entries[seq - 1]
