"""Snapshots: ``restore(snapshot(state))`` has the same state hash and decides the same; the hash
is the snapshot's bytes under clearing's domain; a snapshot that is not canonical or describes
an impossible state is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.clearing import (
    STATE_HASH_DOMAIN,
    ClearingState,
    CloseCycle,
    Configure,
    ConfirmSettlement,
    CosignWithdrawal,
    ObligationStatus,
    PositionRecord,
    SettlementMode,
    canonical,
    restore,
    snapshot,
    state_hash,
)
from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256
from seawall.core.machine import Context

KERNEL = Context(seq=1, timestamp_ns=0, submitter="kernel")


def test_round_trip_keeps_the_hash(world: Any) -> None:
    data = snapshot(world.state)
    restored = restore(data)
    assert state_hash(restored) == state_hash(world.state)
    assert snapshot(restored) == data


def test_the_hash_is_the_snapshot_under_the_domain(world: Any) -> None:
    data = snapshot(world.state)
    assert state_hash(world.state) == sha256(STATE_HASH_DOMAIN.encode() + b"\x00" + data)


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(ClearingState()))) == state_hash(ClearingState())


def test_a_restored_clearing_house_decides_the_same(world: Any) -> None:
    restored = type(world)()
    restored.state = restore(snapshot(world.state))
    alice = world.party("b1", "alice", "o7", 10)
    bob = world.party("b2", "bob", "o8", 10)
    for command in (
        CosignWithdrawal("wd-9", "b1", "alice", "HKD", 5),  # refused: settle:3 is open
        ConfirmSettlement("settle:3"),
        CosignWithdrawal("wd-9", "b1", "alice", "HKD", 5),
        Configure(SettlementMode.NETTED),
        world.trade(4, alice, bob),
        world.trade(5, bob, alice, price_ticks=120),
        CloseCycle(1),
        ConfirmSettlement("settle:4"),
    ):
        outcome = world.decide(command)
        assert encode(restored.decide(command)) == encode(outcome)
        if isinstance(outcome, list):
            world.ok(command)
            restored.ok(command)
        assert state_hash(restored.state) == state_hash(world.state)


def test_the_hash_does_not_depend_on_the_order_of_history(kit: Any, markets: Any) -> None:
    other = type(kit)()
    for registration in markets:
        kit.ok(registration)
    for registration in reversed(markets):
        other.ok(registration)
    assert state_hash(kit.state) == state_hash(other.state)


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00garbage")


def test_a_non_canonical_order_is_refused(world: Any) -> None:
    snap = canonical(world.state)
    shuffled = msgspec.structs.replace(snap, obligations=tuple(reversed(snap.obligations)))
    with pytest.raises(ConditionFailed, match="not sorted"):
        restore(encode(shuffled))


def test_a_forged_position_is_refused(world: Any) -> None:
    snap = canonical(world.state)
    richer = (*snap.positions, PositionRecord("b9", "mallory", "HKD", 1_000))
    with pytest.raises(ConditionFailed, match="positions"):
        restore(encode(msgspec.structs.replace(snap, positions=richer)))


def test_a_zero_position_is_refused(world: Any) -> None:
    snap = canonical(world.state)
    zero = (PositionRecord("a", "a", "HKD", 0), *snap.positions)
    with pytest.raises(ConditionFailed, match="zero position"):
        restore(encode(msgspec.structs.replace(snap, positions=zero)))


def test_a_forged_status_is_refused(world: Any) -> None:
    snap = canonical(world.state)
    forged = tuple(
        msgspec.structs.replace(ob, status=ObligationStatus.PENDING, instruction_id="")
        if ob.obligation_id == "XYZHKD:3"
        else ob
        for ob in snap.obligations
    )
    with pytest.raises(ConditionFailed, match="pending"):
        restore(encode(msgspec.structs.replace(snap, obligations=forged)))


def test_a_missing_instruction_is_refused(world: Any) -> None:
    snap = canonical(world.state)
    with pytest.raises(ConditionFailed, match="instruction"):
        restore(encode(msgspec.structs.replace(snap, instructions=snap.instructions[:-1])))


def test_a_malformed_market_is_refused(world: Any) -> None:
    snap = canonical(world.state)
    markets = (msgspec.structs.replace(snap.markets[0], lot_size="0"), *snap.markets[1:])
    with pytest.raises(ConditionFailed, match="lot_size"):
        restore(encode(msgspec.structs.replace(snap, markets=markets)))
