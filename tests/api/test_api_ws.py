"""WebSocket market streams, user data and the WebSocket API, with raw clients and ccxt.pro."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import threading
import time
from decimal import Decimal
from typing import Any

import ccxt.pro as ccxtpro
from websockets.sync.client import connect

_BACKLOG: dict[int, list[dict[str, Any]]] = {}


def _receive(ws: Any, match: Any, timeout_s: float = 10.0) -> dict[str, Any]:
    """The first message (kept or new) that ``match``es; others are kept for later calls."""
    backlog = _BACKLOG.setdefault(id(ws), [])
    for index, message in enumerate(backlog):
        if match(message):
            return backlog.pop(index)
    deadline = time.monotonic() + timeout_s
    while True:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if match(message):
            return message
        backlog.append(message)


def _limit(
    served: Any, key: Any, symbol: str, side: str, qty: str, price: str, **extra: str
) -> Any:
    params = {
        "symbol": symbol,
        "side": side,
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": qty,
        "price": price,
        **extra,
    }
    response = served.signed("POST", "/api/v3/order", key, params)
    assert response.status_code == 200, response.text
    return response.json()


def test_combined_streams_and_live_subscriptions(served: Any) -> None:
    maker = served.account("broker-a")
    taker = served.account("broker-b")
    with connect(f"{served.ws_url}/stream?streams=ltcusd@trade/ltcusd@aggTrade") as ws:
        _limit(served, maker, "LTCUSD", "SELL", "1", "90")
        _limit(served, taker, "LTCUSD", "BUY", "0.5", "90")
        trade = _receive(ws, lambda m: m.get("stream") == "ltcusd@trade")
        assert trade["data"]["e"] == "trade" and trade["data"]["p"] == "90.00000000"
        assert trade["data"]["q"] == "0.50000000" and trade["data"]["m"] is False
        agg = _receive(ws, lambda m: m.get("stream") == "ltcusd@aggTrade")
        assert agg["data"]["f"] == trade["data"]["t"]
    with connect(f"{served.ws_url}/ws/0") as ws:
        ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["ltcusd@bookTicker"], "id": 1}))
        assert _receive(ws, lambda m: m.get("id") == 1) == {"result": None, "id": 1}
        ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 2}))
        assert _receive(ws, lambda m: m.get("id") == 2)["result"] == ["ltcusd@bookTicker"]
        _limit(served, maker, "LTCUSD", "BUY", "1", "85")
        book = _receive(ws, lambda m: "b" in m and m.get("s") == "LTCUSD")
        assert book["b"] == "85.00000000" and book["a"] == "90.00000000"
        ws.send(json.dumps({"method": "UNSUBSCRIBE", "params": ["ltcusd@bookTicker"], "id": 3}))
        assert _receive(ws, lambda m: m.get("id") == 3)["result"] is None
        ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["nope@trade"], "id": 4}))
        assert _receive(ws, lambda m: m.get("id") == 4)["error"]["code"] == 2


def test_local_book_from_diffs_equals_the_snapshot_under_load(served: Any) -> None:
    """Binance's documented procedure: buffer the diff stream, take a snapshot, drop what it
    covers, apply the rest; the local book then equals every later snapshot."""
    keys = [served.account("broker-a"), served.account("broker-b")]
    rng = random.Random(7)
    symbol = "BCHUSD"

    def load() -> None:
        for n in range(240):
            key = keys[n % 2]
            side = rng.choice(["BUY", "SELL"])
            price = 450 + rng.randint(-20, 20) * Decimal("0.5")
            _limit(served, key, symbol, side, str(rng.randint(1, 20) / 1000), str(price))

    with connect(f"{served.ws_url}/ws/bchusd@depth@100ms") as ws:
        worker = threading.Thread(target=load)
        worker.start()
        first = json.loads(ws.recv(timeout=10))
        snapshot = served.http.get("/api/v3/depth", params={"symbol": symbol, "limit": 5000}).json()
        book: dict[str, dict[Decimal, Decimal]] = {
            side: {Decimal(p): Decimal(q) for p, q in snapshot[side]} for side in ("bids", "asks")
        }
        last_id = snapshot["lastUpdateId"]
        applied_first = False
        pending = [first]

        def apply(event: dict[str, Any]) -> None:
            nonlocal last_id, applied_first
            if event["u"] <= last_id:
                return
            if not applied_first:
                assert event["U"] <= last_id + 1 <= event["u"]
                applied_first = True
            else:
                assert event["U"] == last_id + 1, "a gap in the diff stream"
            for side, key in (("bids", "b"), ("asks", "a")):
                for price, qty in event[key]:
                    if Decimal(qty) == 0:
                        book[side].pop(Decimal(price), None)
                    else:
                        book[side][Decimal(price)] = Decimal(qty)
            last_id = event["u"]

        while worker.is_alive() or pending:
            for event in pending:
                apply(event)
            pending = []
            try:
                pending.append(json.loads(ws.recv(timeout=0.3)))
            except TimeoutError:
                continue
        worker.join()
        final = served.http.get("/api/v3/depth", params={"symbol": symbol, "limit": 5000}).json()
        while last_id < final["lastUpdateId"]:
            apply(json.loads(ws.recv(timeout=5)))
        assert last_id == final["lastUpdateId"]
        for side in ("bids", "asks"):
            expected = {Decimal(p): Decimal(q) for p, q in final[side]}
            assert book[side] == expected


def test_user_data_by_listen_key(served: Any) -> None:
    key = served.account("broker-a")
    response = served.http.post("/api/v3/userDataStream", headers={"X-MBX-APIKEY": key.api_key})
    listen_key = response.json()["listenKey"]
    with connect(f"{served.ws_url}/ws/{listen_key}") as ws:
        order = _limit(served, key, "ETHUSD", "BUY", "0.1", "3100", newClientOrderId="lk-1")
        report = _receive(ws, lambda m: m.get("e") == "executionReport")
        assert report["x"] == "NEW" and report["c"] == "lk-1" and report["i"] == order["orderId"]
        position = _receive(ws, lambda m: m.get("e") == "outboundAccountPosition")
        usd = next(b for b in position["B"] if b["a"] == "USD")
        assert Decimal(usd["l"]) > 0
    kept = served.http.put(
        "/api/v3/userDataStream",
        params={"listenKey": listen_key},
        headers={"X-MBX-APIKEY": key.api_key},
    )
    assert kept.json() == {}


def _ws_signed(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    signed = {**params, "apiKey": key.api_key, "timestamp": int(time.time() * 1000)}
    payload = "&".join(f"{k}={signed[k]}" for k in sorted(signed))
    signed["signature"] = hmac.new(
        key.hmac_secret.encode(), payload.encode(), hashlib.sha256
    ).hexdigest()
    return signed


def test_websocket_api_orders_and_user_data(served: Any) -> None:
    key = served.account("broker-b")
    with connect(f"{served.ws_url}/ws-api/v3") as ws:
        ws.send(
            json.dumps(
                {
                    "id": "s",
                    "method": "userDataStream.subscribe.signature",
                    "params": _ws_signed(key, {}),
                }
            )
        )
        subscribed = _receive(ws, lambda m: m.get("id") == "s")
        assert subscribed["status"] == 200
        subscription = subscribed["result"]["subscriptionId"]
        order = {
            "symbol": "ETHUSD",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.2",
            "price": "3000",
            "newClientOrderId": "wsapi-1",
        }
        ws.send(json.dumps({"id": "p", "method": "order.place", "params": _ws_signed(key, order)}))
        placed = _receive(ws, lambda m: m.get("id") == "p")
        assert placed["status"] == 200 and placed["result"]["status"] == "NEW"
        event = _receive(
            ws, lambda m: "subscriptionId" in m and m["event"]["e"] == "executionReport"
        )
        assert event["subscriptionId"] == subscription and event["event"]["c"] == "wsapi-1"
        query = {"symbol": "ETHUSD", "origClientOrderId": "wsapi-1"}
        ws.send(json.dumps({"id": "q", "method": "order.status", "params": _ws_signed(key, query)}))
        assert _receive(ws, lambda m: m.get("id") == "q")["result"]["status"] == "NEW"
        ws.send(json.dumps({"id": "c", "method": "order.cancel", "params": _ws_signed(key, query)}))
        assert _receive(ws, lambda m: m.get("id") == "c")["result"]["status"] == "CANCELED"
        bad = _ws_signed(key, query)
        bad["signature"] = "0" * 64
        ws.send(json.dumps({"id": "x", "method": "order.status", "params": bad}))
        refused = _receive(ws, lambda m: m.get("id") == "x")
        assert refused["status"] == 400 and refused["error"]["code"] == -1022


def test_ccxt_pro_watches_book_trades_ticker_and_orders(served: Any, ccxt_options: Any) -> None:
    maker_key = served.account("broker-a")
    taker_key = served.account("broker-b")

    async def scenario() -> None:
        maker = ccxtpro.binance(ccxt_options(served, maker_key))
        taker = ccxtpro.binance(ccxt_options(served, taker_key))
        try:
            await maker.load_markets()
            await taker.load_markets()
            await maker.create_order("DOGE/USD", "limit", "sell", 1000, 0.2)
            book = await asyncio.wait_for(maker.watch_order_book("DOGE/USD"), 10)
            assert book["asks"][0][0] == 0.2
            orders_task = asyncio.ensure_future(maker.watch_orders("DOGE/USD"))
            trades_task = asyncio.ensure_future(maker.watch_trades("DOGE/USD"))
            await asyncio.sleep(0.5)
            await taker.create_order("DOGE/USD", "limit", "buy", 400, 0.2)
            trades = await asyncio.wait_for(trades_task, 10)
            assert trades[-1]["price"] == 0.2 and trades[-1]["amount"] == 400
            orders = await asyncio.wait_for(orders_task, 10)
            assert orders[-1]["symbol"] == "DOGE/USD"
            ticker = await asyncio.wait_for(maker.watch_ticker("DOGE/USD"), 10)
            assert ticker["last"] == 0.2
        finally:
            await maker.close()
            await taker.close()

    asyncio.run(scenario())
