"""Shared fixtures for proof of reserves: the shared vectors, a small tree, the demo market and a
data directory with a journal, so each test module starts from the same ground."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
