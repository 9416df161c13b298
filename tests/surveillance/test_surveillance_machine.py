"""Surveillance's state machine: alerts are journaled as raised and never edited; cases keep an
investigation on the record (sharing by policy, every read journaled, warrants linked by the
regulator only, closing final); every refusal has its stable code."""

from __future__ import annotations

from typing import Any

import pytest

from seawall.core.errors import InvariantViolation
from seawall.core.machine import Context, Rejection
from seawall.surveillance import (
    Agency,
    AlertRaised,
    AlertType,
    AttachAlert,
    AttachWarrant,
    CaseOutcome,
    CaseStatus,
    CloseCase,
    OpenCase,
    RecordAccess,
    RevokeShare,
    ShareCase,
    SurveillanceState,
    alert_counts,
    alerts,
    case,
    cases,
    decide,
    evolve,
    may_access,
    may_share,
)
from seawall.surveillance import (
    SurveillanceRejection as R,
)
from seawall.surveillance import (
    alert as read_alert,
)

P1 = "p" + "1" * 24
P2 = "p" + "2" * 24


def test_an_alert_is_journaled_as_raised(driver: Any, alert: Any) -> None:
    state = SurveillanceState()
    command = alert()
    (event,) = driver.ok(state, command)
    assert isinstance(event, AlertRaised)
    assert event.seq == driver.seq
    record = read_alert(state, command.alert_id)
    assert record is not None
    assert record.detector == "wash.same_owner" and record.parameters == command.parameters
    assert record.evidence["trade_seqs"] == (48, 50)
    assert alert_counts(state)["wash_trading"] == 1
    assert alerts(state, AlertType.SPOOFING) == ()


def test_an_alert_is_never_raised_twice(driver: Any, alert: Any) -> None:
    state = SurveillanceState()
    driver.ok(state, alert())
    assert driver.code(state, alert()) == R.DUPLICATE_ALERT
    assert alert_counts(state)["wash_trading"] == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"alert_id": ""}, R.INVALID_ID),
        ({"alert_id": "has space"}, R.INVALID_ID),
        ({"alert_type": "insider_dealing"}, R.INVALID_ALERT_TYPE),
        ({"detector": "Wash"}, R.INVALID_DETECTOR),
        ({"detector": "wash..x"}, R.INVALID_DETECTOR),
        ({"detector_version": 0}, R.INVALID_DETECTOR_VERSION),
        ({"detector_version": True}, R.INVALID_DETECTOR_VERSION),
        ({"parameters": {"Bad": 1}}, R.INVALID_PARAMETERS),
        ({"parameters": {"x": 1.5}}, R.INVALID_PARAMETERS),
        ({"parameters": {"x": (1, 2)}}, R.INVALID_PARAMETERS),
        ({"parameters": {"x": "two\nlines"}}, R.INVALID_PARAMETERS),
        ({"parameters": {f"k{i}": i for i in range(33)}}, R.INVALID_PARAMETERS),
        ({"seq_from": 0}, R.INVALID_SEQ_RANGE),
        ({"seq_from": 60, "seq_to": 50}, R.INVALID_SEQ_RANGE),
        ({"seq_to": 10**6}, R.INVALID_SEQ_RANGE),
        ({"observed_ns": 0}, R.INVALID_TIMESTAMP),
        ({"observed_ns": 2**62}, R.INVALID_TIMESTAMP),
        ({"symbol": "btc usd"}, R.INVALID_SYMBOL),
        ({"subjects": ()}, R.INVALID_SUBJECTS),
        ({"subjects": ("acct-0123456789abcdef",)}, R.INVALID_SUBJECTS),
        ({"subjects": (P2, P1)}, R.INVALID_SUBJECTS),
        ({"subjects": (P1, P1)}, R.INVALID_SUBJECTS),
        ({"evidence": {"x": 0.5}}, R.INVALID_EVIDENCE),
        ({"evidence": {"x": tuple(range(257))}}, R.INVALID_EVIDENCE),
        ({"evidence": {"x": ("a",)}}, R.INVALID_EVIDENCE),
    ],
)
def test_malformed_alerts_are_refused(
    driver: Any, alert: Any, overrides: dict[str, Any], code: R
) -> None:
    state = SurveillanceState()
    assert driver.code(state, alert(**overrides)) == code
    assert alerts(state) == ()


@pytest.mark.parametrize("submitter", ["regulator", "kernel", "broker-a", "venue"])
def test_only_surveillance_raises_alerts(driver: Any, alert: Any, submitter: str) -> None:
    assert driver.code(SurveillanceState(), alert(), submitter) == R.WRONG_SUBMITTER


def _opened(driver: Any, alert: Any, alert_type: AlertType = AlertType.WASH_TRADING) -> Any:
    state = SurveillanceState()
    driver.ok(state, alert(alert_type=alert_type, subjects=(P1, P2)))
    driver.ok(state, alert(alert_id="second-1", subjects=(P2,)))
    driver.ok(state, OpenCase("case-1", ("wash.same_owner-50-0",), "inv-7", "linked accounts"))
    return state


