"""The machine's clock, behind ``core.clock.Clock``. Only a sequencer reads it; domain code sees
the sequencer's ``timestamp_ns`` (which is kept strictly increasing even if this steps back)."""

from __future__ import annotations

import time

__all__ = ["SystemClock"]


class SystemClock:
    """Nanoseconds since the Unix epoch, from the operating system."""

    def now_ns(self) -> int:
        return time.time_ns()
