"""Every venue rejection: its code, and that the state (hash) is exactly as it was.

Each case is checked three ways: ``decide`` (pure), ``engine.apply`` (fast path) and the naive
reference. A final test makes sure no code in ``VenueRejection`` goes untested.
"""

from __future__ import annotations

import pytest

from seawall.core import limits
from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection
from seawall.venue import machine
from seawall.venue.commands import (
    AccountRole,
    AmendOrder,
    CancelOrder,
    CreateMarket,
    HaltMarket,
    OrderType,
    PlaceOrder,
    RestrictAccount,
    ResumeMarket,
    Side,
    StpMode,
    TimeInForce,
    UnrestrictAccount,
    VenueCommand,
)
from seawall.venue.engine import apply
from seawall.venue.machine import decide, evolve, new_state, state_hash
from seawall.venue.reference import ReferenceVenue
from seawall.venue.rejections import VenueRejection as R
from seawall.venue.state import VenueState

CTX = Context(seq=1, timestamp_ns=0, submitter="kernel")
A = AccountId("alice")
B = AccountId("bob")
OP = AccountId("operator")
SPONSOR = AccountId("sponsor")

BTC = CreateMarket(
    "BTCUSD",
    AssetCode("BTC"),
    AssetCode("USD"),
    "0.01",
    "0.0001",
    min_notional_tick_lots=1000,
    price_band_bps=1000,
    reference_price_ticks=100,
    restricted_accounts=(SPONSOR,),
)


def limit(
    account: AccountId = A,
    side: Side = Side.BUY,
    price: int = 100,
    quantity: int = 20,
    **kw: object,
) -> PlaceOrder:
    return PlaceOrder("BTCUSD", account, side, price_ticks=price, quantity_lots=quantity, **kw)  # type: ignore[arg-type]


def market_order(side: Side = Side.BUY, **kw: object) -> PlaceOrder:
    return PlaceOrder(
        "BTCUSD",
        A,
        side,
        order_type=OrderType.MARKET,
        time_in_force=TimeInForce.IOC,
        **kw,  # type: ignore[arg-type]
    )


BASE: list[VenueCommand] = [
    BTC,
    RestrictAccount(OP, AccountRole.OPERATOR),
    limit(B, Side.SELL, 105, 20, client_order_id="b-1"),  # order 1
    limit(A, Side.BUY, 95, 20, client_order_id="a-1"),  # order 2
]

