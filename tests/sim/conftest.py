"""Simulator test fixtures: ``short`` runs a short seeded market (optionally with manipulators
built by the test, through ``SimConfig.add_agents``) on a memory journal and returns the
simulation (its store, market and projector) with the run's result as ``.result``.

Tests run under ``--import-mode=importlib``: modules cannot import this file, they get what they
need through the fixtures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.signing import SigningKey
from seawall.sim.runner import SimConfig, Simulation

S = 10**9


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
