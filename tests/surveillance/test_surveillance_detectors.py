"""Each detector on a small hand-built public stream: it fires on its pattern, with the evidence
that explains it, and stays quiet on the look-alike that is not manipulation."""

from __future__ import annotations

from typing import Any

from seawall.surveillance.engine import Surveillance

BUY, SELL = 1, 2
P = {name: "p" + digit * 24 for name, digit in zip("ABCDEFGH", "12345678", strict=True)}
CLOSE_NS = 1_767_312_000_000_000_000


def _alerts(stream: Any, detector: str, **parameters: Any) -> list[Any]:
    engine = Surveillance(detectors=[detector], parameters={detector: parameters})
    return engine.run(stream.entries)


def _ladder(stream: Any, account: str, side: int, price: int, step: int, lots: int, n: int) -> None:
    for level in range(n):
        stream.order(account, side, price + level * step, lots)


def test_a_self_trade_is_wash_trading_once_per_episode(stream: Any) -> None:
    stream.market()
    stream.onboard(P["A"])
    for _ in range(3):
        stream.order(P["A"], SELL, 9_000_000, 700)
        stream.order(P["A"], BUY, 9_000_000, 700, tif=2)
        stream.advance(10)
    (alert,) = _alerts(stream, "wash.same_owner")
    assert alert.subjects == (P["A"],)
    assert alert.evidence["link"] == "same_account"
    assert alert.evidence["quantity_lots"] == 700


def test_one_person_at_two_brokers_is_one_owner(stream: Any) -> None:
    stream.market()
    stream.onboard(P["A"], "broker-a", kyc="h:same-person")
    stream.onboard(P["B"], "broker-b", kyc="h:same-person")
    stream.onboard(P["C"], "broker-b")
    stream.order(P["A"], SELL, 9_000_000, 500)
    stream.order(P["C"], BUY, 9_000_000, 100, tif=2)  # a stranger: no alert
    stream.order(P["B"], BUY, 9_000_000, 400, tif=2)
    (alert,) = _alerts(stream, "wash.same_owner")
    assert alert.subjects == (P["A"], P["B"]) and alert.evidence["link"] == "kyc"


def test_the_operator_trading_through_a_nominee(stream: Any) -> None:
    stream.market()
    stream.onboard(P["A"])
    stream.deposit(P["A"], "h:operator-bank")
    stream.restrict(P["A"])
    stream.onboard(P["B"], "broker-b")
    stream.deposit(P["B"], "h:operator-bank")  # the nominee's money is the operator's
    stream.onboard(P["C"])
    stream.deposit(P["C"], "h:someone-else")
    stream.onboard(P["D"], owner=P["A"])  # an algorithm the operator owns
    stream.order(P["C"], BUY, 8_990_000, 100)
    stream.order(P["B"], BUY, 8_990_000, 100)
    stream.order(P["D"], SELL, 9_010_000, 100)
    first, second = _alerts(stream, "operator.linked_account")
    assert first.subjects == (P["A"], P["B"]) and "origin" in first.evidence["link"]
    assert first.evidence["restricted_roles"] == (1,)
    assert second.subjects == (P["A"], P["D"])
    assert second.evidence["link"] == "algorithm_owner+origin"


def test_colluders_trading_back_and_forth(stream: Any) -> None:
    stream.market()
    for name in "ABCDE":
        stream.onboard(P[name])
    for round_ in range(8):
        seller, buyer = (P["A"], P["B"]) if round_ % 2 == 0 else (P["B"], P["A"])
        stream.order(seller, SELL, 9_000_000 + round_, 1_000 + round_)
        stream.order(buyer, BUY, 9_000_000 + round_, 1_000 + round_, tif=2)
        # A market maker trades with everybody: it is no colluder.
        for taker in "CDC" if round_ % 2 else "DCD":
            stream.order(P["E"], SELL, 9_000_100, 900)
            stream.order(P[taker], BUY, 9_000_100, 900, tif=2)
        stream.advance(15)
    (alert,) = _alerts(stream, "wash.collusion")
    assert alert.subjects == (P["A"], P["B"])
    assert alert.evidence["trades"] >= 6 and alert.evidence["reversals"] >= 3
    assert alert.evidence["lift_permille"] >= 4_000


def _warm_book(stream: Any, orders: int = 60) -> None:
    """Ordinary resting orders of 1,000 lots on both sides (the median size)."""
    for index in range(orders):
        side = BUY if index % 2 else SELL
        price = 8_990_000 - index if side == BUY else 9_010_000 + index
        stream.order(P["H"], side, price, 1_000)


