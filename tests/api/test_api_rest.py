"""The REST API against Binance's documented shapes, signatures, limits and errors."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from seawall.api import LimitConfig, Tier
from seawall.api.errors import REJECTIONS, from_rejection


def test_public_endpoints_have_binance_shapes(served: Any) -> None:
    http = served.http
    assert http.get("/api/v3/ping").json() == {}
    now = http.get("/api/v3/time").json()["serverTime"]
    assert abs(now - time.time() * 1000) < 5_000
    info = http.get("/api/v3/exchangeInfo").json()
    symbols = {s["symbol"]: s for s in info["symbols"]}
    for base in ("BTC", "ETH", "BCH", "LTC", "DOGE", "BSV"):
        for quote in ("USD", "HKD"):
            assert f"{base}{quote}" in symbols
    btc = symbols["BTCUSD"]
    assert btc["status"] == "TRADING"
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert filters["LOT_SIZE"]["stepSize"] == "0.00001000"
    assert "NOTIONAL" in filters
    assert info["rateLimits"][0]["rateLimitType"] == "REQUEST_WEIGHT"
    one = http.get("/api/v3/exchangeInfo", params={"symbol": "ETHHKD"}).json()
    assert [s["symbol"] for s in one["symbols"]] == ["ETHHKD"]
    depth = http.get("/api/v3/depth", params={"symbol": "BTCUSD"})
    assert set(depth.json()) == {"lastUpdateId", "bids", "asks"}
    assert int(depth.headers["X-MBX-USED-WEIGHT-1M"]) > 0
    assert http.get("/api/v3/trades", params={"symbol": "BTCUSD"}).status_code == 200
    assert (
        http.get("/api/v3/ticker/price", params={"symbol": "BTCUSD"}).json()["symbol"] == "BTCUSD"
    )
    assert len(http.get("/api/v3/ticker/24hr").json()) == 12
    book = http.get("/api/v3/ticker/bookTicker", params={"symbols": '["BTCUSD","ETHUSD"]'}).json()
    assert [b["symbol"] for b in book] == ["BTCUSD", "ETHUSD"]
    assert http.get("/api/v3/avgPrice", params={"symbol": "BTCUSD"}).json()["mins"] == 5
    spec = http.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/v3/order" in spec["paths"]


def test_errors_are_binance_json_bodies(served: Any) -> None:
    http = served.http
    missing = http.get("/api/v3/nope")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "msg"}
    bad = http.get("/api/v3/depth", params={"symbol": "NOPEUSD"})
    assert bad.status_code == 400
    assert bad.json() == {"code": -1121, "msg": "Invalid symbol."}
    lower = http.get("/api/v3/depth", params={"symbol": "btcusd"}).json()
    assert lower["code"] == -1100
    no_symbol = http.get("/api/v3/depth").json()
    assert no_symbol["code"] == -1102
    interval = http.get("/api/v3/klines", params={"symbol": "BTCUSD", "interval": "7m"}).json()
    assert interval == {"code": -1120, "msg": "Invalid interval."}


def test_signed_order_life_and_fills(served: Any) -> None:
    maker = served.account("broker-a")
    taker = served.account("broker-b")
    placed = served.signed(
        "POST",
        "/api/v3/order",
        maker,
        {
            "symbol": "BTCUSD",
            "side": "SELL",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.01",
            "price": "91000",
            "newClientOrderId": "maker-1",
        },
    )
    assert placed.status_code == 200, placed.text
    body = placed.json()
    assert body["status"] == "NEW" and body["clientOrderId"] == "maker-1"
    assert body["origQty"] == "0.01000000" and body["price"] == "91000.00000000"
    assert body["fills"] == []
    ack = served.signed(
        "POST",
        "/api/v3/order",
        taker,
        {
            "symbol": "BTCUSD",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "IOC",
            "quantity": "0.004",
            "price": "91000",
            "newOrderRespType": "FULL",
        },
    ).json()
    assert ack["status"] == "FILLED" and ack["executedQty"] == "0.00400000"
    assert ack["cummulativeQuoteQty"] == "364.00000000"
    assert ack["fills"][0]["price"] == "91000.00000000"
    queried = served.signed(
        "GET", "/api/v3/order", maker, {"symbol": "BTCUSD", "origClientOrderId": "maker-1"}
    ).json()
    assert queried["status"] == "PARTIALLY_FILLED" and queried["executedQty"] == "0.00400000"
    assert queried["orderId"] == body["orderId"]
    open_orders = served.signed("GET", "/api/v3/openOrders", maker, {"symbol": "BTCUSD"}).json()
    assert [o["orderId"] for o in open_orders] == [body["orderId"]]
    trades = served.signed("GET", "/api/v3/myTrades", maker, {"symbol": "BTCUSD"}).json()
    assert trades[0]["isMaker"] is True and trades[0]["qty"] == "0.00400000"
    public = served.http.get("/api/v3/trades", params={"symbol": "BTCUSD"}).json()
    ids = [t["id"] for t in public]
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    cancelled = served.signed(
        "DELETE", "/api/v3/order", maker, {"symbol": "BTCUSD", "orderId": body["orderId"]}
    ).json()
    assert cancelled["status"] == "CANCELED" and cancelled["origClientOrderId"] == "maker-1"
    again = served.signed(
        "DELETE", "/api/v3/order", maker, {"symbol": "BTCUSD", "orderId": body["orderId"]}
    )
    assert again.json() == {"code": -2011, "msg": "Unknown order sent."}
    all_orders = served.signed("GET", "/api/v3/allOrders", maker, {"symbol": "BTCUSD"}).json()
    assert [o["status"] for o in all_orders] == ["CANCELED"]
    account = served.signed("GET", "/api/v3/account", maker).json()
    balances = {b["asset"]: b for b in account["balances"]}
    assert balances["BTC"]["locked"] == "0.00000000"
    assert account["makerCommission"] == 10 and account["accountType"] == "SPOT"


def test_new_client_order_id_is_idempotent(served: Any) -> None:
    key = served.account()
    params = {
        "symbol": "BTCUSD",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": "0.001",
        "price": "80000",
        "newClientOrderId": "same-id",
    }
    first = served.signed("POST", "/api/v3/order", key, params)
    assert first.status_code == 200
    before = served.state_hash()
    second = served.signed("POST", "/api/v3/order", key, params)
    assert second.json() == {"code": -2010, "msg": "Duplicate order sent."}
    assert served.state_hash() == before
    orders = served.signed("GET", "/api/v3/allOrders", key, {"symbol": "BTCUSD"}).json()
    assert len(orders) == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"quantity": "0.000001"}, {"code": -1013, "msg": "Filter failure: LOT_SIZE"}),
        ({"price": "80000.001"}, {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}),
        ({"price": "0"}, {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}),
        ({"symbol": "XYZUSD"}, {"code": -1121, "msg": "Invalid symbol."}),
        (
            {"quantity": "1000"},
            {"code": -2010, "msg": "Account has insufficient balance for requested action."},
        ),
        ({"side": "HOLD"}, {"code": -1117, "msg": "Invalid side."}),
        ({"type": "STOP_LOSS"}, {"code": -1014, "msg": "Unsupported order combination."}),
        ({"price": "1e5"}, None),
    ],
)
def test_bad_orders_are_refused_and_change_nothing(
    served: Any, params: dict[str, str], expected: dict[str, object] | None
) -> None:
    key = served.account(funds={"USD": 100_000_00})
    order = {
        "symbol": "BTCUSD",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": "0.001",
        "price": "80000",
        **params,
    }
    before = served.state_hash()
    response = served.signed("POST", "/api/v3/order", key, order)
    assert response.status_code == 400
    if expected is not None:
        assert response.json() == expected
    else:
        assert response.json()["code"] == -1100
    assert served.state_hash() == before
    assert served.signed("GET", "/api/v3/openOrders", key).json() == []


def test_authentication_errors(served: Any) -> None:
    key = served.account()
    before = served.state_hash()
    order = {"symbol": "BTCUSD", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
    bad_sig = served.signed("POST", "/api/v3/order", key, order, secret="wrong")
    assert bad_sig.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
    stale = served.signed(
        "POST", "/api/v3/order", key, order, timestamp_ms=int(time.time() * 1000) - 60_000
    )
    assert stale.json() == {
        "code": -1021,
        "msg": "Timestamp for this request is outside of the recvWindow.",
    }
    no_key = served.http.get("/api/v3/account", params={"timestamp": 1, "signature": "x"})
    assert no_key.status_code == 401
    assert no_key.json() == {"code": -2014, "msg": "API-key format invalid."}
    unknown = served.http.get(
        "/api/v3/account",
        params={"timestamp": 1, "signature": "x"},
        headers={"X-MBX-APIKEY": "A" * 64},
    )
    assert unknown.json() == {
        "code": -2015,
        "msg": "Invalid API-key, IP, or permissions for action.",
    }
    unsigned = served.http.get(
        "/api/v3/account", params={"timestamp": 1}, headers={"X-MBX-APIKEY": key.api_key}
    )
    assert unsigned.json()["code"] == -1102
    assert served.state_hash() == before


def test_ed25519_keys_sign_requests(served: Any) -> None:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = served.account(ed25519_public_key=public)
    assert key.hmac_secret is None
    query = urlencode({"timestamp": int(time.time() * 1000)})
    signature = base64.b64encode(private.sign(query.encode())).decode()
    good = served.http.get(
        "/api/v3/account",
        params={"timestamp": query.split("=")[1], "signature": signature},
        headers={"X-MBX-APIKEY": key.api_key},
    )
    assert good.status_code == 200, good.text
    forged = base64.b64encode(Ed25519PrivateKey.generate().sign(query.encode())).decode()
    bad = served.http.get(
        "/api/v3/account",
        params={"timestamp": query.split("=")[1], "signature": forged},
        headers={"X-MBX-APIKEY": key.api_key},
    )
    assert bad.json()["code"] == -1022


def test_request_weight_limits_429_then_418(serve: Any) -> None:
    limits = LimitConfig(ip_weight_per_minute=40, ban_after_refusals=2, ban_s=60)
    limits.tiers["retail"] = Tier(1_000, 100, 1_000)
    _api, server = serve(limits)
    try:
        http = httpx.Client(base_url=server.url)
        statuses = []
        for _ in range(8):
            response = http.get("/api/v3/trades", params={"symbol": "BTCUSD"})
            statuses.append(response.status_code)
            if response.status_code in (429, 418):
                assert int(response.headers["Retry-After"]) >= 1
                assert response.json()["code"] == -1003
        assert statuses[0] == 200 and 429 in statuses and statuses[-1] == 418
    finally:
        server.stop()


def test_every_rejection_maps_to_a_binance_error() -> None:
    for code, error in REJECTIONS.items():
        assert error.code < 0 and error.msg
        assert from_rejection(code) == error
    assert from_rejection(3999).code == -2010
