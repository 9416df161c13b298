"""``seawall bench surveillance``: how fast the detectors read the public stream, and how well
they find the manipulations the simulator stages.

**Throughput.** One seeded 30-minute simulated market (with a layering episode) is run once
and projected to public entries; then the timed pass feeds those entries to a fresh engine
(every detector and the shared tape) and counts public events per second, best of
``repeats``. Also timed on the same entries: the tape alone (the floor every detector shares),
each detector alone, and, for scale, the kernel's projection of journal entries to public
ones (which surveillance needs but does not own). The peer is ``river``'s
``anomaly.HalfSpaceTrees``, a generic unsupervised detector, scoring a feature vector per trade
(size, return, spread) on the same trades: what a model-per-event approach costs.

**Quality.** The standard scenario set: every manipulation scenario
(``sim.manipulators.SCENARIOS``) on ``seeds`` and the clean market on ``clean_seeds``, each a
30-minute run from 23:45 UTC with the background agents (makers, noise, momentum, mean
reversion, an institution working large orders). Per alert type: precision, recall, F1, the
alerts raised on clean runs, and latency (first matching alert minus the episode's last act,
in simulated time; see ``evaluate``). The detectors' thresholds were tuned on seeds 101-110
(and seed 1 while they were written); the standard seeds (2-4, clean 2-7) were not looked at
before. **Stress** rows run the stealthier ``stealth_*`` variants, outside the goals, to show
where detection stops. The anchor is La Morgia et al. (2020), F1 0.92 on real pump-and-dump
events (reported there, not measured here): a synthetic market is easier than the real one,
and the figures say so in the notes.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Final

from seawall.public.schema import PublicEntry
from seawall.sim.manipulators import SCENARIOS
from seawall.sim.runner import SimConfig
from seawall.sim.runner import run as run_simulation
from seawall.surveillance.detectors import DETECTORS
from seawall.surveillance.engine import Surveillance
from seawall.surveillance.evaluate import Scored, TypeScore, score
from seawall.surveillance.tape import Tape

__all__ = ["quality", "run", "throughput"]

Progress = Callable[[float, str], None]

#: La Morgia, Mei, Sassi, Stefa: "Pump and Dump: The Attack of the Clones" (ICCCN 2020):
#: F1 of their real-time pump-and-dump detector on Telegram-announced pumps.
LA_MORGIA_2020_F1: Final = 0.92
GOAL_EVENTS_PER_S: Final = 200_000
GOAL_F1: Final = 0.95
GOAL_LATENCY_MS: Final = 1_000


def _time(work: Callable[[], Any], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def _stream(seed: int, duration_s: int) -> tuple[list[PublicEntry], list[bytes]]:
    """The public entries of one standard run, and its journal entries' bytes."""
    from seawall.adapters.storage import MemoryJournalStore
    from seawall.core.signing import SigningKey
    from seawall.sim.runner import Simulation

    config = SimConfig(
        seed=seed, scenario="layering", duration_s=duration_s, keep_public=True, surveil=False
    )
    simulation = Simulation(
        config, MemoryJournalStore(), SigningKey.from_label("bench"), b"surveillance-bench" * 2
    )
    result = simulation.run()
    bodies = [stored.body for stored in simulation.store.read(1, result.last_seq)]
    return result.public, bodies


def _half_space_trees(entries: list[PublicEntry]) -> tuple[float, int]:
    """river's HalfSpaceTrees scoring every trade: (seconds, trades)."""
    from river import anomaly

    features: list[dict[str, float]] = []
    last: dict[str, int] = {}
    for entry in entries:
        for event in entry.events:
            if event.get("k") == "venue.trade":
                symbol = event["symbol"]
                price = event["price_ticks"]
                previous = last.get(symbol, price)
                last[symbol] = price
                features.append(
                    {
                        "size": min(1.0, event["quantity_lots"] / 1_000_000),
                        "move": min(1.0, abs(price - previous) * 100 / previous),
                        "side": 1.0 if event["aggressor_side"] == 1 else 0.0,
                    }
                )

    def score_all() -> None:
        model = anomaly.HalfSpaceTrees(n_trees=10, height=8, window_size=250, seed=1)
        for row in features:
            model.score_one(row)  # type: ignore[no-untyped-call]
            model.learn_one(row)  # type: ignore[no-untyped-call]

    return _time(score_all, 1), len(features)


