"""Surveillance's state: the alert register and the case files, with the sharing policy and
the limits both obey.

**Alerts** are kept as raised, immutable, in journal order: which detector (name and version)
with which parameters, over which input seq range of the public stream, about which pseudonyms,
on what evidence. Nothing here can edit or withdraw one; a case may be closed with
``no_action``, the alert stays.

**Cases** follow an explicit lifecycle (``CASE_TRANSITIONS``):

==========  ==================  ===================================================================
 status     may become          meaning
==========  ==================  ===================================================================
 open       escalated, closed   analysts work it: alerts attached, assigned, noted, shared,
                                accessed, warrants linked
 escalated  closed              raised to senior review, with a reason (once); worked as an open
                                case until closed
 closed     (final)             an outcome is recorded; it can still be read (each read
                                journaled), and a share can still be withdrawn
==========  ==================  ===================================================================

A case is led by one analyst at a time: the ``investigator`` named when it was opened, then
whoever the latest ``AssignCase`` named (``CaseRecord.assignee``). Notes are appended, never
edited. Every step keeps its journal seq and time, so a case's history is the sorted union of
its records (``CaseRecord.history``).

Investigators see pseudonyms only. The person behind a pseudonym is revealed by the
regulator's warrant (``regulator.IssueWarrant``: reason required, journaled, routed to identity),
which the regulator then links to the case (``AttachWarrant``).

**Sharing** with an outside agency follows ``SHARING_POLICY``:

=======================  =====================================================================
 agency                  may receive a case when
=======================  =====================================================================
 securities_regulator    always: market misconduct is its remit
 monetary_authority      the case holds a wash-trading, operator-trading or front-running alert
                         (value moved between accounts, or misconduct inside a licensed firm)
 police                  a warrant is linked to the case (a criminal referral names a person,
                         and only a warrant may reveal one)
=======================  =====================================================================

``surveillance`` (which keeps the cases) and ``regulator`` (which supervises it) may always read
a case; an outside agency only while the case is shared with it. Every read is a journal entry
(``RecordAccess``); a refused read is journaled as a rejection, so attempts are on the record.

The limits (``*_max``) are here until they move into ``core.limits`` with the others.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import Final

import msgspec

__all__ = [
    "ALERT_TYPES_FOR_MONETARY_AUTHORITY",
    "CASE_TRANSITIONS",
    "EXTERNAL_AGENCIES",
    "SHARING_POLICY",
    "STATE_HASH_DOMAIN",
    "AccessRecord",
    "Agency",
    "AlertRecord",
    "AlertType",
    "Assignment",
    "Case",
    "CaseNote",
    "CaseOutcome",
    "CaseRecord",
    "CaseStatus",
    "CaseStep",
    "Escalation",
    "EvidenceValue",
    "ParameterValue",
    "ShareChange",
    "SurveillanceSnapshot",
    "SurveillanceState",
    "WarrantLink",
    "surveillance_alert_id_length_max",
    "surveillance_alerts_max",
    "surveillance_case_accesses_max",
    "surveillance_case_alerts_max",
    "surveillance_case_assignments_max",
    "surveillance_case_id_length_max",
    "surveillance_case_notes_max",
    "surveillance_case_shares_max",
    "surveillance_case_warrants_max",
    "surveillance_cases_max",
    "surveillance_detector_length_max",
    "surveillance_detector_version_max",
    "surveillance_evidence_list_max",
    "surveillance_evidence_max",
    "surveillance_key_length_max",
    "surveillance_note_length_max",
    "surveillance_parameters_max",
    "surveillance_subjects_max",
    "surveillance_text_length_max",
    "surveillance_value_length_max",
]

# --- limits (to join core.limits) ------------------------------------------------------------

#: Alerts raised over all time, and cases opened over all time.
surveillance_alerts_max: Final = 10_000_000
surveillance_cases_max: Final = 1_000_000
#: Alert and case ids (``wash.self_trade-1234-0``): bounded ids (``core.ids.check_id``).
surveillance_alert_id_length_max: Final = 96
surveillance_case_id_length_max: Final = 64
#: A detector's dotted name, and its version (a positive 32-bit integer).
surveillance_detector_length_max: Final = 64
surveillance_detector_version_max: Final = 2**31 - 1
#: Entries in an alert's parameters and evidence; characters in one of their keys or string
#: values; integers in one evidence list; subjects (pseudonyms) of one alert.
surveillance_parameters_max: Final = 32
surveillance_evidence_max: Final = 64
surveillance_key_length_max: Final = 48
surveillance_value_length_max: Final = 128
surveillance_evidence_list_max: Final = 256
surveillance_subjects_max: Final = 32
#: A case's reason, investigator, analyst, author, accessor or purpose (characters).
surveillance_text_length_max: Final = 280
#: A note on a case (characters, one line).
surveillance_note_length_max: Final = 2_000
#: Alerts in one case; share changes, linked warrants, recorded reads, assignments and notes of
#: one case.
surveillance_case_alerts_max: Final = 1_000
surveillance_case_shares_max: Final = 256
surveillance_case_warrants_max: Final = 64
surveillance_case_accesses_max: Final = 100_000
surveillance_case_assignments_max: Final = 256
surveillance_case_notes_max: Final = 1_000

# --- vocabularies ----------------------------------------------------------------------------


@unique
class AlertType(StrEnum):
    """The manipulation an alert is about (DESIGN.md, issue 18)."""

    #: Trades without a change of beneficial owner: one owner on both sides, or colluding
    #: accounts trading back and forth.
    WASH_TRADING = "wash_trading"
    #: Large orders placed away from the touch and cancelled once the other side traded
    #: (spoofing; several levels at once: layering).
    SPOOFING = "spoofing"
    #: Coordinated buying that lifts the price, then selling into the rise.
    PUMP_AND_DUMP = "pump_and_dump"
    #: Trading ahead of a large client order, then unwinding against or after it.
    FRONT_RUNNING = "front_running"
    #: Aggressive trading just before the close to move the closing price.
    MARKING_THE_CLOSE = "marking_the_close"
    #: One account walking the price in one direction with its own aggressive orders.
    RAMPING = "ramping"
    #: The venue's operator or an affiliate trading through an account linked to a restricted
    #: one (a nominee, or the same person at another broker).
    OPERATOR_TRADING = "operator_trading"


@unique
class Agency(StrEnum):
    """Who may read a case: surveillance itself, the regulator, and the outside agencies."""

    SURVEILLANCE = "surveillance"
    REGULATOR = "regulator"
    SECURITIES_REGULATOR = "securities_regulator"
    MONETARY_AUTHORITY = "monetary_authority"
    POLICE = "police"


#: The agencies a case may be shared with (the others read every case already).
EXTERNAL_AGENCIES: Final = (
    Agency.SECURITIES_REGULATOR,
    Agency.MONETARY_AUTHORITY,
    Agency.POLICE,
)

#: Alert types that make a case shareable with the monetary authority.
ALERT_TYPES_FOR_MONETARY_AUTHORITY: Final = frozenset(
    {AlertType.WASH_TRADING, AlertType.OPERATOR_TRADING, AlertType.FRONT_RUNNING}
)

#: Each outside agency and, in words, when a case may go to it (``machine.may_share`` decides).
SHARING_POLICY: Final[dict[Agency, str]] = {
    Agency.SECURITIES_REGULATOR: "always",
    Agency.MONETARY_AUTHORITY: "the case holds a wash_trading, operator_trading or "
    "front_running alert",
    Agency.POLICE: "a warrant is linked to the case",
}


@unique
class CaseStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    CLOSED = "closed"


#: The case lifecycle: which statuses each status may move to.
CASE_TRANSITIONS: Final[dict[CaseStatus, frozenset[CaseStatus]]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.ESCALATED, CaseStatus.CLOSED}),
    CaseStatus.ESCALATED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


@unique
class CaseOutcome(StrEnum):
    """How a case ended."""

    #: Nothing improper found (the alerts stay in the log regardless).
    NO_ACTION = "no_action"
    #: Handed to the regulator's enforcement.
    ENFORCEMENT = "enforcement"
    #: Referred to an outside agency (with a share on record).
    REFERRED = "referred"


# --- records ---------------------------------------------------------------------------------

#: A parameter's value: integers (in named units) or one-line strings; never a float.
ParameterValue = int | str
#: An evidence value: an integer, a one-line string, or a short list of integers (seqs, ids).
EvidenceValue = int | str | tuple[int, ...]


class AlertRecord(msgspec.Struct, frozen=True):
    """An alert as raised; never changed. ``seq`` and ``timestamp_ns`` are its own entry's."""

    alert_id: str
    alert_type: AlertType
    detector: str
    detector_version: int
    parameters: dict[str, ParameterValue]
    seq_from: int
    seq_to: int
    observed_ns: int
    symbol: str
    subjects: tuple[str, ...]
    evidence: dict[str, EvidenceValue]
    seq: int
    timestamp_ns: int


