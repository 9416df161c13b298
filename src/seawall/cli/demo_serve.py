"""The serving half of ``seawall demo --serve``: after the scenario, the same market is served
through the Binance-compatible API with a funded demo account, and a CCXT one-liner that works
against it is printed. Surveillance runs live: each alert journaled while it serves is printed
(and listed in the regulator's console); ``serve.json`` lets ``seawall sim run --server-data``
drive manipulators at it. It runs until Ctrl-C, or for ``--duration`` seconds."""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

from rich.console import Console

from seawall.api.app import create_app
from seawall.api.por import mount_por
from seawall.api.server import ServerThread, limits_from, market_lock, open_served_market
from seawall.api.service import create_account
from seawall.cli.api_commands import SERVE_FILE
from seawall.cli.surveil_commands import watch_live
from seawall.identity.state import InvestorClass
from seawall.node.day_end_schedule import HONG_KONG
from seawall.node.publishing import PeriodicPublisher
from seawall.web import mount_web

__all__ = ["serve_demo"]

FUNDS = {"USD": 100_000_00, "BTC": 100_000_000, "ETH": 5 * 10**18}


def serve_demo(
    console: Console, data: Path, host: str, port: int, duration_s: float | None
) -> None:
    with market_lock(data):
        store, market, keys = open_served_market(data)
        try:
            key, account_id = create_account(
                market, keys, "broker-a", InvestorClass.PROFESSIONAL, FUNDS, name="demo-trader"
            )
            market.commit()
            token = secrets.token_urlsafe(24)
            api = create_app(market, keys, limits_from(data), admin_token=token)
            mount_web(api, data, token)
            watch_live(api, data, console)
            mount_por(api, data, HONG_KONG)
            with ServerThread(api, host, port) as server, PeriodicPublisher(data, 5.0):
                served = {"host": host, "port": server.port, "pid": os.getpid()}
                (data / SERVE_FILE).write_text(json.dumps({**served, "admin_token": token}))
                (data / SERVE_FILE).chmod(0o600)
                _announce(console, server.url, key.api_key, key.hmac_secret or "", account_id)
                console.print(f"web       {server.url}/web/  (explorer, client page)")
                console.print(f"console   {server.url}/web/regulator.html  token {token}")
                console.print(f"log       {data / 'log'}: a cosigned checkpoint every 5 s")
                console.print(
                    "surveil   live: each alert is printed here as it is journaled; stage a wash "
                    f"trade: .venv/bin/seawall sim run --server-data {data} --data "
                    f"{data / 'sim-api'} --keys {data / 'sim-keys.json'} --scenario wash_self "
                    "--seed 130 --minutes 3",
                    soft_wrap=True,
                )
                console.print(
                    f"reserves  a proof-of-reserves snapshot at each day-end ({HONG_KONG.text()}),"
                    f" in {data / 'por'}; yours: GET /sapi/v1/seawall/por/proof (signed)"
                )
                deadline = None if duration_s is None else time.monotonic() + duration_s
                try:
                    while deadline is None or time.monotonic() < deadline:
                        time.sleep(0.2)
                except KeyboardInterrupt:
                    console.print("stopping")
        finally:
            (data / SERVE_FILE).unlink(missing_ok=True)
            keys.close()
            store.close()


def _announce(console: Console, url: str, api_key: str, secret: str, account_id: str) -> None:
    console.rule("[bold]the market is live: Binance-compatible API")
    console.print(f"REST      {url}/api/v3   streams {url.replace('http', 'ws')}/ws")
    console.print(f"account   {account_id} at broker-a (professional), funded with USD, BTC, ETH")
    console.print(f"API key   {api_key}")
    console.print(f"secret    {secret}")
    one_liner = (
        'python -c "import ccxt; x = ccxt.binance({'
        f"'apiKey': '{api_key}', 'secret': '{secret}', "
        f"'urls': {{'api': {{'public': '{url}/api/v3', 'private': '{url}/api/v3'}}}}, "
        "'options': {'fetchCurrencies': False, 'fetchMargins': False, "
        "'fetchMarkets': {'types': ['spot']}}}); "
        "print(x.fetch_ticker('BTC/USD')['last'], x.fetch_balance()['total']['BTC'])\""
    )
    console.print("try it with CCXT (from the repository, .venv/bin/python):", soft_wrap=True)
    console.print(
        one_liner.replace("python -c", ".venv/bin/python -c"), soft_wrap=True, markup=False
    )
    console.print("Ctrl-C stops the market; the journal stays, and `make demo` starts afresh.")
