"""The engine: deterministic alerts with the run's input range, entries before the range as
context only, every alert a valid ``RaiseAlert`` for the institution, detectors as plug-ins."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from seawall.core.codec import encode
from seawall.core.machine import Context, Rejection
from seawall.surveillance import AlertType, SurveillanceState, decide
from seawall.surveillance.detectors import DETECTORS, Detector, Event, Handler, register
from seawall.surveillance.engine import Surveillance

BUY, SELL = 1, 2
A = "p" + "a" * 24
B = "p" + "b" * 24


def _self_trades(stream: Any, rounds: int = 2) -> None:
    stream.market()
    stream.onboard(A, kyc="h:x")
    stream.onboard(B, kyc="h:x")
    for _ in range(rounds):
        stream.order(A, SELL, 9_000_000, 700)
        stream.order(A, BUY, 9_000_000, 700, tif=2)
        stream.order(B, SELL, 9_000_000, 300)
        stream.order(A, BUY, 9_000_000, 300, tif=2)
        stream.advance(700)


def test_alerts_are_deterministic_and_name_their_inputs(stream: Any) -> None:
    _self_trades(stream)
    first = Surveillance().run(stream.entries)
    second = Surveillance().run(stream.entries)
    assert [encode(a) for a in first] == [encode(a) for a in second]
    assert len(first) == 4  # two episodes (cooldown 600 s), each: a self-trade and a kyc link
    for alert in first:
        assert alert.seq_from == 1
        entry = stream.entries[alert.seq_to - 1]
        assert alert.observed_ns == entry.timestamp_ns
        assert alert.alert_id == f"{alert.detector}-{alert.seq_to}-0"
        assert alert.parameters == dict(sorted(DETECTORS[alert.detector].defaults.items()))
        assert list(alert.evidence) == sorted(alert.evidence)


def test_every_alert_is_accepted_by_the_institution(stream: Any) -> None:
    _self_trades(stream)
    state = SurveillanceState()
    last = stream.entries[-1]
    for index, alert in enumerate(Surveillance().run(stream.entries)):
        ctx = Context(
            seq=last.seq + 1 + index, timestamp_ns=last.timestamp_ns + 1, submitter="surveillance"
        )
        outcome = decide(state, alert, ctx)
        assert not isinstance(outcome, Rejection), outcome


def test_entries_before_the_range_are_context_only(stream: Any) -> None:
    _self_trades(stream)
    # Start after the onboarding and the first episode: the kyc link is still known (context)
    # but the first episode's trades were not read.
    first_episode_ns = stream.entries[3].timestamp_ns
    start = next(e.seq for e in stream.entries if e.timestamp_ns > first_episode_ns)
    alerts = Surveillance(run_from_seq=start).run(stream.entries)
    assert {a.seq_from for a in alerts} == {start}
    assert all(a.seq_to >= start for a in alerts)
    assert len(alerts) == 2
    assert {a.evidence["link"] for a in alerts} == {"same_account", "kyc"}
    with pytest.raises(ValueError, match="seq order"):
        engine = Surveillance()
        engine.feed(stream.entries[3])
        engine.feed(stream.entries[2])


def test_a_range_ending_early_sees_only_what_it_read(stream: Any) -> None:
    _self_trades(stream)
    everything = Surveillance().run(stream.entries)
    cut = everything[0].seq_to
    assert Surveillance().run(stream.entries, to_seq=cut) == [everything[0]]


def test_detectors_are_plug_ins(stream: Any) -> None:
    class BigTrade(Detector):
        name: ClassVar[str] = "test.big_trade"
        alert_type: ClassVar[AlertType] = AlertType.WASH_TRADING
        defaults: ClassVar[dict[str, int | str]] = {"min_lots": 500}

        def handlers(self) -> dict[str, Handler]:
            return {"venue.trade": self._trade}

        def _trade(self, event: Event) -> None:
            if event["quantity_lots"] >= self.p("min_lots"):
                self.raise_alert(event["symbol"], [event["taker_account_id"]], {"n": 1})

    register(BigTrade)
    try:
        _self_trades(stream, rounds=1)
        alerts = Surveillance(
            detectors=["test.big_trade"], parameters={"test.big_trade": {"min_lots": 600}}
        ).run(stream.entries)
        assert [a.evidence for a in alerts] == [{"n": 1}]
        assert alerts[0].parameters == {"min_lots": 600}
        with pytest.raises(ValueError):
            register(BigTrade)
        with pytest.raises(ValueError):
            Surveillance(
                detectors=["test.big_trade"], parameters={"test.big_trade": {"min_lots": 1.5}}
            )
        with pytest.raises(ValueError):
            Surveillance(detectors=["nope"])
    finally:
        del DETECTORS["test.big_trade"]


def test_detector_parameters_are_integers_or_strings() -> None:
    for name, detector in DETECTORS.items():
        assert detector.name == name and detector.version >= 1
        for key, value in detector.defaults.items():
            assert isinstance(value, int | str) and not isinstance(value, bool), (name, key)
