"""JSON bodies in Binance's shapes, built from the read models: orders (ACK / RESULT / FULL,
query, cancel), fills, trades, tickers, the book, and the user-data events
(``executionReport``, ``outboundAccountPosition``, ``balanceUpdate``). REST, the streams and the
WebSocket API all use these, so that one order reads the same everywhere."""

from __future__ import annotations

from typing import Any, Final

from seawall.api.formatting import MarketFormat, amount_text
from seawall.api.readmodels import (
    AggTrade,
    Fill,
    Kline,
    MarketData,
    OrderSnapshot,
    OrderView,
    TradeRecord,
)
from seawall.broker import events as be
from seawall.core.units import format_fixed

__all__ = [
    "DAY_MS",
    "agg_json",
    "balance_entry",
    "book_ticker_json",
    "depth_json",
    "execution_report",
    "fill_json",
    "kline_row",
    "my_trade_json",
    "order_ack",
    "order_cancel_json",
    "order_query_json",
    "order_result",
    "ticker_json",
    "trade_json",
]

DAY_MS: Final = 86_400_000
_ZERO: Final = "0.00000000"


def order_ack(view: OrderView, transact_ms: int) -> dict[str, Any]:
    return {
        "symbol": view.symbol,
        "orderId": view.order_id,
        "orderListId": -1,
        "clientOrderId": view.client_order_id,
        "transactTime": transact_ms,
    }


def _price(fmt: MarketFormat, view: OrderView) -> str:
    return fmt.price(view.price_ticks) if view.price_ticks else _ZERO


def order_result(
    view: OrderView, fmt: MarketFormat, transact_ms: int, fills: list[be.FillApplied] | None
) -> dict[str, Any]:
    """A new order's RESULT body, or FULL when ``fills`` is given."""
    body = order_ack(view, transact_ms)
    body.update(
        price=_price(fmt, view),
        origQty=fmt.qty(view.quantity_lots),
        executedQty=fmt.qty(view.filled_lots),
        origQuoteOrderQty=fmt.quote_minor(view.quote_quantity_minor),
        cummulativeQuoteQty=fmt.quote_minor(view.cum_quote_minor),
        status=view.status,
        timeInForce=view.time_in_force,
        type=view.order_type,
        side=view.side,
        workingTime=view.working_ms,
        selfTradePreventionMode=view.stp,
    )
    if fills is not None:
        body["fills"] = [fill_json(fmt, fill) for fill in fills]
    return body


def fill_json(fmt: MarketFormat, fill: be.FillApplied) -> dict[str, Any]:
    return {
        "price": fmt.price(fill.price_ticks),
        "qty": fmt.qty(fill.quantity_lots),
        "commission": fmt.quote_minor(fill.fee_minor),
        "commissionAsset": fill.fee_asset,
        "tradeId": fill.trade_id,
    }


def order_query_json(view: OrderView, fmt: MarketFormat) -> dict[str, Any]:
    return {
        "symbol": view.symbol,
        "orderId": view.order_id,
        "orderListId": -1,
        "clientOrderId": view.client_order_id,
        "price": _price(fmt, view),
        "origQty": fmt.qty(view.quantity_lots),
        "executedQty": fmt.qty(view.filled_lots),
        "cummulativeQuoteQty": fmt.quote_minor(view.cum_quote_minor),
        "status": view.status,
        "timeInForce": view.time_in_force,
        "type": view.order_type,
        "side": view.side,
        "stopPrice": _ZERO,
        "icebergQty": _ZERO,
        "time": view.time_ms,
        "updateTime": view.update_ms,
        "isWorking": view.working_ms >= 0,
        "workingTime": view.working_ms,
        "origQuoteOrderQty": fmt.quote_minor(view.quote_quantity_minor),
        "selfTradePreventionMode": view.stp,
    }


def order_cancel_json(
    view: OrderView, fmt: MarketFormat, cancel_client_id: str, transact_ms: int
) -> dict[str, Any]:
    return {
        "symbol": view.symbol,
        "origClientOrderId": view.client_order_id,
        "orderId": view.order_id,
        "orderListId": -1,
        "clientOrderId": cancel_client_id,
        "transactTime": transact_ms,
        "price": _price(fmt, view),
        "origQty": fmt.qty(view.quantity_lots),
        "executedQty": fmt.qty(view.filled_lots),
        "origQuoteOrderQty": fmt.quote_minor(view.quote_quantity_minor),
        "cummulativeQuoteQty": fmt.quote_minor(view.cum_quote_minor),
        "status": view.status,
        "timeInForce": view.time_in_force,
        "type": view.order_type,
        "side": view.side,
        "selfTradePreventionMode": view.stp,
    }


