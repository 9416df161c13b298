"""Surveillance's state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore``, and the read helpers (``alert``, ``alerts``,
``alert_counts``, ``case``, ``cases``, ``may_share``, ``may_access``).

``decide`` first checks who submitted the command (WRONG_SUBMITTER), then the command's fields
in the order they are declared, and returns the first rejection that applies. Free text (a
reason, investigator, analyst, author, note, accessor or purpose) is checked in this order: a
string (INVALID_TEXT), not blank (REASON_REQUIRED), within ``surveillance_text_length_max``
(a note: ``surveillance_note_length_max``; TEXT_TOO_LONG), one line without control
characters, no leading or trailing blanks (INVALID_TEXT).

The case desk (``OpenCase``, ``AttachAlert``, ``AssignCase``, ``EscalateCase``, ``AddNote``,
``CloseCase``) takes commands from ``surveillance`` or ``regulator``.

* ``RaiseAlert`` (``surveillance``): alert id (INVALID_ID, DUPLICATE_ALERT), alert type
  (INVALID_ALERT_TYPE), detector (INVALID_DETECTOR), version (INVALID_DETECTOR_VERSION),
  parameters (INVALID_PARAMETERS), seq range (INVALID_SEQ_RANGE: ``1 <= seq_from <= seq_to``
  and ``seq_to`` below the alert's own seq), observed time (INVALID_TIMESTAMP: positive, not
  after the alert's own time), symbol (INVALID_SYMBOL), subjects (INVALID_SUBJECTS), evidence
  (INVALID_EVIDENCE), room (REGISTER_FULL).
* ``OpenCase`` (the desk): case id (INVALID_ID, DUPLICATE_CASE), alert ids (1 to
  ``surveillance_case_alerts_max``, distinct: INVALID_ID; each raised: UNKNOWN_ALERT),
  investigator, reason, room (REGISTER_FULL).
* ``AttachAlert`` (the desk): the case (INVALID_ID, UNKNOWN_CASE, CASE_CLOSED), the
  alert (INVALID_ID, UNKNOWN_ALERT, ALERT_ALREADY_IN_CASE), room (REGISTER_FULL).
* ``ShareCase`` (``surveillance``): the case, the agency (INVALID_AGENCY unless an outside
  agency), reason, ALREADY_SHARED, the policy (SHARING_NOT_PERMITTED), room (REGISTER_FULL).
* ``RevokeShare`` (``surveillance``): the case (INVALID_ID, UNKNOWN_CASE; a closed case's
  shares can still be withdrawn), the agency, reason, NOT_SHARED, room.
* ``RecordAccess`` (``surveillance``; ``regulator`` for agency ``regulator`` only): the case
  (INVALID_ID, UNKNOWN_CASE; a closed case may be read), the agency (INVALID_AGENCY), accessor,
  purpose, the right to read (ACCESS_DENIED), room (REGISTER_FULL).
* ``AttachWarrant`` (``regulator``): the case (INVALID_ID, UNKNOWN_CASE, CASE_CLOSED), warrant
  id (INVALID_ID, DUPLICATE_WARRANT), subject (UNKNOWN_SUBJECT), room (REGISTER_FULL).
* ``AssignCase`` (the desk): the case (INVALID_ID, UNKNOWN_CASE, CASE_CLOSED), analyst,
  reason, ALREADY_ASSIGNED (the analyst leads it already), room (REGISTER_FULL).
* ``EscalateCase`` (the desk): the case (INVALID_ID, UNKNOWN_CASE, CASE_CLOSED),
  ALREADY_ESCALATED, reason.
* ``AddNote`` (the desk): the case (INVALID_ID, UNKNOWN_CASE, CASE_CLOSED), author, note, room
  (REGISTER_FULL).
* ``CloseCase`` (the desk): the case (INVALID_ID, UNKNOWN_CASE, CASE_CLOSED), outcome
  (INVALID_OUTCOME), reason.

"The case" is INVALID_ID for a malformed id, then UNKNOWN_CASE.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

from seawall.core import limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import check_id
from seawall.core.machine import Context, Rejection, reject
from seawall.surveillance.commands import (
    AddNote,
    AssignCase,
    AttachAlert,
    AttachWarrant,
    CloseCase,
    EscalateCase,
    OpenCase,
    RaiseAlert,
    RecordAccess,
    RevokeShare,
    ShareCase,
    SurveillanceCommand,
)
from seawall.surveillance.events import (
    AlertAttached,
    AlertRaised,
    CaseAccessed,
    CaseAssigned,
    CaseClosed,
    CaseEscalated,
    CaseOpened,
    CaseShared,
    NoteAdded,
    ShareRevoked,
    SurveillanceEvent,
    WarrantAttached,
)
from seawall.surveillance.rejections import SurveillanceRejection as R
from seawall.surveillance.state import (
    ALERT_TYPES_FOR_MONETARY_AUTHORITY,
    CASE_TRANSITIONS,
    EXTERNAL_AGENCIES,
    STATE_HASH_DOMAIN,
    AccessRecord,
    Agency,
    AlertRecord,
    AlertType,
    Assignment,
    Case,
    CaseNote,
    CaseOutcome,
    CaseRecord,
    CaseStatus,
    Escalation,
    ShareChange,
    SurveillanceSnapshot,
    SurveillanceState,
    WarrantLink,
    surveillance_alert_id_length_max,
    surveillance_alerts_max,
    surveillance_case_accesses_max,
    surveillance_case_alerts_max,
    surveillance_case_assignments_max,
    surveillance_case_id_length_max,
    surveillance_case_notes_max,
    surveillance_case_shares_max,
    surveillance_case_warrants_max,
    surveillance_cases_max,
    surveillance_detector_length_max,
    surveillance_detector_version_max,
    surveillance_evidence_list_max,
    surveillance_evidence_max,
    surveillance_key_length_max,
    surveillance_note_length_max,
    surveillance_parameters_max,
    surveillance_subjects_max,
    surveillance_text_length_max,
    surveillance_value_length_max,
)

__all__ = [
    "REGULATOR_SUBMITTER",
    "STATE_HASH_DOMAIN",
    "SURVEILLANCE_SUBMITTER",
    "alert",
    "alert_counts",
    "alerts",
    "canonical",
    "case",
    "cases",
    "check_invariants",
    "decide",
    "evolve",
    "is_pseudonym",
    "may_access",
    "may_share",
    "new_state",
    "restore",
    "snapshot",
    "state_hash",
]

#: The submitter of alerts, shares and every case command but ``AttachWarrant``.
SURVEILLANCE_SUBMITTER: Final = "surveillance"
#: The submitter of ``AttachWarrant``, of the case desk's commands from its console, and of
#: ``RecordAccess`` for its own reads.
REGULATOR_SUBMITTER: Final = "regulator"
#: Who may work a case (open, attach, assign, escalate, note, close).
_CASE_DESK: Final = (SURVEILLANCE_SUBMITTER, REGULATOR_SUBMITTER)

#: A public pseudonym (``kernel.projection``): ``p`` + 24 lower-case hex digits.
_PSEUDONYM: Final = re.compile(r"p[0-9a-f]{24}")
#: A detector's name: dotted lower-case words (``wash.self_trade``).
_DETECTOR: Final = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
#: Keys of parameters and evidence: lower-case words.
_KEY: Final = re.compile(r"[a-z][a-z0-9_]*")
#: Market symbols as the venue lists them.
_SYMBOL: Final = re.compile(r"[A-Z0-9][A-Z0-9._\-]*")
#: C0 and C1 control characters (a newline included: every text is one line).
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INT64: Final = 2**63 - 1
_ALERT_TYPES: Final = frozenset(str(each) for each in AlertType)
_AGENCIES: Final = frozenset(str(each) for each in Agency)
_EXTERNAL: Final = frozenset(str(each) for each in EXTERNAL_AGENCIES)
_OUTCOMES: Final = frozenset(str(each) for each in CaseOutcome)
_MONETARY_TYPES: Final = frozenset(str(each) for each in ALERT_TYPES_FOR_MONETARY_AUTHORITY)


def new_state() -> SurveillanceState:
    """An empty alert register and case register."""
    return SurveillanceState()


def is_pseudonym(value: object) -> bool:
    """Whether ``value`` is a public pseudonym (``p`` + 24 hex digits)."""
    return isinstance(value, str) and _PSEUDONYM.fullmatch(value) is not None


# --- decide ---------------------------------------------------------------------------------


def decide(
    state: SurveillanceState, command: SurveillanceCommand, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, RaiseAlert):
        return _wrong_submitter(ctx, command) or _decide_alert(state, command, ctx)
    if isinstance(command, OpenCase):
        return _wrong_submitter(ctx, command, *_CASE_DESK) or _decide_open(state, command, ctx)
    if isinstance(command, AttachAlert):
        return _wrong_submitter(ctx, command, *_CASE_DESK) or _decide_attach_alert(
            state, command, ctx
        )
    if isinstance(command, AssignCase):
        return _wrong_submitter(ctx, command, *_CASE_DESK) or _decide_assign(state, command, ctx)
    if isinstance(command, EscalateCase):
        return _wrong_submitter(ctx, command, *_CASE_DESK) or _decide_escalate(state, command, ctx)
    if isinstance(command, AddNote):
        return _wrong_submitter(ctx, command, *_CASE_DESK) or _decide_note(state, command, ctx)
    if isinstance(command, ShareCase | RevokeShare):
        return _wrong_submitter(ctx, command) or _decide_share(state, command, ctx)
    if isinstance(command, RecordAccess):
        return _decide_access(state, command, ctx)
    if isinstance(command, AttachWarrant):
        return _wrong_submitter(ctx, command, REGULATOR_SUBMITTER) or _decide_warrant(
            state, command, ctx
        )
    if isinstance(command, CloseCase):
        return _wrong_submitter(ctx, command, *_CASE_DESK) or _decide_close(state, command, ctx)
    raise InvariantViolation(
        f"surveillance.decide given a non-surveillance command {type(command).__name__}"
    )


def _wrong_submitter(ctx: Context, command: object, *expected: str) -> Rejection | None:
    allowed = expected or (SURVEILLANCE_SUBMITTER,)
    if ctx.submitter not in allowed:
        return reject(
            R.WRONG_SUBMITTER,
            f"only {' or '.join(repr(each) for each in allowed)} may submit "
            f"{type(command).__name__}, not {ctx.submitter!r}",
        )
    return None


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _bad_text(
    text: object, what: str, length_max: int = surveillance_text_length_max
) -> Rejection | None:
    if not isinstance(text, str):
        return reject(R.INVALID_TEXT, f"{what} must be a string, got {type(text).__name__}")
    if not text.strip():
        return reject(R.REASON_REQUIRED, f"{what} is required, got {text!r}")
    if len(text) > length_max:
        return reject(R.TEXT_TOO_LONG, f"{what} has {len(text)} characters, over {length_max}")
    if _CONTROL.search(text) is not None:
        return reject(R.INVALID_TEXT, f"{what} contains a control character")
    if text.strip() != text:
        return reject(R.INVALID_TEXT, f"{what} has leading or trailing blanks")
    return None


def _is_int(value: object, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _good_string_value(value: str) -> bool:
    return len(value) <= surveillance_value_length_max and _CONTROL.search(value) is None


def _bad_map(
    mapping: object, what: str, entries_max: int, code: R, lists: bool
) -> Rejection | None:
    if not isinstance(mapping, dict):
        return reject(code, f"{what} must be a map, got {type(mapping).__name__}")
    if len(mapping) > entries_max:
        return reject(code, f"{what} has {len(mapping)} entries, over {entries_max}")
    for key, value in mapping.items():
        if (
            not isinstance(key, str)
            or len(key) > surveillance_key_length_max
            or _KEY.fullmatch(key) is None
        ):
            return reject(code, f"{what} key {key!r} is not a lower-case word")
        if _is_int(value, -_INT64, _INT64) or (
            isinstance(value, str) and _good_string_value(value)
        ):
            continue
        if (
            lists
            and isinstance(value, tuple | list)
            and len(value) <= surveillance_evidence_list_max
            and all(_is_int(item, -_INT64, _INT64) for item in value)
        ):
            continue
        return reject(code, f"{what} {key!r} has a value that is not allowed: {value!r}")
    return None


def _decide_alert(
    state: SurveillanceState, command: RaiseAlert, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    rejection = _bad_id(command.alert_id, "alert id", surveillance_alert_id_length_max)
    if rejection is not None:
        return rejection
    if command.alert_id in state.alerts:
        return reject(R.DUPLICATE_ALERT, f"alert {command.alert_id!r} was already raised")
    if not isinstance(command.alert_type, str) or command.alert_type not in _ALERT_TYPES:
        return reject(R.INVALID_ALERT_TYPE, f"{command.alert_type!r} is not an AlertType")
    detector = command.detector
    if (
        not isinstance(detector, str)
        or not 0 < len(detector) <= surveillance_detector_length_max
        or _DETECTOR.fullmatch(detector) is None
    ):
        return reject(R.INVALID_DETECTOR, f"detector {detector!r} is not dotted lower-case words")
    if not _is_int(command.detector_version, 1, surveillance_detector_version_max):
        return reject(
            R.INVALID_DETECTOR_VERSION,
            f"detector version must be an integer in 1..{surveillance_detector_version_max}, "
            f"got {command.detector_version!r}",
        )
    rejection = _bad_map(
        command.parameters,
        "parameters",
        surveillance_parameters_max,
        R.INVALID_PARAMETERS,
        lists=False,
    )
    if rejection is not None:
        return rejection
    seq_from, seq_to = command.seq_from, command.seq_to
    if (
        not _is_int(seq_from, 1, _INT64)
        or not _is_int(seq_to, 1, _INT64)
        or not seq_from <= seq_to < ctx.seq
    ):
        return reject(
            R.INVALID_SEQ_RANGE,
            f"input range {seq_from!r}..{seq_to!r} must satisfy 1 <= from <= to < {ctx.seq}",
        )
    if not _is_int(command.observed_ns, 1, ctx.timestamp_ns):
        return reject(
            R.INVALID_TIMESTAMP,
            f"observed_ns {command.observed_ns!r} must be in 1..{ctx.timestamp_ns}",
        )
    symbol = command.symbol
    if not isinstance(symbol, str) or (
        symbol != ""
        and (len(symbol) > limits.venue_symbol_length_max or _SYMBOL.fullmatch(symbol) is None)
    ):
        return reject(R.INVALID_SYMBOL, f"symbol {symbol!r} is not a venue symbol")
    subjects = command.subjects
    if (
        not isinstance(subjects, tuple | list)
        or not 0 < len(subjects) <= surveillance_subjects_max
        or not all(is_pseudonym(subject) for subject in subjects)
        or any(a >= b for a, b in itertools.pairwise(subjects))
    ):
        return reject(
            R.INVALID_SUBJECTS,
            f"subjects must be 1..{surveillance_subjects_max} pseudonyms, sorted and distinct, "
            f"got {subjects!r}",
        )
    rejection = _bad_map(
        command.evidence, "evidence", surveillance_evidence_max, R.INVALID_EVIDENCE, lists=True
    )
    if rejection is not None:
        return rejection
    if len(state.alerts) >= surveillance_alerts_max:
        return reject(R.REGISTER_FULL, f"surveillance_alerts_max {surveillance_alerts_max}")
    return [
        AlertRaised(
            alert_id=command.alert_id,
            alert_type=AlertType(command.alert_type),
            detector=detector,
            detector_version=command.detector_version,
            parameters=dict(command.parameters),
            seq_from=seq_from,
            seq_to=seq_to,
            observed_ns=command.observed_ns,
            symbol=symbol,
            subjects=tuple(subjects),
            evidence={
                key: tuple(value) if isinstance(value, list) else value
                for key, value in command.evidence.items()
            },
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _find_case(state: SurveillanceState, case_id: object) -> Case | Rejection:
    rejection = _bad_id(case_id, "case id", surveillance_case_id_length_max)
    if rejection is not None:
        return rejection
    assert isinstance(case_id, str)
    found = state.cases.get(case_id)
    if found is None:
        return reject(R.UNKNOWN_CASE, f"case {case_id!r} was never opened")
    return found


def _find_open_case(state: SurveillanceState, case_id: object) -> Case | Rejection:
    """The case, if it is not closed (open or escalated: both are worked)."""
    found = _find_case(state, case_id)
    if isinstance(found, Case) and found.status is CaseStatus.CLOSED:
        return reject(R.CASE_CLOSED, f"case {case_id!r} is closed")
    return found


def _find_alert(state: SurveillanceState, alert_id: object) -> AlertRecord | Rejection:
    rejection = _bad_id(alert_id, "alert id", surveillance_alert_id_length_max)
    if rejection is not None:
        return rejection
    assert isinstance(alert_id, str)
    found = state.alerts.get(alert_id)
    if found is None:
        return reject(R.UNKNOWN_ALERT, f"alert {alert_id!r} was never raised")
    return found


def _subjects_with(state: SurveillanceState, base: list[str], alert_ids: list[str]) -> list[str]:
    merged = set(base)
    for alert_id in alert_ids:
        merged.update(state.alerts[alert_id].subjects)
    return sorted(merged)


def _decide_open(
    state: SurveillanceState, command: OpenCase, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    rejection = _bad_id(command.case_id, "case id", surveillance_case_id_length_max)
    if rejection is not None:
        return rejection
    if command.case_id in state.cases:
        return reject(R.DUPLICATE_CASE, f"case {command.case_id!r} was already opened")
    alert_ids = command.alert_ids
    if (
        not isinstance(alert_ids, tuple | list)
        or not 0 < len(alert_ids) <= surveillance_case_alerts_max
        or len(set(alert_ids)) != len(alert_ids)
    ):
        return reject(
            R.INVALID_ID,
            f"a case opens on 1..{surveillance_case_alerts_max} distinct alerts",
        )
    for alert_id in alert_ids:
        found = _find_alert(state, alert_id)
        if isinstance(found, Rejection):
            return found
    rejection = _bad_text(command.investigator, "investigator") or _bad_text(
        command.reason, "reason"
    )
    if rejection is not None:
        return rejection
    if len(state.cases) >= surveillance_cases_max:
        return reject(R.REGISTER_FULL, f"surveillance_cases_max {surveillance_cases_max}")
    return [
        CaseOpened(
            case_id=command.case_id,
            alert_ids=tuple(alert_ids),
            subjects=tuple(_subjects_with(state, [], list(alert_ids))),
            investigator=command.investigator,
            reason=command.reason,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_attach_alert(
    state: SurveillanceState, command: AttachAlert, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    alert_ = _find_alert(state, command.alert_id)
    if isinstance(alert_, Rejection):
        return alert_
    if command.alert_id in found.alert_ids:
        return reject(
            R.ALERT_ALREADY_IN_CASE,
            f"alert {command.alert_id!r} is already in case {command.case_id!r}",
        )
    if len(found.alert_ids) >= surveillance_case_alerts_max:
        return reject(
            R.REGISTER_FULL, f"surveillance_case_alerts_max {surveillance_case_alerts_max}"
        )
    return [
        AlertAttached(
            case_id=command.case_id,
            alert_id=command.alert_id,
            subjects=tuple(_subjects_with(state, found.subjects, [command.alert_id])),
            seq=ctx.seq,
        )
    ]


def _bad_agency(agency: object, external: bool) -> Rejection | None:
    allowed = _EXTERNAL if external else _AGENCIES
    if not isinstance(agency, str) or agency not in allowed:
        return reject(
            R.INVALID_AGENCY,
            f"agency {agency!r} is not one of {', '.join(sorted(allowed))}",
        )
    return None


def may_share(state: SurveillanceState, case_id: str, agency: Agency) -> bool:
    """Whether the sharing policy (``state.SHARING_POLICY``) lets case ``case_id`` go to the
    outside agency ``agency`` now."""
    found = state.cases.get(case_id)
    if found is None or agency not in _EXTERNAL:
        return False
    return _policy_allows(found, str(agency))


def _policy_allows(found: Case, agency: str) -> bool:
    if agency == Agency.SECURITIES_REGULATOR:
        return True
    if agency == Agency.MONETARY_AUTHORITY:
        return bool(found.alert_types & _MONETARY_TYPES)
    if agency == Agency.POLICE:
        return bool(found.warrants)
    return False


def _decide_share(
    state: SurveillanceState, command: ShareCase | RevokeShare, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    # A closed case is shared no further, but a share can always be withdrawn.
    if isinstance(command, RevokeShare):
        found = _find_case(state, command.case_id)
    else:
        found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    rejection = _bad_agency(command.agency, external=True) or _bad_text(command.reason, "reason")
    if rejection is not None:
        return rejection
    agency = str(command.agency)
    if isinstance(command, RevokeShare):
        if agency not in found.shares:
            return reject(R.NOT_SHARED, f"case {command.case_id!r} is not shared with {agency}")
    else:
        if agency in found.shares:
            return reject(
                R.ALREADY_SHARED, f"case {command.case_id!r} is already shared with {agency}"
            )
        if not _policy_allows(found, agency):
            return reject(
                R.SHARING_NOT_PERMITTED,
                f"the sharing policy does not let case {command.case_id!r} go to {agency}",
            )
    if len(found.shares_history) >= surveillance_case_shares_max:
        return reject(
            R.REGISTER_FULL, f"surveillance_case_shares_max {surveillance_case_shares_max}"
        )
    event_type = ShareRevoked if isinstance(command, RevokeShare) else CaseShared
    return [
        event_type(
            case_id=command.case_id,
            agency=Agency(agency),
            reason=command.reason,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def may_access(state: SurveillanceState, case_id: str, agency: Agency) -> bool:
    """Whether ``agency`` may read case ``case_id``: surveillance and the regulator always, an
    outside agency while the case is shared with it."""
    found = state.cases.get(case_id)
    if found is None:
        return False
    return agency in (Agency.SURVEILLANCE, Agency.REGULATOR) or agency in found.shares


def _decide_access(
    state: SurveillanceState, command: RecordAccess, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    if ctx.submitter == REGULATOR_SUBMITTER:
        if command.agency != Agency.REGULATOR:
            return reject(
                R.WRONG_SUBMITTER,
                f"the regulator records its own reads, not {command.agency!r}'s",
            )
    else:
        rejection = _wrong_submitter(ctx, command)
        if rejection is not None:
            return rejection
    found = _find_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    rejection = (
        _bad_agency(command.agency, external=False)
        or _bad_text(command.accessor, "accessor")
        or _bad_text(command.purpose, "purpose")
    )
    if rejection is not None:
        return rejection
    if not may_access(state, command.case_id, Agency(command.agency)):
        return reject(
            R.ACCESS_DENIED,
            f"{command.agency} may not read case {command.case_id!r}: it is not shared with it",
        )
    if len(found.accesses) >= surveillance_case_accesses_max:
        return reject(
            R.REGISTER_FULL, f"surveillance_case_accesses_max {surveillance_case_accesses_max}"
        )
    return [
        CaseAccessed(
            case_id=command.case_id,
            agency=Agency(command.agency),
            accessor=command.accessor,
            purpose=command.purpose,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_warrant(
    state: SurveillanceState, command: AttachWarrant, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    rejection = _bad_id(command.warrant_id, "warrant id", limits.regulator_warrant_id_length_max)
    if rejection is not None:
        return rejection
    if any(link.warrant_id == command.warrant_id for link in found.warrants):
        return reject(
            R.DUPLICATE_WARRANT,
            f"warrant {command.warrant_id!r} is already linked to case {command.case_id!r}",
        )
    if not isinstance(command.subject, str) or command.subject not in found.subjects:
        return reject(
            R.UNKNOWN_SUBJECT,
            f"{command.subject!r} is not a subject of case {command.case_id!r}",
        )
    if len(found.warrants) >= surveillance_case_warrants_max:
        return reject(
            R.REGISTER_FULL, f"surveillance_case_warrants_max {surveillance_case_warrants_max}"
        )
    return [
        WarrantAttached(
            case_id=command.case_id,
            warrant_id=command.warrant_id,
            subject=command.subject,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_close(
    state: SurveillanceState, command: CloseCase, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    if not isinstance(command.outcome, str) or command.outcome not in _OUTCOMES:
        return reject(R.INVALID_OUTCOME, f"{command.outcome!r} is not a CaseOutcome")
    rejection = _bad_text(command.reason, "reason")
    if rejection is not None:
        return rejection
    return [
        CaseClosed(
            case_id=command.case_id,
            outcome=CaseOutcome(command.outcome),
            reason=command.reason,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_assign(
    state: SurveillanceState, command: AssignCase, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    rejection = _bad_text(command.analyst, "analyst") or _bad_text(command.reason, "reason")
    if rejection is not None:
        return rejection
    if command.analyst == found.assignee:
        return reject(
            R.ALREADY_ASSIGNED,
            f"case {command.case_id!r} is already led by {command.analyst!r}",
        )
    if len(found.assignments) >= surveillance_case_assignments_max:
        return reject(
            R.REGISTER_FULL,
            f"surveillance_case_assignments_max {surveillance_case_assignments_max}",
        )
    return [
        CaseAssigned(
            case_id=command.case_id,
            analyst=command.analyst,
            reason=command.reason,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_escalate(
    state: SurveillanceState, command: EscalateCase, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    if CaseStatus.ESCALATED not in CASE_TRANSITIONS[found.status]:
        return reject(
            R.ALREADY_ESCALATED,
            f"case {command.case_id!r} was escalated at seq "
            f"{found.escalation.seq if found.escalation else 0}",
        )
    rejection = _bad_text(command.reason, "reason")
    if rejection is not None:
        return rejection
    return [
        CaseEscalated(
            case_id=command.case_id,
            reason=command.reason,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_note(
    state: SurveillanceState, command: AddNote, ctx: Context
) -> list[SurveillanceEvent] | Rejection:
    found = _find_open_case(state, command.case_id)
    if isinstance(found, Rejection):
        return found
    rejection = _bad_text(command.author, "author") or _bad_text(
        command.note, "note", surveillance_note_length_max
    )
    if rejection is not None:
        return rejection
    if len(found.notes) >= surveillance_case_notes_max:
        return reject(R.REGISTER_FULL, f"surveillance_case_notes_max {surveillance_case_notes_max}")
    return [
        NoteAdded(
            case_id=command.case_id,
            author=command.author,
            note=command.note,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


# --- evolve ---------------------------------------------------------------------------------


def evolve(state: SurveillanceState, event: SurveillanceEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    if isinstance(event, AlertRaised):
        invariant(event.alert_id not in state.alerts, "AlertRaised twice")
        state.alerts[event.alert_id] = _alert_record(event)
        kind = str(event.alert_type)
        state.alert_counts[kind] = state.alert_counts.get(kind, 0) + 1
    elif isinstance(event, CaseOpened):
        invariant(event.case_id not in state.cases, "CaseOpened twice")
        opened = Case(event.investigator, event.reason, event.seq, event.timestamp_ns)
        for alert_id in event.alert_ids:
            _attach(state, opened, alert_id)
        invariant(opened.subjects == list(event.subjects), "CaseOpened subjects differ")
        state.cases[event.case_id] = opened
    elif isinstance(event, AlertAttached):
        found = _open_case(state, event.case_id)
        invariant(event.alert_id not in found.alert_ids, "AlertAttached twice")
        _attach(state, found, event.alert_id)
        invariant(found.subjects == list(event.subjects), "AlertAttached subjects differ")
    elif isinstance(event, CaseShared | ShareRevoked):
        shared = isinstance(event, CaseShared)
        found = _open_case(state, event.case_id) if shared else _case(state, event.case_id)
        agency = str(event.agency)
        invariant((agency in found.shares) != shared, "a share changed to what it was")
        found.shares_history.append(
            ShareChange(event.agency, shared, event.reason, event.seq, event.timestamp_ns)
        )
        if shared:
            found.shares[agency] = event.seq
        else:
            del found.shares[agency]
    elif isinstance(event, CaseAccessed):
        found = _case(state, event.case_id)
        found.accesses.append(
            AccessRecord(event.agency, event.accessor, event.purpose, event.seq, event.timestamp_ns)
        )
    elif isinstance(event, WarrantAttached):
        found = _open_case(state, event.case_id)
        invariant(event.subject in found.subjects, "WarrantAttached for a non-subject")
        found.warrants.append(
            WarrantLink(event.warrant_id, event.subject, event.seq, event.timestamp_ns)
        )
    elif isinstance(event, CaseAssigned):
        found = _open_case(state, event.case_id)
        invariant(event.analyst != found.assignee, "CaseAssigned to the analyst leading it")
        found.assignments.append(
            Assignment(event.analyst, event.reason, event.seq, event.timestamp_ns)
        )
    elif isinstance(event, CaseEscalated):
        found = _open_case(state, event.case_id)
        invariant(found.status is CaseStatus.OPEN, "CaseEscalated twice")
        found.status = CaseStatus.ESCALATED
        found.escalation = Escalation(event.reason, event.seq, event.timestamp_ns)
    elif isinstance(event, NoteAdded):
        found = _open_case(state, event.case_id)
        found.notes.append(CaseNote(event.author, event.note, event.seq, event.timestamp_ns))
    elif isinstance(event, CaseClosed):
        found = _open_case(state, event.case_id)
        found.status = CaseStatus.CLOSED
        found.outcome = event.outcome
        found.close_reason = event.reason
        found.closed_seq = event.seq
        found.closed_timestamp_ns = event.timestamp_ns
    else:
        raise InvariantViolation(
            f"surveillance.evolve given a non-surveillance event {type(event).__name__}"
        )


def _case(state: SurveillanceState, case_id: str) -> Case:
    found = state.cases.get(case_id)
    if found is None:
        raise InvariantViolation(f"an event for case {case_id!r}, which was never opened")
    return found


def _open_case(state: SurveillanceState, case_id: str) -> Case:
    found = _case(state, case_id)
    invariant(found.status is not CaseStatus.CLOSED, "an event changing a closed case")
    return found


def _attach(state: SurveillanceState, found: Case, alert_id: str) -> None:
    record = state.alerts.get(alert_id)
    if record is None:
        raise InvariantViolation(f"alert {alert_id!r} attached but never raised")
    found.alert_ids.append(alert_id)
    found.alert_types.add(str(record.alert_type))
    found.subjects = sorted(set(found.subjects).union(record.subjects))


def _alert_record(event: AlertRaised) -> AlertRecord:
    return AlertRecord(
        alert_id=event.alert_id,
        alert_type=event.alert_type,
        detector=event.detector,
        detector_version=event.detector_version,
        parameters=event.parameters,
        seq_from=event.seq_from,
        seq_to=event.seq_to,
        observed_ns=event.observed_ns,
        symbol=event.symbol,
        subjects=event.subjects,
        evidence=event.evidence,
        seq=event.seq,
        timestamp_ns=event.timestamp_ns,
    )


# --- reading --------------------------------------------------------------------------------


def alert(state: SurveillanceState, alert_id: str) -> AlertRecord | None:
    """The alert ``alert_id``, or ``None``."""
    return state.alerts.get(alert_id)


def alerts(
    state: SurveillanceState, alert_type: AlertType | None = None
) -> tuple[AlertRecord, ...]:
    """Every alert in journal order, or only those of ``alert_type``."""
    if alert_type is None:
        return tuple(state.alerts.values())
    return tuple(each for each in state.alerts.values() if each.alert_type == alert_type)


def alert_counts(state: SurveillanceState) -> dict[str, int]:
    """How many alerts of each type were raised (every type listed, sorted)."""
    return {str(kind): state.alert_counts.get(str(kind), 0) for kind in sorted(AlertType)}


def _case_record(case_id: str, found: Case) -> CaseRecord:
    return CaseRecord(
        case_id=case_id,
        status=found.status,
        investigator=found.investigator,
        reason=found.reason,
        opened_seq=found.opened_seq,
        opened_timestamp_ns=found.opened_timestamp_ns,
        alert_ids=tuple(found.alert_ids),
        subjects=tuple(found.subjects),
        shared_with=tuple(Agency(agency) for agency in sorted(found.shares)),
        shares_history=tuple(found.shares_history),
        warrants=tuple(found.warrants),
        accesses=tuple(found.accesses),
        outcome=found.outcome,
        close_reason=found.close_reason,
        closed_seq=found.closed_seq,
        assignments=tuple(found.assignments),
        escalation=found.escalation,
        notes=tuple(found.notes),
        closed_timestamp_ns=found.closed_timestamp_ns,
    )


def case(state: SurveillanceState, case_id: str) -> CaseRecord | None:
    """Case ``case_id`` (read it only after journaling a ``RecordAccess``), or ``None``."""
    found = state.cases.get(case_id)
    return None if found is None else _case_record(case_id, found)


def cases(state: SurveillanceState) -> tuple[CaseRecord, ...]:
    """Every case, sorted by case id."""
    return tuple(_case_record(case_id, found) for case_id, found in sorted(state.cases.items()))


# --- hashing, snapshots, invariants ---------------------------------------------------------


def canonical(state: SurveillanceState) -> SurveillanceSnapshot:
    """The state in canonical form: alerts in journal order, cases sorted by id."""
    return SurveillanceSnapshot(alerts=tuple(state.alerts.values()), cases=cases(state))


def state_hash(state: SurveillanceState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: SurveillanceState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> SurveillanceState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, SurveillanceSnapshot)
    case_ids = [record.case_id for record in snap.cases]
    if any(a >= b for a, b in itertools.pairwise(case_ids)):
        raise ConditionFailed("surveillance snapshot cases are not sorted and unique")
    state = SurveillanceState()
    for record in snap.alerts:
        if record.alert_id in state.alerts:
            raise ConditionFailed(f"surveillance snapshot raises {record.alert_id!r} twice")
        state.alerts[record.alert_id] = record
        kind = str(record.alert_type)
        state.alert_counts[kind] = state.alert_counts.get(kind, 0) + 1
    for filed in snap.cases:
        restored = Case(
            filed.investigator, filed.reason, filed.opened_seq, filed.opened_timestamp_ns
        )
        for alert_id in filed.alert_ids:
            if alert_id not in state.alerts or alert_id in restored.alert_ids:
                raise ConditionFailed(f"surveillance snapshot case {filed.case_id!r} is corrupt")
            _attach(state, restored, alert_id)
        for change in filed.shares_history:
            if change.shared:
                restored.shares[str(change.agency)] = change.seq
            else:
                restored.shares.pop(str(change.agency), None)
        restored.shares_history = list(filed.shares_history)
        restored.warrants = list(filed.warrants)
        restored.accesses = list(filed.accesses)
        restored.assignments = list(filed.assignments)
        restored.escalation = filed.escalation
        restored.notes = list(filed.notes)
        restored.status = filed.status
        restored.outcome = filed.outcome
        restored.close_reason = filed.close_reason
        restored.closed_seq = filed.closed_seq
        restored.closed_timestamp_ns = filed.closed_timestamp_ns
        if list(filed.subjects) != restored.subjects or tuple(sorted(restored.shares)) != tuple(
            str(a) for a in filed.shared_with
        ):
            raise ConditionFailed(f"surveillance snapshot case {filed.case_id!r} is corrupt")
        state.cases[filed.case_id] = restored
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"surveillance snapshot is inconsistent: {violation}")
    return state


def check_invariants(state: SurveillanceState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


def _find_violation(state: SurveillanceState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``: registers within their bounds; each
    alert well formed, its input range before its own seq, in journal order, counted once;
    each case's alerts raised, its subjects their union, its shares a walk of its history
    allowed by the policy, its warrants about its subjects, each assignment a change of analyst,
    its steps after its opening and in journal order, escalated cases with their escalation,
    closed cases with an outcome."""
    return _alert_violation(state) or _case_violation(state)


