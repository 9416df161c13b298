"""Every broker rejection code, provoked by bad input against the world of ``conftest``. Each case
asserts the code and its name, and that the state hash did not change; a last test checks that
the cases exercise every code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from seawall.broker import (
    COMMANDS,
    KERNEL_ONLY,
    Actor,
    ApplyBalance,
    ApplyFill,
    BrokerCommand,
    BrokerRejection,
    BrokerState,
    CloseOrder,
    InvestorClass,
    ListMarket,
    MarkOrderOpen,
    OrderStatus,
    OrderType,
    PlaceOrder,
    RecordLastPrice,
    RegisterBroker,
    RegisterClient,
    RejectOrder,
    RequestCancel,
    SetExposureLimit,
    SetRetailAdmission,
    Side,
    StpMode,
    TimeInForce,
    UpdateClientStanding,
)
from seawall.core import limits
from seawall.core.machine import Context

R = BrokerRejection
MAX = limits.amount_minor_max
AS_BROKER = Context(seq=1, timestamp_ns=0, submitter="b1")
AS_CLIENT = Context(seq=1, timestamp_ns=0, submitter="alice")

OPEN_BUY = "b1-00000001"  # alice: BUY 10_000 lots at 4_900_000, venue order 101
PENDING_SELL = "b1-00000002"  # alice: SELL 10_000 lots at 5_100_000, pending its hold


def buy(
    account_id: str = "alice",
    client_order_id: str = "new",
    symbol: str = "BTCUSD",
    *,
    broker_id: str = "b1",
    side: Any = Side.BUY,
    order_type: Any = OrderType.LIMIT,
    time_in_force: Any = TimeInForce.GTC,
    price_ticks: Any = 5_000_000,
    quantity_lots: Any = 1_000,
    quote_quantity_minor: Any = 0,
    stp_mode: Any = StpMode.NONE,
) -> PlaceOrder:
    return PlaceOrder(
        broker_id=broker_id,
        account_id=account_id,
        client_order_id=client_order_id,
        symbol=symbol,
        side=side,
        order_type=order_type,
        time_in_force=time_in_force,
        price_ticks=price_ticks,
        quantity_lots=quantity_lots,
        quote_quantity_minor=quote_quantity_minor,
        stp_mode=stp_mode,
    )


def market_buy(**kwargs: Any) -> PlaceOrder:
    fields: dict[str, Any] = {
        "order_type": OrderType.MARKET,
        "time_in_force": TimeInForce.IOC,
        "price_ticks": 0,
    }
    fields.update(kwargs)
    return buy(**fields)


def fill(
    broker_order_id: str = OPEN_BUY,
    *,
    broker_id: str = "b1",
    trade_id: Any = 1,
    price_ticks: Any = 4_900_000,
    quantity_lots: Any = 1_000,
    base_minor: Any = 1_000_000,
    quote_minor: Any = 49_000,
    fee_minor: Any = 98,
    fee_asset: str = "USD",
    is_maker: Any = False,
) -> ApplyFill:
    """By default 1_000 lots (0.01 BTC) of the open buy at its limit, taker fee 20 bps."""
    return ApplyFill(
        broker_id=broker_id,
        broker_order_id=broker_order_id,
        trade_id=trade_id,
        price_ticks=price_ticks,
        quantity_lots=quantity_lots,
        base_minor=base_minor,
        quote_minor=quote_minor,
        fee_minor=fee_minor,
        fee_asset=fee_asset,
        is_maker=is_maker,
    )


def listing(**kwargs: Any) -> ListMarket:
    fields: dict[str, Any] = {
        "symbol": "SOLUSD",
        "base_asset": "SOL",
        "quote_asset": "USD",
        "base_decimals": 9,
        "quote_decimals": 2,
        "tick_size": "0.01",
        "lot_size": "0.01",
        "price_band_bps": 500,
    }
    fields.update(kwargs)
    return ListMarket(**fields)


@dataclass(frozen=True)
class Case:
    name: str
    command: BrokerCommand
    code: BrokerRejection
    setup: tuple[BrokerCommand, ...] = ()
    ctx: Context | None = None
    small_limits: dict[str, int] = field(default_factory=dict)


CASES: list[Case] = [
    # --- who may ask ----------------------------------------------------------------------------
    Case("a broker lists a market", listing(), R.NOT_AUTHORISED, ctx=AS_BROKER),
    Case("a client applies a fill", fill(), R.NOT_AUTHORISED, ctx=AS_CLIENT),
    Case(
        "a broker credits a balance",
        ApplyBalance("b1", "alice", "USD", 1, "gift"),
        R.NOT_AUTHORISED,
        ctx=AS_BROKER,
    ),
    Case(
        "a broker registers its own client",
        RegisterClient("b1", "zoe", InvestorClass.PROFESSIONAL, Actor.HUMAN),
        R.NOT_AUTHORISED,
        ctx=AS_BROKER,
    ),
    # --- brokers --------------------------------------------------------------------------------
    Case("order at an unknown broker", buy(broker_id="b9"), R.UNKNOWN_BROKER),
    Case(
        "client at an unknown broker",
        RegisterClient("b9", "zoe", InvestorClass.RETAIL, Actor.HUMAN),
        R.UNKNOWN_BROKER,
    ),
    Case("fill at an unknown broker", fill(broker_id="b9"), R.UNKNOWN_BROKER),
    Case("register a broker twice", RegisterBroker("b1", 0, 0, 0), R.BROKER_EXISTS),
    Case("broker id with a space", RegisterBroker("b 3", 0, 0, 0), R.INVALID_ID),
    Case("broker id with a colon", RegisterBroker("b:3", 0, 0, 0), R.INVALID_ID),
    Case(
        "broker id too long",
        RegisterBroker("b" * (limits.broker_id_length_max + 1), 0, 0, 0),
        R.INVALID_ID,
    ),
    Case(
        "malformed account id",
        RegisterClient("b1", "zoe smith", InvestorClass.RETAIL, Actor.HUMAN),
        R.INVALID_ID,
    ),
    Case("malformed client order id", buy(client_order_id="my order"), R.INVALID_ID),
    Case(
        "client order id too long",
        buy(client_order_id="c" * (limits.venue_client_order_id_length_max + 1)),
        R.INVALID_ID,
    ),
    Case("venue order id zero", MarkOrderOpen("b1", PENDING_SELL, 0), R.INVALID_ID),
    Case("negative maker fee", RegisterBroker("b3", -1, 0, 0), R.INVALID_FEE),
    Case(
        "taker fee above the maximum",
        RegisterBroker("b3", 0, limits.broker_fee_bps_max + 1, 0),
        R.INVALID_FEE,
    ),
    Case("fee in the base asset", fill(fee_asset="BTC"), R.INVALID_FEE),
    Case("fee above the schedule", fill(fee_minor=99), R.INVALID_FEE),
    Case("maker fee above the maker rate", fill(fee_minor=98, is_maker=True), R.INVALID_FEE),
    Case("negative fee", fill(fee_minor=-1), R.INVALID_FEE),
    Case("negative default exposure", RegisterBroker("b3", 0, 0, -1), R.INVALID_AMOUNT),
    Case(
        "default exposure over the maximum", RegisterBroker("b3", 0, 0, MAX + 1), R.INVALID_AMOUNT
    ),
    Case("negative exposure limit", SetExposureLimit("b1", "alice", -5), R.INVALID_AMOUNT),
    Case("zero balance delta", ApplyBalance("b1", "alice", "USD", 0, ""), R.INVALID_AMOUNT),
    Case(
        "balance delta over the maximum",
        ApplyBalance("b1", "alice", "USD", -MAX - 1, ""),
        R.INVALID_AMOUNT,
    ),
    Case(
        "too many brokers",
        RegisterBroker("b3", 0, 0, 0),
        R.BROKER_FULL,
        small_limits={"brokers_max": 2},
    ),
    Case(
        "too many clients",
        RegisterClient("b2", "zoe", InvestorClass.RETAIL, Actor.HUMAN),
        R.BROKER_FULL,
        small_limits={"broker_clients_max": 2},
    ),
    Case("too many markets", listing(), R.BROKER_FULL, small_limits={"venue_markets_max": 2}),
    Case("too many orders", buy(), R.BROKER_FULL, small_limits={"broker_orders_max": 2}),
    # --- clients --------------------------------------------------------------------------------
    Case("another broker's client orders here (the wall)", buy("bob"), R.UNKNOWN_CLIENT),
    Case("unknown client orders", buy("nobody"), R.UNKNOWN_CLIENT),
    Case(
        "cancel for another broker's client",
        RequestCancel("b1", "bob", broker_order_id=OPEN_BUY),
        R.UNKNOWN_CLIENT,
    ),
    Case(
        "standing of an unknown client",
        UpdateClientStanding("b2", "rita", True, False),
        R.UNKNOWN_CLIENT,
    ),
    Case("limit of an unknown client", SetExposureLimit("b2", "rita", 5), R.UNKNOWN_CLIENT),
    Case("balance of an unknown client", ApplyBalance("b1", "bob", "USD", 5, ""), R.UNKNOWN_CLIENT),
    Case(
        "register a client twice",
        RegisterClient("b1", "alice", InvestorClass.RETAIL, Actor.HUMAN),
        R.CLIENT_EXISTS,
    ),
    Case(
        "unknown investor class",
        RegisterClient("b1", "zoe", "gold", Actor.HUMAN),  # type: ignore[arg-type]
        R.INVALID_INVESTOR_CLASS,
    ),
    Case(
        "investor class as a number",
        RegisterClient("b1", "zoe", 1, Actor.HUMAN),  # type: ignore[arg-type]
        R.INVALID_INVESTOR_CLASS,
    ),
    Case(
        "unknown actor",
        RegisterClient("b1", "zoe", InvestorClass.RETAIL, "robot"),  # type: ignore[arg-type]
        R.INVALID_ACTOR,
    ),
    Case(
        "suitability as a number",
        UpdateClientStanding("b1", "rob", 1, False),  # type: ignore[arg-type]
        R.INVALID_STANDING,
    ),
    Case("blocked client orders", buy("bert"), R.CLIENT_BLOCKED),
    Case("retail client without suitability orders", buy("rob"), R.SUITABILITY_REQUIRED),
    # --- markets --------------------------------------------------------------------------------
    Case("order in an unknown market", buy(symbol="DOGEUSD"), R.UNKNOWN_MARKET),
    Case("last price of an unknown market", RecordLastPrice("DOGEUSD", 5), R.UNKNOWN_MARKET),
    Case("admission of an unknown market", SetRetailAdmission("DOGEUSD", True), R.UNKNOWN_MARKET),
    Case("list a market twice", listing(symbol="BTCUSD"), R.MARKET_EXISTS),
    Case("lower-case symbol", listing(symbol="solusd"), R.INVALID_MARKET),
    Case("too many decimals", listing(base_decimals=19), R.INVALID_MARKET),
    Case("zero tick", listing(tick_size="0"), R.INVALID_MARKET),
    Case("exponent tick", listing(tick_size="1e-2"), R.INVALID_MARKET),
    Case(
        "lot smaller than a base minor unit",
        listing(lot_size="0.0000000001"),
        R.INVALID_MARKET,
    ),
    Case(
        "band over the maximum",
        listing(price_band_bps=limits.venue_price_band_bps_max + 1),
        R.INVALID_MARKET,
    ),
    Case(
        "admission as a number",
        SetRetailAdmission("BTCUSD", 1),  # type: ignore[arg-type]
        R.INVALID_MARKET,
    ),
    Case("lower-case asset", listing(base_asset="sol"), R.INVALID_ASSET),
    Case("base and quote the same", listing(base_asset="USD"), R.INVALID_ASSET),
    Case("malformed balance asset", ApplyBalance("b1", "alice", "usd", 5, ""), R.INVALID_ASSET),
    Case(
        "malformed exposure asset",
        SetExposureLimit("b1", "alice", 5, quote_asset="us dollars"),
        R.INVALID_ASSET,
    ),
    Case("zero last price", RecordLastPrice("BTCUSD", 0), R.INVALID_PRICE),
    Case(
        "last price over the maximum",
        RecordLastPrice("BTCUSD", limits.venue_price_ticks_max + 1),
        R.INVALID_PRICE,
    ),
    Case(
        "retail client in a professional market",
        buy("rita", symbol="ETHBTC", price_ticks=1, quantity_lots=1),
        R.CLASS_NOT_ALLOWED,
    ),
    # --- new orders -----------------------------------------------------------------------------
    Case("client order id reused", buy(client_order_id="open-buy"), R.DUPLICATE_CLIENT_ORDER_ID),
    Case(
        "client order id of a finished order reused",
        buy(client_order_id="pending-sell"),
        R.DUPLICATE_CLIENT_ORDER_ID,
        setup=(RejectOrder("b1", PENDING_SELL, 6005, "INSUFFICIENT_AVAILABLE", "no funds"),),
    ),
    Case("unknown side", buy(side=3), R.INVALID_ORDER),
    Case("unknown order type", buy(order_type=9), R.INVALID_ORDER),
    Case("unknown stp mode", buy(stp_mode=0), R.INVALID_ORDER),
    Case("limit price zero", buy(price_ticks=0), R.INVALID_ORDER),
    Case(
        "limit price over the maximum",
        buy(price_ticks=limits.venue_price_ticks_max + 1),
        R.INVALID_ORDER,
    ),
    Case("limit quantity zero", buy(quantity_lots=0), R.INVALID_ORDER),
    Case("limit with a quote quantity", buy(quote_quantity_minor=100), R.INVALID_ORDER),
    Case("price not an integer", buy(price_ticks="5000000"), R.INVALID_ORDER),
    Case(
        "post-only IOC",
        buy(order_type=OrderType.LIMIT_MAKER, time_in_force=TimeInForce.IOC),
        R.INVALID_ORDER,
    ),
    Case("market GTC", market_buy(time_in_force=TimeInForce.GTC), R.INVALID_ORDER),
    Case("market with a price", market_buy(price_ticks=5_000_000), R.INVALID_ORDER),
    Case(
        "market sell by quote",
        market_buy(side=Side.SELL, quantity_lots=0, quote_quantity_minor=1_000),
        R.INVALID_ORDER,
    ),
    Case(
        "market buy by base and quote",
        market_buy(quantity_lots=10, quote_quantity_minor=1_000),
        R.INVALID_ORDER,
    ),
    Case("market buy by neither", market_buy(quantity_lots=0), R.INVALID_ORDER),
    Case(
        "market buy with a negative quote",
        market_buy(quantity_lots=0, quote_quantity_minor=-5),
        R.INVALID_ORDER,
    ),
    Case(
        "hold over amount_minor_max",
        buy(
            symbol="ETHBTC",
            price_ticks=limits.venue_price_ticks_max,
            quantity_lots=limits.venue_quantity_lots_max,
        ),
        R.INVALID_ORDER,
    ),
    Case(
        "sell hold over amount_minor_max",
        buy(symbol="ETHBTC", side=Side.SELL, price_ticks=1, quantity_lots=10**6),
        R.INVALID_ORDER,
    ),
    Case(
        "market buy by lots without a last price",
        market_buy(symbol="ETHBTC", quantity_lots=10),
        R.NO_REFERENCE_PRICE,
    ),
    Case(
        "market buy by lots without a band",
        market_buy(symbol="ETHBTC", quantity_lots=10),
        R.NO_REFERENCE_PRICE,
        setup=(RecordLastPrice("ETHBTC", 50_000),),
    ),
    Case(
        "buy over the client's own limit",
        buy(),
        R.EXPOSURE_LIMIT,
        setup=(SetExposureLimit("b1", "alice", 500_000, quote_asset="USD"),),
    ),
    Case(
        "buy over the client's default limit",
        buy(),
        R.EXPOSURE_LIMIT,
        setup=(SetExposureLimit("b1", "alice", 500_000),),
    ),
    Case(
        "buy over the broker's default limit",
        buy("carl", broker_id="b3", quantity_lots=10),
        R.EXPOSURE_LIMIT,
        setup=(
            RegisterBroker("b3", 0, 0, 100),
            RegisterClient("b3", "carl", InvestorClass.PROFESSIONAL, Actor.HUMAN),
            ApplyBalance("b3", "carl", "USD", 10_000, ""),
        ),
    ),
    Case("buy more than the book balance", buy(quantity_lots=10**8), R.INSUFFICIENT_BALANCE),
    Case(
        "sell more than the book balance",
        buy(side=Side.SELL, quantity_lots=10**6),
        R.INSUFFICIENT_BALANCE,
    ),
    Case(
        "withdraw what is held",
        ApplyBalance("b1", "alice", "BTC", -10 * 100_000_000, "withdrawal"),
        R.INSUFFICIENT_BALANCE,
    ),
    Case(
        "too many open orders",
        buy(),
        R.TOO_MANY_OPEN_ORDERS,
        small_limits={"broker_open_orders_per_client_max": 2},
    ),
    # --- orders in the book ---------------------------------------------------------------------
    Case("open an unknown order", MarkOrderOpen("b1", "b1-00000099", 5), R.UNKNOWN_ORDER),
    Case("fill another broker's order (the wall)", fill(broker_id="b2"), R.UNKNOWN_ORDER),
    Case(
        "cancel another client's order",
        RequestCancel("b1", "rita", broker_order_id=OPEN_BUY),
        R.UNKNOWN_ORDER,
    ),
    Case(
        "cancel by an unknown client order id",
        RequestCancel("b1", "alice", client_order_id="never"),
        R.UNKNOWN_ORDER,
    ),
    Case(
        "the same account id at another broker cancels (the wall)",
        RequestCancel("b2", "alice", client_order_id="open-buy"),
        R.UNKNOWN_ORDER,
    ),
    Case(
        "close an unknown order",
        CloseOrder("b1", "b1-00000099", OrderStatus.CANCELED),
        R.UNKNOWN_ORDER,
    ),
    Case(
        "cancel an order pending its hold",
        RequestCancel("b1", "alice", broker_order_id=PENDING_SELL),
        R.ORDER_NOT_OPEN,
    ),
    Case(
        "fill an order pending its hold",
        fill(PENDING_SELL, price_ticks=5_100_000, quote_minor=51_000, fee_minor=0),
        R.ORDER_NOT_OPEN,
    ),
    Case(
        "cancel a cancelled order",
        RequestCancel("b1", "alice", broker_order_id=OPEN_BUY),
        R.ORDER_NOT_OPEN,
        setup=(CloseOrder("b1", OPEN_BUY, OrderStatus.CANCELED, "USER"),),
    ),
    Case("cancel naming no order", RequestCancel("b1", "alice"), R.INVALID_ORDER_REFERENCE),
    Case(
        "cancel naming two references",
        RequestCancel("b1", "alice", broker_order_id=OPEN_BUY, client_order_id="open-buy"),
        R.INVALID_ORDER_REFERENCE,
    ),
    Case("open an open order", MarkOrderOpen("b1", OPEN_BUY, 102), R.INVALID_TRANSITION),
    Case(
        "reject an open order",
        RejectOrder("b1", OPEN_BUY, 3005, "NON_POSITIVE_QUANTITY", ""),
        R.INVALID_TRANSITION,
    ),
    Case(
        "close to a status that is not final",
        CloseOrder("b1", OPEN_BUY, OrderStatus.OPEN),
        R.INVALID_TRANSITION,
    ),
    Case(
        "close an order pending its hold",
        CloseOrder("b1", PENDING_SELL, OrderStatus.CANCELED),
        R.INVALID_TRANSITION,
    ),
    Case(
        "close FILLED an unfilled order",
        CloseOrder("b1", OPEN_BUY, OrderStatus.FILLED),
        R.INVALID_TRANSITION,
    ),
    Case(
        "close FILLED a partly filled limit order",
        CloseOrder("b1", OPEN_BUY, OrderStatus.FILLED),
        R.INVALID_TRANSITION,
        setup=(fill(),),
    ),
    Case(
        "close twice",
        CloseOrder("b1", OPEN_BUY, OrderStatus.EXPIRED),
        R.INVALID_TRANSITION,
        setup=(CloseOrder("b1", OPEN_BUY, OrderStatus.CANCELED),),
    ),
    Case(
        "close a filled order twice",
        CloseOrder("b1", OPEN_BUY, OrderStatus.FILLED),
        R.INVALID_TRANSITION,
        setup=(
            fill(quantity_lots=10_000, base_minor=10_000_000, quote_minor=490_000, fee_minor=980),
            CloseOrder("b1", OPEN_BUY, OrderStatus.FILLED),
        ),
    ),
    Case(
        "venue order id of another order",
        MarkOrderOpen("b1", PENDING_SELL, 101),
        R.DUPLICATE_VENUE_ORDER_ID,
    ),
    Case("trade id zero", fill(trade_id=0), R.INVALID_FILL),
    Case("maker flag as a number", fill(is_maker=1), R.INVALID_FILL),
    Case("fill price zero", fill(price_ticks=0), R.INVALID_FILL),
    Case("fill quantity zero", fill(quantity_lots=0), R.INVALID_FILL),
    Case("buy filled above its limit", fill(price_ticks=4_900_001), R.INVALID_FILL),
    Case(
        "more lots than ordered",
        fill(quantity_lots=10_001, base_minor=10_001_000, quote_minor=490_049),
        R.INVALID_FILL,
    ),
    Case("base amount not the lots'", fill(base_minor=999_999), R.INVALID_FILL),
    Case("quote amount not the trade's", fill(quote_minor=49_001), R.INVALID_FILL),
    Case("quote amount not an integer", fill(quote_minor="49000"), R.INVALID_FILL),
    Case(
        "quote-sized buy spends more than ordered",
        fill(
            "b1-00000003",
            trade_id=7,
            price_ticks=5_000_000,
            quantity_lots=1_000,
            quote_minor=50_000,
            fee_minor=100,
        ),
        R.INVALID_FILL,
        setup=(
            market_buy(quantity_lots=0, quote_quantity_minor=40_000),
            MarkOrderOpen("b1", "b1-00000003", 103),
        ),
    ),
    Case(
        "the same trade twice",
        fill(),
        R.DUPLICATE_FILL,
        setup=(fill(),),
    ),
    Case(
        "market buy filled above the band",
        fill(
            "b1-00000003",
            trade_id=9,
            price_ticks=6_000_000,
            quantity_lots=10,
            base_minor=10_000,
            quote_minor=600,
            fee_minor=0,
        ),
        R.FILL_EXCEEDS_HOLD,
        setup=(market_buy(quantity_lots=10), MarkOrderOpen("b1", "b1-00000003", 103)),
    ),
    Case(
        "per-fill rounding beyond the hold",
        fill(
            "b1-00000003",
            trade_id=2,
            price_ticks=1,
            quantity_lots=1,
            base_minor=10**14,
            quote_minor=1,
            fee_minor=0,
            fee_asset="BTC",
        ),
        R.FILL_EXCEEDS_HOLD,
        setup=(
            buy(symbol="ETHBTC", price_ticks=1, quantity_lots=3),
            MarkOrderOpen("b1", "b1-00000003", 103),
            fill(
                "b1-00000003",
                trade_id=1,
                price_ticks=1,
                quantity_lots=1,
                base_minor=10**14,
                quote_minor=1,
                fee_minor=1,
                fee_asset="BTC",
            ),
        ),
    ),
    Case(
        "deposit past amount_minor_max",
        ApplyBalance("b1", "alice", "USD", MAX, "deposit"),
        R.BALANCE_OVERFLOW,
    ),
    Case(
        "close reason too long",
        CloseOrder("b1", OPEN_BUY, OrderStatus.CANCELED, "r" * (limits.memo_length_max + 1)),
        R.INVALID_REASON,
    ),
    Case("rejection without a name", RejectOrder("b1", PENDING_SELL, 6005, ""), R.INVALID_REASON),
    Case(
        "rejection code not an integer",
        RejectOrder("b1", PENDING_SELL, "6005", "X"),  # type: ignore[arg-type]
        R.INVALID_REASON,
    ),
    Case(
        "balance reason too long",
        ApplyBalance("b1", "alice", "USD", 5, "r" * (limits.memo_length_max + 1)),
        R.INVALID_REASON,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_rejection(
    case: Case, drive: Any, world: BrokerState, monkeypatch: pytest.MonkeyPatch
) -> None:
    drive.ok(world, *case.setup)
    for name, value in case.small_limits.items():
        monkeypatch.setattr(limits, name, value)
    drive.refuse(world, case.command, case.code, case.ctx)


def test_every_code_is_exercised() -> None:
    assert {case.code for case in CASES} == set(BrokerRejection)


def test_codes_are_in_the_broker_range() -> None:
    assert all(2000 <= code <= 2999 for code in BrokerRejection)


def test_every_kernel_only_command_is_refused_to_others(
    drive: Any, world: BrokerState, world_commands: tuple[BrokerCommand, ...]
) -> None:
    samples: dict[type[Any], BrokerCommand] = {type(case.command): case.command for case in CASES}
    for kind in COMMANDS:
        command = samples[kind]
        outcome = drive.apply(world, command, AS_BROKER)
        refused = getattr(outcome, "code", None) == R.NOT_AUTHORISED
        assert refused == (kind in KERNEL_ONLY), kind
