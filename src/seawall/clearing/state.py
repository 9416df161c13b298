"""Clearing's state: its mode and cycle, the markets it clears, obligations, settlement
instructions, settled positions and co-signed withdrawals; and the value types its commands and
events share.

An **obligation** is one trade turned into what each side owes: the seller delivers
``base_minor`` of the base asset, the buyer pays ``quote_minor`` of the quote asset, and each
pays its broker a fee in the quote asset. Its id is ``f"{symbol}:{trade_id}"``. Obligations
follow an explicit transition table:

===========  ===========================  ====================================================
 status       may become                   when
===========  ===========================  ====================================================
 pending      instructed                   a settlement instruction covers it
 instructed   settled, failed              the ledger posted the instruction, or refused it
 settled      (final)
 failed       (final)                      nothing of it was applied anywhere
===========  ===========================  ====================================================

A **settlement instruction** (``settle:<n>``, ``n`` from 1) is one delivery-versus-payment
transfer at custody: the holds it consumes and the postings it applies, balanced per asset; the
kernel posts it at the ledger in one atomic ``PostHold``. An instruction is open until confirmed
(settled) or failed, and covers its obligations as a whole.

**Positions** are clearing's own book for reconciliation: per ``(broker_id, account_id, asset)``
the net of every settled obligation (buyer ``+base``, ``-(quote + fee)``; seller ``-base``,
``+(quote - fee)``); each broker's fees are the position of its account ``house``. They sum to
zero per asset. Zero positions are not kept.

The canonical form (``ClearingSnapshot``) lists everything sorted by id.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum, unique
from typing import Final

import msgspec

__all__ = [
    "HOUSE_ACCOUNT",
    "INSTRUCTION_TRANSITIONS",
    "OBLIGATION_TRANSITIONS",
    "STATE_HASH_DOMAIN",
    "ClearingSnapshot",
    "ClearingState",
    "InstructionRecord",
    "InstructionStatus",
    "Market",
    "MarketRecord",
    "ObligationRecord",
    "ObligationStatus",
    "Party",
    "PositionRecord",
    "SettlementLeg",
    "SettlementMode",
    "Side",
    "WithdrawalRecord",
]

#: The account id under which a broker's fee income is kept in clearing's positions (the ledger
#: account is ``house:<broker_id>``). No client account may be called this.
HOUSE_ACCOUNT: Final = "house"


@unique
class SettlementMode(StrEnum):
    """How trades settle: each at once, or netted when a cycle closes."""

    PER_TRADE = "per_trade"
    NETTED = "netted"


@unique
class Side(IntEnum):
    """A trade side, numbered as the venue numbers it."""

    BUY = 1
    SELL = 2


@unique
class ObligationStatus(StrEnum):
    """Where an obligation is in its lifecycle (see the table above)."""

    PENDING = "pending"
    INSTRUCTED = "instructed"
    SETTLED = "settled"
    FAILED = "failed"


#: The obligation lifecycle: which statuses each status may move to.
OBLIGATION_TRANSITIONS: Final[dict[ObligationStatus, frozenset[ObligationStatus]]] = {
    ObligationStatus.PENDING: frozenset({ObligationStatus.INSTRUCTED}),
    ObligationStatus.INSTRUCTED: frozenset({ObligationStatus.SETTLED, ObligationStatus.FAILED}),
    ObligationStatus.SETTLED: frozenset(),
    ObligationStatus.FAILED: frozenset(),
}


@unique
class InstructionStatus(StrEnum):
    """An instruction is open until the ledger posts it (settled) or refuses it (failed)."""

    OPEN = "open"
    SETTLED = "settled"
    FAILED = "failed"


#: The instruction lifecycle.
INSTRUCTION_TRANSITIONS: Final[dict[InstructionStatus, frozenset[InstructionStatus]]] = {
    InstructionStatus.OPEN: frozenset({InstructionStatus.SETTLED, InstructionStatus.FAILED}),
    InstructionStatus.SETTLED: frozenset(),
    InstructionStatus.FAILED: frozenset(),
}


class Party(msgspec.Struct, frozen=True):
    """One side of a trade as its broker knows it: the broker, the client's account, the
    broker's order id, the ledger hold that reserved the order's funds, and the fee rate."""

    broker_id: str
    account_id: str
    broker_order_id: str
    hold_id: str
    fee_bps: int


class SettlementLeg(msgspec.Struct, frozen=True):
    """One posting of a settlement: credit (``amount_minor > 0``) or debit one ledger account.

    The kernel turns it into ``ledger.Posting(account_id=ledger_account, asset, amount_minor)``.
    """

    ledger_account: str
    asset: str
    amount_minor: int


class MarketRecord(msgspec.Struct, frozen=True):
    """A market as the venue listed it, with its assets' decimals. ``tick_size`` and
    ``lot_size`` are decimal strings (``"0.01"``), as in the venue's ``MarketCreated``."""

    symbol: str
    base_asset: str
    quote_asset: str
    base_decimals: int
    quote_decimals: int
    tick_size: str
    lot_size: str


