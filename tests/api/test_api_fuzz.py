"""Schemathesis fuzzing the served OpenAPI document, signed endpoints signed.

Every operation of ``/openapi.json`` gets generated requests, well-formed and malformed, against
a served market; each answer must be no 5xx, a documented status and content type, and a body of
the documented schema (Binance's shapes, ``seawall.api.openapi_schemas``). ``BinanceSigner``
signs each SIGNED request as Binance requires (a fresh ``timestamp``, then HMAC-SHA256 of the
query string followed by the body, as sent), so the requests reach parameter checks, the broker,
the custodian and the venue rather than stopping at the signature check; a query hook mixes
listed symbols, valid prices and quantities and existing order ids into what is generated.

Then rejected requests must change nothing: balances (the broker's and the custodian's books),
order books and open orders are the same before and after any refused order, cancel or
cancel-replace, although the journal records the institutions' refusals.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from seawall.api.keys import ApiKey
from seawall.api.openapi import openapi_document
from seawall.broker import machine as broker_machine
from seawall.kernel import Market
from seawall.ledger import machine as ledger_machine
from seawall.venue.state import venue_view

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: The coverage phase (every boundary value of every parameter, every undocumented method)
#: would triple the run; the fuzzing phase, valid and invalid data, is what stays in the suite.
schema = schemathesis.openapi.from_dict(
    openapi_document(),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)

#: Values that reach past the parameter checks, mixed into generated queries.
_REAL: dict[str, tuple[object, ...]] = {
    "symbol": ("BTCUSD", "ETHHKD", "DOGEUSD"),
    "symbols": ('["BTCUSD","ETHUSD"]',),
    "orderId": (1, 2, 3),
    "cancelOrderId": (1, 2, 3),
    "interval": ("1m", "1M"),
}
_PRICES = ("92000", "91000.50", "93000", "0.01")
_QUANTITIES = ("0.001", "0.00001", "0.5", "1000")
#: A coherent new order (what a client of Binance would send), of each type Seawall offers.
_ORDER = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("LIMIT"),
            "timeInForce": st.sampled_from(("GTC", "IOC", "FOK")),
            "price": st.sampled_from(_PRICES),
            "quantity": st.sampled_from(_QUANTITIES),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("LIMIT_MAKER"),
            "price": st.sampled_from(_PRICES),
            "quantity": st.sampled_from(_QUANTITIES),
        }
    ),
    st.fixed_dictionaries({"type": st.just("MARKET"), "quantity": st.sampled_from(_QUANTITIES)}),
    st.fixed_dictionaries({"type": st.just("MARKET"), "quoteOrderQty": st.just("100")}),
)
_ORDER_FIELDS = ("type", "timeInForce", "price", "quantity", "quoteOrderQty")
_SIGNING_PARAMS = ("timestamp", "recvWindow", "signature")


@schema.hook
def flatmap_query(context: Any, query: Any) -> st.SearchStrategy[Any]:
    """Each generated value of a name in ``_REAL`` is kept or swapped for a real one, and a
    generated new order is kept or made coherent (its other parameters kept)."""
    if not isinstance(query, dict):
        return st.just(query)
    chosen = {
        name: st.sampled_from((*_REAL[name], value))
        for name, value in query.items()
        if name in _REAL
    }
    realistic = st.fixed_dictionaries(chosen).map(lambda real: {**query, **real})
    if "side" not in query or "type" not in query:
        return realistic
    coherent = st.tuples(realistic, _ORDER).map(
        lambda pair: {
            **{k: v for k, v in pair[0].items() if k not in _ORDER_FIELDS},
            **pair[1],
        }
    )
    return st.one_of(coherent, realistic)


class BinanceSigner(requests.auth.AuthBase):
    """``X-MBX-APIKEY``, and for a SIGNED endpoint a fresh ``timestamp`` and the HMAC-SHA256
    ``signature`` of the query string followed by the body, exactly as they will be sent (the
    generated ``timestamp``, ``recvWindow`` and ``signature`` are dropped)."""

    def __init__(self, key: ApiKey, *, sign: bool) -> None:
        assert key.hmac_secret is not None
        self.api_key = key.api_key
        self.secret = key.hmac_secret.encode()
        self.sign = sign

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["X-MBX-APIKEY"] = self.api_key
        if not self.sign:
            return request
        assert request.url is not None
        base, _, query = request.url.partition("?")
        pairs = [p for p in query.split("&") if p and p.split("=", 1)[0] not in _SIGNING_PARAMS]
        pairs.append(f"timestamp={int(time.time() * 1000)}")
        query = "&".join(pairs)
        body = request.body or b""
        payload = query.encode() + (body.encode() if isinstance(body, str) else body)
        signature = hmac.new(self.secret, payload, hashlib.sha256).hexdigest()
        request.url = f"{base}?{query}&signature={signature}"
        return request


def auth_for(case: Any, key: ApiKey) -> dict[str, Any]:
    """``call`` arguments for ``case``: the key for API-key endpoints, a signature for SIGNED."""
    if not case.operation.definition.raw.get("security"):
        return {}
    signed = any(parameter.name == "signature" for parameter in case.operation.query)
    return {"auth": BinanceSigner(key, sign=signed)}


@pytest.fixture(scope="module")
def fuzz_key(served: Any) -> ApiKey:
    """A funded client with a bid resting on BTCUSD, after a trade with another broker's client
    whose ask still rests."""
    key: ApiKey = served.account("broker-a", funds={"USD": 50_000_00, "BTC": 10**8})
    other = served.account("broker-b")
    for who, side, quantity in ((other, "SELL", "0.01"), (key, "BUY", "0.002")):
        order = {"symbol": "BTCUSD", "side": side, "type": "LIMIT", "timeInForce": "GTC"}
        served.signed(
            "POST", "/api/v3/order", who, {**order, "quantity": quantity, "price": "92000"}
        )
    served.signed(
        "POST",
        "/api/v3/order",
        key,
        {
            "symbol": "BTCUSD",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.001",
            "price": "91000",
        },
    )
    return key


def test_the_fuzzed_document_is_the_served_one(served: Any) -> None:
    assert served.http.get("/openapi.json").json() == openapi_document(served.url + "/")


#: Requests that once answered HTTP 500 (found fuzzing): a digit that ``str.isdigit`` takes but
#: ``int`` refuses, a month kline past year 9999, JSON nested past the decoder's recursion limit.
_ONCE_FAILED = [
    ("/api/v3/depth", {"symbol": "BTCUSD", "limit": "²"}, 400, -1100),
    ("/api/v3/trades", {"symbol": "BTCUSD", "limit": "²"}, 400, -1100),
    ("/api/v3/ticker", {"symbol": "BTCUSD", "windowSize": "²m"}, 400, -1130),
    ("/api/v3/klines", {"symbol": "BTCUSD", "interval": "1M", "startTime": 10**15}, 200, []),
    ("/api/v3/ticker/price", {"symbols": "[" * 1200 + "]" * 1200}, 400, -1100),
]
_ONCE_FAILED_SIGNED = [
    ("/api/v3/account", {"recvWindow": "²"}, -1100),
    ("/api/v3/order", {"symbol": "BTCUSD", "orderId": "²"}, -1100),
]


@pytest.mark.parametrize(("path", "params", "status", "expected"), _ONCE_FAILED)
def test_inputs_that_once_failed_are_answered(
    served: Any, path: str, params: dict[str, object], status: int, expected: object
) -> None:
    """``expected``: the body of a 200, the Binance code of an error."""
    response = served.http.get(path, params=params)
    body = response.json()
    assert (response.status_code, body if status == 200 else body["code"]) == (status, expected)


@pytest.mark.parametrize(("path", "params", "code"), _ONCE_FAILED_SIGNED)
def test_signed_inputs_that_once_failed_are_refused(
    served: Any, fuzz_key: ApiKey, path: str, params: dict[str, object], code: int
) -> None:
    response = served.signed("GET", path, fuzz_key, params)
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_a_signature_that_is_not_ascii_is_refused(served: Any, fuzz_key: ApiKey) -> None:
    query = f"timestamp={int(time.time() * 1000)}&signature=%C3%A9"
    response = served.http.get(
        "/api/v3/account?" + query, headers={"X-MBX-APIKEY": fuzz_key.api_key}
    )
    assert (response.status_code, response.json()["code"]) == (400, -1022)


@schema.parametrize()
@FUZZ
def test_every_operation_answers_as_documented(case: Any, served: Any, fuzz_key: ApiKey) -> None:
    response = case.call(base_url=served.url, **auth_for(case, fuzz_key))
    case.validate_response(response, checks=CHECKS)


def visible_state(market: Market) -> tuple[object, ...]:
    """What a refusal must leave alone: every client's balances at its broker and every
    account's at the custodian (free and held), the venue's books, the brokers' open orders."""
    brokers = broker_machine.canonical(market.state("broker")).brokers
    return (
        [(b.info.broker_id, c.account_id, c.balances) for b in brokers for c in b.clients],
        [
            (a.account_id, a.balances)
            for a in ledger_machine.canonical(market.state("ledger")).accounts
        ],
        [(m.symbol, m.bids, m.asks) for m in venue_view(market.state("venue")).markets],
        [order for b in brokers for order in b.orders if not order.closed],
    )


