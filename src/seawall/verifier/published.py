"""What a running Seawall publishes, read the way any client reads it, each figure with the log
size it reflects.

From the Binance-compatible API: the listed markets (``GET /api/v3/exchangeInfo``), each
market's order book (``GET /api/v3/depth``, the best ``DEPTH_LEVELS`` levels a side) and its
recent trades (``GET /api/v3/trades``, the last ``RECENT_TRADES``). Every API response carries
the header ``X-Seawall-Log-Size``: how many journal entries (transparency-log leaves) the figures
in it reflect, so the verifier can replay the log to exactly that size and compare, however far
the market has moved on meanwhile. Beside the log: ``public-state.json``, the public state
(balances per pseudonymous account, books, trade statistics) at its ``last_seq``.

Prices and quantities are kept as ``Decimal`` (the API's text, exactly); nothing here trusts
them: ``compare`` checks each against the replayed log.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from seawall.verifier.errors import VerificationFailed

__all__ = [
    "DEPTH_LEVELS",
    "LOG_SIZE_HEADER",
    "RECENT_TRADES",
    "ApiReader",
    "HttpGet",
    "Published",
    "PublishedDepth",
    "PublishedMarkets",
    "PublishedState",
    "PublishedTrade",
    "PublishedTrades",
    "http_get",
    "published_state",
]

#: The response header that says which log size a response's figures reflect.
LOG_SIZE_HEADER: Final = "X-Seawall-Log-Size"
#: Order book levels compared per side (a ``/depth`` weight of 50 in Binance's limits).
DEPTH_LEVELS: Final = 1000
#: Recent trades compared per market (the most ``/trades`` returns).
RECENT_TRADES: Final = 1000
#: Markets compared, at most (each costs two requests against the API's limits).
markets_max: Final = 256
#: An API response body, at most.
response_bytes_max: Final = 16 << 20

#: ``get(url) -> (status, headers, body)``.
HttpGet = Callable[[str], tuple[int, Mapping[str, str], bytes]]


@dataclass(frozen=True)
class Published:
    """One published figure: where it came from and the log size it reflects."""

    source: str
    log_size: int


@dataclass(frozen=True)
class PublishedMarkets(Published):
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class PublishedDepth(Published):
    symbol: str
    levels: int
    #: (price, quantity) best first, as the API wrote them.
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]


@dataclass(frozen=True)
class PublishedTrade:
    trade_id: int
    price: Decimal
    quantity: Decimal
    time_ms: int
    buyer_maker: bool


@dataclass(frozen=True)
class PublishedTrades(Published):
    symbol: str
    count: int
    trades: tuple[PublishedTrade, ...]


@dataclass(frozen=True)
class PublishedState(Published):
    """``public-state.json``: the canonical public state and its hash, at ``log_size``."""

    state: dict[str, Any]
    state_hash: str


def http_get(url: str) -> tuple[int, Mapping[str, str], bytes]:
    """A GET over urllib: an HTTP error status is returned, not raised."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read(response_bytes_max + 1)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {}), exc.read(response_bytes_max + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise VerificationFailed("api", f"GET {url}: {exc}") from exc


def _decimal(text: object, what: str) -> Decimal:
    if not isinstance(text, str):
        raise VerificationFailed("api", f"{what}: {text!r} is not a decimal string")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise VerificationFailed("api", f"{what}: {text!r} is not a decimal") from exc
    if not value.is_finite():
        raise VerificationFailed("api", f"{what}: {text!r} is not a finite decimal")
    return value


def _levels(rows: object, what: str) -> tuple[tuple[Decimal, Decimal], ...]:
    if not isinstance(rows, list):
        raise VerificationFailed("api", f"{what} is not a list")
    levels = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2):
            raise VerificationFailed("api", f"{what}: {row!r} is not [price, quantity]")
        levels.append((_decimal(row[0], what), _decimal(row[1], what)))
    return tuple(levels)


