"""The day-end cut-off: Hong Kong's business day ends at midnight there (16:00 UTC); other
cut-offs and offsets; each day labelled with the date it closes; bad schedules refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seawall.core.errors import ConditionFailed
from seawall.node.day_end_schedule import (
    DAY_NS,
    HONG_KONG,
    DayEndSchedule,
    day_of_snapshot_id,
    day_snapshot_id,
    parse_day,
)


def ns(*fields: int) -> int:
    year, month, day, hour, minute = fields
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()) * 10**9


def test_hong_kong_days_end_at_16_utc_and_carry_the_date_that_ends() -> None:
    assert HONG_KONG.text() == "00:00+08:00"
    assert HONG_KONG.last_cutoff_ns(ns(2026, 3, 2, 15, 59) + 59 * 10**9) == ns(2026, 3, 1, 16, 0)
    assert HONG_KONG.last_cutoff_ns(ns(2026, 3, 2, 16, 0)) == ns(2026, 3, 2, 16, 0)
    assert HONG_KONG.next_cutoff_ns(ns(2026, 3, 2, 16, 0)) == ns(2026, 3, 3, 16, 0)
    assert HONG_KONG.day_closed_at(ns(2026, 3, 2, 16, 0)) == date(2026, 3, 2)
    assert HONG_KONG.cutoff_of(date(2026, 3, 2)) == ns(2026, 3, 2, 16, 0)
    assert DayEndSchedule.parse("16:00Z").day_closed_at(ns(2026, 3, 2, 16, 0)) == date(2026, 3, 2)


def test_other_cutoffs_and_offsets() -> None:
    five_pm = DayEndSchedule.parse("17:00+08:00")
    assert five_pm.last_cutoff_ns(ns(2026, 3, 2, 9, 30)) == ns(2026, 3, 2, 9, 0)
    assert five_pm.day_closed_at(ns(2026, 3, 2, 9, 0)) == date(2026, 3, 2)
    new_york = DayEndSchedule.parse("00:00-05:00")
    assert new_york.last_cutoff_ns(ns(2026, 3, 3, 4, 59)) == ns(2026, 3, 2, 5, 0)
    assert new_york.day_closed_at(ns(2026, 3, 3, 5, 0)) == date(2026, 3, 2)
    assert new_york.text() == "00:00-05:00"
    assert DayEndSchedule.parse("16:00Z") == DayEndSchedule(16 * 3600, 0)
    assert DayEndSchedule.parse("09:30+05:30").text() == "09:30+05:30"


@pytest.mark.parametrize(
    "text", ["", "24:00+08:00", "00:60Z", "0:00+08:00", "00:00+15:00", "00:00+08:61", "midnight"]
)
def test_bad_schedules_are_refused(text: str) -> None:
    with pytest.raises(ConditionFailed):
        DayEndSchedule.parse(text)


def test_a_time_that_is_no_cutoff_has_no_day() -> None:
    with pytest.raises(ConditionFailed, match="not a cut-off"):
        HONG_KONG.day_closed_at(ns(2026, 3, 2, 15, 0))


@given(
    now_ns=st.integers(0, 4_000_000_000 * 10**9),
    cutoff_minutes=st.integers(0, 24 * 60 - 1),
    offset_minutes=st.integers(-12 * 60, 14 * 60),
)
def test_every_instant_lies_in_exactly_one_business_day(
    now_ns: int, cutoff_minutes: int, offset_minutes: int
) -> None:
    schedule = DayEndSchedule(cutoff_minutes * 60, offset_minutes * 60)
    cutoff = schedule.last_cutoff_ns(now_ns)
    assert cutoff <= now_ns < cutoff + DAY_NS
    day = schedule.day_closed_at(cutoff)
    assert schedule.cutoff_of(day) == cutoff
    assert schedule.day_closed_at(schedule.next_cutoff_ns(now_ns)) == date.fromordinal(
        day.toordinal() + 1
    )
    assert DayEndSchedule.parse(schedule.text()) == schedule


def test_day_end_snapshot_ids_name_their_day() -> None:
    assert day_snapshot_id(date(2026, 3, 2)) == "day-2026-03-02"
    assert day_of_snapshot_id("day-2026-03-02") == date(2026, 3, 2)
    assert day_of_snapshot_id("day-1") is None and day_of_snapshot_id("seq-204") is None
    assert parse_day("2026-02-30") is None and parse_day("2026-3-2") is None
