"""How a commit group is stored as one blob, by every adapter that stores groups whole:
``u32be(length) || entry bytes`` for each entry, one after another. Splitting checks every
frame and names the seq where one does not fit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from seawall.core.errors import JournalCorrupt, invariant
from seawall.journal.entry import Seal
from seawall.journal.store import StoredEntry

__all__ = ["check_group", "entries_in", "frame_group", "split_group"]


def check_group(entries: Sequence[StoredEntry], seal: Seal, appended_through: int) -> None:
    """What every store asserts before appending a group: it is not empty, it follows the last
    entry stored contiguously, and its seal closes it."""
    invariant(bool(entries), "a commit group holds at least one entry")
    for offset, (seq, _) in enumerate(entries):
        invariant(seq == appended_through + 1 + offset, "entries are appended contiguously")
    invariant(seal.last_seq == entries[-1].seq, "the seal closes the group")


def entries_in(
    groups: Iterable[tuple[int, int, bytes]], from_seq: int, to_seq: int
) -> Iterator[StoredEntry]:
    """The entries with ``from_seq <= seq <= to_seq`` of stored groups given in seq order as
    ``(first_seq, last_seq, body)``."""
    for first_seq, last_seq, body in groups:
        for seq, entry in split_group(first_seq, last_seq, body):
            if from_seq <= seq <= to_seq:
                yield StoredEntry(seq, entry)


def frame_group(entries: Sequence[StoredEntry]) -> bytes:
    """One blob holding ``entries`` in order."""
    return b"".join(len(body).to_bytes(4, "big") + body for _, body in entries)


def split_group(first_seq: int, last_seq: int, body: object) -> Iterator[tuple[int, bytes]]:
    """The entries of one stored group; a frame that does not fit names its seq."""
    if not isinstance(body, bytes | bytearray | memoryview):
        raise JournalCorrupt(first_seq, "group body is not a blob")
    view = memoryview(body)
    offset, seq, end = 0, first_seq, len(view)
    while offset < end:
        if offset + 4 > end:
            raise JournalCorrupt(seq, "entry frame truncated inside its group")
        length = int.from_bytes(view[offset : offset + 4], "big")
        offset += 4
        if offset + length > end:
            raise JournalCorrupt(seq, "entry frame runs past the end of its group")
        yield seq, bytes(view[offset : offset + length])
        offset += length
        seq += 1
    if seq != last_seq + 1:
        raise JournalCorrupt(
            min(seq, last_seq), f"group {first_seq}..{last_seq} holds {seq - first_seq} entries"
        )
