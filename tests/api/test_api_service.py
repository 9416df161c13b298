"""The service under the API: group commit, read models rebuilt from the journal, onboarding."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.api import KeyStore, MarketService, bootstrap, create_account
from seawall.api.readmodels import ReadModels
from seawall.api.service import SystemClock, parse_funds, rebuild_read_models
from seawall.broker.commands import PlaceOrder
from seawall.broker.state import Side
from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey
from seawall.identity.state import InvestorClass
from seawall.sim.genesis import open_market


def test_parse_funds() -> None:
    assert parse_funds("BTC=1,USD=100000") == {"BTC": 100_000_000, "USD": 10_000_000}
    assert parse_funds("") == {}
    for bad in ("XYZ=1", "BTC=abc", "BTC=0.000000001", "USD=-5"):
        with pytest.raises(ConditionFailed):
            parse_funds(bad)


def test_group_commit_and_rebuilt_read_models_match_live() -> None:
    store = MemoryJournalStore()
    market = open_market(store, SigningKey.from_label("svc"), SystemClock())
    bootstrap(market)
    keys = KeyStore()
    seller, seller_account = create_account(
        market, keys, "broker-a", InvestorClass.PROFESSIONAL, {"BTC": 10**9}
    )
    buyer, buyer_account = create_account(
        market, keys, "broker-b", InvestorClass.PROFESSIONAL, {"USD": 10**10}
    )
    service = MarketService(market, keys)

    def order(key: Any, account: str, side: Side, n: int) -> PlaceOrder:
        return PlaceOrder(
            broker_id=key.broker_id,
            account_id=account,
            client_order_id=f"o-{side.name}-{n}",
            symbol="BTCUSD",
            side=side,
            price_ticks=9_000_000 + n % 7,
            quantity_lots=100,
        )

    async def scenario() -> list[Any]:
        await service.start()
        try:
            commands = [order(seller, seller_account, Side.SELL, n) for n in range(40)]
            commands += [order(buyer, buyer_account, Side.BUY, n) for n in range(40)]
            return await asyncio.gather(*(service.submit(c, c.broker_id) for c in commands))
        finally:
            await service.stop()

    results = asyncio.run(scenario())
    assert all(r.outcome.rejection is None for r in results)
    assert service.jobs == 80 and service.batches < service.jobs
    live = service.models
    rebuilt = ReadModels()
    rebuild_read_models(store, rebuilt)
    for symbol, data in live.markets.items():
        again = rebuilt.markets[symbol]
        assert (data.bids, data.asks, data.update_id) == (again.bids, again.asks, again.update_id)
        assert [t.trade_id for t in data.trades] == [t.trade_id for t in again.trades]
    assert live.markets["BTCUSD"].trades, "the crossing orders traded"
    venue = market.state("venue").markets["BTCUSD"]
    assert live.markets["BTCUSD"].update_id == venue.update_seq
    assert {o: v.status for o, v in live.orders.items()} == {
        o: v.status for o, v in rebuilt.orders.items()
    }
