"""What surveillance decided: immutable events, tagged ``"surveillance.<name>"``.

``machine.decide`` returns a list of these (one per accepted command); ``machine.evolve``
applies them and never refuses one. Each event carries the journal ``seq`` and ``timestamp_ns``
of its command, since ``evolve`` sees no context: replaying the events rebuilds the alert
register and every case file exactly. ``CaseOpened`` and ``AlertAttached`` carry the case's
subjects after the change (the union of its alerts' pseudonyms), so a reader of the public log
sees whom a case is about without looking the alerts up.
"""

from __future__ import annotations

import msgspec

from seawall.surveillance.state import (
    Agency,
    AlertType,
    CaseOutcome,
    EvidenceValue,
    ParameterValue,
)

__all__ = [
    "EVENTS",
    "AlertAttached",
    "AlertRaised",
    "CaseAccessed",
    "CaseAssigned",
    "CaseClosed",
    "CaseEscalated",
    "CaseOpened",
    "CaseShared",
    "NoteAdded",
    "ShareRevoked",
    "SurveillanceEvent",
    "WarrantAttached",
]


class AlertRaised(msgspec.Struct, frozen=True, tag="surveillance.alert_raised", tag_field="k"):
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


class CaseOpened(msgspec.Struct, frozen=True, tag="surveillance.case_opened", tag_field="k"):
    case_id: str
    alert_ids: tuple[str, ...]
    subjects: tuple[str, ...]
    investigator: str
    reason: str
    seq: int
    timestamp_ns: int


class AlertAttached(msgspec.Struct, frozen=True, tag="surveillance.alert_attached", tag_field="k"):
    case_id: str
    alert_id: str
    subjects: tuple[str, ...]
    seq: int


class CaseShared(msgspec.Struct, frozen=True, tag="surveillance.case_shared", tag_field="k"):
    case_id: str
    agency: Agency
    reason: str
    seq: int
    timestamp_ns: int


class ShareRevoked(msgspec.Struct, frozen=True, tag="surveillance.share_revoked", tag_field="k"):
    case_id: str
    agency: Agency
    reason: str
    seq: int
    timestamp_ns: int


class CaseAccessed(msgspec.Struct, frozen=True, tag="surveillance.case_accessed", tag_field="k"):
    case_id: str
    agency: Agency
    accessor: str
    purpose: str
    seq: int
    timestamp_ns: int


class WarrantAttached(
    msgspec.Struct, frozen=True, tag="surveillance.warrant_attached", tag_field="k"
):
    case_id: str
    warrant_id: str
    subject: str
    seq: int
    timestamp_ns: int


class CaseClosed(msgspec.Struct, frozen=True, tag="surveillance.case_closed", tag_field="k"):
    case_id: str
    outcome: CaseOutcome
    reason: str
    seq: int
    timestamp_ns: int


class CaseAssigned(msgspec.Struct, frozen=True, tag="surveillance.case_assigned", tag_field="k"):
    case_id: str
    analyst: str
    reason: str
    seq: int
    timestamp_ns: int


class CaseEscalated(msgspec.Struct, frozen=True, tag="surveillance.case_escalated", tag_field="k"):
    case_id: str
    reason: str
    seq: int
    timestamp_ns: int


class NoteAdded(msgspec.Struct, frozen=True, tag="surveillance.note_added", tag_field="k"):
    case_id: str
    author: str
    note: str
    seq: int
    timestamp_ns: int


#: Every surveillance event, decodable by its ``"k"`` tag.
SurveillanceEvent = (
    AlertRaised
    | CaseOpened
    | AlertAttached
    | CaseShared
    | ShareRevoked
    | CaseAccessed
    | WarrantAttached
    | CaseClosed
    | CaseAssigned
    | CaseEscalated
    | NoteAdded
)

EVENTS: tuple[type[SurveillanceEvent], ...] = (
    AlertRaised,
    CaseOpened,
    AlertAttached,
    CaseShared,
    ShareRevoked,
    CaseAccessed,
    WarrantAttached,
    CaseClosed,
    CaseAssigned,
    CaseEscalated,
    NoteAdded,
)
