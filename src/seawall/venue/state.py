"""The venue's state, and its canonical view (what is hashed and snapshotted).

``VenueState`` holds the markets, the next order id, and the accounts barred from trading. A
``Market`` holds its definition, its status, the last trade price, its counters (next trade id,
last book-update sequence number), its two ``BookSide``\\ s and a dict from order id to resting
order. Only resting orders are state: a taker that does not rest leaves nothing but events.

``VenueView`` is the canonical, order-independent picture of that state: markets sorted by
symbol, each side's orders in price-time priority (so the queue order is part of the hash),
restricted accounts sorted. ``state_hash`` hashes it, ``snapshot`` encodes it, ``restore``
rebuilds a state from it; the naive ``reference`` book builds the same view from its own lists,
which is how the two are compared.
"""

from __future__ import annotations

from typing import Final

import msgspec

from seawall.core.ids import AccountId, AssetCode
from seawall.venue.book import BookSide, OrderNode, iter_orders
from seawall.venue.commands import AccountRole, MarketStatus, OrderType, Side, StpMode

__all__ = [
    "SNAPSHOT_VERSION",
    "Market",
    "MarketView",
    "OrderView",
    "VenueState",
    "VenueView",
    "market_view",
    "venue_view",
]

#: Bumped whenever the view's shape changes (with an upcaster for older snapshots).
SNAPSHOT_VERSION: Final = 1


class Market:
    """One market: definition, status, counters and book."""

    __slots__ = (
        "asks",
        "base_asset",
        "bids",
        "last_price_ticks",
        "lot_size",
        "min_notional_tick_lots",
        "next_trade_id",
        "orders",
        "price_band_bps",
        "quote_asset",
        "reference_price_ticks",
        "restricted_accounts",
        "status",
        "symbol",
        "tick_size",
        "update_seq",
    )

    def __init__(
        self,
        symbol: str,
        base_asset: AssetCode,
        quote_asset: AssetCode,
        tick_size: str,
        lot_size: str,
        min_notional_tick_lots: int,
        price_band_bps: int,
        reference_price_ticks: int,
        restricted_accounts: tuple[AccountId, ...],
    ) -> None:
        self.symbol: Final = symbol
        self.base_asset: Final = base_asset
        self.quote_asset: Final = quote_asset
        self.tick_size: Final = tick_size
        self.lot_size: Final = lot_size
        self.min_notional_tick_lots: Final = min_notional_tick_lots
        self.price_band_bps: Final = price_band_bps
        self.reference_price_ticks: Final = reference_price_ticks
        #: Sorted, as in ``MarketCreated``; ``frozenset`` copy for O(1) membership.
        self.restricted_accounts: Final = frozenset(restricted_accounts)
        self.status = MarketStatus.TRADING
        #: The last trade's price; before the first trade, the reference price (0: none).
        self.last_price_ticks = reference_price_ticks
        #: The id the next trade gets (trade ids count from 1 per market).
        self.next_trade_id = 1
        #: The last ``BookDelta.update_seq`` issued (0: none yet).
        self.update_seq = 0
        self.bids: Final = BookSide(Side.BUY)
        self.asks: Final = BookSide(Side.SELL)
        #: Resting orders by order id.
        self.orders: dict[int, OrderNode] = {}


class VenueState:
    """Everything the venue knows. Change it only through ``machine.evolve`` or
    ``engine.apply``."""

    __slots__ = ("client_order_ids", "markets", "next_order_id", "restricted_accounts")

    def __init__(self) -> None:
        self.markets: dict[str, Market] = {}
        #: The id the next accepted order gets (venue-wide, from 1).
        self.next_order_id = 1
        #: Operator and affiliate accounts, venue-wide.
        self.restricted_accounts: dict[AccountId, AccountRole] = {}
        #: account -> client order id -> order id, for live (resting) orders with a client id.
        #: Derived from the books; not hashed.
        self.client_order_ids: dict[AccountId, dict[str, int]] = {}


class OrderView(msgspec.Struct, frozen=True, array_like=True):
    order_id: int
    account_id: AccountId
    client_order_id: str
    side: Side
    order_type: OrderType
    price_ticks: int
    open_lots: int
    filled_lots: int
    stp_mode: StpMode
    stp_group: str


class MarketView(msgspec.Struct, frozen=True):
    symbol: str
    base_asset: AssetCode
    quote_asset: AssetCode
    tick_size: str
    lot_size: str
    min_notional_tick_lots: int
    price_band_bps: int
    reference_price_ticks: int
    restricted_accounts: tuple[AccountId, ...]
    status: MarketStatus
    last_price_ticks: int
    next_trade_id: int
    update_seq: int
    #: Price-time priority: best price first, and within a price, first in time first.
    bids: tuple[OrderView, ...]
    asks: tuple[OrderView, ...]


class VenueView(msgspec.Struct, frozen=True):
    version: int
    next_order_id: int
    #: ``(account_id, role)`` sorted by account id.
    restricted_accounts: tuple[tuple[AccountId, AccountRole], ...]
    #: Sorted by symbol.
    markets: tuple[MarketView, ...]


def _order_views(side: BookSide) -> tuple[OrderView, ...]:
    return tuple(
        OrderView(
            order_id=node.order_id,
            account_id=node.account_id,
            client_order_id=node.client_order_id,
            side=node.side,
            order_type=node.order_type,
            price_ticks=node.price_ticks,
            open_lots=node.open_lots,
            filled_lots=node.filled_lots,
            stp_mode=node.stp_mode,
            stp_group=node.stp_group,
        )
        for node in iter_orders(side)
    )


def market_view(market: Market) -> MarketView:
    return MarketView(
        symbol=market.symbol,
        base_asset=market.base_asset,
        quote_asset=market.quote_asset,
        tick_size=market.tick_size,
        lot_size=market.lot_size,
        min_notional_tick_lots=market.min_notional_tick_lots,
        price_band_bps=market.price_band_bps,
        reference_price_ticks=market.reference_price_ticks,
        restricted_accounts=tuple(sorted(market.restricted_accounts)),
        status=market.status,
        last_price_ticks=market.last_price_ticks,
        next_trade_id=market.next_trade_id,
        update_seq=market.update_seq,
        bids=_order_views(market.bids),
        asks=_order_views(market.asks),
    )


def venue_view(state: VenueState) -> VenueView:
    return VenueView(
        version=SNAPSHOT_VERSION,
        next_order_id=state.next_order_id,
        restricted_accounts=tuple(
            (account, state.restricted_accounts[account])
            for account in sorted(state.restricted_accounts)
        ),
        markets=tuple(market_view(state.markets[symbol]) for symbol in sorted(state.markets)),
    )
