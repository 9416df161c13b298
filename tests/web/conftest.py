"""Fixtures for the web pages' tests: a small served market (two funded clients at two brokers,
trades, a regulator alert, two surveillance alerts about the clients' pseudonyms, two published
log checkpoints, a proof-of-reserves snapshot), the API with the pages mounted, and a real
Chromium driven by Playwright.

The browser tests need ``/usr/bin/chromium`` (Debian's) and the ``playwright`` Python package;
without either they skip with the reason, unless ``CI=true``, where they fail. No browser is
ever downloaded: Playwright launches Debian's Chromium by path.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from seawall.api.app import create_app
from seawall.api.server import ServerThread, open_served_market
from seawall.api.service import create_account
from seawall.broker.state import Side
from seawall.cli.log_commands import publish_log
from seawall.cli.por_commands import take_snapshot
from seawall.custody.commands import PublishReserves
from seawall.identity.state import InvestorClass
from seawall.kernel.projection import Projector
from seawall.node.keys import load_keys
from seawall.sim.setup import place
from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.state import AlertType
from seawall.web import data as web_data
from seawall.web import mount_web

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONSOLE_TOKEN = "console-token-for-tests"
FUNDS = {"USD": 1_000_000_00, "BTC": 10 * 100_000_000}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class Served:
    url: str
    data_dir: Path
    api_key: str
    secret: str
    account_id: str
    other_account_id: str
    token: str
    alert_ids: tuple[str, ...]


def _trade(market: Any, seller: tuple[str, str], buyer: tuple[str, str], price_ticks: int) -> Any:
    """The two orders; returns the second's outcome (the trade's seq and time)."""
    outcome = None
    for (broker_id, account_id), side in ((seller, Side.SELL), (buyer, Side.BUY)):
        outcome = place(market, broker_id, account_id, "BTCUSD", side, price_ticks, 100)
        assert outcome.rejection is None, outcome.rejection
    return outcome


def _raise_alerts(
    market: Any, data_dir: Path, accounts: tuple[str, str], traded: Any
) -> tuple[str, ...]:
    """Two surveillance alerts about the two clients' pseudonyms (as a detector would raise
    them over the public stream), journaled by ``surveillance``."""
    projector = Projector(load_keys(data_dir).projection_key)
    pair = tuple(sorted(projector.pseudonym(account) for account in accounts))
    alerts = (
        RaiseAlert(
            alert_id=f"wash.collusion-{traded.seq}-0",
            alert_type=AlertType.WASH_TRADING,
            detector="wash.collusion",
            detector_version=1,
            parameters={"window_ns": 600_000_000_000},
            seq_from=1,
            seq_to=traded.seq,
            observed_ns=traded.timestamp_ns,
            symbol="BTCUSD",
            subjects=pair,
            evidence={"trades": 2, "reversals": 1},
        ),
        RaiseAlert(
            alert_id=f"ramping.one_way-{traded.seq}-0",
            alert_type=AlertType.RAMPING,
            detector="ramping.one_way",
            detector_version=1,
            parameters={"move_bps": 200},
            seq_from=1,
            seq_to=traded.seq,
            observed_ns=traded.timestamp_ns,
            symbol="BTCUSD",
            subjects=pair[:1],
            evidence={"move_bps": 11},
        ),
    )
    for alert in alerts:
        outcome = market.submit(alert, "surveillance")
        assert outcome.rejection is None, outcome.rejection
    return tuple(alert.alert_id for alert in alerts)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("web")
    store, market, keys = open_served_market(data_dir, durable=False)
    try:
        key_a, account_a = create_account(
            market, keys, "broker-a", InvestorClass.PROFESSIONAL, FUNDS, name="alice-web"
        )
        _key_b, account_b = create_account(
            market, keys, "broker-b", InvestorClass.PROFESSIONAL, FUNDS, name="bob-web"
        )
        _trade(market, ("broker-a", account_a), ("broker-b", account_b), 90_000_00)
        market.commit()
        publish_log(data_dir)
        web_data.log_status(data_dir)
        traded = _trade(market, ("broker-b", account_b), ("broker-a", account_a), 90_100_00)
        alert_ids = _raise_alerts(market, data_dir, (account_a, account_b), traded)
        # custody anchors a short snapshot: the kernel's route records a regulator alert
        short = PublishReserves(
            snapshot_id="drill", liabilities_root=bytes(32), ratios=(("BTC", 100, 90, 9_000),)
        )
        assert market.submit(short, "custody").rejection is None
        market.commit()
        publish_log(data_dir)
        take_snapshot(data_dir)
        api = create_app(market, keys, admin_token=CONSOLE_TOKEN)
        mount_web(api, data_dir, CONSOLE_TOKEN)
        with ServerThread(api) as server:
            yield Served(
                server.url,
                data_dir,
                key_a.api_key,
                key_a.hmac_secret or "",
                account_a,
                account_b,
                CONSOLE_TOKEN,
                alert_ids,
            )
    finally:
        keys.close()
        store.close()


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run on CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; the test fails if the page logged any console error or uncaught error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.console_errors = errors
    try:
        yield opened
    finally:
        context.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
