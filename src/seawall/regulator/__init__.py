"""The regulator institution: licences, market halts, retail admission, warrants, and the
registers of reconciliation breaks and supervisory alerts, as Hong Kong's SFC keeps them.

Every institution acts under a licence for one ``Role``; the kernel's licence stage asks
``authorise`` before any other institution decides a command submitted from outside, and
journals NOT_LICENSED (7001), LICENCE_SUSPENDED (7002) or WRONG_SUBMITTER (7003) as the outcome.
The regulator orders halts (the kernel routes them to the venue), admits tokens for retail
(routed to the brokers), and reveals who is behind a pseudonym only through a journaled warrant
with a real justification (routed to identity, which discloses). It starts reconciliation
cycles; the kernel compares the books and records each break here, with the figures compared.

Only ``regulator`` submits the regulator's own commands; ``RecordBreak`` and ``RecordAlert`` come
from ``kernel`` alone. The package imports only ``seawall.core``. Its shape is every
institution's: ``commands``, ``events``, ``rejections`` (7xxx), ``state``, ``machine``
(``decide``, ``evolve``, ``state_hash``, ``check_invariants``, ``snapshot``, ``restore`` and the
read helpers).
"""

from __future__ import annotations

from seawall.regulator.commands import (
    COMMANDS,
    AdmitForRetail,
    GrantLicence,
    HaltMarket,
    IssueWarrant,
    RecordAlert,
    RecordBreak,
    RegulatorCommand,
    ReinstateLicence,
    ResumeMarket,
    RevokeLicence,
    RunReconciliation,
    SuspendLicence,
    WithdrawRetailAdmission,
)
from seawall.regulator.events import (
    EVENTS,
    AlertRecorded,
    BreakRecorded,
    LicenceGranted,
    LicenceReinstated,
    LicenceRevoked,
    LicenceSuspended,
    MarketHaltOrdered,
    MarketResumeOrdered,
    ReconciliationStarted,
    RegulatorEvent,
    RetailAdmissionGranted,
    RetailAdmissionWithdrawn,
    WarrantIssued,
)
from seawall.regulator.machine import (
    KERNEL_SUBMITTER,
    REGULATOR_SUBMITTER,
    alerts,
    authorise,
    breaks,
    canonical,
    check_invariants,
    decide,
    evolve,
    halted_markets,
    is_halted,
    is_retail_admitted,
    last_cycle,
    licence,
    licences,
    restore,
    retail_markets,
    snapshot,
    state_hash,
    warrant,
    warrants,
)
from seawall.regulator.rejections import RegulatorRejection
from seawall.regulator.state import (
    LICENCE_TRANSITIONS,
    STATE_HASH_DOMAIN,
    AlertRecord,
    BreakKind,
    BreakRecord,
    LicenceChange,
    LicenceRecord,
    LicenceStatus,
    MarketRecord,
    RegulatorSnapshot,
    RegulatorState,
    Role,
    WarrantRecord,
)

__all__ = [
    "COMMANDS",
    "EVENTS",
    "KERNEL_SUBMITTER",
    "LICENCE_TRANSITIONS",
    "REGULATOR_SUBMITTER",
    "STATE_HASH_DOMAIN",
    "AdmitForRetail",
    "AlertRecord",
    "AlertRecorded",
    "BreakKind",
    "BreakRecord",
    "BreakRecorded",
    "GrantLicence",
    "HaltMarket",
    "IssueWarrant",
    "LicenceChange",
    "LicenceGranted",
    "LicenceRecord",
    "LicenceReinstated",
    "LicenceRevoked",
    "LicenceStatus",
    "LicenceSuspended",
    "MarketHaltOrdered",
    "MarketRecord",
    "MarketResumeOrdered",
    "ReconciliationStarted",
    "RecordAlert",
    "RecordBreak",
    "RegulatorCommand",
    "RegulatorEvent",
    "RegulatorRejection",
    "RegulatorSnapshot",
    "RegulatorState",
    "ReinstateLicence",
    "ResumeMarket",
    "RetailAdmissionGranted",
    "RetailAdmissionWithdrawn",
    "RevokeLicence",
    "Role",
    "RunReconciliation",
    "SuspendLicence",
    "WarrantIssued",
    "WarrantRecord",
    "WithdrawRetailAdmission",
    "alerts",
    "authorise",
    "breaks",
    "canonical",
    "check_invariants",
    "decide",
    "evolve",
    "halted_markets",
    "is_halted",
    "is_retail_admitted",
    "last_cycle",
    "licence",
    "licences",
    "restore",
    "retail_markets",
    "snapshot",
    "state_hash",
    "warrant",
    "warrants",
]
