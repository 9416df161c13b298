"""A seeded agent-based market: noise traders, market makers with inventory control, momentum
and mean-reversion traders, and institutions working large orders.

Agents act only through the commands a real client's broker sends (``broker.PlaceOrder`` and
``broker.RequestCancel``, through ``SimMarket.place`` / ``cancel``), and see only what a client
sees: public market data (the L2 book, trade prints) and their own orders and fills, both read
from the public projection of committed entries (``MarketData``), one step late like any feed.
An order counts as placed when the group holding it is committed; a crash before that loses it,
and the agent forgets it. ``SimMarket`` and the order vocabulary it speaks (``Side``,
``OrderType``, ``TimeInForce``, ``StpMode``, re-exported here) are all a driver of the agents
needs: ``runner.Simulation`` drives them in process, ``seawall.simhttp`` over the HTTP API.

Every agent draws from its own ``random.Random`` seeded by ``(run seed, agent name)``, and acts in
a fixed order each step, so one seed reproduces a run exactly. Prices are integer ticks and
sizes integer lots; the floats here are the agents' private beliefs, never a domain value.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from seawall.broker.state import OrderType, Side, StpMode, TimeInForce

__all__ = [
    "Account",
    "Agent",
    "Institution",
    "MarketData",
    "MarketMaker",
    "MeanReversionTrader",
    "MomentumTrader",
    "NoiseTrader",
    "OrderType",
    "OwnOrder",
    "ParentOrder",
    "Side",
    "SimMarket",
    "StpMode",
    "SymbolSpec",
    "SymbolView",
    "TimeInForce",
]


@dataclass(frozen=True)
class SymbolSpec:
    """A simulated market: how many lots make one whole base unit, its reference price, and how
    busy it is (the share of noise traders' attention)."""

    symbol: str
    base_asset: str
    quote_asset: str
    lots_per_unit: int
    reference_price_ticks: int
    activity: float
    #: a typical order, in thousandths of a base unit
    typical_size_milli: int


@dataclass
class Account:
    """One client account an agent trades through."""

    name: str
    broker_id: str
    account_id: str
    pseudonym: str


@dataclass
class OwnOrder:
    """An order of the agent's, as the agent knows it."""

    broker_order_id: str
    client_order_id: str
    symbol: str
    side: Side
    price_ticks: int
    quantity_lots: int
    placed_ns: int
    open_lots: int


@dataclass
class SymbolView:
    """One market's public data: the L2 book, the last trade and recent prints."""

    bids: dict[int, int] = field(default_factory=dict)
    asks: dict[int, int] = field(default_factory=dict)
    best_bid: int = 0
    best_ask: int = 0
    last_price: int = 0
    #: (timestamp_ns, price_ticks, quantity_lots, aggressor side)
    prints: deque[tuple[int, int, int, int]] = field(default_factory=lambda: deque(maxlen=2048))
    #: exponential average of trade prices (the makers' anchor)
    average_price: float = 0.0

    def mid(self, fallback: int) -> int:
        if self.best_bid and self.best_ask:
            return (self.best_bid + self.best_ask) // 2
        return self.last_price or self.best_bid or self.best_ask or fallback

    def price_at(self, timestamp_ns: int, fallback: int) -> int:
        """The last trade price at or before ``timestamp_ns`` (``fallback`` if none)."""
        price = fallback
        for when, print_price, _, _ in self.prints:
            if when > timestamp_ns:
                break
            price = print_price
        return price


class MarketData:
    """Public market data and each account's own orders and fills, from public entries."""

    def __init__(self, specs: dict[str, SymbolSpec]) -> None:
        self.views = {symbol: SymbolView() for symbol in specs}
        self.specs = specs
        #: broker order id -> (pseudonym, the order)
        self.orders: dict[str, tuple[str, OwnOrder]] = {}
        #: pseudonym -> symbol -> net lots bought
        self.inventory: dict[str, dict[str, int]] = {}

    def apply(self, timestamp_ns: int, events: list[dict[str, Any]]) -> None:
        for event in events:
            kind = event.get("k")
            if kind == "venue.book_delta":
                view = self.views.get(event["symbol"])
                if view is None:
                    continue
                levels = view.bids if event["side"] == Side.BUY else view.asks
                if event["quantity_lots"]:
                    levels[event["price_ticks"]] = event["quantity_lots"]
                else:
                    levels.pop(event["price_ticks"], None)
                view.best_bid = max(view.bids) if view.bids else 0
                view.best_ask = min(view.asks) if view.asks else 0
            elif kind == "venue.trade":
                view = self.views.get(event["symbol"])
                if view is None:
                    continue
                price = event["price_ticks"]
                view.last_price = price
                view.prints.append(
                    (timestamp_ns, price, event["quantity_lots"], event["aggressor_side"])
                )
                view.average_price = (
                    price if view.average_price == 0 else 0.8 * view.average_price + 0.2 * price
                )
            elif kind == "broker.fill_applied":
                known = self.orders.get(event["broker_order_id"])
                if known is not None:
                    known[1].open_lots -= event["quantity_lots"]
                holdings = self.inventory.setdefault(event["account_id"], {})
                signed = (
                    event["quantity_lots"] if event["side"] == Side.BUY else -event["quantity_lots"]
                )
                holdings[event["symbol"]] = holdings.get(event["symbol"], 0) + signed
            elif kind in ("broker.order_closed", "broker.order_rejected"):
                self.orders.pop(event["broker_order_id"], None)

    def track(self, pseudonym: str, order: OwnOrder) -> None:
        self.orders[order.broker_order_id] = (pseudonym, order)

    def forget(self, broker_order_id: str) -> None:
        self.orders.pop(broker_order_id, None)

    def open_orders(self, pseudonym: str) -> list[OwnOrder]:
        """The account's live orders, oldest first."""
        return [order for owner, order in self.orders.values() if owner == pseudonym]

    def position(self, pseudonym: str, symbol: str) -> int:
        return self.inventory.get(pseudonym, {}).get(symbol, 0)


class SimMarket(Protocol):
    """What an agent may do and see (``runner.Simulation`` implements it)."""

    data: MarketData

    @property
    def now_ns(self) -> int: ...

    @property
    def step_ns(self) -> int: ...

    def place(
        self,
        account: Account,
        symbol: str,
        side: Side,
        price_ticks: int,
        quantity_lots: int,
        order_type: OrderType = OrderType.LIMIT,
        time_in_force: TimeInForce = TimeInForce.GTC,
        stp_mode: StpMode = StpMode.EXPIRE_TAKER,
    ) -> OwnOrder | None: ...

    def cancel(self, account: Account, order: OwnOrder) -> None: ...

    def spec(self, symbol: str) -> SymbolSpec: ...


class Agent:
    """Base class: a name, its accounts, its own random generator, and ``step``."""

    #: what the agent is, for the run's description
    role: str = "agent"

    def __init__(self, name: str, seed: int, broker_id: str) -> None:
        self.name = name
        self.broker_id = broker_id
        self.rng = random.Random(f"{seed}:{name}")
        self.accounts: list[Account] = []
        #: person names to onboard (name, broker, salt label, algorithm owner index or -1)
        self.people: list[tuple[str, str, str, int]] = [(name, broker_id, name, -1)]
        #: deposit origins per account index (defaults to one of its own)
        self.origins: dict[int, str] = {}

    @property
    def account(self) -> Account:
        return self.accounts[0]

    def step(self, sim: SimMarket) -> None:
        """Act (or not) at ``sim.now_ns``."""

    def poisson(self, rate_per_s: float, step_ns: int) -> bool:
        """Whether an event of ``rate_per_s`` happens in a step of ``step_ns``."""
        return self.rng.random() < rate_per_s * step_ns / 1e9

    def size_lots(self, spec: SymbolSpec, round_share: float, scale: float = 1.0) -> int:
        """An order size around the typical one (log-normal); with probability
        ``round_share`` rounded to a size people like (1, 2, 2.5 or 5 times a power of ten of
        the base unit), as people do."""
        milli = spec.typical_size_milli * scale * math.exp(self.rng.gauss(0.0, 0.7))
        lots_per_milli = spec.lots_per_unit / 1000
        if self.rng.random() < round_share:
            power: float = 10.0 ** math.floor(math.log10(milli))
            nice: float = min((1, 2, 2.5, 5, 10), key=lambda each: abs(each * power - milli))
            lots: int = round(nice * power * lots_per_milli)
            return max(1, lots)
        return max(1, int(milli * lots_per_milli))


def _bps(price: int, bps: float) -> int:
    return max(1, int(price * bps / 10_000))


def pick_symbol(rng: random.Random, specs: dict[str, SymbolSpec]) -> str:
    symbols = sorted(specs)
    weights = [specs[symbol].activity for symbol in symbols]
    return rng.choices(symbols, weights)[0]


class NoiseTrader(Agent):
    """Random orders: resting limits near the touch (cancelled after a while) and marketable
    IOC limits; sizes often round. Uses self-trade prevention like a careful client."""

    role = "noise"

    def __init__(self, name: str, seed: int, broker_id: str, rate_per_s: float = 0.1) -> None:
        super().__init__(name, seed, broker_id)
        self.rate_per_s = rate_per_s
        self.lifetime_ns = int(self.rng.uniform(20, 120) * 1e9)

    def step(self, sim: SimMarket) -> None:
        account = self.account
        for order in sim.data.open_orders(account.pseudonym):
            if sim.now_ns - order.placed_ns > self.lifetime_ns:
                sim.cancel(account, order)
        if not self.poisson(self.rate_per_s, sim.step_ns):
            return
        rng = self.rng
        symbol = pick_symbol(rng, sim.data.specs)
        spec = sim.spec(symbol)
        view = sim.data.views[symbol]
        mid = view.mid(spec.reference_price_ticks)
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        lots = self.size_lots(spec, round_share=0.6)
        sign = 1 if side == Side.BUY else -1
        if rng.random() < 0.4 and view.best_bid and view.best_ask:
            touch = view.best_ask if side == Side.BUY else view.best_bid
            price = touch + sign * _bps(touch, rng.uniform(0, 5))
            sim.place(account, symbol, side, price, lots, time_in_force=TimeInForce.IOC)
        else:
            price = mid - sign * _bps(mid, rng.uniform(2, 25))
            sim.place(account, symbol, side, price, lots)


class MarketMaker(Agent):
    """Quotes a ladder on both sides of its reference price, post-only, skewed against its
    inventory, and requotes every few seconds.

    The reference follows recent trade prices (an exponential average), is drawn slowly toward
    a drifting fundamental value (so a price pushed away comes back), and leans with the net
    aggressive flow of the last minute (``impact_bps`` per typical order of net buying): a maker
    that keeps selling to buyers raises its quotes, which is how one-sided flow moves prices.
    """

    role = "market_maker"

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        symbol: str,
        half_spread_bps: float = 4.0,
        level_gap_bps: float = 3.0,
        levels: int = 2,
        requote_s: float = 5.0,
        volatility_bps_per_s: float = 1.5,
        impact_bps: float = 1.0,
    ) -> None:
        super().__init__(name, seed, broker_id)
        self.symbol = symbol
        self.half_spread_bps = half_spread_bps
        self.level_gap_bps = level_gap_bps
        self.levels = levels
        self.requote_s = requote_s
        self.volatility = volatility_bps_per_s
        self.impact_bps = impact_bps
        self.fundamental = 0.0
        self.next_quote_ns = 0

    def step(self, sim: SimMarket) -> None:
        spec = sim.spec(self.symbol)
        if self.fundamental == 0.0:
            self.fundamental = float(spec.reference_price_ticks)
        step_s = sim.step_ns / 1e9
        self.fundamental *= math.exp(self.rng.gauss(0.0, self.volatility * math.sqrt(step_s)) / 1e4)
        if sim.now_ns < self.next_quote_ns:
            return
        self.next_quote_ns = sim.now_ns + int(self.requote_s * self.rng.uniform(0.7, 1.3) * 1e9)
        account = self.account
        for order in sim.data.open_orders(account.pseudonym):
            if order.symbol == self.symbol:
                sim.cancel(account, order)
        view = sim.data.views[self.symbol]
        anchor = view.average_price or self.fundamental
        self.fundamental += 0.05 * (anchor - self.fundamental)
        typical = spec.typical_size_milli * spec.lots_per_unit / 1000
        since = sim.now_ns - 60 * 10**9
        net = sum(
            lots if side == Side.BUY else -lots
            for when, _, lots, side in view.prints
            if when >= since
        )
        lean_bps = max(-300.0, min(300.0, self.impact_bps * net / typical))
        inventory = sim.data.position(account.pseudonym, self.symbol) / (typical * 20)
        skew_bps = -4.0 * max(-2.0, min(2.0, inventory))
        reference = 0.8 * anchor + 0.2 * self.fundamental
        center = reference * (1 + (skew_bps + lean_bps) / 1e4)
        for level in range(self.levels):
            distance = (self.half_spread_bps + level * self.level_gap_bps) / 1e4
            lots = max(1, int(typical * self.rng.uniform(1.5, 3.0)))
            bid = int(center * (1 - distance))
            ask = int(center * (1 + distance)) + 1
            if view.best_ask and bid >= view.best_ask:
                bid = view.best_ask - 1
            if view.best_bid and ask <= view.best_bid:
                ask = view.best_bid + 1
            for side, price in ((Side.BUY, bid), (Side.SELL, ask)):
                sim.place(account, self.symbol, side, price, lots, order_type=OrderType.LIMIT_MAKER)


