"""Publishing checkpoints while the market runs: a background thread that, every ``interval_s``
seconds, appends the newly sealed journal entries to the transparency log and writes a fresh
cosigned checkpoint with its tiles (``kernel.publish.LogPublisher``).

It reads the journal through its own SQLite connection (WAL lets it read while the market
writes), so it never holds the market's lock; what it publishes is always a prefix of what the
market acknowledged.
"""

from __future__ import annotations

import threading
from pathlib import Path

from seawall.adapters.storage import open_store
from seawall.core.errors import SeawallError
from seawall.kernel.projection import Projector
from seawall.kernel.publish import LogPublisher
from seawall.node.keys import load_keys

__all__ = ["PeriodicPublisher"]


class PeriodicPublisher:
    """Publish ``data``'s journal into ``data/log`` every ``interval_s`` seconds until stopped."""

    def __init__(self, data: Path, interval_s: float = 5.0) -> None:
        keys = load_keys(data)
        self.data = data
        self.interval_s = interval_s
        self.log_keys = keys.log_keys()
        self._projection_key = keys.projection_key
        self._publisher: LogPublisher | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="seawall-log", daemon=True)
        self.published_size = 0
        self.last_error: str | None = None

    def publish_now(self) -> int:
        """Publish what is sealed now; return the log's size. Called on the publishing thread
        only (the node store's SQLite connection belongs to it)."""
        if self._publisher is None:
            projector = Projector(self._projection_key)
            self._publisher = LogPublisher(self.data / "log", self.log_keys, projector)
        with open_store(self.data / "journal.sqlite", create=False) as store:
            self._publisher.publish(store)
        (self.data / "log.vkeys").write_text("\n".join(self.log_keys.verifier_keys()) + "\n")
        self.published_size = self._publisher.size
        return self.published_size

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval_s):
                try:
                    self.publish_now()
                    self.last_error = None
                except SeawallError as exc:  # keep serving; the next round tries again
                    self.last_error = str(exc)
        finally:
            if self._publisher is not None:
                self._publisher.close()

    def start(self) -> PeriodicPublisher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def __enter__(self) -> PeriodicPublisher:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
