"""Surveillance: machine auditing of the whole market from its public stream, with alerts and
case files that land in the same immutable journal.

Two halves, kept apart:

* the **institution** (``commands``, ``events``, ``rejections`` 8xxx, ``state``, ``machine``),
  of every institution's shape: a pure state machine keeping the alert register and the case
  files. ``RaiseAlert`` is submitted by ``surveillance``; the case commands keep an
  investigation on the record (opened, assigned, escalated, noted and closed by the case desk:
  ``surveillance`` or the regulator's analysts; sharing with named agencies by policy, every
  read journaled, warrants linked by the regulator). It imports only ``seawall.core``.
* the **detectors** (``detectors``, run by ``engine``), plug-ins that read *only* the public
  projection of the journal (``seawall.public.PublicEntry``: pseudonymous accounts, no personal
  data): exact rules where the pattern is exact, statistical scoring (``river``) where it is
  not. ``metrics`` computes the public integrity figures per day; ``evaluate`` scores alerts
  against a simulator's ground truth; ``seawall bench surveillance`` lives in
  ``seawall.bench.surveillance``.

This module exports the institution only, so that the kernel's registry does not import the
detectors' dependencies.
"""

from __future__ import annotations

from seawall.surveillance.commands import (
    COMMANDS,
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
    EVENTS,
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
from seawall.surveillance.machine import (
    REGULATOR_SUBMITTER,
    SURVEILLANCE_SUBMITTER,
    alert,
    alert_counts,
    alerts,
    canonical,
    case,
    cases,
    check_invariants,
    decide,
    evolve,
    is_pseudonym,
    may_access,
    may_share,
    new_state,
    restore,
    snapshot,
    state_hash,
)
from seawall.surveillance.rejections import SurveillanceRejection
from seawall.surveillance.state import (
    CASE_TRANSITIONS,
    EXTERNAL_AGENCIES,
    SHARING_POLICY,
    STATE_HASH_DOMAIN,
    AccessRecord,
    Agency,
    AlertRecord,
    AlertType,
    Assignment,
    CaseNote,
    CaseOutcome,
    CaseRecord,
    CaseStatus,
    CaseStep,
    Escalation,
    ShareChange,
    SurveillanceSnapshot,
    SurveillanceState,
    WarrantLink,
)

__all__ = [
    "CASE_TRANSITIONS",
    "COMMANDS",
    "EVENTS",
    "EXTERNAL_AGENCIES",
    "REGULATOR_SUBMITTER",
    "SHARING_POLICY",
    "STATE_HASH_DOMAIN",
    "SURVEILLANCE_SUBMITTER",
    "AccessRecord",
    "AddNote",
    "Agency",
    "AlertAttached",
    "AlertRaised",
    "AlertRecord",
    "AlertType",
    "AssignCase",
    "Assignment",
    "AttachAlert",
    "AttachWarrant",
    "CaseAccessed",
    "CaseAssigned",
    "CaseClosed",
    "CaseEscalated",
    "CaseNote",
    "CaseOpened",
    "CaseOutcome",
    "CaseRecord",
    "CaseShared",
    "CaseStatus",
    "CaseStep",
    "CloseCase",
    "EscalateCase",
    "Escalation",
    "NoteAdded",
    "OpenCase",
    "RaiseAlert",
    "RecordAccess",
    "RevokeShare",
    "ShareCase",
    "ShareChange",
    "ShareRevoked",
    "SurveillanceCommand",
    "SurveillanceEvent",
    "SurveillanceRejection",
    "SurveillanceSnapshot",
    "SurveillanceState",
    "WarrantAttached",
    "WarrantLink",
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
