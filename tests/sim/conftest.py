"""Simulator test fixtures: ``short`` runs a short seeded market (optionally with manipulators
built by the test, through ``SimConfig.add_agents``) on a memory journal and returns the
simulation (its store, market and projector) with the run's result as ``.result``.
``http_market`` starts a fresh market served over loopback (memory journal, request limits
raised, the admin route on with ``ADMIN_TOKEN``), as ``seawall serve`` serves one; the servers
stop when the test ends.

Tests run under ``--import-mode=importlib``: modules cannot import this file, they get what they
need through the fixtures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.api import KeyStore, LimitConfig, bootstrap, create_app
from seawall.api.app import Api
from seawall.api.server import ServerThread
from seawall.api.service import SystemClock
from seawall.core.signing import SigningKey
from seawall.kernel import Market
from seawall.sim.genesis import open_market
from seawall.sim.runner import SimConfig, Simulation

S = 10**9
ADMIN_TOKEN = "sim-http-admin-token"


class Served:
    """A served market: its API (store, writer), its URL, its admin token."""

    def __init__(self, api: Api, server: ServerThread) -> None:
        self.api = api
        self.server = server
        self.url = server.url
        self.admin_token = ADMIN_TOKEN
        self.store = api.service.market.store

    def run(self, fn: Callable[[Market], Any]) -> Any:
        """Run ``fn(market)`` in the server's writer (the market's only owner) and wait."""
        assert self.server.loop is not None
        future = asyncio.run_coroutine_threadsafe(self.api.service.exclusive(fn), self.server.loop)
        return future.result(timeout=60)


@pytest.fixture
def short() -> Callable[..., Simulation]:
    def simulate(
        seed: int = 5,
        duration_s: int = 240,
        add_agents: Callable[..., list[Any]] | None = None,
        **config: Any,
    ) -> Simulation:
        settings: dict[str, Any] = {"noise_traders": 8, **config}
        simulation = Simulation(
            SimConfig(seed=seed, duration_s=duration_s, add_agents=add_agents, **settings),
            MemoryJournalStore(),
            SigningKey.from_label(f"sim-test-{seed}"),
            b"sim-test-projection-key-32-bytes",
        )
        simulation.result = simulation.run()  # type: ignore[attr-defined]
        return simulation

    return simulate


@pytest.fixture
def http_market() -> Iterator[Callable[[], Served]]:
    servers: list[ServerThread] = []

    def start() -> Served:
        market = open_market(MemoryJournalStore(), SigningKey.from_label("sim-http"), SystemClock())
        bootstrap(market)
        limits = LimitConfig(ip_weight_per_minute=10**9)
        api = create_app(market, KeyStore(), limits, admin_token=ADMIN_TOKEN)
        server = ServerThread(api).start()
        servers.append(server)
        return Served(api, server)

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
