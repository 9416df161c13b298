"""``seawall surveil`` and ``seawall sim``: re-run surveillance over a seq range of a journal's
public stream (reproducing the journaled alerts), the public integrity metrics per day, and
seeded simulator runs with manipulators, ground truth and faults. ``watch_live`` puts live
surveillance (``node.live_surveillance``) into a served market, as ``seawall serve`` and
``seawall demo --serve`` do.

Exit codes: 0 success; 1 a re-run did not reproduce the alerts on record; 2 bad usage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import typer
from rich.console import Console
from rich.table import Table

from seawall.node.keys import load_keys
from seawall.node.public_stream import public_entries
from seawall.public.schema import PublicEntry
from seawall.sim.runner import FaultPlan, RunResult, SimConfig
from seawall.surveillance.commands import RaiseAlert

if TYPE_CHECKING:
    from seawall.api.app import Api
    from seawall.node.live_surveillance import LiveSurveillance

__all__ = ["alert_line", "public_entries", "register", "run_surveil", "simulate", "watch_live"]

console = Console()
err_console = Console(stderr=True)


def _recorded_alerts(data: Path, entries: list[PublicEntry]) -> tuple[str, list[RaiseAlert]]:
    """The alerts on record: journaled ones, else a simulator run's ``alerts.json``."""
    from seawall.surveillance.engine import journaled_alerts

    journaled = [alert for _, alert in journaled_alerts(entries)]
    if journaled:
        return "journal", journaled
    sidecar = data / "alerts.json"
    if sidecar.exists():
        raw: list[dict[str, Any]] = json.loads(sidecar.read_text())
        fields = set(RaiseAlert.__struct_fields__)
        return "alerts.json", [
            msgspec.convert({k: v for k, v in each.items() if k in fields}, RaiseAlert)
            for each in raw
        ]
    return "", []


def run_surveil(data: Path, from_seq: int, to_seq: int | None) -> dict[str, Any]:
    """Re-run every detector over ``from_seq..to_seq`` (earlier entries as context) and compare
    with the alerts on record for a run from ``from_seq``. Returns a JSON-able report."""
    from seawall.core.codec import encode
    from seawall.surveillance.engine import Surveillance
    from seawall.surveillance.metrics import daily_metrics

    entries = public_entries(data, to_seq)
    last = entries[-1].seq if entries else 0
    engine = Surveillance(run_from_seq=from_seq)
    alerts = engine.run(entries)
    source, recorded = _recorded_alerts(data, entries)
    on_record = [a for a in recorded if a.seq_from == from_seq and a.seq_to <= last]
    mine = {encode(alert) for alert in alerts}
    theirs = {encode(alert) for alert in on_record}
    times = {entry.seq: entry.timestamp_ns for entry in entries}
    metrics = daily_metrics(entries, [(times[a.seq_to], a) for a in alerts])
    return {
        "from_seq": from_seq,
        "to_seq": last,
        "events_read": engine.events_read,
        "alerts": [msgspec.to_builtins(alert) for alert in alerts],
        "record": source,
        "on_record": len(on_record),
        "reproduced": len(mine & theirs),
        "missing": len(theirs - mine),
        "new": len(mine - theirs),
        "metrics": [msgspec.to_builtins(day) for day in metrics],
    }


def alert_line(seq: int, alert: RaiseAlert) -> str:
    """One line for an alert journaled at ``seq`` (rich markup)."""
    evidence = ", ".join(
        f"{key}={value}" for key, value in alert.evidence.items() if not isinstance(value, list)
    )
    return (
        f"[bold red]ALERT[/bold red] {alert.alert_type} journaled at seq {seq}: "
        f"{alert.detector} v{alert.detector_version} on {alert.symbol or '-'}, subjects "
        f"{' '.join(alert.subjects)} (seqs {alert.seq_from}..{alert.seq_to}; "
        f"{evidence if len(evidence) <= 160 else evidence[:159] + '…'})"
    )


def watch_live(api: Api, data: Path, out: Console | None = None) -> LiveSurveillance:
    """Run live surveillance over ``data``'s journal while ``api`` is served (a task of the
    server, see ``Api.tasks``); print a line for each alert journaled when ``out`` is given."""
    from seawall.node.live_surveillance import LiveSurveillance

    def journaled(seq: int, alert: RaiseAlert) -> None:
        if out is not None:
            out.print(alert_line(seq, alert), soft_wrap=True)

    live = LiveSurveillance.for_data(data, on_journaled=journaled)
    exclusive = api.service.exclusive
    api.tasks.append(lambda: live.run(exclusive))
    return live


