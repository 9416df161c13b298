"""The compiled matching core against the pure-Python engine, its oracle.

The stateful comparison (``test_venue_stateful.py``) runs the core beside the other venues on
every random step; here are the cases it reaches rarely: values beyond 64 bits, strings that are
not ASCII, every rejection message, the benchmark's workloads event for event, loading and
dumping state, the rare commands that go through ``decide``, and reference counts (a C core that
leaked or freed one reference too many would show it here before it crashed anything).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection
from seawall.venue import compiled
from seawall.venue.bench import _command, _market_command, make_workload
from seawall.venue.commands import (
    AccountRole,
    AmendOrder,
    CancelOrder,
    CreateMarket,
    HaltMarket,
    OrderType,
    PlaceOrder,
    RestrictAccount,
    Side,
    StpMode,
    TimeInForce,
)
from seawall.venue.engine import apply
from seawall.venue.events import OrderCancelled
from seawall.venue.machine import new_state, state_hash

CTX = Context(seq=1, timestamp_ns=1, submitter="kernel")

pytestmark = pytest.mark.skipif(
    not compiled.available() and os.environ.get("CI") != "true",
    reason="the compiled core was not built here (no C compiler when the package was installed)",
)


def test_the_package_build_compiles_the_core() -> None:
    # In CI the package is built with a C compiler present: the core must be there.
    assert compiled.available()


def _market(**terms: Any) -> CreateMarket:
    return CreateMarket(
        "AAA",
        AssetCode("AAA"),
        AssetCode("USD"),
        "0.01",
        "0.001",
        min_notional_tick_lots=terms.get("min_notional", 0),
        price_band_bps=terms.get("band", 0),
        reference_price_ticks=terms.get("reference", 0),
        restricted_accounts=terms.get("restricted", ()),
    )


class Pair:
    """The Python engine and the compiled core, fed the same commands and compared each time."""

    def __init__(self, *commands: Any) -> None:
        self.state = new_state()
        self.core = compiled.CompiledVenue()
        for command in commands:
            self.run(command)

    def run(self, command: Any) -> Any:
        expected = apply(self.state, command, CTX)
        got = self.core.apply(command, CTX)
        assert got == expected, (command, got, expected)
        assert self.core.state_hash() == state_hash(self.state), command
        return got


BIG = [0, 1, -1, 5, 100, 10**12, 10**12 + 1, 2**63 - 1, 2**63, 2**64 + 3, -(2**63), -(2**70)]
TEXT = ["", "a", "c-1", "x" * 36, "x" * 37, "é", "a b", "-a", "a.b:c_d-e", "\U0001f600"]
ACCOUNTS = ["a", "b", "", "x" * 64, "x" * 65, "ü"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    side=st.sampled_from(Side),
    kind=st.sampled_from(
        [(t, f) for t in OrderType for f in TimeInForce],
    ),
    price=st.sampled_from([*BIG, 99, 100, 101]),
    quantity=st.sampled_from(BIG),
    quote=st.sampled_from([0, 0, 0, *BIG]),
    client_order_id=st.sampled_from(TEXT),
    stp_group=st.sampled_from(TEXT),
    account=st.sampled_from(ACCOUNTS),
    stp_mode=st.sampled_from(StpMode),
    band=st.sampled_from([0, 100]),
    min_notional=st.sampled_from([0, 500, 2**63 - 1]),
)
def test_extreme_orders_get_the_python_outcome_to_the_letter(
    side: Side,
    kind: tuple[OrderType, TimeInForce],
    price: int,
    quantity: int,
    quote: int,
    client_order_id: str,
    stp_group: str,
    account: str,
    stp_mode: StpMode,
    band: int,
    min_notional: int,
) -> None:
    pair = Pair(
        _market(band=band, min_notional=min_notional, reference=100),
        PlaceOrder("AAA", AccountId("b"), Side.SELL, price_ticks=100, quantity_lots=10),
        PlaceOrder("AAA", AccountId("b"), Side.BUY, price_ticks=99, quantity_lots=10),
    )
    order_type, tif = kind
    pair.run(
        PlaceOrder(
            "AAA",
            AccountId(account),
            side,
            order_type,
            tif,
            price_ticks=price,
            quantity_lots=quantity,
            quote_quantity_tick_lots=quote,
            client_order_id=client_order_id,
            stp_mode=stp_mode,
            stp_group=stp_group,
        )
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order_id=st.sampled_from([0, 1, 2, 3, -1, 2**63, 2**64]),
    client_order_id=st.sampled_from(["", "c1", "nope"]),
    account=st.sampled_from(ACCOUNTS),
    price=st.sampled_from([*BIG, 98, 101, 102]),
    quantity=st.sampled_from([*BIG, 2, 3, 4]),
    symbol=st.sampled_from(["AAA", "ZZZ", ""]),
    halted=st.booleans(),
)
def test_cancels_and_amendments_get_the_python_outcome_to_the_letter(
    order_id: int,
    client_order_id: str,
    account: str,
    price: int,
    quantity: int,
    symbol: str,
    halted: bool,
) -> None:
    pair = Pair(
        _market(band=500, min_notional=10, reference=100),
        PlaceOrder(
            "AAA", AccountId("a"), Side.BUY, price_ticks=100, quantity_lots=5, client_order_id="c1"
        ),
        PlaceOrder("AAA", AccountId("b"), Side.SELL, price_ticks=100, quantity_lots=2),
        PlaceOrder(
            "AAA",
            AccountId("b"),
            Side.SELL,
            price_ticks=103,
            quantity_lots=2,
            order_type=OrderType.LIMIT_MAKER,
        ),
    )
    if halted:
        pair.run(HaltMarket("AAA"))
    pair.run(AmendOrder(symbol, AccountId(account), price, quantity, order_id, client_order_id))
    pair.run(CancelOrder(symbol, AccountId(account), order_id, client_order_id))


@pytest.mark.parametrize("workload", ["W1", "W2", "W3", "W4"])
def test_the_benchmark_workloads_event_for_event(workload: str) -> None:
    prefill, timed = make_workload(workload, 4000, 4000)
    pair = Pair(_market_command())
    for op in (*prefill, *timed):
        command = _command(op)
        assert pair.core.apply(command, CTX) == apply(pair.state, command, CTX), command
    assert pair.core.state_hash() == state_hash(pair.state)
    market = pair.state.markets["BENCH"]
    assert pair.core.resting() == (
        len(market.orders),
        sum(node.open_lots for node in market.orders.values()),
    )


def test_a_loaded_state_carries_on_with_client_order_ids_and_priority() -> None:
    pair = Pair(
        _market(),
        PlaceOrder(
            "AAA",
            AccountId("a"),
            Side.BUY,
            price_ticks=100,
            quantity_lots=5,
            client_order_id="first",
        ),
        PlaceOrder("AAA", AccountId("b"), Side.BUY, price_ticks=100, quantity_lots=5),
        PlaceOrder("AAA", AccountId("c"), Side.SELL, price_ticks=100, quantity_lots=3),
    )
    loaded = compiled.CompiledVenue(pair.core.to_state())
    assert loaded.state_hash() == state_hash(pair.state)
    pair.core = loaded
    # the client order id survived the load; the duplicate is refused, the cancel finds it
    pair.run(
        PlaceOrder(
            "AAA",
            AccountId("a"),
            Side.BUY,
            price_ticks=90,
            quantity_lots=1,
            client_order_id="first",
        )
    )
    events = pair.run(CancelOrder("AAA", AccountId("a"), client_order_id="first"))
    assert isinstance(events[0], OrderCancelled)
    assert events[0].quantity_lots == 2  # 3 of its 5 lots traded before the load
    # priority survived too: b's order, second in the queue, is now first
    trades = pair.run(
        PlaceOrder("AAA", AccountId("c"), Side.SELL, price_ticks=100, quantity_lots=1)
    )
    assert trades[1].maker_account_id == "b"


def test_rare_commands_go_through_decide_and_come_back() -> None:
    pair = Pair(
        _market(),
        PlaceOrder("AAA", AccountId("op"), Side.BUY, price_ticks=100, quantity_lots=5),
        PlaceOrder("AAA", AccountId("a"), Side.SELL, price_ticks=105, quantity_lots=5),
    )
    events = pair.run(RestrictAccount(AccountId("op"), AccountRole.OPERATOR))
    assert any(isinstance(e, OrderCancelled) for e in events)
    refused = pair.run(
        PlaceOrder("AAA", AccountId("op"), Side.BUY, price_ticks=100, quantity_lots=1)
    )
    assert isinstance(refused, Rejection) and refused.name == "RESTRICTED_ACCOUNT"
    assert isinstance(pair.run(_market()), Rejection)  # listed already
    pair.run(HaltMarket("AAA"))
    halted = pair.run(PlaceOrder("AAA", AccountId("a"), Side.BUY, price_ticks=100, quantity_lots=1))
    assert isinstance(halted, Rejection) and halted.name == "MARKET_HALTED"


def test_only_the_hot_commands_reach_the_core_directly() -> None:
    core = compiled.CompiledVenue()
    with pytest.raises(TypeError, match="PlaceOrder, CancelOrder and AmendOrder"):
        core.apply_hot(_market())


def test_reference_counts_come_back_to_where_they_were() -> None:
    account = AccountId("".join(["refcounted", "-account"]))  # a fresh object, not interned
    coid = "".join(["client", "-1"])
    core = compiled.CompiledVenue()
    core.apply(_market(), CTX)
    before = (sys.getrefcount(account), sys.getrefcount(coid))
    for i in range(200):
        place = PlaceOrder(
            "AAA", account, Side.BUY, price_ticks=100 + i % 3, quantity_lots=2, client_order_id=coid
        )
        events = core.apply(place, CTX)
        assert not isinstance(events, Rejection)
        take = PlaceOrder("AAA", AccountId("b"), Side.SELL, price_ticks=90, quantity_lots=1)
        core.apply(take, CTX)
        amend = AmendOrder("AAA", account, 105, 3, client_order_id=coid)
        core.apply(amend, CTX)
        core.apply(CancelOrder("AAA", account, client_order_id=coid), CTX)
        del place, amend, take, events
    assert core.resting() == (0, 0)
    assert (sys.getrefcount(account), sys.getrefcount(coid)) == before


def test_events_are_built_in_their_slots() -> None:
    # The core fills event structs directly when msgspec lays them out as plain slots (it proved
    # at start-up that such an instance equals one the class builds); the fallback, calling the
    # class, is correct but slower, and a msgspec upgrade that forced it should be noticed.
    assert compiled.CompiledVenue().direct_events() == (True,) * 6
