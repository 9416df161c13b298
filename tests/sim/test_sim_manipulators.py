"""Each scripted manipulator stages its episode through client commands, writes its ground-truth
label (pseudonyms, market, first and last act), and surveillance, reading only the public
stream, raises an alert of the right type about it, within a second of its last act; the
background market alone raises none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seawall.sim import manipulators as m
from seawall.sim.runner import SimConfig, run
from seawall.surveillance.evaluate import matches

S = 10**9


def _one(
    kind: type[m.Manipulator], symbol: str, begin_s: int, end_s: int, **extra: Any
) -> Callable[..., list[Any]]:
    def build(seed: int, specs: Any, start_ns: int, end_ns: int, institution: Any) -> list[Any]:
        window = (start_ns + begin_s * S, start_ns + end_s * S)
        if kind is m.FrontRunner:
            return [m.FrontRunner("insider", seed, "broker-b", "BTCUSD", *window, institution)]
        return [kind(kind.__name__.lower(), seed, "broker-a", symbol, *window, **extra)]

    return build


CASES = [
    ("wash self", _one(m.WashSelf, "BTCUSD", 20, 150), {}),
    ("wash owner", _one(m.WashOwner, "BTCUSD", 20, 150), {}),
    ("wash collusion", _one(m.WashCollusion, "BTCUSD", 20, 200), {}),
    ("spoofing", _one(m.Spoofing, "BTCUSD", 60, 200), {}),
    ("layering", _one(m.Layering, "BTCUSD", 60, 200), {}),
    ("pump and dump", _one(m.PumpAndDump, "LTCUSD", 30, 240), {"duration_s": 300}),
    ("ramping", _one(m.Ramping, "LTCUSD", 30, 210), {}),
    ("operator nominee", _one(m.OperatorTrading, "BTCUSD", 20, 120, disguise="nominee"), {}),
    ("operator algorithm", _one(m.OperatorTrading, "BTCUSD", 20, 120, disguise="algorithm"), {}),
    ("front running", _one(m.FrontRunner, "BTCUSD", 0, 400), {"duration_s": 420}),
    (
        "marking the close",
        _one(m.MarkingTheClose, "LTCUSD", 100, 149),
        {"start_before_close_s": 150, "duration_s": 200},
    ),
]


@pytest.mark.parametrize(("case", "build", "config"), CASES, ids=[c[0] for c in CASES])
def test_each_manipulation_is_labelled_and_caught(
    short: Any, case: str, build: Any, config: dict[str, Any]
) -> None:
    simulation = short(seed=31, add_agents=build, **config)
    result = simulation.result
    (label,) = result.labels
    assert label.subjects and all(s in result.accounts for s in label.subjects)
    assert simulation.start_ns <= label.start_ns <= label.end_ns <= simulation.end_ns
    caught = [
        (alert, when)
        for alert, when in zip(result.alerts, result.alert_ns, strict=True)
        if matches(alert, when, label, 300 * S)
    ]
    assert caught, f"{case}: {[(a.alert_type, a.detector) for a in result.alerts]}"
    assert min(when for _, when in caught) - label.end_ns <= S
    others = [a for a in result.alerts if str(a.alert_type) != str(label.alert_type)]
    assert others == [], [(a.alert_type, a.subjects) for a in others]


def test_the_operator_account_is_restricted_and_linked(short: Any) -> None:
    build = _one(m.OperatorTrading, "BTCUSD", 20, 60, disguise="same_person")
    simulation = short(seed=32, add_agents=build, duration_s=90)
    public = [
        simulation.projector.project(s.body)
        for s in simulation.store.read(1, simulation.result.last_seq)
    ]
    restricted = [
        event["account_id"]
        for entry in public
        for event in entry.events
        if event["k"] == "venue.account_restricted"
    ]
    (label,) = simulation.result.labels
    assert restricted and restricted[0] in label.subjects
    kyc = {
        event["account_id"]: event["kyc"]
        for entry in public
        for event in entry.events
        if event["k"] == "identity.client_onboarded"
    }
    first, second = label.subjects
    assert kyc[first] == kyc[second]


def test_every_scenario_is_known() -> None:
    assert set(m.SCENARIOS) >= {
        "clean",
        "wash_self",
        "wash_owner",
        "wash_collusion",
        "spoofing",
        "layering",
        "pump_and_dump",
        "front_running",
        "marking_the_close",
        "ramping",
        "operator_nominee",
        "operator_same_person",
        "operator_algorithm",
    }


def test_the_background_market_alone_raises_no_alert() -> None:
    result = run(SimConfig(seed=41, scenario="clean"))
    assert result.labels == [] and result.alerts == []
