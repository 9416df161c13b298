"""The simulator's agents driving a served market over its REST API (``seawall.simhttp``): the
accounts are created through the server's admin route, the agents' orders are accepted, trade
and show in the public and private trade lists, refusals come back with Binance's codes, the
server's journal verifies and replays, one seed sends the same requests to two fresh servers and
leaves the same books, and surveillance reading the public stream sees the manipulations that
came in over HTTP."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from seawall.cli.main import app
from seawall.journal import verify_journal
from seawall.kernel import replay
from seawall.kernel.projection import Projector
from seawall.sim import manipulators as m
from seawall.sim.runner import FaultPlan, SimConfig
from seawall.simhttp import ApiClient, HttpRunResult, HttpSimulation, provision
from seawall.simhttp.accounts import links
from seawall.surveillance.engine import RAISE_ALERT_TAG, Surveillance
from seawall.surveillance.state import AlertType

S = 10**9
CONFIG = SimConfig(
    seed=11,
    duration_s=120,
    noise_traders=6,
    momentum_traders=1,
    mean_reversion_traders=1,
    faults=FaultPlan(duplicate_permille=30),
)


def _run(served: Any, config: SimConfig) -> tuple[HttpRunResult, dict[str, Any]]:
    """Create the agents' accounts on ``served`` and run ``config`` there."""
    with ApiClient(served.url) as client:
        simulation = HttpSimulation(config, client)
        keys = provision(client, served.admin_token, simulation.accounts(), simulation.assets())
        return simulation.run(keys), keys


def _public_trades(served: Any, symbol: str) -> list[tuple[int, str, str, bool]]:
    trades = httpx.get(
        f"{served.url}/api/v3/trades", params={"symbol": symbol, "limit": 1000}
    ).json()
    return [(t["id"], t["price"], t["qty"], t["isBuyerMaker"]) for t in trades]


def test_a_seeded_run_over_http_trades_refuses_and_reproduces(http_market: Any) -> None:
    first_server = http_market()
    first, keys = _run(first_server, CONFIG)

    # The orders went through the institutions: accepted, traded, in both trade lists.
    assert first.counts["accepted"] > 200 and first.counts["cancelled"] > 100
    assert first.trades["BTCUSD"] > 10 and first.trades["LTCUSD"] > 0
    public = _public_trades(first_server, "BTCUSD")
    assert len(public) == first.trades["BTCUSD"]
    maker = keys["maker-btc-1"]
    with ApiClient(first_server.url) as client:
        mine = client.signed("GET", "/api/v3/myTrades", maker, {"symbol": "BTCUSD"})
    assert mine and {fill["id"] for fill in mine} <= {trade[0] for trade in public}
    assert all(fill["isMaker"] for fill in mine)  # the maker only quotes post-only
    assert first.books["BTCUSD"].bids and first.books["BTCUSD"].asks
    assert first.books["BTCUSD"].bids[0][0] < first.books["BTCUSD"].asks[0][0]

    # Duplicated deliveries are refused with Binance's codes, and reported.
    refused = {(each.code, each.msg) for each in first.refused}
    assert (-2010, "Duplicate order sent.") in refused
    assert (-2011, "Unknown order sent.") in refused
    assert len(first.refused) >= first.faults["duplicated"] > 0
    assert sum(first.refused_by_code().values()) == len(first.refused)

    # The server's journal verifies and replays to the state the server holds.
    store = first_server.store
    report = verify_journal(store)
    assert report.entries == report.last_seq > 2_000
    assert replay(store).state_hash == first_server.run(lambda market: market.state_hash())

    # Another fresh server, the same seed: the same requests, the same trades and books.
    second_server = http_market()
    second, _ = _run(second_server, CONFIG)
    assert second.requests == first.requests and len(first.requests) > 1_000
    assert second.requests_sha256 == first.requests_sha256
    assert second.books == first.books and second.books_sha256 == first.books_sha256
    assert second.trades == first.trades and second.refused == first.refused
    assert _public_trades(second_server, "BTCUSD") == public


def _washer_and_spoofer(
    seed: int, specs: Any, start_ns: int, end_ns: int, institution: Any
) -> list[Any]:
    return [
        m.WashSelf("washer", seed, "broker-a", "BTCUSD", start_ns + 10 * S, start_ns + 90 * S),
        m.Spoofing("spoofer", seed, "broker-b", "BTCUSD", start_ns + 30 * S, start_ns + 140 * S),
    ]