def _alert_table(alerts: list[dict[str, Any]]) -> Table:
    table = Table(title="alerts")
    for column in ("seq_to", "type", "detector", "symbol", "subjects", "evidence"):
        table.add_column(column, justify="right" if column == "seq_to" else "left")
    for alert in alerts:
        evidence = ", ".join(
            f"{key}={value}"
            for key, value in alert["evidence"].items()
            if not isinstance(value, list)
        )
        table.add_row(
            str(alert["seq_to"]),
            alert["alert_type"],
            f"{alert['detector']} v{alert['detector_version']}",
            alert["symbol"],
            " ".join(subject[:9] for subject in alert["subjects"]),
            evidence[:200],
        )
    return table


def _metrics_table(metrics: list[dict[str, Any]]) -> Table:
    table = Table(title="public integrity metrics per day")
    for column in (
        "day",
        "market",
        "trades",
        "benford chi2",
        "benford MAD ppm",
        "round trades",
        "clustering",
        "alerts by type",
    ):
        table.add_column(column, justify="left" if column in ("day", "market") else "right")
    for day in metrics:
        counts = ", ".join(f"{kind}={n}" for kind, n in day["alerts_by_type"].items() if n)
        for market in day["markets"] or [None]:
            if market is None:
                table.add_row(day["day"], "", "0", "", "", "", "", counts or "none")
                continue
            table.add_row(
                day["day"],
                market["symbol"],
                f"{market['trades']:,}",
                f"{market['benford_chi2_milli'] / 1000:.2f}",
                f"{market['benford_mad_ppm']:,}",
                f"{market['round_trades']:,}",
                f"{market['clustering_milli'] / 1000:.2f}x",
                counts or "none",
            )
    return table


def simulate(
    out: Console,
    data: Path,
    seed: int = 7,
    scenario: str = "demo",
    minutes: int = 30,
    faults: FaultPlan | None = None,
) -> RunResult:
    """Run a seeded simulation into ``data`` (a fresh directory; deterministic keys from the
    seed) and print what happened: entries, alerts, and each manipulation found or missed.
    ``make demo`` can call it as ``simulate(console, Path("data/sim"))``: the ``demo`` scenario
    stages wash trading, layering, a pump-and-dump, marking the close and the operator trading
    through a nominee, in one 30-minute market."""
    from seawall.sim.runner import SimConfig, run
    from seawall.surveillance.evaluate import Scored, score

    keys = load_keys(data, deterministic_label=f"seawall-sim-{seed}")
    config = SimConfig(
        seed=seed, scenario=scenario, duration_s=minutes * 60, faults=faults or FaultPlan()
    )
    with out.status(f"simulating {minutes} minutes ({scenario}, seed {seed})"):
        result = run(config, data, keys.signing("sequencer"), keys.projection_key)
    out.print(
        f"[green]done[/green] {result.last_seq:,} entries, {result.public_events:,} public "
        f"events, head {result.head_hash.hex()[:16]}..., state {result.state_hash.hex()[:16]}"
    )
    where = "journaled" if result.journaled else "kept in alerts.json (not yet journaled)"
    out.print(f"{len(result.alerts)} alerts, {where}; {len(result.labels)} labels")
    if any(result.faults.values()):
        out.print(f"faults: {result.faults}")
    if result.alerts:
        out.print(_alert_table([msgspec.to_builtins(a) for a in result.alerts]))
    scored = Scored(
        run=f"{scenario}/{seed}",
        labels=tuple(result.labels),
        alerts=tuple(result.alerts),
        alert_ns=tuple(result.alert_ns),
    )
    for row in score([scored]):
        if row.labels or row.alerts:
            out.print(
                f"{row.alert_type}: {row.detected}/{row.labels} episodes detected, "
                f"{row.false_alerts} false alerts, latency {row.latency_max_ms} ms"
            )
    out.print(f"check it: seawall surveil --data {data} --from-seq 1")
    return result


