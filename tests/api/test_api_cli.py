"""``seawall serve`` and ``seawall accounts create`` over a persistent data directory."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import typer
from typer.testing import CliRunner

from seawall.api.server import free_port
from seawall.cli.api_commands import register

CLI = (
    "import typer; from seawall.cli.api_commands import register; "
    "a = typer.Typer(); register(a); a()"
)


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _signed_post(url: str, account: dict[str, Any], params: dict[str, str]) -> httpx.Response:
    query = urlencode({**params, "timestamp": int(time.time() * 1000)})
    signature = hmac.new(account["secretKey"].encode(), query.encode(), hashlib.sha256).hexdigest()
    return httpx.post(
        f"{url}/api/v3/order",
        content=f"{query}&signature={signature}",
        headers={
            "X-MBX-APIKEY": account["apiKey"],
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )


def _start(data: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v3/ping").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.stderr.read() if process.stderr else "server did not start")


def test_accounts_create_offline_then_serve_and_restart(tmp_path: Path) -> None:
    data = tmp_path / "market"
    runner = CliRunner()
    result = runner.invoke(
        _app(),
        [
            "accounts",
            "create",
            "--broker",
            "broker-a",
            "--class",
            "professional",
            "--fund",
            "BTC=1,USD=100000",
            "--data",
            str(data),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    seller = json.loads(result.output)
    assert seller["funded"] == {"BTC": "1.00000000", "USD": "100000.00000000"}
    assert len(seller["apiKey"]) == 64 and seller["secretKey"]
    bad = runner.invoke(_app(), ["accounts", "create", "--broker", "nobody", "--data", str(data)])
    assert bad.exit_code == 1

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start(data, port)
    try:
        online = subprocess.run(
            [
                sys.executable,
                "-c",
                CLI,
                "accounts",
                "create",
                "--broker",
                "broker-b",
                "--fund",
                "USD=50000",
                "--data",
                str(data),
                "--json",
            ],
            capture_output=True,
            check=True,
        )
        buyer = json.loads(online.stdout)
        sell = {
            "symbol": "BTCUSD",
            "side": "SELL",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.5",
            "price": "90000",
        }
        assert _signed_post(url, seller, sell).status_code == 200
        buy = {"symbol": "BTCUSD", "side": "BUY", "type": "MARKET", "quoteOrderQty": "9000"}
        filled = _signed_post(url, buyer, buy).json()
        assert filled["status"] == "FILLED", filled
    finally:
        process.terminate()
        process.wait(timeout=30)
    process = _start(data, port)
    try:
        trades = httpx.get(f"{url}/api/v3/trades", params={"symbol": "BTCUSD"}).json()
        assert [(t["id"], t["qty"]) for t in trades] == [(1, "0.10000000")]
        depth = httpx.get(f"{url}/api/v3/depth", params={"symbol": "BTCUSD"}).json()
        assert depth["asks"] == [["90000.00000000", "0.40000000"]]
    finally:
        process.terminate()
        process.wait(timeout=30)
