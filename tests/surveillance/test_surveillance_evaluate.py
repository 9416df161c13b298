"""Scoring alerts against ground truth: what matches, and the arithmetic of precision, recall,
F1 and latency."""

from __future__ import annotations

from typing import Any

from seawall.surveillance import AlertType
from seawall.surveillance.evaluate import GroundTruth, Scored, matches, score

P1 = "p" + "1" * 24
P2 = "p" + "2" * 24
S = 10**9


def _label(label_id: str = "l-1", kind: AlertType = AlertType.WASH_TRADING) -> GroundTruth:
    return GroundTruth(label_id, kind, "self", "BTCUSD", (P1,), 100 * S, 200 * S)


def test_matching(alert: Any) -> None:
    label = _label()
    hit = alert(subjects=(P1, P2))
    assert matches(hit, 150 * S, label, 300 * S)
    assert matches(hit, 500 * S, label, 300 * S)
    assert not matches(hit, 501 * S, label, 300 * S)
    assert not matches(hit, 99 * S, label, 300 * S)
    assert not matches(alert(subjects=(P2,)), 150 * S, label, 300 * S)
    assert not matches(alert(symbol="LTCUSD"), 150 * S, label, 300 * S)
    assert not matches(alert(alert_type=AlertType.SPOOFING), 150 * S, label, 300 * S)


def test_scores(alert: Any) -> None:
    good = alert(subjects=(P1,))
    runs = [
        # detected 2.5 s after the episode ended, plus one false alert
        Scored("a", (_label(),), (good, alert(subjects=(P2,))), (202_500 * 10**6, 150 * S)),
        # missed
        Scored("b", (_label("l-2"),), (), ()),
        # a clean run with a false alert
        Scored("c", (), (alert(subjects=(P2,)),), (10 * S,)),
    ]
    rows = {row.alert_type: row for row in score(runs)}
    wash = rows["wash_trading"]
    assert (wash.labels, wash.detected, wash.alerts, wash.true_alerts) == (2, 1, 3, 1)
    assert wash.false_alerts == 2 and wash.false_alerts_clean == 1
    assert wash.precision_permille == 333 and wash.recall_permille == 500
    assert wash.f1_permille == 2 * 333 * 500 // 833
    assert wash.latency_p50_ms == 2_500 and wash.latency_max_ms == 2_500
    assert wash.onset_latency_p50_ms == 102_500
    assert rows["spoofing"].f1_permille == 1000 and rows["spoofing"].labels == 0
