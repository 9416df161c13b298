"""Snapshots: ``restore(snapshot(state))`` has the same state hash and decides the same; the hash
is the snapshot's bytes under the ledger's domain; a snapshot that is not canonical or describes
an impossible state is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256
from seawall.core.machine import Context
from seawall.ledger import (
    STATE_HASH_DOMAIN,
    AccountKind,
    DefineAsset,
    LedgerState,
    OpenAccount,
    Posting,
    Transfer,
    canonical,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)

CTX = Context(seq=1, timestamp_ns=0, submitter="test")


def run(state: LedgerState, *commands: Any) -> None:
    for command in commands:
        outcome = decide(state, command, CTX)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            evolve(state, event)


def test_round_trip_keeps_the_hash(fast_world: LedgerState) -> None:
    data = snapshot(fast_world)
    restored = restore(data)
    assert state_hash(restored) == state_hash(fast_world)
    assert snapshot(restored) == data


def test_the_hash_is_the_snapshot_under_the_domain(fast_world: LedgerState) -> None:
    data = snapshot(fast_world)
    assert state_hash(fast_world) == sha256(STATE_HASH_DOMAIN.encode() + b"\x00" + data)


def test_a_restored_ledger_decides_the_same(fast_world: LedgerState) -> None:
    restored = restore(snapshot(fast_world))
    for command in (
        Transfer("next", (Posting("alice", "USD", -69_000), Posting("bob", "USD", 69_000))),
        Transfer("over", (Posting("alice", "USD", -1), Posting("bob", "USD", 1))),
    ):
        outcome = decide(fast_world, command, CTX)
        assert encode(decide(restored, command, CTX)) == encode(outcome)
        if isinstance(outcome, list):
            for event in outcome:
                evolve(fast_world, event)
                evolve(restored, event)
        assert state_hash(restored) == state_hash(fast_world)


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(LedgerState()))) == state_hash(LedgerState())


def test_the_hash_does_not_depend_on_the_order_of_history() -> None:
    one, two = LedgerState(), LedgerState()
    usd, btc = DefineAsset("USD", 2), DefineAsset("BTC", 8)
    a = OpenAccount("a", AccountKind.EXTERNAL)
    b = OpenAccount("b", AccountKind.CLIENT)
    run(one, usd, btc, a, b)
    run(two, btc, usd, b, a)
    assert state_hash(one) == state_hash(two)
    # A pair that went back to zero is left out of the canonical form, as if never touched.
    run(one, Transfer("t1", (Posting("a", "USD", -5), Posting("b", "USD", 5))))
    run(one, Transfer("t2", (Posting("b", "USD", -5), Posting("a", "USD", 5))))
    assert all(not record.balances for record in canonical(one).accounts)


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00garbage")


def test_a_non_canonical_order_is_refused(fast_world: LedgerState) -> None:
    snap = canonical(fast_world)
    shuffled = msgspec.structs.replace(snap, accounts=tuple(reversed(snap.accounts)))
    with pytest.raises(ConditionFailed, match="not sorted"):
        restore(encode(shuffled))


def test_an_impossible_state_is_refused(fast_world: LedgerState) -> None:
    snap = canonical(fast_world)
    accounts = list(snap.accounts)
    index = next(i for i, r in enumerate(accounts) if r.account_id == "alice")
    alice = accounts[index]
    richer = tuple(
        msgspec.structs.replace(b, balance_minor=b.balance_minor + 1) for b in alice.balances
    )
    accounts[index] = msgspec.structs.replace(alice, balances=richer)
    forged = msgspec.structs.replace(snap, accounts=tuple(accounts))
    with pytest.raises(ConditionFailed, match="sum to"):
        restore(encode(forged))


def test_held_that_matches_no_hold_is_refused(fast_world: LedgerState) -> None:
    snap = canonical(fast_world)
    forged = msgspec.structs.replace(snap, holds=())
    with pytest.raises(ConditionFailed, match="held"):
        restore(encode(forged))
