"""Replay: rebuild the market from its journal and prove it reaches the same state.

Each entry's command is decided again by the same pure functions the live market used, and the
outcome must equal, byte for byte, the one the journal recorded; otherwise replay stops with
``ReplayDivergence`` naming the seq. Links between entries are checked as it goes. Recovery is
the same loop started from the latest snapshot instead of from empty.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import msgspec

from seawall.core.errors import InvariantViolation, JournalCorrupt, JournalGap
from seawall.core.hashing import ZERO_HASH
from seawall.core.machine import Context
from seawall.journal import JournalStore, entry_hash
from seawall.journal.verify import decode_entry
from seawall.kernel.execute import Decision, apply_decision, decide_command
from seawall.kernel.registry import INSTITUTIONS
from seawall.kernel.rejections import KernelRejection
from seawall.kernel.routes import KERNEL_SUBMITTER, follow_ons
from seawall.kernel.state import LOGIC_VERSION, market_state_hash, new_states

__all__ = ["ReplayDivergence", "ReplayResult", "recover", "replay", "replay_into"]


class ReplayDivergence(InvariantViolation):
    """Deciding a journaled command again gave a different outcome: a determinism bug, or a
    journal written by other logic."""

    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        super().__init__(f"replay diverged at seq {seq}: {reason}")


class ReplayResult(msgspec.Struct, frozen=True):
    last_seq: int
    head_hash: bytes
    state_hash: bytes
    entries_replayed: int
    from_snapshot_seq: int


def replay_into(
    states: dict[str, Any],
    store: JournalStore,
    after_seq: int,
    head_hash: bytes,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 65_536,
) -> tuple[int, bytes, int]:
    """Apply every sealed entry after ``after_seq`` to ``states``.

    Returns ``(last_seq, head_hash, entries_replayed)``.
    """
    seal = store.last_seal()
    last_sealed = 0 if seal is None else seal.last_seq
    expected = after_seq + 1
    count = 0
    if last_sealed < after_seq:
        raise JournalGap(last_sealed + 1, f"the journal ends before the snapshot at {after_seq}")
    derived: deque[bytes] = deque()
    for seq, body in store.read(expected, last_sealed):
        if seq != expected:
            raise JournalGap(expected, f"found seq {seq} where {expected} was expected")
        entry = decode_entry(body, seq)
        if entry.seq != seq:
            raise JournalCorrupt(seq, f"entry stored at seq {seq} says it is seq {entry.seq}")
        if entry.prev_hash != head_hash:
            raise JournalCorrupt(seq - 1, f"entry {seq - 1} does not hash to the link in {seq}")
        if entry.logic_version != LOGIC_VERSION:
            raise JournalCorrupt(
                seq,
                f"entry written by logic version {entry.logic_version}; this build replays "
                f"version {LOGIC_VERSION} and has no upcaster for it",
            )
        if entry.submitter == KERNEL_SUBMITTER:
            if not derived or derived.popleft() != entry.command:
                raise ReplayDivergence(seq, "a 'kernel' entry that no route derived")
        elif derived:
            raise ReplayDivergence(seq, "a flow's follow-on commands are missing before this")
        ctx = Context(seq=seq, timestamp_ns=entry.timestamp_ns, submitter=entry.submitter)
        rejection = entry.rejection
        if (
            not entry.command
            and rejection is not None
            and rejection.code == KernelRejection.COMMAND_TOO_LARGE
        ):
            decision = Decision(None, None, [], b"", rejection)
        else:
            decision = decide_command(states, entry.command, ctx)
        if decision.rejection != rejection:
            raise ReplayDivergence(
                seq, f"journal recorded {rejection!r}, replay decided {decision.rejection!r}"
            )
        if decision.events_bytes != entry.events:
            raise ReplayDivergence(seq, "replay decided different events than the journal holds")
        apply_decision(states, decision)
        derived.extendleft(reversed(follow_ons(decision, ctx, states)))
        head_hash = entry_hash(body)
        expected += 1
        count += 1
        if progress is not None and count % progress_every == 0:
            progress(count)
    if derived:
        raise ReplayDivergence(expected, "the journal ends inside a flow: follow-ons missing")
    if expected - 1 != last_sealed:
        raise JournalGap(expected, f"the journal is sealed to {last_sealed} but ends here")
    if seal is not None and seal.head_hash != head_hash:
        raise JournalCorrupt(last_sealed, "the last seal does not match the replayed chain head")
    return last_sealed, head_hash, count


def _restore(store: JournalStore, use_snapshot: bool) -> tuple[dict[str, Any], int, bytes]:
    snapshot = store.latest_snapshot() if use_snapshot else None
    if snapshot is None:
        return new_states(), 0, ZERO_HASH
    if snapshot.logic_version != LOGIC_VERSION:
        return new_states(), 0, ZERO_HASH
    states = {inst.name: inst.restore(snapshot.parts[inst.name]) for inst in INSTITUTIONS}
    if market_state_hash(states) != snapshot.state_hash:
        raise JournalCorrupt(snapshot.seq, "snapshot does not restore to its own state hash")
    return states, snapshot.seq, snapshot.head_hash


def recover(
    store: JournalStore, progress: Callable[[int], None] | None = None
) -> tuple[dict[str, Any], int]:
    """The state after the last sealed entry: latest snapshot (if any) plus the tail."""
    states, seq, head = _restore(store, use_snapshot=True)
    last_seq, _, _ = replay_into(states, store, seq, head, progress)
    return states, last_seq


def replay(
    store: JournalStore,
    use_snapshot: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ReplayResult:
    """Replay the journal (from empty, or from its latest snapshot) and report the state hash."""
    states, seq, head = _restore(store, use_snapshot)
    last_seq, head, count = replay_into(states, store, seq, head, progress)
    for institution in INSTITUTIONS:
        institution.check_invariants(states[institution.name])
    return ReplayResult(last_seq, head, market_state_hash(states), count, seq)
