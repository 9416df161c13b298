"""The benchmark runs and reports its figures (tiny sizes; timings are never asserted)."""

from __future__ import annotations

import pytest

from seawall.core.errors import ConditionFailed
from seawall.transparency.bench import GOAL_APPEND_PER_S, run

FIGURES = {
    "append_per_s",
    "extend_per_s",
    "root_us",
    "inclusion_proof_us",
    "inclusion_verify_us",
    "consistency_proof_us",
    "consistency_verify_us",
}


def test_run_reports_ours_the_peer_and_ratios() -> None:
    calls: list[tuple[str, int, int]] = []
    result = run(
        lambda phase, done, total: calls.append((phase, done, total)),
        leaves_count=300,
        proofs_count=20,
    )
    assert result["leaves"] == 300 and result["proofs"] == 20
    assert result["goal_append_per_s"] == GOAL_APPEND_PER_S
    assert set(result["ours"]) >= FIGURES
    assert all(result["ours"][name] > 0 for name in FIGURES)
    assert calls[-1] == ("done", 6, 6)
    if "error" in result["peer"]:
        pytest.skip(f"peer unavailable: {result['peer']['error']}")
    assert result["peer"]["name"] == "pymerkle"
    assert set(result["ratios"]) == FIGURES
    assert result["roots_agree"] is True


def test_run_refuses_empty_work() -> None:
    with pytest.raises(ConditionFailed):
        run(leaves_count=1)
    with pytest.raises(ConditionFailed):
        run(proofs_count=0)
