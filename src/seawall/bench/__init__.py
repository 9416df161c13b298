"""Benchmarks (``seawall bench NAME``): each prints our figures beside peers measured in the same
run, as ratios, and records the results under ``bench/results/``. Timings are never asserted in
tests: the machines are shared and noisy."""
