"""``seawall bench durable`` in a tiny run: the runner's format (rows with a subject, peers
marked, ratios, notes), every figure present, and every acknowledged order found in the journal
read back afresh. Timings are reported, never asserted."""

from __future__ import annotations

from typing import Any

from seawall.bench import durable as bench

TINY = bench.Sizes(orders=60, producers=6, open_loop_s=0.01, clients=4)


def test_every_acknowledged_order_is_in_the_journal_and_the_shape_holds() -> None:
    seen: list[float] = []
    result = bench.run(progress=lambda fraction, label: seen.append(fraction), sizes=TINY)
    rows: list[dict[str, Any]] = result["rows"]
    assert all("subject" in row for row in rows)
    ours = [row for row in rows if row["subject"].startswith("seawall")]
    kinds = {row["subject"].rpartition("(")[2].rstrip(")") for row in ours}
    assert "sqlite" in kinds
    for kind in kinds:
        market = [row for row in ours if row["subject"] == f"seawall market ({kind})"]
        assert [(row["workload"], row["load"]) for row in market] == [
            ("resting", f"closed loop, {TINY.producers} producers"),
            ("crossing", f"closed loop, {TINY.producers} producers"),
            ("resting", f"open loop, {bench.OFFERED_PER_S:,}/s"),
            ("resting", market[3]["load"]),
        ]
        assert [row["acked"] for row in market[:3]] == [60, 30, 100]
        assert market[0]["entries_per_order"] == 4.0  # broker, hold, venue, broker-open
        assert any(row["subject"] == f"seawall journal only ({kind})" for row in ours)
    for row in ours:
        assert row["acked"] > 0 and row["lost"] == 0, row
        assert {"orders_per_s", "p50_ms", "p99_ms", "max_ms", "orders_per_group"} <= set(row)
        assert row.get("rejected", 0) == 0
    assert any(row.get("peer") for row in rows)
    assert all({"metric", "ours", "peer", "ratio"} <= set(ratio) for ratio in result["ratios"])
    assert len(result["ratios"]) >= 4
    notes = result["notes"]
    assert bench.SHARDS_NOTE in notes
    assert any(note.startswith("goal SQLite >=") for note in notes)
    assert ("nats" in kinds) != any("unreachable, so skipped" in note for note in notes)
    assert seen[-1] == 1.0
