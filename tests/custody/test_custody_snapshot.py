"""Snapshots: ``restore(snapshot(state))`` has the same state hash and decides the next commands
alike; the hash depends on what custody knows, not on the order it learned it; and a snapshot
that is garbage, out of canonical order, or describes an impossible book is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.machine import Context
from seawall.custody import (
    AssetKind,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    CustodyState,
    ExecuteWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    Rebalance,
    RequestWithdrawal,
    WithdrawalStatus,
    canonical,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)

T0 = 1_700_000_000_000_000_000


def run(state: CustodyState, *commands: CustodyCommand) -> None:
    for command in commands:
        outcome = decide(state, command, Context(1, T0, "kernel"))
        assert isinstance(outcome, list), outcome
        for event in outcome:
            evolve(state, event)


def test_round_trip_keeps_the_hash_and_the_decisions(driver: Any, world: CustodyState) -> None:
    restored = restore(snapshot(world))
    assert state_hash(restored) == state_hash(world)
    assert snapshot(restored) == snapshot(world)
    for command in (
        ExecuteWithdrawal("wd-cosigned"),
        ExecuteWithdrawal("wd-big"),
        CosignWithdrawal("wd-held", "clearing"),
        RequestWithdrawal("wd-9", "broker-1", "acct-alice", "BTC", 5, "bc1qalice"),
        RequestWithdrawal("wd-10", "broker-1", "acct-alice", "BTC", 5, "bc1qnew"),
        Rebalance("BTC"),
    ):
        ctx = driver.ctx(driver.submitter_for(command, None))
        outcome = decide(world, command, ctx)
        assert encode(decide(restored, command, ctx)) == encode(outcome)
        if isinstance(outcome, list):
            for event in outcome:
                evolve(world, event)
                evolve(restored, event)
        assert state_hash(restored) == state_hash(world)


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(CustodyState()))) == state_hash(CustodyState())


def test_restored_withdrawals_keep_their_lifecycle(world: CustodyState) -> None:
    restored = restore(snapshot(world))
    assert restored.withdrawals_open == world.withdrawals_open == 4
    assert {w: r.status for w, r in sorted(restored.withdrawals.items())} == {
        "wd-big": WithdrawalStatus.COSIGNED,
        "wd-cosigned": WithdrawalStatus.COSIGNED,
        "wd-done": WithdrawalStatus.EXECUTED,
        "wd-failed": WithdrawalStatus.FAILED,
        "wd-held": WithdrawalStatus.HELD,
        "wd-req": WithdrawalStatus.REQUESTED,
    }


def test_the_hash_does_not_depend_on_the_order_of_history() -> None:
    one, two = CustodyState(), CustodyState()
    btc = ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, 50_000_000, 1)
    usd = ConfigureAsset("USD", 2, AssetKind.FIAT, 780, 0)
    a, b = OpenClientAccount("broker-1", "a"), OpenClientAccount("broker-1", "b")
    run(one, btc, usd, a, b)
    run(two, usd, btc, b, a)
    assert state_hash(one) == state_hash(two)
    # A flow that went back to zero is left out of the canonical form, as if never touched.
    run(
        one,
        ConfirmDeposit("d", "broker-1", "a", "BTC", 5, "bc1qa", 1),
        RequestWithdrawal("w", "broker-1", "a", "BTC", 5, "bc1qa"),
    )
    assert canonical(one).clients[0].flows[0].flow_minor == 5
    run(one, MarkWithdrawalHeld("w"), CosignWithdrawal("w", "clearing"), ExecuteWithdrawal("w"))
    assert all(not record.flows for record in canonical(one).clients)


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00garbage")


def test_another_institutions_snapshot_is_refused() -> None:
    other = {"k": "ledger.snapshot", "assets": [], "accounts": [], "holds": [], "transfer_ids": []}
    with pytest.raises(ConditionFailed):
        restore(msgspec.msgpack.encode(other))


@pytest.mark.parametrize("field", ["assets", "clients", "deposit_ids", "withdrawals"])
def test_a_non_canonical_order_is_refused(world: CustodyState, field: str) -> None:
    snap = canonical(world)
    shuffled = msgspec.structs.replace(snap, **{field: tuple(reversed(getattr(snap, field)))})
    with pytest.raises(ConditionFailed, match="not sorted"):
        restore(encode(shuffled))


def test_a_book_that_does_not_reconcile_is_refused(world: CustodyState) -> None:
    """Wallets that hold more than the clients' flows: coins nobody deposited."""
    snap = canonical(world)
    assets = list(snap.assets)
    btc = assets[0]
    richer = (btc.wallets[0], msgspec.structs.replace(btc.wallets[1], balance_minor=10**9))
    assets[0] = msgspec.structs.replace(btc, wallets=richer)
    forged = msgspec.structs.replace(snap, assets=tuple(assets))
    with pytest.raises(ConditionFailed, match="flows sum"):
        restore(encode(forged))


def test_wallets_of_the_wrong_kind_are_refused(world: CustodyState) -> None:
    snap = canonical(world)
    assets = list(snap.assets)
    assets[0] = msgspec.structs.replace(assets[0], wallets=assets[0].wallets[:1])
    with pytest.raises(ConditionFailed, match="wallets"):
        restore(encode(msgspec.structs.replace(snap, assets=tuple(assets))))


def test_a_zero_flow_is_refused(world: CustodyState) -> None:
    snap = canonical(world)
    clients = list(snap.clients)
    alice = clients[0]
    zeroed = tuple(msgspec.structs.replace(f, flow_minor=0) for f in alice.flows)
    clients[0] = msgspec.structs.replace(alice, flows=zeroed)
    with pytest.raises(ConditionFailed, match="zero flow"):
        restore(encode(msgspec.structs.replace(snap, clients=tuple(clients))))


def test_an_impossible_withdrawal_is_refused(world: CustodyState) -> None:
    snap = canonical(world)
    withdrawals = list(snap.withdrawals)
    index = next(i for i, r in enumerate(withdrawals) if r.withdrawal_id == "wd-req")
    withdrawals[index] = msgspec.structs.replace(
        withdrawals[index], status=WithdrawalStatus.EXECUTED
    )
    with pytest.raises(ConditionFailed, match="cosigners"):
        restore(encode(msgspec.structs.replace(snap, withdrawals=tuple(withdrawals))))