class ShareChange(msgspec.Struct, frozen=True):
    """A case shared with (``shared``) or withdrawn from an agency, when and why."""

    agency: Agency
    shared: bool
    reason: str
    seq: int
    timestamp_ns: int


class WarrantLink(msgspec.Struct, frozen=True):
    """A regulator's warrant linked to a case, naming the subject it reveals."""

    warrant_id: str
    subject: str
    seq: int
    timestamp_ns: int


class AccessRecord(msgspec.Struct, frozen=True):
    """One read of a case: by whom (agency and person), why, when."""

    agency: Agency
    accessor: str
    purpose: str
    seq: int
    timestamp_ns: int


class Assignment(msgspec.Struct, frozen=True):
    """A case handed to ``analyst`` to lead, why, when."""

    analyst: str
    reason: str
    seq: int
    timestamp_ns: int


class Escalation(msgspec.Struct, frozen=True):
    """A case raised to senior review, why, when."""

    reason: str
    seq: int
    timestamp_ns: int


class CaseNote(msgspec.Struct, frozen=True):
    """A note on a case by ``author``; appended, never edited."""

    author: str
    note: str
    seq: int
    timestamp_ns: int


class CaseStep(msgspec.Struct, frozen=True):
    """One line of a case's history (``CaseRecord.history``): what happened at ``seq``.

    ``kind`` is ``opened``, ``assigned``, ``escalated``, ``note``, ``shared``,
    ``share_revoked``, ``warrant``, ``accessed`` or ``closed``; ``actor`` names whom it is about
    (the investigator, the analyst assigned, a note's author, the agency, the reader; ``""`` for
    none); ``detail`` is its reason, note, warrant or outcome. Derived for display, never
    hashed.
    """

    seq: int
    timestamp_ns: int
    kind: str
    actor: str
    detail: str


