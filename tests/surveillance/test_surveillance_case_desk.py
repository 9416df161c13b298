"""The case desk: a case is opened on alerts, assigned, noted, escalated (once) and closed with
an outcome, by ``surveillance`` or the regulator's analysts; every bad transition has its stable
code; the new records survive snapshots and replay; their free text stays out of the public
log."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.clock import StepClock
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.machine import Rejection
from seawall.core.signing import SigningKey
from seawall.kernel import replay
from seawall.kernel.projection import Projector
from seawall.sim.genesis import open_market
from seawall.surveillance import (
    CASE_TRANSITIONS,
    AddNote,
    Agency,
    AssignCase,
    AttachAlert,
    AttachWarrant,
    CaseEscalated,
    CaseOutcome,
    CaseStatus,
    CloseCase,
    EscalateCase,
    OpenCase,
    RaiseAlert,
    RecordAccess,
    ShareCase,
    SurveillanceSnapshot,
    SurveillanceState,
    case,
    evolve,
    restore,
    snapshot,
    state_hash,
)
from seawall.surveillance import (
    SurveillanceRejection as R,
)
from seawall.surveillance.state import surveillance_note_length_max

P1 = "p" + "1" * 24
P2 = "p" + "2" * 24


def _desk(driver: Any, alert: Any, submitter: str = "regulator") -> SurveillanceState:
    """Two alerts and case-1 opened on both by ``submitter``, led by analyst-lee."""
    state = SurveillanceState()
    driver.ok(state, alert(subjects=(P1,)))
    driver.ok(state, alert(alert_id="spoof-1", alert_type="spoofing", subjects=(P2,)))
    opened = OpenCase("case-1", ("wash.same_owner-50-0", "spoof-1"), "analyst-lee", "two alerts")
    driver.ok(state, opened, submitter)
    return state


def test_the_whole_workflow_from_the_regulator(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    opened_seq = driver.seq
    driver.ok(state, AssignCase("case-1", "analyst-wong", "wash trading desk"), "regulator")
    driver.ok(state, AddNote("case-1", "analyst-wong", "same KYC hash at two brokers"), "regulator")
    (escalated,) = driver.ok(state, EscalateCase("case-1", "pattern repeats daily"), "regulator")
    assert isinstance(escalated, CaseEscalated) and escalated.seq == driver.seq
    record = case(state, "case-1")
    assert record is not None and record.status is CaseStatus.ESCALATED
    assert record.assignee == "analyst-wong" and record.investigator == "analyst-lee"
    # An escalated case is still worked: notes, reassignment, shares, warrants.
    driver.ok(state, AddNote("case-1", "senior-ho", "refer after the warrant"), "regulator")
    driver.ok(state, AssignCase("case-1", "senior-ho", "escalated"), "regulator")
    driver.ok(state, ShareCase("case-1", Agency.SECURITIES_REGULATOR, "misconduct"))
    driver.ok(state, AttachWarrant("case-1", "w-1", P1), "regulator")
    (closed,) = driver.ok(
        state, CloseCase("case-1", CaseOutcome.REFERRED, "referred to the SFC"), "regulator"
    )
    record = case(state, "case-1")
    assert record is not None and record.status is CaseStatus.CLOSED
    assert record.outcome is CaseOutcome.REFERRED and record.closed_seq == driver.seq
    history = record.history
    assert [step.kind for step in history] == [
        "opened",
        "assigned",
        "note",
        "escalated",
        "note",
        "assigned",
        "shared",
        "warrant",
        "closed",
    ]
    assert [step.seq for step in history] == list(range(opened_seq, driver.seq + 1))
    assert history[1].actor == "analyst-wong" and history[1].detail == "wash trading desk"
    assert history[-1].detail == "referred: referred to the SFC"
    assert history[-1].timestamp_ns == closed.timestamp_ns


def test_surveillance_works_cases_too(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert, "surveillance")
    driver.ok(state, AssignCase("case-1", "inv-2", "rota"))
    driver.ok(state, EscalateCase("case-1", "senior review"))
    driver.ok(state, CloseCase("case-1", CaseOutcome.NO_ACTION, "market making"))


@pytest.mark.parametrize("submitter", ["kernel", "broker-a", "venue", "identity"])
def test_only_the_desk_works_cases(driver: Any, alert: Any, submitter: str) -> None:
    state = _desk(driver, alert)
    for command in (
        OpenCase("case-2", ("spoof-1",), "a", "r"),
        AttachAlert("case-1", "spoof-1"),
        AssignCase("case-1", "analyst-wong", "r"),
        EscalateCase("case-1", "r"),
        AddNote("case-1", "a", "n"),
        CloseCase("case-1", CaseOutcome.NO_ACTION, "r"),
    ):
        assert driver.code(state, command, submitter) == R.WRONG_SUBMITTER
    # Sharing with outside agencies stays with surveillance.
    share = ShareCase("case-1", Agency.SECURITIES_REGULATOR, "r")
    assert driver.code(state, share, "regulator") == R.WRONG_SUBMITTER


def test_assigning_is_checked(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    desk = "regulator"
    assert driver.code(state, AssignCase("case-9", "analyst-wong", "r"), desk) == R.UNKNOWN_CASE
    assert driver.code(state, AssignCase("bad id", "analyst-wong", "r"), desk) == R.INVALID_ID
    assert driver.code(state, AssignCase("case-1", "", "r"), desk) == R.REASON_REQUIRED
    assert driver.code(state, AssignCase("case-1", "analyst-wong", "  "), desk) == (
        R.REASON_REQUIRED
    )
    assert driver.code(state, AssignCase("case-1", "a\tb", "r"), desk) == R.INVALID_TEXT
    assert driver.code(state, AssignCase("case-1", "a" * 281, "r"), desk) == R.TEXT_TOO_LONG
    # Who leads it already: the investigator named at opening, then the latest assignee.
    assert driver.code(state, AssignCase("case-1", "analyst-lee", "r"), desk) == (
        R.ALREADY_ASSIGNED
    )
    driver.ok(state, AssignCase("case-1", "analyst-wong", "r"), desk)
    assert driver.code(state, AssignCase("case-1", "analyst-wong", "r"), desk) == (
        R.ALREADY_ASSIGNED
    )
    driver.ok(state, AssignCase("case-1", "analyst-lee", "back"), desk)
    record = case(state, "case-1")
    assert record is not None and [a.analyst for a in record.assignments] == [
        "analyst-wong",
        "analyst-lee",
    ]


def test_escalating_is_checked_and_happens_once(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    desk = "regulator"
    assert driver.code(state, EscalateCase("case-9", "r"), desk) == R.UNKNOWN_CASE
    assert driver.code(state, EscalateCase("case-1", ""), desk) == R.REASON_REQUIRED
    assert driver.code(state, EscalateCase("case-1", "r\n"), desk) == R.INVALID_TEXT
    assert case(state, "case-1").status is CaseStatus.OPEN  # type: ignore[union-attr]
    driver.ok(state, EscalateCase("case-1", "senior review"), desk)
    assert driver.code(state, EscalateCase("case-1", "again"), desk) == R.ALREADY_ESCALATED
    record = case(state, "case-1")
    assert record is not None and record.escalation is not None
    assert record.escalation.reason == "senior review"


def test_notes_are_checked(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    desk = "regulator"
    assert driver.code(state, AddNote("case-9", "a", "n"), desk) == R.UNKNOWN_CASE
    assert driver.code(state, AddNote("case-1", "", "n"), desk) == R.REASON_REQUIRED
    assert driver.code(state, AddNote("case-1", "a", ""), desk) == R.REASON_REQUIRED
    assert driver.code(state, AddNote("case-1", "a", "two\nlines"), desk) == R.INVALID_TEXT
    too_long = "n" * (surveillance_note_length_max + 1)
    assert driver.code(state, AddNote("case-1", "a", too_long), desk) == R.TEXT_TOO_LONG
    # A note may be longer than a reason.
    driver.ok(state, AddNote("case-1", "a", "n" * surveillance_note_length_max), desk)
    driver.ok(state, AddNote("case-1", "a", "second"), desk)
    record = case(state, "case-1")
    assert record is not None and [n.note for n in record.notes][1] == "second"


@pytest.mark.parametrize("escalate_first", [False, True])
def test_closing_is_final(driver: Any, alert: Any, escalate_first: bool) -> None:
    state = _desk(driver, alert)
    desk = "regulator"
    if escalate_first:
        driver.ok(state, EscalateCase("case-1", "senior review"), desk)
    assert driver.code(state, CloseCase("case-1", CaseOutcome.NO_ACTION, ""), desk) == (
        R.REASON_REQUIRED
    )
    assert driver.code(state, CloseCase("case-1", "dropped", "r"), desk) == R.INVALID_OUTCOME  # type: ignore[arg-type]
    driver.ok(state, CloseCase("case-1", CaseOutcome.ENFORCEMENT, "to enforcement"), desk)
    for command in (
        CloseCase("case-1", CaseOutcome.NO_ACTION, "again"),
        AssignCase("case-1", "analyst-wong", "r"),
        EscalateCase("case-1", "r"),
        AddNote("case-1", "a", "late"),
        AttachAlert("case-1", "spoof-1"),
    ):
        assert driver.code(state, command, desk) == R.CASE_CLOSED
    # Reads of a closed case go on, each journaled.
    driver.ok(state, RecordAccess("case-1", Agency.REGULATOR, "auditor", "review"), desk)


def test_the_transition_table_is_what_decide_enforces(driver: Any, alert: Any) -> None:
    moves = {
        CaseStatus.ESCALATED: EscalateCase("case-1", "r"),
        CaseStatus.CLOSED: CloseCase("case-1", CaseOutcome.NO_ACTION, "r"),
    }
    reach = {
        CaseStatus.OPEN: [],
        CaseStatus.ESCALATED: [moves[CaseStatus.ESCALATED]],
        CaseStatus.CLOSED: [moves[CaseStatus.CLOSED]],
    }
    assert set(reach) == set(CASE_TRANSITIONS) == set(CaseStatus)
    for start, path in reach.items():
        for target, command in moves.items():
            state = _desk(driver, alert)
            for step in path:
                driver.ok(state, step)
            outcome = driver.run(state, command)
            accepted = not isinstance(outcome, Rejection)
            assert accepted == (target in CASE_TRANSITIONS[start]), (start, target)


def test_snapshots_keep_the_desk_records(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    driver.ok(state, AssignCase("case-1", "analyst-wong", "rota"), "regulator")
    driver.ok(state, AddNote("case-1", "analyst-wong", "looked at it"), "regulator")
    driver.ok(state, EscalateCase("case-1", "senior review"), "regulator")
    driver.ok(state, OpenCase("case-2", ("spoof-1",), "inv", "spoofing"))
    driver.ok(state, CloseCase("case-2", CaseOutcome.NO_ACTION, "market maker"))
    data = snapshot(state)
    restored = restore(data)
    assert state_hash(restored) == state_hash(state) and snapshot(restored) == data
    assert case(restored, "case-1") == case(state, "case-1")
    assert case(restored, "case-2").closed_timestamp_ns > 0  # type: ignore[union-attr]
    # Rebuilding from the events alone reaches the same state.
    rebuilt = SurveillanceState()
    for event in driver.events:
        evolve(rebuilt, event)
    assert state_hash(rebuilt) == state_hash(state)


def _tampered(state: SurveillanceState, **changes: Any) -> bytes:
    snap = msgspec.msgpack.decode(snapshot(state), type=SurveillanceSnapshot)
    first = msgspec.structs.replace(snap.cases[0], **changes)
    return msgspec.msgpack.encode(msgspec.structs.replace(snap, cases=(first, *snap.cases[1:])))


def test_an_impossible_desk_record_is_refused_on_restore(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    driver.ok(state, AssignCase("case-1", "analyst-wong", "rota"), "regulator")
    driver.ok(state, EscalateCase("case-1", "senior review"), "regulator")
    record = case(state, "case-1")
    assert record is not None and record.escalation is not None
    impossible = [
        {"escalation": None},
        {"status": CaseStatus.OPEN},
        {"assignments": (*record.assignments, record.assignments[0])},
        {"assignments": (msgspec.structs.replace(record.assignments[0], seq=1),)},
    ]
    for changes, why in zip(
        impossible, ["escalation", "escalation", "led it", "order"], strict=True
    ):
        with pytest.raises(ConditionFailed, match=why):
            restore(_tampered(state, **changes))


def test_evolve_asserts_the_lifecycle(driver: Any, alert: Any) -> None:
    state = _desk(driver, alert)
    (event,) = driver.ok(state, EscalateCase("case-1", "senior review"), "regulator")
    with pytest.raises(InvariantViolation):
        evolve(state, event)


def test_the_desk_goes_through_the_journal_and_stays_private() -> None:
    store = MemoryJournalStore()
    market = open_market(store, SigningKey.from_label("desk"), StepClock())
    raised = RaiseAlert(
        alert_id="wash.same_owner-2-0",
        alert_type="wash_trading",  # type: ignore[arg-type]
        detector="wash.same_owner",
        detector_version=1,
        parameters={},
        seq_from=1,
        seq_to=2,
        observed_ns=1,
        symbol="BTCUSD",
        subjects=(P1,),
        evidence={"trade_seqs": (2,)},
    )
    assert market.submit(raised, "surveillance").accepted
    steps = [
        OpenCase("case-1", (raised.alert_id,), "analyst-lee", "self-trades"),
        AssignCase("case-1", "analyst-wong", "wash desk"),
        AddNote("case-1", "analyst-wong", "confidential: same person at two brokers"),
        EscalateCase("case-1", "repeat offender"),
        CloseCase("case-1", CaseOutcome.ENFORCEMENT, "to enforcement"),
    ]
    for command in steps:
        assert market.submit(command, "regulator").accepted
    closed_again = market.submit(CloseCase("case-1", CaseOutcome.NO_ACTION, "x"), "regulator")
    assert closed_again.rejection is not None and closed_again.rejection.code == R.CASE_CLOSED
    market.commit()
    assert replay(store).state_hash == market.state_hash()
    projector = Projector(b"k" * 32)
    last = store.last_seal().last_seq  # type: ignore[union-attr]
    public = [projector.project(s.body) for s in store.read(last - 5, last)]
    text = msgspec.json.encode([(p.command, p.events) for p in public]).decode()
    for secret in ("analyst-wong", "same person", "repeat offender", "wash desk"):
        assert secret not in text
    assert '"k":"surveillance.note_added"' in text and '"case_id":"case-1"' in text