CASES: list[tuple[str, list[VenueCommand], VenueCommand, R]] = [
    # --- the shape of a command ---
    ("empty account", BASE, limit(AccountId("")), R.INVALID_ACCOUNT_ID),
    ("long account", BASE, limit(AccountId("x" * 65)), R.INVALID_ACCOUNT_ID),
    (
        "cancel empty account",
        BASE,
        CancelOrder("BTCUSD", AccountId(""), order_id=2),
        R.INVALID_ACCOUNT_ID,
    ),
    (
        "amend empty account",
        BASE,
        AmendOrder("BTCUSD", AccountId(""), 96, 20, order_id=2),
        R.INVALID_ACCOUNT_ID,
    ),
    (
        "restrict empty account",
        BASE,
        RestrictAccount(AccountId(""), AccountRole.AFFILIATE),
        R.INVALID_ACCOUNT_ID,
    ),
    ("unrestrict empty account", BASE, UnrestrictAccount(AccountId("")), R.INVALID_ACCOUNT_ID),
    ("client id with space", BASE, limit(client_order_id="a 1"), R.INVALID_CLIENT_ORDER_ID),
    ("client id too long", BASE, limit(client_order_id="x" * 37), R.INVALID_CLIENT_ORDER_ID),
    ("stp group bad", BASE, limit(stp_group="-x"), R.INVALID_STP_GROUP),
    (
        "market GTC",
        BASE,
        PlaceOrder("BTCUSD", A, Side.BUY, order_type=OrderType.MARKET, quantity_lots=1),
        R.INVALID_TIME_IN_FORCE,
    ),
    (
        "maker IOC",
        BASE,
        limit(order_type=OrderType.LIMIT_MAKER, time_in_force=TimeInForce.IOC),
        R.INVALID_TIME_IN_FORCE,
    ),
    ("zero quantity", BASE, limit(quantity=0), R.NON_POSITIVE_QUANTITY),
    ("negative quantity", BASE, limit(quantity=-5), R.NON_POSITIVE_QUANTITY),
    ("market no size", BASE, market_order(), R.NON_POSITIVE_QUANTITY),
    (
        "market negative quote",
        BASE,
        market_order(quote_quantity_tick_lots=-1),
        R.NON_POSITIVE_QUANTITY,
    ),
    (
        "amend zero quantity",
        BASE,
        AmendOrder("BTCUSD", A, 95, 0, order_id=2),
        R.NON_POSITIVE_QUANTITY,
    ),
    (
        "quantity above max",
        BASE,
        limit(quantity=limits.venue_quantity_lots_max + 1),
        R.QUANTITY_ABOVE_MAX,
    ),
    (
        "market quantity above max",
        BASE,
        market_order(quantity_lots=limits.venue_quantity_lots_max + 1),
        R.QUANTITY_ABOVE_MAX,
    ),
    (
        "amend above max",
        BASE,
        AmendOrder("BTCUSD", A, 95, limits.venue_quantity_lots_max + 1, order_id=2),
        R.QUANTITY_ABOVE_MAX,
    ),
    (
        "market both sizes",
        BASE,
        market_order(quantity_lots=1, quote_quantity_tick_lots=100),
        R.INVALID_QUANTITY_SPEC,
    ),
    ("limit with quote", BASE, limit(quote_quantity_tick_lots=100), R.INVALID_QUANTITY_SPEC),
    ("zero price", BASE, limit(price=0), R.NON_POSITIVE_PRICE),
    ("negative price", BASE, limit(price=-1), R.NON_POSITIVE_PRICE),
    ("amend zero price", BASE, AmendOrder("BTCUSD", A, 0, 20, order_id=2), R.NON_POSITIVE_PRICE),
    ("price above max", BASE, limit(price=limits.venue_price_ticks_max + 1), R.PRICE_ABOVE_MAX),
    (
        "amend price above max",
        BASE,
        AmendOrder("BTCUSD", A, limits.venue_price_ticks_max + 1, 20, order_id=2),
        R.PRICE_ABOVE_MAX,
    ),
    (
        "market with price",
        BASE,
        market_order(quantity_lots=1, price_ticks=100),
        R.PRICE_NOT_ALLOWED,
    ),
    ("cancel no reference", BASE, CancelOrder("BTCUSD", A), R.INVALID_ORDER_REFERENCE),
    (
        "cancel both references",
        BASE,
        CancelOrder("BTCUSD", A, order_id=2, client_order_id="a-1"),
        R.INVALID_ORDER_REFERENCE,
    ),
    ("cancel negative id", BASE, CancelOrder("BTCUSD", A, order_id=-2), R.INVALID_ORDER_REFERENCE),
    ("amend no reference", BASE, AmendOrder("BTCUSD", A, 96, 20), R.INVALID_ORDER_REFERENCE),
    # --- markets ---
    (
        "unknown market",
        BASE,
        PlaceOrder("ETHUSD", A, Side.BUY, price_ticks=1, quantity_lots=1),
        R.UNKNOWN_MARKET,
    ),
    ("cancel unknown market", BASE, CancelOrder("ETHUSD", A, order_id=2), R.UNKNOWN_MARKET),
    ("amend unknown market", BASE, AmendOrder("ETHUSD", A, 96, 20, order_id=2), R.UNKNOWN_MARKET),
    ("halt unknown market", BASE, HaltMarket("ETHUSD"), R.UNKNOWN_MARKET),
    ("resume unknown market", BASE, ResumeMarket("ETHUSD"), R.UNKNOWN_MARKET),
    ("order on halted market", [*BASE, HaltMarket("BTCUSD")], limit(), R.MARKET_HALTED),
    (
        "amend on halted market",
        [*BASE, HaltMarket("BTCUSD")],
        AmendOrder("BTCUSD", A, 96, 20, order_id=2),
        R.MARKET_HALTED,
    ),
    ("market exists", BASE, BTC, R.MARKET_EXISTS),
    (
        "bad symbol",
        BASE,
        CreateMarket("btc usd", AssetCode("BTC"), AssetCode("USD"), "1", "1"),
        R.INVALID_SYMBOL,
    ),
    (
        "empty symbol",
        BASE,
        CreateMarket("", AssetCode("BTC"), AssetCode("USD"), "1", "1"),
        R.INVALID_SYMBOL,
    ),
    (
        "bad asset",
        BASE,
        CreateMarket("X", AssetCode("btc"), AssetCode("USD"), "1", "1"),
        R.INVALID_ASSET,
    ),
    (
        "same asset",
        BASE,
        CreateMarket("X", AssetCode("USD"), AssetCode("USD"), "1", "1"),
        R.INVALID_ASSET,
    ),
    (
        "zero tick",
        BASE,
        CreateMarket("X", AssetCode("ETH"), AssetCode("USD"), "0", "1"),
        R.INVALID_STEP,
    ),
    (
        "bad lot",
        BASE,
        CreateMarket("X", AssetCode("ETH"), AssetCode("USD"), "1", "1e-3"),
        R.INVALID_STEP,
    ),
    (
        "negative notional",
        BASE,
        CreateMarket("X", AssetCode("ETH"), AssetCode("USD"), "1", "1", min_notional_tick_lots=-1),
        R.INVALID_MARKET_PARAMETER,
    ),
    (
        "band too wide",
        BASE,
        CreateMarket("X", AssetCode("ETH"), AssetCode("USD"), "1", "1", price_band_bps=10_001),
        R.INVALID_MARKET_PARAMETER,
    ),
    (
        "negative reference",
        BASE,
        CreateMarket("X", AssetCode("ETH"), AssetCode("USD"), "1", "1", reference_price_ticks=-1),
        R.INVALID_MARKET_PARAMETER,
    ),
    (
        "duplicate restricted",
        BASE,
        CreateMarket("X", AssetCode("ETH"), AssetCode("USD"), "1", "1", restricted_accounts=(A, A)),
        R.INVALID_MARKET_PARAMETER,
    ),
    (
        "already halted",
        [*BASE, HaltMarket("BTCUSD")],
        HaltMarket("BTCUSD"),
        R.MARKET_ALREADY_HALTED,
    ),
    ("not halted", BASE, ResumeMarket("BTCUSD"), R.MARKET_NOT_HALTED),
    # --- accounts barred from trading ---
    ("operator trades", BASE, limit(OP), R.RESTRICTED_ACCOUNT),
    (
        "operator market order",
        BASE,
        PlaceOrder(
            "BTCUSD",
            OP,
            Side.BUY,
            order_type=OrderType.MARKET,
            time_in_force=TimeInForce.IOC,
            quantity_lots=1,
        ),
        R.RESTRICTED_ACCOUNT,
    ),
    ("market sponsor trades", BASE, limit(SPONSOR), R.RESTRICTED_ACCOUNT),
    (
        "already restricted",
        BASE,
        RestrictAccount(OP, AccountRole.AFFILIATE),
        R.ACCOUNT_ALREADY_RESTRICTED,
    ),
    ("not restricted", BASE, UnrestrictAccount(A), R.ACCOUNT_NOT_RESTRICTED),
    # --- orders against the book ---
    ("cancel unknown order", BASE, CancelOrder("BTCUSD", A, order_id=99), R.UNKNOWN_ORDER),
    ("cancel someone else's order", BASE, CancelOrder("BTCUSD", A, order_id=1), R.UNKNOWN_ORDER),
    (
        "cancel unknown client id",
        BASE,
        CancelOrder("BTCUSD", A, client_order_id="b-1"),
        R.UNKNOWN_ORDER,
    ),
    (
        "amend someone else's order",
        BASE,
        AmendOrder("BTCUSD", A, 104, 20, order_id=1),
        R.UNKNOWN_ORDER,
    ),
    ("duplicate client id", BASE, limit(client_order_id="a-1"), R.DUPLICATE_CLIENT_ORDER_ID),
    (
        "duplicate client id, IOC",
        BASE,
        limit(client_order_id="a-1", time_in_force=TimeInForce.IOC),
        R.DUPLICATE_CLIENT_ORDER_ID,
    ),
    ("above the band", BASE, limit(price=111), R.OUTSIDE_PRICE_BAND),
    ("below the band", BASE, limit(side=Side.SELL, price=89, quantity=50), R.OUTSIDE_PRICE_BAND),
    (
        "amend outside the band",
        BASE,
        AmendOrder("BTCUSD", A, 80, 20, order_id=2),
        R.OUTSIDE_PRICE_BAND,
    ),
    ("notional below minimum", BASE, limit(quantity=9), R.NOTIONAL_BELOW_MINIMUM),
    (
        "quote below minimum",
        BASE,
        market_order(quote_quantity_tick_lots=999),
        R.NOTIONAL_BELOW_MINIMUM,
    ),
    (
        "market quantity below minimum",
        BASE,
        market_order(quantity_lots=9),
        R.NOTIONAL_BELOW_MINIMUM,
    ),
    (
        "amend below minimum",
        BASE,
        AmendOrder("BTCUSD", A, 95, 10, order_id=2),
        R.NOTIONAL_BELOW_MINIMUM,
    ),
    (
        "post-only would take",
        BASE,
        limit(price=105, order_type=OrderType.LIMIT_MAKER),
        R.POST_ONLY_WOULD_TAKE,
    ),
    (
        "post-only amend would take",
        [*BASE, limit(price=96, order_type=OrderType.LIMIT_MAKER)],
        AmendOrder("BTCUSD", A, 105, 20, order_id=3),
        R.POST_ONLY_WOULD_TAKE,
    ),
    (
        "FOK too big",
        BASE,
        limit(price=105, quantity=21, time_in_force=TimeInForce.FOK),
        R.FOK_CANNOT_FILL,
    ),
    (
        "FOK no cross",
        BASE,
        limit(price=104, quantity=10, time_in_force=TimeInForce.FOK),
        R.FOK_CANNOT_FILL,
    ),
    (
        "FOK blocked by own order",
        BASE,
        limit(B, Side.BUY, 105, 10, time_in_force=TimeInForce.FOK, stp_mode=StpMode.EXPIRE_TAKER),
        R.FOK_CANNOT_FILL,
    ),
    ("nothing to amend", BASE, AmendOrder("BTCUSD", A, 95, 20, order_id=2), R.NOTHING_TO_AMEND),
    (
        "amend below filled",
        [*BASE, limit(B, Side.SELL, 95, 15)],
        AmendOrder("BTCUSD", A, 95, 15, order_id=2),
        R.AMEND_QUANTITY_NOT_ABOVE_FILLED,
    ),
]


