"""What clearing decided: immutable events, tagged ``"clearing.<name>"``.

``machine.decide`` returns a list of these; ``machine.evolve`` applies them one at a time and
never refuses one. The events of one command come in a fixed order:

* ``RecordTrade``: ``ObligationCreated``, then (per-trade mode) its ``SettlementInstructed``;
* ``CloseCycle``: ``CycleClosed``, then (netted mode) one ``SettlementInstructed`` per
  instruction, in the order of their ids;
* ``ConfirmSettlement``: ``SettlementConfirmed``, then one ``ObligationSettled`` per obligation
  in the instruction's order (each carries what a broker needs to book its fill);
* ``FailSettlement``: one ``SettlementFailed``.

The kernel turns ``SettlementInstructed`` into ``ledger.PostHold(hold_ids,
transfer_id=instruction_id, postings, keep_remainder=True)``; its postings balance per asset.
An instruction with no postings (a lone self-trade without fees: nothing moves at custody) is
settled at once: its ``SettlementConfirmed`` and ``ObligationSettled`` follow it in the same
outcome, and the kernel posts nothing for it.
"""

from __future__ import annotations

import msgspec

from seawall.clearing.state import Party, SettlementLeg, SettlementMode, Side

__all__ = [
    "EVENTS",
    "ClearingEvent",
    "Configured",
    "CycleClosed",
    "MarketRegistered",
    "ObligationCreated",
    "ObligationSettled",
    "SettlementConfirmed",
    "SettlementFailed",
    "SettlementInstructed",
    "SettlementLeg",
    "WithdrawalCosigned",
]


class Configured(msgspec.Struct, frozen=True, tag="clearing.configured", tag_field="k"):
    mode: SettlementMode


class MarketRegistered(
    msgspec.Struct, frozen=True, tag="clearing.market_registered", tag_field="k"
):
    symbol: str
    base_asset: str
    quote_asset: str
    base_decimals: int
    quote_decimals: int
    tick_size: str
    lot_size: str


class ObligationCreated(
    msgspec.Struct, frozen=True, tag="clearing.obligation_created", tag_field="k"
):
    """A trade became an obligation, pending, in ``cycle``. Fees are in the quote asset."""

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


class SettlementInstructed(
    msgspec.Struct, frozen=True, tag="clearing.settlement_instructed", tag_field="k"
):
    """Settle ``obligation_ids`` by one atomic post consuming ``hold_ids`` (for each obligation,
    the buyer's hold then the seller's, each named once, if the postings take from what it
    reserves) and applying ``postings`` (empty only when nothing moves; see above)."""

    instruction_id: str
    obligation_ids: tuple[str, ...]
    hold_ids: tuple[str, ...]
    postings: tuple[SettlementLeg, ...]


class CycleClosed(msgspec.Struct, frozen=True, tag="clearing.cycle_closed", tag_field="k"):
    """Cycle ``cycle`` is closed; new obligations join ``cycle + 1``."""

    cycle: int


class SettlementConfirmed(
    msgspec.Struct, frozen=True, tag="clearing.settlement_confirmed", tag_field="k"
):
    """The ledger posted the instruction; its obligations follow, each ``ObligationSettled``."""

    instruction_id: str
    obligation_ids: tuple[str, ...]


class ObligationSettled(
    msgspec.Struct, frozen=True, tag="clearing.obligation_settled", tag_field="k"
):
    """The obligation settled by ``instruction_id``; the positions now include it."""

    obligation_id: str
    instruction_id: str
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


class SettlementFailed(
    msgspec.Struct, frozen=True, tag="clearing.settlement_failed", tag_field="k"
):
    """The ledger refused the instruction (its rejection ``code``, ``name``, ``message``); its
    obligations failed and nothing of them was applied."""

    instruction_id: str
    obligation_ids: tuple[str, ...]
    code: int
    name: str
    message: str


class WithdrawalCosigned(
    msgspec.Struct, frozen=True, tag="clearing.withdrawal_cosigned", tag_field="k"
):
    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int


#: Every clearing event, decodable by its ``"k"`` tag.
ClearingEvent = (
    Configured
    | MarketRegistered
    | ObligationCreated
    | SettlementInstructed
    | CycleClosed
    | SettlementConfirmed
    | ObligationSettled
    | SettlementFailed
    | WithdrawalCosigned
)

EVENTS: tuple[type[ClearingEvent], ...] = (
    Configured,
    MarketRegistered,
    ObligationCreated,
    SettlementInstructed,
    CycleClosed,
    SettlementConfirmed,
    ObligationSettled,
    SettlementFailed,
    WithdrawalCosigned,
)
