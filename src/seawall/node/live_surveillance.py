"""Surveillance while the market is served: the detectors follow the committed journal and
each alert is journaled as ``surveillance``'s ``RaiseAlert`` within moments of the entry that
completed its pattern.

How it runs, off the request path:

* a commit of the market (``Market.on_commit``, called on the writer's commit thread) wakes the
  loop (``run``, a task on the API's event loop);
* a **step**, on this component's own thread, reads at most ``entries_per_step_max`` newly
  committed entries through its own reader of the journal (SQLite's WAL lets it read while
  the market writes), projects them into the public stream (``node.public_stream``: pseudonyms
  only) and feeds the engine (``surveillance.engine.Surveillance``, the same detectors as
  ``seawall surveil``); it never takes the market's writer;
* the alerts found are submitted through the market's writer (``MarketService.exclusive``, at
  most ``alerts_per_job_max`` per job) like any other change: journaled, in the transparency
  log. Order handling waits at most for that short job, never for the detectors.

**One continuous run.** The engine starts at seq 1 (``LIVE_RUN_FROM_SEQ``) and reads every
entry in order, its own alerts included, so each live alert is byte for byte what
``seawall surveil --from-seq 1 --to-seq B`` gives for any ``B`` at or after its ``seq_to``.

**Restarts: what survives is the journal.** The detectors' state is not saved: a new process
re-derives it by reading the journal from seq 1 again, which gives exactly the state an
uninterrupted run would have (nothing straddling the restart is missed). Which alerts were
already journaled is read from the journal too: every ``RaiseAlert`` entry seen in the stream,
and the writer checks surveillance's alert register before each submission. Alerts found
below the committed head at start (``resume_seq``) are held until the stream has been read
that far, since their journaled copies lie below it; then only those not on record are
submitted. A crash between finding an alert and journaling it loses nothing: the next start
finds it again. The price is a catch-up read of the whole journal at each start, in bounded
steps in the background (over ten thousand entries a second).

Errors: an operating error reading the journal (``SeawallError``) is logged and the next wake
tries again from the same seq; anything else is a bug: it is logged and live surveillance
stops (the market goes on serving; the next start catches up, skipping nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final, Protocol, TypeVar

from seawall.adapters.storage import open_store
from seawall.core.errors import SeawallError, condition
from seawall.journal import JournalStore
from seawall.kernel import Market
from seawall.kernel.projection import Projector
from seawall.node.keys import load_keys
from seawall.node.public_stream import committed_seq, read_public
from seawall.surveillance import machine as surveillance_machine
from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.engine import RAISE_ALERT_TAG, Surveillance

__all__ = [
    "ALERTS_PER_JOB_MAX",
    "COALESCE_S",
    "ENTRIES_PER_STEP_MAX",
    "LIVE_RUN_FROM_SEQ",
    "Exclusive",
    "LiveSurveillance",
    "OnJournaled",
]

T = TypeVar("T")

#: The live run's start: one run over the whole journal (see the module docstring).
LIVE_RUN_FROM_SEQ: Final = 1
#: Public entries one step reads and feeds before the loop hears from it again.
ENTRIES_PER_STEP_MAX: Final = 2_000
#: Alerts one writer job submits (a burst is split over several jobs).
ALERTS_PER_JOB_MAX: Final = 64
#: How long a wake waits for more commits to read them in one step (seconds).
COALESCE_S: Final = 0.02

_log = logging.getLogger("seawall.node")


class Exclusive(Protocol):
    """Runs a function against the market in its writer, alone, and returns once its entries
    are committed (``MarketService.exclusive``)."""

    def __call__(self, run: Callable[[Market], T], /) -> Awaitable[T]: ...


#: Told of each alert journaled: ``(seq of its RaiseAlert entry, the alert)``, on the loop.
OnJournaled = Callable[[int, RaiseAlert], None]


class LiveSurveillance:
    """The detectors over the committed public stream of one market, alerts journaled through
    its writer (see the module docstring). One ``run`` per instance."""

    def __init__(
        self,
        reader: JournalStore,
        projection_key: bytes,
        *,
        on_journaled: OnJournaled | None = None,
        entries_per_step_max: int = ENTRIES_PER_STEP_MAX,
        alerts_per_job_max: int = ALERTS_PER_JOB_MAX,
        coalesce_s: float = COALESCE_S,
        close_reader: bool = False,
    ) -> None:
        condition(
            entries_per_step_max >= 1 and alerts_per_job_max >= 1 and coalesce_s >= 0,
            "entries_per_step_max and alerts_per_job_max are at least 1, coalesce_s at least 0",
        )
        self._reader = reader
        self._projector = Projector(projection_key)
        self._close_reader = close_reader
        self.on_journaled = on_journaled
        self.entries_per_step_max = entries_per_step_max
        self.alerts_per_job_max = alerts_per_job_max
        self.coalesce_s = coalesce_s
        self.engine = Surveillance(run_from_seq=LIVE_RUN_FROM_SEQ)
        #: The last seq fed to the detectors.
        self.read_seq = 0
        #: The committed head at the last step.
        self.head_seq = 0
        #: The committed head at this process's first step: alerts journaled before lie below.
        self.resume_seq: int | None = None
        #: Alert ids of the ``RaiseAlert`` entries read so far (accepted or refused).
        self.journaled_ids: set[str] = set()
        self._outbox: list[RaiseAlert] = []
        self.alerts_found = 0
        self.alerts_journaled = 0
        #: Alerts found again that were already on record (after a restart): not resubmitted.
        self.alerts_known = 0
        self.alerts_refused = 0
        self.last_error: str | None = None
        self._started = False

    @classmethod
    def for_data(cls, data: Path, on_journaled: OnJournaled | None = None) -> LiveSurveillance:
        """Live surveillance of ``data/journal.sqlite``, read through its own connection and
        projected under ``data/keys.json``'s projection key."""
        reader = open_store(data / "journal.sqlite", create=False)
        return cls(
            reader, load_keys(data).projection_key, on_journaled=on_journaled, close_reader=True
        )

    @property
    def caught_up(self) -> bool:
        """Whether every entry committed at the last step has been read."""
        return self.resume_seq is not None and self.read_seq >= self.head_seq

    # --- on this component's thread ------------------------------------------------------------

    def step(self) -> list[RaiseAlert]:
        """Read and feed at most ``entries_per_step_max`` newly committed entries; return the
        alerts to submit now (none while catching up below ``resume_seq``)."""
        head = committed_seq(self._reader)
        if self.resume_seq is None:
            self.resume_seq = head
        self.head_seq = head
        if head > self.read_seq:
            last = min(head, self.read_seq + self.entries_per_step_max)
            engine = self.engine
            for entry in read_public(self._reader, self._projector, self.read_seq + 1, last):
                command = entry.command
                if command.get("k") == RAISE_ALERT_TAG:
                    self.journaled_ids.add(str(command.get("alert_id", "")))
                found = engine.feed(entry)
                self.read_seq = entry.seq
                if found:
                    self.alerts_found += len(found)
                    self._outbox += found
        if self.read_seq < self.resume_seq:
            return []
        ready = [alert for alert in self._outbox if alert.alert_id not in self.journaled_ids]
        self.alerts_known += len(self._outbox) - len(ready)
        self._outbox = []
        return ready

    # --- in the market's writer ------------------------------------------------------------------

    def journal(self, market: Market, alerts: Sequence[RaiseAlert]) -> list[tuple[int, RaiseAlert]]:
        """Submit each alert that surveillance's register lacks as its ``RaiseAlert``; return
        ``(seq, alert)`` for each journaled. Runs in the writer (it reads the market)."""
        journaled: list[tuple[int, RaiseAlert]] = []
        for alert in alerts:
            register = market.state("surveillance")
            if surveillance_machine.alert(register, alert.alert_id) is not None:
                self.alerts_known += 1
                continue
            outcome = market.submit(alert, surveillance_machine.SURVEILLANCE_SUBMITTER)
            if outcome.rejection is None:
                journaled.append((outcome.seq, alert))
                continue
            self.alerts_refused += 1
            _log.warning(
                "alert %s refused at seq %d: %s", alert.alert_id, outcome.seq, outcome.rejection
            )
        return journaled

    # --- on the event loop -----------------------------------------------------------------------

    async def run(self, exclusive: Exclusive) -> None:
        """Follow the market until cancelled: wake on each commit, step, journal the alerts."""
        if self._started:
            raise RuntimeError("a LiveSurveillance runs once")
        self._started = True
        loop = asyncio.get_running_loop()
        wake = asyncio.Event()

        def committed(last_seq: int) -> None:  # on the writer's commit thread
            with contextlib.suppress(RuntimeError):  # the loop closed under us
                loop.call_soon_threadsafe(wake.set)

        def follow(market: Market) -> Market:
            market.on_commit.append(committed)
            return market

        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seawall-surveil")
        market: Market | None = None
        try:
            market = await exclusive(follow)
            wake.set()
            while True:
                await wake.wait()
                wake.clear()
                if self.caught_up and self.coalesce_s:
                    await asyncio.sleep(self.coalesce_s)
                try:
                    alerts = await loop.run_in_executor(executor, self.step)
                except SeawallError as exc:  # reading the journal failed: retry on the next wake
                    self.last_error = str(exc)
                    _log.warning("live surveillance could not read the journal: %s", exc)
                    continue
                await self._submit(exclusive, alerts)
                self.last_error = None
                if not self.caught_up:
                    wake.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.last_error = f"stopped: {exc!r}"
            _log.exception("live surveillance stopped")
            raise
        finally:
            if market is not None:
                with contextlib.suppress(ValueError):
                    market.on_commit.remove(committed)
            executor.shutdown(wait=True)
            if self._close_reader:
                self._reader.close()

    async def _submit(self, exclusive: Exclusive, alerts: list[RaiseAlert]) -> None:
        size = self.alerts_per_job_max
        for first in range(0, len(alerts), size):
            chunk = alerts[first : first + size]

            def journal(
                market: Market, chunk: list[RaiseAlert] = chunk
            ) -> list[tuple[int, RaiseAlert]]:
                return self.journal(market, chunk)

            for seq, alert in await exclusive(journal):
                self.alerts_journaled += 1
                if self.on_journaled is not None:
                    self.on_journaled(seq, alert)