class MomentumTrader(Agent):
    """Buys after a rise and sells after a fall over its lookback (marketable IOC orders)."""

    role = "momentum"

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        lookback_s: float = 60.0,
        threshold_bps: float = 15.0,
        rate_per_s: float = 0.07,
    ) -> None:
        super().__init__(name, seed, broker_id)
        self.lookback_ns = int(lookback_s * 1e9)
        self.threshold_bps = threshold_bps
        self.rate_per_s = rate_per_s

    def step(self, sim: SimMarket) -> None:
        if not self.poisson(self.rate_per_s, sim.step_ns):
            return
        symbol = pick_symbol(self.rng, sim.data.specs)
        spec = sim.spec(symbol)
        view = sim.data.views[symbol]
        if not view.last_price or not view.best_bid or not view.best_ask:
            return
        before = view.price_at(sim.now_ns - self.lookback_ns, view.last_price)
        move_bps = (view.last_price - before) * 1e4 / before
        if abs(move_bps) < self.threshold_bps:
            return
        side = Side.BUY if move_bps > 0 else Side.SELL
        touch = view.best_ask if side == Side.BUY else view.best_bid
        sign = 1 if side == Side.BUY else -1
        price = touch + sign * _bps(touch, 3)
        lots = self.size_lots(spec, round_share=0.5)
        sim.place(self.account, symbol, side, price, lots, time_in_force=TimeInForce.IOC)