def _alert_violation(state: SurveillanceState) -> str | None:
    if len(state.alerts) > surveillance_alerts_max:
        return f"{len(state.alerts)} alerts, over surveillance_alerts_max"
    counts: dict[str, int] = {}
    previous_seq = 0
    for alert_id, record in state.alerts.items():
        if record.alert_id != alert_id:
            return f"alert {alert_id!r} is filed as {record.alert_id!r}"
        if not previous_seq < record.seq:
            return f"alert {alert_id!r} is out of journal order"
        previous_seq = record.seq
        if not 1 <= record.seq_from <= record.seq_to < record.seq:
            return f"alert {alert_id!r} reads seqs {record.seq_from}..{record.seq_to}"
        if record.alert_type not in _ALERT_TYPES:
            return f"alert {alert_id!r} has type {record.alert_type!r}"
        if not record.subjects or not all(is_pseudonym(s) for s in record.subjects):
            return f"alert {alert_id!r} has malformed subjects"
        if any(a >= b for a, b in itertools.pairwise(record.subjects)):
            return f"alert {alert_id!r} subjects are not sorted and distinct"
        counts[str(record.alert_type)] = counts.get(str(record.alert_type), 0) + 1
    if counts != state.alert_counts:
        return "the alert counts do not match the alerts"
    return None


