"""Read models the API serves from: what Binance's endpoints and streams show, kept up to date
from the market's journal entries (``Market.listeners``), and fed only *committed* entries.

* per market: trades (the venue's trade ids, contiguous from 1, as Binance's are), aggregate
  trades (a taker's consecutive fills at one price), klines in every Binance interval, the order
  book by price level with ``update_id`` = the venue's last ``BookDelta.update_seq`` applied (so
  a REST snapshot's ``lastUpdateId`` and the diff stream's ``U``/``u`` count the same thing), and
  the market's status;
* per client of a broker: its orders (Binance's view of each: status, executed quantity,
  cumulative quote, times) and its fills (``myTrades``).

Everything is built from events, so that ``ReadModels.rebuild`` reaches the same models from
the journal after a restart as the live server had. ``apply`` returns a ``Changes`` record of
what each batch changed, which the streams publish.
"""

from __future__ import annotations

import bisect
import heapq
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

from seawall.api.formatting import MarketFormat
from seawall.broker import events as be
from seawall.broker.state import OrderStatus
from seawall.kernel.market import Sequenced
from seawall.venue import events as ve

__all__ = [
    "INTERVALS",
    "AggTrade",
    "Changes",
    "Fill",
    "Kline",
    "MarketData",
    "OrderSnapshot",
    "OrderView",
    "ReadModels",
    "TradeRecord",
    "bar_bounds",
]

#: Binance's kline intervals and their lengths in ms (``1M`` is a calendar month).
INTERVALS: Final[dict[str, int]] = {
    "1s": 1_000,
    "1m": 60_000,
    "3m": 180_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "2h": 7_200_000,
    "4h": 14_400_000,
    "6h": 21_600_000,
    "8h": 28_800_000,
    "12h": 43_200_000,
    "1d": 86_400_000,
    "3d": 259_200_000,
    "1w": 604_800_000,
    "1M": 0,
}
_MONDAY_OFFSET_MS: Final = 4 * 86_400_000  # 1970-01-01 was a Thursday
DAY_MS: Final = 86_400_000

_STATUS: Final = {
    OrderStatus.PENDING_HOLD: "PENDING_NEW",
    OrderStatus.OPEN: "NEW",
    OrderStatus.PARTIALLY_FILLED: "PARTIALLY_FILLED",
    OrderStatus.FILLED: "FILLED",
    OrderStatus.CANCELED: "CANCELED",
    OrderStatus.EXPIRED: "EXPIRED",
    OrderStatus.REJECTED: "REJECTED",
}
#: The venue's refusal of a fill-or-kill order is, in Binance's words, an expired order.
FOK_CANNOT_FILL: Final = 3066


