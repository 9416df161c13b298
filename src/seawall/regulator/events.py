"""What the regulator decided: immutable events, tagged ``"regulator.<name>"``.

``machine.decide`` returns a list of these (one per accepted command); ``machine.evolve``
applies them and never refuses one. Events that enter a register carry the journal ``seq`` and
``timestamp_ns`` of the command, since ``evolve`` sees no context: replaying the events rebuilds
the registers exactly.

The kernel routes ``MarketHaltOrdered`` / ``MarketResumeOrdered`` to the venue,
``RetailAdmissionGranted`` / ``RetailAdmissionWithdrawn`` to the brokers, ``WarrantIssued`` to
identity (which discloses) and ``ReconciliationStarted`` to its own reconciliation, which submits
one ``RecordBreak`` per break.
"""

from __future__ import annotations

import msgspec

from seawall.regulator.state import BreakKind, Role

__all__ = [
    "EVENTS",
    "AlertRecorded",
    "BreakRecorded",
    "LicenceGranted",
    "LicenceReinstated",
    "LicenceRevoked",
    "LicenceSuspended",
    "MarketHaltOrdered",
    "MarketResumeOrdered",
    "ReconciliationStarted",
    "RegulatorEvent",
    "RetailAdmissionGranted",
    "RetailAdmissionWithdrawn",
    "WarrantIssued",
]


class LicenceGranted(msgspec.Struct, frozen=True, tag="regulator.licence_granted", tag_field="k"):
    institution_id: str
    role: Role
    reason: str
    seq: int
    timestamp_ns: int


class LicenceSuspended(
    msgspec.Struct, frozen=True, tag="regulator.licence_suspended", tag_field="k"
):
    institution_id: str
    reason: str
    seq: int
    timestamp_ns: int


class LicenceReinstated(
    msgspec.Struct, frozen=True, tag="regulator.licence_reinstated", tag_field="k"
):
    institution_id: str
    reason: str
    seq: int
    timestamp_ns: int


class LicenceRevoked(msgspec.Struct, frozen=True, tag="regulator.licence_revoked", tag_field="k"):
    institution_id: str
    reason: str
    seq: int
    timestamp_ns: int


class MarketHaltOrdered(
    msgspec.Struct, frozen=True, tag="regulator.market_halt_ordered", tag_field="k"
):
    symbol: str
    reason: str


class MarketResumeOrdered(
    msgspec.Struct, frozen=True, tag="regulator.market_resume_ordered", tag_field="k"
):
    symbol: str
    reason: str


class RetailAdmissionGranted(
    msgspec.Struct, frozen=True, tag="regulator.retail_admission_granted", tag_field="k"
):
    symbol: str
    reason: str


class RetailAdmissionWithdrawn(
    msgspec.Struct, frozen=True, tag="regulator.retail_admission_withdrawn", tag_field="k"
):
    symbol: str
    reason: str


class WarrantIssued(msgspec.Struct, frozen=True, tag="regulator.warrant_issued", tag_field="k"):
    warrant_id: str
    account_id: str
    reason: str
    officer: str
    issued_timestamp_ns: int
    seq: int


class ReconciliationStarted(
    msgspec.Struct, frozen=True, tag="regulator.reconciliation_started", tag_field="k"
):
    cycle: int
    seq: int
    timestamp_ns: int


class BreakRecorded(msgspec.Struct, frozen=True, tag="regulator.break_recorded", tag_field="k"):
    cycle: int
    kind: BreakKind
    broker_id: str
    account_id: str
    asset: str
    ledger_minor: int
    custody_minor: int
    clearing_minor: int
    broker_minor: int
    difference_minor: int
    detail: str
    seq: int
    timestamp_ns: int


class AlertRecorded(msgspec.Struct, frozen=True, tag="regulator.alert_recorded", tag_field="k"):
    source: str
    code: str
    detail: str
    seq: int
    timestamp_ns: int


#: Every regulator event, decodable by its ``"k"`` tag.
RegulatorEvent = (
    LicenceGranted
    | LicenceSuspended
    | LicenceReinstated
    | LicenceRevoked
    | MarketHaltOrdered
    | MarketResumeOrdered
    | RetailAdmissionGranted
    | RetailAdmissionWithdrawn
    | WarrantIssued
    | ReconciliationStarted
    | BreakRecorded
    | AlertRecorded
)

EVENTS: tuple[type[RegulatorEvent], ...] = (
    LicenceGranted,
    LicenceSuspended,
    LicenceReinstated,
    LicenceRevoked,
    MarketHaltOrdered,
    MarketResumeOrdered,
    RetailAdmissionGranted,
    RetailAdmissionWithdrawn,
    WarrantIssued,
    ReconciliationStarted,
    BreakRecorded,
    AlertRecorded,
)
