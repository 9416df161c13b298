"""Snapshots: ``restore(snapshot(state))`` has the same state hash and decides the same; the hash
is the snapshot's bytes under the regulator's domain; a snapshot that is not canonical or that
describes an impossible register is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256
from seawall.core.machine import Context
from seawall.regulator import (
    STATE_HASH_DOMAIN,
    BreakKind,
    GrantLicence,
    HaltMarket,
    LicenceChange,
    LicenceStatus,
    RecordBreak,
    RegulatorState,
    Role,
    RunReconciliation,
    SuspendLicence,
    canonical,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)

PSEUDONYM = "acct-0123456789abcdef"


def test_round_trip_keeps_the_hash(world: RegulatorState) -> None:
    data = snapshot(world)
    restored = restore(data)
    assert state_hash(restored) == state_hash(world)
    assert snapshot(restored) == data
    assert restored.break_keys == world.break_keys


def test_the_hash_is_the_snapshot_under_the_domain(world: RegulatorState) -> None:
    data = snapshot(world)
    assert state_hash(world) == sha256(STATE_HASH_DOMAIN.encode() + b"\x00" + data)


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(RegulatorState()))) == state_hash(RegulatorState())


def test_a_restored_regulator_decides_the_same(world: RegulatorState) -> None:
    restored = restore(snapshot(world))
    commands: list[tuple[str, Any]] = [
        # A duplicate of the break already in cycle 1: the restored index must know it.
        (
            "kernel",
            RecordBreak(1, BreakKind.CLIENT_BALANCE, "broker-1", PSEUDONYM, "USD", 1, 2, 3, 4, 5),
        ),
        ("regulator", SuspendLicence("broker-1", "late returns")),
        ("regulator", GrantLicence("broker-3", Role.BROKER, "again")),
        ("regulator", RunReconciliation(2)),
        ("kernel", RecordBreak(2, BreakKind.WALLET, "", "", "BTC", 1, 2, 0, 0, -1)),
        ("regulator", HaltMarket("BTCUSDT", "again")),
    ]
    for seq, (submitter, command) in enumerate(commands, start=100):
        ctx = Context(seq=seq, timestamp_ns=seq, submitter=submitter)
        outcome = decide(world, command, ctx)
        assert encode(decide(restored, command, ctx)) == encode(outcome)
        if isinstance(outcome, list):
            for event in outcome:
                evolve(world, event)
                evolve(restored, event)
        assert state_hash(restored) == state_hash(world)


def test_the_hash_does_not_depend_on_the_order_of_independent_history() -> None:
    one, two = RegulatorState(), RegulatorState()
    a = GrantLicence("broker-a", Role.BROKER, "ok")
    b = GrantLicence("venue-b", Role.VENUE, "ok")
    h1, h2 = HaltMarket("AAA", "why"), HaltMarket("BBB", "why")
    ctx = Context(seq=1, timestamp_ns=1, submitter="regulator")
    for state, commands in ((one, (a, b, h1, h2)), (two, (h2, b, h1, a))):
        for command in commands:
            outcome = decide(state, command, ctx)
            assert isinstance(outcome, list)
            for event in outcome:
                evolve(state, event)
    assert state_hash(one) == state_hash(two)


def test_garbage_is_refused() -> None:
    with pytest.raises(ConditionFailed):
        restore(b"\x00garbage")


def test_a_non_canonical_order_is_refused(world: RegulatorState) -> None:
    snap = canonical(world)
    shuffled = msgspec.structs.replace(snap, licences=tuple(reversed(snap.licences)))
    with pytest.raises(ConditionFailed, match="not sorted"):
        restore(encode(shuffled))


def test_a_licence_without_history_is_refused(world: RegulatorState) -> None:
    snap = canonical(world)
    first = msgspec.structs.replace(snap.licences[0], history=())
    forged = msgspec.structs.replace(snap, licences=(first, *snap.licences[1:]))
    with pytest.raises(ConditionFailed, match="no history"):
        restore(encode(forged))


def test_a_revoked_licence_brought_back_is_refused(world: RegulatorState) -> None:
    snap = canonical(world)
    licences = list(snap.licences)
    index = next(i for i, r in enumerate(licences) if r.institution_id == "broker-3")
    revoked = licences[index]
    back = LicenceChange(50, 50, LicenceStatus.ACTIVE, "back in business")
    licences[index] = msgspec.structs.replace(
        revoked, status=LicenceStatus.ACTIVE, changed_seq=50, history=(*revoked.history, back)
    )
    forged = msgspec.structs.replace(snap, licences=tuple(licences))
    with pytest.raises(ConditionFailed, match="went from revoked to active"):
        restore(encode(forged))


def test_a_break_recorded_twice_is_refused(world: RegulatorState) -> None:
    snap = canonical(world)
    forged = msgspec.structs.replace(snap, breaks=snap.breaks * 2)
    with pytest.raises(ConditionFailed, match="twice"):
        restore(encode(forged))


def test_a_break_of_a_cycle_not_run_is_refused(world: RegulatorState) -> None:
    snap = canonical(world)
    late = msgspec.structs.replace(snap.breaks[0], cycle=7)
    forged = msgspec.structs.replace(snap, breaks=(late,))
    with pytest.raises(ConditionFailed, match="not run"):
        restore(encode(forged))