def throughput(seed: int = 7, repeats: int = 3, duration_s: int = 1800) -> dict[str, Any]:
    """Rows and notes for the throughput half (see the module docstring)."""
    from seawall.kernel.projection import Projector

    entries, bodies = _stream(seed, duration_s)
    events = sum(len(entry.events) for entry in entries)
    handled = {kind for d in DETECTORS.values() for kind in _kinds(d)} | set(Tape().handlers)
    market_events = sum(
        1 for entry in entries for event in entry.events if event.get("k") in handled
    )
    rows: list[dict[str, Any]] = []

    def engine_pass(names: list[str] | None) -> float:
        return _time(lambda: Surveillance(detectors=names).run(entries), repeats)

    seconds = engine_pass(None)
    rows.append(
        {
            "subject": "surveillance: all detectors + tape",
            "events_per_s": events / seconds,
            "market_events_per_s": market_events / seconds,
            "events": events,
        }
    )
    tape_seconds = engine_pass([])
    rows.append(
        {
            "subject": "surveillance: tape only",
            "events_per_s": events / tape_seconds,
            "market_events_per_s": market_events / tape_seconds,
            "events": events,
        }
    )
    for name in DETECTORS:
        alone = engine_pass([name])
        rows.append(
            {
                "subject": f"surveillance: {name} (+ tape)",
                "events_per_s": events / alone,
                "market_events_per_s": market_events / alone,
                "events": events,
            }
        )
    projector = Projector(b"surveillance-bench" * 2)
    projection = _time(lambda: [projector.project(body) for body in bodies], 1)
    rows.append(
        {
            "subject": "kernel: journal entry -> public entry (projection)",
            "entries_per_s": len(bodies) / projection,
            "events": events,
        }
    )
    hst_seconds, trades = _half_space_trees(entries)
    rows.append(
        {
            "subject": "peer: river HalfSpaceTrees, one score+learn per trade",
            "events_per_s": trades / hst_seconds,
            "market_events_per_s": trades / hst_seconds,
            "events": trades,
            "peer": True,
        }
    )
    verdict = "met" if market_events / seconds >= GOAL_EVENTS_PER_S else "NOT met"
    notes = [
        f"throughput over {len(entries):,} public entries ({events:,} events, of which "
        f"{market_events:,} are of the kinds the detectors or the tape read) from one "
        f"{duration_s // 60}-minute simulated market, best of {repeats}; goal >= "
        f"{GOAL_EVENTS_PER_S:,} events/s (all events and market events alike): {verdict}",
        "events_per_s counts every public event offered; market_events_per_s only those of a "
        "kind a detector or the tape reads (venue orders, trades, book deltas, onboarding, "
        "deposits); the others are skipped by one dict lookup",
    ]
    return {
        "rows": rows,
        "ratios": [
            {
                "metric": "trade events/s: all detectors / HalfSpaceTrees",
                "ours": round(market_events / seconds),
                "peer": round(trades / hst_seconds),
                "ratio": (market_events / seconds) / (trades / hst_seconds),
            }
        ],
        "notes": notes,
    }


def _kinds(detector: type[Any]) -> list[str]:
    instance = detector(Tape(), lambda *_: None)
    return list(instance.handlers())


def _one(task: tuple[str, int, int]) -> Scored:
    scenario, seed, duration_s = task
    result = run_simulation(SimConfig(seed=seed, scenario=scenario, duration_s=duration_s))
    return Scored(
        run=f"{scenario}/{seed}",
        labels=tuple(result.labels),
        alerts=tuple(result.alerts),
        alert_ns=tuple(result.alert_ns),
    )


def quality(
    seeds: Sequence[int],
    clean_seeds: Sequence[int],
    scenarios: Sequence[str] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    duration_s: int = 1800,
) -> tuple[list[TypeScore], list[Scored]]:
    """Score the detectors on the standard scenario set (runs in parallel processes)."""
    standard = [name for name, scenario in SCENARIOS.items() if scenario.group == "standard"]
    names = [n for n in (scenarios or standard) if n != "clean"]
    tasks = [(name, seed, duration_s) for name in names for seed in seeds]
    tasks += [("clean", seed, duration_s) for seed in clean_seeds]
    workers = workers or max(1, min(len(tasks), os.cpu_count() or 1))
    runs: list[Scored] = []
    if workers == 1:
        for index, task in enumerate(tasks):
            runs.append(_one(task))
            if progress is not None:
                progress(0.3 + 0.7 * (index + 1) / len(tasks), f"{task[0]} seed {task[1]}")
    else:
        with ProcessPoolExecutor(workers) as pool:
            for index, scored in enumerate(pool.map(_one, tasks)):
                runs.append(scored)
                if progress is not None:
                    progress(0.3 + 0.7 * (index + 1) / len(tasks), scored.run)
    return score(runs), runs


