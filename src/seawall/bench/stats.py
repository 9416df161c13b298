"""Small timing helpers shared by the benchmarks: a monotonic timer, percentiles, and rates."""

from __future__ import annotations

import time
from collections.abc import Sequence

__all__ = ["percentile_ns", "rate_per_s", "timer_ns"]

timer_ns = time.perf_counter_ns


def percentile_ns(samples_ns: Sequence[int], fraction: float) -> int:
    """The nearest-rank percentile (``fraction`` in 0..1) of ``samples_ns``."""
    if not samples_ns:
        return 0
    ordered = sorted(samples_ns)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]


def rate_per_s(count: int, elapsed_ns: int) -> float:
    return count * 1e9 / elapsed_ns if elapsed_ns > 0 else 0.0
