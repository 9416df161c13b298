"""The benchmark runs end to end at a tiny size; its figures are printed, never asserted."""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

import pytest

from seawall.venue import bench, compiled


def test_importing_the_venue_does_not_import_the_bench() -> None:
    code = "import sys, seawall.venue; assert 'seawall.venue.bench' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name", ["W1", "W2", "W3", "W4"])
def test_workloads_are_valid_and_reproducible(name: str) -> None:
    first = bench.make_workload(name, 300, 400, seed=3)
    assert first == bench.make_workload(name, 300, 400, seed=3)
    prefill, timed = first
    assert len(timed) == 300
    kinds = {op[0] for op in timed}
    if name == "W1":
        assert kinds == {bench.ADD}
    if name in ("W3", "W4"):
        assert kinds == {bench.ADD, bench.CANCEL, bench.AMEND}
    if name == "W4":
        assert len(prefill) == 400


class _Missing(bench.Engine):
    name = "no-such-peer"

    def __init__(self) -> None:
        importlib.import_module("no_such_peer_module")

    # Never reached: constructing it fails as a missing peer's import does.
    def compile(self, ops: Any) -> list[Any]:
        raise AssertionError("a missing peer is never compiled")

    def resting(self) -> tuple[int, int]:
        raise AssertionError("a missing peer has no book")


def test_run_cross_checks_and_skips_missing_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "PEERS", (_Missing,))
    messages: list[str] = []
    result = bench.run(messages.append, 400, deep_orders=500)
    assert result["peers"]["no-such-peer"].startswith("skipped")
    for name in ("W1", "W2", "W3", "W4"):
        workload = result["workloads"][name]
        assert workload["cross_check"] == "ok", workload
        rows = workload["engines"]
        ours = {"seawall.apply", "seawall.decide+evolve"}
        if compiled.available():
            ours.add("seawall.compiled")
        assert set(rows) == ours
        assert len({rows[engine]["state_hash"] for engine in ours}) == 1  # one end state
        assert len(rows["seawall.apply"]["ops_per_s_passes"]) == bench.THROUGHPUT_PASSES
        assert rows["seawall.apply"]["ops_per_s"] == max(rows["seawall.apply"]["ops_per_s_passes"])
        assert rows["seawall.apply"]["ops_per_s"] > 0
        assert rows["seawall.apply"]["p99_ns"] >= rows["seawall.apply"]["p50_ns"] > 0
    assert "W4" in bench.format_table(result)
    assert any("skipped" in m for m in messages)


def test_a_broken_engine_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(bench.SeawallApply):
        name = "broken"

        def resting(self) -> tuple[int, int]:
            raise RuntimeError("boom")

    monkeypatch.setattr(bench, "PEERS", (Broken,))
    result = bench.run(None, 50, deep_orders=50, workloads=["W1"])
    check = result["workloads"]["W1"]["cross_check"]
    assert check != "ok" and "boom" in check[0]
