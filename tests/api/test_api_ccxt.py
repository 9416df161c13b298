"""Real CCXT clients (``ccxt.binance``, sync and async) trading on a served Seawall market."""

from __future__ import annotations

import asyncio
from typing import Any

import ccxt
import ccxt.async_support as ccxt_async
import pytest


def test_ccxt_sync_trades_through_every_institution(served: Any, ccxt_options: Any) -> None:
    seller_key = served.account("broker-a")
    buyer_key = served.account("broker-b")
    seller = ccxt.binance(ccxt_options(served, seller_key))
    buyer = ccxt.binance(ccxt_options(served, buyer_key))
    markets = seller.load_markets()
    assert {"BTC/USD", "ETH/HKD", "DOGE/USD", "BSV/HKD"} <= set(markets)
    assert markets["BTC/USD"]["precision"]["price"] == 0.01
    ask = seller.create_order("BTC/USD", "limit", "sell", 0.02, 92_000)
    assert ask["status"] == "open" and ask["amount"] == 0.02
    bid = buyer.create_order("BTC/USD", "limit", "buy", 0.005, 92_000)
    assert bid["status"] == "closed" and bid["filled"] == 0.005
    assert bid["trades"][0]["price"] == 92_000
    fetched = seller.fetch_order(ask["id"], "BTC/USD")
    assert fetched["filled"] == 0.005 and fetched["remaining"] == 0.015
    book = seller.fetch_order_book("BTC/USD")
    assert [92_000, 0.015] in book["asks"]
    trades = seller.fetch_trades("BTC/USD")
    assert trades[-1]["price"] == 92_000
    ohlcv = seller.fetch_ohlcv("BTC/USD", "1m")
    assert ohlcv and ohlcv[-1][4] == 92_000
    ticker = seller.fetch_ticker("BTC/USD")
    assert ticker["last"] == 92_000 and ticker["baseVolume"] > 0
    balance = buyer.fetch_balance()
    assert balance["BTC"]["total"] == pytest.approx(100.005)
    mine = seller.fetch_my_trades("BTC/USD")
    assert mine[-1]["takerOrMaker"] == "maker" and mine[-1]["side"] == "sell"
    cancelled = seller.cancel_order(ask["id"], "BTC/USD")
    assert cancelled["status"] == "canceled"
    assert seller.fetch_open_orders("BTC/USD") == []


def test_ccxt_raises_the_right_exceptions(served: Any, ccxt_options: Any) -> None:
    key = served.account(funds={"USD": 1_000_00})
    client = ccxt.binance(ccxt_options(served, key))
    client.load_markets()
    before = served.state_hash()
    with pytest.raises(ccxt.BadSymbol):
        client.fetch_ticker("NOPE/USD")
    with pytest.raises(ccxt.BadSymbol):
        client.public_get_depth({"symbol": "NOPEUSD"})
    with pytest.raises(ccxt.InvalidOrder):
        client.private_post_order(
            {
                "symbol": "BTCUSD",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.0000001",
                "price": "90000",
            }
        )
    with pytest.raises(ccxt.InvalidOrder):
        client.private_post_order(
            {
                "symbol": "BTCUSD",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.001",
                "price": "90000.001",
            }
        )
    with pytest.raises(ccxt.InsufficientFunds):
        client.create_order("BTC/USD", "limit", "buy", 1, 90_000)
    with pytest.raises(ccxt.OrderNotFound):
        client.fetch_order("999999", "BTC/USD")
    with pytest.raises(ccxt.OrderNotFound):
        client.cancel_order("999999", "BTC/USD")
    wrong = ccxt.binance(ccxt_options(served, key))
    wrong.secret = "not-the-secret"
    with pytest.raises(ccxt.AuthenticationError):
        wrong.fetch_balance()
    unknown = ccxt.binance(ccxt_options(served, key))
    unknown.apiKey = "B" * 64
    with pytest.raises(ccxt.AuthenticationError):
        unknown.fetch_balance()
    assert served.state_hash() == before


def test_ccxt_async_client(served: Any, ccxt_options: Any) -> None:
    key = served.account("broker-b")

    async def scenario() -> None:
        client = ccxt_async.binance(ccxt_options(served, key))
        try:
            await client.load_markets()
            order = await client.create_order("ETH/USD", "limit", "buy", 0.5, 3_000)
            assert order["status"] == "open"
            fetched = await client.fetch_order(order["id"], "ETH/USD")
            assert fetched["price"] == 3_000
            cancelled = await client.cancel_order(order["id"], "ETH/USD")
            assert cancelled["status"] == "canceled"
            balance = await client.fetch_balance()
            assert balance["USD"]["free"] == balance["USD"]["total"]
        finally:
            await client.close()

    asyncio.run(scenario())
