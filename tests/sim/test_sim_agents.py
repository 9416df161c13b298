"""The background market: agents act only through client commands at their brokers, see the
public market data as it is, and make a market people would recognise (makers on both sides,
trades in both markets, round sizes from people)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from seawall.public import PublicState
from seawall.sim.agents import NoiseTrader
from seawall.sim.runner import DEFAULT_SPECS
from seawall.surveillance.metrics import daily_metrics


def test_agents_act_only_as_clients_of_their_brokers(short: Any) -> None:
    simulation = short(seed=12)
    result = simulation.result
    public = [
        simulation.projector.project(s.body) for s in simulation.store.read(1, result.last_seq)
    ]
    trading_started = next(e.seq for e in public if e.timestamp_ns >= simulation.start_ns)
    by_submitter = Counter(
        (e.submitter, e.command["k"]) for e in public if e.seq >= trading_started
    )
    outside = {key for key in by_submitter if key[0] != "kernel"}
    assert outside <= {
        ("broker-a", "broker.place_order"),
        ("broker-b", "broker.place_order"),
        ("broker-a", "broker.request_cancel"),
        ("broker-b", "broker.request_cancel"),
    }
    assert by_submitter[("broker-a", "broker.place_order")] > 100


def test_market_data_is_the_public_book(short: Any) -> None:
    simulation = short(seed=13)
    result = simulation.result
    state = PublicState()
    for stored in simulation.store.read(1, result.last_seq):
        entry = simulation.projector.project(stored.body)
        state.apply(entry.seq, entry.events)
    for symbol, view in simulation.data.views.items():
        bids, asks = state.book(symbol)
        assert view.best_bid == (bids[0][0] if bids else 0)
        assert view.best_ask == (asks[0][0] if asks else 0)
        assert view.best_bid < view.best_ask
        assert state.trades[symbol][0] > 20, symbol


def test_people_trade_round_sizes(short: Any) -> None:
    simulation = short(seed=14)
    public = [
        simulation.projector.project(s.body)
        for s in simulation.store.read(1, simulation.result.last_seq)
    ]
    days = daily_metrics(public)
    markets = [market for day in days for market in day.markets]
    assert markets and all(market.clustering_milli > 3_000 for market in markets)


def test_sizes_are_seeded_and_often_round() -> None:
    spec = DEFAULT_SPECS["BTCUSD"]
    sizes = [NoiseTrader("n", 1, "broker-a").size_lots(spec, round_share=1.0) for _ in range(3)]
    again = [NoiseTrader("n", 1, "broker-a").size_lots(spec, round_share=1.0) for _ in range(3)]
    assert sizes == again
    trader = NoiseTrader("n", 2, "broker-a")
    drawn = [trader.size_lots(spec, round_share=1.0) for _ in range(200)]
    assert all(str(size).rstrip("0") in {"1", "2", "25", "5"} for size in drawn)
