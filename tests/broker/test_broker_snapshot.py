"""Snapshots: ``restore(snapshot(state))`` has the same state hash and decides the same; the hash
is the snapshot's bytes under the brokers' domain; the hash does not depend on the order in
which independent things happened; a snapshot that is not canonical or describes an impossible
state is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.broker import (
    STATE_HASH_DOMAIN,
    Actor,
    ApplyBalance,
    BrokerState,
    CloseOrder,
    InvestorClass,
    ListMarket,
    OrderStatus,
    PlaceOrder,
    RegisterBroker,
    RegisterClient,
    Side,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)
from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256
from seawall.core.machine import Context

KERNEL = Context(seq=1, timestamp_ns=0, submitter="kernel")


def test_round_trip_keeps_the_hash(world: BrokerState) -> None:
    data = snapshot(world)
    restored = restore(data)
    assert state_hash(restored) == state_hash(world)
    assert snapshot(restored) == data


def test_the_hash_is_the_snapshot_under_the_domain(world: BrokerState) -> None:
    data = snapshot(world)
    assert state_hash(world) == sha256(STATE_HASH_DOMAIN.encode() + b"\x00" + data)


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(BrokerState()))) == state_hash(BrokerState())


def test_a_restored_state_decides_the_same(drive: Any, world: BrokerState) -> None:
    restored = restore(snapshot(world))
    for command in (
        PlaceOrder("b1", "alice", "again", "BTCUSD", Side.BUY, price_ticks=5, quantity_lots=7),
        PlaceOrder("b1", "alice", "again", "BTCUSD", Side.BUY, price_ticks=5, quantity_lots=7),
        CloseOrder("b1", "b1-00000001", OrderStatus.CANCELED, "USER"),
        PlaceOrder("b1", "alice", "open-buy", "BTCUSD", Side.BUY, price_ticks=5, quantity_lots=7),
    ):
        ctx = drive.ctx_for(command)
        outcome = decide(world, command, ctx)
        assert encode(decide(restored, command, ctx)) == encode(outcome)
        if isinstance(outcome, list):
            for event in outcome:
                evolve(world, event)
                evolve(restored, event)
        assert state_hash(restored) == state_hash(world)


def test_the_hash_does_not_depend_on_the_order_of_history(drive: Any) -> None:
    one, two = BrokerState(), BrokerState()
    b1 = RegisterBroker("b1", 1, 2, 3)
    b2 = RegisterBroker("b2", 1, 2, 3)
    m1 = ListMarket("AB", "A", "B", 2, 2, "1", "1")
    m2 = ListMarket("CD", "C", "D", 2, 2, "1", "1")
    c1 = RegisterClient("b1", "x", InvestorClass.RETAIL, Actor.HUMAN)
    c2 = RegisterClient("b1", "y", InvestorClass.RETAIL, Actor.HUMAN)
    d1 = ApplyBalance("b1", "x", "A", 5, "")
    d2 = ApplyBalance("b1", "x", "B", 5, "")
    drive.ok(one, b1, b2, m1, m2, c1, c2, d1, d2)
    drive.ok(two, m2, b2, b1, m1, c2, c1, d2, d1)
    assert state_hash(one) == state_hash(two)


def test_zero_balances_are_left_out(drive: Any) -> None:
    state = BrokerState()
    drive.ok(
        state,
        RegisterBroker("b1", 1, 2, 3),
        RegisterClient("b1", "x", InvestorClass.RETAIL, Actor.HUMAN),
    )
    before = state_hash(state)
    drive.ok(state, ApplyBalance("b1", "x", "A", 5, ""), ApplyBalance("b1", "x", "A", -5, ""))
    assert state_hash(state) == before


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00not a snapshot")


def _mutated(world: BrokerState, change: Any) -> bytes:
    snap = msgspec.msgpack.decode(snapshot(world))
    change(snap)
    data: bytes = msgspec.msgpack.encode(snap)
    return data


def _reverse_markets(snap: dict[str, Any]) -> None:
    snap["markets"].reverse()


def _reverse_brokers(snap: dict[str, Any]) -> None:
    snap["brokers"].reverse()


def _more_held(snap: dict[str, Any]) -> None:
    snap["brokers"][0]["clients"][0]["balances"][0]["held_minor"] += 1


def _order_of_a_stranger(snap: dict[str, Any]) -> None:
    snap["brokers"][0]["orders"][0]["account_id"] = "stranger"


def _skip_an_order_number(snap: dict[str, Any]) -> None:
    snap["brokers"][0]["orders"][1]["broker_order_id"] = "b1-00000003"


def _closed_but_holding(snap: dict[str, Any]) -> None:
    snap["brokers"][0]["orders"][0]["closed"] = True


def _reused_venue_id(snap: dict[str, Any]) -> None:
    orders = snap["brokers"][0]["orders"]
    orders[1]["venue_order_id"] = orders[0]["venue_order_id"]
    orders[1]["status"] = "open"


def _bad_step(snap: dict[str, Any]) -> None:
    snap["markets"][0]["tick_size"] = "0"


def _zero_balance(snap: dict[str, Any]) -> None:
    balances = snap["brokers"][0]["clients"][0]["balances"]
    balances.append({"asset": "ZZZ", "balance_minor": 0, "held_minor": 0})


@pytest.mark.parametrize(
    "change",
    [
        _reverse_markets,
        _reverse_brokers,
        _more_held,
        _order_of_a_stranger,
        _skip_an_order_number,
        _closed_but_holding,
        _reused_venue_id,
        _bad_step,
        _zero_balance,
    ],
)
def test_a_bad_snapshot_is_refused(world: BrokerState, change: Any) -> None:
    with pytest.raises(ConditionFailed):
        restore(_mutated(world, change))