def test_a_case_holds_its_alerts_and_their_subjects(driver: Any, alert: Any) -> None:
    state = _opened(driver, alert)
    record = case(state, "case-1")
    assert record is not None and record.status is CaseStatus.OPEN
    assert record.subjects == (P1, P2)
    (event,) = driver.ok(state, AttachAlert("case-1", "second-1"))
    assert event.subjects == (P1, P2)
    assert case(state, "case-1").alert_ids == ("wash.same_owner-50-0", "second-1")  # type: ignore[union-attr]
    assert driver.code(state, AttachAlert("case-1", "second-1")) == R.ALERT_ALREADY_IN_CASE
    assert driver.code(state, AttachAlert("case-1", "nope")) == R.UNKNOWN_ALERT
    assert driver.code(state, AttachAlert("case-9", "second-1")) == R.UNKNOWN_CASE
    assert [c.case_id for c in cases(state)] == ["case-1"]


def test_opening_a_case_is_checked(driver: Any, alert: Any) -> None:
    state = _opened(driver, alert)
    assert driver.code(state, OpenCase("case-1", ("second-1",), "inv", "r")) == R.DUPLICATE_CASE
    assert driver.code(state, OpenCase("case-2", (), "inv", "r")) == R.INVALID_ID
    assert driver.code(state, OpenCase("case-2", ("x", "x"), "inv", "r")) == R.INVALID_ID
    assert driver.code(state, OpenCase("case-2", ("missing",), "inv", "r")) == R.UNKNOWN_ALERT
    assert driver.code(state, OpenCase("case-2", ("second-1",), " ", "r")) == R.REASON_REQUIRED
    assert driver.code(state, OpenCase("case-2", ("second-1",), "inv", "a\nb")) == R.INVALID_TEXT
    assert driver.code(state, OpenCase("case-2", ("second-1",), "inv", " r")) == R.INVALID_TEXT
    assert driver.code(state, OpenCase("case-2", ("second-1",), "inv", "r" * 281)) == (
        R.TEXT_TOO_LONG
    )
    # The case desk is surveillance or the regulator's analysts; nobody else.
    assert driver.code(state, OpenCase("c", ("second-1",), "inv", "r"), "broker-a") == (
        R.WRONG_SUBMITTER
    )


def test_sharing_follows_the_policy(driver: Any, alert: Any) -> None:
    state = _opened(driver, alert, AlertType.SPOOFING)
    assert may_share(state, "case-1", Agency.SECURITIES_REGULATOR)
    driver.ok(state, ShareCase("case-1", Agency.SECURITIES_REGULATOR, "market misconduct"))
    # A spoofing case is not the monetary authority's business; a warrant is needed for police.
    assert not may_share(state, "case-1", Agency.MONETARY_AUTHORITY)
    assert driver.code(state, ShareCase("case-1", Agency.MONETARY_AUTHORITY, "r")) == (
        R.SHARING_NOT_PERMITTED
    )
    assert driver.code(state, ShareCase("case-1", Agency.POLICE, "r")) == R.SHARING_NOT_PERMITTED
    assert driver.code(state, ShareCase("case-1", Agency.SECURITIES_REGULATOR, "r")) == (
        R.ALREADY_SHARED
    )
    assert driver.code(state, ShareCase("case-1", Agency.REGULATOR, "r")) == R.INVALID_AGENCY
    assert driver.code(state, ShareCase("case-1", "interpol", "r")) == R.INVALID_AGENCY  # type: ignore[arg-type]
    # The regulator links its warrant (only it may): now the police may receive the case.
    assert driver.code(state, AttachWarrant("case-1", "w-1", P1)) == R.WRONG_SUBMITTER
    assert driver.code(state, AttachWarrant("case-1", "w-1", P2[:-1] + "9"), "regulator") == (
        R.UNKNOWN_SUBJECT
    )
    driver.ok(state, AttachWarrant("case-1", "w-1", P1), "regulator")
    assert driver.code(state, AttachWarrant("case-1", "w-1", P2), "regulator") == (
        R.DUPLICATE_WARRANT
    )
    driver.ok(state, ShareCase("case-1", Agency.POLICE, "criminal referral"))
    record = case(state, "case-1")
    assert record is not None
    assert record.shared_with == (Agency.POLICE, Agency.SECURITIES_REGULATOR)
    driver.ok(state, RevokeShare("case-1", Agency.POLICE, "referral withdrawn"))
    assert driver.code(state, RevokeShare("case-1", Agency.POLICE, "again")) == R.NOT_SHARED
    record = case(state, "case-1")
    assert record is not None and record.shared_with == (Agency.SECURITIES_REGULATOR,)
    assert [change.shared for change in record.shares_history] == [True, True, False]


