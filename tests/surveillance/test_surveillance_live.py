"""Live surveillance in a served market (``node.live_surveillance``, wired as ``seawall serve``
wires it): a wash trade sent over the REST API is journaled as surveillance's alert while the
market serves, naming pseudonyms only; ``seawall surveil`` over the same journal reproduces the
alert records byte for byte; a restart re-derives the detectors' state from the journal and
neither resubmits an alert on record nor skips one found while surveillance was off or before
it could be journaled; and a step reads a bounded number of entries."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import msgspec
import pytest
from typer.testing import CliRunner

from seawall.adapters.storage import open_store
from seawall.api import LimitConfig, create_account, create_app
from seawall.api.keys import ApiKey
from seawall.api.server import ServerThread, free_port, open_served_market
from seawall.broker.state import Side
from seawall.cli.main import app as cli
from seawall.cli.surveil_commands import run_surveil, watch_live
from seawall.core.codec import encode
from seawall.identity.state import InvestorClass
from seawall.kernel import Market
from seawall.kernel.projection import Projector
from seawall.node.keys import load_keys
from seawall.node.live_surveillance import LiveSurveillance
from seawall.node.public_stream import committed_seq, public_entries
from seawall.sim.setup import place
from seawall.surveillance import is_pseudonym
from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.engine import RAISE_ALERT_TAG, Surveillance, reproduce

FUNDS = {"USD": 10_000_000_00, "BTC": 100 * 10**8}
#: How long a test waits for the live service before it fails (never a measured time).
WAIT_S = 60.0


class Node:
    """``seawall serve --data DATA`` in a thread: the market over SQLite, the API, and (unless
    ``surveil`` is off) live surveillance as the command attaches it."""

    def __init__(self, data: Path, surveil: bool = True) -> None:
        self.data = data
        self.store, market, self.keys = open_served_market(data)
        self.api = create_app(market, self.keys, LimitConfig(ip_weight_per_minute=10**9))
        self.live = watch_live(self.api, data) if surveil else None
        self.server = ServerThread(self.api).start()
        self.http = httpx.Client(base_url=self.server.url, timeout=30)
        self.stopped = False

    def run(self, fn: Callable[[Market], Any]) -> Any:
        """Run ``fn(market)`` in the server's writer (the market's only owner) and wait."""
        assert self.server.loop is not None
        future = asyncio.run_coroutine_threadsafe(self.api.service.exclusive(fn), self.server.loop)
        return future.result(timeout=30)

    def client(self, name: str) -> tuple[ApiKey, str]:
        def make(market: Market) -> tuple[ApiKey, str]:
            return create_account(
                market, self.keys, "broker-a", InvestorClass.PROFESSIONAL, FUNDS, name=name
            )

        made: tuple[ApiKey, str] = self.run(make)
        return made

    def order(self, key: ApiKey, **params: str) -> dict[str, Any]:
        query = {"symbol": "BTCUSD", "type": "LIMIT", **params}
        query["timestamp"] = str(int(time.time() * 1000))
        text = urlencode(query)
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
        body: dict[str, Any] = response.json()
        return body

    def wash_trade(self, key: ApiKey, price: str) -> None:
        """The same account on both sides of one trade (self-trade prevention off, Binance's
        default for an order that names none)."""
        self.order(key, side="SELL", timeInForce="GTC", quantity="0.01", price=price)
        filled = self.order(key, side="BUY", timeInForce="IOC", quantity="0.01", price=price)
        assert filled["status"] == "FILLED"

    def stop(self) -> None:
        self.stopped = True
        self.http.close()
        self.server.stop()
        self.keys.close()
        self.store.close()


def journaled(data: Path) -> list[tuple[int, dict[str, Any]]]:
    """Every ``RaiseAlert`` entry of ``data``'s journal as the public sees it: (seq, command
    with ``rejected`` set when refused)."""
    found = []
    for entry in public_entries(data):
        if entry.command.get("k") == RAISE_ALERT_TAG:
            found.append((entry.seq, {**entry.command, "rejected": entry.rejection is not None}))
    return found


def wait_for_alerts(data: Path, count: int) -> list[tuple[int, dict[str, Any]]]:
    deadline = time.monotonic() + WAIT_S
    while True:
        alerts = journaled(data)
        if len(alerts) >= count or time.monotonic() > deadline:
            return alerts
        time.sleep(0.05)


def wait_caught_up(node: Node) -> LiveSurveillance:
    live = node.live
    assert live is not None
    deadline = time.monotonic() + WAIT_S
    with open_store(node.data / "journal.sqlite", create=False) as reader:
        while not (live.caught_up and live.read_seq >= committed_seq(reader)):
            assert time.monotonic() < deadline, "live surveillance did not catch up"
            time.sleep(0.05)
    return live


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Callable[..., Node]]:
    """Start nodes over ``tmp_path/node`` (one at a time); whatever is left running is stopped."""
    running: list[Node] = []

    def start(surveil: bool = True) -> Node:
        node = Node(tmp_path / "node", surveil)
        running.append(node)
        return node

    try:
        yield start
    finally:
        for node in running:
            if not node.stopped:
                node.stop()


def test_a_wash_trade_over_rest_is_journaled_live_and_reproduced_offline(
    nodes: Callable[..., Node],
) -> None:
    node = nodes()
    data = node.data
    key, account_id = node.client("wash-alice")
    node.wash_trade(key, "91000")

    alerts = wait_for_alerts(data, 1)
    assert len(alerts) == 1, "no live alert within the wait"
    seq, command = alerts[0]
    assert not command["rejected"]
    alert = msgspec.convert({k: v for k, v in command.items() if k != "rejected"}, RaiseAlert)
    assert (alert.alert_type, alert.detector) == ("wash_trading", "wash.same_owner")
    assert alert.evidence["link"] == "same_account"
    # Pseudonyms only: the subject is alice's public name, her account id appears nowhere.
    pseudonym = Projector(load_keys(data).projection_key).pseudonym(account_id)
    assert alert.subjects == (pseudonym,) and all(map(is_pseudonym, alert.subjects))
    assert account_id.encode() not in encode(alert)
    # One continuous run from seq 1, journaled after the entry that completed the pattern.
    assert alert.seq_from == 1 and alert.seq_to < seq
    assert alert.alert_id == f"wash.same_owner-{alert.seq_to}-0"

    # The market goes on serving; the offline re-run over the same journal (read while the
    # server holds it) gives the same alert records, byte for byte, and submits nothing.
    node.wash_trade(key, "91000")  # the same owner again, inside the detector's cooldown
    live = wait_caught_up(node)
    report = run_surveil(data, 1, None)
    assert report["alerts"] == [msgspec.to_builtins(alert)]
    assert (report["on_record"], report["reproduced"], report["missing"], report["new"]) == (
        1,
        1,
        0,
        0,
    )
    head = report["to_seq"]
    _, reproduction = reproduce(lambda: public_entries(data), 1, head)
    assert reproduction.exact and reproduction.reproduced == [alert]
    assert live.alerts_journaled == 1 and live.alerts_refused == 0
    checked = CliRunner().invoke(
        cli, ["surveil", "--data", str(data), "--from-seq", "1", "--to-seq", str(head), "--json"]
    )
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["reproduced"] == 1
    assert len(journaled(data)) == 1


def test_a_restart_resumes_without_repeating_or_skipping(nodes: Callable[..., Node]) -> None:
    # Served with surveillance off: a wash trade is journaled, its alert is not.
    first = nodes(surveil=False)
    data = first.data
    alice, _ = first.client("wash-alice")
    first.wash_trade(alice, "91000")
    assert journaled(data) == []
    first.stop()

    # The next start reads the journal from seq 1: the missed pattern is found and journaled.
    second = nodes()
    alerts = wait_for_alerts(data, 1)
    assert len(alerts) == 1
    bob, _ = second.client("wash-bob")
    second.wash_trade(bob, "91000.5")
    alerts = wait_for_alerts(data, 2)
    assert len(alerts) == 2
    wait_caught_up(second)
    second.stop()

    # A third start finds both again, resubmits neither, and goes on with new trading.
    third = nodes()
    live = wait_caught_up(third)
    assert live.alerts_found == 2 and live.alerts_known == 2 and live.alerts_journaled == 0
    assert len(journaled(data)) == 2
    carol, _ = third.client("wash-carol")
    third.wash_trade(carol, "91001")
    alerts = wait_for_alerts(data, 3)
    wait_caught_up(third)
    third.stop()

    alerts = journaled(data)
    ids = [command["alert_id"] for _, command in alerts]
    assert len(alerts) == 3 and len(set(ids)) == 3
    assert not any(command["rejected"] for _, command in alerts)
    report = run_surveil(data, 1, None)
    assert (report["on_record"], report["reproduced"], report["missing"], report["new"]) == (
        3,
        3,
        0,
        0,
    )


def test_steps_are_bounded_and_an_alert_found_but_not_journaled_is_not_lost(
    tmp_path: Path,
) -> None:
    """Without a server: the market in process, the steps and the writer's part called by hand
    (as ``run`` calls them), over the same SQLite journal."""
    data = tmp_path / "node"
    store, market, keys = open_served_market(data)
    try:
        for number, name in enumerate(("alice", "bob")):
            _, account_id = create_account(market, keys, "broker-a", funds=FUNDS, name=name)
            price_ticks = 9_100_000 + number
            place(market, "broker-a", account_id, "BTCUSD", Side.SELL, price_ticks, 1_000, "s")
            place(market, "broker-a", account_id, "BTCUSD", Side.BUY, price_ticks, 1_000, "b")
        market.commit()
        head = market.last_seq
        with open_store(data / "journal.sqlite", create=False) as reader:
            projection_key = load_keys(data).projection_key
            live = LiveSurveillance(reader, projection_key, entries_per_step_max=7)
            steps = 0
            found: list[RaiseAlert] = []
            while not live.caught_up:
                before = live.read_seq
                found += live.step()
                assert live.read_seq - before <= 7
                steps += 1
            assert steps >= head // 7 and live.read_seq == head
            # Held until the stream was read to the head at start, then handed over at once.
            assert len(found) == 2 and live.alerts_found == 2
            expected = Surveillance(run_from_seq=1).run(public_entries(data))
            assert found == expected

            # The process dies before journaling the second alert.
            assert [alert for _, alert in live.journal(market, found[:1])] == found[:1]
            market.commit()

            # The next process finds both again; only the one not on record is submitted.
            again = LiveSurveillance(reader, projection_key)
            ready = again.step()
            assert ready == found[1:] and again.alerts_known == 1
            journaled_now = again.journal(market, found)  # the writer's check as well
            assert [alert for _, alert in journaled_now] == found[1:]
            market.commit()
            assert again.step() == [] and again.caught_up
    finally:
        keys.close()
        store.close()
    assert [command["alert_id"] for _, command in journaled(data)] == [a.alert_id for a in found]


def test_seawall_serve_runs_surveillance_by_default_and_prints_each_alert(tmp_path: Path) -> None:
    data = tmp_path / "served"
    port = free_port()
    out = (tmp_path / "serve.out").open("wb")
    command = "from seawall.cli.main import app; app()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "serve", "--data", str(data), "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + WAIT_S
        while not (data / "serve.json").exists() or not _answers(url):
            assert process.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.1)
        made = CliRunner().invoke(
            cli,
            [
                *("accounts", "create", "--data", str(data), "--broker", "broker-a", "--json"),
                *("--class", "professional", "--fund", "BTC=1,USD=100000"),
            ],
        )
        assert made.exit_code == 0, made.output
        account = json.loads(made.output)
        with httpx.Client(base_url=url, timeout=30) as http:
            for side, tif in (("SELL", "GTC"), ("BUY", "IOC")):
                query = urlencode(
                    {"symbol": "BTCUSD", "side": side, "type": "LIMIT", "timeInForce": tif}
                    | {"quantity": "0.01", "price": "91000", "timestamp": int(time.time() * 1000)}
                )
                secret = account["secretKey"].encode()
                signature = hmac.new(secret, query.encode(), hashlib.sha256).hexdigest()
                placed = http.post(
                    "/api/v3/order",
                    content=f"{query}&signature={signature}",
                    headers={
                        "X-MBX-APIKEY": account["apiKey"],
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                assert placed.status_code == 200, placed.text
        alerts = wait_for_alerts(data, 1)
        assert [command["alert_type"] for _, command in alerts] == ["wash_trading"]
        deadline = time.monotonic() + WAIT_S
        printed = ""
        while f"journaled at seq {alerts[0][0]}" not in printed:
            assert time.monotonic() < deadline, printed
            time.sleep(0.05)
            printed = (tmp_path / "serve.out").read_text()
        assert "surveillance live" in printed and "ALERT wash_trading" in printed
        # Ctrl-C stops it cleanly: surveillance's task ends with the server.
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT_S)  # uvicorn re-raises the signal once it has shut down
        assert "Traceback" not in (tmp_path / "serve.out").read_text()
    finally:
        if process.poll() is None:
            process.kill()
        out.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v3/ping").status_code == 200
    except httpx.TransportError:
        return False
