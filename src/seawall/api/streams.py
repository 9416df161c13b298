"""WebSocket market streams and user data, as Binance serves them.

Connections: ``/ws/<stream>`` (raw events), ``/stream?streams=a/b/c`` (each event wrapped as
``{"stream": <name>, "data": <event>}``), any other path under ``/ws/`` (CCXT's pro client opens
``/ws/<number>`` and then subscribes), and ``/ws/<listenKey>`` for a user-data stream. On every
market-stream connection the live control messages ``SUBSCRIBE``, ``UNSUBSCRIBE`` and
``LIST_SUBSCRIPTIONS`` work as Binance documents them.

Streams (symbols in lower case): ``<s>@trade``, ``<s>@aggTrade``, ``<s>@depth`` and
``<s>@depth@100ms`` (diffs with ``U``/``u``: the venue's ``BookDelta.update_seq`` of the first
and last change in the event, so Binance's snapshot + diff procedure against
``/api/v3/depth``'s ``lastUpdateId`` keeps a correct local book), ``<s>@depth<5|10|20>[@100ms]``
(partial books), ``<s>@kline_<interval>``, ``<s>@ticker``, ``<s>@miniTicker``,
``<s>@bookTicker``.

Only committed entries are published (``MarketService.on_changes``). Each event is encoded
once and queued to every subscriber; a subscriber whose queue is full (a slow consumer) is
disconnected, as Binance does, rather than slowing the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any, Final

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from seawall.api.readmodels import INTERVALS, AccountKey, Changes, MarketData, ReadModels
from seawall.api.service import ASSET_DECIMALS, MarketService
from seawall.api.views import (
    DAY_MS,
    agg_json,
    balance_entry,
    book_ticker_json,
    execution_report,
    ticker_json,
)
from seawall.broker import events as be
from seawall.broker import machine as broker

__all__ = ["LISTEN_KEY_TTL_MS", "Connection", "StreamHub", "UserSink"]

LISTEN_KEY_TTL_MS: Final = 60 * 60 * 1000
QUEUE_MAX: Final = 10_000
STREAMS_PER_CONNECTION_MAX: Final = 1024
_encode = msgspec.json.encode
_decode = msgspec.json.decode

_DEPTH_LEVELS: Final = ("5", "10", "20")


def parse_stream(name: str) -> tuple[str, str, str] | None:
    """``btcusd@depth@100ms`` -> ``("BTCUSD", "depth", "100")``; None when not a stream."""
    symbol, at, rest = name.partition("@")
    if not at or not symbol:
        return None
    symbol = symbol.upper()
    if rest in ("trade", "aggTrade", "ticker", "miniTicker", "bookTicker"):
        return symbol, rest, ""
    if rest in ("depth", "depth@1000ms"):
        return symbol, "depth", "1000"
    if rest == "depth@100ms":
        return symbol, "depth", "100"
    if rest.startswith("depth"):
        levels, _, speed = rest[5:].partition("@")
        if levels in _DEPTH_LEVELS and speed in ("", "100ms", "1000ms"):
            return symbol, f"depth{levels}", "100" if speed == "100ms" else "1000"
        return None
    if rest.startswith("kline_"):
        interval = rest[6:]
        if interval in INTERVALS:
            return symbol, "kline", interval
    return None


class Connection:
    """One WebSocket client: its subscriptions and its outgoing queue."""

    def __init__(self, ws: WebSocket, combined: bool) -> None:
        self.ws = ws
        self.combined = combined
        self.streams: dict[str, tuple[str, str, str]] = {}
        self.queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_MAX)
        self.closed = False

    def send(self, text: str) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.closed = True

    async def pump(self) -> None:
        """Send what is queued until the connection closes (or falls too far behind)."""
        ws = self.ws
        queue = self.queue
        while not self.closed:
            text = await queue.get()
            if not text:
                break
            try:
                await ws.send_text(text)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self.closed = True
        if ws.application_state is WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await ws.close(code=1008)


class UserSink(msgspec.Struct):
    """Where an account's user-data events go: a connection, raw (a listenKey stream) or
    wrapped with the WebSocket API's ``subscriptionId``."""

    connection: Connection
    subscription_id: int | None


