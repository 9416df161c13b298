"""Binance's own Python clients trading on a served Seawall market, with only the URL changed:
python-binance (``binance.client.Client``; ``AsyncClient`` with ``BinanceSocketManager`` for the
streams) and Binance's connector (``binance.spot.Spot``).

Each client walks the same path: ping, server time, exchange info, depth, recent trades, klines,
24-hour ticker, balances, a LIMIT order, querying it, open orders, a crossing order from another
broker's client, the maker's trades, the cancel; then the errors a Binance client maps by code
(-1121 unknown symbol, -2010 insufficient balance, -2011 unknown order, -1022 bad signature),
none of which changes the market. Each client trades its own market so they cannot meet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from binance.async_client import AsyncClient
from binance.client import Client
from binance.error import ClientError
from binance.exceptions import BinanceAPIException
from binance.spot import Spot
from binance.ws.streams import BinanceSocketManager

from seawall.api.keys import ApiKey


def python_binance(served: Any, key: ApiKey, secret: str | None = None) -> Client:
    """``Client`` pointed at Seawall (``ping=False``: the constructor would ping Binance)."""
    client = Client(key.api_key, secret or key.hmac_secret, ping=False)
    client.API_URL = served.url + "/api"
    return client


def connector(served: Any, key: ApiKey, secret: str | None = None) -> Spot:
    return Spot(api_key=key.api_key, api_secret=secret or key.hmac_secret, base_url=served.url)


def test_python_binance_trades_through_every_institution(served: Any) -> None:
    seller = python_binance(served, served.account("broker-a"))
    buyer = python_binance(served, served.account("broker-b"))
    assert seller.ping() == {}
    started_ms = seller.get_server_time()["serverTime"]
    info = seller.get_symbol_info("BTCUSD")
    assert info is not None and info["status"] == "TRADING"
    assert {"LIMIT", "MARKET"} <= set(info["orderTypes"])
    assert "BTCUSD" in {s["symbol"] for s in seller.get_exchange_info()["symbols"]}
    ask = seller.order_limit_sell(symbol="BTCUSD", quantity="0.02", price="92000")
    assert ask["status"] == "NEW" and ask["clientOrderId"].startswith(Client.SPOT_ORDER_PREFIX)
    assert seller.get_order(symbol="BTCUSD", orderId=ask["orderId"])["origQty"] == "0.02000000"
    assert [o["orderId"] for o in seller.get_open_orders(symbol="BTCUSD")] == [ask["orderId"]]
    assert seller.get_order_book(symbol="BTCUSD")["asks"] == [["92000.00000000", "0.02000000"]]
    bid = buyer.order_limit_buy(symbol="BTCUSD", quantity="0.005", price="92000")
    assert bid["status"] == "FILLED" and bid["fills"][0]["price"] == "92000.00000000"
    trades = seller.get_recent_trades(symbol="BTCUSD")
    assert trades[-1]["price"] == "92000.00000000" and trades[-1]["time"] >= started_ms
    klines = seller.get_klines(symbol="BTCUSD", interval=Client.KLINE_INTERVAL_1MINUTE)
    assert klines[-1][4] == "92000.00000000"
    ticker = seller.get_ticker(symbol="BTCUSD")
    assert ticker["lastPrice"] == "92000.00000000" and ticker["volume"] == "0.00500000"
    mine = seller.get_my_trades(symbol="BTCUSD")
    assert [(t["orderId"], t["isMaker"], t["isBuyer"]) for t in mine] == [
        (ask["orderId"], True, False)
    ]
    assert buyer.get_asset_balance(asset="BTC") == {
        "asset": "BTC",
        "free": "100.00500000",
        "locked": "0.00000000",
    }
    assert seller.get_asset_balance(asset="BTC")["locked"] == "0.01500000"
    cancelled = seller.cancel_order(symbol="BTCUSD", orderId=ask["orderId"])
    assert cancelled["status"] == "CANCELED" and cancelled["executedQty"] == "0.00500000"
    assert seller.get_open_orders(symbol="BTCUSD") == []
    assert seller.get_asset_balance(asset="BTC") == {
        "asset": "BTC",
        "free": "99.99500000",
        "locked": "0.00000000",
    }


def _binance_code(call: Callable[[], object], exception: type[Exception], field: str) -> object:
    with pytest.raises(exception) as raised:
        call()
    return getattr(raised.value, field)


def test_python_binance_raises_binance_codes(served: Any) -> None:
    key = served.account(funds={"USD": 1_000_00})
    client = python_binance(served, key)
    before = served.state_hash()

    def code(call: Callable[[], object]) -> object:
        return _binance_code(call, BinanceAPIException, "code")

    assert code(lambda: client.get_order_book(symbol="NOPEUSD")) == -1121
    assert code(lambda: client.order_limit_buy(symbol="BTCUSD", quantity="1", price="90000")) == (
        -2010
    )
    assert code(lambda: client.cancel_order(symbol="BTCUSD", orderId=999_999)) == -2011
    assert code(python_binance(served, key, secret="not-the-secret").get_account) == -1022
    assert served.state_hash() == before


def test_connector_trades_through_every_institution(served: Any) -> None:
    seller = connector(served, served.account("broker-a"))
    buyer = connector(served, served.account("broker-b"))
    assert seller.ping() == {}
    started_ms = seller.time()["serverTime"]
    info = seller.exchange_info(symbol="BCHUSD")
    assert [s["symbol"] for s in info["symbols"]] == ["BCHUSD"]
    assert len(seller.exchange_info(symbols=["BCHUSD", "LTCUSD"])["symbols"]) == 2
    ask = seller.new_order(
        symbol="BCHUSD", side="SELL", type="LIMIT", timeInForce="GTC", quantity="2", price="450"
    )
    assert ask["status"] == "NEW" and ask["origQty"] == "2.00000000"
    assert seller.get_order("BCHUSD", orderId=ask["orderId"])["price"] == "450.00000000"
    assert [o["orderId"] for o in seller.get_open_orders("BCHUSD")] == [ask["orderId"]]
    assert seller.depth("BCHUSD", limit=5)["asks"] == [["450.00000000", "2.00000000"]]
    bid = buyer.new_order(
        symbol="BCHUSD", side="BUY", type="LIMIT", timeInForce="IOC", quantity="0.5", price="450"
    )
    assert bid["status"] == "FILLED" and bid["executedQty"] == "0.50000000"
    trades = seller.trades("BCHUSD")
    assert trades[-1]["qty"] == "0.50000000" and trades[-1]["time"] >= started_ms
    assert seller.klines("BCHUSD", "1m")[-1][5] == "0.50000000"
    assert seller.ticker_24hr("BCHUSD")["lastPrice"] == "450.00000000"
    mine = seller.my_trades("BCHUSD")
    assert [(t["orderId"], t["isMaker"], t["qty"]) for t in mine] == [
        (ask["orderId"], True, "0.50000000")
    ]
    balances = {b["asset"]: b for b in buyer.account()["balances"]}
    assert balances["BCH"]["free"] == "10000.50000000"
    cancelled = seller.cancel_order("BCHUSD", orderId=ask["orderId"])
    assert cancelled["status"] == "CANCELED"
    assert seller.get_open_orders("BCHUSD") == []


def test_connector_raises_binance_codes(served: Any) -> None:
    key = served.account(funds={"USD": 1_000_00})
    client = connector(served, key)
    before = served.state_hash()

    def code(call: Callable[[], object]) -> object:
        return _binance_code(call, ClientError, "error_code")

    assert code(lambda: client.depth("NOPEUSD")) == -1121
    order = {"symbol": "BCHUSD", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    assert code(lambda: client.new_order(**order, quantity="100", price="450")) == -2010
    assert code(lambda: client.cancel_order("BCHUSD", orderId=999_999)) == -2011
    assert code(connector(served, key, secret="not-the-secret").account) == -1022
    assert served.state_hash() == before


def test_python_binance_async_client_and_streams(served: Any) -> None:
    """``AsyncClient`` with ``BinanceSocketManager``: the partial-depth and trade streams on
    ``/ws``, and the user-data stream that python-binance subscribes through the WebSocket API
    (``userDataStream.subscribe.signature``).

    python-binance closes a socket by waiting for its read loop to notice, which waits up to the
    socket's ``TIMEOUT`` (10 s) for a message; on a quiet test market that is all of it, so the
    sockets here use a short one."""
    maker_key = served.account("broker-a")
    taker_key = served.account("broker-b")

    def client(key: ApiKey) -> AsyncClient:
        made = AsyncClient(key.api_key, key.hmac_secret)
        made.API_URL = served.url + "/api"
        made.ws_api._url = served.ws_url + "/ws-api/v3"
        made.ws_api.TIMEOUT = 0.2
        return made

    async def scenario() -> None:
        maker, taker = client(maker_key), client(taker_key)
        streams = BinanceSocketManager(maker)
        streams.STREAM_URL = served.ws_url + "/"
        try:
            depth = streams.depth_socket("LTCUSD", depth=BinanceSocketManager.WEBSOCKET_DEPTH_5)
            trades = streams.trade_socket("LTCUSD")
            depth.TIMEOUT = trades.TIMEOUT = 0.2
            async with depth, trades, streams.user_socket() as user:
                order = await maker.order_limit_sell(symbol="LTCUSD", quantity="1", price="80")
                report = await asyncio.wait_for(user.recv(), 10)
                assert (report["e"], report["i"], report["X"]) == (
                    "executionReport",
                    order["orderId"],
                    "NEW",
                )
                for _ in range(3):  # a book pushed before the order may still be queued
                    book = await asyncio.wait_for(depth.recv(), 10)
                    if book["asks"]:
                        break
                assert book["asks"][0] == ["80.00000000", "1.00000000"]
                await taker.order_limit_buy(symbol="LTCUSD", quantity="0.25", price="80")
                trade = await asyncio.wait_for(trades.recv(), 10)
                assert (trade["e"], trade["p"], trade["q"]) == (
                    "trade",
                    "80.00000000",
                    "0.25000000",
                )
                await maker.cancel_order(symbol="LTCUSD", orderId=order["orderId"])
        finally:
            await maker.close_connection()
            await taker.close_connection()

    asyncio.run(scenario())
