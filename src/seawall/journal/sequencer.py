"""The sequencer: the one place that gives a command its ``seq`` and ``timestamp_ns``.

``seq`` is contiguous from 1; ``timestamp_ns`` comes from the injected clock but is forced
strictly increasing (a clock that steps back or stands still yields ``last + 1``), so replay can
order by seq and still explain time. Entries are buffered into a commit group and written with
one seal when ``commit()`` is called or the group reaches ``group_entries_max``; a command is
acknowledged only once its group is committed.
"""

from __future__ import annotations

import hashlib

from seawall.core import limits
from seawall.core.clock import Clock
from seawall.core.codec import encode as _encode
from seawall.core.errors import InvariantViolation, JournalCorrupt, invariant
from seawall.core.hashing import ZERO_HASH
from seawall.core.machine import Context, Rejection
from seawall.core.signing import SigningKey
from seawall.journal.entry import ENTRY_DOMAIN, Entry, Seal, seal_message
from seawall.journal.store import JournalStore, StoredEntry

__all__ = ["SEQUENCER_KEY_META", "Sequencer"]

#: Metadata key under which a store keeps the sequencer's raw Ed25519 public key.
SEQUENCER_KEY_META = "sequencer_public_key"

_sha256 = hashlib.sha256


class Sequencer:
    """Assigns seq and time, chains entries, and seals commit groups into a ``JournalStore``."""

    __slots__ = (
        "_clock",
        "_head_hash",
        "_key",
        "_last_timestamp_ns",
        "_next_seq",
        "_open_context",
        "_pending",
        "group_entries_max",
        "logic_version",
        "store",
    )

    def __init__(
        self,
        store: JournalStore,
        key: SigningKey,
        clock: Clock,
        logic_version: int,
        group_entries_max: int = limits.commit_group_entries_max,
    ) -> None:
        invariant(
            0 < group_entries_max <= limits.commit_group_entries_max,
            "group_entries_max within 1..commit_group_entries_max",
        )
        self.store = store
        self._key = key
        self._clock = clock
        self.logic_version = logic_version
        self.group_entries_max = group_entries_max
        self._pending: list[StoredEntry] = []
        self._open_context: Context | None = None
        stored_key = store.get_meta(SEQUENCER_KEY_META)
        if stored_key is None:
            store.put_meta(SEQUENCER_KEY_META, key.verify_key.raw)
        elif stored_key != key.verify_key.raw:
            raise JournalCorrupt(0, "this journal was sealed by a different sequencer key")
        seal = store.last_seal()
        if seal is None:
            self._next_seq = 1
            self._head_hash = ZERO_HASH
            self._last_timestamp_ns = 0
        else:
            last = list(store.read(seal.last_seq, seal.last_seq))
            if not last:
                raise JournalCorrupt(seal.last_seq, "the last seal names an entry that is missing")
            self._next_seq = seal.last_seq + 1
            self._head_hash = seal.head_hash
            self._last_timestamp_ns = Entry.decode(last[0].body).timestamp_ns

    @property
    def next_seq(self) -> int:
        return self._next_seq

    @property
    def head_hash(self) -> bytes:
        """Hash of the newest entry, committed or pending."""
        return self._head_hash

    @property
    def last_seq(self) -> int:
        return self._next_seq - 1

    @property
    def pending(self) -> int:
        return len(self._pending)

    def open(self, submitter: str) -> Context:
        """Give the next command its seq and time. Must be followed by ``append`` once."""
        invariant(self._open_context is None, "a sequenced context is still open")
        now_ns = self._clock.now_ns()
        timestamp_ns = now_ns if now_ns > self._last_timestamp_ns else self._last_timestamp_ns + 1
        ctx = Context(seq=self._next_seq, timestamp_ns=timestamp_ns, submitter=submitter)
        self._open_context = ctx
        return ctx

    def append(
        self,
        ctx: Context,
        auth: bytes,
        command: bytes,
        events: bytes,
        rejection: Rejection | None,
    ) -> bytes:
        """Chain the outcome of the command opened as ``ctx``; return the entry's hash."""
        if self._open_context is not ctx:
            raise InvariantViolation("append matches the open context")
        if (rejection is None) != bool(events):
            raise InvariantViolation("an outcome is events xor a rejection")
        body = _encode(
            Entry(
                seq=ctx.seq,
                timestamp_ns=ctx.timestamp_ns,
                logic_version=self.logic_version,
                submitter=ctx.submitter,
                auth=auth,
                command=command,
                events=events,
                rejection=rejection,
                prev_hash=self._head_hash,
            )
        )
        self._head_hash = head = _sha256(ENTRY_DOMAIN + body).digest()
        self._pending.append(StoredEntry(ctx.seq, body))
        self._next_seq = ctx.seq + 1
        self._last_timestamp_ns = ctx.timestamp_ns
        self._open_context = None
        return head

    @property
    def group_full(self) -> bool:
        return len(self._pending) >= self.group_entries_max

    def commit(self) -> Seal | None:
        """Seal and durably write the pending group. Returns its seal, or None if empty."""
        invariant(self._open_context is None, "commit with no open context")
        if not self._pending:
            return None
        last_seq = self._pending[-1].seq
        seal = Seal(
            last_seq=last_seq,
            head_hash=self._head_hash,
            signature=self._key.sign(seal_message(last_seq, self._head_hash)),
        )
        self.store.append(self._pending, seal)
        self._pending = []
        return seal
