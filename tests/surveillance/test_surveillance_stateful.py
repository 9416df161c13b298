"""Property: any sequence of surveillance commands (valid or not, from any submitter) keeps the
invariants; the accepted events alone rebuild the same state; a snapshot taken at any point
restores to the same hash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from seawall.core.machine import Context, Rejection
from seawall.surveillance import (
    AddNote,
    Agency,
    AlertType,
    AssignCase,
    AttachAlert,
    AttachWarrant,
    CaseOutcome,
    CloseCase,
    EscalateCase,
    OpenCase,
    RaiseAlert,
    RecordAccess,
    RevokeShare,
    ShareCase,
    SurveillanceRejection,
    SurveillanceState,
    check_invariants,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)

PSEUDONYMS = ["p" + digit * 24 for digit in "123"]
ALERT_IDS = ["a-1", "a-2", "a-3"]
CASE_IDS = ["c-1", "c-2"]

subjects = st.lists(st.sampled_from(PSEUDONYMS), min_size=1, max_size=3, unique=True).map(
    lambda chosen: tuple(sorted(chosen))
)
alerts = st.builds(
    RaiseAlert,
    alert_id=st.sampled_from(ALERT_IDS),
    alert_type=st.sampled_from(list(AlertType)),
    detector=st.sampled_from(["wash.same_owner", "spoofing.cancelled_away"]),
    detector_version=st.integers(1, 3),
    parameters=st.just({"window_ns": 60}),
    seq_from=st.integers(1, 5),
    seq_to=st.integers(5, 9),
    observed_ns=st.integers(1, 100),
    symbol=st.sampled_from(["", "BTCUSD"]),
    subjects=subjects,
    evidence=st.just({"seqs": (1, 2)}),
)
agencies = st.sampled_from(list(Agency))
commands = st.one_of(
    alerts,
    st.builds(
        OpenCase,
        case_id=st.sampled_from(CASE_IDS),
        alert_ids=st.lists(st.sampled_from(ALERT_IDS), min_size=1, max_size=2).map(tuple),
        investigator=st.just("inv"),
        reason=st.just("suspicious"),
    ),
    st.builds(AttachAlert, st.sampled_from(CASE_IDS), st.sampled_from(ALERT_IDS)),
    st.builds(ShareCase, st.sampled_from(CASE_IDS), agencies, st.just("policy")),
    st.builds(RevokeShare, st.sampled_from(CASE_IDS), agencies, st.just("done")),
    st.builds(RecordAccess, st.sampled_from(CASE_IDS), agencies, st.just("x"), st.just("y")),
    st.builds(
        AttachWarrant,
        st.sampled_from(CASE_IDS),
        st.sampled_from(["w-1", "w-2"]),
        st.sampled_from(PSEUDONYMS),
    ),
    st.builds(
        CloseCase, st.sampled_from(CASE_IDS), st.sampled_from(list(CaseOutcome)), st.just("r")
    ),
    st.builds(
        AssignCase,
        st.sampled_from(CASE_IDS),
        st.sampled_from(["inv", "analyst-1", "analyst-2", ""]),
        st.just("workload"),
    ),
    st.builds(EscalateCase, st.sampled_from(CASE_IDS), st.sampled_from(["senior review", ""])),
    st.builds(AddNote, st.sampled_from(CASE_IDS), st.just("inv"), st.just("checked the tape")),
)
steps = st.lists(
    st.tuples(commands, st.sampled_from(["surveillance", "surveillance", "regulator", "kernel"])),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_invariants_replay_and_snapshots_hold(run: list[tuple[Any, str]]) -> None:
    state = SurveillanceState()
    accepted = []
    for index, (command, submitter) in enumerate(run):
        ctx = Context(seq=10 + index, timestamp_ns=1_000 + index, submitter=submitter)
        outcome = decide(state, command, ctx)
        if isinstance(outcome, Rejection):
            assert outcome.code in set(SurveillanceRejection)
            continue
        for event in outcome:
            evolve(state, event)
            accepted.append(event)
        check_invariants(state)
        assert state_hash(restore(snapshot(state))) == state_hash(state)
    rebuilt = SurveillanceState()
    for event in accepted:
        evolve(rebuilt, event)
    assert state_hash(rebuilt) == state_hash(state)
