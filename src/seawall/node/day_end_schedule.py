"""When business days end: the day-end cut-off of proof-of-reserves snapshots, and their ids.

A business day ends at a cut-off given as a local time of day and a UTC offset, written
``HH:MM+HH:MM`` (or ``HH:MMZ`` for UTC). Hong Kong's is ``00:00+08:00``: midnight in Hong Kong,
16:00 UTC (Hong Kong keeps no daylight saving time, so a fixed offset names it exactly).
Business day ``D`` runs from the cut-off before it up to, not including, the cut-off that closes
it, and is labelled with the local date of its last instant: with a midnight cut-off the day
that ends at midnight, with a ``17:00`` cut-off the date on which 17:00 falls.

Pure integer arithmetic on nanoseconds since the Unix epoch; nothing here reads a clock (the
node gives it the market's time). The day-end snapshot of day ``D`` has the id
``day-YYYY-MM-DD`` (``day_snapshot_id``), which is also what clients ask for by date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

import msgspec

from seawall.core.errors import ConditionFailed

__all__ = [
    "DAY_NS",
    "DAY_SNAPSHOT_PREFIX",
    "HONG_KONG",
    "DayEndSchedule",
    "day_of_snapshot_id",
    "day_snapshot_id",
    "parse_day",
]

DAY_NS: Final = 86_400 * 1_000_000_000
_SECOND_NS: Final = 1_000_000_000
#: Every day-end snapshot id is this prefix and the ISO date of the day it closes.
DAY_SNAPSHOT_PREFIX: Final = "day-"
#: UTC offsets in use run from -12:00 to +14:00.
utc_offset_s_max: Final = 14 * 3600
_SPEC: Final = re.compile(r"(\d{2}):(\d{2})(?:(Z)|([+-])(\d{2}):(\d{2}))")
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH: Final = date(1970, 1, 1)


class DayEndSchedule(msgspec.Struct, frozen=True):
    """A day-end cut-off: ``cutoff_s`` seconds after local midnight, local time being UTC plus
    ``utc_offset_s``."""

    cutoff_s: int
    utc_offset_s: int

    def __post_init__(self) -> None:
        if not 0 <= self.cutoff_s < 86_400:
            raise ConditionFailed(f"cut-off {self.cutoff_s} s must be within one day")
        if not -utc_offset_s_max <= self.utc_offset_s <= utc_offset_s_max:
            raise ConditionFailed(f"UTC offset {self.utc_offset_s} s is out of range")

    @classmethod
    def parse(cls, text: str) -> DayEndSchedule:
        """``00:00+08:00`` (local time and UTC offset) or ``16:00Z`` (UTC)."""
        found = _SPEC.fullmatch(text.strip())
        if found is None:
            raise ConditionFailed(
                f"day-end cut-off {text!r} must look like 00:00+08:00 (local time and UTC "
                "offset) or 16:00Z"
            )
        hours, minutes, utc, sign, offset_h, offset_m = found.groups()
        if int(hours) > 23 or int(minutes) > 59 or (not utc and int(offset_m) > 59):
            raise ConditionFailed(f"day-end cut-off {text!r} is not a time of day")
        offset_s = 0 if utc else (int(offset_h) * 3600 + int(offset_m) * 60)
        return cls(int(hours) * 3600 + int(minutes) * 60, -offset_s if sign == "-" else offset_s)

    def text(self) -> str:
        """The schedule as ``parse`` reads it."""
        hours, minutes = divmod(self.cutoff_s // 60, 60)
        if self.utc_offset_s == 0:
            return f"{hours:02d}:{minutes:02d}Z"
        sign = "-" if self.utc_offset_s < 0 else "+"
        offset_h, offset_m = divmod(abs(self.utc_offset_s) // 60, 60)
        return f"{hours:02d}:{minutes:02d}{sign}{offset_h:02d}:{offset_m:02d}"

    def _local_cutoff_ns(self) -> int:
        return self.cutoff_s * _SECOND_NS

    def last_cutoff_ns(self, now_ns: int) -> int:
        """The latest cut-off at or before ``now_ns``."""
        local_ns = now_ns + self.utc_offset_s * _SECOND_NS
        days = (local_ns - self._local_cutoff_ns()) // DAY_NS
        return days * DAY_NS + self._local_cutoff_ns() - self.utc_offset_s * _SECOND_NS

    def next_cutoff_ns(self, now_ns: int) -> int:
        """The first cut-off after ``now_ns``."""
        return self.last_cutoff_ns(now_ns) + DAY_NS

    def day_closed_at(self, cutoff_ns: int) -> date:
        """The business day that the cut-off at ``cutoff_ns`` closes (the local date of the
        day's last instant)."""
        if self.last_cutoff_ns(cutoff_ns) != cutoff_ns:
            raise ConditionFailed(f"{cutoff_ns} is not a cut-off of {self.text()}")
        local_last_ns = cutoff_ns - 1 + self.utc_offset_s * _SECOND_NS
        return _EPOCH + timedelta(days=local_last_ns // DAY_NS)

    def cutoff_of(self, day: date) -> int:
        """The cut-off that closes business day ``day``."""
        local_days = (day - _EPOCH).days + (1 if self.cutoff_s == 0 else 0)
        return local_days * DAY_NS + self._local_cutoff_ns() - self.utc_offset_s * _SECOND_NS


#: Hong Kong's business day: it ends at midnight in Hong Kong, 16:00 UTC.
HONG_KONG: Final = DayEndSchedule(cutoff_s=0, utc_offset_s=8 * 3600)


def day_snapshot_id(day: date) -> str:
    """The id of the day-end snapshot that closes ``day``: ``day-YYYY-MM-DD``."""
    return f"{DAY_SNAPSHOT_PREFIX}{day.isoformat()}"


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date, or None if ``text`` is not one."""
    if _DAY.fullmatch(text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def day_of_snapshot_id(snapshot_id: str) -> date | None:
    """The day a day-end snapshot id closes, or None if the id is not a day-end one."""
    if not snapshot_id.startswith(DAY_SNAPSHOT_PREFIX):
        return None
    return parse_day(snapshot_id[len(DAY_SNAPSHOT_PREFIX) :])