def _trade(row: object, what: str) -> PublishedTrade:
    if not isinstance(row, dict):
        raise VerificationFailed("api", f"{what}: {row!r} is not a trade")
    try:
        trade_id, time_ms, buyer_maker = row["id"], row["time"], row["isBuyerMaker"]
        price, quantity = row["price"], row["qty"]
    except KeyError as exc:
        raise VerificationFailed("api", f"{what}: a trade without {exc}") from exc
    if not (type(trade_id) is int and type(time_ms) is int):
        raise VerificationFailed("api", f"{what}: trade {row!r} has a non-integer id or time")
    if not isinstance(buyer_maker, bool):
        raise VerificationFailed("api", f"{what}: trade {trade_id} has no boolean isBuyerMaker")
    return PublishedTrade(
        trade_id,
        _decimal(price, f"{what} trade {trade_id} price"),
        _decimal(quantity, f"{what} trade {trade_id} qty"),
        time_ms,
        buyer_maker,
    )


class ApiReader:
    """Reads a running Seawall's public API at ``base_url`` (``http://host:port``)."""

    def __init__(self, base_url: str, get: HttpGet = http_get) -> None:
        self.base_url = base_url.rstrip("/")
        self._get = get

    def _json(self, path: str, params: dict[str, str | int] | None = None) -> tuple[Any, int]:
        """The JSON body of ``GET path`` and the log size it reflects."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        source = f"GET {path}{query}"
        status, headers, body = self._get(f"{self.base_url}{path}{query}")
        if len(body) > response_bytes_max:
            raise VerificationFailed("api", f"{source}: the response is over {response_bytes_max}")
        if status != 200:
            raise VerificationFailed("api", f"{source}: HTTP {status} {body[:200]!r}")
        raw = next((v for k, v in headers.items() if k.lower() == LOG_SIZE_HEADER.lower()), None)
        if raw is None or not raw.isdigit() or len(raw) > 20:
            raise VerificationFailed(
                "api",
                f"{source}: no {LOG_SIZE_HEADER} header, so its figures cannot be placed in "
                "the log (is this a Seawall?)",
            )
        try:
            return json.loads(body), int(raw)
        except ValueError as exc:
            raise VerificationFailed("api", f"{source}: not JSON: {exc}") from exc

    def markets(self) -> PublishedMarkets:
        body, log_size = self._json("/api/v3/exchangeInfo")
        symbols = body.get("symbols") if isinstance(body, dict) else None
        if not isinstance(symbols, list) or not all(
            isinstance(s, dict) and isinstance(s.get("symbol"), str) for s in symbols
        ):
            raise VerificationFailed("api", "GET /api/v3/exchangeInfo: no list of symbols")
        if len(symbols) > markets_max:
            raise VerificationFailed("api", f"more than {markets_max} markets listed")
        names = tuple(sorted(s["symbol"] for s in symbols))
        return PublishedMarkets("GET /api/v3/exchangeInfo", log_size, names)

    def depth(self, symbol: str, levels: int = DEPTH_LEVELS) -> PublishedDepth:
        path = "/api/v3/depth"
        body, log_size = self._json(path, {"symbol": symbol, "limit": levels})
        source = f"GET {path}?symbol={symbol}"
        if not isinstance(body, dict):
            raise VerificationFailed("api", f"{source}: not an order book")
        bids = _levels(body.get("bids"), f"{source} bids")
        asks = _levels(body.get("asks"), f"{source} asks")
        return PublishedDepth(source, log_size, symbol, levels, bids, asks)

    def trades(self, symbol: str, count: int = RECENT_TRADES) -> PublishedTrades:
        path = "/api/v3/trades"
        body, log_size = self._json(path, {"symbol": symbol, "limit": count})
        source = f"GET {path}?symbol={symbol}"
        if not isinstance(body, list):
            raise VerificationFailed("api", f"{source}: not a list of trades")
        trades = tuple(_trade(row, source) for row in body)
        return PublishedTrades(source, log_size, symbol, count, trades)

    def read(self) -> list[Published]:
        """The listed markets, then each one's book and recent trades."""
        listing = self.markets()
        figures: list[Published] = [listing]
        for symbol in listing.symbols:
            figures.append(self.depth(symbol))
            figures.append(self.trades(symbol))
        return figures


def published_state(data: bytes, source: str) -> PublishedState:
    """``public-state.json`` as published beside the log."""
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise VerificationFailed("public state", f"{source} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise VerificationFailed("public state", f"{source} is not a JSON object")
    last_seq = document.pop("last_seq", None)
    state_hash = document.pop("state_hash", None)
    if not (type(last_seq) is int and last_seq >= 0 and isinstance(state_hash, str)):
        raise VerificationFailed("public state", f"{source} has no last_seq or state_hash")
    document["last_seq"] = last_seq
    return PublishedState(source, last_seq, document, state_hash)
