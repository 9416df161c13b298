"""What may be asked of clearing: immutable commands, tagged ``"clearing.<name>"``.

Clearing turns the venue's trades into settlement obligations and has them settled
delivery-versus-payment at custody (the ledger), per trade or netted per cycle. Most of its
commands come from the kernel, derived from another institution's event, and are refused
(``NOT_AUTHORISED``) from anyone else:

* ``RegisterMarket`` from the venue's ``MarketCreated`` (with the assets' decimals);
* ``RecordTrade`` from a venue ``Trade``, enriched with both orders' brokers, hold ids and fee
  rates read from the brokers' books;
* ``ConfirmSettlement`` / ``FailSettlement`` from the ledger posting or refusing an
  instruction's ``PostHold``;
* ``CosignWithdrawal`` from custody's withdrawal request, once the ledger holds its funds.

``Configure`` and ``CloseCycle`` are the clearing house's own (its operator, or a schedule).

All amounts are ``int``; no command has a float. Commands are checked by ``machine.decide``,
not on construction, so that a malformed command is journaled with its rejection.
"""

from __future__ import annotations

import msgspec

from seawall.clearing.state import Party, SettlementMode, Side

__all__ = [
    "COMMANDS",
    "ClearingCommand",
    "CloseCycle",
    "Configure",
    "ConfirmSettlement",
    "CosignWithdrawal",
    "FailSettlement",
    "Party",
    "RecordTrade",
    "RegisterMarket",
    "SettlementMode",
    "Side",
]


class Configure(msgspec.Struct, frozen=True, tag="clearing.configure", tag_field="k"):
    """Settle per trade or netted per cycle; only while no obligation is open."""

    mode: SettlementMode


class RegisterMarket(msgspec.Struct, frozen=True, tag="clearing.register_market", tag_field="k"):
    """Kernel only: a market the venue listed. ``tick_size`` and ``lot_size`` are the venue's
    decimal strings; ``base_decimals`` / ``quote_decimals`` are the assets' minor-unit decimals."""

    symbol: str
    base_asset: str
    quote_asset: str
    base_decimals: int
    quote_decimals: int
    tick_size: str
    lot_size: str


class RecordTrade(msgspec.Struct, frozen=True, tag="clearing.record_trade", tag_field="k"):
    """Kernel only: a venue trade, with each side's broker data, to become an obligation."""

    symbol: str
    trade_id: int
    price_ticks: int
    quantity_lots: int
    buyer: Party
    seller: Party
    maker_side: Side


class CloseCycle(msgspec.Struct, frozen=True, tag="clearing.close_cycle", tag_field="k"):
    """Close the current cycle ``cycle``: in netted mode, instruct its pending obligations."""

    cycle: int


class ConfirmSettlement(
    msgspec.Struct, frozen=True, tag="clearing.confirm_settlement", tag_field="k"
):
    """Kernel only: the ledger posted the instruction's transfer."""

    instruction_id: str


class FailSettlement(msgspec.Struct, frozen=True, tag="clearing.fail_settlement", tag_field="k"):
    """Kernel only: the ledger refused the instruction's post, with this rejection."""

    instruction_id: str
    code: int
    name: str
    message: str


class CosignWithdrawal(
    msgspec.Struct, frozen=True, tag="clearing.cosign_withdrawal", tag_field="k"
):
    """Kernel only: co-sign a client's withdrawal unless it could undercut a settlement."""

    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int


#: Every clearing command, decodable by its ``"k"`` tag.
ClearingCommand = (
    Configure
    | RegisterMarket
    | RecordTrade
    | CloseCycle
    | ConfirmSettlement
    | FailSettlement
    | CosignWithdrawal
)

COMMANDS: tuple[type[ClearingCommand], ...] = (
    Configure,
    RegisterMarket,
    RecordTrade,
    CloseCycle,
    ConfirmSettlement,
    FailSettlement,
    CosignWithdrawal,
)
