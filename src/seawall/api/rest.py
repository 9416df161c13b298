"""The REST API, ``/api/v3``: Binance's spot endpoints, their weights, and their errors.

Each endpoint is declared once in ``ENDPOINTS`` (method, path, security, weight); ``Rest.route``
wraps it: parameters from the query string and the form body, the key and signature for signed
calls (``auth``), the request weight charged per IP and per key (``ratelimit``), and any
``ApiError`` rendered as Binance's ``{"code", "msg"}`` body with its HTTP status. An unexpected
exception is logged and answered -1000 with HTTP 500; it never leaves a half-done change behind,
since every change is one command through the single writer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from seawall.api import errors as e
from seawall.api.auth import Signed, authenticate, find_key, parse_params
from seawall.api.keys import ApiKey, KeyStore
from seawall.api.params import is_digits, limit, market, markets, optional_int, required
from seawall.api.ratelimit import RateLimiter
from seawall.api.readmodels import INTERVALS, MarketData
from seawall.api.service import MarketService, ServiceUnavailableError
from seawall.api.streams import StreamHub
from seawall.api.trading import Trading
from seawall.api.views import (
    DAY_MS,
    agg_json,
    book_ticker_json,
    depth_json,
    kline_row,
    ticker_json,
    trade_json,
)
from seawall.core import limits

__all__ = ["ENDPOINTS", "Endpoint", "Rest", "json_response"]

log = logging.getLogger("seawall.api")
_encode = msgspec.json.encode

#: On every response of a read endpoint: how many journal entries (transparency-log leaves)
#: its figures reflect.
LOG_SIZE_HEADER: Final = "X-Seawall-Log-Size"
NONE: Final = "NONE"
API_KEY: Final = "API_KEY"
SIGNED: Final = "SIGNED"

Weight = int | Callable[[dict[str, str]], int]


class Endpoint(msgspec.Struct, frozen=True):
    method: str
    path: str
    security: str
    weight: Weight
    handler: str
    summary: str


def _depth_weight(params: dict[str, str]) -> int:
    raw = params.get("limit", "100")
    size = int(raw) if is_digits(raw) and len(raw) <= 19 else 100
    if size <= 100:
        return 5
    if size <= 500:
        return 25
    if size <= 1000:
        return 50
    return 250


def _symbols_weight(one: int, many: int, all_: int) -> Callable[[dict[str, str]], int]:
    def weight(params: dict[str, str]) -> int:
        if "symbol" in params:
            return one
        if "symbols" in params:
            return many
        return all_

    return weight


ENDPOINTS: Final = (
    Endpoint("GET", "/api/v3/ping", NONE, 1, "ping", "Test connectivity"),
    Endpoint("GET", "/api/v3/time", NONE, 1, "time", "Server time"),
    Endpoint("GET", "/api/v3/exchangeInfo", NONE, 20, "exchange_info", "Markets and filters"),
    Endpoint("GET", "/api/v3/depth", NONE, _depth_weight, "depth", "Order book"),
    Endpoint("GET", "/api/v3/trades", NONE, 25, "trades", "Recent trades"),
    Endpoint("GET", "/api/v3/historicalTrades", NONE, 25, "historical_trades", "Older trades"),
    Endpoint("GET", "/api/v3/aggTrades", NONE, 4, "agg_trades", "Aggregate trades"),
    Endpoint("GET", "/api/v3/klines", NONE, 2, "klines", "Klines (candlesticks)"),
    Endpoint("GET", "/api/v3/uiKlines", NONE, 2, "klines", "Klines for display"),
    Endpoint("GET", "/api/v3/avgPrice", NONE, 2, "avg_price", "Average price, 5 minutes"),
    Endpoint(
        "GET", "/api/v3/ticker/24hr", NONE, _symbols_weight(2, 40, 80), "ticker_24hr", "24h stats"
    ),
    Endpoint(
        "GET", "/api/v3/ticker/price", NONE, _symbols_weight(2, 4, 4), "ticker_price", "Prices"
    ),
    Endpoint(
        "GET",
        "/api/v3/ticker/bookTicker",
        NONE,
        _symbols_weight(2, 4, 4),
        "book_ticker",
        "Best bid and ask",
    ),
    Endpoint("GET", "/api/v3/ticker", NONE, _symbols_weight(4, 40, 80), "ticker", "Rolling stats"),
    Endpoint("POST", "/api/v3/order", SIGNED, 1, "new_order", "New order"),
    Endpoint("POST", "/api/v3/order/test", SIGNED, 1, "test_order", "Test a new order"),
    Endpoint("GET", "/api/v3/order", SIGNED, 4, "query_order", "Query an order"),
    Endpoint("DELETE", "/api/v3/order", SIGNED, 1, "cancel_order", "Cancel an order"),
    Endpoint(
        "POST", "/api/v3/order/cancelReplace", SIGNED, 1, "cancel_replace", "Cancel and replace"
    ),
    Endpoint(
        "GET",
        "/api/v3/openOrders",
        SIGNED,
        _symbols_weight(6, 80, 80),
        "open_orders",
        "Open orders",
    ),
    Endpoint("DELETE", "/api/v3/openOrders", SIGNED, 1, "cancel_open", "Cancel all open orders"),
    Endpoint("GET", "/api/v3/allOrders", SIGNED, 20, "all_orders", "All orders"),
    Endpoint("GET", "/api/v3/myTrades", SIGNED, 20, "my_trades", "The account's trades"),
    Endpoint("GET", "/api/v3/account", SIGNED, 20, "account", "Balances and commissions"),
    Endpoint("GET", "/api/v3/account/commission", SIGNED, 20, "commission", "Commission rates"),
    Endpoint("GET", "/api/v3/rateLimit/order", SIGNED, 40, "order_limits", "Order counts"),
    Endpoint("POST", "/api/v3/userDataStream", API_KEY, 2, "listen_key_new", "New listenKey"),
    Endpoint("PUT", "/api/v3/userDataStream", API_KEY, 2, "listen_key_keep", "Keep it alive"),
    Endpoint("DELETE", "/api/v3/userDataStream", API_KEY, 2, "listen_key_close", "Close it"),
)


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(_encode(body), status, headers, media_type="application/json")


def error_response(exc: e.ApiError, used_weight: int | None = None) -> Response:
    headers: dict[str, str] = {}
    if exc.retry_after_s is not None:
        headers["Retry-After"] = str(exc.retry_after_s)
    if used_weight is not None:
        headers["X-MBX-USED-WEIGHT-1M"] = str(used_weight)
    return json_response(exc.body(), exc.http_status, headers)


class Call:
    """What a handler gets: the parameters, the key (signed and API-key calls), the time."""

    __slots__ = ("auth", "key", "now_ms", "params")

    def __init__(
        self, params: dict[str, str], key: ApiKey | None, auth: bytes, now_ms: int
    ) -> None:
        self.params = params
        self.key = key
        self.auth = auth
        self.now_ms = now_ms

    @property
    def client(self) -> ApiKey:
        assert self.key is not None
        return self.key


class Rest:
    """The REST handlers of one API."""

    def __init__(
        self,
        service: MarketService,
        keys: KeyStore,
        limiter: RateLimiter,
        hub: StreamHub,
    ) -> None:
        self.service = service
        self.models = service.models
        self.keys = keys
        self.limiter = limiter
        self.hub = hub
        self.trading = Trading(service, limiter)

    def routes(self) -> list[Route]:
        by_path: dict[str, dict[str, Endpoint]] = {}
        for endpoint in ENDPOINTS:
            by_path.setdefault(endpoint.path, {})[endpoint.method] = endpoint
        return [
            Route(path, self._dispatch(methods), methods=sorted(methods))
            for path, methods in by_path.items()
        ]

    def _dispatch(self, methods: dict[str, Endpoint]) -> Callable[[Request], Awaitable[Response]]:
        wrapped = {
            method: self._wrap(endpoint, getattr(self, endpoint.handler))
            for method, endpoint in methods.items()
        }

        async def dispatch(request: Request) -> Response:
            return await wrapped[request.method](request)

        return dispatch

    def _wrap(
        self, endpoint: Endpoint, handler: Callable[[Call], Awaitable[Any] | Any]
    ) -> Callable[[Request], Awaitable[Response]]:
        security = endpoint.security
        weight = endpoint.weight
        limiter = self.limiter
        keys = self.keys
        service = self.service
        path = endpoint.path
        method = endpoint.method
        is_async = handler.__name__ in _ASYNC_HANDLERS

        async def run(request: Request) -> Response:
            now = service.now_ms()
            client = request.client
            ip = client.host if client is not None else "unknown"
            used: int | None = None
            try:
                query: bytes = request.scope["query_string"]
                body = await request.body() if method != "GET" else b""
                if len(query) + len(body) > limits.command_bytes_max:
                    raise e.ApiError(e.TOO_MANY_PARAMETERS, "Request too large.")
                api_key = request.headers.get("x-mbx-apikey")
                key: ApiKey | None = None
                auth = b""
                if security == SIGNED:
                    try:
                        signed: Signed = authenticate(keys, api_key, method, path, query, body, now)
                    except e.ApiError:
                        used = limiter.charge(ip, None, None, 1, now)
                        raise
                    params = signed.params
                    key = signed.key
                    auth = signed.auth
                else:
                    params = parse_params(query, body)
                    if security == API_KEY:
                        try:
                            key = find_key(keys, api_key)
                        except e.ApiError:
                            used = limiter.charge(ip, None, None, 1, now)
                            raise
                cost = weight(params) if callable(weight) else weight
                used = limiter.charge(
                    ip,
                    None if key is None else key.api_key,
                    None if key is None else key.tier,
                    cost,
                    now,
                )
                call = Call(params, key, auth, now)
                result = await handler(call) if is_async else handler(call)
                headers = {"X-MBX-USED-WEIGHT-1M": str(used)}
                if not is_async:
                    # Read in the same event-loop step as the figures: the log size they
                    # reflect, which `seawall verify` replays to. Binance clients ignore it.
                    headers[LOG_SIZE_HEADER] = str(service.models.last_seq)
                return json_response(result, 200, headers)
            except e.ApiError as exc:
                return error_response(exc, used)
            except ServiceUnavailableError:
                return error_response(e.ApiError(e.INTERNAL), used)
            except Exception:
                log.exception("unexpected error in %s %s", method, path)
                return error_response(e.ApiError(e.UNKNOWN), used)

        return run

    # --- general and market data --------------------------------------------------------------

    def ping(self, call: Call) -> dict[str, Any]:
        return {}

    def time(self, call: Call) -> dict[str, Any]:
        return {"serverTime": call.now_ms}

    def exchange_info(self, call: Call) -> dict[str, Any]:
        from seawall.api.exchange_info import exchange_info

        chosen = markets(self.models, call.params)
        return exchange_info(
            self.models,
            self.limiter,
            list(self.models.markets.values()) if chosen is None else chosen,
            call.now_ms,
        )

    def depth(self, call: Call) -> dict[str, Any]:
        data = market(self.models, call.params)
        return depth_json(data, limit(call.params, 100, 5000))

    def trades(self, call: Call) -> list[dict[str, Any]]:
        data = market(self.models, call.params)
        count = limit(call.params, 500, 1000)
        return [trade_json(data.fmt, t) for t in data.trades_from(None, count)]

    def historical_trades(self, call: Call) -> list[dict[str, Any]]:
        data = market(self.models, call.params)
        count = limit(call.params, 500, 1000)
        from_id = optional_int(call.params, "fromId")
        return [trade_json(data.fmt, t) for t in data.trades_from(from_id, count)]

    def agg_trades(self, call: Call) -> list[dict[str, Any]]:
        data = market(self.models, call.params)
        params = call.params
        count = limit(params, 500, 1000)
        from_id = optional_int(params, "fromId")
        start = optional_int(params, "startTime")
        end = optional_int(params, "endTime")
        if from_id is not None and (start is not None or end is not None):
            raise e.ApiError(e.BAD_COMBINATION)
        aggs = data.aggs
        if from_id is not None:
            first = aggs[0].agg_id if aggs else 0
            chosen = [aggs[i] for i in range(max(0, from_id - first), len(aggs))][:count]
        elif start is not None or end is not None:
            chosen = [
                a
                for a in aggs
                if (start is None or a.time_ms >= start) and (end is None or a.time_ms <= end)
            ][:count]
        else:
            chosen = [aggs[i] for i in range(max(0, len(aggs) - count), len(aggs))]
        return [agg_json(data.fmt, a) for a in chosen]

    def klines(self, call: Call) -> list[list[Any]]:
        data = market(self.models, call.params)
        params = call.params
        interval = required(params, "interval")
        if interval not in INTERVALS:
            raise e.ApiError(e.INVALID_INTERVAL)
        count = limit(params, 500, 1000)
        start = optional_int(params, "startTime")
        end = optional_int(params, "endTime")
        bars = data.klines_between(interval, start, end, count)
        return [kline_row(data.fmt, bar) for bar in bars]

    def avg_price(self, call: Call) -> dict[str, Any]:
        data = market(self.models, call.params)
        bars, _ = data.window(call.now_ms, 5 * 60_000)
        volume = sum(bar.volume_lots for bar in bars)
        quote = sum(bar.quote_tick_lots for bar in bars)
        fmt = data.fmt
        if volume:
            units = quote * fmt.price_units // volume
        else:
            last = data.trades[-1].price_ticks if data.trades else 0
            units = last * fmt.price_units
        from seawall.core.units import format_fixed

        return {
            "mins": 5,
            "price": format_fixed(units, fmt.price_decimals),
            "closeTime": data.trades[-1].time_ms if data.trades else call.now_ms,
        }

    def _markets_or_all(self, call: Call) -> tuple[list[MarketData], bool]:
        chosen = markets(self.models, call.params)
        if chosen is None:
            return list(self.models.markets.values()), False
        return chosen, "symbol" in call.params

    def ticker_24hr(self, call: Call) -> object:
        chosen, single = self._markets_or_all(call)
        mini = call.params.get("type", "FULL") == "MINI"
        bodies = [ticker_json(data, call.now_ms, mini=mini) for data in chosen]
        return bodies[0] if single else bodies

    def ticker(self, call: Call) -> object:
        chosen, single = self._markets_or_all(call)
        window = _window_ms(call.params.get("windowSize", "1d"))
        mini = call.params.get("type", "FULL") == "MINI"
        bodies = []
        for data in chosen:
            body = ticker_json(data, call.now_ms, mini=mini, window_ms=window)
            for name in ("prevClosePrice", "lastQty", "bidPrice", "bidQty", "askPrice", "askQty"):
                body.pop(name, None)
            bodies.append(body)
        return bodies[0] if single else bodies

    def ticker_price(self, call: Call) -> object:
        chosen, single = self._markets_or_all(call)
        bodies = [
            {
                "symbol": data.symbol,
                "price": data.fmt.price(data.trades[-1].price_ticks if data.trades else 0),
            }
            for data in chosen
        ]
        return bodies[0] if single else bodies

    def book_ticker(self, call: Call) -> object:
        chosen, single = self._markets_or_all(call)
        bodies = [book_ticker_json(data) for data in chosen]
        return bodies[0] if single else bodies

    # --- trading ------------------------------------------------------------------------------

    async def new_order(self, call: Call) -> dict[str, Any]:
        return await self.trading.place(call.client, call.params, call.auth, call.now_ms)

    def test_order(self, call: Call) -> dict[str, Any]:
        return self.trading.test(call.client, call.params)

    def query_order(self, call: Call) -> dict[str, Any]:
        return self.trading.query(call.client, call.params)

    async def cancel_order(self, call: Call) -> dict[str, Any]:
        return await self.trading.cancel(call.client, call.params, call.auth, call.now_ms)

    async def cancel_replace(self, call: Call) -> dict[str, Any]:
        return await self.trading.cancel_replace(call.client, call.params, call.auth, call.now_ms)

    def open_orders(self, call: Call) -> list[dict[str, Any]]:
        return self.trading.open_orders(call.client, call.params)

    async def cancel_open(self, call: Call) -> list[dict[str, Any]]:
        return await self.trading.cancel_all(call.client, call.params, call.auth, call.now_ms)

    def all_orders(self, call: Call) -> list[dict[str, Any]]:
        return self.trading.all_orders(call.client, call.params)

    def my_trades(self, call: Call) -> list[dict[str, Any]]:
        return self.trading.my_trades(call.client, call.params)

    def account(self, call: Call) -> dict[str, Any]:
        return self.trading.account(call.client, call.params, call.now_ms)

    def commission(self, call: Call) -> dict[str, Any]:
        data = market(self.models, call.params)
        account = self.trading.account(call.client, {}, call.now_ms)
        rates = account["commissionRates"]
        return {
            "symbol": data.symbol,
            "standardCommission": rates,
            "taxCommission": {
                "maker": "0.00000000",
                "taker": "0.00000000",
                "buyer": "0.00000000",
                "seller": "0.00000000",
            },
            "discount": {
                "enabledForAccount": False,
                "enabledForSymbol": False,
                "discountAsset": None,
                "discount": "0.00000000",
            },
        }

    def order_limits(self, call: Call) -> list[dict[str, Any]]:
        tier = self.limiter.tier(call.client.tier)
        return [
            {
                "rateLimitType": "ORDERS",
                "interval": "SECOND",
                "intervalNum": 10,
                "limit": tier.orders_per_10s,
                "count": 0,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "DAY",
                "intervalNum": 1,
                "limit": tier.orders_per_day,
                "count": 0,
            },
        ]

    # --- user data streams -------------------------------------------------------------------

    def listen_key_new(self, call: Call) -> dict[str, Any]:
        key = call.client
        return {"listenKey": self.hub.new_listen_key(key.broker_id, key.account_id, call.now_ms)}

    def listen_key_keep(self, call: Call) -> dict[str, Any]:
        listen_key = required(call.params, "listenKey")
        owner = self.hub.listen_key_owner(listen_key, call.now_ms)
        if owner != (call.client.broker_id, call.client.account_id):
            raise e.ApiError(e.INVALID_LISTEN_KEY)
        self.hub.new_listen_key(owner[0], owner[1], call.now_ms)
        return {}

    def listen_key_close(self, call: Call) -> dict[str, Any]:
        listen_key = required(call.params, "listenKey")
        owner = self.hub.listen_key_owner(listen_key, call.now_ms)
        if owner != (call.client.broker_id, call.client.account_id):
            raise e.ApiError(e.INVALID_LISTEN_KEY)
        self.hub.listen_keys.pop(listen_key, None)
        return {}


_ASYNC_HANDLERS: Final = frozenset({"new_order", "cancel_order", "cancel_replace", "cancel_open"})


def _window_ms(text: str) -> int:
    units = {"m": 60_000, "h": 3_600_000, "d": DAY_MS}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not is_digits(number) or len(number) > 4:
        raise e.bad_parameter("windowSize")
    value = int(number) * units[unit]
    if not 60_000 <= value <= 7 * DAY_MS:
        raise e.bad_parameter("windowSize")
    return value
