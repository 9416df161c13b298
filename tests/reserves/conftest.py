"""Shared fixtures for proof of reserves: the shared vectors, a small tree, the demo market and a
data directory with a journal, so each test module starts from the same ground."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest

from seawall.adapters.storage import MemoryJournalStore, open_store
from seawall.core.clock import StepClock
from seawall.core.signing import SigningKey
from seawall.kernel import Market
from seawall.node.keys import load_keys
from seawall.reserves import AssetSpec, LiabilityTree, PrivacyPolicy, build_tree
from seawall.sim.genesis import open_market
from seawall.sim.market_scenario import build_market

#: ``../shared/vectors`` beside the repository (never copied into it).
VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"
ASSETS = (AssetSpec("BTC", 8), AssetSpec("ETH", 18), AssetSpec("USD", 2))


def require_vectors(path: Path) -> Path:
    """``path`` if it exists; else fail under ``CI=true`` and skip elsewhere, saying why."""
    if path.exists():
        return path
    message = f"shared proof-of-reserves vectors not found at {path}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: the vectors are required)")
    pytest.skip(f"{message}; set up ../shared/vectors next to the repository to run these")


@pytest.fixture
def require() -> Callable[[Path], Path]:
    return require_vectors


@pytest.fixture
def okx_dir() -> Path:
    return require_vectors(VECTORS / "por" / "okx-v1")


@pytest.fixture
def assets() -> tuple[AssetSpec, ...]:
    return ASSETS


def small_tree(
    snapshot_id: str = "snap-1",
    count: int = 40,
    parts: int = 2,
    seed: bytes = b"s" * 32,
    leaves_min: int = 64,
) -> tuple[LiabilityTree, list[str], Any]:
    rng = np.random.default_rng(7)
    balances = rng.integers(0, 10**12, size=(count, len(ASSETS)), dtype=np.int64)
    ids = [f"client:broker-{i % 3}:acct-{i:04d}" for i in range(count)]
    policy = PrivacyPolicy(split_parts=parts, leaves_min=leaves_min)
    return build_tree(snapshot_id, ASSETS, ids, balances, seed, policy), ids, balances


@pytest.fixture
def tree_maker() -> Callable[..., tuple[LiabilityTree, list[str], Any]]:
    return small_tree


@pytest.fixture
def demo_market() -> tuple[Market, dict[str, str]]:
    """The demo market (brokers, four clients, trades, withdrawals) in memory."""
    market = open_market(MemoryJournalStore(), SigningKey.from_label("por-tests"), StepClock())
    accounts, _ = build_market(market)
    market.commit()
    return market, accounts


@pytest.fixture
def custody_key() -> SigningKey:
    return SigningKey.from_label("por-tests/custody")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory (``journal.sqlite`` and ``keys.json``) holding the demo market."""
    data = tmp_path / "data"
    keys = load_keys(data, deterministic_label="por-tests")
    with open_store(data / "journal.sqlite") as store:
        market = open_market(store, keys.signing("sequencer"), StepClock())
        build_market(market)
        market.commit()
    return data


class ManualClock:
    """The market's clock in day-end tests: it stays where the test puts it."""

    def __init__(self, now_ns: int) -> None:
        self.now = now_ns

    def now_ns(self) -> int:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = int(when.timestamp()) * 1_000_000_000


class DayMarket(NamedTuple):
    """A served-like market on a data directory: the market (the journal's only writer), its
    clock, and the demo clients' account ids by name."""

    data: Path
    market: Market
    clock: ManualClock
    accounts: dict[str, str]

    def anchor(self, command: Any) -> Any:
        """Anchor as the served market's writer would: submit as custody, then commit."""
        outcome = self.market.submit(command, "custody")
        self.market.commit()
        return outcome


@pytest.fixture
def day_market(tmp_path: Path) -> Iterator[DayMarket]:
    """The demo market journaled on 2 March 2026 at 10:00 in Hong Kong (02:00 UTC), kept open."""
    data = tmp_path / "data"
    keys = load_keys(data, deterministic_label="por-day-end")
    clock = ManualClock(0)
    clock.set(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    store = open_store(data / "journal.sqlite")
    try:
        market = open_market(store, keys.signing("sequencer"), clock)
        accounts, _ = build_market(market)
        market.commit()
        yield DayMarket(data, market, clock, accounts)
    finally:
        store.close()