def register(app: typer.Typer) -> None:
    """Add ``seawall surveil`` and ``seawall sim`` to ``app``."""

    @app.command("surveil")
    def surveil_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
        from_seq: int = typer.Option(1, "--from-seq", help="First seq the detectors read."),
        to_seq: int | None = typer.Option(None, "--to-seq", help="Last seq (default: all)."),
        metrics: bool = typer.Option(False, "--metrics", help="Also print the daily metrics."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Re-run every detector over the public stream from --from-seq to --to-seq and check
        that the alerts on record for that range are reproduced, byte for byte."""
        if from_seq < 1 or (to_seq is not None and to_seq < from_seq):
            err_console.print("[red]need 1 <= --from-seq <= --to-seq[/red]")
            raise typer.Exit(2)
        if not (data / "journal.sqlite").exists():
            err_console.print(f"[red]no journal in {data}[/red]")
            raise typer.Exit(2)
        report = run_surveil(data, from_seq, to_seq)
        if as_json:
            console.print_json(json.dumps(report))
        else:
            console.print(
                f"read seqs {report['from_seq']}..{report['to_seq']} "
                f"({report['events_read']:,} public events): {len(report['alerts'])} alerts"
            )
            if report["alerts"]:
                console.print(_alert_table(report["alerts"]))
            if metrics:
                console.print(_metrics_table(report["metrics"]))
            if report["record"]:
                console.print(
                    f"{report['record']}: {report['on_record']} alerts on record for this run "
                    f"start; reproduced {report['reproduced']}, missing {report['missing']}, "
                    f"new {report['new']}"
                )
        if report["missing"]:
            raise typer.Exit(1)

    sim_app = typer.Typer(help="Seeded market simulations.", no_args_is_help=True)
    app.add_typer(sim_app, name="sim")

    @sim_app.command("run")
    def sim_run_command(
        seed: int = typer.Option(1, "--seed", help="One seed reproduces a run exactly."),
        data: Path = typer.Option(Path("data/sim"), "--data", help="Where the run is written."),
        scenario: str = typer.Option(
            "clean", "--scenario", help="Manipulators to add (see `seawall sim scenarios`)."
        ),
        minutes: int = typer.Option(30, "--minutes", help="Simulated minutes from 23:45 UTC."),
        crash_at: list[int] = typer.Option(
            [], "--crash-at", help="Crash the market at this many seconds in (repeatable)."
        ),
        drop_permille: int = typer.Option(0, "--drop-permille", help="Lose client messages."),
        duplicate_permille: int = typer.Option(
            0, "--duplicate-permille", help="Deliver client messages twice."
        ),
        api: str | None = typer.Option(
            None,
            "--api",
            help="Drive the served market at this URL over its REST API instead of running "
            "one in process (e.g. http://127.0.0.1:8000).",
        ),
        server_data: Path | None = typer.Option(
            None,
            "--server-data",
            help="With --api: the data directory of the running `seawall serve`, to create "
            "the accounts the keys file lacks (and to find the API when --api is left out).",
        ),
        keys: Path = typer.Option(
            Path("data/sim-keys.json"), "--keys", help="With --api: the agents' API keys."
        ),
        run_id: str | None = typer.Option(
            None,
            "--run-id",
            help="With --api: prefix of the client order ids (default s<seed>); give another "
            "to run the same seed again on the same server.",
        ),
    ) -> None:
        """Run the simulated market with a scenario's manipulators; write the journal, the
        ground-truth labels and the alerts under --data. With --api, the same agents trade
        on a served market over HTTP instead; the journal is the server's."""
        from seawall.sim.manipulators import SCENARIOS
        from seawall.sim.runner import FaultPlan

        if scenario not in SCENARIOS:
            err_console.print(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
            raise typer.Exit(2)
        if api is not None or server_data is not None:
            _run_over_api(
                data,
                api,
                server_data,
                keys,
                run_id,
                SimConfig(
                    seed=seed,
                    scenario=scenario,
                    duration_s=minutes * 60,
                    faults=FaultPlan(
                        drop_permille=drop_permille, duplicate_permille=duplicate_permille
                    ),
                ),
                crash_at,
            )
            return
        if (data / "journal.sqlite").exists():
            err_console.print(f"[red]{data} already holds a journal; use a fresh directory[/red]")
            raise typer.Exit(2)
        faults = FaultPlan(
            crash_at_s=tuple(crash_at),
            drop_permille=drop_permille,
            duplicate_permille=duplicate_permille,
        )
        simulate(console, data, seed, scenario, minutes, faults)

    def _run_over_api(
        data: Path,
        api: str | None,
        server_data: Path | None,
        keys: Path,
        run_id: str | None,
        config: SimConfig,
        crash_at: list[int],
    ) -> None:
        from seawall.cli.sim_http import run_over_api
        from seawall.core.errors import SeawallError

        if crash_at:
            err_console.print("[red]--crash-at needs the market in process; drop --api[/red]")
            raise typer.Exit(2)
        if (data / "run.json").exists():
            err_console.print(f"[red]{data} already holds a run; use a fresh directory[/red]")
            raise typer.Exit(2)
        try:
            run_over_api(console, config, data, api, keys, server_data, run_id)
        except SeawallError as exc:
            err_console.print(f"[red]the run over HTTP failed[/red] {exc}")
            raise typer.Exit(1) from exc

    @sim_app.command("scenarios")
    def sim_scenarios_command() -> None:
        """List the scenarios and the manipulation each stages."""
        from seawall.sim.manipulators import SCENARIOS

        for name, scenario in SCENARIOS.items():
            kind = scenario.alert_type or "(no manipulation)"
            note = "" if scenario.group == "standard" else f"  ({scenario.group})"
            console.print(f"{name:<26} {kind}{note}")