class Market:
    """A registered market and the integers derived from its definition.

    ``base_minor_per_lot`` is a lot in base minor units (always whole); a price of one tick for
    one lot is ``quote_numerator / quote_denominator`` quote minor units, a fraction in lowest
    terms, so that ``amounts`` needs integer arithmetic only.
    """

    __slots__ = ("base_minor_per_lot", "quote_denominator", "quote_numerator", "record")

    def __init__(
        self,
        record: MarketRecord,
        base_minor_per_lot: int,
        quote_numerator: int,
        quote_denominator: int,
    ) -> None:
        self.record: Final = record
        self.base_minor_per_lot: Final = base_minor_per_lot
        self.quote_numerator: Final = quote_numerator
        self.quote_denominator: Final = quote_denominator


class ObligationRecord(msgspec.Struct, frozen=True):
    """One trade's settlement obligation. ``instruction_id`` is ``""`` while pending."""

    obligation_id: str
    symbol: str
    trade_id: int
    price_ticks: int
    quantity_lots: int
    maker_side: Side
    buyer: Party
    seller: Party
    base_asset: str
    quote_asset: str
    base_minor: int
    quote_minor: int
    buyer_fee_minor: int
    seller_fee_minor: int
    cycle: int
    status: ObligationStatus
    instruction_id: str


class InstructionRecord(msgspec.Struct, frozen=True):
    """One settlement instruction. A failed one keeps the ledger's rejection."""

    instruction_id: str
    cycle: int
    obligation_ids: tuple[str, ...]
    hold_ids: tuple[str, ...]
    postings: tuple[SettlementLeg, ...]
    status: InstructionStatus
    failure_code: int
    failure_name: str
    failure_message: str


class PositionRecord(msgspec.Struct, frozen=True):
    """A settled net position: what settlements moved for one account in one asset."""

    broker_id: str
    account_id: str
    asset: str
    amount_minor: int


class WithdrawalRecord(msgspec.Struct, frozen=True):
    """A withdrawal clearing co-signed."""

    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int


class ClearingState:
    """Everything clearing knows. Mutated only by ``machine.evolve``."""

    __slots__ = (
        "cycle",
        "instructions",
        "markets",
        "mode",
        "next_instruction",
        "obligations",
        "open_obligations",
        "positions",
        "withdrawals",
    )

    def __init__(self) -> None:
        self.mode = SettlementMode.PER_TRADE
        #: The cycle new obligations join; ``CloseCycle`` advances it.
        self.cycle = 1
        #: The number the next instruction gets (``settle:<n>``).
        self.next_instruction = 1
        self.markets: dict[str, Market] = {}
        #: Every obligation ever recorded, by id (settled and failed ones too).
        self.obligations: dict[str, ObligationRecord] = {}
        #: Ids of the obligations pending or instructed, in the order recorded. Derived from
        #: ``obligations``; not hashed. Bounded by ``clearing_open_obligations_max``.
        self.open_obligations: dict[str, None] = {}
        self.instructions: dict[str, InstructionRecord] = {}
        #: (broker_id, account_id, asset) -> net settled amount; zero entries are removed.
        self.positions: dict[tuple[str, str, str], int] = {}
        self.withdrawals: dict[str, WithdrawalRecord] = {}


# --- canonical form: the snapshot and the input of state_hash ------------------------------------

#: Domain label of clearing's state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.clearing.state.v1"


class ClearingSnapshot(msgspec.Struct, frozen=True, tag="clearing.snapshot", tag_field="k"):
    """The whole state, canonically: every list sorted by its id, zero positions left out."""

    mode: SettlementMode
    cycle: int
    next_instruction: int
    markets: tuple[MarketRecord, ...]
    obligations: tuple[ObligationRecord, ...]
    instructions: tuple[InstructionRecord, ...]
    positions: tuple[PositionRecord, ...]
    withdrawals: tuple[WithdrawalRecord, ...]
