"""What may be asked of surveillance: immutable commands, tagged ``"surveillance.<name>"``.

``RaiseAlert`` is submitted by ``surveillance``: a detector reading the public projection of
the journal (pseudonyms only) found a pattern, and the alert is journaled, so it is in the
transparency log and can never be edited. It records what reproduces it: the detector's name
and version, its parameters (integers and strings only, canonical), the input seq range it read
and the evidence (seqs, prices, quantities), with the time of the public entry that completed
the pattern (``observed_ns``) and the pseudonyms it is about.

The case commands keep an investigation on the record: ``OpenCase``, ``AttachAlert``,
``AssignCase`` (hand it to an analyst), ``EscalateCase`` (to senior review, once),
``AddNote``, ``ShareCase`` / ``RevokeShare`` (by ``state.SHARING_POLICY``), ``RecordAccess``
(every read of a case, by whom and why), ``AttachWarrant`` (from ``regulator`` only: its
journaled warrant that reveals one subject), ``CloseCase``.

Who may submit them: ``RaiseAlert``, ``ShareCase`` and ``RevokeShare`` come from
``surveillance`` only; the case desk's commands (``OpenCase``, ``AttachAlert``, ``AssignCase``,
``EscalateCase``, ``AddNote``, ``CloseCase``) from ``surveillance`` or from ``regulator``,
whose analysts work cases from its console; ``AttachWarrant`` from ``regulator`` only;
``RecordAccess`` from ``surveillance``, or from ``regulator`` for its own reads.

Figures are ``int``; no command has a float. Commands are checked by ``machine.decide``, not on
construction, so that a malformed command is journaled with its rejection rather than lost.
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
    "COMMANDS",
    "AddNote",
    "AssignCase",
    "AttachAlert",
    "AttachWarrant",
    "CloseCase",
    "EscalateCase",
    "OpenCase",
    "RaiseAlert",
    "RecordAccess",
    "RevokeShare",
    "ShareCase",
    "SurveillanceCommand",
]


class RaiseAlert(msgspec.Struct, frozen=True, tag="surveillance.raise_alert", tag_field="k"):
    """A detector's finding over the public stream.

    ``subjects`` are pseudonyms (``p`` + 24 hex digits), sorted and distinct; ``symbol`` is the
    market (``""`` for none); ``seq_from..seq_to`` is the range of public entries the detector
    read (re-running it over that range reproduces this alert); ``observed_ns`` is the
    timestamp of entry ``seq_to``.
    """

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


class OpenCase(msgspec.Struct, frozen=True, tag="surveillance.open_case", tag_field="k"):
    """Open case ``case_id`` on one or more alerts; ``investigator`` names who leads it."""

    case_id: str
    alert_ids: tuple[str, ...]
    investigator: str
    reason: str


class AttachAlert(msgspec.Struct, frozen=True, tag="surveillance.attach_alert", tag_field="k"):
    """Add an alert to an open case."""

    case_id: str
    alert_id: str


class ShareCase(msgspec.Struct, frozen=True, tag="surveillance.share_case", tag_field="k"):
    """Share an open case with an outside agency, as the sharing policy allows."""

    case_id: str
    agency: Agency
    reason: str


class RevokeShare(msgspec.Struct, frozen=True, tag="surveillance.revoke_share", tag_field="k"):
    """Withdraw an agency's access to a case."""

    case_id: str
    agency: Agency
    reason: str


class RecordAccess(msgspec.Struct, frozen=True, tag="surveillance.record_access", tag_field="k"):
    """``accessor`` of ``agency`` reads the case, for ``purpose``: journaled before it is shown
    (a refusal, ACCESS_DENIED, is journaled too)."""

    case_id: str
    agency: Agency
    accessor: str
    purpose: str


class AttachWarrant(msgspec.Struct, frozen=True, tag="surveillance.attach_warrant", tag_field="k"):
    """The regulator links its warrant ``warrant_id`` (issued and journaled by it) to the case:
    the warrant reveals who is behind ``subject``, one of the case's pseudonyms."""

    case_id: str
    warrant_id: str
    subject: str


class AssignCase(msgspec.Struct, frozen=True, tag="surveillance.assign_case", tag_field="k"):
    """Hand a case that is not closed to ``analyst`` to lead, for ``reason``."""

    case_id: str
    analyst: str
    reason: str


class EscalateCase(msgspec.Struct, frozen=True, tag="surveillance.escalate_case", tag_field="k"):
    """Raise an open case to senior review, for ``reason`` (once; it stays worked until closed)."""

    case_id: str
    reason: str


class AddNote(msgspec.Struct, frozen=True, tag="surveillance.add_note", tag_field="k"):
    """Append ``author``'s note (one line) to a case that is not closed."""

    case_id: str
    author: str
    note: str


class CloseCase(msgspec.Struct, frozen=True, tag="surveillance.close_case", tag_field="k"):
    """Close a case with its outcome (final)."""

    case_id: str
    outcome: CaseOutcome
    reason: str


#: Every surveillance command, decodable by its ``"k"`` tag.
SurveillanceCommand = (
    RaiseAlert
    | OpenCase
    | AttachAlert
    | ShareCase
    | RevokeShare
    | RecordAccess
    | AttachWarrant
    | CloseCase
    | AssignCase
    | EscalateCase
    | AddNote
)

COMMANDS: tuple[type[SurveillanceCommand], ...] = (
    RaiseAlert,
    OpenCase,
    AttachAlert,
    ShareCase,
    RevokeShare,
    RecordAccess,
    AttachWarrant,
    CloseCase,
    AssignCase,
    EscalateCase,
    AddNote,
)