def _quality_row(prefix: str, row: TypeScore) -> dict[str, Any]:
    return {
        "subject": f"{prefix}: {row.alert_type}",
        "episodes": row.labels,
        "detected": row.detected,
        "alerts": row.alerts,
        "false_alerts": row.false_alerts,
        "false_alerts_clean_runs": row.false_alerts_clean,
        "precision": row.precision_permille / 1000,
        "recall": row.recall_permille / 1000,
        "f1": row.f1_permille / 1000,
        "latency_p50_ms": row.latency_p50_ms,
        "latency_max_ms": row.latency_max_ms,
        "onset_latency_p50_ms": row.onset_latency_p50_ms,
    }


def run(
    progress: Progress | None = None,
    quick: bool = False,
    *,
    seeds: Sequence[int] | None = None,
    clean_seeds: Sequence[int] | None = None,
    scenarios: Sequence[str] | None = None,
    stress_seeds: Sequence[int] | None = None,
    duration_s: int = 1800,
) -> dict[str, Any]:
    """The benchmark (``quick``: one seed per scenario, two clean runs, one stress seed)."""
    seeds = seeds if seeds is not None else ((2,) if quick else (2, 3, 4))
    clean_seeds = (
        clean_seeds if clean_seeds is not None else ((2, 3) if quick else tuple(range(2, 8)))
    )
    if progress is not None:
        progress(0.0, "throughput")
    result = throughput(repeats=1 if quick else 3, duration_s=duration_s)
    if progress is not None:
        progress(0.3, "scenarios")
    scores, runs = quality(seeds, clean_seeds, scenarios, progress, duration_s=duration_s)
    rows: list[dict[str, Any]] = result["rows"]
    failing: list[str] = []
    for row in scores:
        if not row.labels and not row.alerts:
            continue
        rows.append(_quality_row("quality", row))
        too_slow = row.latency_max_ms > GOAL_LATENCY_MS
        if row.labels and (row.f1_permille < GOAL_F1 * 1000 or too_slow):
            failing.append(row.alert_type)
    stress_seeds = stress_seeds if stress_seeds is not None else ((1,) if quick else (1, 2))
    stress_names = [name for name, scenario in SCENARIOS.items() if scenario.stress]
    stressed: list[Scored] = []
    if stress_seeds and scenarios is None:
        stress_scores, stressed = quality(
            stress_seeds, (), stress_names, progress, duration_s=duration_s
        )
        rows += [_quality_row("stress", row) for row in stress_scores if row.labels or row.alerts]
    rows.append(
        {
            "subject": "peer: La Morgia et al. 2020, real pump-and-dump (reported, not run)",
            "f1": LA_MORGIA_2020_F1,
            "peer": True,
        }
    )
    pump = next(row for row in scores if row.alert_type == "pump_and_dump")
    result["ratios"].append(
        {
            "metric": "pump-and-dump F1: ours (synthetic) / La Morgia et al. (real)",
            "ours": pump.f1_permille / 1000,
            "peer": LA_MORGIA_2020_F1,
            "ratio": pump.f1_permille / 1000 / LA_MORGIA_2020_F1,
        }
    )
    clean_alerts = sum(len(r.alerts) for r in runs if not r.labels)
    result["notes"] += [
        f"quality over {len(runs)} runs of {duration_s // 60} simulated minutes: scenarios "
        f"{', '.join(sorted({r.run.split('/')[0] for r in runs}))}, seeds {list(seeds)}, "
        f"clean seeds {list(clean_seeds)}; {clean_alerts} alerts on clean runs",
        "thresholds were tuned on seeds 101-110 (and seed 1 while the detectors were written); "
        "the standard seeds scored here (2-4, clean 2-7) were not looked at before",
        f"goals: F1 >= {GOAL_F1} and latency <= {GOAL_LATENCY_MS} ms for every type: "
        + ("met" if not failing else f"NOT met for {', '.join(failing)}"),
        "latency: first matching alert minus the episode's last manipulative act, clipped at "
        "0, in simulated time; alerts are journaled in the step that completes the pattern "
        "(100 ms steps) when the kernel registers surveillance, else taken when observed",
        "the scenarios are synthetic and the manipulators scripted by us: a real market, with "
        "adversaries who adapt, is harder; La Morgia et al.'s F1 is on real events",
    ]
    if stressed:
        result["notes"].append(
            f"stress rows: {len(stressed)} runs of stealthier variants (seeds "
            f"{list(stress_seeds)}), outside the goals: they show where detection stops; "
            "stealth_operator (a nominee with its own money) cannot be seen from public data "
            "by design"
        )
    if progress is not None:
        progress(1.0, "done")
    return result
