"""The market: every institution's state, driven through the pipeline into the journal.

``Market.open`` recovers from a store (latest snapshot, then the tail re-decided, checked
against what the journal recorded), then serves ``submit``. A command is acknowledged when the
group holding it is committed: callers batch submits and call ``commit`` (or let the group fill).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from seawall.core import limits
from seawall.core.clock import Clock
from seawall.core.codec import encode
from seawall.core.errors import condition, invariant
from seawall.core.ids import check_id
from seawall.core.machine import Rejection
from seawall.core.signing import SigningKey
from seawall.journal import JournalStore, Seal, Sequencer, Snapshot
from seawall.kernel.execute import apply_decision, decide_command, journaled_command
from seawall.kernel.registry import INSTITUTIONS
from seawall.kernel.replay import recover
from seawall.kernel.routes import KERNEL_SUBMITTER, follow_ons
from seawall.kernel.state import LOGIC_VERSION, market_state_hash

__all__ = ["Listener", "Market", "Outcome", "Sequenced"]


class Outcome(NamedTuple):
    """The result of one submitted command, once sequenced."""

    seq: int
    timestamp_ns: int
    events: list[Any]
    rejection: Rejection | None

    @property
    def accepted(self) -> bool:
        return self.rejection is None


class Sequenced(NamedTuple):
    """One journal entry as the live market made it, for listeners (read models, streams)."""

    seq: int
    timestamp_ns: int
    submitter: str
    command: Any
    events: list[Any]
    rejection: Rejection | None


#: Called after every entry is applied (not yet committed: listeners that publish must wait for
#: ``Market.commit`` to acknowledge, see ``on_commit``).
Listener = Callable[[Sequenced], None]


class Market:
    """All institutions, one sequencer, one journal."""

    def __init__(
        self,
        store: JournalStore,
        key: SigningKey,
        clock: Clock,
        group_entries_max: int = limits.commit_group_entries_max,
        snapshot_every_entries: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        condition(
            snapshot_every_entries is None
            or 0 < snapshot_every_entries <= limits.snapshot_interval_entries_max,
            "snapshot_every_entries must be within 1..snapshot_interval_entries_max",
        )
        self.store = store
        self.states, recovered_seq = recover(store, progress=progress)
        self.sequencer = Sequencer(store, key, clock, LOGIC_VERSION, group_entries_max)
        condition(
            self.sequencer.last_seq == recovered_seq,
            f"recovery reached seq {recovered_seq} but the journal is sealed to "
            f"{self.sequencer.last_seq}",
        )
        self.snapshot_every_entries = snapshot_every_entries
        self._last_snapshot_seq = recovered_seq
        #: Called with every entry as it is applied (read models, market-data streams).
        self.listeners: list[Listener] = []
        #: Called with the last seq of each committed (durable, acknowledged) group.
        self.on_commit: list[Callable[[int], None]] = []

    @property
    def last_seq(self) -> int:
        return self.sequencer.last_seq

    def submit(self, command: object, submitter: str, auth: bytes = b"") -> Outcome:
        """Run a command object through the pipeline (not yet acknowledged: see ``commit``)."""
        return self.submit_bytes(encode(command), submitter, auth)

    def submit_bytes(self, command_bytes: bytes, submitter: str, auth: bytes = b"") -> Outcome:
        """Run canonical command bytes (as received from outside) through the pipeline, then
        every follow-on command the routes derive from its events, each as its own entry."""
        check_id(submitter, "submitter", limits.submitter_length_max)
        condition(submitter != KERNEL_SUBMITTER, "only the kernel submits as 'kernel'")
        condition(len(auth) <= limits.auth_bytes_max, "auth exceeds auth_bytes_max")
        outcome, pending = self._run(command_bytes, submitter, auth)
        flow = 0
        while pending:
            flow += 1
            invariant(flow <= limits.follow_on_commands_max, "a flow ends within its bound")
            _, more = self._run(pending.popleft(), KERNEL_SUBMITTER, b"")
            pending.extendleft(reversed(more))
        if self.sequencer.group_full:
            self.commit()
        return outcome

    def _run(
        self, command_bytes: bytes, submitter: str, auth: bytes
    ) -> tuple[Outcome, deque[bytes]]:
        sequencer = self.sequencer
        ctx = sequencer.open(submitter)
        decision = decide_command(self.states, command_bytes, ctx)
        sequencer.append(
            ctx, auth, journaled_command(command_bytes), decision.events_bytes, decision.rejection
        )
        apply_decision(self.states, decision)
        outcome = Outcome(ctx.seq, ctx.timestamp_ns, decision.events, decision.rejection)
        if self.listeners:
            entry = Sequenced(
                ctx.seq,
                ctx.timestamp_ns,
                submitter,
                decision.command,
                decision.events,
                decision.rejection,
            )
            for listener in self.listeners:
                listener(entry)
        return outcome, deque(follow_ons(decision, ctx, self.states))

    def commit(self) -> Seal | None:
        """Stage 60: seal and write the pending group; every command in it is now acknowledged."""
        seal = self.sequencer.commit()
        if seal is not None:
            for callback in self.on_commit:
                callback(seal.last_seq)
        every = self.snapshot_every_entries
        due = every is not None and self.sequencer.last_seq - self._last_snapshot_seq >= every
        if seal is not None and due:
            self.take_snapshot()
        return seal

    def state_hash(self) -> bytes:
        return market_state_hash(self.states)

    def check_invariants(self) -> None:
        for institution in INSTITUTIONS:
            institution.check_invariants(self.states[institution.name])

    def snapshot(self) -> Snapshot:
        """The state after the last sequenced entry (commit first for a durable one)."""
        return Snapshot(
            seq=self.sequencer.last_seq,
            head_hash=self.sequencer.head_hash,
            state_hash=self.state_hash(),
            logic_version=LOGIC_VERSION,
            parts={inst.name: inst.snapshot(self.states[inst.name]) for inst in INSTITUTIONS},
        )

    def take_snapshot(self) -> Snapshot:
        """Commit, then store a snapshot of the committed state."""
        self.sequencer.commit()
        snapshot = self.snapshot()
        self.store.put_snapshot(snapshot)
        self._last_snapshot_seq = snapshot.seq
        return snapshot

    def state(self, institution: str) -> Any:
        """One institution's state, for reading (projections, tests, the CLI)."""
        return self.states[institution]
