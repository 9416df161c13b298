"""The checkpoint's C2SP signed-note signature and its witnesses' cosignatures, checked in
Chromium with WebCrypto Ed25519 by the explorer's own code (``seawall.verifyCheckpointNote``):
every signer verifies on the published checkpoint, as the Python note verifier agrees; an altered
root, a flipped signature or cosignature byte, a key under another name, or a key ID that does
not match its key fails; and the page shows a failure, and refuses an inclusion proof, when the
server hands it a tampered checkpoint."""

from __future__ import annotations

import base64
import json
from typing import Any

from seawall.transparency.checkpoint import parse_verifier_key
from seawall.transparency.note import Ed25519Verifier, open_note

EXPECT_MS = 10_000
VERIFY = """([text, keys]) => window.seawall.verifyCheckpointNote(text, keys).then((r) => ({
  ok: r.ok, message: r.message, statuses: r.signers.map((s) => [s.name, s.role, s.status]),
}))"""


def _published(served: Any) -> tuple[str, list[str]]:
    note = (served.data_dir / "log" / "checkpoint").read_text()
    keys = (served.data_dir / "log.vkeys").read_text().split()
    return note, keys


def _flip_signature_byte(note: str, line_index: int, byte_index: int) -> str:
    """``note`` with one byte flipped inside the signature of its ``line_index``-th signature
    line (after the 4-byte key ID)."""
    text, _, block = note.rpartition("\n\n")
    lines = block.splitlines()
    prefix, _, encoded = lines[line_index].rpartition(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[4 + byte_index] ^= 0x01
    lines[line_index] = f"{prefix} {base64.b64encode(bytes(raw)).decode()}"
    return text + "\n\n" + "\n".join(lines) + "\n"


def _ready(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=EXPECT_MS)


def test_web_explorer_verifies_the_checkpoint_signatures(served: Any, page: Any) -> None:
    note, keys = _published(served)
    # The Python verifier (seawall.transparency) accepts the same note under the same keys.
    opened = open_note(note, [parse_verifier_key(key) for key in keys])
    assert len(opened.verified) == len(keys) >= 2
    _ready(page, f"{served.url}/web/")
    page.wait_for_selector("#log-sig-result.ok", timeout=EXPECT_MS)
    assert page.inner_text("#log-sig-result").startswith("VERIFIED")
    statuses = page.locator("#log-sig-table tr td:nth-child(4)").all_inner_texts()
    assert statuses == ["verified"] * len(keys)
    roles = page.locator("#log-sig-table tr td:nth-child(2)").all_inner_texts()
    assert roles == ["log"] + ["witness"] * (len(keys) - 1)

    real = page.evaluate(VERIFY, [note, keys])
    assert real["ok"], real
    assert [status for _, _, status in real["statuses"]] == ["verified"] * len(keys)


def test_web_signature_check_fails_on_tampered_checkpoints(served: Any, page: Any) -> None:
    note, keys = _published(served)
    _ready(page, f"{served.url}/web/")

    def verify(text: str, vkeys: list[str] = keys) -> dict[str, Any]:
        return page.evaluate(VERIFY, [text, vkeys])  # type: ignore[no-any-return]

    lines = note.split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()
    altered_root = verify("\n".join(lines))
    assert not altered_root["ok"]
    assert [status for _, _, status in altered_root["statuses"]] == ["FAILED"] * len(keys)

    log_flipped = verify(_flip_signature_byte(note, 0, 10))
    assert not log_flipped["ok"] and log_flipped["message"].startswith("FAILED")
    assert [status for _, _, status in log_flipped["statuses"]] == ["FAILED"] + ["verified"] * (
        len(keys) - 1
    )
    # A cosignature is an 8-byte timestamp, then the signature: flip either.
    for byte_index in (7, 8 + 20):
        witness_flipped = verify(_flip_signature_byte(note, 1, byte_index))
        assert not witness_flipped["ok"]
        assert [s for _, _, s in witness_flipped["statuses"]][:2] == ["verified", "FAILED"]

    # The log's key under another name is another key: its signature does not count.
    log_key = Ed25519Verifier.from_vkey(keys[0])
    renamed = Ed25519Verifier(f"{log_key.name}-other", log_key.public_key)
    other = verify(note, [renamed.vkey, *keys[1:]])
    assert not other["ok"] and other["statuses"][0][2] == "not signed"
    assert ["unknown key", "not checked"] in [[role, s] for _, role, s in other["statuses"]]
    # A key ID that does not match its key is refused before anything is checked.
    forged_id = keys[0].split("+")
    forged_id[1] = "00000000" if forged_id[1] != "00000000" else "11111111"
    assert not verify(note, ["+".join(forged_id), *keys[1:]])["ok"]

    # The page itself, fed a checkpoint whose root was changed, shows the failure and refuses
    # to check an inclusion proof against it.
    def tamper(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        body["checkpoint"] = "\n".join(lines)
        route.fulfill(response=response, body=json.dumps(body))

    page.route("**/web/api/log/status", tamper)
    page.click("#sig-check")
    page.wait_for_selector("#log-sig-result.fail", timeout=EXPECT_MS)
    assert page.inner_text("#log-sig-result").startswith("FAILED")
    page.fill("#entry-index", "1")
    page.click("#entry-check")
    page.wait_for_selector("#entry-result.fail", timeout=EXPECT_MS)
    assert "signatures do not verify" in page.inner_text("#entry-result")