def build(commands: list[VenueCommand]) -> tuple[VenueState, VenueState, ReferenceVenue]:
    fast, quick, ref = new_state(), new_state(), ReferenceVenue()
    for command in commands:
        outcome = decide(fast, command, CTX)
        assert not isinstance(outcome, Rejection), (command, outcome)
        for event in outcome:
            evolve(fast, event)
        assert not isinstance(apply(quick, command, CTX), Rejection)
        assert not isinstance(ref.apply(command, CTX), Rejection)
    return fast, quick, ref


def assert_rejected(commands: list[VenueCommand], command: VenueCommand, code: R) -> None:
    fast, quick, ref = build(commands)
    before = state_hash(fast)
    for outcome, after in (
        (decide(fast, command, CTX), lambda: state_hash(fast)),
        (apply(quick, command, CTX), lambda: state_hash(quick)),
        (ref.apply(command, CTX), ref.state_hash),
    ):
        assert isinstance(outcome, Rejection), outcome
        assert (outcome.code, outcome.name) == (int(code), code.name), outcome
        assert after() == before


@pytest.mark.parametrize(
    ("setup", "command", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rejection_leaves_the_state_unchanged(
    setup: list[VenueCommand], command: VenueCommand, code: R
) -> None:
    assert_rejected(setup, command, code)


def test_book_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "venue_orders_per_market_max", 2)
    assert_rejected(BASE, limit(price=96), R.BOOK_FULL)
    # an IOC order never rests, so a full book still takes it
    fast, _, _ = build(BASE)
    assert not isinstance(
        decide(fast, limit(price=96, time_in_force=TimeInForce.IOC), CTX), Rejection
    )


def test_markets_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "venue_markets_max", 1)
    assert_rejected(
        BASE, CreateMarket("ETHUSD", AssetCode("ETH"), AssetCode("USD"), "1", "1"), R.MARKETS_FULL
    )


