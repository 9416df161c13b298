"""A published demo log in a temporary data directory, and a live market served over loopback
whose log is published while it trades."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from rich.console import Console

from seawall.api import LimitConfig, create_account, create_app
from seawall.api.keys import ApiKey
from seawall.api.server import ServerThread, open_served_market
from seawall.cli.demo import run_demo
from seawall.identity.state import InvestorClass
from seawall.node.publishing import PeriodicPublisher
from seawall.web import mount_web


@pytest.fixture
def published(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    run_demo(Console(file=open("/dev/null", "w")), data, fresh=True)  # noqa: SIM115
    return data


class LiveMarket:
    """A market served over loopback (API and web pages) whose log is published every 0.2 s,
    with two funded professional clients and helpers to trade over the REST API."""

    def __init__(self, data: Path, url: str, keys: list[ApiKey]) -> None:
        self.data = data
        self.url = url
        self.keys = keys
        self.http = httpx.Client(base_url=url, timeout=30)

    def order(self, client: int, side: str, price: str, quantity: str) -> dict[str, Any]:
        """A signed limit order (GTC) on BTCUSD; returns the API's answer."""
        key = self.keys[client]
        text = urlencode(
            {
                "symbol": "BTCUSD",
                "side": side,
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": quantity,
                "price": price,
                "timestamp": int(time.time() * 1000),
            }
        )
        signature = hmac.new(
            (key.hmac_secret or "").encode(), text.encode(), hashlib.sha256
        ).hexdigest()
        response = self.http.post(
            "/api/v3/order",
            content=f"{text}&signature={signature}",
            headers={
                "X-MBX-APIKEY": key.api_key,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def vkeys(self) -> tuple[str, list[str]]:
        lines = (self.data / "log.vkeys").read_text().split()
        return lines[0], lines[1:]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveMarket]:
    data = tmp_path_factory.mktemp("live")
    store, market, keys = open_served_market(data, durable=False)
    try:
        funds = {"USD": 1_000_000_00, "BTC": 10 * 100_000_000}
        made = [
            create_account(market, keys, broker, InvestorClass.PROFESSIONAL, funds, name=name)[0]
            for broker, name in (("broker-a", "alice-verify"), ("broker-b", "bob-verify"))
        ]
        api = create_app(market, keys, LimitConfig(ip_weight_per_minute=10_000_000))
        mount_web(api, data)
        with PeriodicPublisher(data, interval_s=0.2) as publisher, ServerThread(api) as server:
            deadline = time.monotonic() + 30
            while not (data / "log.vkeys").exists():
                assert time.monotonic() < deadline, publisher.last_error
                time.sleep(0.05)
            yield LiveMarket(data, server.url, made)
    finally:
        keys.close()
        store.close()
