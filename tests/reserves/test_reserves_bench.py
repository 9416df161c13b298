"""``seawall bench por --quick`` runs end to end and reports in the benchmark format (figures are
reported, never asserted)."""

from __future__ import annotations

from seawall.reserves import bench


def test_quick_bench_reports_build_proof_and_peer() -> None:
    result = bench.run(quick=True)
    subjects = [row["subject"] for row in result["rows"]]
    assert any("1 leaf each" in s for s in subjects)
    assert any("split over 2 leaves" in s for s in subjects)
    assert any(row.get("peer") for row in result["rows"])
    proof_rows = [row for row in result["rows"] if "proof_bytes" in row]
    assert len(proof_rows) == 2 and all(row["proof_bytes"] > 0 for row in proof_rows)
    assert all(row["build_s"] > 0 for row in result["rows"] if "build_s" in row)
    assert result["ratios"] and result["ratios"][0]["ratio"] > 0
    assert "roots agree with the naive peer: True" in result["notes"]
    assert any("Summa" in note for note in result["notes"])
    assert any("OKX" in note for note in result["notes"])