def _case_violation(state: SurveillanceState) -> str | None:
    if len(state.cases) > surveillance_cases_max:
        return f"{len(state.cases)} cases, over surveillance_cases_max"
    for case_id, found in sorted(state.cases.items()):
        violation = _one_case_violation(state, case_id, found)
        if violation is not None:
            return violation
    return None


def _one_case_violation(state: SurveillanceState, case_id: str, found: Case) -> str | None:
    if not found.alert_ids or len(found.alert_ids) > surveillance_case_alerts_max:
        return f"case {case_id!r} has {len(found.alert_ids)} alerts"
    if len(set(found.alert_ids)) != len(found.alert_ids) or any(
        alert_id not in state.alerts for alert_id in found.alert_ids
    ):
        return f"case {case_id!r} names an alert twice or one never raised"
    if found.subjects != _subjects_with(state, [], found.alert_ids):
        return f"case {case_id!r} subjects are not its alerts' subjects"
    if found.alert_types != {str(state.alerts[a].alert_type) for a in found.alert_ids}:
        return f"case {case_id!r} alert types do not match its alerts"
    shares: dict[str, int] = {}
    for change in found.shares_history:
        agency = str(change.agency)
        if agency not in _EXTERNAL or (agency in shares) == change.shared:
            return f"case {case_id!r} share history is not a valid walk"
        if change.shared:
            shares[agency] = change.seq
        else:
            del shares[agency]
    if shares != found.shares or len(found.shares_history) > surveillance_case_shares_max:
        return f"case {case_id!r} shares do not match their history"
    if any(link.subject not in found.subjects for link in found.warrants):
        return f"case {case_id!r} links a warrant about a non-subject"
    if len({link.warrant_id for link in found.warrants}) != len(found.warrants):
        return f"case {case_id!r} links a warrant twice"
    if any(access.agency not in _AGENCIES for access in found.accesses):
        return f"case {case_id!r} records a read by an unknown agency"
    if len(found.accesses) > surveillance_case_accesses_max:
        return f"case {case_id!r} has too many recorded reads"
    return _workflow_violation(case_id, found)


