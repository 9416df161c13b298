"""``seawall sim run`` and ``seawall surveil``: a seeded run written to a data directory, then
re-surveilled from its journal's public projection, reproducing the alerts on record; a record
that the re-run does not reproduce exits 1; bad usage exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from seawall.cli import surveil_commands

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    surveil_commands.register(app)
    return app


def test_a_run_is_reproduced_by_surveil(tmp_path: Path) -> None:
    app = _app()
    data = tmp_path / "run"
    # Seed 130 stages its self-trades from minute 2.
    done = runner.invoke(
        app,
        [
            "sim",
            "run",
            "--seed",
            "130",
            "--data",
            str(data),
            "--scenario",
            "wash_self",
            "--minutes",
            "5",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "1/1 episodes detected" in done.output
    recorded = json.loads((data / "alerts.json").read_text())
    assert recorded and recorded[0]["alert_type"] == "wash_trading"
    checked = runner.invoke(app, ["surveil", "--data", str(data), "--json", "--metrics"])
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output)
    assert report["reproduced"] == len(recorded) and report["missing"] == 0
    assert report["metrics"][0]["markets"]
    # A later start reads fewer entries and is compared with no record of its own.
    later = runner.invoke(app, ["surveil", "--data", str(data), "--from-seq", "5000", "--json"])
    assert later.exit_code == 0 and json.loads(later.output)["on_record"] == 0
    # The journal is the record: an edited side file changes nothing.
    assert report["record"] != "alerts.json"
    recorded[0]["evidence"]["quantity_lots"] += 1
    (data / "alerts.json").write_text(json.dumps(recorded))
    again = runner.invoke(app, ["surveil", "--data", str(data), "--json"])
    assert again.exit_code == 0 and json.loads(again.output)["missing"] == 0


def test_bad_usage(tmp_path: Path) -> None:
    app = _app()
    assert runner.invoke(app, ["surveil", "--data", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["surveil", "--from-seq", "0"]).exit_code == 2
    unknown = runner.invoke(app, ["sim", "run", "--scenario", "nope", "--data", str(tmp_path)])
    assert unknown.exit_code == 2
    listing = runner.invoke(app, ["sim", "scenarios"])
    assert listing.exit_code == 0 and "front_running" in listing.output
