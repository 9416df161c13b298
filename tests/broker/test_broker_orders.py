"""Happy paths through the broker: order entry and holds, the order lifecycle from the hold to
the last fill, fees, cancels, downstream rejections, client standing and exposure, and the wall
between brokers."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.broker import (
    Actor,
    ApplyBalance,
    ApplyFill,
    BalanceApplied,
    BrokerRegistered,
    BrokerRejection,
    BrokerState,
    CancelRequested,
    ClientRegistered,
    CloseOrder,
    FillApplied,
    InvestorClass,
    ListMarket,
    MarketListed,
    MarkOrderOpen,
    OrderAccepted,
    OrderClosed,
    OrderOpened,
    OrderRejected,
    OrderStatus,
    OrderType,
    PlaceOrder,
    RecordLastPrice,
    RegisterBroker,
    RegisterClient,
    RejectOrder,
    RequestCancel,
    SetExposureLimit,
    Side,
    StpMode,
    TimeInForce,
    UpdateClientStanding,
    book_balance,
    broker_id_of,
    broker_info,
    broker_order_id_for,
    client,
    client_ids,
    decide,
    evolve,
    exposure,
    hold_id_for,
    market,
    markets,
    open_orders,
    order,
    order_by_client_id,
    order_by_venue_id,
    orders,
    state_hash,
)
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.machine import Context, Rejection

R = BrokerRejection
OPEN_BUY = "b1-00000001"
PENDING_SELL = "b1-00000002"
KERNEL = Context(seq=1, timestamp_ns=0, submitter="kernel")


class Foreign(msgspec.Struct, frozen=True, tag="elsewhere.thing", tag_field="k"):
    """A message of some other institution."""

    hold_id: str


def place(account_id: str = "alice", client_order_id: str = "", **kwargs: Any) -> PlaceOrder:
    fields: dict[str, Any] = {
        "broker_id": "b1",
        "account_id": account_id,
        "client_order_id": client_order_id,
        "symbol": "BTCUSD",
        "side": Side.BUY,
        "price_ticks": 5_000_000,
        "quantity_lots": 1_000,
    }
    fields.update(kwargs)
    return PlaceOrder(**fields)


def accepted(events: list[Any]) -> OrderAccepted:
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, OrderAccepted)
    return event


# --- order entry and holds ------------------------------------------------------------------------


def test_a_limit_buy_holds_notional_and_the_higher_fee(drive: Any, world: BrokerState) -> None:
    usd_before = book_balance(world, "b1", "alice", "USD")
    event = accepted(drive.ok(world, place(client_order_id="c-1", stp_mode=StpMode.EXPIRE_TAKER)))
    # 1_000 lots (0.01 BTC) at 50,000.00: 500.00 USD; taker 20 bps > maker 10: 1.00 USD.
    assert event == OrderAccepted(
        broker_id="b1",
        broker_order_id="b1-00000003",
        account_id="alice",
        client_order_id="c-1",
        symbol="BTCUSD",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        time_in_force=TimeInForce.GTC,
        price_ticks=5_000_000,
        quantity_lots=1_000,
        quote_quantity_minor=0,
        stp_mode=StpMode.EXPIRE_TAKER,
        hold_id="order:b1-00000003",
        hold_asset="USD",
        hold_amount_minor=50_100,
        maker_fee_bps=10,
        taker_fee_bps=20,
    )
    assert book_balance(world, "b1", "alice", "USD") == (usd_before[0], usd_before[1] + 50_100)
    record = order(world, "b1", "b1-00000003")
    assert record is not None
    assert record.status is OrderStatus.PENDING_HOLD
    assert not record.closed
    assert record.hold_remaining_minor == 50_100


@pytest.mark.parametrize(
    ("fields", "hold_asset", "hold_minor"),
    [
        # post-only pays the maker rate: 500.00 + 0.50
        (
            {"order_type": OrderType.LIMIT_MAKER, "time_in_force": TimeInForce.GTC},
            "USD",
            50_050,
        ),
        # quote-sized market buy: 1,000.00 + taker 2.00
        (
            {
                "order_type": OrderType.MARKET,
                "time_in_force": TimeInForce.IOC,
                "price_ticks": 0,
                "quantity_lots": 0,
                "quote_quantity_minor": 100_000,
            },
            "USD",
            100_200,
        ),
        # lot-sized market buy: at the band's top, 55,000.00: 550.00 + 1.10 rounded up to 1.10
        (
            {
                "order_type": OrderType.MARKET,
                "time_in_force": TimeInForce.IOC,
                "price_ticks": 0,
            },
            "USD",
            55_110,
        ),
        # a sell holds its base: 1_000 lots of 1_000 satoshi
        ({"side": Side.SELL}, "BTC", 1_000_000),
        (
            {
                "side": Side.SELL,
                "order_type": OrderType.MARKET,
                "time_in_force": 2,
                "price_ticks": 0,
            },
            "BTC",
            1_000_000,
        ),
        # a FOK limit holds as a GTC one
        ({"time_in_force": TimeInForce.FOK}, "USD", 50_100),
    ],
)
def test_holds_by_order_type(
    drive: Any, world: BrokerState, fields: dict[str, Any], hold_asset: str, hold_minor: int
) -> None:
    event = accepted(drive.ok(world, place(**fields)))
    assert (event.hold_asset, event.hold_amount_minor) == (hold_asset, hold_minor)


def test_a_notional_between_minor_units_is_held_rounded_up(drive: Any, world: BrokerState) -> None:
    # ETHBTC: one tick-lot is 0.01 satoshi; 3 lots at 1 tick is 0.03 satoshi: hold 1 + fee 1.
    event = accepted(drive.ok(world, place(symbol="ETHBTC", price_ticks=1, quantity_lots=3)))
    assert (event.hold_asset, event.hold_amount_minor) == ("BTC", 2)


def test_order_ids_count_per_broker(drive: Any, world: BrokerState) -> None:
    drive.ok(world, ApplyBalance("b2", "alice", "USD", 100_000, "deposit"))
    at_b2 = accepted(drive.ok(world, place(broker_id="b2")))
    at_b1 = accepted(drive.ok(world, place()))
    assert at_b2.broker_order_id == "b2-00000001"
    assert at_b1.broker_order_id == "b1-00000003"
    assert broker_order_id_for("b-1", 7) == "b-1-00000007"
    assert broker_id_of("b-1-00000007") == "b-1"
    assert hold_id_for("b-1-00000007") == "order:b-1-00000007"
    assert at_b2.taker_fee_bps == 15


def test_a_client_order_id_is_unique_per_client_only(drive: Any, world: BrokerState) -> None:
    drive.ok(world, place("alice", "same"), place("rita", "same"))
    assert order_by_client_id(world, "b1", "alice", "same") is not None
    rita_order = order_by_client_id(world, "b1", "rita", "same")
    assert rita_order is not None
    assert rita_order.account_id == "rita"
    # empty client order ids are not names, so they never collide
    drive.ok(world, place("alice", ""), place("alice", ""))


def test_retail_needs_suitability_then_may_trade_admitted_markets(
    drive: Any, world: BrokerState
) -> None:
    drive.ok(
        world,
        ApplyBalance("b1", "rob", "USD", 100_000, "deposit"),
        UpdateClientStanding("b1", "rob", suitability_passed=True, blocked=False),
    )
    assert accepted(drive.ok(world, place("rob"))).account_id == "rob"
    record = client(world, "b1", "rob")
    assert record is not None
    assert record.suitability_passed
    assert record.investor_class is InvestorClass.RETAIL


def test_an_unblocked_client_trades_again_and_a_blocked_one_may_cancel(
    drive: Any, world: BrokerState
) -> None:
    drive.ok(world, UpdateClientStanding("b1", "alice", suitability_passed=False, blocked=True))
    drive.refuse(world, place(), R.CLIENT_BLOCKED)
    cancel = drive.ok(world, RequestCancel("b1", "alice", broker_order_id=OPEN_BUY))
    assert cancel == [
        CancelRequested(
            broker_id="b1",
            broker_order_id=OPEN_BUY,
            venue_order_id=101,
            symbol="BTCUSD",
            account_id="alice",
        )
    ]
    drive.ok(world, UpdateClientStanding("b1", "alice", suitability_passed=False, blocked=False))
    drive.ok(world, place())  # a professional needs no suitability assessment


# --- exposure -------------------------------------------------------------------------------------


def test_exposure_limits_fall_back_from_asset_to_client_to_broker(
    drive: Any, world: BrokerState
) -> None:
    assert exposure(world, "b1", "alice", "USD") == (490_980, 10**15)
    drive.ok(world, SetExposureLimit("b1", "alice", 600_000))
    assert exposure(world, "b1", "alice", "USD") == (490_980, 600_000)
    assert exposure(world, "b1", "alice", "BTC") == (0, 600_000)
    drive.ok(world, SetExposureLimit("b1", "alice", 541_080, quote_asset="USD"))
    assert exposure(world, "b1", "alice", "USD") == (490_980, 541_080)
    drive.ok(world, place())  # 490_980 + 50_100 == 541_080: exactly at the limit
    drive.refuse(world, place(quantity_lots=1), R.EXPOSURE_LIMIT)
    # sells do not count, and release on close frees the exposure
    drive.ok(world, place(side=Side.SELL))
    drive.ok(world, CloseOrder("b1", OPEN_BUY, OrderStatus.CANCELED, "USER"))
    assert exposure(world, "b1", "alice", "USD") == (50_100, 541_080)
    record = client(world, "b1", "alice")
    assert record is not None
    assert [(e.quote_asset, e.limit_minor) for e in record.exposure_limits] == [
        ("", 600_000),
        ("USD", 541_080),
    ]


# --- the lifecycle --------------------------------------------------------------------------------


def test_a_buy_fills_in_two_trades_and_closes_filled(drive: Any, world: BrokerState) -> None:
    usd, btc = book_balance(world, "b1", "alice", "USD"), book_balance(world, "b1", "alice", "BTC")
    # 4_000 lots at 4,890.00 as taker, then 6_000 lots at 4,900.00 as maker
    first = drive.ok(
        world,
        ApplyFill("b1", OPEN_BUY, 11, 4_890_000, 4_000, 4_000_000, 195_600, 392, "USD", False),
    )
    assert first == [
        FillApplied(
            broker_id="b1",
            broker_order_id=OPEN_BUY,
            account_id="alice",
            symbol="BTCUSD",
            side=Side.BUY,
            trade_id=11,
            price_ticks=4_890_000,
            quantity_lots=4_000,
            base_minor=4_000_000,
            quote_minor=195_600,
            fee_minor=392,
            fee_asset="USD",
            is_maker=False,
            status=OrderStatus.PARTIALLY_FILLED,
            released_minor=195_992,
        )
    ]
    second = drive.ok(
        world, ApplyFill("b1", OPEN_BUY, 12, 4_900_000, 6_000, 6_000_000, 294_000, 294, "USD", True)
    )
    assert isinstance(second[0], FillApplied)
    assert second[0].status is OrderStatus.FILLED
    record = order(world, "b1", OPEN_BUY)
    assert record is not None
    assert (record.status, record.closed, record.filled_lots) == (OrderStatus.FILLED, False, 10_000)
    assert record.cumulative_quote_minor == 489_600
    assert record.fees_paid_minor == 686
    assert record.trade_ids == (11, 12)
    remainder = 490_980 - 195_992 - 294_294
    assert record.hold_remaining_minor == remainder
    assert [o.broker_order_id for o in open_orders(world, "b1", "alice")] == [
        OPEN_BUY,
        PENDING_SELL,
    ]
    closed = drive.ok(world, CloseOrder("b1", OPEN_BUY, OrderStatus.FILLED, "last fill"))
    assert closed == [
        OrderClosed(
            broker_id="b1",
            broker_order_id=OPEN_BUY,
            account_id="alice",
            status=OrderStatus.FILLED,
            reason="last fill",
            hold_asset="USD",
            released_minor=remainder,
        )
    ]
    assert book_balance(world, "b1", "alice", "USD") == (usd[0] - 489_600 - 686, 0)
    assert book_balance(world, "b1", "alice", "BTC") == (btc[0] + 10_000_000, btc[1])
    info = broker_info(world, "b1")
    assert info is not None
    assert [(f.asset, f.amount_minor) for f in info.fees_earned] == [("USD", 686)]
    assert [o.broker_order_id for o in open_orders(world, "b1", "alice")] == [PENDING_SELL]


def test_a_sell_is_opened_filled_and_paid_net_of_fee(drive: Any, world: BrokerState) -> None:
    usd, btc = book_balance(world, "b1", "alice", "USD"), book_balance(world, "b1", "alice", "BTC")
    assert drive.ok(world, MarkOrderOpen("b1", PENDING_SELL, 202)) == [
        OrderOpened(
            broker_id="b1", broker_order_id=PENDING_SELL, account_id="alice", venue_order_id=202
        )
    ]
    by_venue = order_by_venue_id(world, "b1", 202)
    assert by_venue is not None
    assert by_venue.broker_order_id == PENDING_SELL
    # all 10_000 lots at 5,200.00 (better than the limit), maker 10 bps
    drive.ok(
        world,
        ApplyFill("b1", PENDING_SELL, 3, 5_200_000, 10_000, 10_000_000, 520_000, 520, "USD", True),
        CloseOrder("b1", PENDING_SELL, OrderStatus.FILLED),
    )
    assert book_balance(world, "b1", "alice", "BTC") == (btc[0] - 10_000_000, btc[1] - 10_000_000)
    assert book_balance(world, "b1", "alice", "USD") == (usd[0] + 520_000 - 520, usd[1])


def test_a_partly_filled_order_expires_and_releases_the_rest(
    drive: Any, world: BrokerState
) -> None:
    drive.ok(
        world, ApplyFill("b1", OPEN_BUY, 1, 4_900_000, 1_000, 1_000_000, 49_000, 98, "USD", False)
    )
    assert book_balance(world, "b1", "alice", "USD")[1] == 490_980 - 49_098
    events = drive.ok(world, CloseOrder("b1", OPEN_BUY, OrderStatus.EXPIRED, "IOC_REMAINDER"))
    assert isinstance(events[0], OrderClosed)
    assert events[0].released_minor == 490_980 - 49_098
    assert book_balance(world, "b1", "alice", "USD")[1] == 0
    record = order(world, "b1", OPEN_BUY)
    assert record is not None
    assert (record.status, record.closed, record.reason) == (
        OrderStatus.EXPIRED,
        True,
        "IOC_REMAINDER",
    )


def test_a_quote_sized_market_buy_closes_filled_after_a_partial_spend(
    drive: Any, world: BrokerState
) -> None:
    order_id = accepted(
        drive.ok(
            world,
            place(
                order_type=OrderType.MARKET,
                time_in_force=TimeInForce.IOC,
                price_ticks=0,
                quantity_lots=0,
                quote_quantity_minor=100_000,
            ),
        )
    ).broker_order_id
    drive.ok(
        world,
        MarkOrderOpen("b1", order_id, 303),
        ApplyFill("b1", order_id, 5, 5_000_000, 1_999, 1_999_000, 99_950, 200, "USD", False),
        CloseOrder("b1", order_id, OrderStatus.FILLED, "spent"),
    )
    record = order(world, "b1", order_id)
    assert record is not None
    assert (record.status, record.closed, record.hold_remaining_minor) == (
        OrderStatus.FILLED,
        True,
        0,
    )


def test_a_quote_sized_buy_that_spends_it_all_is_filled(drive: Any, world: BrokerState) -> None:
    order_id = accepted(
        drive.ok(
            world,
            place(
                order_type=OrderType.MARKET,
                time_in_force=TimeInForce.IOC,
                price_ticks=0,
                quantity_lots=0,
                quote_quantity_minor=50_000,
            ),
        )
    ).broker_order_id
    events = drive.ok(
        world,
        MarkOrderOpen("b1", order_id, 303),
        ApplyFill("b1", order_id, 5, 5_000_000, 1_000, 1_000_000, 50_000, 100, "USD", False),
    )
    assert isinstance(events[0], FillApplied)
    assert events[0].status is OrderStatus.FILLED


def test_a_downstream_rejection_releases_the_hold(drive: Any, world: BrokerState) -> None:
    assert book_balance(world, "b1", "alice", "BTC")[1] == 10_000_000
    events = drive.ok(
        world, RejectOrder("b1", PENDING_SELL, 6005, "INSUFFICIENT_AVAILABLE", "ledger says no")
    )
    assert events == [
        OrderRejected(
            broker_id="b1",
            broker_order_id=PENDING_SELL,
            account_id="alice",
            code=6005,
            name="INSUFFICIENT_AVAILABLE",
            message="ledger says no",
            hold_asset="BTC",
            released_minor=10_000_000,
        )
    ]
    assert book_balance(world, "b1", "alice", "BTC")[1] == 0
    record = order(world, "b1", PENDING_SELL)
    assert record is not None
    assert (record.status, record.closed, record.reason) == (
        OrderStatus.REJECTED,
        True,
        "INSUFFICIENT_AVAILABLE",
    )


def test_a_cancel_by_client_order_id_goes_to_the_venue_and_the_close_follows(
    drive: Any, world: BrokerState
) -> None:
    events = drive.ok(world, RequestCancel("b1", "alice", client_order_id="open-buy"))
    assert isinstance(events[0], CancelRequested)
    assert events[0].venue_order_id == 101
    still = order(world, "b1", OPEN_BUY)
    assert still is not None
    assert still.status is OrderStatus.OPEN  # nothing changes until the venue answers
    drive.ok(world, CloseOrder("b1", OPEN_BUY, OrderStatus.CANCELED, "USER"))
    assert book_balance(world, "b1", "alice", "USD")[1] == 0


def test_deposits_and_withdrawals_move_the_book(drive: Any, world: BrokerState) -> None:
    events = drive.ok(world, ApplyBalance("b1", "rita", "USD", -400_000, "withdrawal wd-1"))
    assert events == [
        BalanceApplied(
            broker_id="b1",
            account_id="rita",
            asset="USD",
            delta_minor=-400_000,
            reason="withdrawal wd-1",
            balance_minor=600_000,
        )
    ]
    # a withdrawal may take the balance down to exactly what is held
    drive.ok(world, ApplyBalance("b1", "alice", "BTC", -(10 * 100_000_000 - 10_000_000), "wd"))
    assert book_balance(world, "b1", "alice", "BTC") == (10_000_000, 10_000_000)
    drive.ok(world, ApplyBalance("b1", "rita", "ETH", 5, "airdrop"))  # any asset code


def test_markets_are_shared_and_updated_by_the_kernel(drive: Any, world: BrokerState) -> None:
    events = drive.ok(
        world, ListMarket("SOLUSD", "SOL", "USD", 9, 2, "0.01", "0.01", price_band_bps=500)
    )
    assert events == [
        MarketListed(
            symbol="SOLUSD",
            base_asset="SOL",
            quote_asset="USD",
            base_decimals=9,
            quote_decimals=2,
            tick_size="0.01",
            lot_size="0.01",
            price_band_bps=500,
        )
    ]
    drive.ok(world, RecordLastPrice("SOLUSD", 15_000))
    listed = market(world, "SOLUSD")
    assert listed is not None
    assert (listed.retail_admitted, listed.last_price_ticks) == (False, 15_000)
    assert [m.symbol for m in markets(world)] == ["BTCUSD", "ETHBTC", "SOLUSD"]
    assert market(world, "NOPE") is None


def test_registration_events(drive: Any) -> None:
    state = BrokerState()
    assert drive.ok(state, RegisterBroker("hk-broker.1", 0, 1_000, 0)) == [
        BrokerRegistered("hk-broker.1", 0, 1_000, 0)
    ]
    assert drive.ok(
        state, RegisterClient("hk-broker.1", "acct-0123456789abcdef", "institutional", "algorithm")
    ) == [
        ClientRegistered(
            "hk-broker.1", "acct-0123456789abcdef", InvestorClass.INSTITUTIONAL, Actor.ALGORITHM
        )
    ]


# --- the wall -------------------------------------------------------------------------------------


def test_no_read_helper_crosses_brokers(drive: Any, world: BrokerState) -> None:
    # b2's "alice" is another client than b1's, with her own (empty) book
    b2_alice = client(world, "b2", "alice")
    b1_alice = client(world, "b1", "alice")
    assert b2_alice is not None
    assert b1_alice is not None
    assert b2_alice.balances == ()
    assert b1_alice.balances != ()
    assert book_balance(world, "b2", "alice", "USD") == (0, 0)
    assert orders(world, "b2", "alice") == ()
    assert open_orders(world, "b2", "alice") == ()
    assert len(orders(world, "b1", "alice")) == 2
    assert order(world, "b2", OPEN_BUY) is None
    assert order_by_client_id(world, "b2", "alice", "open-buy") is None
    assert order_by_venue_id(world, "b2", 101) is None
    assert client(world, "b1", "bob") is None
    assert client_ids(world, "b1") == ("alice", "bert", "rita", "rob")
    assert client_ids(world, "b2") == ("alice", "bob")
    assert client_ids(world, "b9") == ()
    assert broker_info(world, "b9") is None
    with pytest.raises(ConditionFailed):
        book_balance(world, "b1", "bob", "USD")
    with pytest.raises(ConditionFailed):
        exposure(world, "b2", "rita", "USD")


def test_another_brokers_client_cannot_touch_this_brokers_orders(
    drive: Any, world: BrokerState
) -> None:
    drive.refuse(world, RequestCancel("b1", "bob", broker_order_id=OPEN_BUY), R.UNKNOWN_CLIENT)
    drive.refuse(world, RequestCancel("b2", "alice", broker_order_id=OPEN_BUY), R.UNKNOWN_ORDER)
    drive.refuse(world, MarkOrderOpen("b2", PENDING_SELL, 999), R.UNKNOWN_ORDER)
    drive.refuse(world, CloseOrder("b2", OPEN_BUY, OrderStatus.CANCELED), R.UNKNOWN_ORDER)


# --- the machine's boundaries ---------------------------------------------------------------------


def test_decide_and_evolve_refuse_foreign_messages(world: BrokerState) -> None:
    with pytest.raises(InvariantViolation):
        decide(world, Foreign("order:x"), KERNEL)  # type: ignore[arg-type]
    with pytest.raises(InvariantViolation):
        evolve(world, Foreign("order:x"))  # type: ignore[arg-type]


def test_evolve_asserts_what_decide_guaranteed(world: BrokerState) -> None:
    before = state_hash(world)
    with pytest.raises(InvariantViolation):
        evolve(
            world,
            OrderClosed("b1", OPEN_BUY, "alice", OrderStatus.CANCELED, "", "USD", released_minor=1),
        )
    assert state_hash(world) == before


def test_decide_never_returns_an_empty_outcome(drive: Any, world: BrokerState) -> None:
    outcome = decide(world, place(), Context(seq=9, timestamp_ns=9, submitter="b1"))
    assert not isinstance(outcome, Rejection)
    assert len(outcome) == 1
