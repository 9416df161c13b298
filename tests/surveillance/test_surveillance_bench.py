"""``seawall bench surveillance`` returns the runner's format (rows with a subject, peers marked,
ratios, notes) with throughput and quality figures; timings are reported, never asserted."""

from __future__ import annotations

from seawall.bench import surveillance as bench


def test_the_benchmark_reports_in_the_runner_format() -> None:
    seen: list[float] = []
    result = bench.run(
        progress=lambda fraction, label: seen.append(fraction),
        quick=True,
        seeds=(130,),
        clean_seeds=(),
        scenarios=("wash_self",),
        duration_s=300,
    )
    rows = result["rows"]
    assert all("subject" in row for row in rows)
    subjects = {row["subject"] for row in rows}
    assert "surveillance: all detectors + tape" in subjects
    assert any(row.get("peer") for row in rows)
    wash = next(row for row in rows if row["subject"] == "quality: wash_trading")
    assert (wash["episodes"], wash["detected"], wash["false_alerts"]) == (1, 1, 0)
    assert {ratio["metric"] for ratio in result["ratios"]} >= {
        "trade events/s: all detectors / HalfSpaceTrees",
        "pump-and-dump F1: ours (synthetic) / La Morgia et al. (real)",
    }
    assert result["notes"] and seen[-1] == 1.0
