"""The detector plug-in contract.

A detector is a class with a dotted ``name``, a ``version`` (bumped whenever its logic changes
what it would alert on), the ``alert_type`` it raises, and ``defaults``: its parameters, integers
(in named units: ``_ns``, ``_bps``, ``_permille``, ``_lots``) or strings, never floats, so that
an alert's parameters are canonical and a re-run with them reproduces it.

It reads only public events (maps tagged ``"k"``, accounts as pseudonyms): ``handlers()`` maps
event tags to callables, which the engine calls for every such event, in stream order, *before*
the shared ``Tape`` applies the event (so the tape shows the market just before it). A detector
that needs to see a whole entry first (every trade of one taker order) sets ``wants_entry_end``
and gets ``end_entry()`` after the entry's last event. It raises an alert by calling
``self.raise_alert(symbol, subjects, evidence)``; the engine turns that into a ``RaiseAlert``
with the detector's name, version, parameters, the run's input range and the current entry.

Detectors keep bounded state: sliding windows evict by time, per-key registers are pruned when
their window empties. Where a detector scores statistically it may use ``river`` (floats inside),
but what reaches an alert is integers and strings, rounded the same way on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from seawall.surveillance.state import AlertType, EvidenceValue, ParameterValue
from seawall.surveillance.tape import Tape

__all__ = ["Detector", "Emit", "Event", "Handler"]

Event = dict[str, Any]
Handler = Callable[[Event], None]
#: ``emit(detector, symbol, subjects, evidence)``: the engine's side of ``raise_alert``.
Emit = Callable[["Detector", str, Iterable[str], dict[str, EvidenceValue]], None]


class Detector:
    """Base class of every detector (see the module docstring)."""

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType]
    #: True when the pattern is exact (a rule); False when it is scored statistically.
    exact: ClassVar[bool] = False
    defaults: ClassVar[dict[str, ParameterValue]] = {}
    wants_entry_end: ClassVar[bool] = False

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        unknown = sorted(set(overrides) - set(self.defaults))
        if unknown:
            raise ValueError(f"{self.name} has no parameters {unknown}")
        params = {**self.defaults, **overrides}
        for key, value in params.items():
            if type(value) is not type(self.defaults[key]):
                raise ValueError(f"{self.name} parameter {key} must be {type(self.defaults[key])}")
        self.params: dict[str, ParameterValue] = dict(sorted(params.items()))
        self.tape = tape
        self._emit = emit
        #: (key) -> timestamp_ns of the last alert about it, for ``cooled``
        self._last_alert_ns: dict[Any, int] = {}

    def p(self, key: str) -> int:
        """An integer parameter."""
        value = self.params[key]
        assert isinstance(value, int)
        return value

    def handlers(self) -> dict[str, Handler]:
        """Event tag -> the callable that reads such events."""
        return {}

    def end_entry(self) -> None:
        """Called after the last event of an entry in which a handler of this detector ran
        (only when ``wants_entry_end``)."""

    def raise_alert(
        self, symbol: str, subjects: Iterable[str], evidence: dict[str, EvidenceValue]
    ) -> None:
        self._emit(self, symbol, subjects, evidence)

    def cooled(self, key: Any, cooldown_ns: int) -> bool:
        """True (and the clock restarted) if no alert about ``key`` was raised in the last
        ``cooldown_ns``: one alert per episode, not one per trade."""
        now = self.tape.timestamp_ns
        last = self._last_alert_ns.get(key)
        if last is not None and now - last < cooldown_ns:
            return False
        self._last_alert_ns[key] = now
        return True
