"""The WebSocket API, ``/ws-api/v3``: Binance's request/response calls over one connection.

A request is ``{"id", "method", "params"}``; the answer ``{"id", "status", "result",
"rateLimits"}`` or ``{"id", "status", "error": {"code", "msg"}, "rateLimits"}``. Signed
methods carry ``apiKey``, ``timestamp`` (and ``recvWindow``) and ``signature`` among the
params; the signed payload is every other parameter sorted by name, ``name=value`` joined by
``&``. Methods: ``ping``, ``time``, ``exchangeInfo``, ``order.place``, ``order.test``,
``order.cancel``, ``order.status``, ``openOrders.status``, ``allOrders``, ``myTrades``,
``account.status``, ``userDataStream.subscribe.signature`` (the account's events then arrive
on this connection wrapped as ``{"subscriptionId", "event"}``, the way CCXT's ``watch_orders``
and ``watch_balance`` expect them), ``userDataStream.unsubscribe`` and ``session.subscriptions``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Final

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from seawall.api import errors as e
from seawall.api.auth import check_timestamp, find_key, verify_signature, ws_payload
from seawall.api.exchange_info import exchange_info
from seawall.api.keys import ApiKey, KeyStore
from seawall.api.params import markets
from seawall.api.ratelimit import RateLimiter
from seawall.api.service import MarketService, ServiceUnavailableError
from seawall.api.streams import Connection, StreamHub, UserSink
from seawall.api.trading import Trading
from seawall.core import limits

__all__ = ["WsApi"]

log = logging.getLogger("seawall.api")
_encode = msgspec.json.encode
_decode = msgspec.json.decode

#: method -> (weight, signed)
METHODS: Final[dict[str, tuple[int, bool]]] = {
    "ping": (1, False),
    "time": (1, False),
    "exchangeInfo": (20, False),
    "order.place": (1, True),
    "order.test": (1, True),
    "order.cancel": (1, True),
    "order.status": (4, True),
    "openOrders.status": (6, True),
    "allOrders": (20, True),
    "myTrades": (20, True),
    "account.status": (20, True),
    "userDataStream.subscribe.signature": (2, True),
    "userDataStream.unsubscribe": (2, False),
    "session.subscriptions": (2, False),
}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class WsApi:
    """Serves ``/ws-api/v3`` connections."""

    def __init__(
        self,
        service: MarketService,
        keys: KeyStore,
        limiter: RateLimiter,
        hub: StreamHub,
        trading: Trading,
    ) -> None:
        self.service = service
        self.keys = keys
        self.limiter = limiter
        self.hub = hub
        self.trading = trading
        self._next_subscription = 0

    async def serve(self, ws: WebSocket) -> None:
        await ws.accept()
        connection = Connection(ws, combined=False)
        client = ws.client
        ip = client.host if client is not None else "unknown"
        pump = asyncio.get_running_loop().create_task(connection.pump())
        pending: set[asyncio.Task[None]] = set()
        try:
            while not connection.closed:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None and message.get("bytes") is not None:
                    text = message["bytes"].decode("utf-8", "replace")
                if not text:
                    continue
                task = asyncio.get_running_loop().create_task(self._request(connection, ip, text))
                pending.add(task)
                task.add_done_callback(pending.discard)
        except WebSocketDisconnect:
            pass
        finally:
            connection.closed = True
            self.hub.drop(connection)
            for task in pending:
                task.cancel()
            if not connection.queue.full():
                connection.queue.put_nowait("")
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump

    async def _request(self, connection: Connection, ip: str, text: str) -> None:
        now = self.service.now_ms()
        request_id: object = None
        used = 0
        try:
            if len(text) > limits.command_bytes_max:
                raise e.ApiError(e.TOO_MANY_PARAMETERS, "Request too large.")
            try:
                message = _decode(text)
            except msgspec.DecodeError as exc:
                raise e.ApiError(e.BinanceError(-1000, "Malformed request: invalid JSON.")) from exc
            if not isinstance(message, dict):
                raise e.ApiError(e.BinanceError(-1000, "Malformed request: not an object."))
            request_id = message.get("id")
            method = message.get("method")
            raw_params = message.get("params", {})
            if not isinstance(method, str) or method not in METHODS:
                raise e.ApiError(e.BinanceError(-1020, "Unknown method.", 400))
            if not isinstance(raw_params, dict):
                raise e.ApiError(
                    e.BinanceError(-1000, "Malformed request: 'params' is not an object.")
                )
            weight, signed = METHODS[method]
            key: ApiKey | None = None
            auth = b""
            params = {name: _text(value) for name, value in raw_params.items()}
            if signed:
                try:
                    key = self._authenticate(raw_params, params, now)
                except e.ApiError:
                    used = self.limiter.charge(ip, None, None, 1, now)
                    raise
                auth = b"ws %s\n%s" % (method.encode(), text.encode())
                if len(auth) > limits.auth_bytes_max:
                    raise e.ApiError(e.TOO_MANY_PARAMETERS, "Request too large.")
            used = self.limiter.charge(
                ip,
                None if key is None else key.api_key,
                None if key is None else key.tier,
                weight,
                now,
            )
            for name in ("apiKey", "signature", "timestamp", "recvWindow"):
                params.pop(name, None)
            result = await self._call(connection, method, key, params, auth, now)
            self._reply(connection, {"id": request_id, "status": 200, "result": result}, used)
        except e.ApiError as exc:
            body: dict[str, Any] = {
                "id": request_id,
                "status": exc.http_status,
                "error": exc.body(),
            }
            self._reply(connection, body, used)
        except ServiceUnavailableError:
            self._reply(
                connection,
                {"id": request_id, "status": 503, "error": e.ApiError(e.INTERNAL).body()},
                used,
            )
        except Exception:
            log.exception("unexpected error in the WebSocket API")
            self._reply(
                connection,
                {"id": request_id, "status": 500, "error": e.ApiError(e.UNKNOWN).body()},
                used,
            )

    def _reply(self, connection: Connection, body: dict[str, Any], used: int) -> None:
        body["rateLimits"] = [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": self.limiter.config.ip_weight_per_minute,
                "count": used,
            }
        ]
        connection.send(_encode(body).decode())

    def _authenticate(self, raw: dict[str, object], params: dict[str, str], now_ms: int) -> ApiKey:
        key = find_key(self.keys, params.get("apiKey"))
        signature = params.get("signature")
        if not signature:
            raise e.mandatory_missing("signature")
        if not verify_signature(key, ws_payload(raw), signature):
            raise e.ApiError(e.BAD_SIGNATURE)
        check_timestamp(params, now_ms)
        return key

    async def _call(
        self,
        connection: Connection,
        method: str,
        key: ApiKey | None,
        params: dict[str, str],
        auth: bytes,
        now_ms: int,
    ) -> object:
        trading = self.trading
        if method == "ping":
            return {}
        if method == "time":
            return {"serverTime": now_ms}
        if method == "exchangeInfo":
            chosen = markets(self.service.models, params)
            return exchange_info(
                self.service.models,
                self.limiter,
                list(self.service.models.markets.values()) if chosen is None else chosen,
                now_ms,
            )
        if method == "userDataStream.unsubscribe":
            raw_id = params.get("subscriptionId")
            self.hub.unwatch_user(connection, None if raw_id is None else int(raw_id))
            return {}
        if method == "session.subscriptions":
            return [
                {"subscriptionId": sink.subscription_id}
                for sinks in self.hub.users.values()
                for sink in sinks
                if sink.connection is connection
            ]
        assert key is not None
        if method == "order.place":
            return await trading.place(key, params, auth, now_ms)
        if method == "order.test":
            return trading.test(key, params)
        if method == "order.cancel":
            return await trading.cancel(key, params, auth, now_ms)
        if method == "order.status":
            return trading.query(key, params)
        if method == "openOrders.status":
            return trading.open_orders(key, params)
        if method == "allOrders":
            return trading.all_orders(key, params)
        if method == "myTrades":
            return trading.my_trades(key, params)
        if method == "account.status":
            return trading.account(key, params, now_ms)
        # userDataStream.subscribe.signature
        subscription_id = self._next_subscription
        self._next_subscription += 1
        self.hub.watch_user((key.broker_id, key.account_id), UserSink(connection, subscription_id))
        return {"subscriptionId": subscription_id}