def bar_bounds(interval: str, time_ms: int) -> tuple[int, int]:
    """``(open_ms, close_ms)`` of the ``interval`` bar holding ``time_ms`` (Binance's: weeks
    from Monday, months by the calendar, all in UTC)."""
    length = INTERVALS[interval]
    if length == 0:
        moment = datetime.fromtimestamp(time_ms / 1000, tz=UTC)
        start = datetime(moment.year, moment.month, 1, tzinfo=UTC)
        year, month = (
            (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        )
        end = datetime(year, month, 1, tzinfo=UTC)
        return int(start.timestamp() * 1000), int(end.timestamp() * 1000) - 1
    if interval == "1w":
        open_ms = time_ms - (time_ms - _MONDAY_OFFSET_MS) % length
    else:
        open_ms = time_ms - time_ms % length
    return open_ms, open_ms + length - 1


class TradeRecord:
    __slots__ = ("buyer_maker", "price_ticks", "quantity_lots", "time_ms", "trade_id")

    def __init__(
        self, trade_id: int, price_ticks: int, quantity_lots: int, time_ms: int, buyer_maker: bool
    ) -> None:
        self.trade_id = trade_id
        self.price_ticks = price_ticks
        self.quantity_lots = quantity_lots
        self.time_ms = time_ms
        self.buyer_maker = buyer_maker


class AggTrade:
    __slots__ = (
        "agg_id",
        "buyer_maker",
        "first_id",
        "last_id",
        "price_ticks",
        "quantity_lots",
        "time_ms",
    )

    def __init__(
        self, agg_id: int, price_ticks: int, first_id: int, time_ms: int, buyer_maker: bool
    ) -> None:
        self.agg_id = agg_id
        self.price_ticks = price_ticks
        self.quantity_lots = 0
        self.first_id = first_id
        self.last_id = first_id
        self.time_ms = time_ms
        self.buyer_maker = buyer_maker


class Kline:
    __slots__ = (
        "close_ms",
        "close_ticks",
        "count",
        "first_id",
        "high_ticks",
        "last_id",
        "low_ticks",
        "open_ms",
        "open_ticks",
        "quote_tick_lots",
        "taker_buy_lots",
        "taker_buy_tick_lots",
        "volume_lots",
    )

    def __init__(self, open_ms: int, close_ms: int, price_ticks: int, trade_id: int) -> None:
        self.open_ms = open_ms
        self.close_ms = close_ms
        self.open_ticks = self.high_ticks = self.low_ticks = self.close_ticks = price_ticks
        self.volume_lots = 0
        self.quote_tick_lots = 0
        self.taker_buy_lots = 0
        self.taker_buy_tick_lots = 0
        self.count = 0
        self.first_id = trade_id
        self.last_id = trade_id

    def add(self, trade: TradeRecord) -> None:
        price = trade.price_ticks
        self.high_ticks = max(self.high_ticks, price)
        self.low_ticks = min(self.low_ticks, price)
        self.close_ticks = price
        lots = trade.quantity_lots
        self.volume_lots += lots
        self.quote_tick_lots += price * lots
        if not trade.buyer_maker:
            self.taker_buy_lots += lots
            self.taker_buy_tick_lots += price * lots
        self.count += 1
        self.last_id = trade.trade_id


class MarketData:
    """One market's public data."""

    def __init__(
        self,
        fmt: MarketFormat,
        min_notional_tick_lots: int,
        price_band_bps: int,
        trades_kept: int,
        klines_kept: int,
    ) -> None:
        self.fmt = fmt
        self.symbol = fmt.symbol
        self.min_notional_tick_lots = min_notional_tick_lots
        self.price_band_bps = price_band_bps
        self.status = "TRADING"
        self.retail_admitted = False
        self.trades: deque[TradeRecord] = deque(maxlen=trades_kept)
        self.aggs: deque[AggTrade] = deque(maxlen=trades_kept)
        self.next_agg_id = 1
        self.klines_kept = klines_kept
        self.klines: dict[str, list[Kline]] = {name: [] for name in INTERVALS}
        self.kline_opens: dict[str, list[int]] = {name: [] for name in INTERVALS}
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.update_id = 0

    # --- trades and klines -----------------------------------------------------------------

    def add_trade(self, trade: TradeRecord) -> None:
        self.trades.append(trade)
        for interval, bars in self.klines.items():
            opens = self.kline_opens[interval]
            if bars and bars[-1].open_ms <= trade.time_ms <= bars[-1].close_ms:
                bars[-1].add(trade)
                continue
            open_ms, close_ms = bar_bounds(interval, trade.time_ms)
            bar = Kline(open_ms, close_ms, trade.price_ticks, trade.trade_id)
            bar.add(trade)
            bars.append(bar)
            opens.append(open_ms)
            if len(bars) > self.klines_kept * 2:
                del bars[: self.klines_kept]
                del opens[: self.klines_kept]

    def trades_from(self, from_id: int | None, limit: int) -> list[TradeRecord]:
        """``limit`` trades from id ``from_id`` on, or the latest ``limit``."""
        trades = self.trades
        if not trades:
            return []
        if from_id is None:
            count = min(limit, len(trades))
            return [trades[i] for i in range(len(trades) - count, len(trades))]
        start = max(0, from_id - trades[0].trade_id)
        return [trades[i] for i in range(start, min(len(trades), start + limit))]

    def klines_between(
        self, interval: str, start_ms: int | None, end_ms: int | None, limit: int
    ) -> list[Kline]:
        bars = self.klines[interval]
        opens = self.kline_opens[interval]
        if start_ms is not None:
            if not bars or start_ms > bars[-1].close_ms:
                # No bar ends after it (and a month bar of a time past year 9999 has no bounds).
                return []
            first = bisect.bisect_left(opens, bar_bounds(interval, start_ms)[0])
            last = len(bars) if end_ms is None else bisect.bisect_right(opens, end_ms)
            return bars[first : min(last, first + limit)]
        last = len(bars) if end_ms is None else bisect.bisect_right(opens, end_ms)
        return bars[max(0, last - limit) : last]

    def window(self, now_ms: int, length_ms: int) -> tuple[list[Kline], int]:
        """The 1-minute bars of the last ``length_ms`` (a rolling window, to the minute), and
        the close before them (0 if none)."""
        bars = self.klines["1m"]
        opens = self.kline_opens["1m"]
        first = bisect.bisect_left(opens, now_ms - length_ms)
        previous = bars[first - 1].close_ticks if first > 0 else 0
        return bars[first:], previous

    # --- the book ----------------------------------------------------------------------------

    def apply_delta(self, delta: ve.BookDelta) -> None:
        side = self.bids if int(delta.side) == 1 else self.asks
        if delta.quantity_lots:
            side[delta.price_ticks] = delta.quantity_lots
        else:
            side.pop(delta.price_ticks, None)
        self.update_id = delta.update_seq

    def top(self, depth: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """The best ``depth`` levels of each side: bids high to low, asks low to high."""
        bids = self.bids
        asks = self.asks
        bid_prices = (
            sorted(bids, reverse=True) if depth >= len(bids) else heapq.nlargest(depth, bids)
        )
        ask_prices = sorted(asks) if depth >= len(asks) else heapq.nsmallest(depth, asks)
        return [(p, bids[p]) for p in bid_prices], [(p, asks[p]) for p in ask_prices]

    def best(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        bid = max(self.bids) if self.bids else None
        ask = min(self.asks) if self.asks else None
        return (
            None if bid is None else (bid, self.bids[bid]),
            None if ask is None else (ask, self.asks[ask]),
        )


class OrderView:
    """One order as Binance shows it."""

    __slots__ = (
        "account_id",
        "broker_id",
        "broker_order_id",
        "client_order_id",
        "closed",
        "cum_quote_minor",
        "filled_lots",
        "order_id",
        "order_type",
        "price_ticks",
        "quantity_lots",
        "quote_quantity_minor",
        "reject_code",
        "reject_message",
        "side",
        "status",
        "stp",
        "symbol",
        "time_in_force",
        "time_ms",
        "update_ms",
        "venue_order_id",
        "working_ms",
    )

    def __init__(self, event: be.OrderAccepted, time_ms: int) -> None:
        self.broker_id = event.broker_id
        self.broker_order_id = event.broker_order_id
        self.order_id = int(event.broker_order_id.rpartition("-")[2])
        self.account_id = event.account_id
        self.client_order_id = event.client_order_id
        self.symbol = event.symbol
        self.side = event.side.name
        self.order_type = event.order_type.name
        self.time_in_force = event.time_in_force.name
        self.price_ticks = event.price_ticks
        self.quantity_lots = event.quantity_lots
        self.quote_quantity_minor = event.quote_quantity_minor
        self.stp = event.stp_mode.name
        self.status = "PENDING_NEW"
        self.filled_lots = 0
        self.cum_quote_minor = 0
        self.time_ms = time_ms
        self.update_ms = time_ms
        self.working_ms = -1
        self.venue_order_id = 0
        self.closed = False
        self.reject_code = 0
        self.reject_message = ""

    @property
    def is_open(self) -> bool:
        return self.status in ("NEW", "PARTIALLY_FILLED")


@dataclass(slots=True)
class Fill:
    """One of a client's fills (a ``myTrades`` row)."""

    symbol: str
    trade_id: int
    order_id: int
    price_ticks: int
    quantity_lots: int
    quote_minor: int
    fee_minor: int
    fee_asset: str
    time_ms: int
    is_buyer: bool
    is_maker: bool


AccountKey = tuple[str, str]


class OrderSnapshot(NamedTuple):
    """An order as of one event: ``(view, status, filled_lots, cum_quote_minor)``."""

    view: OrderView
    status: str
    filled_lots: int
    cum_quote_minor: int


@dataclass(slots=True)
class Changes:
    """What one batch of committed entries changed, for the streams."""

    trades: list[tuple[MarketData, TradeRecord]] = field(default_factory=list)
    aggs: list[tuple[MarketData, AggTrade]] = field(default_factory=list)
    #: symbol -> the market's deltas in order
    deltas: dict[str, list[ve.BookDelta]] = field(default_factory=dict)
    #: events for watched accounts: (account, entry time, broker event, the order as of it)
    user: list[tuple[AccountKey, int, Any, OrderSnapshot | None]] = field(default_factory=list)
    #: watched accounts whose balances may have changed
    balances: set[AccountKey] = field(default_factory=set)
    last_time_ms: int = 0


class ReadModels:
    """Every read model, fed entry by entry (``apply``)."""

    def __init__(self, trades_kept: int = 100_000, klines_kept: int = 1_500) -> None:
        self.trades_kept = trades_kept
        self.klines_kept = klines_kept
        self.markets: dict[str, MarketData] = {}
        self.orders: dict[str, OrderView] = {}
        self.account_orders: dict[AccountKey, list[str]] = {}
        #: orders not yet closed, per account (a filled order until the broker closes it)
        self.live_orders: dict[AccountKey, dict[str, None]] = {}
        self.client_ids: dict[tuple[str, str, str], str] = {}
        self.fills: dict[AccountKey, list[Fill]] = {}
        self._venue_markets: dict[str, ve.MarketCreated] = {}
        #: Whether anyone watches an account's user data (set by the streams).
        self.watched: Callable[[AccountKey], bool] = lambda _key: False
        self.last_seq = 0

    def market(self, symbol: str) -> MarketData | None:
        return self.markets.get(symbol)

    def order(self, broker_id: str, account_id: str, order_id: int) -> OrderView | None:
        found = self.orders.get(f"{broker_id}-{order_id:08d}")
        if found is None or found.account_id != account_id:
            return None
        return found

    def order_by_client_id(
        self, broker_id: str, account_id: str, client_order_id: str
    ) -> OrderView | None:
        boid = self.client_ids.get((broker_id, account_id, client_order_id))
        return None if boid is None else self.orders.get(boid)

    def orders_of(self, broker_id: str, account_id: str) -> list[OrderView]:
        return [self.orders[boid] for boid in self.account_orders.get((broker_id, account_id), ())]

    def apply_all(self, entries: Iterable[Sequenced]) -> Changes:
        changes = Changes()
        for entry in entries:
            self.apply(entry, changes)
        return changes

    def apply(self, entry: Sequenced, changes: Changes) -> None:
        self.last_seq = entry.seq
        if entry.rejection is not None or not entry.events:
            return
        time_ms = entry.timestamp_ns // 1_000_000
        changes.last_time_ms = time_ms
        agg: AggTrade | None = None
        agg_key: tuple[str, int, int] | None = None
        agg_market: MarketData | None = None
        for event in entry.events:
            kind = type(event)
            if kind is ve.BookDelta:
                data = self.markets.get(event.symbol)
                if data is not None:
                    data.apply_delta(event)
                    changes.deltas.setdefault(event.symbol, []).append(event)
            elif kind is ve.Trade:
                data = self.markets.get(event.symbol)
                if data is None:
                    continue
                buyer_maker = int(event.aggressor_side) == 2
                trade = TradeRecord(
                    event.trade_id, event.price_ticks, event.quantity_lots, time_ms, buyer_maker
                )
                data.add_trade(trade)
                changes.trades.append((data, trade))
                key = (event.symbol, event.taker_order_id, event.price_ticks)
                if agg is None or key != agg_key:
                    if agg is not None and agg_market is not None:
                        changes.aggs.append((agg_market, agg))
                    agg = AggTrade(
                        data.next_agg_id, event.price_ticks, event.trade_id, time_ms, buyer_maker
                    )
                    data.next_agg_id += 1
                    data.aggs.append(agg)
                    agg_key = key
                    agg_market = data
                agg.quantity_lots += event.quantity_lots
                agg.last_id = event.trade_id
            elif kind in _BROKER_HANDLERS:
                _BROKER_HANDLERS[kind](self, event, time_ms, changes)
            elif kind is ve.MarketCreated:
                self._venue_markets[event.symbol] = event
            elif kind is ve.MarketHalted or kind is ve.MarketResumed:
                data = self.markets.get(event.symbol)
                if data is not None:
                    data.status = "HALT" if kind is ve.MarketHalted else "TRADING"
        if agg is not None and agg_market is not None:
            changes.aggs.append((agg_market, agg))

    # --- broker events -------------------------------------------------------------------------

    def _market_listed(self, event: be.MarketListed, time_ms: int, changes: Changes) -> None:
        venue = self._venue_markets.get(event.symbol)
        fmt = MarketFormat(
            event.symbol,
            event.base_asset,
            event.quote_asset,
            event.tick_size,
            event.lot_size,
            event.base_decimals,
            event.quote_decimals,
        )
        self.markets[event.symbol] = MarketData(
            fmt,
            0 if venue is None else venue.min_notional_tick_lots,
            event.price_band_bps,
            self.trades_kept,
            self.klines_kept,
        )

    def _retail(self, event: be.RetailAdmissionSet, time_ms: int, changes: Changes) -> None:
        data = self.markets.get(event.symbol)
        if data is not None:
            data.retail_admitted = event.admitted

    def _accepted(self, event: be.OrderAccepted, time_ms: int, changes: Changes) -> None:
        view = OrderView(event, time_ms)
        self.orders[event.broker_order_id] = view
        key = (event.broker_id, event.account_id)
        self.account_orders.setdefault(key, []).append(event.broker_order_id)
        self.live_orders.setdefault(key, {})[event.broker_order_id] = None
        if event.client_order_id:
            self.client_ids[(event.broker_id, event.account_id, event.client_order_id)] = (
                event.broker_order_id
            )
        self._touch(key, event, time_ms, changes)

    def _opened(self, event: be.OrderOpened, time_ms: int, changes: Changes) -> None:
        view = self.orders.get(event.broker_order_id)
        if view is None:
            return
        view.status = "NEW"
        view.venue_order_id = event.venue_order_id
        view.working_ms = time_ms
        view.update_ms = time_ms
        self._touch((view.broker_id, view.account_id), event, time_ms, changes)

    def _rejected(self, event: be.OrderRejected, time_ms: int, changes: Changes) -> None:
        view = self.orders.get(event.broker_order_id)
        if view is None:
            return
        view.status = "EXPIRED" if event.code == FOK_CANNOT_FILL else "REJECTED"
        view.reject_code = event.code
        view.reject_message = event.message
        view.closed = True
        view.update_ms = time_ms
        self._forget(view)
        self._touch((view.broker_id, view.account_id), event, time_ms, changes)

    def _filled(self, event: be.FillApplied, time_ms: int, changes: Changes) -> None:
        view = self.orders.get(event.broker_order_id)
        if view is None:
            return
        view.status = _STATUS[event.status]
        view.filled_lots += event.quantity_lots
        view.cum_quote_minor += event.quote_minor
        view.update_ms = time_ms
        key = (view.broker_id, view.account_id)
        self.fills.setdefault(key, []).append(
            Fill(
                symbol=event.symbol,
                trade_id=event.trade_id,
                order_id=view.order_id,
                price_ticks=event.price_ticks,
                quantity_lots=event.quantity_lots,
                quote_minor=event.quote_minor,
                fee_minor=event.fee_minor,
                fee_asset=event.fee_asset,
                time_ms=time_ms,
                is_buyer=int(event.side) == 1,
                is_maker=event.is_maker,
            )
        )
        self._touch(key, event, time_ms, changes)

    def _closed(self, event: be.OrderClosed, time_ms: int, changes: Changes) -> None:
        view = self.orders.get(event.broker_order_id)
        if view is None:
            return
        view.closed = True
        self._forget(view)
        if event.status is not OrderStatus.FILLED:
            expired_in_match = event.status is OrderStatus.EXPIRED and event.reason.startswith(
                "stp"
            )
            view.status = "EXPIRED_IN_MATCH" if expired_in_match else _STATUS[event.status]
            view.update_ms = time_ms
        self._touch((view.broker_id, view.account_id), event, time_ms, changes)

    def _balance(self, event: be.BalanceApplied, time_ms: int, changes: Changes) -> None:
        self._touch((event.broker_id, event.account_id), event, time_ms, changes)

    def _forget(self, view: OrderView) -> None:
        live = self.live_orders.get((view.broker_id, view.account_id))
        if live is not None:
            live.pop(view.broker_order_id, None)

    def open_orders_of(self, broker_id: str, account_id: str) -> list[OrderView]:
        """The account's open orders (NEW or PARTIALLY_FILLED), oldest first."""
        live = self.live_orders.get((broker_id, account_id), {})
        return [view for boid in live if (view := self.orders[boid]).is_open]

    def _touch(self, key: AccountKey, event: Any, time_ms: int, changes: Changes) -> None:
        if self.watched(key):
            view = self.orders.get(getattr(event, "broker_order_id", ""))
            snapshot = (
                None
                if view is None
                else OrderSnapshot(view, view.status, view.filled_lots, view.cum_quote_minor)
            )
            changes.user.append((key, time_ms, event, snapshot))
            changes.balances.add(key)


_BROKER_HANDLERS: Final[dict[type[Any], Callable[[ReadModels, Any, int, Changes], None]]] = {
    be.MarketListed: ReadModels._market_listed,
    be.RetailAdmissionSet: ReadModels._retail,
    be.OrderAccepted: ReadModels._accepted,
    be.OrderOpened: ReadModels._opened,
    be.OrderRejected: ReadModels._rejected,
    be.FillApplied: ReadModels._filled,
    be.OrderClosed: ReadModels._closed,
    be.BalanceApplied: ReadModels._balance,
}
