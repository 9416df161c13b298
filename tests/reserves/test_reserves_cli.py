"""``seawall por ...`` as a user runs it on a data directory: snapshot, a client's proof, the
offline check (and each refusal with its reason, exit 1), the FTX drill, and OKX's sample."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seawall.cli import por_commands

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    por_commands.register(application)

    @application.command("noop")
    def noop() -> None:  # a second command keeps "por" a sub-command group
        """Nothing."""

    return application


def _run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def snapshot(app: typer.Typer, data_dir: Path) -> Path:
    code, out = _run(app, "por", "snapshot", "--data", str(data_dir), "--id", "day-1")
    assert code == 0, out
    assert "status: COVERED" in out and "liabilities root" in out
    return data_dir / "por" / "day-1"


def test_snapshot_writes_the_public_document_and_every_client_proof(snapshot: Path) -> None:
    doc = json.loads((snapshot / "snapshot.json").read_text())
    assert doc["status"] == "COVERED" and doc["snapshot"] == "day-1"
    assert len(list((snapshot / "proofs").glob("*/*.json"))) == 4
    publication = json.loads((snapshot / "publication.json").read_text())
    assert publication["liabilities_root"] == doc["liabilities"]["root"]
    assert (snapshot.parent / "latest").read_text().strip() == "day-1"


def test_a_client_fetches_and_verifies_their_proof(
    app: typer.Typer, snapshot: Path, data_dir: Path, tmp_path: Path
) -> None:
    proof_file = next((snapshot / "proofs" / "broker-b").glob("*.json"))
    account = proof_file.stem
    code, out = _run(app, "por", "proof", "--data", str(data_dir), "--account", account)
    assert code == 0 and json.loads(out)["account"]["id"] == f"client:broker-b:{account}"
    mine = tmp_path / "proof.json"
    code, out = _run(
        app, "por", "proof", "--data", str(data_dir), "--account", f"broker-b:{account}",
        "--out", str(mine),
    )  # fmt: skip
    assert code == 0 and mine.read_text() == proof_file.read_text()
    published = snapshot / "snapshot.json"
    code, out = _run(app, "por", "verify", str(mine), "--published", str(published))
    assert code == 0, out
    assert "OK client:broker-b:" in out and "the root is the published one" in out
    assert "reserves cover liabilities" in out
    code, out = _run(app, "por", "verify", str(mine))
    assert code == 0 and "compare this root" in out
    code, out = _run(app, "por", "verify", str(mine), "--account", account)
    assert code == 0, out
    code, out = _run(app, "por", "verify", str(mine), "--account", "acct-someone-else")
    assert code == 1 and "FAILED wrong_account" in out


def test_refusals_exit_1_with_their_reason(
    app: typer.Typer, snapshot: Path, data_dir: Path, tmp_path: Path
) -> None:
    proof_file = next((snapshot / "proofs").glob("*/*.json"))
    data = json.loads(proof_file.read_text())
    data["leaves"][0]["path"][2]["balances"][2] = "12345"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    code, out = _run(app, "por", "verify", str(tampered))
    assert code == 1 and "FAILED tampered" in out
    code, out = _run(app, "por", "verify", str(proof_file), "--root", "ab" * 32)
    assert code == 1 and "FAILED wrong_root" in out
    code, out = _run(app, "por", "verify", str(proof_file), "--snapshot", "day-2")
    assert code == 1 and "FAILED wrong_snapshot" in out
    code, out = _run(app, "por", "snapshot", "--data", str(data_dir), "--id", "day-2")
    assert code == 0
    code, out = _run(
        app, "por", "verify", str(proof_file), "--published",
        str(data_dir / "por" / "day-2" / "snapshot.json"),
    )  # fmt: skip
    assert code == 1 and "FAILED wrong_snapshot" in out
    data["leaves"][0]["path"][0]["balances"][0] = "-5"
    negative = tmp_path / "negative.json"
    negative.write_text(json.dumps(data))
    code, out = _run(app, "por", "verify", str(negative))
    assert code == 1 and "FAILED negative_balance" in out
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{")
    code, out = _run(app, "por", "verify", str(garbage))
    assert code == 1 and "FAILED malformed" in out
    code, out = _run(app, "por", "verify", str(tmp_path / "absent.json"))
    assert code == 2


def test_ftx_drill_shows_the_shortfall_plainly(
    app: typer.Typer, snapshot: Path, data_dir: Path
) -> None:
    code, out = _run(
        app, "por", "snapshot", "--data", str(data_dir), "--id", "ftx", "--drain", "BTC=2.5",
        "--fail-on-shortfall",
    )  # fmt: skip
    assert code == 1
    assert "RESERVES BELOW LIABILITIES BTC" in out and "status: SHORTFALL" in out
    doc = json.loads((data_dir / "por" / "ftx" / "snapshot.json").read_text())
    assert doc["status"] == "SHORTFALL"
    btc = next(row for row in doc["coverage"] if row["asset"] == "BTC")
    assert btc["ratio_bps"] < 10_000 and not btc["covered"]
    proof_file = next((data_dir / "por" / "ftx" / "proofs").glob("*/*.json"))
    code, out = _run(
        app, "por", "verify", str(proof_file), "--published",
        str(data_dir / "por" / "ftx" / "snapshot.json"),
    )  # fmt: skip
    assert code == 1 and "reserves do not cover them" in out
    code, out = _run(app, "por", "snapshot", "--data", str(data_dir), "--drain", "BTC=9999")
    assert code == 2 and "hold less than" in out


def test_usage_errors_exit_2(app: typer.Typer, data_dir: Path, tmp_path: Path) -> None:
    code, out = _run(app, "por", "snapshot", "--data", str(tmp_path / "none"))
    assert code == 2 and "no journal" in out
    code, out = _run(app, "por", "proof", "--data", str(data_dir), "--account", "acct-x")
    assert code == 2 and "no snapshot" in out
    code, out = _run(app, "por", "snapshot", "--data", str(data_dir), "--pad-to", "1000")
    assert code == 2 and "power of two" in out


def test_okx_verify_gives_the_okx_tool_verdict(
    app: typer.Typer, okx_dir: Path, tmp_path: Path
) -> None:
    code, out = _run(app, "por", "okx-verify", str(okx_dir))
    assert code == 0, out
    assert "Merkle tree path validation passed." in out
    assert "self-check (leaf hashes, user hash, leaves add up): passed" in out
    copied = tmp_path / "okx"
    shutil.copytree(okx_dir, copied)
    (copied / "merkle_proof_file.json").chmod(0o644)
    data = json.loads((copied / "merkle_proof_file.json").read_text())
    data["path"][3]["balances"]["BTC"] = "0.00092852"
    (copied / "merkle_proof_file.json").write_text(json.dumps(data))
    code, out = _run(app, "por", "okx-verify", str(copied / "merkle_proof_file.json"))
    assert code == 1 and "Merkle tree path validation failed." in out


def test_day_end_list_and_a_past_proof_by_date(
    app: typer.Typer, snapshot: Path, data_dir: Path, tmp_path: Path
) -> None:
    # the demo journal was written on 1 January 2026 at 08:00 in Hong Kong
    code, out = _run(app, "por", "day-end", "--data", str(data_dir), "--day", "2025-12-31")
    assert code == 0 and "nothing to take" in out
    code, out = _run(app, "por", "day-end", "--data", str(data_dir), "--day", "2026-01-01")
    assert code == 0, out
    assert "day-end 2026-01-01 (00:00+08:00): snapshot day-2026-01-01" in out and "COVERED" in out
    code, out = _run(app, "por", "day-end", "--data", str(data_dir), "--day", "2026-01-01")
    assert code == 0 and "nothing to take" in out
    code, out = _run(app, "por", "day-end", "--data", str(data_dir), "--day", "2999-01-01")
    assert code == 2 and "has not ended" in out
    code, out = _run(app, "por", "list", "--data", str(data_dir), "--json")
    assert code == 0, out
    rows = {row["snapshot"]: row for row in json.loads(out)}
    assert sorted(rows) == ["day-1", "day-2026-01-01"]
    assert rows["day-1"]["day"] is None and rows["day-1"]["anchor_seq"] is None
    day = rows["day-2026-01-01"]
    assert day["day"] == "2026-01-01" and day["log_index"] == day["anchor_seq"] - 1
    proof_file = next((snapshot / "proofs" / "broker-a").glob("*.json"))
    mine = tmp_path / "past.json"
    code, out = _run(
        app, "por", "proof", "--data", str(data_dir), "--account", proof_file.stem,
        "--snapshot", "2026-01-01", "--out", str(mine),
    )  # fmt: skip
    assert code == 0, out
    code, out = _run(app, "por", "verify", str(mine), "--root", day["root"])
    assert code == 0 and "snapshot day-2026-01-01" in out and "the root is the published one" in out
    code, out = _run(
        app, "por", "proof", "--data", str(data_dir), "--account", "x", "--snapshot", "2026-01-05"
    )
    assert code == 2 and "no day-end snapshot for 2026-01-05" in out
    code, out = _run(app, "por", "snapshot", "--data", str(data_dir), "--id", "day-2026-01-02")
    assert code == 2 and "kept for day-end snapshots" in out
