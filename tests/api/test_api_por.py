"""Proof of reserves through the trading API, end to end: a market served over a data directory
with a fake market clock; crossing midnight in Hong Kong makes the served node take, keep and
anchor a day-end snapshot; each client fetches their own proof with a real signed request and
checks it offline with the project's verifier (``verify_proof`` and ``seawall por verify``);
bad snapshot ids, unsigned requests and requests naming another account are refused.

The tests share one node and run in order: its clock only moves forward."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import httpx
import msgspec
import pytest
import typer
from typer.testing import CliRunner

from seawall.adapters.storage import open_store
from seawall.api import KeyStore, LimitConfig, bootstrap, create_account, create_app
from seawall.api.app import Api
from seawall.api.keys import ApiKey
from seawall.api.openapi import openapi_document
from seawall.api.por import mount_por
from seawall.api.server import ServerThread
from seawall.cli import por_commands
from seawall.custody.commands import PublishReserves
from seawall.identity.state import InvestorClass
from seawall.journal.verify import decode_entry
from seawall.kernel import Market
from seawall.node.day_end_schedule import HONG_KONG
from seawall.node.keys import load_keys
from seawall.reserves.proof import proof_from_json, verify_proof
from seawall.reserves.tree import PrivacyPolicy
from seawall.sim.genesis import open_market

PROOF = "/sapi/v1/seawall/por/proof"
SNAPSHOTS = "/sapi/v1/seawall/por/snapshots"


class ManualClock:
    """The market's clock: it stays where the test puts it."""

    def __init__(self, when: datetime) -> None:
        self.now = 0
        self.set(when)

    def now_ns(self) -> int:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = int(when.timestamp()) * 1_000_000_000


class Node(NamedTuple):
    """A served market on a data directory, with its clock and a signed-request helper."""

    data: Path
    api: Api
    server: ServerThread
    clock: ManualClock
    http: httpx.Client

    def run(self, fn: Callable[[Market], Any]) -> Any:
        assert self.server.loop is not None
        future = asyncio.run_coroutine_threadsafe(self.api.service.exclusive(fn), self.server.loop)
        return future.result(timeout=30)

    def client(self, funds: dict[str, int]) -> ApiKey:
        def make(market: Market) -> ApiKey:
            key, _ = create_account(
                market, self.api.keys, "broker-a", InvestorClass.PROFESSIONAL, funds
            )
            return key

        key: ApiKey = self.run(make)
        return key

    def get(
        self, path: str, key: ApiKey, params: dict[str, Any] | None = None, secret: str = ""
    ) -> httpx.Response:
        query = urlencode({**(params or {}), "timestamp": int(time.time() * 1000)})
        signing = (secret or key.hmac_secret or "").encode()
        signature = hmac.new(signing, query.encode(), hashlib.sha256).hexdigest()
        return self.http.get(
            f"{path}?{query}&signature={signature}", headers={"X-MBX-APIKEY": key.api_key}
        )

    def day_end(self, snapshot_id: str) -> dict[str, Any]:
        """Wait for the node's scheduler to keep and anchor ``snapshot_id``; its listing row."""
        deadline = time.monotonic() + 60
        archive = self.api.por.archive
        assert archive is not None
        while time.monotonic() < deadline:
            rows = [r for r in archive.records() if r.snapshot_id == snapshot_id]
            if rows and rows[0].anchor_seq is not None:
                return {"id": snapshot_id, "anchor_seq": rows[0].anchor_seq}
            time.sleep(0.05)
        scheduler = self.api.por.scheduler
        raise AssertionError(
            f"no anchored {snapshot_id}: {None if scheduler is None else scheduler.last_error}"
        )


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    data = tmp_path_factory.mktemp("por-api") / "data"
    keys = load_keys(data, deterministic_label="por-api")
    clock = ManualClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # 10:00 in Hong Kong
    store = open_store(data / "journal.sqlite")
    market = open_market(store, keys.signing("sequencer"), clock)
    bootstrap(market)
    api = create_app(market, KeyStore(), LimitConfig(ip_weight_per_minute=10_000_000))
    small = PrivacyPolicy(split_parts=2, leaves_min=16)
    mount_por(api, data, HONG_KONG, clock=clock, policy=small, check_every_s=0.05)
    server = ServerThread(api).start()
    try:
        yield Node(data, api, server, clock, httpx.Client(base_url=server.url, timeout=30))
    finally:
        server.stop()
        store.close()


