"""How a commit group is stored as one blob, by every adapter that stores groups whole:
``u32be(length) || entry bytes`` for each entry, one after another. Splitting checks every
frame and names the seq where one does not fit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from seawall.core.errors import JournalCorrupt
from seawall.journal.store import StoredEntry

__all__ = ["frame_group", "split_group"]


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
