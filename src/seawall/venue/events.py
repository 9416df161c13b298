"""The venue's events: what happened, as immutable facts that ``machine.evolve`` applies.

Every event is a frozen ``msgspec`` struct tagged ``venue.<name>`` in the field ``k``; numbers are
integers (ticks, lots, tick-lots, ids, sequence numbers), never floats. Events are ``gc=False``:
they hold only strings, ints and enum members, so they can never be part of a reference cycle,
and keeping the garbage collector off them makes the hot path about three times cheaper per
event.

The events of one command come in a fixed order, which ``evolve`` relies on and the diff feed
can show as is:

1. ``OrderAccepted`` (a new order) or ``OrderAmended`` (an amendment), or the ``OrderCancelled``
   of a cancel;
2. for each maker the taker meets, in price-time priority: a ``Trade``, or an ``OrderExpired``
   with ``STP_MAKER`` when self-trade prevention expires the maker;
3. the taker's own ``OrderExpired`` when its remainder cannot rest (IOC or MARKET remainder, or
   self-trade prevention);
4. one ``BookDelta`` per price level whose total changed: bids first (best, i.e. highest, price
   first), then asks (best, i.e. lowest, first). ``update_seq`` counts a market's deltas from 1
   without gaps, so a diff-feed reader detects a lost message.

A taker's remainder that is not expired rests in the book; no separate event says so: the
``BookDelta`` of its level shows it.
"""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TypeAlias

import msgspec

from seawall.core.ids import AccountId, AssetCode
from seawall.venue.commands import AccountRole, OrderType, Side, StpMode, TimeInForce

__all__ = [
    "AccountRestricted",
    "AccountUnrestricted",
    "BookDelta",
    "CancelReason",
    "ExpireReason",
    "MarketCreated",
    "MarketHalted",
    "MarketResumed",
    "OrderAccepted",
    "OrderAmended",
    "OrderCancelled",
    "OrderExpired",
    "Trade",
    "VenueEvent",
]


@unique
class CancelReason(IntEnum):
    #: The account asked for it (``CancelOrder``).
    USER = 1
    #: The account was registered as the operator's or an affiliate's (``RestrictAccount``).
    RESTRICTED_ACCOUNT = 2


@unique
class ExpireReason(IntEnum):
    #: What an IOC limit order or a MARKET order could not fill at once.
    IOC_REMAINDER = 1
    #: Self-trade prevention expired the taker (``EXPIRE_TAKER`` or ``EXPIRE_BOTH``).
    STP_TAKER = 2
    #: Self-trade prevention expired this resting maker (``EXPIRE_MAKER`` or ``EXPIRE_BOTH``).
    STP_MAKER = 3


class MarketCreated(
    msgspec.Struct, frozen=True, gc=False, tag="venue.market_created", tag_field="k"
):
    """A market is listed, TRADING, with an empty book. ``restricted_accounts`` is sorted."""

    symbol: str
    base_asset: AssetCode
    quote_asset: AssetCode
    tick_size: str
    lot_size: str
    min_notional_tick_lots: int
    price_band_bps: int
    reference_price_ticks: int
    restricted_accounts: tuple[AccountId, ...]


class MarketHalted(msgspec.Struct, frozen=True, gc=False, tag="venue.market_halted", tag_field="k"):
    symbol: str


class MarketResumed(
    msgspec.Struct, frozen=True, gc=False, tag="venue.market_resumed", tag_field="k"
):
    symbol: str


class AccountRestricted(
    msgspec.Struct, frozen=True, gc=False, tag="venue.account_restricted", tag_field="k"
):
    account_id: AccountId
    role: AccountRole


class AccountUnrestricted(
    msgspec.Struct, frozen=True, gc=False, tag="venue.account_unrestricted", tag_field="k"
):
    account_id: AccountId


class OrderAccepted(msgspec.Struct, frozen=True, gc=False, tag="venue.accepted", tag_field="k"):
    """The venue took a new order and gave it ``order_id`` (venue-wide, from 1, no gaps)."""

    symbol: str
    order_id: int
    account_id: AccountId
    client_order_id: str
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    price_ticks: int
    quantity_lots: int
    quote_quantity_tick_lots: int
    stp_mode: StpMode
    stp_group: str


class Trade(msgspec.Struct, frozen=True, gc=False, tag="venue.trade", tag_field="k"):
    """A match at the maker's price. ``trade_id`` counts a market's trades from 1, no gaps."""

    symbol: str
    trade_id: int
    price_ticks: int
    quantity_lots: int
    aggressor_side: Side
    maker_order_id: int
    maker_account_id: AccountId
    taker_order_id: int
    taker_account_id: AccountId


class OrderCancelled(msgspec.Struct, frozen=True, gc=False, tag="venue.cancelled", tag_field="k"):
    """A resting order left the book; ``quantity_lots`` is the open quantity it had."""

    symbol: str
    order_id: int
    account_id: AccountId
    reason: CancelReason
    quantity_lots: int


class OrderExpired(msgspec.Struct, frozen=True, gc=False, tag="venue.expired", tag_field="k"):
    """An order's remainder expired. For a quote-sized MARKET order ``quantity_lots`` is 0 and
    ``quote_quantity_tick_lots`` is what it did not spend; otherwise the latter is 0."""

    symbol: str
    order_id: int
    account_id: AccountId
    reason: ExpireReason
    quantity_lots: int
    quote_quantity_tick_lots: int


class OrderAmended(msgspec.Struct, frozen=True, gc=False, tag="venue.amended", tag_field="k"):
    """A resting order now has ``price_ticks`` and total ``quantity_lots``, of which
    ``open_quantity_lots`` are open. Unless ``priority_kept``, it went to the back of its level
    (and may trade as a taker, in the events that follow)."""

    symbol: str
    order_id: int
    account_id: AccountId
    price_ticks: int
    quantity_lots: int
    open_quantity_lots: int
    priority_kept: bool


class BookDelta(msgspec.Struct, frozen=True, gc=False, tag="venue.book_delta", tag_field="k"):
    """A price level's new total open quantity (0: the level is gone), for the L2 diff feed."""

    symbol: str
    update_seq: int
    side: Side
    price_ticks: int
    quantity_lots: int


VenueEvent: TypeAlias = (
    MarketCreated
    | MarketHalted
    | MarketResumed
    | AccountRestricted
    | AccountUnrestricted
    | OrderAccepted
    | Trade
    | OrderCancelled
    | OrderExpired
    | OrderAmended
    | BookDelta
)
