"""End to end, with surveillance registered in the kernel (as the kernel owner will): a
simulated market's alerts are journaled by ``surveillance``, appear whole in the public
projection, survive replay, and a re-run over the public log reproduces them byte for byte;
case handling goes through the journal too, refusals included."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.signing import SigningKey
from seawall.kernel import replay
from seawall.sim.manipulators import CLOSE_NS, WashOwner
from seawall.sim.runner import FaultPlan, SimConfig, Simulation
from seawall.surveillance import (
    Agency,
    AttachWarrant,
    OpenCase,
    RaiseAlert,
    RecordAccess,
    ShareCase,
    alert_counts,
    case,
)
from seawall.surveillance import (
    SurveillanceRejection as R,
)
from seawall.surveillance.engine import journaled_alerts, reproduce

pytestmark = pytest.mark.usefixtures("registered")


def _wash(seed: int, specs: Any, start_ns: int, end_ns: int, institution: Any) -> list[Any]:
    return [
        WashOwner(
            "washer", seed, "broker-a", "BTCUSD", start_ns + 30 * 10**9, start_ns + 150 * 10**9
        )
    ]


def _simulate(faults: FaultPlan | None = None) -> Simulation:
    config = SimConfig(
        seed=11, duration_s=200, add_agents=_wash, faults=faults or FaultPlan(), noise_traders=8
    )
    simulation = Simulation(config, MemoryJournalStore(), SigningKey.from_label("t"), b"p" * 32)
    simulation.result = simulation.run()  # type: ignore[attr-defined]
    return simulation


def test_alerts_are_journaled_public_and_reproducible() -> None:
    simulation = _simulate()
    result = simulation.result  # type: ignore[attr-defined]
    assert result.journaled and result.alerts
    assert {a.alert_type for a in result.alerts} == {"wash_trading"}
    state = simulation.market.state("surveillance")
    assert alert_counts(state)["wash_trading"] == len(result.alerts)
    # Replay re-decides every entry, the alerts included, to the same state.
    assert replay(simulation.store).state_hash == result.state_hash
    # The public entries carry each alert whole.
    public = [
        simulation.projector.project(s.body) for s in simulation.store.read(1, result.last_seq)
    ]
    assert [alert for _, alert in journaled_alerts(public)] == result.alerts
    # Anyone re-running the detectors over the public log gets the same alerts.
    _, check = reproduce(lambda: public, 1, result.last_seq)
    assert check.exact and len(check.reproduced) == len(result.alerts)
    # A label-free look at the timing: every alert is journaled within one step of its input.
    for alert, journaled_ns in zip(result.alerts, result.alert_ns, strict=True):
        assert 0 <= journaled_ns - alert.observed_ns <= simulation.config.step_ns
        assert journaled_ns < CLOSE_NS


def test_faults_do_not_lose_or_double_alerts() -> None:
    faults = FaultPlan(
        crash_at_s=(60, 120),
        drop_permille=20,
        duplicate_permille=20,
        surveillance_crash_at_s=(90,),
    )
    simulation = _simulate(faults)
    result = simulation.result  # type: ignore[attr-defined]
    assert result.faults["crashes"] == 2 and result.faults["surveillance_crashes"] == 1
    assert result.faults["dropped"] and result.faults["duplicated"]
    ids = [alert.alert_id for alert in result.alerts]
    assert ids and len(ids) == len(set(ids))
    assert replay(simulation.store).state_hash == result.state_hash
    simulation.market.check_invariants()
    public = [
        simulation.projector.project(s.body) for s in simulation.store.read(1, result.last_seq)
    ]
    duplicates = [
        e for e in public if e.rejection is not None and e.rejection.code == R.DUPLICATE_ALERT
    ]
    assert all(e.command["alert_id"] in ids for e in duplicates)
    _, check = reproduce(lambda: public, 1, result.last_seq)
    assert check.exact


def test_cases_are_worked_through_the_journal() -> None:
    simulation = _simulate()
    market = simulation.market
    first: RaiseAlert = simulation.result.alerts[0]  # type: ignore[attr-defined]
    assert market.submit(
        OpenCase("case-1", (first.alert_id,), "inv-1", "linked accounts"), "surveillance"
    ).accepted
    denied = market.submit(RecordAccess("case-1", Agency.POLICE, "pc-7", "curious"), "surveillance")
    assert denied.rejection is not None and denied.rejection.code == R.ACCESS_DENIED
    assert market.submit(
        ShareCase("case-1", Agency.MONETARY_AUTHORITY, "value transfer"), "surveillance"
    ).accepted
    warrant = AttachWarrant("case-1", "w-1", first.subjects[0])
    assert market.submit(warrant, "surveillance").rejection.code == R.WRONG_SUBMITTER  # type: ignore[union-attr]
    assert market.submit(warrant, "regulator").accepted
    assert market.submit(ShareCase("case-1", Agency.POLICE, "referral"), "surveillance").accepted
    assert market.submit(
        RecordAccess("case-1", Agency.POLICE, "pc-7", "investigation"), "surveillance"
    ).accepted
    market.commit()
    record = case(market.state("surveillance"), "case-1")
    assert record is not None and [a.agency for a in record.accesses] == [Agency.POLICE]
    assert replay(simulation.store).state_hash == market.state_hash()
    last = simulation.store.last_seal().last_seq  # type: ignore[union-attr]
    public = simulation.projector.project(next(iter(simulation.store.read(last - 2, last))).body)
    assert msgspec.to_builtins(public.command)["k"].startswith("surveillance.")
