"""Snapshots: ``restore(snapshot(state))`` has the same state hash and decides the same; the hash
is the snapshot's bytes under identity's domain; the hash does not depend on the order of
history; a snapshot that is not canonical or describes an impossible state is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256
from seawall.identity import (
    STATE_HASH_DOMAIN,
    BlockPerson,
    IdentitySnapshot,
    IdentityState,
    RecordSuitability,
    RegisterAlgorithmKey,
    ScreenTransfer,
    account_id_for,
    canonical,
    decide,
    document_hash,
    evolve,
    restore,
    snapshot,
    state_hash,
)


def test_round_trip_keeps_the_hash(world: Any) -> None:
    data = snapshot(world.state)
    restored = restore(data)
    assert state_hash(restored) == state_hash(world.state)
    assert snapshot(restored) == data
    assert restored.documents == world.state.documents


def test_the_hash_is_the_snapshot_under_the_domain(world: Any) -> None:
    data = snapshot(world.state)
    assert state_hash(world.state) == sha256(STATE_HASH_DOMAIN.encode() + b"\x00" + data)


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(IdentityState()))) == state_hash(IdentityState())


def test_a_restored_state_decides_the_same(world: Any, kit: Any) -> None:
    restored = restore(snapshot(world.state))
    acc = world.accounts
    for command in (
        kit.onboard(kit.kyc("A1234567"), 11),
        kit.onboard(kit.kyc("N7654321", "Nick"), 12),
        RegisterAlgorithmKey(acc["bot"], "key-0"),
        RegisterAlgorithmKey(acc["bot"], "key-5"),
        RecordSuitability(acc["carol"], True, 90, "assess-9"),
        BlockPerson(document_hash("hkid", "A1234567"), "sanctions"),
        ScreenTransfer("wd-9", acc["alice"], 1, None, None),
    ):
        outcome = decide(world.state, command, kit.ctx)
        assert encode(decide(restored, command, kit.ctx)) == encode(outcome)
        if isinstance(outcome, list):
            for event in outcome:
                evolve(world.state, event)
                evolve(restored, event)
        assert state_hash(restored) == state_hash(world.state)


def test_the_hash_does_not_depend_on_the_order_of_history(kit: Any) -> None:
    one, two = IdentityState(), IdentityState()
    a = kit.onboard(kit.kyc("A1"), 1)
    b = kit.onboard(kit.kyc("B1", "Bea"), 2)
    p1 = BlockPerson(document_hash("passport", "Z1"), "s")
    p2 = BlockPerson(document_hash("passport", "Z2"), "s")
    for command in (a, b, p1, p2):
        kit.apply_ok(one, command)
    for command in (p2, b, p1, a):
        kit.apply_ok(two, command)
    assert state_hash(one) == state_hash(two)


def test_the_hash_sees_every_change(world: Any, kit: Any) -> None:
    before = state_hash(world.state)
    kit.apply_ok(world.state, RecordSuitability(world.accounts["bob"], True, 1, "r"))
    assert state_hash(world.state) != before


def _tampered(world: Any, **changes: Any) -> bytes:
    snap = canonical(world.state)
    return encode(msgspec.structs.replace(snap, **changes))


def test_unsorted_snapshots_are_refused(world: Any) -> None:
    snap = canonical(world.state)
    for field in ("clients", "api_keys", "blocked_documents", "disclosures"):
        records = getattr(snap, field)
        assert len(records) >= 2, field
        with pytest.raises(ConditionFailed):
            restore(_tampered(world, **{field: tuple(reversed(records))}))


def test_impossible_snapshots_are_refused(world: Any, kit: Any) -> None:
    snap = canonical(world.state)
    first = snap.clients[0]
    forged = [
        # a KYC record that does not open the commitment
        msgspec.structs.replace(first, kyc=kit.kyc("Q1", "Someone Else")),
        # a salt that does not open the commitment
        msgspec.structs.replace(first, kyc_salt=b"\xff" * 32),
        # blocked without a reason
        msgspec.structs.replace(first, status="blocked", block_reason=""),
        # suitability score out of range
        msgspec.structs.replace(first, suitability_assessed=True, suitability_score=101),
        # a key that was never registered
        msgspec.structs.replace(first, api_key_ids=("ghost",)),
    ]
    for record in forged:
        clients = list(snap.clients)
        clients[0] = record
        with pytest.raises(ConditionFailed):
            restore(_tampered(world, clients=tuple(clients)))
    # an active account under a blocked document
    clients = list(snap.clients)
    dave_index = [c.account_id for c in snap.clients].index(world.accounts["dave"])
    clients[dave_index] = msgspec.structs.replace(
        clients[dave_index], status="active", block_reason=""
    )
    with pytest.raises(ConditionFailed):
        restore(_tampered(world, clients=tuple(clients)))
    # a disclosure naming an account that does not exist
    disclosure = msgspec.structs.replace(snap.disclosures[0], account_id="acct-0000000000000000")
    with pytest.raises(ConditionFailed):
        restore(_tampered(world, disclosures=(disclosure, *snap.disclosures[1:])))


def test_a_second_human_account_per_document_and_broker_is_refused(kit: Any) -> None:
    """Two human accounts for one document at one broker cannot come from valid commands."""
    state = IdentityState()
    kit.apply_ok(state, kit.onboard(kit.kyc("A1"), 1, broker_id="broker-a"))
    kit.apply_ok(state, kit.onboard(kit.kyc("A1"), 2, broker_id="broker-b"))
    snap = canonical(state)
    moved = tuple(msgspec.structs.replace(c, broker_id="broker-a") for c in snap.clients)
    with pytest.raises(ConditionFailed):
        restore(encode(msgspec.structs.replace(snap, clients=moved)))
    assert account_id_for(kit.kyc("A1"), kit.salt(1)) in state.clients


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00garbage")
    with pytest.raises(ConditionFailed):
        restore(snapshot(IdentityState()) + b"\x00")
    assert decode(snapshot(IdentityState()), IdentitySnapshot) == canonical(IdentityState())
