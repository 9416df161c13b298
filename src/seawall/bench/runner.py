"""Runs a named benchmark, prints its table, and records JSON and Markdown under ``bench/results``.

A benchmark module exposes ``run(progress, quick) -> dict`` returning at least ``"rows"``: a list
of flat dicts (one per subject and metric; peers marked ``"peer": True``) and optionally
``"ratios"`` (ours over peer, per metric) and ``"notes"``. The runner adds the machine and time.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

__all__ = ["BENCHMARKS", "run_benchmark"]

#: name -> "module:function"
BENCHMARKS: Final = {
    "api": "seawall.api.bench:run",
    "durable": "seawall.bench.durable:run",
    "journal": "seawall.bench.journal:run",
    "log": "seawall.bench.log:run",
    "match": "seawall.bench.match:run",
    "por": "seawall.reserves.bench:run",
    "surveillance": "seawall.bench.surveillance:run",
}


_TEXT_COLUMNS: Final = {"subject", "metric", "workload", "engine", "load", "note"}


def _load(spec: str) -> Callable[..., dict[str, Any]]:
    module_name, function = spec.split(":")
    loaded: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module_name), function)
    return loaded


def _machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
    }


def _render(console: Console, name: str, result: dict[str, Any]) -> None:
    rows: list[dict[str, Any]] = result.get("rows", [])
    if rows:
        columns = list(dict.fromkeys(key for row in rows for key in row))
        table = Table(title=f"seawall bench {name}")
        for column in columns:
            table.add_column(column, justify="left" if column in _TEXT_COLUMNS else "right")
        for row in rows:
            table.add_row(*(_cell(row.get(column, "")) for column in columns))
        console.print(table)
    for ratio in result.get("ratios", []):
        console.print(
            f"  {ratio['metric']}: {ratio['ours']} / {ratio['peer']} = "
            f"[bold]{ratio['ratio']:.2f}x[/bold]"
        )
    for note in result.get("notes", []):
        console.print(f"  note: {note}")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:,.3f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _markdown(name: str, result: dict[str, Any]) -> str:
    lines = [f"# seawall bench {name}", "", f"Recorded {result['recorded_at']} on "]
    machine = result["machine"]
    lines[-1] += f"{machine['platform']}, {machine['cpus']} CPUs, Python {machine['python']}."
    rows: list[dict[str, Any]] = result.get("rows", [])
    if rows:
        columns = list(dict.fromkeys(key for row in rows for key in row))
        lines += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    if result.get("ratios"):
        lines += ["", "Ratios (ours / peer, same run):", ""]
        lines += [
            f"- {r['metric']}: {r['ours']} / {r['peer']} = **{r['ratio']:.2f}x**"
            for r in result["ratios"]
        ]
    if result.get("notes"):
        lines += ["", "Notes:", ""] + [f"- {note}" for note in result["notes"]]
    return "\n".join(lines) + "\n"


def run_benchmark(name: str, console: Console, out_dir: Path, quick: bool) -> dict[str, Any]:
    """Run ``name``, print it, and write ``out_dir/<name>.json`` and ``.md``."""
    run = _load(BENCHMARKS[name])
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"bench {name}", total=1.0)

        def report(fraction: float, label: str = "") -> None:
            description = f"bench {name}" + (f": {label}" if label else "")
            progress.update(task, completed=fraction, description=description)

        result = run(progress=report, quick=quick)
    result["benchmark"] = name
    result["quick"] = quick
    result["machine"] = _machine()
    result["recorded_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    _render(console, name, result)
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if quick else ""
    (out_dir / f"{name}{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    (out_dir / f"{name}{suffix}.md").write_text(_markdown(name, result))
    console.print(f"results written to {out_dir / f'{name}{suffix}.md'}")
    return result