class _DepthBuffer:
    __slots__ = ("asks", "bids", "first", "last")

    def __init__(self) -> None:
        self.first = 0
        self.last = 0
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}


class StreamHub:
    """Every WebSocket subscription, and the publishing of each committed batch."""

    def __init__(self, service: MarketService) -> None:
        self.service = service
        self.models: ReadModels = service.models
        self.subscribers: dict[str, set[Connection]] = {}
        self.users: dict[AccountKey, list[UserSink]] = {}
        self.listen_keys: dict[str, tuple[str, str, int]] = {}
        self._depth: dict[tuple[str, str], _DepthBuffer] = {}
        self._klines_dirty: set[tuple[str, str]] = set()
        self._best: dict[str, tuple[object, object]] = {}
        self._timer: asyncio.Task[None] | None = None
        self.sent = 0
        service.on_changes.append(self.publish)
        self.models.watched = self.users.__contains__

    async def start(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(self._tick(), name="streams")

    async def stop(self) -> None:
        timer = self._timer
        self._timer = None
        if timer is not None:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer

    # --- subscriptions ----------------------------------------------------------------------

    def subscribe(self, connection: Connection, name: str) -> bool:
        parsed = parse_stream(name)
        if parsed is None or parsed[0] not in self.models.markets:
            return False
        if len(connection.streams) >= STREAMS_PER_CONNECTION_MAX:
            return False
        connection.streams[name] = parsed
        self.subscribers.setdefault(name, set()).add(connection)
        return True

    def unsubscribe(self, connection: Connection, name: str) -> None:
        connection.streams.pop(name, None)
        subs = self.subscribers.get(name)
        if subs is not None:
            subs.discard(connection)
            if not subs:
                del self.subscribers[name]

    def drop(self, connection: Connection) -> None:
        for name in list(connection.streams):
            self.unsubscribe(connection, name)
        for key in list(self.users):
            sinks = [s for s in self.users[key] if s.connection is not connection]
            if sinks:
                self.users[key] = sinks
            else:
                del self.users[key]

    def watch_user(self, key: AccountKey, sink: UserSink) -> None:
        self.users.setdefault(key, []).append(sink)

    def unwatch_user(self, connection: Connection, subscription_id: int | None = None) -> None:
        for key in list(self.users):
            sinks = [
                s
                for s in self.users[key]
                if not (
                    s.connection is connection
                    and (subscription_id is None or s.subscription_id == subscription_id)
                )
            ]
            if sinks:
                self.users[key] = sinks
            else:
                del self.users[key]

    # --- listen keys ------------------------------------------------------------------------------

    def new_listen_key(self, broker_id: str, account_id: str, now_ms: int) -> str:
        for key, (b, a, expiry) in list(self.listen_keys.items()):
            if expiry < now_ms:
                del self.listen_keys[key]
            elif (b, a) == (broker_id, account_id):
                self.listen_keys[key] = (b, a, now_ms + LISTEN_KEY_TTL_MS)
                return key
        key = secrets.token_hex(30)
        self.listen_keys[key] = (broker_id, account_id, now_ms + LISTEN_KEY_TTL_MS)
        return key

    def listen_key_owner(self, listen_key: str, now_ms: int) -> AccountKey | None:
        found = self.listen_keys.get(listen_key)
        if found is None or found[2] < now_ms:
            return None
        return found[0], found[1]

    # --- publishing -----------------------------------------------------------------------------

    def _send(self, name: str, data: bytes) -> None:
        subs = self.subscribers.get(name)
        if not subs:
            return
        raw: str | None = None
        wrapped: str | None = None
        for connection in list(subs):
            if connection.combined:
                if wrapped is None:
                    wrapped = f'{{"stream":"{name}","data":{data.decode()}}}'
                connection.send(wrapped)
            else:
                if raw is None:
                    raw = data.decode()
                connection.send(raw)
            self.sent += 1

    def _has(self, name: str) -> bool:
        return name in self.subscribers

    def publish(self, changes: Changes) -> None:
        """Publish one committed batch: real-time streams now, buffered ones at their tick."""
        now = self.service.now_ms()
        subscribers = self.subscribers
        for data, trade in changes.trades:
            lower = data.symbol.lower()
            if subscribers:
                name = f"{lower}@trade"
                if name in subscribers:
                    fmt = data.fmt
                    self._send(
                        name,
                        _encode(
                            {
                                "e": "trade",
                                "E": now,
                                "s": data.symbol,
                                "t": trade.trade_id,
                                "p": fmt.price(trade.price_ticks),
                                "q": fmt.qty(trade.quantity_lots),
                                "T": trade.time_ms,
                                "m": trade.buyer_maker,
                                "M": True,
                            }
                        ),
                    )
                for interval in INTERVALS:
                    if f"{lower}@kline_{interval}" in subscribers:
                        self._klines_dirty.add((data.symbol, interval))
        if subscribers:
            for data, agg in changes.aggs:
                name = f"{data.symbol.lower()}@aggTrade"
                if name in subscribers:
                    body = {"e": "aggTrade", "E": now, "s": data.symbol}
                    body.update(agg_json(data.fmt, agg))
                    self._send(name, _encode(body))
            for symbol, deltas in changes.deltas.items():
                lower = symbol.lower()
                for speed, names in (
                    ("1000", (f"{lower}@depth", f"{lower}@depth@1000ms")),
                    ("100", (f"{lower}@depth@100ms",)),
                ):
                    if any(n in subscribers for n in names):
                        buffer = self._depth.get((symbol, speed))
                        if buffer is None:
                            buffer = self._depth[(symbol, speed)] = _DepthBuffer()
                        for delta in deltas:
                            if not buffer.first:
                                buffer.first = delta.update_seq
                            buffer.last = delta.update_seq
                            side = buffer.bids if int(delta.side) == 1 else buffer.asks
                            side[delta.price_ticks] = delta.quantity_lots
                name = f"{lower}@bookTicker"
                if name in subscribers:
                    market = self.models.markets[symbol]
                    best = market.best()
                    if self._best.get(symbol) != best:
                        self._best[symbol] = best
                        body = book_ticker_json(market)
                        self._send(
                            name,
                            _encode(
                                {
                                    "u": market.update_id,
                                    "s": symbol,
                                    "b": body["bidPrice"],
                                    "B": body["bidQty"],
                                    "a": body["askPrice"],
                                    "A": body["askQty"],
                                }
                            ),
                        )
        if changes.user:
            self._publish_user(changes, now)

    def _publish_user(self, changes: Changes, now: int) -> None:
        markets = self.models.markets
        for key, time_ms, event, snapshot in changes.user:
            sinks = self.users.get(key)
            if not sinks:
                continue
            payload: dict[str, Any] | None = None
            if snapshot is not None:
                payload = execution_report(
                    snapshot, markets[snapshot.view.symbol].fmt, event, time_ms
                )
            elif isinstance(event, be.BalanceApplied):
                payload = {
                    "e": "balanceUpdate",
                    "E": now,
                    "a": event.asset,
                    "d": _signed_amount(event.delta_minor, ASSET_DECIMALS.get(event.asset, 8)),
                    "T": time_ms,
                }
            if payload is not None:
                self._send_user(sinks, payload)
        state = self.service.market.state("broker")
        for key in changes.balances:
            sinks = self.users.get(key)
            if not sinks:
                continue
            record = broker.client(state, key[0], key[1])
            if record is None:
                continue
            self._send_user(
                sinks,
                {
                    "e": "outboundAccountPosition",
                    "E": now,
                    "u": changes.last_time_ms,
                    "B": [
                        balance_entry(
                            b.asset, ASSET_DECIMALS.get(b.asset, 8), b.balance_minor, b.held_minor
                        )
                        for b in record.balances
                    ],
                },
            )

    def _send_user(self, sinks: list[UserSink], payload: dict[str, Any]) -> None:
        raw: str | None = None
        for sink in sinks:
            if sink.subscription_id is None:
                if raw is None:
                    raw = _encode(payload).decode()
                sink.connection.send(raw)
            else:
                sink.connection.send(
                    _encode({"subscriptionId": sink.subscription_id, "event": payload}).decode()
                )
            self.sent += 1

    async def _tick(self) -> None:
        """Every 100 ms: the 100 ms depth streams; every second: the rest."""
        count = 0
        while True:
            await asyncio.sleep(0.1)
            count += 1
            try:
                self.flush("100")
                if count % 10 == 0:
                    self.flush("1000")
            except Exception:
                import logging

                logging.getLogger("seawall.api").exception("stream tick failed")

    def flush(self, speed: str) -> None:
        """Publish the buffered streams of one cadence (``"100"`` or ``"1000"`` ms)."""
        if not self.subscribers:
            self._depth.clear()
            return
        now = self.service.now_ms()
        markets = self.models.markets
        for (symbol, buffer_speed), buffer in list(self._depth.items()):
            if buffer_speed != speed or not buffer.first:
                continue
            fmt = markets[symbol].fmt
            body = _encode(
                {
                    "e": "depthUpdate",
                    "E": now,
                    "s": symbol,
                    "U": buffer.first,
                    "u": buffer.last,
                    "b": [
                        [fmt.price(p), fmt.qty(q)]
                        for p, q in sorted(buffer.bids.items(), reverse=True)
                    ],
                    "a": [[fmt.price(p), fmt.qty(q)] for p, q in sorted(buffer.asks.items())],
                }
            )
            self._depth[(symbol, buffer_speed)] = _DepthBuffer()
            lower = symbol.lower()
            names = (
                (f"{lower}@depth@100ms",)
                if speed == "100"
                else (f"{lower}@depth", f"{lower}@depth@1000ms")
            )
            for name in names:
                self._send(name, body)
        partial: dict[tuple[str, str], bytes] = {}
        for name, parsed in list(self._named("depth5", "depth10", "depth20")):
            symbol, kind, name_speed = parsed
            if name_speed != speed:
                continue
            key = (symbol, kind)
            if key not in partial:
                data = markets[symbol]
                bids, asks = data.top(int(kind[5:]))
                fmt = data.fmt
                partial[key] = _encode(
                    {
                        "lastUpdateId": data.update_id,
                        "bids": [[fmt.price(p), fmt.qty(q)] for p, q in bids],
                        "asks": [[fmt.price(p), fmt.qty(q)] for p, q in asks],
                    }
                )
            self._send(name, partial[key])
        if speed != "1000":
            return
        for name, parsed in list(self._named("ticker", "miniTicker")):
            data = markets[parsed[0]]
            self._send(name, _encode(_stream_ticker(data, now, mini=parsed[1] == "miniTicker")))
        dirty = self._klines_dirty
        self._klines_dirty = set()
        for symbol, interval in sorted(dirty):
            data = markets[symbol]
            bars = data.klines[interval]
            if bars:
                self._send(
                    f"{symbol.lower()}@kline_{interval}",
                    _encode(_kline_event(data, interval, now)),
                )

    def _named(self, *kinds: str) -> list[tuple[str, tuple[str, str, str]]]:
        found = []
        for name in self.subscribers:
            parsed = parse_stream(name)
            if parsed is not None and parsed[1] in kinds:
                found.append((name, parsed))
        return found

    # --- connections ------------------------------------------------------------------------------

    async def serve(
        self,
        ws: WebSocket,
        combined: bool,
        initial: list[str],
        user: AccountKey | None = None,
    ) -> None:
        """Run one market-stream (or listenKey) connection until it closes."""
        await ws.accept()
        connection = Connection(ws, combined)
        for name in initial:
            self.subscribe(connection, name)
        if user is not None:
            self.watch_user(user, UserSink(connection, None))
        pump = asyncio.get_running_loop().create_task(connection.pump())
        try:
            while not connection.closed:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None and message.get("bytes") is not None:
                    text = message["bytes"].decode("utf-8", "replace")
                if text:
                    self._control(connection, text)
        except WebSocketDisconnect:
            pass
        finally:
            connection.closed = True
            self.drop(connection)
            if not connection.queue.full():
                connection.queue.put_nowait("")
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump

    def _control(self, connection: Connection, text: str) -> None:
        try:
            message = _decode(text)
        except msgspec.DecodeError:
            connection.send(_encode({"error": {"code": 3, "msg": "Invalid JSON"}}).decode())
            return
        if not isinstance(message, dict):
            connection.send(_encode({"error": {"code": 3, "msg": "Invalid JSON"}}).decode())
            return
        request_id = message.get("id")
        method = message.get("method")
        params = message.get("params", [])

        def reply(result: object) -> None:
            connection.send(_encode({"result": result, "id": request_id}).decode())

        def error(code: int, msg: str) -> None:
            connection.send(
                _encode({"error": {"code": code, "msg": msg}, "id": request_id}).decode()
            )

        if method == "LIST_SUBSCRIPTIONS":
            reply(sorted(connection.streams))
            return
        if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                error(1, "Invalid value type: expected Array of Strings")
                return
            if method == "SUBSCRIBE":
                bad = [name for name in params if not self.subscribe(connection, name)]
                if bad:
                    error(2, f"Invalid request: unknown stream {bad[0]!r}")
                    return
            else:
                for name in params:
                    self.unsubscribe(connection, name)
            reply(None)
            return
        if method in ("SET_PROPERTY", "GET_PROPERTY"):
            reply(False if method == "GET_PROPERTY" else None)
            return
        error(0, f"Unknown property {method!r}" if method else "Invalid request: no method")


def _signed_amount(delta_minor: int, decimals: int) -> str:
    from seawall.api.formatting import amount_text

    return amount_text(delta_minor, decimals)


def _stream_ticker(data: MarketData, now: int, *, mini: bool) -> dict[str, Any]:
    body = ticker_json(data, now, mini=mini, window_ms=DAY_MS)
    if mini:
        return {
            "e": "24hrMiniTicker",
            "E": now,
            "s": data.symbol,
            "c": body["lastPrice"],
            "o": body["openPrice"],
            "h": body["highPrice"],
            "l": body["lowPrice"],
            "v": body["volume"],
            "q": body["quoteVolume"],
        }
    return {
        "e": "24hrTicker",
        "E": now,
        "s": data.symbol,
        "p": body["priceChange"],
        "P": body["priceChangePercent"],
        "w": body["weightedAvgPrice"],
        "x": body["prevClosePrice"],
        "c": body["lastPrice"],
        "Q": body["lastQty"],
        "b": body["bidPrice"],
        "B": body["bidQty"],
        "a": body["askPrice"],
        "A": body["askQty"],
        "o": body["openPrice"],
        "h": body["highPrice"],
        "l": body["lowPrice"],
        "v": body["volume"],
        "q": body["quoteVolume"],
        "O": body["openTime"],
        "C": body["closeTime"],
        "F": body["firstId"],
        "L": body["lastId"],
        "n": body["count"],
    }


def _kline_event(data: MarketData, interval: str, now: int) -> dict[str, Any]:
    bar = data.klines[interval][-1]
    fmt = data.fmt
    return {
        "e": "kline",
        "E": now,
        "s": data.symbol,
        "k": {
            "t": bar.open_ms,
            "T": bar.close_ms,
            "s": data.symbol,
            "i": interval,
            "f": bar.first_id,
            "L": bar.last_id,
            "o": fmt.price(bar.open_ticks),
            "c": fmt.price(bar.close_ticks),
            "h": fmt.price(bar.high_ticks),
            "l": fmt.price(bar.low_ticks),
            "v": fmt.qty(bar.volume_lots),
            "n": bar.count,
            "x": now > bar.close_ms,
            "q": fmt.tick_lots(bar.quote_tick_lots),
            "V": fmt.qty(bar.taker_buy_lots),
            "Q": fmt.tick_lots(bar.taker_buy_tick_lots),
            "B": "0",
        },
    }
