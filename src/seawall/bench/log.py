"""``seawall bench log``: the transparency log beside ``pymerkle`` in the same run.

Runs ``seawall.transparency.bench`` (appends in memory, one by one and in batches; root, proof
building and verification, ours and pymerkle's on the same leaves and challenges) and adds the
durable figure: appends into the SQLite node store, flushed (committed) every 4,096 leaves.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seawall.bench.stats import rate_per_s, timer_ns
from seawall.transparency import bench as log_bench
from seawall.transparency.merkle import MerkleTree
from seawall.transparency.store import SqliteNodeStore

__all__ = ["run"]

Progress = Callable[[float, str], None]


def _durable_appends_per_s(count: int, flush_every: int = 4096) -> float:
    leaves = [b"seawall leaf %d" % i for i in range(count)]
    with tempfile.TemporaryDirectory(prefix="seawall-bench-log-") as tmp:
        store = SqliteNodeStore(Path(tmp) / "log.sqlite")
        tree = MerkleTree(store)
        start = timer_ns()
        for first in range(0, count, flush_every):
            tree.extend(leaves[first : first + flush_every])
            tree.flush()
        elapsed = timer_ns() - start
        store.close()
    return rate_per_s(count, elapsed)


def run(progress: Progress | None = None, quick: bool = False) -> dict[str, Any]:
    say = progress or (lambda fraction, label: None)
    leaves = 20_000 if quick else 200_000
    proofs = 200 if quick else 1_000

    def inner(phase: str, done: int, total: int) -> None:
        say(0.8 * done / max(total, 1), phase)

    result = log_bench.run(inner, leaves_count=leaves, proofs_count=proofs)
    say(0.85, "durable appends")
    durable = _durable_appends_per_s(leaves)
    ours, peer = result["ours"], result["peer"]
    rows: list[dict[str, Any]] = []
    for figure in ours:
        if figure == "name":
            continue
        row: dict[str, Any] = {"metric": figure, "seawall": ours[figure]}
        if "error" not in peer:
            row["pymerkle"] = peer[figure]
            row["speedup"] = result["speedups"].get(figure, 0.0)
        rows.append(row)
    rows.append({"metric": "durable_append_per_s (sqlite)", "seawall": durable})
    ratios = [
        {"metric": figure, "ours": "seawall", "peer": "pymerkle", "ratio": speedup}
        for figure, speedup in sorted(result["speedups"].items())
    ]
    notes = [
        f"{leaves:,} leaves, {proofs:,} proof challenges; speedup = how many times faster "
        "seawall is (rate ratio, or time ratio inverted)",
        f"roots agree with pymerkle: {result['roots_agree']}",
        f"goal: >= {result['goal_append_per_s']:,} appends/s in memory, met: {result['goal_met']}",
        "durable = SQLite node store, one transaction per 4,096 leaves",
    ]
    if "error" in peer:
        notes.append(f"pymerkle: {peer['error']}")
    say(1.0, "done")
    return {"rows": rows, "ratios": ratios, "notes": notes, "details": result}
