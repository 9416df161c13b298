"""The web pages in a real browser (Debian's Chromium through Playwright): every page loads with
no console error, the inclusion proof is checked in the browser and fails when tampered with,
the consistency check passes, a client signs in, places and cancels an order and verifies their
own liabilities proof, and the regulator issues a warrant and halts a market. Screenshots of
each page go to docs/screenshots/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXPECT_MS = 10_000


def _ready(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=EXPECT_MS)


def test_web_explorer_checks_inclusion_in_the_browser(
    served: Any, page: Any, screenshots: Path
) -> None:
    _ready(page, f"{served.url}/web/")
    page.wait_for_selector("#tick-BTCUSD")
    assert "BTC" in page.inner_text("#ticker")
    assert "BTCUSD" in page.inner_text("#markets")
    page.wait_for_function("document.querySelectorAll('#trades tr').length > 0")
    assert "seawall-log" in page.inner_text("#log-signers")
    page.fill("#entry-index", "3")
    page.click("#entry-check")
    page.wait_for_selector("#entry-result.ok", timeout=EXPECT_MS)
    assert page.inner_text("#entry-result").startswith("VERIFIED")
    page.select_option("#cons-old", "0")
    page.click("#cons-check")
    page.wait_for_selector("#cons-result.ok", timeout=EXPECT_MS)
    assert "CONSISTENT" in page.inner_text("#cons-result")
    assert "RESERVES_BELOW_LIABILITIES" in page.inner_text("#alert-counts")
    assert "BTC" in page.inner_text("#por-ratios")
    page.screenshot(path=str(screenshots / "explorer.png"), full_page=True)

    def tamper(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        first = body["proof_hex"][0]
        body["proof_hex"][0] = ("0" if first[0] != "0" else "1") + first[1:]
        route.fulfill(response=response, body=json.dumps(body))

    page.route("**/web/api/log/entry/*", tamper)
    page.click("#entry-check")
    page.wait_for_selector("#entry-result.fail", timeout=EXPECT_MS)
    assert page.inner_text("#entry-result").startswith("FAILED")


def test_web_explorer_on_a_narrow_screen(served: Any, browser: Any, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    narrow = context.new_page()
    errors: list[str] = []
    narrow.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _ready(narrow, f"{served.url}/web/")
        width = narrow.evaluate("document.documentElement.scrollWidth")
        narrow.screenshot(path=str(screenshots / "explorer-390px.png"), full_page=True)
    finally:
        context.close()
    assert errors == []
    assert width <= 400


def test_web_client_places_cancels_and_verifies_proof(
    served: Any, page: Any, screenshots: Path
) -> None:
    _ready(page, f"{served.url}/web/client.html")
    page.fill("#api-key", served.api_key)
    page.fill("#api-secret", served.secret)
    page.press("#api-secret", "Enter")
    page.wait_for_selector("#login-state.ok", timeout=EXPECT_MS)
    assert "USD" in page.inner_text("#balances")
    page.select_option("#o-symbol", "BTCUSD")
    page.select_option("#o-side", "BUY")
    page.fill("#o-price", "80000")
    page.fill("#o-qty", "0.001")
    page.click("#o-place")
    page.wait_for_selector("#order-result.ok", timeout=EXPECT_MS)
    page.wait_for_selector("#open-orders tr", timeout=EXPECT_MS)
    assert "80000" in page.inner_text("#open-orders")
    assert page.locator("#my-trades tr").count() >= 1
    page.click("#p-check")
    page.wait_for_selector("#proof-result.ok", timeout=EXPECT_MS)
    assert page.inner_text("#proof-result").startswith("VERIFIED")
    page.screenshot(path=str(screenshots / "client.png"), full_page=True)
    page.click("#open-orders button")
    page.wait_for_function("document.querySelectorAll('#open-orders tr').length === 0")


def test_web_client_proof_fails_when_tampered(served: Any, page: Any) -> None:
    _ready(page, f"{served.url}/web/client.html")

    def tamper(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        leaf = body["leaves"][0]
        leaf["balances"] = [str(int(v) + 1) if int(v) else v for v in leaf["balances"]]
        body["account"]["balances"] = (
            leaf["balances"] if len(body["leaves"]) == 1 else body["account"]["balances"]
        )
        route.fulfill(response=response, body=json.dumps(body))

    page.route("**/web/api/por/proof*", tamper)
    page.fill("#api-key", served.api_key)
    page.fill("#api-secret", served.secret)
    page.click("#sign-in")
    page.wait_for_selector("#login-state.ok", timeout=EXPECT_MS)
    page.click("#p-check")
    page.wait_for_selector("#proof-result.fail", timeout=EXPECT_MS)


def test_web_regulator_warrant_and_halt(served: Any, page: Any, screenshots: Path) -> None:
    _ready(page, f"{served.url}/web/regulator.html")
    page.fill("#token", served.token)
    page.click("#open-console")
    page.wait_for_selector("#token-state.ok", timeout=EXPECT_MS)
    assert "RESERVES_BELOW_LIABILITIES" in page.inner_text("#alerts")
    assert "broker-a" in page.inner_text("#licences")
    page.fill("#w-account", served.other_account_id)
    page.fill("#w-officer", "officer-chan")
    page.fill("#w-reason", "suspected wash trading in BTCUSD between related accounts")
    page.click("#w-issue")
    page.wait_for_selector("#warrant-result.ok", timeout=EXPECT_MS)
    assert "Bob-Web (passport" in page.inner_text("#warrants")
    page.fill("#h-symbol", "DOGEUSD")
    page.fill("#h-reason", "disorderly market")
    page.click("#h-halt")
    page.wait_for_selector("#halt-result.ok", timeout=EXPECT_MS)
    assert "DOGEUSD" in page.inner_text("#halted")
    page.screenshot(path=str(screenshots / "regulator.png"), full_page=True)
