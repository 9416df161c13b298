"""Serving the API: over a data directory (``open_served_market``), in the foreground
(``serve``) or in a background thread with a free loopback port (``ServerThread``, for tests,
benchmarks and embedding).

The server is uvicorn with its asyncio loop and h11; one process owns the market (there is one
sequencer per journal), so the layout is one server process whose event loop parses requests
while a worker thread writes each commit group.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import uvicorn

from seawall.adapters.storage import open_store
from seawall.api.app import Api
from seawall.api.keys import KeyStore
from seawall.api.ratelimit import LimitConfig
from seawall.api.service import SystemClock, bootstrap
from seawall.core.errors import ConditionFailed
from seawall.journal import JournalStore
from seawall.kernel import Market
from seawall.sim.genesis import open_market

__all__ = [
    "KEYS_FILE",
    "LIMITS_FILE",
    "LOCK_FILE",
    "ServerThread",
    "free_port",
    "limits_from",
    "market_lock",
    "open_served_market",
    "serve",
]

KEYS_FILE = "api_keys.sqlite"
LIMITS_FILE = "api_limits.json"
LOCK_FILE = "market.lock"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def market_lock(data: Path) -> Iterator[IO[str]]:
    """Hold ``data/market.lock``: one process at a time owns a journal (one sequencer)."""
    data.mkdir(parents=True, exist_ok=True)
    handle = (data / LOCK_FILE).open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConditionFailed(
                f"the market in {data} is open in another process (a running `seawall serve`?)"
            ) from exc
        yield handle
    finally:
        handle.close()


def limits_from(data: Path) -> LimitConfig:
    """Request limits from ``data/api_limits.json`` when present (see docs/api.md)."""
    from seawall.api.keys import DEFAULT_TIERS, Tier

    config = LimitConfig()
    path = data / LIMITS_FILE
    if not path.exists():
        return config
    raw: dict[str, Any] = json.loads(path.read_text())
    config.ip_weight_per_minute = int(raw.get("ip_weight_per_minute", config.ip_weight_per_minute))
    tiers = dict(DEFAULT_TIERS)
    for name, spec in raw.get("tiers", {}).items():
        tiers[name] = Tier(
            int(spec["weight_per_minute"]), int(spec["orders_per_10s"]), int(spec["orders_per_day"])
        )
    config.tiers = tiers
    return config


def open_served_market(data: Path, durable: bool = True) -> tuple[JournalStore, Market, KeyStore]:
    """The market in ``data`` (created and listed if new), and its API keys."""
    from seawall.node.keys import load_keys

    keys = load_keys(data)
    store = open_store(data / "journal.sqlite", durable=durable)
    market = open_market(store, keys.signing("sequencer"), SystemClock())
    bootstrap(market)
    return store, market, KeyStore(data / KEYS_FILE)


def serve(api: Api, host: str, port: int, log_level: str = "warning") -> None:
    """Serve ``api`` in the foreground until interrupted."""
    config = uvicorn.Config(
        api.app,
        host=host,
        port=port,
        log_level=log_level,
        lifespan="on",
        ws_max_size=1 << 20,
        # Market data fans one frame out to many sockets: compressing it once per connection
        # (permessage-deflate keeps a context per socket) would cost more than sending it.
        ws_per_message_deflate=False,
    )
    uvicorn.Server(config).run()


class ServerThread:
    """``api`` served by uvicorn in a background thread on ``host:port`` (a free port by
    default); ``with ServerThread(api) as server: ... server.url``."""

    def __init__(self, api: Api, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.api = api
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(
            api.app,
            host=self.host,
            port=self.port,
            log_level="warning",
            lifespan="on",
            ws_max_size=1 << 20,
            ws_per_message_deflate=False,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="seawall-api", daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self.server.serve())

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=20)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