def test_wash_cases_may_go_to_the_monetary_authority(driver: Any, alert: Any) -> None:
    state = _opened(driver, alert, AlertType.WASH_TRADING)
    driver.ok(state, ShareCase("case-1", Agency.MONETARY_AUTHORITY, "value transfer"))


def test_every_read_is_journaled_and_refusals_are_too(driver: Any, alert: Any) -> None:
    state = _opened(driver, alert)
    read = RecordAccess("case-1", Agency.SURVEILLANCE, "inv-7", "review evidence")
    (event,) = driver.ok(state, read)
    assert event.seq == driver.seq
    driver.ok(
        state, RecordAccess("case-1", Agency.REGULATOR, "officer-2", "supervision"), "regulator"
    )
    # The regulator records its own reads only.
    assert (
        driver.code(state, RecordAccess("case-1", Agency.POLICE, "pc-1", "x"), "regulator")
        == R.WRONG_SUBMITTER
    )
    # An agency the case is not shared with is refused: the refusal is an outcome on record.
    police = RecordAccess("case-1", Agency.POLICE, "pc-1", "curious")
    assert not may_access(state, "case-1", Agency.POLICE)
    assert driver.code(state, police) == R.ACCESS_DENIED
    driver.ok(state, ShareCase("case-1", Agency.SECURITIES_REGULATOR, "misconduct"))
    driver.ok(state, RecordAccess("case-1", Agency.SECURITIES_REGULATOR, "analyst", "review"))
    record = case(state, "case-1")
    assert record is not None
    assert [a.agency for a in record.accesses] == [
        Agency.SURVEILLANCE,
        Agency.REGULATOR,
        Agency.SECURITIES_REGULATOR,
    ]
    assert driver.code(state, RecordAccess("case-9", Agency.SURVEILLANCE, "a", "b")) == (
        R.UNKNOWN_CASE
    )
    assert driver.code(state, RecordAccess("case-1", "press", "a", "b")) == R.INVALID_AGENCY  # type: ignore[arg-type]
    assert driver.code(state, RecordAccess("case-1", Agency.SURVEILLANCE, "", "b")) == (
        R.REASON_REQUIRED
    )


def test_closing_is_final_but_reads_go_on(driver: Any, alert: Any) -> None:
    state = _opened(driver, alert)
    driver.ok(state, ShareCase("case-1", Agency.SECURITIES_REGULATOR, "misconduct"))
    assert driver.code(state, CloseCase("case-1", "shrug", "r")) == R.INVALID_OUTCOME  # type: ignore[arg-type]
    driver.ok(state, CloseCase("case-1", CaseOutcome.ENFORCEMENT, "handed to enforcement"))
    record = case(state, "case-1")
    assert record is not None and record.status is CaseStatus.CLOSED
    assert record.outcome is CaseOutcome.ENFORCEMENT
    for command in (
        CloseCase("case-1", CaseOutcome.NO_ACTION, "again"),
        AttachAlert("case-1", "second-1"),
        ShareCase("case-1", Agency.SECURITIES_REGULATOR, "r"),
    ):
        assert driver.code(state, command) == R.CASE_CLOSED
    assert driver.code(state, AttachWarrant("case-1", "w-9", P1), "regulator") == R.CASE_CLOSED
    driver.ok(state, RecordAccess("case-1", Agency.SURVEILLANCE, "auditor", "annual review"))
    # A closed case is shared no further, but a share can still be withdrawn.
    assert driver.code(state, ShareCase("case-1", Agency.SECURITIES_REGULATOR, "r")) == (
        R.CASE_CLOSED
    )
    assert driver.code(state, RevokeShare("case-1", Agency.POLICE, "r")) == R.NOT_SHARED
    driver.ok(state, RevokeShare("case-1", Agency.SECURITIES_REGULATOR, "matter concluded"))
    assert not may_access(state, "case-1", Agency.SECURITIES_REGULATOR)
    # The alerts stay whatever the case's outcome.
    assert len(alerts(state)) == 2


def test_decide_is_pure(driver: Any, alert: Any) -> None:
    from seawall.surveillance import state_hash

    state = _opened(driver, alert)
    before = state_hash(state)
    ctx = Context(seq=10_000, timestamp_ns=2**61, submitter="surveillance")
    for command in (
        alert(alert_id="fresh"),
        ShareCase("case-1", Agency.SECURITIES_REGULATOR, "r"),
        RecordAccess("case-1", Agency.SURVEILLANCE, "a", "b"),
        CloseCase("case-1", CaseOutcome.NO_ACTION, "r"),
    ):
        outcome = decide(state, command, ctx)
        assert not isinstance(outcome, Rejection)
    assert state_hash(state) == before


def test_evolve_asserts_instead_of_validating(driver: Any, alert: Any) -> None:
    state = SurveillanceState()
    (event,) = driver.ok(state, alert())
    with pytest.raises(InvariantViolation):
        evolve(state, event)
    with pytest.raises(InvariantViolation):
        decide(state, object(), driver.ctx())  # type: ignore[arg-type]