class Case:
    """One case file. Mutated only by ``machine.evolve``."""

    __slots__ = (
        "accesses",
        "alert_ids",
        "alert_types",
        "assignments",
        "close_reason",
        "closed_seq",
        "closed_timestamp_ns",
        "escalation",
        "investigator",
        "notes",
        "opened_seq",
        "opened_timestamp_ns",
        "outcome",
        "reason",
        "shares",
        "shares_history",
        "status",
        "subjects",
        "warrants",
    )

    def __init__(
        self, investigator: str, reason: str, opened_seq: int, opened_timestamp_ns: int
    ) -> None:
        self.status = CaseStatus.OPEN
        self.investigator = investigator
        self.reason = reason
        self.opened_seq = opened_seq
        self.opened_timestamp_ns = opened_timestamp_ns
        #: alert ids in the order attached
        self.alert_ids: list[str] = []
        #: the union of the alerts' subjects (sorted) and alert types: derived, for the policy
        self.subjects: list[str] = []
        self.alert_types: set[str] = set()
        #: agency -> seq of the share in force
        self.shares: dict[str, int] = {}
        self.shares_history: list[ShareChange] = []
        self.warrants: list[WarrantLink] = []
        self.accesses: list[AccessRecord] = []
        self.assignments: list[Assignment] = []
        self.escalation: Escalation | None = None
        self.notes: list[CaseNote] = []
        self.outcome: CaseOutcome | None = None
        self.close_reason = ""
        self.closed_seq = 0
        self.closed_timestamp_ns = 0

    @property
    def assignee(self) -> str:
        """Who leads the case now: the latest assignment's analyst, else the investigator."""
        return self.assignments[-1].analyst if self.assignments else self.investigator


