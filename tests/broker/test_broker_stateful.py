"""Property test: random streams of valid and invalid broker commands, from the right and the
wrong submitters. After every step: ``decide`` did not touch the state; a rejection is one of the
broker's codes; an accepted command changed no other broker's book (the wall); the state passes
``check_invariants`` and survives a snapshot round trip with the same hash."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from seawall.broker import (
    KERNEL_ONLY,
    LIVE_FILL_STATUSES,
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
    canonical,
    check_invariants,
    decide,
    evolve,
    fee_minor,
    notional_bounds,
    restore,
    snapshot,
    state_hash,
)
from seawall.core import limits
from seawall.core.machine import Context, Rejection

MAX = limits.amount_minor_max
KERNEL = Context(seq=1, timestamp_ns=0, submitter="kernel")
BROKER_API = Context(seq=1, timestamp_ns=0, submitter="b1")
CODES = {int(code) for code in BrokerRejection}
#: Small capacities, so that BROKER_FULL and TOO_MANY_OPEN_ORDERS are reached too.
SMALL_LIMITS = {
    "brokers_max": 3,
    "broker_clients_max": 4,
    "broker_open_orders_per_client_max": 4,
    "broker_orders_max": 40,
}


def mostly(common: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """Each of ``common`` four times as likely as each of ``rare`` (invalid or edge values)."""
    return st.sampled_from(common * 4 + rare)


broker_ids = mostly(["b1", "b2"], ["b3", "b9", "bad id", ""])
account_ids = mostly(["a1", "a2", "r1", "r2"], ["nobody", "bad id", "x" * 65])
symbols = mostly(["BTCUSD", "ETHBTC"], ["SOLUSD", "NOPE", "bad"])
assets = mostly(["USD", "BTC", "ETH"], ["SOL", "usd", ""])
client_order_ids = mostly(["", "c1", "c2", "c3", "c4"], ["bad id", "c" * 40])
classes: st.SearchStrategy[Any] = mostly(list(InvestorClass), ["gold", 1])
actors: st.SearchStrategy[Any] = mostly(list(Actor), ["robot"])
flags: st.SearchStrategy[Any] = mostly([True, False], [1, None])
reasons = mostly(["", "USER", "deposit"], ["r" * (limits.memo_length_max + 1)])
close_statuses: st.SearchStrategy[Any] = mostly(
    [OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.FILLED],
    [OrderStatus.OPEN, OrderStatus.REJECTED, "done"],
)
prices = st.integers(4_000_000, 6_000_000) | mostly([1, 5_000_000], [0, -1, 10**12 + 1])
quantities = st.integers(1, 5_000) | mostly([1, 100], [0, -3, 10**12 + 1])
quotes = st.integers(1, 500_000) | mostly([0], [-1, MAX])


@st.composite
def place_orders(draw: st.DrawFn) -> PlaceOrder:
    """Mostly coherent orders of each type; sometimes a field is off."""
    kind = draw(st.sampled_from(["limit", "maker", "market_base", "market_quote", "junk"]))
    side = draw(mostly([Side.BUY, Side.SELL], [3]))
    price, quantity, quote = draw(prices), draw(quantities), 0
    order_type, tif = OrderType.LIMIT, draw(mostly(list(TimeInForce), [7]))
    if kind == "maker":
        order_type, tif = OrderType.LIMIT_MAKER, TimeInForce.GTC
    elif kind.startswith("market"):
        order_type, tif, price = OrderType.MARKET, TimeInForce.IOC, 0
        if kind == "market_quote":
            quantity, quote = 0, draw(quotes)
    elif kind == "junk":
        order_type = draw(st.sampled_from([*OrderType, 9]))
        quote = draw(quotes)
    return PlaceOrder(
        broker_id=draw(broker_ids),
        account_id=draw(account_ids),
        client_order_id=draw(client_order_ids),
        symbol=draw(symbols),
        side=side,
        order_type=order_type,
        time_in_force=tif,
        price_ticks=price,
        quantity_lots=quantity,
        quote_quantity_minor=quote,
        stp_mode=draw(mostly(list(StpMode), [0])),
    )


def broker_of(command: BrokerCommand) -> str | None:
    broker_id = getattr(command, "broker_id", None)
    return broker_id if isinstance(broker_id, str) else None


class BrokerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = BrokerState()
        self.next_venue_id = 1
        self.next_trade_id = 1
        self.saved_limits = {name: getattr(limits, name) for name in SMALL_LIMITS}
        for name, value in SMALL_LIMITS.items():
            setattr(limits, name, value)

    def teardown(self) -> None:
        for name, value in self.saved_limits.items():
            setattr(limits, name, value)

    def run(self, command: BrokerCommand, ctx: Context | None = None) -> bool:
        """Decide and apply ``command``; whether it was accepted."""
        if ctx is None:
            ctx = KERNEL if isinstance(command, KERNEL_ONLY) else BROKER_API
        before = state_hash(self.state)
        books_before = {record.info.broker_id: record for record in canonical(self.state).brokers}
        outcome = decide(self.state, command, ctx)
        assert state_hash(self.state) == before, "decide changed the state"
        if isinstance(outcome, Rejection):
            assert outcome.code in CODES, outcome
            assert outcome.name == BrokerRejection(outcome.code).name
            return False
        assert len(outcome) == 1
        for event in outcome:
            evolve(self.state, event)
        named = broker_of(command)
        for record in canonical(self.state).brokers:
            broker_id = record.info.broker_id
            if broker_id != named and broker_id in books_before:
                assert record == books_before[broker_id], f"{command} changed {broker_id}"
        return True

    def orders_where(self, *statuses: OrderStatus) -> list[tuple[str, str]]:
        return [
            (broker_id, order_id)
            for broker_id, broker in sorted(self.state.brokers.items())
            for order_id, order in broker.orders.items()
            if order.status in statuses
        ]

    @initialize()
    def open_a_small_market(self) -> None:
        for command in (
            RegisterBroker("b1", 10, 20, 10**12),
            RegisterBroker("b2", 0, 5, 2_000_000),
            ListMarket("BTCUSD", "BTC", "USD", 8, 2, "0.01", "0.00001", 1000),
            ListMarket("ETHBTC", "ETH", "BTC", 18, 8, "0.000001", "0.0001", 0),
            SetRetailAdmission("BTCUSD", True),
            RecordLastPrice("BTCUSD", 5_000_000),
            RegisterClient("b1", "a1", InvestorClass.PROFESSIONAL, Actor.HUMAN),
            RegisterClient("b1", "a2", InvestorClass.INSTITUTIONAL, Actor.ALGORITHM),
            RegisterClient("b1", "r1", InvestorClass.RETAIL, Actor.HUMAN),
            UpdateClientStanding("b1", "r1", True, False),
            RegisterClient("b2", "a1", InvestorClass.PROFESSIONAL, Actor.HUMAN),
            RegisterClient("b2", "r2", InvestorClass.RETAIL, Actor.HUMAN),
            ApplyBalance("b1", "a1", "USD", 5_000_000, "deposit"),
            ApplyBalance("b1", "a1", "BTC", 100_000_000, "deposit"),
            ApplyBalance("b1", "a2", "USD", 5_000_000, "deposit"),
            ApplyBalance("b1", "a2", "ETH", 10**18, "deposit"),
            ApplyBalance("b1", "r1", "USD", 1_000_000, "deposit"),
            ApplyBalance("b2", "a1", "USD", 5_000_000, "deposit"),
            ApplyBalance("b2", "a1", "BTC", 50_000_000, "deposit"),
        ):
            assert self.run(command), command

    @rule(
        broker_id=broker_ids,
        maker=mostly([0, 10], [-1, 1_001]),
        taker=mostly([0, 20], [-1, 1_001]),
        limit=mostly([0, 10**6, 10**12], [-1, MAX + 1]),
    )
    def register_broker(self, broker_id: str, maker: int, taker: int, limit: int) -> None:
        self.run(RegisterBroker(broker_id, maker, taker, limit))

    @rule(
        symbol=symbols,
        base=assets,
        quote=assets,
        decimals=st.integers(-1, 19),
        tick=mostly(["0.01", "1"], ["0", "1e2"]),
        lot=mostly(["0.01", "1"], ["0.0000000000000000001"]),
        band=mostly([0, 500], [10_001]),
    )
    def list_market(
        self, symbol: str, base: str, quote: str, decimals: int, tick: str, lot: str, band: int
    ) -> None:
        self.run(ListMarket(symbol, base, quote, decimals, 2, tick, lot, band))

    @rule(symbol=symbols, admitted=flags)
    def set_retail_admission(self, symbol: str, admitted: Any) -> None:
        self.run(SetRetailAdmission(symbol, admitted))

    @rule(symbol=symbols, price=prices | st.integers(1, 1_000))
    def record_last_price(self, symbol: str, price: int) -> None:
        self.run(RecordLastPrice(symbol, price))

    @rule(broker_id=broker_ids, account_id=account_ids, klass=classes, actor=actors)
    def register_client(self, broker_id: str, account_id: str, klass: Any, actor: Any) -> None:
        self.run(RegisterClient(broker_id, account_id, klass, actor))

    @rule(broker_id=broker_ids, account_id=account_ids, suitable=flags, blocked=flags)
    def update_standing(self, broker_id: str, account_id: str, suitable: Any, blocked: Any) -> None:
        self.run(UpdateClientStanding(broker_id, account_id, suitable, blocked))

    @rule(
        broker_id=broker_ids,
        account_id=account_ids,
        limit=mostly([0, 100_000, 10**9], [-1, MAX + 1]),
        quote_asset=st.just("") | assets,
    )
    def set_exposure_limit(
        self, broker_id: str, account_id: str, limit: int, quote_asset: str
    ) -> None:
        self.run(SetExposureLimit(broker_id, account_id, limit, quote_asset))

    @rule(
        broker_id=broker_ids,
        account_id=account_ids,
        asset=assets,
        delta=st.integers(-2_000_000, 5_000_000) | mostly([1], [0, MAX, -MAX - 1]),
        reason=reasons,
    )
    def apply_balance(
        self, broker_id: str, account_id: str, asset: str, delta: int, reason: str
    ) -> None:
        self.run(ApplyBalance(broker_id, account_id, asset, delta, reason))

    @rule(command=place_orders())
    def place_order(self, command: PlaceOrder) -> None:
        self.run(command)

    def place_for_a_client(self, data: st.DataObject) -> None:
        """A coherent order from an existing client in a listed market, of any type."""
        pairs = [
            (broker_id, account_id)
            for broker_id, broker in sorted(self.state.brokers.items())
            for account_id in sorted(broker.clients)
        ]
        broker_id, account_id = data.draw(st.sampled_from(pairs))
        symbol = data.draw(st.sampled_from(sorted(self.state.markets)))
        last = self.state.markets[symbol].last_price_ticks or 5_000_000
        side = data.draw(st.sampled_from(list(Side)))
        kind = data.draw(st.sampled_from(["limit", "limit", "maker", "market", "market_quote"]))
        price = data.draw(st.integers(max(1, last - last // 10), last + last // 10))
        quantity = data.draw(st.integers(1, 3_000))
        quote = 0
        order_type, tif = OrderType.LIMIT, data.draw(st.sampled_from(list(TimeInForce)))
        if kind == "maker":
            order_type, tif = OrderType.LIMIT_MAKER, TimeInForce.GTC
        elif kind.startswith("market"):
            order_type, tif, price = OrderType.MARKET, TimeInForce.IOC, 0
            if kind == "market_quote" and side is Side.BUY:
                quantity, quote = 0, data.draw(st.integers(1, 300_000))
        self.run(
            PlaceOrder(
                broker_id,
                account_id,
                data.draw(client_order_ids),
                symbol,
                side,
                order_type,
                tif,
                price,
                quantity,
                quote,
                data.draw(st.sampled_from(list(StpMode))),
            )
        )

    @rule(data=st.data())
    def place_order_for_a_client(self, data: st.DataObject) -> None:
        self.place_for_a_client(data)

    @rule(data=st.data())
    def place_another_order_for_a_client(self, data: st.DataObject) -> None:
        self.place_for_a_client(data)

    @rule(data=st.data())
    def mark_open(self, data: st.DataObject) -> None:
        pending = self.orders_where(OrderStatus.PENDING_HOLD)
        if pending and data.draw(st.integers(0, 4)):
            broker_id, order_id = data.draw(st.sampled_from(pending))
        else:
            broker_id, order_id = data.draw(broker_ids), data.draw(st.sampled_from(["b1-1", ""]))
        venue_id = data.draw(mostly([self.next_venue_id], [0, 1, self.next_venue_id - 1]))
        self.next_venue_id += 1
        self.run(MarkOrderOpen(broker_id, order_id, venue_id))

    @rule(data=st.data(), code=st.integers(3000, 6999), name=mostly(["NO"], ["", 5]))
    def reject_order(self, data: st.DataObject, code: int, name: Any) -> None:
        known = self.orders_where(*OrderStatus)
        if not known:
            return
        broker_id, order_id = data.draw(st.sampled_from(known))
        self.run(RejectOrder(broker_id, order_id, code, name, "downstream"))

    @rule(data=st.data())
    def apply_fill(self, data: st.DataObject) -> None:
        live = self.orders_where(*LIVE_FILL_STATUSES)
        if live:
            self.fill(data, *data.draw(st.sampled_from(live)))

    def fill(self, data: st.DataObject, broker_id: str, order_id: str) -> None:
        """Mostly a fill that fits its order (price within the limit, lots within the rest,
        amounts the trade's, fee within the schedule); sometimes one field is off."""
        order = self.state.brokers[broker_id].orders[order_id]
        market = self.state.markets[order.symbol]
        if order.quantity_lots:
            rest = order.quantity_lots - order.filled_lots
            quantity = data.draw(mostly([rest, max(1, rest // 2), 1], [rest + 1]))
        else:
            quantity = data.draw(st.integers(1, 1_000))
        if order.order_type is OrderType.MARKET:
            price = data.draw(st.integers(4_500_000, 5_600_000))
        elif order.side is Side.BUY:
            price = data.draw(st.integers(max(1, order.price_ticks - 1_000), order.price_ticks + 1))
        else:
            price = data.draw(st.integers(max(1, order.price_ticks - 1), order.price_ticks + 1_000))
        low, high = notional_bounds(market, price, quantity)
        quote = data.draw(mostly([low, high], [high + 1]))
        is_maker = data.draw(st.booleans())
        rate = order.maker_fee_bps if is_maker else order.taker_fee_bps
        fee = data.draw(mostly([fee_minor(quote, rate), 0], [fee_minor(quote, rate) + 1]))
        trade_id = data.draw(mostly([self.next_trade_id], [min(order.trade_ids, default=0)]))
        self.next_trade_id += 1
        base = quantity * market.base_minor_per_lot + data.draw(mostly([0], [1]))
        fee_asset = data.draw(mostly([market.quote_asset], [market.base_asset]))
        self.run(
            ApplyFill(
                broker_id,
                order_id,
                trade_id,
                price,
                quantity,
                base,
                quote,
                fee,
                fee_asset,
                is_maker,
            )
        )

    def advance(self, data: st.DataObject) -> None:
        """Take a live order one step further: open (or reject) a pending one; fill, cancel or
        close an open one; close a filled one."""
        live = [
            (broker_id, order_id)
            for broker_id, order_id in self.orders_where(*OrderStatus)
            if not self.state.brokers[broker_id].orders[order_id].closed
        ]
        if not live:
            return
        broker_id, order_id = data.draw(st.sampled_from(live))
        order = self.state.brokers[broker_id].orders[order_id]
        if order.status is OrderStatus.PENDING_HOLD:
            if data.draw(st.integers(0, 5)):
                self.run(MarkOrderOpen(broker_id, order_id, self.next_venue_id))
                self.next_venue_id += 1
            else:
                self.run(RejectOrder(broker_id, order_id, 6005, "INSUFFICIENT_AVAILABLE"))
        elif order.status is OrderStatus.FILLED:
            self.run(CloseOrder(broker_id, order_id, OrderStatus.FILLED, "last fill"))
        else:
            step = data.draw(st.sampled_from(["fill", "fill", "fill", "cancel", "close"]))
            if step == "fill":
                self.fill(data, broker_id, order_id)
            elif step == "cancel":
                self.run(RequestCancel(broker_id, order.account_id, broker_order_id=order_id))
            else:
                status = data.draw(st.sampled_from([OrderStatus.CANCELED, OrderStatus.EXPIRED]))
                self.run(CloseOrder(broker_id, order_id, status, "venue"))

    @rule(data=st.data())
    def advance_an_order(self, data: st.DataObject) -> None:
        self.advance(data)

    @rule(data=st.data())
    def advance_another_order(self, data: st.DataObject) -> None:
        self.advance(data)

    @rule(data=st.data(), status=close_statuses, reason=reasons)
    def close_order(self, data: st.DataObject, status: Any, reason: str) -> None:
        known = self.orders_where(*OrderStatus)
        if not known:
            return
        broker_id, order_id = data.draw(st.sampled_from(known))
        self.run(CloseOrder(broker_id, order_id, status, reason))

    @rule(data=st.data(), account_id=account_ids)
    def request_cancel(self, data: st.DataObject, account_id: str) -> None:
        known = self.orders_where(*OrderStatus)
        if not known or not data.draw(st.integers(0, 4)):
            self.run(RequestCancel(data.draw(broker_ids), account_id, "", ""))
            return
        broker_id, order_id = data.draw(st.sampled_from(known))
        order = self.state.brokers[broker_id].orders[order_id]
        owner = data.draw(mostly([order.account_id], [account_id]))
        if data.draw(st.booleans()) and order.client_order_id:
            self.run(RequestCancel(broker_id, owner, client_order_id=order.client_order_id))
        else:
            self.run(RequestCancel(broker_id, owner, broker_order_id=order_id))

    @rule(
        command=st.sampled_from(
            [
                ListMarket("SOLUSD", "SOL", "USD", 9, 2, "0.01", "0.01"),
                RecordLastPrice("BTCUSD", 1),
                RegisterClient("b1", "z", InvestorClass.RETAIL, Actor.HUMAN),
                ApplyBalance("b1", "a1", "USD", 1, ""),
                CloseOrder("b1", "b1-00000001", OrderStatus.CANCELED),
            ]
        ),
        submitter=st.sampled_from(["b1", "b2", "a1", ""]),
    )
    def kernel_only_from_elsewhere(self, command: BrokerCommand, submitter: str) -> None:
        outcome = decide(self.state, command, Context(seq=1, timestamp_ns=0, submitter=submitter))
        assert isinstance(outcome, Rejection)
        assert outcome.code == BrokerRejection.NOT_AUTHORISED

    @invariant()
    def invariants_hold_and_snapshots_round_trip(self) -> None:
        check_invariants(self.state)
        restored = restore(snapshot(self.state))
        assert state_hash(restored) == state_hash(self.state)


BrokerMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_broker_machine = BrokerMachine.TestCase
