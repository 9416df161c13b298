"""Verify a stored journal: contiguous seqs, every entry linked to the previous one's hash, every
commit group sealed with a valid sequencer signature, nothing after the last seal.

It needs only the journal's own code: any auditor can run it (``seawall journal verify``). On the
first problem it raises ``JournalCorrupt`` (or ``JournalGap``) naming the seq.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from seawall.core.errors import ConditionFailed, JournalCorrupt, JournalGap
from seawall.core.hashing import ZERO_HASH
from seawall.core.signing import VerifyKey
from seawall.journal.entry import Entry, entry_hash, seal_message
from seawall.journal.sequencer import SEQUENCER_KEY_META
from seawall.journal.store import JournalStore

__all__ = ["VerifyReport", "decode_entry", "verify_journal"]


class VerifyReport(msgspec.Struct, frozen=True):
    entries: int
    seals: int
    last_seq: int
    head_hash: bytes
    sequencer_key: bytes


class _Link(msgspec.Struct):
    """The two fields verification needs; decoding skips the rest of the entry."""

    seq: int
    prev_hash: bytes


_link_decoder = msgspec.msgpack.Decoder(_Link)


def verify_journal(
    store: JournalStore,
    trusted_key: VerifyKey | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 65_536,
) -> VerifyReport:
    """Check the whole chain and every seal. ``trusted_key`` defaults to the key the journal
    names in its metadata (then the check proves integrity, not authorship)."""
    raw_key = store.get_meta(SEQUENCER_KEY_META)
    if trusted_key is None:
        if raw_key is None:
            if store.last_seal() is None:
                return VerifyReport(0, 0, 0, ZERO_HASH, b"")
            raise JournalCorrupt(1, "the journal names no sequencer key")
        try:
            trusted_key = VerifyKey(raw_key)
        except ConditionFailed as exc:
            raise JournalCorrupt(0, f"the journal's sequencer key is malformed: {exc}") from exc
    seals_unreadable: JournalCorrupt | None = None
    try:
        seals = {seal.last_seq: seal for seal in store.seals()}
    except JournalCorrupt as exc:
        # Walk the entries anyway: where they stop being readable names the damage better.
        seals, seals_unreadable = {}, exc
    expected_seq = 1
    head = ZERO_HASH
    count = 0
    sealed_through = 0
    for seq, body in store.read():
        if seq != expected_seq:
            raise JournalGap(expected_seq, f"found seq {seq} where {expected_seq} was expected")
        try:
            link = _link_decoder.decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise JournalCorrupt(seq, f"entry does not decode: {exc}") from exc
        if link.seq != seq:
            raise JournalCorrupt(seq, f"entry stored at seq {seq} says it is seq {link.seq}")
        if link.prev_hash != head:
            raise JournalCorrupt(
                seq - 1,
                f"entry {seq - 1} does not hash to the link stored in entry {seq}: "
                f"entry {seq - 1} was altered (or the link in entry {seq})",
            )
        head = entry_hash(body)
        seal = seals.get(seq)
        if seal is not None:
            if seal.head_hash != head:
                raise JournalCorrupt(seq, "seal does not match the chain head at this seq")
            if not trusted_key.verify(seal.signature, seal_message(seq, head)):
                raise JournalCorrupt(seq, "seal signature does not verify")
            sealed_through = seq
        count += 1
        expected_seq += 1
        if progress is not None and count % progress_every == 0:
            progress(count)
    if progress is not None:
        progress(count)
    last_seq = expected_seq - 1
    if seals_unreadable is not None:
        raise JournalCorrupt(
            max(last_seq, 1), f"entries read through seq {last_seq}; {seals_unreadable.reason}"
        )
    if sealed_through != last_seq:
        raise JournalCorrupt(sealed_through + 1, "entries after the last seal are not signed")
    stray = [s for s in sorted(seals) if s > last_seq]
    if stray:
        raise JournalGap(last_seq + 1, f"a seal names seq {stray[0]} but the journal ends here")
    return VerifyReport(count, len(seals), last_seq, head, trusted_key.raw)


def decode_entry(body: bytes, seq: int) -> Entry:
    """Decode an entry, naming its seq on failure."""
    try:
        return Entry.decode(body)
    except ConditionFailed as exc:
        raise JournalCorrupt(seq, str(exc)) from exc
