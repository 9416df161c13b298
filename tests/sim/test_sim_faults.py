"""Fault injection: a run with market crashes, lost and duplicated client messages and a
surveillance crash still gives a journal that verifies and replays to the live state, with
institutions' invariants intact, no client order id accepted twice, and the same alerts a
surveillance that never crashed would raise."""

from __future__ import annotations

from collections import Counter
from typing import Any

from seawall.core.codec import encode
from seawall.journal import verify_journal
from seawall.kernel import replay
from seawall.sim.manipulators import WashSelf
from seawall.sim.runner import FaultPlan

S = 10**9


def _washer(seed: int, specs: Any, start_ns: int, end_ns: int, institution: Any) -> list[Any]:
    return [WashSelf("washer", seed, "broker-b", "BTCUSD", start_ns + 20 * S, start_ns + 200 * S)]


def test_crashes_and_bad_messages_leave_a_sound_journal(short: Any) -> None:
    faults = FaultPlan(crash_at_s=(40, 41, 150), drop_permille=30, duplicate_permille=30)
    simulation = short(seed=8, add_agents=_washer, faults=faults)
    result = simulation.result
    assert result.faults["crashes"] == 3
    assert result.faults["dropped"] > 10 and result.faults["duplicated"] > 10
    report = verify_journal(simulation.store)
    assert report.last_seq == result.last_seq
    assert replay(simulation.store).state_hash == result.state_hash
    simulation.market.check_invariants()
    public = [
        simulation.projector.project(s.body) for s in simulation.store.read(1, result.last_seq)
    ]
    accepted = Counter(
        (e.command["account_id"], e.command["client_order_id"])
        for e in public
        if e.command.get("k") == "broker.place_order" and e.rejection is None
    )
    assert accepted and max(accepted.values()) == 1
    refused = Counter(e.rejection.name for e in public if e.rejection is not None)
    assert refused["DUPLICATE_CLIENT_ORDER_ID"] > 0
    # Surveillance read only committed entries: what a crash lost it never saw.
    assert result.alerts and all(a.seq_to <= result.last_seq for a in result.alerts)


def test_a_surveillance_crash_changes_no_alert(short: Any) -> None:
    calm = short(seed=9, add_agents=_washer).result
    crashed = short(
        seed=9, add_agents=_washer, faults=FaultPlan(surveillance_crash_at_s=(30, 100, 101))
    ).result
    assert crashed.faults["surveillance_crashes"] == 3
    assert [encode(a) for a in crashed.alerts] == [encode(a) for a in calm.alerts]
    assert crashed.head_hash == calm.head_hash
