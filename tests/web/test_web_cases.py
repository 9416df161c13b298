"""The regulator console's case desk: in Chromium, an analyst opens a case on two surveillance
alerts, assigns it, is refused a second identical assignment (ALREADY_ASSIGNED), notes it,
escalates it and closes it as referred, then reviews the closed file from the queue by keyboard
(a journaled read); over HTTP, every bad transition comes back as a journaled rejection with
surveillance's stable code, and the desk needs the console token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from seawall.surveillance import SurveillanceRejection as R

EXPECT_MS = 10_000


def _status_says(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent.includes(text)",
        arg=[selector, text],
        timeout=EXPECT_MS,
    )


def _facts(page: Any) -> dict[str, str]:
    terms = page.locator("#case-summary dt").all_inner_texts()
    values = page.locator("#case-summary dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def test_web_regulator_works_a_case_from_open_to_close(
    served: Any, page: Any, screenshots: Path
) -> None:
    page.goto(f"{served.url}/web/regulator.html")
    page.wait_for_selector("body[data-ready='1']", timeout=EXPECT_MS)
    page.fill("#token", served.token)
    page.press("#token", "Enter")
    page.wait_for_selector("#token-state.ok", timeout=EXPECT_MS)
    wash, ramp = served.alert_ids
    assert wash in page.inner_text("#s-alerts") and ramp in page.inner_text("#s-alerts")
    page.fill("#analyst", "analyst-lee")
    # Select both alerts, one with the mouse and one from the keyboard.
    page.check(f"input[aria-label='select alert {wash}']")
    page.focus(f"input[aria-label='select alert {ramp}']")
    page.keyboard.press("Space")
    page.fill("#open-reason", "the same pair trades back and forth")
    page.press("#open-reason", "Enter")
    page.wait_for_selector("#open-result.ok", timeout=EXPECT_MS)
    title = page.inner_text("#case-title")
    case_id = title.split()[2].rstrip(":")
    assert title.endswith(": open") and case_id.startswith("case-")
    assert _facts(page)["alerts"] == f"{wash}, {ramp}"
    assert _facts(page)["led by"] == "analyst-lee"

    page.fill("#assign-analyst", "analyst-wong")
    page.fill("#assign-reason", "wash trading desk")
    page.click("#case-assign")
    _status_says(page, "#case-result", f"assign {case_id}: journaled at seq")
    assert _facts(page)["led by"] == "analyst-wong"
    # The same assignment again is a bad transition: refused, journaled, with its stable name.
    page.fill("#assign-analyst", "analyst-wong")
    page.fill("#assign-reason", "again")
    page.click("#case-assign")
    page.wait_for_selector("#case-result.fail", timeout=EXPECT_MS)
    assert "ALREADY_ASSIGNED" in page.inner_text("#case-result")

    page.focus("#note-text")
    page.keyboard.type("both pseudonyms funded from the same origin")
    page.keyboard.press("Enter")
    _status_says(page, "#case-result", f"note {case_id}: journaled at seq")
    page.fill("#escalate-reason", "pattern repeats daily")
    page.click("#case-escalate")
    _status_says(page, "#case-result", f"escalate {case_id}: journaled at seq")
    assert page.inner_text("#case-title").endswith(": escalated")
    assert page.is_enabled("#case-close")

    page.select_option("#close-outcome", "referred")
    page.fill("#close-reason", "referred to the securities regulator")
    page.click("#case-close")
    _status_says(page, "#case-result", f"close {case_id}: journaled at seq")
    assert page.inner_text("#case-title").endswith(": closed")
    assert _facts(page)["outcome"] == "referred: referred to the securities regulator"
    assert page.is_disabled("#case-close") and page.is_disabled("#note-text")
    steps = page.locator("#case-history tr td:nth-child(3)").all_inner_texts()
    assert steps == ["opened", "assigned", "note", "escalated", "closed"]

    # The queue lists the closed case; its file is opened from the keyboard, and the read is
    # journaled (it shows in the history) before the file is shown.
    page.select_option("#case-filter", "closed")
    row = page.locator("#cases tr", has_text=case_id)
    assert "referred" in row.inner_text()
    row.get_by_role("button", name=f"review case {case_id}").focus()
    page.keyboard.press("Enter")
    _status_says(page, "#case-result", f"read of {case_id}: journaled at seq")
    history = page.inner_text("#case-history")
    assert "accessed" in history and "regulator: analyst-lee" in history
    assert page.evaluate("document.activeElement.id") == "case-title"
    page.screenshot(path=str(screenshots / "regulator-cases.png"), full_page=True)


def _post(served: Any, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    return httpx.post(
        f"{served.url}/web/api/regulator/case/{path}",
        json=body,
        headers={"X-Seawall-Console-Token": served.token if token is None else token},
    )


def test_bad_transitions_are_journaled_rejections_with_stable_codes(served: Any) -> None:
    wash, _ = served.alert_ids
    opened = _post(served, "open", {"alert_ids": [wash], "analyst": "a-1", "reason": "pairs"})
    body = opened.json()
    assert opened.status_code == 200 and body["accepted"], body
    case_id = body["case_id"]
    assert body["case"]["status"] == "open" and body["case"]["assignee"] == "a-1"

    def refused(path: str, payload: dict[str, Any]) -> dict[str, Any]:
        reply = _post(served, path, payload).json()
        assert reply["accepted"] is False and reply["seq"] > 0, reply
        assert reply["case"] is None
        return reply["rejection"]  # type: ignore[no-any-return]

    unknown = refused("assign", {"case_id": "case-none", "analyst": "a-2", "reason": "r"})
    assert (unknown["code"], unknown["name"]) == (R.UNKNOWN_CASE, "UNKNOWN_CASE")
    assert refused("escalate", {"case_id": case_id, "reason": ""})["code"] == R.REASON_REQUIRED
    assert refused("assign", {"case_id": case_id, "analyst": "a-1", "reason": "r"})["code"] == (
        R.ALREADY_ASSIGNED
    )
    assert refused("open", {"alert_ids": ["never-raised"], "analyst": "a", "reason": "r"})[
        "code"
    ] == (R.UNKNOWN_ALERT)
    escalated = _post(served, "escalate", {"case_id": case_id, "reason": "senior"}).json()
    assert escalated["accepted"] and escalated["case"]["status"] == "escalated"
    assert refused("escalate", {"case_id": case_id, "reason": "again"})["code"] == (
        R.ALREADY_ESCALATED
    )
    close = {"case_id": case_id, "outcome": "no_action", "reason": "market making"}
    assert _post(served, "close", close).json()["accepted"]
    assert refused("close", close)["code"] == R.CASE_CLOSED
    assert refused("note", {"case_id": case_id, "analyst": "a-1", "note": "late"})["code"] == (
        R.CASE_CLOSED
    )
    # A closed case is still read, each read journaled.
    read = _post(served, "read", {"case_id": case_id, "analyst": "auditor"}).json()
    assert read["accepted"] and read["case"]["history"][-1]["kind"] == "accessed"
    overview = httpx.get(
        f"{served.url}/web/api/regulator/overview",
        headers={"X-Seawall-Console-Token": served.token},
    ).json()
    queued = {row["case_id"]: row for row in overview["surveillance"]["cases"]}
    assert queued[case_id]["status"] == "closed" and queued[case_id]["outcome"] == "no_action"
    alerts = {row["alert_id"]: row for row in overview["surveillance"]["alerts"]}
    assert case_id in alerts[wash]["cases"]


def test_the_case_desk_checks_its_token_and_body_shape(served: Any) -> None:
    wash, _ = served.alert_ids
    assert _post(served, "open", {"alert_ids": [wash]}, token="wrong").status_code == 403
    assert _post(served, "read", {"case_id": "c", "analyst": "a"}, token="").status_code == 403
    shapes = [
        ("open", {"alert_ids": [wash], "reason": "r"}),
        ("open", {"alert_ids": wash, "analyst": "a", "reason": "r"}),
        ("close", {"case_id": "c", "outcome": "dropped", "reason": "r"}),
        ("note", {"case_id": "c", "analyst": "a", "note": 7}),
        ("reopen", {"case_id": "c"}),
    ]
    for path, body in shapes:
        reply = _post(served, path, body)
        assert reply.status_code == 400, (path, reply.text)
