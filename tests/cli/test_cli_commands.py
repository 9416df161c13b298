"""The ``seawall`` command line as a user runs it: demo, journal verify, replay, bench."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from seawall.adapters.storage import open_store
from seawall.cli.main import app

runner = CliRunner()


def _demo(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["demo", "--data", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "replay matches the live market" in result.output
    assert "INSUFFICIENT_BALANCE" in result.output and "MALFORMED_COMMAND" in result.output
    assert "every book agrees" in result.output
    path = tmp_path / "demo" / "journal.sqlite"
    assert path.exists()
    return path


def test_demo_then_verify_and_replay_agree(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    verified = runner.invoke(app, ["journal", "verify", str(path)])
    assert verified.exit_code == 0, verified.output
    assert "OK " in verified.output and " entries in " in verified.output
    replayed = runner.invoke(app, ["replay", str(path)])
    assert replayed.exit_code == 0, replayed.output
    from_snapshot = runner.invoke(app, ["replay", "--from-snapshot", str(path)])
    assert from_snapshot.exit_code == 0, from_snapshot.output
    hash_line = [line for line in replayed.output.splitlines() if line.startswith("state hash")]
    assert hash_line and hash_line[0] in from_snapshot.output


def test_verify_names_the_first_bad_seq_and_exits_1(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    db = sqlite3.connect(path)
    groups = db.execute("SELECT first_seq, body FROM groups").fetchall()
    (first_seq, body) = next(g for g in groups if b"dep-bob-BTC" in g[1])
    tampered = body.replace(b"dep-bob-BTC", b"dep-bob-XXX")
    assert tampered != body
    db.execute("UPDATE groups SET body = ? WHERE first_seq = ?", (tampered, first_seq))
    db.commit()
    db.close()
    result = runner.invoke(app, ["journal", "verify", str(path)])
    assert result.exit_code == 1
    assert "FAILED" in result.output
    with open_store(path) as store:
        altered = next(seq for seq, entry in store.read() if b"dep-bob-XXX" in entry)
    assert f"seq {altered}" in result.output
    replayed = runner.invoke(app, ["replay", str(path)])
    assert replayed.exit_code == 1 and "seq" in replayed.output


def test_missing_journal_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["journal", "verify", str(tmp_path / "nope.sqlite")])
    assert result.exit_code == 2
    assert "no journal" in result.output


def test_bench_journal_quick_records_results(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "journal", "--quick", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    recorded = json.loads((tmp_path / "journal-quick.json").read_text())
    subjects = [row["subject"] for row in recorded["rows"]]
    assert any("durable" in s for s in subjects) and any("verify" in s for s in subjects)
    assert all(row["entries_per_s"] > 0 for row in recorded["rows"])
    assert recorded["ratios"], "peers measured in the same run"
    assert (tmp_path / "journal-quick.md").read_text().startswith("# seawall bench journal")


def test_unknown_bench_is_a_usage_error() -> None:
    result = runner.invoke(app, ["bench", "nope"])
    assert result.exit_code == 2


def test_demo_ftx_shows_the_insider_caught(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--ftx", "--data", str(tmp_path / "ftx")])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "BREAK cycle 2 client_balance BTC broker-b" in output
    assert "difference -50000000" in output
    assert "ALERT clearing UNKNOWN_PARTY" in output
    assert "replay diverged at seq" in output


def test_status_reports_what_a_replay_confirms(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    status = runner.invoke(app, ["status", "--data", str(path.parent), "--json"])
    assert status.exit_code == 0, status.output
    reported = json.loads(status.output)
    replayed = runner.invoke(app, ["replay", str(path)])
    assert f"state hash {reported['state_hash']}" in replayed.output
    assert 0 < reported["snapshot_seq"] <= reported["last_seq"]