def test_restricted_accounts_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "venue_restricted_accounts_max", 1)
    assert_rejected(
        BASE,
        RestrictAccount(AccountId("affiliate"), AccountRole.AFFILIATE),
        R.RESTRICTED_ACCOUNTS_FULL,
    )


@pytest.mark.parametrize(
    ("function", "text", "code"),
    [
        (machine.price_ticks_from_text, "100.005", R.PRICE_OFF_TICK),
        (machine.quantity_lots_from_text, "0.00001", R.QUANTITY_OFF_LOT),
        (machine.price_ticks_from_text, "1e3", R.INVALID_DECIMAL),
        (machine.quantity_lots_from_text, "abc", R.INVALID_DECIMAL),
    ],
)
def test_text_boundary(function: object, text: str, code: R) -> None:
    fast, _, _ = build(BASE)
    before = state_hash(fast)
    outcome = function(fast, "BTCUSD", text)  # type: ignore[operator]
    assert isinstance(outcome, Rejection) and outcome.code == code
    assert state_hash(fast) == before


def test_text_boundary_converts_exactly() -> None:
    fast, _, _ = build(BASE)
    assert machine.price_ticks_from_text(fast, "BTCUSD", "100.05") == 10005
    assert machine.quantity_lots_from_text(fast, "BTCUSD", "0.5") == 5000
    assert isinstance(machine.price_ticks_from_text(fast, "ETHUSD", "1"), Rejection)
    market = fast.markets["BTCUSD"]
    assert machine.format_price(market, 10005) == "100.05"
    assert machine.format_quantity(market, 5000) == "0.5"


def test_every_code_is_tested() -> None:
    tested = {code for *_, code in CASES} | {
        R.BOOK_FULL,
        R.MARKETS_FULL,
        R.RESTRICTED_ACCOUNTS_FULL,
        R.PRICE_OFF_TICK,
        R.QUANTITY_OFF_LOT,
        R.INVALID_DECIMAL,
    }
    assert set(R) == tested


def test_codes_are_in_the_venue_range() -> None:
    assert all(3000 <= code < 4000 for code in R)
