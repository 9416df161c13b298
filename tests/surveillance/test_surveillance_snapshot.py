"""Snapshots: ``restore(snapshot(state))`` has the same hash and decides the same; the hash is
the snapshot's bytes under surveillance's domain; a snapshot that is not canonical, or that
describes an impossible register, is refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256
from seawall.surveillance import (
    STATE_HASH_DOMAIN,
    Agency,
    AttachWarrant,
    CaseOutcome,
    CloseCase,
    OpenCase,
    RecordAccess,
    ShareCase,
    SurveillanceSnapshot,
    SurveillanceState,
    canonical,
    decide,
    restore,
    snapshot,
    state_hash,
)

P1 = "p" + "1" * 24
P2 = "p" + "2" * 24


@pytest.fixture
def world(driver: Any, alert: Any) -> SurveillanceState:
    state = SurveillanceState()
    driver.ok(state, alert(subjects=(P1, P2)))
    driver.ok(state, alert(alert_id="b-1", alert_type="spoofing", subjects=(P2,)))
    driver.ok(state, alert(alert_id="c-1", evidence={"n": 3, "seqs": (1, 2, 3), "w": "x"}))
    driver.ok(state, OpenCase("case-b", ("b-1",), "inv-1", "layering on BTCUSD"))
    driver.ok(state, OpenCase("case-a", ("wash.same_owner-50-0", "c-1"), "inv-2", "wash"))
    driver.ok(state, ShareCase("case-a", Agency.MONETARY_AUTHORITY, "value transfer"))
    driver.ok(state, AttachWarrant("case-a", "w-1", P1), "regulator")
    driver.ok(state, ShareCase("case-a", Agency.POLICE, "referral"))
    driver.ok(state, RecordAccess("case-a", Agency.POLICE, "pc-9", "investigation"))
    driver.ok(state, CloseCase("case-b", CaseOutcome.NO_ACTION, "market maker, not spoofing"))
    return state


def test_round_trip_keeps_the_hash(world: SurveillanceState) -> None:
    data = snapshot(world)
    restored = restore(data)
    assert state_hash(restored) == state_hash(world)
    assert snapshot(restored) == data
    assert restored.alert_counts == world.alert_counts


def test_the_hash_is_the_snapshot_under_the_domain(world: SurveillanceState) -> None:
    assert state_hash(world) == sha256(STATE_HASH_DOMAIN.encode() + b"\x00" + snapshot(world))


def test_empty_round_trip() -> None:
    assert state_hash(restore(snapshot(SurveillanceState()))) == state_hash(SurveillanceState())


def test_a_restored_state_decides_the_same(
    world: SurveillanceState, driver: Any, alert: Any
) -> None:
    restored = restore(snapshot(world))
    commands: list[tuple[str, Any]] = [
        ("surveillance", alert()),
        ("surveillance", alert(alert_id="new-1")),
        ("surveillance", ShareCase("case-a", Agency.POLICE, "again")),
        ("surveillance", RecordAccess("case-a", Agency.MONETARY_AUTHORITY, "hk", "aml")),
        ("surveillance", RecordAccess("case-b", Agency.POLICE, "pc", "x")),
        ("regulator", AttachWarrant("case-a", "w-2", P2)),
        ("surveillance", CloseCase("case-b", CaseOutcome.REFERRED, "again")),
    ]
    for submitter, command in commands:
        ctx = driver.ctx(submitter)
        assert encode(decide(world, command, ctx)) == encode(decide(restored, command, ctx))


def test_snapshots_that_are_not_canonical_or_consistent_are_refused(
    world: SurveillanceState,
) -> None:
    snap = canonical(world)
    swapped = msgspec.structs.replace(snap, cases=tuple(reversed(snap.cases)))
    with pytest.raises(ConditionFailed):
        restore(encode(swapped))
    doubled = msgspec.structs.replace(snap, alerts=(*snap.alerts, snap.alerts[0]))
    with pytest.raises(ConditionFailed):
        restore(encode(doubled))
    wrong_subjects = msgspec.structs.replace(
        snap, cases=(msgspec.structs.replace(snap.cases[0], subjects=(P2,)), snap.cases[1])
    )
    with pytest.raises(ConditionFailed):
        restore(encode(wrong_subjects))
    unknown_alert = msgspec.structs.replace(
        snap,
        cases=(msgspec.structs.replace(snap.cases[0], alert_ids=("ghost",)), snap.cases[1]),
    )
    with pytest.raises(ConditionFailed):
        restore(encode(unknown_alert))
    with pytest.raises(ConditionFailed):
        restore(b"\x01\x02")
    assert isinstance(snap, SurveillanceSnapshot)
