"""Public integrity metrics: the civil date, first digits and round sizes, Benford's chi-square
and the clustering index, and the per-day figures from a public stream."""

from __future__ import annotations

import math
from typing import Any

import pytest

from seawall.surveillance.metrics import (
    BENFORD_PPM,
    civil_date,
    daily_metrics,
    first_digit,
    is_round,
)

DAY_NS = 86_400 * 10**9


@pytest.mark.parametrize(
    ("seconds", "date"),
    [
        (0, "1970-01-01"),
        (951_782_400, "2000-02-29"),
        (1_767_225_600, "2026-01-01"),
        (1_767_311_999, "2026-01-01"),
        (1_767_312_000, "2026-01-02"),
        (4_107_542_400, "2100-03-01"),
    ],
)
def test_civil_date(seconds: int, date: str) -> None:
    assert civil_date(seconds * 10**9) == date


def test_first_digits_and_round_sizes() -> None:
    assert [first_digit(n) for n in (1, 9, 10, 2_500, 987_654)] == [1, 9, 1, 2, 9]
    assert all(is_round(n) for n in (1, 7, 10, 15, 25, 250, 5_000, 95_000, 1_500_000))
    assert not any(is_round(n) for n in (11, 23, 251, 1_234, 99_999, 12_500))


def test_benford_constants_are_the_law() -> None:
    assert sum(BENFORD_PPM) == 1_000_000
    for digit, ppm in enumerate(BENFORD_PPM, start=1):
        assert abs(ppm - 1e6 * math.log10(1 + 1 / digit)) < 1


def _trades(stream: Any, sizes: list[int]) -> None:
    stream.market()
    for size in sizes:
        stream.order("p" + "1" * 24, 2, 9_000_000, size)
        stream.order("p" + "2" * 24, 1, 9_000_000, size, tif=2)
    stream.advance(DAY_NS / 1e9)
    stream.order("p" + "1" * 24, 2, 9_000_000, 5)
    stream.order("p" + "2" * 24, 1, 9_000_000, 5, tif=2)


def test_a_benford_sample_conforms_and_people_round(stream: Any) -> None:
    # Sizes drawn from Benford exactly (1,000 trades), every tenth a round size.
    sizes = [
        digit * 1_000 + offset
        for digit, ppm in enumerate(BENFORD_PPM, start=1)
        for offset in range(1, ppm // 1_000 + 1)
    ]
    _trades(stream, sizes)
    first, second = daily_metrics(stream.entries)
    assert (first.day, second.day) == ("2026-01-01", "2026-01-02")
    (market,) = first.markets
    assert market.trades == len(sizes) and market.volume_lots == sum(sizes)
    assert market.benford_chi2_milli < 1_000  # far below the 5 % critical value, 15.507
    assert market.benford_mad_ppm < 2_000
    assert second.markets[0].trades == 1 and second.first_seq > first.last_seq
    assert set(first.alerts_by_type) >= {"wash_trading", "spoofing"}


def test_clustering_separates_people_from_machines(stream: Any) -> None:
    people = [1_000, 2_000, 2_500, 5_000, 10_000] * 40
    machines = [1_013 + 7 * i for i in range(200)]
    _trades(stream, people + machines)
    (market,) = daily_metrics(stream.entries)[0].markets
    assert len(people) <= market.round_trades <= len(people) + 2  # 2,000 = 1,013 + 7 * 141
    # 200 four- and five-digit machine sizes: about 200 * 0.002 round ones expected.
    assert market.clustering_milli > 100_000
    assert market.round_expected_milli > 0


def test_alerts_are_counted_on_their_day(stream: Any, alert: Any) -> None:
    _trades(stream, [100, 200])
    first_ns = stream.entries[0].timestamp_ns
    days = daily_metrics(stream.entries, [(first_ns, alert()), (first_ns + DAY_NS, alert())])
    assert [day.alerts_by_type["wash_trading"] for day in days] == [1, 1]