def test_surveillance_sees_manipulation_that_came_over_http(http_market: Any) -> None:
    served = http_market()
    config = SimConfig(seed=5, duration_s=150, noise_traders=6, add_agents=_washer_and_spoofer)
    result, keys = _run(served, config)
    labels = {label.alert_type: label for label in result.labels}
    assert set(labels) == {AlertType.WASH_TRADING, AlertType.SPOOFING}
    assert labels[AlertType.WASH_TRADING].subjects == (keys["washer"].account_id,)

    # Surveillance reads the server's public stream, as `seawall surveil` does.
    projector = Projector(b"sim-http-projection-key-32-bytes")
    store = served.store
    seal = store.last_seal()
    assert seal is not None
    entries = [projector.project(stored.body) for stored in store.read(1, seal.last_seq)]
    alerts = Surveillance().run(entries)
    by_type = {alert.alert_type: alert for alert in alerts}
    assert {AlertType.WASH_TRADING, AlertType.SPOOFING} <= set(by_type)
    washer = projector.pseudonym(keys["washer"].account_id)
    spoofer = projector.pseudonym(keys["spoofer"].account_id)
    assert by_type[AlertType.WASH_TRADING].subjects == (washer,)
    assert spoofer in by_type[AlertType.SPOOFING].subjects

    # Surveillance raises them in the market: journaled beside the orders that came over HTTP.
    outcomes = served.run(lambda market: [market.submit(a, "surveillance") for a in alerts])
    assert all(outcome.rejection is None for outcome in outcomes)
    seal = store.last_seal()
    assert seal is not None
    journaled = [
        entry
        for entry in map(projector.project, (s.body for s in store.read(entries[-1].seq + 1)))
        if entry.command.get("k") == RAISE_ALERT_TAG
    ]
    assert {entry.command["alert_type"] for entry in journaled} >= {"wash_trading", "spoofing"}
    assert all(entry.rejection is None for entry in journaled)
    assert verify_journal(store).last_seq == seal.last_seq


def _text(outcome: Any) -> str:
    """A command's output, unwrapped (rich wraps lines at the terminal's width)."""
    return " ".join(outcome.output.split())


def test_sim_run_over_the_api_creates_accounts_and_writes_the_run(
    http_market: Any, tmp_path: Path
) -> None:
    served = http_market()
    server_data = tmp_path / "server"
    server_data.mkdir()
    host, port = served.url.removeprefix("http://").split(":")
    serve_file = {"host": host, "port": int(port), "admin_token": served.admin_token}
    (server_data / "serve.json").write_text(json.dumps(serve_file))
    keys = tmp_path / "keys.json"
    runner = CliRunner()
    arguments = ["sim", "run", "--server-data", str(server_data), "--keys", str(keys)]
    arguments += ["--minutes", "1", "--seed", "3", "--data", str(tmp_path / "run")]
    outcome = runner.invoke(app, arguments)
    assert outcome.exit_code == 0, outcome.output
    assert "created 26 accounts" in _text(outcome)
    summary = json.loads((tmp_path / "run" / "run.json").read_text())
    assert summary["api"] == served.url and summary["seed"] == 3
    assert summary["orders"]["accepted"] > 0 and summary["trades"]["BTCUSD"] > 0
    requests = (tmp_path / "run" / "requests.txt").read_text().splitlines()
    assert len(requests) == summary["requests"]
    assert requests[0] == "GET /api/v3/exchangeInfo - "
    assert set(json.loads(keys.read_text())["accounts"]) >= {"maker-btc-1", "noise-0"}

    # The same seed again on the same server reuses the accounts, but not the order ids.
    again = [*arguments[:-1], str(tmp_path / "again")]
    outcome = runner.invoke(app, again)
    assert outcome.exit_code == 1
    assert "was used on this server already" in _text(outcome)
    outcome = runner.invoke(app, [*again[:-1], str(tmp_path / "third"), "--run-id", "second"])
    assert outcome.exit_code == 0, outcome.output
    assert "created" not in _text(outcome)

    # What the server cannot create, and what a client cannot stage, is refused up front.
    linked = [*arguments[:-1], str(tmp_path / "linked"), "--scenario", "wash_owner"]
    outcome = runner.invoke(app, [*linked, "--keys", str(tmp_path / "other.json")])
    assert outcome.exit_code == 1 and "needs linked accounts" in _text(outcome)
    outcome = runner.invoke(app, [*arguments[:-1], str(tmp_path / "crash"), "--crash-at", "5"])
    assert outcome.exit_code == 2


def test_linked_accounts_are_named() -> None:
    with ApiClient("http://127.0.0.1:9") as client:
        clean = HttpSimulation(SimConfig(seed=1), client)
        owner = HttpSimulation(SimConfig(seed=1, scenario="wash_owner"), client)
        operator = HttpSimulation(SimConfig(seed=1, scenario="operator_nominee"), client)
    assert links(clean.agents) == []
    assert links(owner.agents) == ["wash-owner: one person's accounts at two brokers"]
    assert "venue-op: an account the venue restricts" in links(operator.agents)


def test_simhttp_imports_only_the_simulator_and_core() -> None:
    package = Path(__file__).parents[2] / "src" / "seawall" / "simhttp"
    allowed = ("seawall.sim.", "seawall.core.", "seawall.simhttp.")
    imported = set()
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
    ours = {name for name in imported if name.startswith("seawall")}
    assert ours and all(name.startswith(allowed) for name in ours), sorted(ours)
