"""The journal storage port. Adapters (``seawall.adapters.storage``) implement it; one contract
test suite (``tests/journal/contract.py``) runs against every adapter.

Rules every adapter keeps:

* ``append`` writes a whole commit group (entries and their seal) atomically: after a crash
  either all of it is there or none of it is.
* entries read back byte-identical, in ``seq`` order.
* a failure of the medium is raised as ``StorageError`` (or ``JournalCorrupt`` naming the seq
  where reading broke), never as a foreign exception.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import msgspec

from seawall.journal.entry import Seal

__all__ = ["JournalStore", "Snapshot", "StoredEntry"]


class StoredEntry(NamedTuple):
    """An entry as stored: its seq and its canonical bytes."""

    seq: int
    body: bytes


class Snapshot(msgspec.Struct, frozen=True):
    """The whole market's state after entry ``seq``, so that recovery replays only the tail.

    ``parts`` maps each institution's name to its own canonical snapshot bytes.
    """

    seq: int
    head_hash: bytes
    state_hash: bytes
    logic_version: int
    parts: dict[str, bytes]


class JournalStore(abc.ABC):
    """Where entries, seals, snapshots and the journal's metadata live."""

    @abc.abstractmethod
    def append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        """Write one commit group atomically and durably (per the adapter's documented policy)."""

    @abc.abstractmethod
    def read(self, from_seq: int = 1, to_seq: int | None = None) -> Iterator[StoredEntry]:
        """Entries with ``from_seq <= seq <= to_seq`` in seq order."""

    @abc.abstractmethod
    def seals(self) -> Iterator[Seal]:
        """Every seal in seq order."""

    @abc.abstractmethod
    def last_seal(self) -> Seal | None:
        """The newest seal, or None for an empty journal."""

    @abc.abstractmethod
    def put_snapshot(self, snapshot: Snapshot) -> None:
        """Keep a snapshot (atomically; a later one with the same seq replaces it)."""

    @abc.abstractmethod
    def latest_snapshot(self, at_most_seq: int | None = None) -> Snapshot | None:
        """The snapshot with the highest seq (not above ``at_most_seq``), if any."""

    @abc.abstractmethod
    def get_meta(self, key: str) -> bytes | None:
        """A metadata value (the sequencer's public key, the format version...)."""

    @abc.abstractmethod
    def put_meta(self, key: str, value: bytes) -> None:
        """Set a metadata value."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the medium. Reading a closed store is an error."""

    def __enter__(self) -> JournalStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
