"""Checkpoints published while the market runs: each one verifies, and each is consistent with
the one a verifier saw before."""

from __future__ import annotations

import time
from pathlib import Path

from seawall.adapters.storage import open_store
from seawall.core.clock import StepClock
from seawall.node.keys import load_keys
from seawall.node.publishing import PeriodicPublisher
from seawall.sim.genesis import open_market
from seawall.sim.setup import configure_assets, deposit, onboard, register_brokers
from seawall.verifier import verify_log
from seawall.verifier.check import fetcher_for


def _wait_for(publisher: PeriodicPublisher, size: int) -> None:
    deadline = time.monotonic() + 30
    while publisher.published_size < size:
        assert time.monotonic() < deadline, f"published {publisher.published_size}, want {size}"
        assert publisher.last_error is None, publisher.last_error
        time.sleep(0.05)


def test_the_live_market_publishes_consistent_checkpoints(tmp_path: Path) -> None:
    data = tmp_path / "market"
    keys = load_keys(data, deterministic_label="periodic")
    state = tmp_path / "seen.json"
    with open_store(data / "journal.sqlite") as store:
        market = open_market(store, keys.signing("sequencer"), StepClock())
        with PeriodicPublisher(data, interval_s=0.1) as publisher:
            _wait_for(publisher, market.last_seq)
            vkeys = (data / "log.vkeys").read_text().split()
            first = verify_log(fetcher_for(str(data / "log")), vkeys[0], vkeys[1:], state)
            configure_assets(market)
            register_brokers(market)
            alice = onboard(market, "broker-a", "alice")
            deposit(market, "d-1", "broker-a", alice, "USD", 100_00, "bank-alice")
            market.commit()
            _wait_for(publisher, market.last_seq)
            second = verify_log(fetcher_for(str(data / "log")), vkeys[0], vkeys[1:], state)
    assert first.size < second.size == market.last_seq
    assert second.previous_size == first.size