class SurveillanceState:
    """Everything surveillance knows. Mutated only by ``machine.evolve``."""

    __slots__ = ("alert_counts", "alerts", "cases")

    def __init__(self) -> None:
        #: alert id -> the alert, in journal order (dicts keep insertion order)
        self.alerts: dict[str, AlertRecord] = {}
        #: alert type -> how many were raised: derived from ``alerts``, not in the canonical form
        self.alert_counts: dict[str, int] = {}
        #: case id -> the case
        self.cases: dict[str, Case] = {}


# --- canonical form: the snapshot and the input of state_hash --------------------------------

#: Domain label of surveillance's state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.surveillance.state.v1"


class CaseRecord(msgspec.Struct, frozen=True):
    """One case, as the case register shows it (to those who may read it)."""

    case_id: str
    status: CaseStatus
    investigator: str
    reason: str
    opened_seq: int
    opened_timestamp_ns: int
    alert_ids: tuple[str, ...]
    subjects: tuple[str, ...]
    shared_with: tuple[Agency, ...]
    shares_history: tuple[ShareChange, ...]
    warrants: tuple[WarrantLink, ...]
    accesses: tuple[AccessRecord, ...]
    outcome: CaseOutcome | None
    close_reason: str
    closed_seq: int
    assignments: tuple[Assignment, ...] = ()
    escalation: Escalation | None = None
    notes: tuple[CaseNote, ...] = ()
    closed_timestamp_ns: int = 0

    @property
    def assignee(self) -> str:
        """Who leads the case now: the latest assignment's analyst, else the investigator."""
        return self.assignments[-1].analyst if self.assignments else self.investigator

    @property
    def history(self) -> tuple[CaseStep, ...]:
        """Every step of the case that has a time, in journal order (alerts attached later are
        in ``alert_ids``: their event carries no time)."""
        steps = [
            CaseStep(
                self.opened_seq, self.opened_timestamp_ns, "opened", self.investigator, self.reason
            )
        ]
        steps += [
            CaseStep(a.seq, a.timestamp_ns, "assigned", a.analyst, a.reason)
            for a in self.assignments
        ]
        if self.escalation is not None:
            e = self.escalation
            steps.append(CaseStep(e.seq, e.timestamp_ns, "escalated", "", e.reason))
        steps += [CaseStep(n.seq, n.timestamp_ns, "note", n.author, n.note) for n in self.notes]
        steps += [
            CaseStep(
                c.seq,
                c.timestamp_ns,
                "shared" if c.shared else "share_revoked",
                str(c.agency),
                c.reason,
            )
            for c in self.shares_history
        ]
        steps += [
            CaseStep(w.seq, w.timestamp_ns, "warrant", "regulator", f"{w.warrant_id}: {w.subject}")
            for w in self.warrants
        ]
        steps += [
            CaseStep(a.seq, a.timestamp_ns, "accessed", f"{a.agency}: {a.accessor}", a.purpose)
            for a in self.accesses
        ]
        if self.outcome is not None:
            steps.append(
                CaseStep(
                    self.closed_seq,
                    self.closed_timestamp_ns,
                    "closed",
                    "",
                    f"{self.outcome}: {self.close_reason}",
                )
            )
        return tuple(sorted(steps, key=lambda step: step.seq))


class SurveillanceSnapshot(msgspec.Struct, frozen=True, tag="surveillance.snapshot", tag_field="k"):
    """The whole state, canonically: alerts in journal order, cases sorted by id."""

    alerts: tuple[AlertRecord, ...]
    cases: tuple[CaseRecord, ...]