def _error(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["code"], body["msg"]


def test_each_client_gets_their_own_proof_of_a_day_end_and_checks_it_offline(
    node: Node, tmp_path: Path
) -> None:
    alice = node.client({"USD": 12_345_00, "BTC": 3 * 10**8})
    bob = node.client({"USD": 500_00})
    status, code, msg = _error(node.get(PROOF, alice))
    assert (status, code) == (400, -1130) and "no snapshot has been taken yet" in msg
    assert node.get(SNAPSHOTS, alice).json() == []

    node.clock.set(datetime(2026, 3, 2, 16, 0, tzinfo=UTC))  # midnight in Hong Kong
    node.day_end("day-2026-03-02")
    listed = node.get(SNAPSHOTS, alice)
    assert listed.status_code == 200, listed.text
    (row,) = listed.json()
    assert (row["snapshotId"], row["day"], row["status"]) == (
        "day-2026-03-02",
        "2026-03-02",
        "COVERED",
    )
    assert row["anchored"] and row["anchorLogIndex"] == row["anchorSeq"] - 1
    assert row["cutoffTime"] == int(datetime(2026, 3, 2, 16, 0, tzinfo=UTC).timestamp()) * 1000
    ratios = {r["asset"]: r for r in row["ratios"]}
    assert ratios["BTC"]["ratioBps"] == 10_000 and ratios["BTC"]["liabilities"] == "3.00000000"

    def anchored(market: Market) -> PublishReserves:
        for seq, body in market.store.read(row["anchorSeq"], row["anchorSeq"]):
            command: PublishReserves = msgspec.msgpack.decode(
                decode_entry(body, seq).command, type=PublishReserves
            )
            return command
        raise AssertionError("no anchoring entry")

    assert node.run(anchored).liabilities_root.hex() == row["root"]

    mine = node.get(PROOF, alice)
    assert mine.status_code == 200, mine.text
    alice_id = f"client:broker-a:{alice.account_id}"
    proof = proof_from_json(mine.content)
    verified = verify_proof(proof, bytes.fromhex(row["root"]), "day-2026-03-02", alice_id)
    held = dict(zip((a.code for a in verified.assets), verified.balances_minor, strict=True))
    assert (held["USD"], held["BTC"]) == (12_345_00, 3 * 10**8)
    assert node.get(PROOF, alice, {"snapshot": "2026-03-02"}).content == mine.content
    assert node.get(PROOF, alice, {"snapshot": "day-2026-03-02"}).content == mine.content

    saved = tmp_path / "proof.json"
    saved.write_bytes(mine.content)
    cli = typer.Typer()
    por_commands.register(cli)
    cli.command("noop")(lambda: None)
    result = CliRunner().invoke(
        cli,
        ["por", "verify", str(saved), "--root", row["root"], "--account", alice.account_id],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert (
        "OK client:broker-a:" in result.output and "the root is the published one" in result.output
    )

    theirs = node.get(PROOF, bob)
    assert proof_from_json(theirs.content).account_id == f"client:broker-a:{bob.account_id}"


def test_a_past_snapshot_still_proves_the_balance_of_its_day(node: Node) -> None:
    carol = node.client({"USD": 100_00})
    node.clock.set(datetime(2026, 3, 3, 16, 0, tzinfo=UTC))
    node.day_end("day-2026-03-03")
    assert [r["snapshotId"] for r in node.get(SNAPSHOTS, carol).json()] == [
        "day-2026-03-02",
        "day-2026-03-03",
    ]
    assert [r["snapshotId"] for r in node.get(SNAPSHOTS, carol, {"limit": 1}).json()] == [
        "day-2026-03-03"
    ]
    latest = proof_from_json(node.get(PROOF, carol).content)
    assert latest.snapshot_id == "day-2026-03-03"
    status, code, msg = _error(node.get(PROOF, carol, {"snapshot": "2026-03-02"}))
    assert (status, code) == (400, -1130) and "holds no proof for this account" in msg


def test_bad_snapshot_ids_and_other_accounts_are_refused(node: Node) -> None:
    dave = node.client({"USD": 1_00})
    status, code, msg = _error(node.get(PROOF, dave, {"snapshot": "day-2020-01-01"}))
    assert (status, code) == (400, -1130)
    assert msg == "Invalid snapshot: no snapshot 'day-2020-01-01'."
    _, code, msg = _error(node.get(PROOF, dave, {"snapshot": "2026-03-09"}))
    assert (code, msg) == (-1130, "Invalid snapshot: no day-end snapshot for 2026-03-09.")
    _, code, msg = _error(node.get(PROOF, dave, {"snapshot": "../../keys"}))
    assert code == -1100 and "'snapshot'" in msg
    _, code, _ = _error(node.get(PROOF, dave, {"account": "client:broker-a:acct-x"}))
    assert code == -1104
    _, code, _ = _error(node.get(SNAPSHOTS, dave, {"limit": 0}))
    assert code == -1130


def test_unsigned_and_wrongly_signed_requests_are_refused(node: Node) -> None:
    erin = node.client({"USD": 1_00})
    bad = node.get(PROOF, erin, secret="not-the-secret")
    assert bad.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
    no_key = node.http.get(PROOF, params={"timestamp": 1, "signature": "x"})
    assert no_key.status_code == 401
    assert no_key.json() == {"code": -2014, "msg": "API-key format invalid."}
    unsigned = node.http.get(
        SNAPSHOTS, params={"timestamp": 1}, headers={"X-MBX-APIKEY": erin.api_key}
    )
    assert unsigned.json()["code"] == -1102


def test_the_openapi_document_describes_the_endpoints() -> None:
    paths = openapi_document()["paths"]
    for path in (PROOF, SNAPSHOTS):
        operation = paths[path]["get"]
        assert operation["security"] == [{"ApiKey": []}]
        names = [p["name"] for p in operation["parameters"]]
        assert "signature" in names and "timestamp" in names
    assert paths[PROOF]["get"]["parameters"][0]["name"] == "snapshot"
    schema = paths[PROOF]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["format"]["const"] == "seawall-por-proof/1"
