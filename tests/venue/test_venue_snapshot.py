"""Snapshots: restore(snapshot(state)) has the same hash and goes on the same way; bad bytes
are refused as ``ConditionFailed``; the hash is canonical (it sees queue order, not dict
order)."""

from __future__ import annotations

import msgspec
import pytest

from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed
from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection
from seawall.venue.commands import (
    AccountRole,
    AmendOrder,
    CreateMarket,
    PlaceOrder,
    RestrictAccount,
    Side,
    VenueCommand,
)
from seawall.venue.engine import apply
from seawall.venue.machine import check_invariants, new_state, restore, snapshot, state_hash
from seawall.venue.state import VenueState, VenueView

CTX = Context(seq=1, timestamp_ns=0, submitter="kernel")
A, B = AccountId("alice"), AccountId("bob")


def venue(commands: list[VenueCommand]) -> VenueState:
    state = new_state()
    for command in commands:
        assert not isinstance(apply(state, command, CTX), Rejection), command
    return state


SETUP: list[VenueCommand] = [
    CreateMarket("BTCUSD", AssetCode("BTC"), AssetCode("USD"), "0.01", "0.001"),
    CreateMarket(
        "ETHUSD",
        AssetCode("ETH"),
        AssetCode("USD"),
        "0.1",
        "0.01",
        price_band_bps=100,
        reference_price_ticks=3000,
    ),
    RestrictAccount(AccountId("op"), AccountRole.OPERATOR),
    PlaceOrder("BTCUSD", A, Side.BUY, price_ticks=100, quantity_lots=5, client_order_id="a1"),
    PlaceOrder("BTCUSD", B, Side.BUY, price_ticks=100, quantity_lots=3),
    PlaceOrder("BTCUSD", B, Side.SELL, price_ticks=103, quantity_lots=7),
    PlaceOrder("BTCUSD", A, Side.SELL, price_ticks=100, quantity_lots=2),
    PlaceOrder("ETHUSD", A, Side.SELL, price_ticks=3010, quantity_lots=1),
    PlaceOrder("BTCUSD", B, Side.BUY, price_ticks=98, quantity_lots=4),
]


def test_round_trip_keeps_the_hash_and_the_future() -> None:
    state = venue(SETUP)
    data = snapshot(state)
    restored = restore(data)
    check_invariants(restored)
    assert state_hash(restored) == state_hash(state)
    assert snapshot(restored) == data
    # the client order id index was rebuilt too
    dup = PlaceOrder("BTCUSD", A, Side.BUY, price_ticks=1, quantity_lots=1, client_order_id="a1")
    outcome = apply(restored, dup, CTX)
    assert isinstance(outcome, Rejection) and outcome.name == "DUPLICATE_CLIENT_ORDER_ID"
    # and the restored state goes on exactly as the original
    more = PlaceOrder(
        "BTCUSD", B, Side.SELL, price_ticks=99, quantity_lots=10, client_order_id="b9"
    )
    assert apply(state, more, CTX) == apply(restored, more, CTX)
    assert state_hash(restored) == state_hash(state)


def test_hash_sees_queue_order() -> None:
    one = venue(SETUP)
    two = venue(SETUP)
    # alice's order 1 loses its place behind bob's order 2 and comes back to the same size
    apply(two, AmendOrder("BTCUSD", A, 100, 4, order_id=1), CTX)
    apply(two, AmendOrder("BTCUSD", A, 100, 5, order_id=1), CTX)
    apply(one, AmendOrder("BTCUSD", A, 100, 4, order_id=1), CTX)
    apply(one, AmendOrder("BTCUSD", A, 101, 5, order_id=1), CTX)
    apply(one, AmendOrder("BTCUSD", A, 100, 5, order_id=1), CTX)
    view_one, view_two = (decode(snapshot(s), VenueView) for s in (one, two))
    assert view_one.markets[0].bids == view_two.markets[0].bids  # the same queue
    assert state_hash(one) != state_hash(two)  # update sequence numbers differ: 3 vs 2 deltas
    empty_a, empty_b = new_state(), new_state()
    assert state_hash(empty_a) == state_hash(empty_b)


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00garbage")
    with pytest.raises(ConditionFailed):
        restore(snapshot(venue(SETUP)) + b"\x00")


def test_inconsistent_snapshots_are_refused() -> None:
    view = decode(snapshot(venue(SETUP)), VenueView)
    market = view.markets[0]
    assert market.bids[0].price_ticks != market.bids[-1].price_ticks
    swapped = msgspec.structs.replace(market, bids=tuple(reversed(market.bids)))
    for bad in (
        msgspec.structs.replace(view, version=99),
        msgspec.structs.replace(
            view, markets=(swapped, *view.markets[1:])
        ),  # not in priority order
        msgspec.structs.replace(view, next_order_id=1),  # ids from the future
        msgspec.structs.replace(view, markets=(view.markets[0], view.markets[0])),  # twice
        msgspec.structs.replace(view, markets=(msgspec.structs.replace(market, asks=market.bids),)),
    ):
        with pytest.raises(ConditionFailed):
            restore(encode(bad))
