"""Scoring alerts against ground truth: precision, recall, F1 and alert latency per type.

A simulator run writes one ``GroundTruth`` label per manipulation episode it staged: the type,
the variant, the market, the pseudonyms that took part and when it started and ended (its
first and last manipulative act, in simulated time). An alert **matches** a label when it has
the label's type, names at least one of its subjects, is about its market, and was observed
between the episode's start and ``grace_ns`` after its end. Then, per type, over a set of runs:

* precision: alerts that match some label / all alerts of that type (alerts on clean runs and
  on other types' episodes count against it);
* recall: labels matched by at least one alert / labels;
* F1: their harmonic mean, in permille;
* latency: for each detected label, the first matching alert's time minus the episode's end,
  clipped at 0 (an alert before the episode is over has latency 0); reported as p50 and max, in
  milliseconds of simulated time; ``onset`` latency measures from the episode's start instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.state import AlertType

__all__ = ["GroundTruth", "Scored", "TypeScore", "matches", "score"]


class GroundTruth(msgspec.Struct, frozen=True):
    """One staged manipulation episode (the simulator's label)."""

    label_id: str
    alert_type: AlertType
    variant: str
    symbol: str
    subjects: tuple[str, ...]
    start_ns: int
    end_ns: int


class Scored(msgspec.Struct, frozen=True):
    """One run's labels and the alerts raised on it (with the time each was journaled, or
    observed when it was not journaled)."""

    run: str
    labels: tuple[GroundTruth, ...]
    alerts: tuple[RaiseAlert, ...]
    alert_ns: tuple[int, ...]


class TypeScore(msgspec.Struct, frozen=True):
    """Quality for one alert type over a set of runs."""

    alert_type: str
    labels: int
    detected: int
    alerts: int
    true_alerts: int
    false_alerts: int
    false_alerts_clean: int
    precision_permille: int
    recall_permille: int
    f1_permille: int
    latency_p50_ms: int
    latency_max_ms: int
    onset_latency_p50_ms: int


def matches(alert: RaiseAlert, alert_ns: int, label: GroundTruth, grace_ns: int) -> bool:
    """Whether ``alert`` (journaled or observed at ``alert_ns``) detects ``label``."""
    return (
        str(alert.alert_type) == str(label.alert_type)
        and (not label.symbol or alert.symbol == label.symbol)
        and bool(set(alert.subjects) & set(label.subjects))
        and label.start_ns <= alert_ns <= label.end_ns + grace_ns
    )


def _percentile(values: Sequence[int], share_permille: int) -> int:
    if not values:
        return 0
    ordered = sorted(values)
    index = min(len(ordered) - 1, (len(ordered) - 1) * share_permille // 1000)
    return ordered[index]


def score(runs: Iterable[Scored], grace_ns: int = 300_000_000_000) -> list[TypeScore]:
    """Per alert type (every ``AlertType``, in order), the quality over ``runs``."""
    totals: dict[str, dict[str, Any]] = {
        str(kind): {
            "labels": 0,
            "detected": 0,
            "alerts": 0,
            "true": 0,
            "false_clean": 0,
            "latency": [],
            "onset": [],
        }
        for kind in AlertType
    }
    for run in runs:
        clean = not run.labels
        for alert, alert_ns in zip(run.alerts, run.alert_ns, strict=True):
            row = totals[str(alert.alert_type)]
            row["alerts"] += 1
            if any(matches(alert, alert_ns, label, grace_ns) for label in run.labels):
                row["true"] += 1
            elif clean:
                row["false_clean"] += 1
        for label in run.labels:
            row = totals[str(label.alert_type)]
            row["labels"] += 1
            times = [
                alert_ns
                for alert, alert_ns in zip(run.alerts, run.alert_ns, strict=True)
                if matches(alert, alert_ns, label, grace_ns)
            ]
            if times:
                row["detected"] += 1
                first = min(times)
                row["latency"].append(max(0, first - label.end_ns) // 1_000_000)
                row["onset"].append(max(0, first - label.start_ns) // 1_000_000)
    scores = []
    for kind, row in totals.items():
        precision = row["true"] * 1000 // row["alerts"] if row["alerts"] else 1000
        recall = row["detected"] * 1000 // row["labels"] if row["labels"] else 1000
        f1 = 2 * precision * recall // (precision + recall) if precision + recall else 0
        scores.append(
            TypeScore(
                alert_type=kind,
                labels=row["labels"],
                detected=row["detected"],
                alerts=row["alerts"],
                true_alerts=row["true"],
                false_alerts=row["alerts"] - row["true"],
                false_alerts_clean=row["false_clean"],
                precision_permille=precision,
                recall_permille=recall,
                f1_permille=f1,
                latency_p50_ms=_percentile(row["latency"], 500),
                latency_max_ms=max(row["latency"], default=0),
                onset_latency_p50_ms=_percentile(row["onset"], 500),
            )
        )
    return scores
