"""The regulator's state: the licence register, halted markets, markets admitted for retail,
warrants, reconciliation cycles and breaks, and supervisory alerts.

Licences follow an explicit transition table; every change is kept in the licence's history
with the journal ``seq`` and ``timestamp_ns`` of the command that made it, and its reason:

==========  ======================  ============================================================
 status     may become              meaning
==========  ======================  ============================================================
 active     suspended, revoked      the institution may act in its role
 suspended  active, revoked         the institution may not act until reinstated
 revoked    (final)                 the institution may never act again under this id
==========  ======================  ============================================================

One institution id holds at most one licence, for one ``Role``; a revoked holder keeps its
record (and its id) for ever.

Warrants, breaks and alerts are kept as the immutable records they were issued or recorded as;
breaks and alerts in journal order (the order itself is history, and deterministic). The
canonical form (``RegulatorSnapshot``) lists licences, markets and warrants sorted by id, so two
states that decide every future command alike encode to the same bytes.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum, unique
from typing import Final

import msgspec

__all__ = [
    "LICENCE_TRANSITIONS",
    "STATE_HASH_DOMAIN",
    "AlertRecord",
    "BreakKind",
    "BreakRecord",
    "Licence",
    "LicenceChange",
    "LicenceRecord",
    "LicenceStatus",
    "MarketRecord",
    "RegulatorSnapshot",
    "RegulatorState",
    "Role",
    "WarrantRecord",
]


@unique
class Role(IntEnum):
    """What a licence allows an institution to be."""

    IDENTITY = 1
    BROKER = 2
    VENUE = 3
    CLEARING = 4
    CUSTODY = 5


@unique
class LicenceStatus(StrEnum):
    """Where a licence is in its lifecycle (see the table above)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


#: The licence lifecycle: which statuses each status may move to.
LICENCE_TRANSITIONS: Final[dict[LicenceStatus, frozenset[LicenceStatus]]] = {
    LicenceStatus.ACTIVE: frozenset({LicenceStatus.SUSPENDED, LicenceStatus.REVOKED}),
    LicenceStatus.SUSPENDED: frozenset({LicenceStatus.ACTIVE, LicenceStatus.REVOKED}),
    LicenceStatus.REVOKED: frozenset(),
}


@unique
class BreakKind(StrEnum):
    """Which reconciliation found a break (ADR 0004, "Who keeps which books").

    * ``client_balance``: per (broker, client, asset), ``ledger == custody + clearing == broker``
      (the ledger's client balance; custody's external flows; clearing's settled position;
      the broker's book) does not hold;
    * ``wallet``: per asset, custody's wallet book (``custody_minor``) differs from the ledger's
      wallet accounts (``ledger_minor``); the clearing and broker figures are not compared.
    """

    CLIENT_BALANCE = "client_balance"
    WALLET = "wallet"


class LicenceChange(msgspec.Struct, frozen=True):
    """One entry of a licence's history: the status it took, when, and why."""

    seq: int
    timestamp_ns: int
    status: LicenceStatus
    reason: str


class Licence:
    """One institution's licence. ``history[0]`` is the grant; the last entry is ``status``."""

    __slots__ = ("changed_seq", "granted_seq", "history", "role", "status")

    def __init__(self, role: Role, grant: LicenceChange) -> None:
        self.role = role
        self.status = grant.status
        self.granted_seq = grant.seq
        self.changed_seq = grant.seq
        self.history: list[LicenceChange] = [grant]


class WarrantRecord(msgspec.Struct, frozen=True):
    """A warrant to reveal who is behind ``account_id``, as issued; never changed."""

    warrant_id: str
    account_id: str
    reason: str
    officer: str
    issued_timestamp_ns: int
    seq: int


class BreakRecord(msgspec.Struct, frozen=True):
    """One reconciliation break: the figures the kernel compared and the difference it found.

    ``broker_id`` and ``account_id`` are ``""`` for a ``wallet`` break that names neither.
    """

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


class AlertRecord(msgspec.Struct, frozen=True):
    """A supervisory alert (a trade by an account no broker knows, ...), as recorded."""

    source: str
    code: str
    detail: str
    seq: int
    timestamp_ns: int


class RegulatorState:
    """Everything the regulator knows. Mutated only by ``machine.evolve``."""

    __slots__ = (
        "alerts",
        "break_keys",
        "breaks",
        "cycles_run",
        "halted",
        "last_cycle",
        "licences",
        "retail",
        "warrants",
    )

    def __init__(self) -> None:
        #: institution id -> its licence
        self.licences: dict[str, Licence] = {}
        #: symbol -> why it is halted
        self.halted: dict[str, str] = {}
        #: symbol -> why it was admitted for retail
        self.retail: dict[str, str] = {}
        #: warrant id -> the warrant
        self.warrants: dict[str, WarrantRecord] = {}
        #: the last reconciliation cycle started (0: none yet) and how many were started
        self.last_cycle = 0
        self.cycles_run = 0
        #: every break, in journal order
        self.breaks: list[BreakRecord] = []
        #: (kind, broker id, account id, asset) of the breaks of ``last_cycle``: derived from
        #: ``breaks``, kept so that a duplicate is found without a scan; not in the canonical form
        self.break_keys: set[tuple[str, str, str, str]] = set()
        #: every alert, in journal order
        self.alerts: list[AlertRecord] = []


# --- canonical form: the snapshot and the input of state_hash ------------------------------------

#: Domain label of the regulator's state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.regulator.state.v1"


class LicenceRecord(msgspec.Struct, frozen=True):
    """One licence on the register, as the licence register page shows it."""

    institution_id: str
    role: Role
    status: LicenceStatus
    granted_seq: int
    changed_seq: int
    history: tuple[LicenceChange, ...]


class MarketRecord(msgspec.Struct, frozen=True):
    """A market on the halt register or the retail admission register, and why."""

    symbol: str
    reason: str


class RegulatorSnapshot(msgspec.Struct, frozen=True, tag="regulator.snapshot", tag_field="k"):
    """The whole state, canonically: registers sorted by id, breaks and alerts in journal order."""

    licences: tuple[LicenceRecord, ...]
    halted_markets: tuple[MarketRecord, ...]
    retail_markets: tuple[MarketRecord, ...]
    warrants: tuple[WarrantRecord, ...]
    last_cycle: int
    cycles_run: int
    breaks: tuple[BreakRecord, ...]
    alerts: tuple[AlertRecord, ...]
