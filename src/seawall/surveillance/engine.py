"""The surveillance engine: runs the detectors over the public stream and turns what they find
into ``RaiseAlert`` commands.

It reads ``seawall.public.PublicEntry`` values only (the transparency log's leaves: pseudonyms,
no personal data), in seq order. Entries before ``run_from_seq`` are *context*: they build the
shared ``Tape`` (markets, books, live orders, restricted accounts, links between pseudonyms)
but no detector sees them; from ``run_from_seq`` on, every event goes to each detector that
handles its tag, then to the tape. Each alert records the run's input range: ``seq_from`` is
``run_from_seq``, ``seq_to`` the entry that completed the pattern, ``observed_ns`` its time. The
alert id is ``<detector>-<seq_to>-<n>``.

Everything is deterministic: the same entries and the same run start give the same alerts, byte
for byte, which is what lets anyone re-run ``seawall surveil --from-seq A --to-seq B`` over the
public log and check the journaled alerts (``reproduce``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import msgspec

from seawall.core.codec import encode
from seawall.public.schema import PublicEntry
from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.detectors import Detector, Handler, build
from seawall.surveillance.state import EvidenceValue, ParameterValue
from seawall.surveillance.tape import Tape

__all__ = [
    "RAISE_ALERT_TAG",
    "Reproduction",
    "Surveillance",
    "journaled_alerts",
    "reproduce",
]

#: The tag of ``RaiseAlert`` in a public entry's command.
RAISE_ALERT_TAG = "surveillance.raise_alert"


class Surveillance:
    """Detectors over the public stream (see the module docstring)."""

    def __init__(
        self,
        detectors: list[str] | None = None,
        parameters: Mapping[str, Mapping[str, ParameterValue]] | None = None,
        run_from_seq: int = 1,
        link_by_origin: bool = True,
    ) -> None:
        if run_from_seq < 1:
            raise ValueError("run_from_seq starts at 1")
        self.run_from_seq = run_from_seq
        self.tape = Tape(link_by_origin=link_by_origin)
        self.detectors: list[Detector] = build(self.tape, self._emit, detectors, parameters)
        self.last_seq = 0
        #: public events read from ``run_from_seq`` on (what the detectors were offered)
        self.events_read = 0
        self._pending: list[RaiseAlert] = []
        #: alerts raised per detector in entry ``_counts_seq`` (for the ids' last part)
        self._counts: dict[str, int] = {}
        self._counts_seq = 0
        self._entry_end: list[Detector] = [d for d in self.detectors if d.wants_entry_end]
        handlers: dict[str, list[Handler]] = {}
        for detector in self.detectors:
            for kind, handler in detector.handlers().items():
                handlers.setdefault(kind, []).append(handler)
        for kind, handler in self.tape.handlers.items():
            handlers.setdefault(kind, []).append(handler)
        self._handlers: dict[str, tuple[Handler, ...]] = {
            kind: tuple(each) for kind, each in handlers.items()
        }
        self._context: dict[str, Handler] = dict(self.tape.handlers)

    # --- feeding -----------------------------------------------------------------------------

    def feed(self, entry: PublicEntry) -> list[RaiseAlert]:
        """Read one public entry (the next in seq order); return the alerts it completed."""
        seq = entry.seq
        if seq <= self.last_seq:
            raise ValueError(f"public entry {seq} after {self.last_seq}: entries go in seq order")
        self.last_seq = seq
        events = entry.events
        if not events:
            return []
        tape = self.tape
        tape.seq = seq
        tape.timestamp_ns = entry.timestamp_ns
        if seq < self.run_from_seq:
            context = self._context
            for event in events:
                handler = context.get(event["k"])
                if handler is not None:
                    handler(event)
            return []
        self.events_read += len(events)
        table = self._handlers
        touched = False
        for event in events:
            handlers = table.get(event["k"])
            if handlers is not None:
                touched = True
                for handler in handlers:
                    handler(event)
        if touched:
            for detector in self._entry_end:
                detector.end_entry()
            if self._pending:
                found, self._pending = self._pending, []
                return found
        return []

    def run(self, entries: Iterable[PublicEntry], to_seq: int | None = None) -> list[RaiseAlert]:
        """Feed ``entries`` (up to ``to_seq``) and return every alert, in order."""
        found: list[RaiseAlert] = []
        for entry in entries:
            if to_seq is not None and entry.seq > to_seq:
                break
            found += self.feed(entry)
        return found

    def _emit(
        self,
        detector: Detector,
        symbol: str,
        subjects: Iterable[str],
        evidence: dict[str, EvidenceValue],
    ) -> None:
        tape = self.tape
        if self._counts_seq != tape.seq:
            self._counts_seq = tape.seq
            self._counts = {}
        number = self._counts.get(detector.name, 0)
        self._counts[detector.name] = number + 1
        self._pending.append(
            RaiseAlert(
                alert_id=f"{detector.name}-{tape.seq}-{number}",
                alert_type=detector.alert_type,
                detector=detector.name,
                detector_version=detector.version,
                parameters=dict(detector.params),
                seq_from=self.run_from_seq,
                seq_to=tape.seq,
                observed_ns=tape.timestamp_ns,
                symbol=symbol,
                subjects=tuple(sorted(set(subjects))),
                evidence=dict(sorted(evidence.items())),
            )
        )


def journaled_alerts(entries: Iterable[PublicEntry]) -> Iterator[tuple[int, RaiseAlert]]:
    """The accepted ``RaiseAlert`` commands in public entries, with their seqs."""
    for entry in entries:
        command: dict[str, Any] = entry.command
        if command.get("k") == RAISE_ALERT_TAG and entry.rejection is None:
            yield entry.seq, msgspec.convert(command, RaiseAlert)


class Reproduction(NamedTuple):
    """How a re-run compares with the alerts journaled for the same range."""

    reproduced: list[RaiseAlert]
    missing: list[RaiseAlert]
    extra: list[RaiseAlert]

    @property
    def exact(self) -> bool:
        return not self.missing and not self.extra


def reproduce(
    entries: Callable[[], Iterable[PublicEntry]],
    from_seq: int,
    to_seq: int,
    parameters: Mapping[str, Mapping[str, ParameterValue]] | None = None,
) -> tuple[list[RaiseAlert], Reproduction]:
    """Re-run the detectors over ``from_seq..to_seq`` (entries before it as context) and compare
    with the alerts journaled (anywhere in ``entries``) for a run from ``from_seq`` whose input
    ends by ``to_seq``. ``entries`` is called twice (it must give the same stream each time)."""
    engine = Surveillance(parameters=parameters, run_from_seq=from_seq)
    rerun = engine.run(entries(), to_seq=to_seq)
    journaled = [
        alert
        for _, alert in journaled_alerts(entries())
        if alert.seq_from == from_seq and alert.seq_to <= to_seq
    ]
    mine = {encode(alert): alert for alert in rerun}
    theirs = {encode(alert): alert for alert in journaled}
    return rerun, Reproduction(
        reproduced=[alert for key, alert in mine.items() if key in theirs],
        missing=[alert for key, alert in theirs.items() if key not in mine],
        extra=[alert for key, alert in mine.items() if key not in theirs],
    )