def test_spoofing_large_orders_pulled_after_trading_the_other_way(stream: Any) -> None:
    stream.market()
    _warm_book(stream)
    for _ in range(2):
        spoof = stream.order(P["A"], BUY, 8_980_000, 20_000)  # large, below the touch
        stream.order(P["A"], SELL, 8_985_000, 1_000, tif=2)  # the real order, the other way
        stream.advance(3)
        stream.cancel(spoof)
        stream.advance(20)
    # A large order left to rest (or cancelled without trading the other way) is not spoofing.
    stream.order(P["B"], BUY, 8_980_000, 20_000)
    honest = stream.order(P["C"], BUY, 8_980_000, 20_000)
    stream.cancel(honest)
    (alert,) = _alerts(stream, "spoofing.cancelled_away")
    assert alert.subjects == (P["A"],)
    assert alert.evidence["spoof_events"] == 2 and alert.evidence["side"] == BUY


def test_layering_shows_the_levels_held_at_once(stream: Any) -> None:
    stream.market()
    _warm_book(stream)
    layers = [stream.order(P["A"], SELL, 9_020_000 + 100 * i, 15_000) for i in range(3)]
    stream.order(P["A"], BUY, 9_010_000, 1_000, tif=2)
    stream.advance(2)
    for order_id in layers:
        stream.cancel(order_id)
    (alert,) = _alerts(stream, "spoofing.cancelled_away")
    assert alert.evidence["levels_at_once"] == 3


def test_front_running_a_large_order(stream: Any) -> None:
    stream.market()
    _ladder(stream, P["H"], SELL, 9_000_000, 100, 1_000, 10)
    for index in range(45):  # ordinary taker orders of about 100 lots
        stream.order(P["G"], BUY if index % 2 else SELL, 9_000_000 if index % 2 else 1, 100, tif=2)
        _ladder(stream, P["H"], BUY, 8_990_000 - index, 0, 100, 1)
    stream.advance(5)
    stream.order(P["A"], BUY, 9_010_000, 3_000, tif=2)  # ahead of the client, same side
    exit_order = stream.order(P["A"], SELL, 9_003_000, 3_000)  # an exit for the client to hit
    stream.advance(1)
    stream.order(P["B"], BUY, 9_100_000, 10_000, tif=2)  # the large client order
    (alert,) = _alerts(stream, "front_running.ahead_of_large")
    assert alert.subjects == tuple(sorted((P["A"], P["B"])))
    assert alert.evidence["front_runner"] == P["A"] and alert.evidence["client"] == P["B"]
    assert alert.evidence["unwound_lots"] >= 1_500
    assert exit_order > 0


def _walk_up(stream: Any, account: str, orders: int, seconds: float, step: int) -> None:
    """``account`` lifts the ask ``orders`` times, the maker requoting ``step`` ticks higher."""
    price = 9_000_000
    for _ in range(orders):
        stream.order(P["H"], SELL, price, 500)
        stream.order(account, BUY, price + 10_000, 500, tif=2)
        price += step
        stream.advance(seconds)


def test_marking_the_close(stream: Any) -> None:
    stream.market()
    stream.now_ns = CLOSE_NS - 30 * 1_000_000_000
    _walk_up(stream, P["A"], 4, 5, step=10_000)
    (alert,) = _alerts(stream, "marking_close.pre_close")
    assert alert.subjects == (P["A"],) and alert.evidence["close_ns"] == CLOSE_NS
    assert alert.evidence["move_bps"] >= 20


def test_the_same_trades_far_from_the_close_are_not_marking(stream: Any) -> None:
    stream.market()
    stream.now_ns = CLOSE_NS - 3_600 * 1_000_000_000
    _walk_up(stream, P["A"], 4, 5, step=10_000)
    assert _alerts(stream, "marking_close.pre_close") == []


def test_ramping(stream: Any) -> None:
    stream.market()
    _walk_up(stream, P["A"], 8, 10, step=30_000)
    (alert,) = _alerts(stream, "ramping.one_way")
    assert alert.subjects == (P["A"],) and alert.evidence["move_bps"] >= 200
    assert alert.evidence["orders"] >= 6


def test_pump_and_dump(stream: Any) -> None:
    stream.market()
    price = 9_000_000
    for round_ in range(9):  # three accounts lift the price 9 times: about 4 %
        stream.order(P["H"], SELL, price, 600)
        stream.order(P["ABC"[round_ % 3]], BUY, price + 50_000, 600, tif=2)
        price += 45_000
        stream.advance(8)
    for round_ in range(6):  # then sell what they bought into the bids
        stream.order(P["G"], BUY, price - 20_000, 600)
        stream.order(P["ABC"[round_ % 3]], SELL, price - 30_000, 600, tif=2)
        stream.advance(5)
    (alert,) = _alerts(stream, "pump.coordinated")
    assert alert.subjects == tuple(sorted(P[x] for x in "ABC"))
    assert alert.evidence["rise_bps"] >= 300
    assert alert.evidence["sold_lots"] * 2 >= alert.evidence["bought_lots"]


def test_a_rise_without_a_dump_is_not_a_pump(stream: Any) -> None:
    stream.market()
    price = 9_000_000
    for round_ in range(9):
        stream.order(P["H"], SELL, price, 600)
        stream.order(P["ABC"[round_ % 3]], BUY, price + 50_000, 600, tif=2)
        price += 45_000
        stream.advance(8)
    assert _alerts(stream, "pump.coordinated") == []
