"""The clock port. Only the sequencer asks it for time, and domain code only ever sees the
sequencer's ``timestamp_ns``. ``StepClock`` is the deterministic test double that ships here."""

from __future__ import annotations

from typing import Protocol

__all__ = ["Clock", "StepClock"]


class Clock(Protocol):
    def now_ns(self) -> int:
        """Nanoseconds since the Unix epoch."""
        ...


class StepClock:
    """Starts at ``start_ns`` and advances ``step_ns`` per reading: reproducible time."""

    __slots__ = ("_next_ns", "step_ns")

    def __init__(self, start_ns: int = 1_767_225_600_000_000_000, step_ns: int = 1_000) -> None:
        self._next_ns = start_ns
        self.step_ns = step_ns

    def now_ns(self) -> int:
        now = self._next_ns
        self._next_ns += self.step_ns
        return now