def _workflow_violation(case_id: str, found: Case) -> str | None:
    if found.status not in CASE_TRANSITIONS:
        return f"case {case_id!r} has status {found.status!r}"
    closed = found.status is CaseStatus.CLOSED
    if closed != (found.outcome is not None) or closed != (found.closed_seq > 0):
        return f"case {case_id!r} status and outcome disagree"
    escalated = found.escalation is not None
    if (found.status is CaseStatus.ESCALATED and not escalated) or (
        found.status is CaseStatus.OPEN and escalated
    ):
        return f"case {case_id!r} status and escalation disagree"
    if len(found.assignments) > surveillance_case_assignments_max:
        return f"case {case_id!r} has too many assignments"
    if len(found.notes) > surveillance_case_notes_max:
        return f"case {case_id!r} has too many notes"
    leader = found.investigator
    for assignment in found.assignments:
        if assignment.analyst == leader:
            return f"case {case_id!r} is assigned to the analyst who led it"
        leader = assignment.analyst
    end_seq = found.closed_seq if closed else _INT64
    for steps in (
        [a.seq for a in found.assignments],
        [n.seq for n in found.notes],
        [] if found.escalation is None else [found.escalation.seq],
    ):
        walk = [found.opened_seq, *steps, end_seq]
        if any(a >= b for a, b in itertools.pairwise(walk)):
            return f"case {case_id!r} has a step out of journal order or after its closing"
    return None
