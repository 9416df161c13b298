"""The venue's commands, and the enums its commands, events and state share.

A command is what the kernel asks of the venue; ``machine.decide`` answers it with events or a
``Rejection``. Commands are immutable ``msgspec`` structs tagged ``venue.<name>`` in the field
``k``, so that a journal entry names its command kind in its first field. Like events they are
``gc=False``: they hold only strings, ints, enum members and tuples of strings, so they cannot
be part of a reference cycle.

Units: prices are integer counts of the market's tick (``price_ticks``), quantities integer counts
of its lot (``quantity_lots``), and a notional or quote amount is in *tick-lots*
(``price_ticks * quantity_lots``; one tick-lot is ``tick_size * lot_size`` quote units). The venue
never sees decimals except in a market's definition (``tick_size``, ``lot_size``), and converts
text only at the boundary (``machine.price_ticks_from_text``).

Accounts: ``account_id`` is the beneficial trading account as the broker names it. The venue has
no account of its own. The operator's and affiliates' accounts are registered with
``RestrictAccount`` (venue-wide) or ``CreateMarket.restricted_accounts`` (one market), and any
order from them is refused with ``RESTRICTED_ACCOUNT``.
"""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TypeAlias

import msgspec

from seawall.core.ids import AccountId, AssetCode

__all__ = [
    "AccountRole",
    "AmendOrder",
    "CancelOrder",
    "CreateMarket",
    "HaltMarket",
    "MarketStatus",
    "OrderType",
    "PlaceOrder",
    "RestrictAccount",
    "ResumeMarket",
    "Side",
    "StpMode",
    "TimeInForce",
    "UnrestrictAccount",
    "VenueCommand",
]


@unique
class Side(IntEnum):
    BUY = 1
    SELL = 2


@unique
class OrderType(IntEnum):
    #: Trades up to its limit price; what is left rests (GTC) or expires (IOC, FOK).
    LIMIT = 1
    #: Trades at whatever the book offers (within the price band, when the market has one);
    #: sized in base lots or in quote tick-lots; what is left expires. Time in force IOC.
    MARKET = 2
    #: Post-only: rests as a maker, or is refused (``POST_ONLY_WOULD_TAKE``) if it would trade
    #: on arrival. Time in force GTC.
    LIMIT_MAKER = 3


@unique
class TimeInForce(IntEnum):
    #: Good till cancelled: the remainder rests in the book.
    GTC = 1
    #: Immediate or cancel: the remainder expires.
    IOC = 2
    #: Fill or kill: fills in full at once, or is refused (``FOK_CANNOT_FILL``) and leaves no trace.
    FOK = 3


@unique
class StpMode(IntEnum):
    """Self-trade prevention, with Binance's semantics. The *taker's* mode decides.

    A taker and a maker are the same owner when they have the same ``account_id``, or when both
    name the same non-empty ``stp_group`` (the broker sets it to the beneficial owner, so that one
    owner's several accounts never trade with each other). Meeting such a maker, the taker:
    """

    #: trades with it as with anybody else;
    NONE = 1
    #: expires (its remainder), leaving the maker in the book;
    EXPIRE_TAKER = 2
    #: expires the maker and goes on matching;
    EXPIRE_MAKER = 3
    #: expires the maker and itself.
    EXPIRE_BOTH = 4


@unique
class MarketStatus(IntEnum):
    TRADING = 1
    #: Takes cancels, refuses new orders and amendments; the book stays as it was.
    HALTED = 2


@unique
class AccountRole(IntEnum):
    """Why an account may not trade at the venue."""

    OPERATOR = 1
    AFFILIATE = 2


class CreateMarket(msgspec.Struct, frozen=True, gc=False, tag="venue.create_market", tag_field="k"):
    """List a market. ``tick_size`` and ``lot_size`` are decimal strings (``core.units.Step``).

    ``min_notional_tick_lots``: the least ``price_ticks * quantity_lots`` a limit order (or the
    least quote amount a quote-sized market order) may have; 0 for none.
    ``price_band_bps``: limit prices must lie within this many basis points of the last trade
    price (or ``reference_price_ticks`` before the first trade); 0 for no band.
    ``restricted_accounts``: accounts barred from trading in this market (a listing sponsor, the
    issuer's market maker, ...), in addition to the venue-wide ones.
    """

    symbol: str
    base_asset: AssetCode
    quote_asset: AssetCode
    tick_size: str
    lot_size: str
    min_notional_tick_lots: int = 0
    price_band_bps: int = 0
    reference_price_ticks: int = 0
    restricted_accounts: tuple[AccountId, ...] = ()


class HaltMarket(msgspec.Struct, frozen=True, gc=False, tag="venue.halt_market", tag_field="k"):
    symbol: str


class ResumeMarket(msgspec.Struct, frozen=True, gc=False, tag="venue.resume_market", tag_field="k"):
    symbol: str


class RestrictAccount(
    msgspec.Struct, frozen=True, gc=False, tag="venue.restrict_account", tag_field="k"
):
    """Register an operator or affiliate account: it may not trade, and its live orders in
    every market are cancelled."""

    account_id: AccountId
    role: AccountRole


class UnrestrictAccount(
    msgspec.Struct, frozen=True, gc=False, tag="venue.unrestrict_account", tag_field="k"
):
    account_id: AccountId


class PlaceOrder(msgspec.Struct, frozen=True, gc=False, tag="venue.place_order", tag_field="k"):
    """A new order.

    LIMIT and LIMIT_MAKER give ``price_ticks`` and ``quantity_lots``. MARKET gives no price and
    exactly one of ``quantity_lots`` (base) or ``quote_quantity_tick_lots`` (like Binance's
    ``quoteOrderQty``: it spends, or receives, at most that much, in whole lots).
    ``client_order_id`` (optional, empty for none) is unique among the account's live orders.
    """

    symbol: str
    account_id: AccountId
    side: Side
    order_type: OrderType = OrderType.LIMIT
    time_in_force: TimeInForce = TimeInForce.GTC
    price_ticks: int = 0
    quantity_lots: int = 0
    quote_quantity_tick_lots: int = 0
    client_order_id: str = ""
    stp_mode: StpMode = StpMode.NONE
    stp_group: str = ""


class CancelOrder(msgspec.Struct, frozen=True, gc=False, tag="venue.cancel_order", tag_field="k"):
    """Cancel a live order, named by exactly one of ``order_id`` or ``client_order_id``."""

    symbol: str
    account_id: AccountId
    order_id: int = 0
    client_order_id: str = ""


class AmendOrder(msgspec.Struct, frozen=True, gc=False, tag="venue.amend_order", tag_field="k"):
    """Change a live order's price and/or total quantity (cancel-replace keeping the order id).

    ``quantity_lots`` is the new *total* quantity, as in Binance's order amend: what is already
    filled counts towards it, so the new open quantity is ``quantity_lots - filled``, and it must
    be above what is filled. A lower quantity at the same price keeps the order's place in the
    queue; any price change or a higher quantity sends it to the back of its (new) level, and a
    new price that crosses the book trades at once, as a taker.
    """

    symbol: str
    account_id: AccountId
    price_ticks: int
    quantity_lots: int
    order_id: int = 0
    client_order_id: str = ""


VenueCommand: TypeAlias = (
    CreateMarket
    | HaltMarket
    | ResumeMarket
    | RestrictAccount
    | UnrestrictAccount
    | PlaceOrder
    | CancelOrder
    | AmendOrder
)
