"""Public integrity metrics per day (UTC), from the public stream alone.

Per day: the alerts raised, by type (every type listed, zeros included), and per market the
trade count and volume with two wash-trading statistics in the style of Cong, Li, Tang and
Yang, "Crypto Wash Trading" (Management Science, 2023), who found that trades on regulated
exchanges follow regularities that fabricated volume breaks:

* **First significant digit (Benford's law)**: the first significant digit ``d`` of trade sizes
  should occur with probability ``log10(1 + 1/d)``. We give the counts per digit, Pearson's
  chi-square against Benford (``benford_chi2_milli``, in thousandths; with 8 degrees of freedom
  the 5 % critical value is 15.507) and the mean absolute deviation of the proportions
  (``benford_mad_ppm``; Nigrini's "close conformity" for first digits is below 6,000 ppm).
* **Round-size clustering**: people trade round sizes (0.1, 0.25, 1 BTC). A size is *round*
  when it has at most two significant digits and the second is 0 or 5 (1, 1.5, 2, ... 9.5 times
  a power of ten). Were sizes spread evenly within their decade, a size with ``D`` digits would
  be round with probability ``2 / 10**(D-1)`` (1 for one digit); ``clustering_milli`` is the
  observed count of round trades over that expectation, in thousandths: about 1,000 for
  machine-made sizes, far above for people's.

Sizes are counted in lots; markets' lot sizes are powers of ten (``0.00001`` BTC), so the first
digit and roundness are those of the size in base units. Everything is integer arithmetic: the
same stream always gives the same figures, and anyone can recompute them from the public log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import msgspec

from seawall.public.schema import PublicEntry
from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.engine import RAISE_ALERT_TAG
from seawall.surveillance.state import AlertType

__all__ = [
    "BENFORD_PPM",
    "DayMetrics",
    "MarketDay",
    "civil_date",
    "daily_metrics",
    "first_digit",
    "is_round",
]

#: ``log10(1 + 1/d)`` for d = 1..9, in parts per million (they sum to 1,000,000).
BENFORD_PPM: Final = (301_030, 176_091, 124_939, 96_910, 79_181, 66_947, 57_992, 51_153, 45_757)
_NS_PER_DAY: Final = 86_400_000_000_000


class MarketDay(msgspec.Struct, frozen=True):
    """One market's trading on one day, and its wash-trading statistics."""

    symbol: str
    trades: int
    volume_lots: int
    first_digit_counts: tuple[int, ...]
    benford_chi2_milli: int
    benford_mad_ppm: int
    round_trades: int
    round_expected_milli: int
    clustering_milli: int


class DayMetrics(msgspec.Struct, frozen=True):
    """Everything published for one UTC day."""

    day: str
    first_seq: int
    last_seq: int
    alerts_by_type: dict[str, int]
    markets: tuple[MarketDay, ...]


def civil_date(timestamp_ns: int) -> str:
    """``YYYY-MM-DD`` (UTC) of ``timestamp_ns`` (integer arithmetic, proleptic Gregorian)."""
    days = timestamp_ns // _NS_PER_DAY + 719_468
    era = days // 146_097
    day_of_era = days - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1_460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + 3 if month_index < 10 else month_index - 9
    year = year_of_era + era * 400 + (1 if month <= 2 else 0)
    return f"{year:04d}-{month:02d}-{day:02d}"


def first_digit(quantity: int) -> int:
    """The first significant digit of a positive integer."""
    while quantity >= 10:
        quantity //= 10
    return quantity


def is_round(quantity: int) -> bool:
    """At most two significant digits, the second 0 or 5 (see the module docstring)."""
    while quantity >= 100 and quantity % 10 == 0:
        quantity //= 10
    if quantity < 10:
        return True
    return quantity < 100 and quantity % 5 == 0


def _round_expected_micro(quantity: int) -> int:
    digits = len(str(quantity))
    return 1_000_000 if digits == 1 else 2_000_000 // 10 ** (digits - 1)


class _Market:
    __slots__ = ("digits", "expected_micro", "rounds", "trades", "volume")

    def __init__(self) -> None:
        self.trades = 0
        self.volume = 0
        self.digits = [0] * 9
        self.rounds = 0
        self.expected_micro = 0

    def add(self, quantity: int) -> None:
        self.trades += 1
        self.volume += quantity
        self.digits[first_digit(quantity) - 1] += 1
        if is_round(quantity):
            self.rounds += 1
        self.expected_micro += _round_expected_micro(quantity)

    def finish(self, symbol: str) -> MarketDay:
        n = self.trades
        chi2_milli = 0
        deviation_ppm = 0
        for observed, share in zip(self.digits, BENFORD_PPM, strict=True):
            expected_ppm_count = n * share
            gap = observed * 1_000_000 - expected_ppm_count
            chi2_milli += gap * gap * 1000 // (expected_ppm_count * 1_000_000)
            deviation_ppm += abs(observed * 1_000_000 // n - share)
        expected_milli = self.expected_micro // 1000
        return MarketDay(
            symbol=symbol,
            trades=n,
            volume_lots=self.volume,
            first_digit_counts=tuple(self.digits),
            benford_chi2_milli=chi2_milli,
            benford_mad_ppm=deviation_ppm // 9,
            round_trades=self.rounds,
            round_expected_milli=expected_milli,
            clustering_milli=self.rounds * 1_000_000_000 // self.expected_micro
            if self.expected_micro
            else 0,
        )


class _Day:
    __slots__ = ("alerts", "first_seq", "last_seq", "markets")

    def __init__(self, seq: int) -> None:
        self.first_seq = seq
        self.last_seq = seq
        self.alerts = {str(kind): 0 for kind in sorted(AlertType)}
        self.markets: dict[str, _Market] = {}


def daily_metrics(
    entries: Iterable[PublicEntry], alerts: Iterable[tuple[int, RaiseAlert]] | None = None
) -> list[DayMetrics]:
    """The metrics of every day the entries cover, in date order. Alerts are the journaled
    ``RaiseAlert`` entries among ``entries``, or, when given, ``alerts`` as ``(timestamp_ns,
    alert)`` pairs (a re-run that was not journaled)."""
    days: dict[str, _Day] = {}
    for entry in entries:
        day = civil_date(entry.timestamp_ns)
        record = days.get(day)
        if record is None:
            record = days[day] = _Day(entry.seq)
        record.last_seq = entry.seq
        command: dict[str, Any] = entry.command
        if alerts is None and command.get("k") == RAISE_ALERT_TAG and entry.rejection is None:
            kind = str(command.get("alert_type", ""))
            if kind in record.alerts:
                record.alerts[kind] += 1
        for event in entry.events:
            if event.get("k") == "venue.trade" and event["quantity_lots"] > 0:
                market = record.markets.get(event["symbol"])
                if market is None:
                    market = record.markets[event["symbol"]] = _Market()
                market.add(event["quantity_lots"])
    if alerts is not None:
        for timestamp_ns, alert in alerts:
            record = days.get(civil_date(timestamp_ns))
            if record is not None:
                record.alerts[str(alert.alert_type)] += 1
    return [
        DayMetrics(
            day=day,
            first_seq=record.first_seq,
            last_seq=record.last_seq,
            alerts_by_type=dict(record.alerts),
            markets=tuple(
                market.finish(symbol) for symbol, market in sorted(record.markets.items())
            ),
        )
        for day, record in sorted(days.items())
    ]
