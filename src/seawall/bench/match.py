"""``seawall bench match``: the venue's matching engine beside the Python-callable order books
people use, measured in the same run (``seawall.venue.bench``).

The peers (liquibook, nanobook, cython-orderbook, pyorderbook, lightmatchingengine,
order-matching) are the bench's own optional dependencies: ``make bench-peers`` installs the
versions pinned in ``bench/peers-requirements.txt`` into ``.bench-peers/``, a virtual
environment of their own, never the package's; this module adds that environment's
site-packages to the import path when it exists and reports each peer it cannot import.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seawall.venue import bench as venue_bench

__all__ = ["PEERS_VENV", "run"]

PEERS_VENV = Path(".bench-peers")
Progress = Callable[[float, str], None]


def _peer_paths() -> list[str]:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = PEERS_VENV / "lib" / version / "site-packages"
    return [str(site.resolve())] if site.exists() else []


def run(progress: Progress | None = None, quick: bool = False) -> dict[str, Any]:
    say = progress or (lambda fraction, label: None)
    n = 20_000 if quick else 200_000
    deep = 20_000 if quick else 200_000
    paths = _peer_paths()
    steps = [0]

    def inner(message: str) -> None:
        steps[0] += 1
        say(min(0.95, steps[0] / 60), message)

    result = venue_bench.run(
        inner, n=n, deep_orders=deep, peer_paths=paths, engine_timeout_s=60.0 if quick else 90.0
    )
    rows: list[dict[str, Any]] = []
    ratios: list[dict[str, Any]] = []
    ours_names = ("seawall.compiled", "seawall.apply")
    for workload, figures in result["workloads"].items():
        engines = figures["engines"]
        ours = {name: engines.get(name, {}).get("ops_per_s") for name in ours_names}
        for engine, row in engines.items():
            entry: dict[str, Any] = {"workload": workload, "engine": engine}
            if "ops_per_s" in row:
                entry.update(
                    ops=row["ops"],
                    ops_per_s=float(row["ops_per_s"]),
                    p50_us=row["p50_ns"] / 1000,
                    p99_us=row["p99_ns"] / 1000,
                )
            else:
                entry["note"] = row.get("skipped") or row.get("error") or "no result"
            if not engine.startswith("seawall"):
                entry["peer"] = True
            rows.append(entry)
            theirs = row.get("ops_per_s")
            if not theirs or engine == "seawall.compiled":
                continue
            for name in ours_names:
                mine = ours[name]
                if mine and engine != name and (name == "seawall.compiled" or "peer" in entry):
                    ratios.append(
                        {
                            "metric": f"{workload} ops_per_s",
                            "ours": name,
                            "peer": engine,
                            "ratio": mine / theirs,
                        }
                    )
    notes = [
        f"n = {n:,} operations per workload; W4 pre-filled with {deep:,} resting orders",
        f"ops/s: the best of {result['throughput_passes']} passes per engine, each on a fresh "
        "book (other work on a shared machine only slows a pass); p50/p99 from one more pass",
    ]
    notes += [
        f"{workload} cross-check: {figures['cross_check']}"
        for workload, figures in result["workloads"].items()
    ]
    notes += [f"peer {peer}: {note}" for peer, note in result["peers"].items()]
    if not paths:
        notes.append("peers not installed: run `make bench-peers` first")
    say(1.0, "done")
    return {"rows": rows, "ratios": ratios, "notes": notes}
