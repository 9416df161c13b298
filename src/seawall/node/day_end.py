"""Day-end proof-of-reserves snapshots while the market runs.

At every business day's cut-off (``node.day_end_schedule``; Hong Kong's by default: midnight in Hong
Kong, 16:00 UTC) the scheduler snapshots the market as it stood at the cut-off, keeps it in
``DATA/por/day-YYYY-MM-DD/`` and anchors it through custody's ``PublishReserves``, exactly as
``seawall por snapshot --publish`` does on demand (``node.por``).

* **Time** is the market's clock (the ``Clock`` its sequencer reads), never the wall: a test
  moves a fake clock over a cut-off and calls ``tick``.
* **What the snapshot covers**: every commit group sealed before the cut-off
  (``node.por.journal_point``), replayed on the scheduler's own connection, so entries journaled
  between the cut-off and the check that notices it are not in it and the served market keeps
  running meanwhile.
* **Once per day**: a day whose snapshot is kept and anchored is done; ``tick`` looks only at the
  latest cut-off. A node that was down over a cut-off takes it on its next start, once,
  labelled with the day it closes (if it was down over several, the latest: the journal did
  not change in between, so that one snapshot covers them all). A snapshot kept but not
  anchored (a crash in between) is rebuilt (the same bytes: the seed and the journal prefix are
  the same) and anchored; one anchored but not noted is found in the journal.
* A day with nothing journaled before its cut-off (a market younger than it) has no snapshot.

``DayEndScheduler.start`` runs ``tick`` on a thread: at once (the catch-up), then every
``check_every_s`` seconds (``retry_after_s`` after a failure, which is logged and kept in
``last_error``).
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from pathlib import Path
from typing import Final, NamedTuple

from seawall.adapters.storage import open_store
from seawall.core.clock import Clock
from seawall.core.errors import SeawallError
from seawall.node.day_end_schedule import HONG_KONG, DayEndSchedule, day_snapshot_id
from seawall.node.por import (
    Anchor,
    archive_of,
    build_data_snapshot,
    journal_point,
    publish_snapshot,
    states_at,
)
from seawall.reserves.tree import PrivacyPolicy

__all__ = ["DayEndResult", "DayEndScheduler"]

log = logging.getLogger("seawall.node.day_end")

#: Seconds between checks of the clock, and before trying a failed day-end again.
CHECK_EVERY_S: Final = 1.0
RETRY_AFTER_S: Final = 60.0


class DayEndResult(NamedTuple):
    """One day-end snapshot taken: its id, the day and cut-off, what it covers, its anchor."""

    snapshot_id: str
    day: date
    cutoff_ns: int
    journal_seq: int
    anchor_seq: int
    status: str


class DayEndScheduler:
    """Take ``data``'s day-end snapshots by ``clock`` on ``schedule``, anchoring each through
    ``anchor``."""

    def __init__(
        self,
        data: Path,
        clock: Clock,
        anchor: Anchor,
        schedule: DayEndSchedule = HONG_KONG,
        policy: PrivacyPolicy | None = None,
        check_every_s: float = CHECK_EVERY_S,
        retry_after_s: float = RETRY_AFTER_S,
    ) -> None:
        self.data = data
        self.clock = clock
        self.anchor = anchor
        self.schedule = schedule
        self.policy = policy
        self.check_every_s = check_every_s
        self.retry_after_s = retry_after_s
        self.archive = archive_of(data)
        #: Every day-end snapshot this scheduler took, oldest first.
        self.taken: list[DayEndResult] = []
        self.last_error: str | None = None
        #: The latest cut-off dealt with (taken, found done, or nothing to snapshot).
        self._settled_cutoff_ns: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="seawall-day-end", daemon=True)

    def due(self) -> tuple[date, int] | None:
        """The business day whose day-end is due now and its cut-off, or None if it is done."""
        cutoff_ns = self.schedule.last_cutoff_ns(self.clock.now_ns())
        if cutoff_ns == self._settled_cutoff_ns:
            return None
        day = self.schedule.day_closed_at(cutoff_ns)
        ident = day_snapshot_id(day)
        if self.archive.has(ident) and self.archive.record(ident).anchor_seq is not None:
            self._settled_cutoff_ns = cutoff_ns
            return None
        return day, cutoff_ns

    def tick(self) -> DayEndResult | None:
        """Take the due day-end snapshot, if any; return it."""
        due = self.due()
        if due is None:
            return None
        day, cutoff_ns = due
        ident = day_snapshot_id(day)
        with open_store(self.data / "journal.sqlite", create=False) as store:
            point = journal_point(store, before_ns=cutoff_ns)
            if point is None:
                log.info("day-end %s: nothing was journaled before the cut-off", day)
                self._settled_cutoff_ns = cutoff_ns
                return None
            states = states_at(store, point)
        snapshot = build_data_snapshot(self.data, states, point, ident, self.policy)
        kept = self.archive.record(ident) if self.archive.has(ident) else None
        if kept is None or kept.root != snapshot.root.hex():
            self.archive.write(
                snapshot,
                day_end={
                    "day": day.isoformat(),
                    "cutoff_ns": cutoff_ns,
                    "schedule": self.schedule.text(),
                },
            )
        anchor_seq = publish_snapshot(self.data, snapshot, self.anchor)
        self._settled_cutoff_ns = cutoff_ns
        result = DayEndResult(ident, day, cutoff_ns, snapshot.seq, anchor_seq, snapshot.status)
        self.taken.append(result)
        log.info(
            "day-end %s: snapshot %s at journal seq %d, %s, anchored at seq %d",
            day,
            ident,
            snapshot.seq,
            snapshot.status,
            anchor_seq,
        )
        return result

    def _run(self) -> None:
        wait_s = 0.0
        while not self._stop.wait(wait_s):
            try:
                self.tick()
                self.last_error = None
                wait_s = self.check_every_s
            except (SeawallError, OSError) as exc:  # keep serving; try again later
                self.last_error = str(exc)
                wait_s = self.retry_after_s
                log.warning("day-end snapshot failed (trying again in %s s): %s", wait_s, exc)

    def start(self) -> DayEndScheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def __enter__(self) -> DayEndScheduler:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