class MeanReversionTrader(Agent):
    """Sells when the price is well above its slow average and buys when well below."""

    role = "mean_reversion"

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        threshold_bps: float = 20.0,
        rate_per_s: float = 0.07,
    ) -> None:
        super().__init__(name, seed, broker_id)
        self.threshold_bps = threshold_bps
        self.rate_per_s = rate_per_s
        self.slow: dict[str, float] = {}

    def step(self, sim: SimMarket) -> None:
        for symbol, view in sorted(sim.data.views.items()):
            if view.last_price:
                slow = self.slow.get(symbol, float(view.last_price))
                self.slow[symbol] = slow + 0.002 * (view.last_price - slow)
        if not self.poisson(self.rate_per_s, sim.step_ns):
            return
        symbol = pick_symbol(self.rng, sim.data.specs)
        view = sim.data.views[symbol]
        if symbol not in self.slow or not view.best_bid or not view.best_ask:
            return
        slow = self.slow[symbol]
        deviation_bps = (view.last_price - slow) * 1e4 / slow
        if abs(deviation_bps) < self.threshold_bps:
            return
        side = Side.SELL if deviation_bps > 0 else Side.BUY
        touch = view.best_ask if side == Side.BUY else view.best_bid
        sign = 1 if side == Side.BUY else -1
        lots = self.size_lots(sim.spec(symbol), round_share=0.5)
        sim.place(
            self.account,
            symbol,
            side,
            touch + sign * _bps(touch, 2),
            lots,
            time_in_force=TimeInForce.IOC,
        )


