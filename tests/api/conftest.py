"""Shared fixtures: one market served over loopback for the module, and funded clients.

The server runs uvicorn in a thread on 127.0.0.1 with a free port; the market is in memory.
Clients are onboarded and funded through the writer (``service.exclusive``), like any change.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.api import KeyStore, LimitConfig, bootstrap, create_account, create_app
from seawall.api.app import Api
from seawall.api.keys import ApiKey
from seawall.api.server import ServerThread
from seawall.api.service import SystemClock
from seawall.core.signing import SigningKey
from seawall.identity.state import InvestorClass
from seawall.kernel import Market
from seawall.sim.genesis import open_market


class Served:
    """A served market: its API, its URL, and helpers to make clients and signed calls."""

    def __init__(self, api: Api, server: ServerThread) -> None:
        self.api = api
        self.server = server
        self.url = server.url
        self.ws_url = server.ws_url
        self.http = httpx.Client(base_url=server.url, timeout=30)

    def run(self, fn: Callable[[Market], Any]) -> Any:
        """Run ``fn(market)`` in the server's writer (the market's only owner) and wait."""
        assert self.server.loop is not None
        future = asyncio.run_coroutine_threadsafe(self.api.service.exclusive(fn), self.server.loop)
        return future.result(timeout=30)

    def account(
        self,
        broker_id: str = "broker-a",
        funds: dict[str, int] | None = None,
        investor_class: InvestorClass = InvestorClass.PROFESSIONAL,
        **kwargs: Any,
    ) -> ApiKey:
        keys = self.api.keys
        if funds is None:
            funds = {"USD": 10_000_000_00, "HKD": 10_000_000_00, "BTC": 100 * 10**8}
            funds.update({"BCH": 10_000 * 10**8, "LTC": 10_000 * 10**8, "DOGE": 10**7 * 10**8})
            funds.update({"BSV": 10_000 * 10**8})

        def make(market: Market) -> ApiKey:
            key, _ = create_account(market, keys, broker_id, investor_class, funds, **kwargs)
            return key

        key: ApiKey = self.run(make)
        return key

    def state_hash(self) -> bytes:
        digest: bytes = self.run(lambda market: market.state_hash())
        return digest

    def signed(
        self,
        method: str,
        path: str,
        key: ApiKey,
        params: dict[str, Any] | None = None,
        *,
        secret: str | None = None,
        timestamp_ms: int | None = None,
    ) -> httpx.Response:
        query = dict(params or {})
        query["timestamp"] = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        text = urlencode(query)
        signing = (secret or key.hmac_secret or "").encode()
        signature = hmac.new(signing, text.encode(), hashlib.sha256).hexdigest()
        headers = {"X-MBX-APIKEY": key.api_key}
        body = f"{text}&signature={signature}"
        if method in ("GET", "DELETE"):
            return self.http.request(method, f"{path}?{body}", headers=headers)
        return self.http.request(
            method,
            path,
            content=body,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )


def serve_market(limits: LimitConfig | None = None) -> tuple[Api, ServerThread]:
    market = open_market(MemoryJournalStore(), SigningKey.from_label("api-tests"), SystemClock())
    bootstrap(market)
    api = create_app(market, KeyStore(), limits or LimitConfig(ip_weight_per_minute=10_000_000))
    return api, ServerThread(api).start()


@pytest.fixture(scope="module")
def serve() -> Callable[[LimitConfig | None], tuple[Api, ServerThread]]:
    """Start another served market (the caller stops its server)."""
    return serve_market


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    api, server = serve_market()
    try:
        yield Served(api, server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def ccxt_options() -> Callable[[Served, ApiKey | None], dict[str, Any]]:
    """CCXT's ``binance`` pointed at the served market (see docs/api.md)."""

    def options(served: Served, key: ApiKey | None) -> dict[str, Any]:
        rest = served.url + "/api/v3"
        config: dict[str, Any] = {
            "urls": {
                "api": {
                    "public": rest,
                    "private": rest,
                    "v1": served.url + "/api/v1",
                    "sapi": served.url + "/sapi/v1",
                    "ws": {
                        "spot": served.ws_url + "/ws",
                        "ws-api": {"spot": served.ws_url + "/ws-api/v3"},
                    },
                }
            },
            "options": {
                "fetchCurrencies": False,
                "fetchMargins": False,
                "fetchMarkets": {"types": ["spot"]},
            },
            "enableRateLimit": False,
        }
        if key is not None:
            config["apiKey"] = key.api_key
            config["secret"] = key.hmac_secret
        return config

    return options