def observed(served: Any) -> tuple[tuple[object, ...], int]:
    """The visible state and the journal's last sequence number."""
    state: tuple[tuple[object, ...], int] = served.run(
        lambda market: (visible_state(market), market.sequencer.last_seq)
    )
    return state


def test_refusals_by_the_institutions_change_no_balance_book_or_open_order(served: Any) -> None:
    """Known refusals on a market of their own (LTCHKD): the broker's (balance), the venue's
    (a LIMIT_MAKER that would take, a price outside the band), journaled; and the door's
    (unknown orders), not."""
    maker = served.account("broker-b")
    key = served.account("broker-a", funds={"HKD": 1_000_00, "LTC": 10**8})
    order = {"symbol": "LTCHKD", "type": "LIMIT", "timeInForce": "GTC"}
    for who, side, quantity, price in (
        (maker, "SELL", "1", "600"),
        (key, "BUY", "0.1", "600"),
        (key, "BUY", "0.1", "590"),
    ):
        placed = served.signed(
            "POST",
            "/api/v3/order",
            who,
            {**order, "side": side, "quantity": quantity, "price": price},
        )
        assert placed.status_code == 200
    buy = {**order, "side": "BUY"}
    refused = [
        ("POST", "/api/v3/order", {**buy, "quantity": "10", "price": "600"}, -2010, True),
        (
            "POST",
            "/api/v3/order",
            {
                "symbol": "LTCHKD",
                "side": "BUY",
                "type": "LIMIT_MAKER",
                "quantity": "0.1",
                "price": "600",
            },
            -2010,
            True,
        ),
        ("POST", "/api/v3/order", {**buy, "quantity": "0.1", "price": "0.01"}, -1013, True),
        ("DELETE", "/api/v3/order", {"symbol": "LTCHKD", "orderId": 999}, -2011, False),
        (
            "POST",
            "/api/v3/order/cancelReplace",
            {
                **buy,
                "quantity": "0.1",
                "price": "595",
                "cancelReplaceMode": "STOP_ON_FAILURE",
                "cancelOrderId": 999,
            },
            -2022,
            False,
        ),
        ("DELETE", "/api/v3/openOrders", {"symbol": "LTCUSD"}, -2011, False),
    ]
    for method, path, params, code, journaled in refused:
        before, seq_before = observed(served)
        response = served.signed(method, path, key, params)
        after, seq_after = observed(served)
        assert (response.status_code, response.json()["code"]) == (400, code), params
        assert after == before, params
        assert (seq_after > seq_before) is journaled, params


@given(
    case=st.one_of(
        schema["/api/v3/order"]["POST"].as_strategy(),
        schema["/api/v3/order/cancelReplace"]["POST"].as_strategy(),
        schema["/api/v3/order"]["DELETE"].as_strategy(),
        schema["/api/v3/openOrders"]["DELETE"].as_strategy(),
    )
)
@settings(FUZZ, max_examples=60)
def test_fuzzed_rejections_change_no_balance_book_or_open_order(
    served: Any, fuzz_key: ApiKey, case: Any
) -> None:
    before, _ = observed(served)
    response = case.call(base_url=served.url, **auth_for(case, fuzz_key))
    after, _ = observed(served)
    assert response.status_code < 500
    if response.status_code >= 400 and response.json()["code"] != -2021:
        # -2021: the cancel of a cancel-replace went through, its new order did not.
        assert after == before