def my_trade_json(fmt: MarketFormat, fill: Fill) -> dict[str, Any]:
    return {
        "symbol": fill.symbol,
        "id": fill.trade_id,
        "orderId": fill.order_id,
        "orderListId": -1,
        "price": fmt.price(fill.price_ticks),
        "qty": fmt.qty(fill.quantity_lots),
        "quoteQty": fmt.quote_minor(fill.quote_minor),
        "commission": fmt.quote_minor(fill.fee_minor),
        "commissionAsset": fill.fee_asset,
        "time": fill.time_ms,
        "isBuyer": fill.is_buyer,
        "isMaker": fill.is_maker,
        "isBestMatch": True,
    }


def trade_json(fmt: MarketFormat, trade: TradeRecord) -> dict[str, Any]:
    return {
        "id": trade.trade_id,
        "price": fmt.price(trade.price_ticks),
        "qty": fmt.qty(trade.quantity_lots),
        "quoteQty": fmt.tick_lots(trade.price_ticks * trade.quantity_lots),
        "time": trade.time_ms,
        "isBuyerMaker": trade.buyer_maker,
        "isBestMatch": True,
    }


def agg_json(fmt: MarketFormat, agg: AggTrade) -> dict[str, Any]:
    return {
        "a": agg.agg_id,
        "p": fmt.price(agg.price_ticks),
        "q": fmt.qty(agg.quantity_lots),
        "f": agg.first_id,
        "l": agg.last_id,
        "T": agg.time_ms,
        "m": agg.buyer_maker,
        "M": True,
    }


def kline_row(fmt: MarketFormat, bar: Kline) -> list[Any]:
    return [
        bar.open_ms,
        fmt.price(bar.open_ticks),
        fmt.price(bar.high_ticks),
        fmt.price(bar.low_ticks),
        fmt.price(bar.close_ticks),
        fmt.qty(bar.volume_lots),
        bar.close_ms,
        fmt.tick_lots(bar.quote_tick_lots),
        bar.count,
        fmt.qty(bar.taker_buy_lots),
        fmt.tick_lots(bar.taker_buy_tick_lots),
        "0",
    ]


def depth_json(data: MarketData, limit: int) -> dict[str, Any]:
    fmt = data.fmt
    bids, asks = data.top(limit)
    return {
        "lastUpdateId": data.update_id,
        "bids": [[fmt.price(p), fmt.qty(q)] for p, q in bids],
        "asks": [[fmt.price(p), fmt.qty(q)] for p, q in asks],
    }


def book_ticker_json(data: MarketData) -> dict[str, Any]:
    fmt = data.fmt
    bid, ask = data.best()
    return {
        "symbol": data.symbol,
        "bidPrice": fmt.price(bid[0]) if bid else _ZERO,
        "bidQty": fmt.qty(bid[1]) if bid else _ZERO,
        "askPrice": fmt.price(ask[0]) if ask else _ZERO,
        "askQty": fmt.qty(ask[1]) if ask else _ZERO,
    }


class _Stats:
    """A market's statistics over a rolling window (to the minute)."""

    __slots__ = (
        "count",
        "first_id",
        "high",
        "last",
        "last_id",
        "last_qty",
        "low",
        "open",
        "prev_close",
        "quote_tick_lots",
        "volume_lots",
    )

    def __init__(self, data: MarketData, now_ms: int, window_ms: int) -> None:
        bars, prev_close = data.window(now_ms, window_ms)
        last_trade = data.trades[-1] if data.trades else None
        self.last = last_trade.price_ticks if last_trade else 0
        self.last_qty = last_trade.quantity_lots if last_trade else 0
        self.prev_close = prev_close
        if bars:
            self.open = bars[0].open_ticks
            self.high = max(bar.high_ticks for bar in bars)
            self.low = min(bar.low_ticks for bar in bars)
            self.volume_lots = sum(bar.volume_lots for bar in bars)
            self.quote_tick_lots = sum(bar.quote_tick_lots for bar in bars)
            self.count = sum(bar.count for bar in bars)
            self.first_id = bars[0].first_id
            self.last_id = bars[-1].last_id
        else:
            self.open = self.high = self.low = self.last
            self.volume_lots = self.quote_tick_lots = self.count = 0
            self.first_id = self.last_id = -1