@dataclass
class ParentOrder:
    """A large order an institution works as child IOC orders on a schedule."""

    symbol: str
    side: Side
    #: (timestamp_ns, child lots), in time order
    children: list[tuple[int, int]]


class Institution(Agent):
    """Works large parent orders (a pension fund rebalancing, say): every few minutes a parent
    of many typical sizes, cut into children sent on a schedule as marketable IOC limits that
    sweep a few levels. ``parents`` is the schedule (what an insider at its broker could see)."""

    role = "institution"

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        symbol: str,
        start_ns: int,
        end_ns: int,
        every_s: float = 300.0,
    ) -> None:
        super().__init__(name, seed, broker_id)
        self.symbol = symbol
        self.parents: list[ParentOrder] = []
        self._plan(start_ns, end_ns, every_s)
        self._queue: deque[tuple[int, Side, int]] = deque(
            sorted(
                (when, parent.side, lots)
                for parent in self.parents
                for when, lots in parent.children
            )
        )

    def _plan(self, start_ns: int, end_ns: int, every_s: float) -> None:
        rng = self.rng
        when = start_ns + int(rng.uniform(0.3, 1.0) * every_s * 1e9)
        while when < end_ns - 60 * 10**9:
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            children = []
            at = when
            for _ in range(rng.randint(3, 5)):
                children.append((at, rng.randint(12, 20)))
                at += int(rng.uniform(8, 20) * 1e9)
            self.parents.append(ParentOrder(self.symbol, side, children))
            when = at + int(rng.uniform(0.6, 1.4) * every_s * 1e9)

    def step(self, sim: SimMarket) -> None:
        queue = self._queue
        while queue and queue[0][0] <= sim.now_ns:
            _, side, multiple = queue.popleft()
            spec = sim.spec(self.symbol)
            view = sim.data.views[self.symbol]
            if not view.best_bid or not view.best_ask:
                continue
            typical = spec.typical_size_milli * spec.lots_per_unit // 1000
            touch = view.best_ask if side == Side.BUY else view.best_bid
            sign = 1 if side == Side.BUY else -1
            price = touch + sign * _bps(touch, 8)
            sim.place(
                self.account,
                self.symbol,
                side,
                price,
                typical * multiple,
                time_in_force=TimeInForce.IOC,
            )