def ticker_json(
    data: MarketData, now_ms: int, *, mini: bool = False, window_ms: int = DAY_MS
) -> dict[str, Any]:
    """``ticker/24hr`` (FULL, or MINI) over the last ``window_ms``."""
    fmt = data.fmt
    stats = _Stats(data, now_ms, window_ms)
    body: dict[str, Any] = {"symbol": data.symbol}
    change = stats.last - stats.open
    if not mini:
        percent = change * 100_000 // stats.open if stats.open else 0
        if change < 0 < stats.open and (change * 100_000) % stats.open:
            percent += 1  # toward zero, as a decimal would print it
        wavg = (
            stats.quote_tick_lots * fmt.price_units // stats.volume_lots if stats.volume_lots else 0
        )
        body.update(
            priceChange=format_fixed(change * fmt.price_units, fmt.price_decimals),
            priceChangePercent=format_fixed(percent, 3),
            weightedAvgPrice=format_fixed(wavg, fmt.price_decimals),
            prevClosePrice=fmt.price(stats.prev_close),
        )
    body.update(lastPrice=fmt.price(stats.last))
    if not mini:
        bid, ask = data.best()
        body.update(
            lastQty=fmt.qty(stats.last_qty),
            bidPrice=fmt.price(bid[0]) if bid else _ZERO,
            bidQty=fmt.qty(bid[1]) if bid else _ZERO,
            askPrice=fmt.price(ask[0]) if ask else _ZERO,
            askQty=fmt.qty(ask[1]) if ask else _ZERO,
        )
    body.update(
        openPrice=fmt.price(stats.open),
        highPrice=fmt.price(stats.high),
        lowPrice=fmt.price(stats.low),
        volume=fmt.qty(stats.volume_lots),
        quoteVolume=fmt.tick_lots(stats.quote_tick_lots),
        openTime=now_ms - window_ms,
        closeTime=now_ms,
        firstId=stats.first_id,
        lastId=stats.last_id,
        count=stats.count,
    )
    return body


def execution_report(
    snapshot: OrderSnapshot, fmt: MarketFormat, event: Any, time_ms: int
) -> dict[str, Any] | None:
    """The ``executionReport`` for a broker event, with the order as it was just after it
    (None when Binance sends none for such an event)."""
    view = snapshot.view
    exec_type: str
    status: str
    last_lots = 0
    last_price = 0
    last_quote = 0
    fee = 0
    fee_asset: str | None = None
    trade_id = -1
    maker = False
    if isinstance(event, be.OrderOpened):
        exec_type = status = "NEW"
    elif isinstance(event, be.FillApplied):
        exec_type = "TRADE"
        status = "FILLED" if event.status.value == "filled" else "PARTIALLY_FILLED"
        last_lots = event.quantity_lots
        last_price = event.price_ticks
        last_quote = event.quote_minor
        fee = event.fee_minor
        fee_asset = event.fee_asset
        trade_id = event.trade_id
        maker = event.is_maker
    elif isinstance(event, be.OrderClosed):
        if event.status.value == "filled":
            return None
        exec_type = "EXPIRED" if event.status.value == "expired" else "CANCELED"
        status = snapshot.status if snapshot.status == "EXPIRED_IN_MATCH" else exec_type
    elif isinstance(event, be.OrderRejected):
        exec_type = status = "EXPIRED" if snapshot.status == "EXPIRED" else "REJECTED"
    else:
        return None
    return {
        "e": "executionReport",
        "E": time_ms,
        "s": view.symbol,
        "c": view.client_order_id,
        "S": view.side,
        "o": view.order_type,
        "f": view.time_in_force,
        "q": fmt.qty(view.quantity_lots),
        "p": _price(fmt, view),
        "P": _ZERO,
        "F": _ZERO,
        "g": -1,
        "C": "",
        "x": exec_type,
        "X": status,
        "r": "NONE",
        "i": view.order_id,
        "l": fmt.qty(last_lots),
        "z": fmt.qty(snapshot.filled_lots),
        "L": fmt.price(last_price),
        "n": fmt.quote_minor(fee),
        "N": fee_asset,
        "T": time_ms,
        "t": trade_id,
        "I": 0,
        "w": status in ("NEW", "PARTIALLY_FILLED"),
        "m": maker,
        "M": False,
        "O": view.time_ms,
        "Z": fmt.quote_minor(snapshot.cum_quote_minor),
        "Y": fmt.quote_minor(last_quote),
        "Q": fmt.quote_minor(view.quote_quantity_minor),
        "W": view.working_ms,
        "V": view.stp,
    }


def balance_entry(asset: str, decimals: int, balance_minor: int, held_minor: int) -> dict[str, str]:
    return {
        "a": asset,
        "f": amount_text(balance_minor - held_minor, decimals),
        "l": amount_text(held_minor, decimals),
    }
