"""Scripted manipulators, each writing a ground-truth label for every episode it stages.

Every manipulator is an ``agents.Agent``: it acts only through client commands, sees only public
data and its own orders, and draws from its own seeded generator. Each stages one episode in
its window and records a ``GroundTruth`` (re-exported here: type, variant, market, the
pseudonyms that took part, first and last manipulative act) in ``labels`` as it goes. Scenarios
(``SCENARIOS``) name the manipulators a run adds to the background market:

========================  ==================  ==================================================
 scenario                 type                what it does
========================  ==================  ==================================================
 ``wash_self``            wash_trading        one account sells to itself (no self-trade
                                              prevention): a resting sell, then its own buy
 ``wash_owner``           wash_trading        one person's two accounts at two brokers trade
                                              with each other
 ``wash_collusion``       wash_trading        two people's accounts trade back and forth
 ``spoofing``             spoofing            a large order away from the touch, a real order
                                              the other way, the large one pulled
 ``layering``             spoofing            the same with orders on several levels
 ``pump_and_dump``        pump_and_dump       a group lifts a thin market, then sells into it
 ``front_running``        front_running       an insider at the institution's broker buys
                                              ahead of its large child order and sells to it
 ``marking_the_close``    marking_the_close   aggressive buys in the last minute before 00:00
 ``ramping``              ramping             one account walks a thin market up
 ``operator_nominee``     operator_trading    the venue operator (restricted) trades through a
                                              nominee funded from the operator's bank account
 ``operator_same_person`` operator_trading    ... through its own account at another broker
 ``operator_algorithm``   operator_trading    ... through an algorithm account it owns
========================  ==================  ==================================================

Stealthier variants (``stealth_*``, marked ``stress``) are outside the standard set: colluders
who trade with each other only every minute or two, spoof orders of three to five typical
sizes, a gentler pump, a front-runner taking a tenth of the child, a smaller marker, a slower
ramp, and an operator whose nominee has its own money (nothing public links them: by design,
no detector reading the public stream can see it). They show where detection stops. ``demo``
stages several manipulations in one run (for ``make demo``).
"""

from __future__ import annotations

import abc
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from seawall.broker.state import OrderType, Side, StpMode, TimeInForce
from seawall.sim.agents import Account, Agent, Institution, OwnOrder, SimMarket, SymbolSpec
from seawall.surveillance.evaluate import GroundTruth
from seawall.surveillance.state import AlertType
from seawall.venue.commands import AccountRole

__all__ = [
    "CLOSE_NS",
    "SCENARIOS",
    "FrontRunner",
    "GroundTruth",
    "Layering",
    "Manipulator",
    "MarkingTheClose",
    "OperatorTrading",
    "PumpAndDump",
    "Ramping",
    "Scenario",
    "Spoofing",
    "WashCollusion",
    "WashOwner",
    "WashSelf",
]

_S: Final = 1_000_000_000
#: The daily close the marking scenario aims at: 00:00 UTC on 2026-01-02 (runs start 23:45).
CLOSE_NS: Final = 1_767_312_000 * _S


def _bps(price: int, bps: float) -> int:
    return max(1, int(price * bps / 10_000))


class Manipulator(Agent):
    """An agent that stages one episode in ``[window_start_ns, window_end_ns)`` and labels it."""

    role = "manipulator"
    alert_type: AlertType
    variant = ""

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        symbol: str,
        window_start_ns: int,
        window_end_ns: int,
    ) -> None:
        super().__init__(name, seed, broker_id)
        self.symbol = symbol
        self.window_start_ns = window_start_ns
        self.window_end_ns = window_end_ns
        self.labels: list[GroundTruth] = []
        #: accounts (by index) the venue restricts at set-up, and as what
        self.restricted: list[tuple[int, AccountRole]] = []
        self._first_ns = 0
        self._last_ns = 0
        self._subjects: set[str] = set()

    def acted(self, sim: SimMarket, *accounts: Account) -> None:
        """Record a manipulative act now by ``accounts``."""
        if not self._first_ns:
            self._first_ns = sim.now_ns
        self._last_ns = sim.now_ns
        self._subjects.update(account.pseudonym for account in accounts)

    def finish(self) -> None:
        """Write the episode's label (once), if it acted at all."""
        if self._first_ns and not self.labels:
            self.labels.append(
                GroundTruth(
                    label_id=f"{self.name}-1",
                    alert_type=self.alert_type,
                    variant=self.variant,
                    symbol=self.symbol,
                    subjects=tuple(sorted(self._subjects)),
                    start_ns=self._first_ns,
                    end_ns=self._last_ns,
                )
            )

    def active(self, sim: SimMarket) -> bool:
        if sim.now_ns >= self.window_end_ns and self._first_ns:
            self.finish()
        return self.window_start_ns <= sim.now_ns < self.window_end_ns

    def inside_spread(self, sim: SimMarket) -> int:
        """A price strictly between the best bid and ask (0 if there is none)."""
        view = sim.data.views[self.symbol]
        if not view.best_bid or not view.best_ask or view.best_ask - view.best_bid < 3:
            return 0
        return self.rng.randint(view.best_bid + 1, view.best_ask - 1)

    def odd_size(self, spec: SymbolSpec, low: float, high: float) -> int:
        """A size of ``low..high`` typical orders, not round (bots do not round)."""
        typical = spec.typical_size_milli * spec.lots_per_unit / 1000
        lots = int(typical * self.rng.uniform(low, high))
        return lots + 7 if lots % 10 == 0 else lots


class _Washer(Manipulator, abc.ABC):
    """Trades between ``seller`` and ``buyer`` accounts in cycles, at a price inside the
    spread: a resting sell, then a buy that meets it (no self-trade prevention)."""

    alert_type = AlertType.WASH_TRADING
    #: seconds between cycles
    every_s = (8.0, 18.0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.next_ns = 0
        self.turn = 0

    @abc.abstractmethod
    def pair(self) -> tuple[Account, Account]:
        """The (seller, buyer) accounts of the next cycle."""

    def step(self, sim: SimMarket) -> None:
        if not self.active(sim) or sim.now_ns < self.next_ns:
            return
        self.next_ns = sim.now_ns + int(self.rng.uniform(*self.every_s) * _S)
        price = self.inside_spread(sim)
        if not price:
            return
        seller, buyer = self.pair()
        lots = self.odd_size(sim.spec(self.symbol), 1.0, 3.0)
        sell = sim.place(seller, self.symbol, Side.SELL, price, lots, stp_mode=StpMode.NONE)
        if sell is None:
            return
        sim.place(
            buyer,
            self.symbol,
            Side.BUY,
            price,
            lots,
            time_in_force=TimeInForce.IOC,
            stp_mode=StpMode.NONE,
        )
        self.acted(sim, seller, buyer)
        self.turn += 1


class WashSelf(_Washer):
    variant = "self"

    def pair(self) -> tuple[Account, Account]:
        return self.account, self.account


class WashOwner(_Washer):
    """One person, two accounts at two brokers (the same KYC record)."""

    variant = "same_person"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        other = "broker-b" if self.broker_id == "broker-a" else "broker-a"
        self.people.append((self.name, other, f"{self.name}#2", -1))

    def pair(self) -> tuple[Account, Account]:
        first, second = self.accounts[0], self.accounts[1]
        return (first, second) if self.turn % 2 == 0 else (second, first)


class WashCollusion(_Washer):
    """Two people (different KYC, different money) trading back and forth."""

    variant = "colluding"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        other = "broker-b" if self.broker_id == "broker-a" else "broker-a"
        self.people.append((f"{self.name}-partner", other, f"{self.name}-partner", -1))

    def pair(self) -> tuple[Account, Account]:
        first, second = self.accounts[0], self.accounts[1]
        return (first, second) if self.turn % 2 == 0 else (second, first)


class Spoofing(Manipulator):
    """Cycles of: large order(s) a few bps behind the touch, a real order the other way that
    trades at once, then the large orders pulled a few seconds later."""

    alert_type = AlertType.SPOOFING
    variant = "single"
    layers = 1
    #: the spoof orders' size, in typical orders
    spoof_size = (10.0, 16.0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.next_ns = 0
        self.spoof_side = Side.BUY if self.rng.random() < 0.5 else Side.SELL
        self.pull_at_ns = 0
        self.spoofs: list[OwnOrder] = []

    def step(self, sim: SimMarket) -> None:
        if self.spoofs and sim.now_ns >= self.pull_at_ns:
            for order in self.spoofs:
                sim.cancel(self.account, order)
            self.spoofs = []
            self.acted(sim, self.account)
        if not self.active(sim) or self.spoofs or sim.now_ns < self.next_ns:
            return
        self.next_ns = sim.now_ns + int(self.rng.uniform(20, 40) * _S)
        view = sim.data.views[self.symbol]
        if not view.best_bid or not view.best_ask:
            return
        spec = sim.spec(self.symbol)
        side = self.spoof_side
        sign = -1 if side == Side.BUY else 1
        touch = view.best_bid if side == Side.BUY else view.best_ask
        offset = self.rng.uniform(2, 8)
        for layer in range(self.layers):
            price = touch + sign * _bps(touch, offset + 3 * layer)
            spoof = sim.place(
                self.account, self.symbol, side, price, self.odd_size(spec, *self.spoof_size)
            )
            if spoof is not None:
                self.spoofs.append(spoof)
        real_side = Side.SELL if side == Side.BUY else Side.BUY
        real_touch = view.best_bid if real_side == Side.SELL else view.best_ask
        real_sign = -1 if real_side == Side.SELL else 1
        sim.place(
            self.account,
            self.symbol,
            real_side,
            real_touch + real_sign * _bps(real_touch, 2),
            self.odd_size(spec, 1.0, 2.0),
            time_in_force=TimeInForce.IOC,
        )
        self.pull_at_ns = sim.now_ns + int(self.rng.uniform(2, 6) * _S)
        self.acted(sim, self.account)


class Layering(Spoofing):
    variant = "layering"
    layers = 4


class PumpAndDump(Manipulator):
    """A group of 3-4 accounts (different people) lifts a thin market with marketable buys for
    about two minutes, then sells everything it bought into the rise."""

    alert_type = AlertType.PUMP_AND_DUMP
    variant = "group"
    #: orders per second (all members), pump order size (typical orders), premium (bps)
    rate_per_s = 0.6
    pump_size = (1.0, 3.0)
    premium_bps = (20.0, 60.0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        members = self.rng.randint(3, 4)
        for index in range(1, members):
            broker = "broker-a" if index % 2 == 0 else "broker-b"
            self.people.append((f"{self.name}-{index}", broker, f"{self.name}-{index}", -1))
        duration = self.window_end_ns - self.window_start_ns
        self.dump_from_ns = self.window_start_ns + duration * 2 // 3
        self.bought: dict[int, int] = {}

    def step(self, sim: SimMarket) -> None:
        if not self.active(sim) or not self.poisson(self.rate_per_s, sim.step_ns):
            return
        view = sim.data.views[self.symbol]
        if not view.best_bid or not view.best_ask:
            return
        spec = sim.spec(self.symbol)
        index = self.rng.randrange(len(self.accounts))
        account = self.accounts[index]
        if sim.now_ns < self.dump_from_ns:
            lots = self.odd_size(spec, *self.pump_size)
            price = view.best_ask + _bps(view.best_ask, self.rng.uniform(*self.premium_bps))
            if (
                sim.place(
                    account, self.symbol, Side.BUY, price, lots, time_in_force=TimeInForce.IOC
                )
                is not None
            ):
                self.bought[index] = self.bought.get(index, 0) + lots
                self.acted(sim, account)
            return
        holding = sim.data.position(account.pseudonym, self.symbol)
        if holding <= 0:
            return
        lots = min(holding, self.odd_size(spec, 3.0, 6.0))
        price = view.best_bid - _bps(view.best_bid, self.rng.uniform(30, 80))
        sim.place(account, self.symbol, Side.SELL, price, lots, time_in_force=TimeInForce.IOC)
        self.acted(sim, account)


class FrontRunner(Manipulator):
    """An insider who sees the institution's parent orders at its broker: a second or three
    before a parent's first child it buys (sells) a share of the child's size; in the step just
    before the child it offers that amount at the front of the book, for the child to take;
    what is left it unwinds a moment after the child."""

    alert_type = AlertType.FRONT_RUNNING
    variant = "insider"
    #: what it trades ahead, as a share of the child's size
    ahead_share = (0.3, 0.45)

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        symbol: str,
        window_start_ns: int,
        window_end_ns: int,
        institution: Institution,
    ) -> None:
        super().__init__(name, seed, broker_id, symbol, window_start_ns, window_end_ns)
        self.institution = institution
        self.plan: list[tuple[int, int, Side, int]] = []
        for parent in institution.parents:
            first_ns, child_lots = parent.children[0]
            if window_start_ns <= first_ns < window_end_ns:
                ahead_ns = first_ns - int(self.rng.uniform(1.0, 3.0) * _S)
                self.plan.append((ahead_ns, first_ns, parent.side, child_lots))
                break
        self.stage = 0
        self.lots = 0
        self.ahead_touch = 0
        self.unwind_ns = 0

    def active(self, sim: SimMarket) -> bool:
        return True

    def step(self, sim: SimMarket) -> None:
        if not self.plan:
            return
        ahead_ns, child_ns, side, multiple = self.plan[0]
        view = sim.data.views[self.symbol]
        if not view.best_bid or not view.best_ask:
            return
        sign = 1 if side == Side.BUY else -1
        if self.stage == 0 and sim.now_ns >= ahead_ns:
            spec = sim.spec(self.symbol)
            typical = spec.typical_size_milli * spec.lots_per_unit // 1000
            self.lots = int(typical * multiple * self.rng.uniform(*self.ahead_share))
            touch = view.best_ask if side == Side.BUY else view.best_bid
            self.ahead_touch = touch
            sim.place(
                self.account,
                self.symbol,
                side,
                touch + sign * _bps(touch, 4),
                self.lots,
                time_in_force=TimeInForce.IOC,
            )
            self.acted(sim, self.account)
            self.stage = 1
        elif self.stage == 1 and sim.now_ns >= child_ns - sim.step_ns:
            # The child comes next step: offer the position at the front of the book, at a
            # profit over where it traded ahead (the child will sweep that far).
            opposite = Side.SELL if side == Side.BUY else Side.BUY
            margin = _bps(self.ahead_touch, self.rng.uniform(2.5, 4.0))
            if opposite == Side.SELL:
                exit_price = max(view.best_ask - 1, self.ahead_touch + margin, view.best_bid + 1)
            else:
                exit_price = min(view.best_bid + 1, self.ahead_touch - margin, view.best_ask - 1)
            held = abs(sim.data.position(self.account.pseudonym, self.symbol)) or self.lots
            sim.place(self.account, self.symbol, opposite, exit_price, held)
            self.acted(sim, self.account)
            self.stage = 2
            self.unwind_ns = child_ns + int(self.rng.uniform(1, 3) * _S)
        elif self.stage == 2 and sim.now_ns >= self.unwind_ns:
            for order in sim.data.open_orders(self.account.pseudonym):
                sim.cancel(self.account, order)
            holding = sim.data.position(self.account.pseudonym, self.symbol)
            if holding:
                out = Side.SELL if holding > 0 else Side.BUY
                touch = view.best_bid if out == Side.SELL else view.best_ask
                out_sign = -1 if out == Side.SELL else 1
                sim.place(
                    self.account,
                    self.symbol,
                    out,
                    touch + out_sign * _bps(touch, 5),
                    abs(holding),
                    time_in_force=TimeInForce.IOC,
                )
            self.acted(sim, self.account)
            self.stage = 3
            self.plan = []
            self.finish()


class MarkingTheClose(Manipulator):
    """In the last minute before the close, marketable buys every few seconds that lift the
    price the close will be struck at."""

    alert_type = AlertType.MARKING_THE_CLOSE
    variant = "buy_close"
    #: seconds between orders, order size (typical orders), premium over the ask (bps)
    every_s = (3.0, 6.0)
    size = (3.0, 5.0)
    premium_bps = (15.0, 25.0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.next_ns = 0

    def step(self, sim: SimMarket) -> None:
        if not self.active(sim) or sim.now_ns < self.next_ns:
            return
        self.next_ns = sim.now_ns + int(self.rng.uniform(*self.every_s) * _S)
        view = sim.data.views[self.symbol]
        if not view.best_ask:
            return
        lots = self.odd_size(sim.spec(self.symbol), *self.size)
        price = view.best_ask + _bps(view.best_ask, self.rng.uniform(*self.premium_bps))
        sim.place(self.account, self.symbol, Side.BUY, price, lots, time_in_force=TimeInForce.IOC)
        self.acted(sim, self.account)


class Ramping(Manipulator):
    """One account walks a thin market up for a few minutes with marketable buys."""

    alert_type = AlertType.RAMPING
    variant = "walk_up"
    #: seconds between orders, order size (typical orders), premium over the ask (bps)
    every_s = (4.0, 8.0)
    size = (3.0, 5.0)
    premium_bps = (40.0, 60.0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.next_ns = 0

    def step(self, sim: SimMarket) -> None:
        if not self.active(sim) or sim.now_ns < self.next_ns:
            return
        self.next_ns = sim.now_ns + int(self.rng.uniform(*self.every_s) * _S)
        view = sim.data.views[self.symbol]
        if not view.best_ask:
            return
        lots = self.odd_size(sim.spec(self.symbol), *self.size)
        price = view.best_ask + _bps(view.best_ask, self.rng.uniform(*self.premium_bps))
        sim.place(self.account, self.symbol, Side.BUY, price, lots, time_in_force=TimeInForce.IOC)
        self.acted(sim, self.account)


class OperatorTrading(Manipulator):
    """The venue's operator has a client account, which the venue restricts; it trades anyway,
    like an ordinary client, through a disguised account: a nominee funded from the operator's
    bank account, its own account at another broker, or an algorithm account it owns."""

    alert_type = AlertType.OPERATOR_TRADING

    def __init__(
        self,
        name: str,
        seed: int,
        broker_id: str,
        symbol: str,
        window_start_ns: int,
        window_end_ns: int,
        disguise: str,
    ) -> None:
        super().__init__(name, seed, broker_id, symbol, window_start_ns, window_end_ns)
        self.variant = disguise
        self.restricted = [(0, AccountRole.OPERATOR)]
        bank = f"HK-BANK-{name.upper()}"
        self.origins = {0: bank}
        if disguise == "nominee":
            self.people.append((f"{name}-nominee", "broker-b", f"{name}-nominee", -1))
            self.origins[1] = bank
        elif disguise == "same_person":
            self.people.append((name, "broker-b", f"{name}#2", -1))
        elif disguise == "algorithm":
            self.people.append((name, broker_id, f"{name}#algo", 0))
        elif disguise == "unlinked":
            # A nominee with its own money: nothing public ties it to the operator.
            self.people.append((f"{name}-straw", "broker-b", f"{name}-straw", -1))
        else:
            raise ValueError(f"unknown disguise {disguise!r}")
        self.next_ns = 0

    def step(self, sim: SimMarket) -> None:
        if not self.active(sim) or sim.now_ns < self.next_ns:
            return
        self.next_ns = sim.now_ns + int(self.rng.uniform(5, 15) * _S)
        view = sim.data.views[self.symbol]
        if not view.best_bid or not view.best_ask:
            return
        disguised = self.accounts[1]
        side = Side.BUY if self.rng.random() < 0.5 else Side.SELL
        touch = view.best_ask if side == Side.BUY else view.best_bid
        sign = 1 if side == Side.BUY else -1
        lots = self.size_lots(sim.spec(self.symbol), round_share=0.5)
        order_type = OrderType.LIMIT
        if self.rng.random() < 0.5:
            sim.place(
                disguised,
                self.symbol,
                side,
                touch + sign * _bps(touch, 3),
                lots,
                order_type,
                TimeInForce.IOC,
            )
        else:
            sim.place(disguised, self.symbol, side, touch - sign * _bps(touch, 5), lots)
        # The operator is on the record too: the label names both pseudonyms.
        self.acted(sim, disguised, self.accounts[0])


class StealthWashCollusion(WashCollusion):
    """Colluders who trade with each other only every minute or two."""

    variant = "colluding_slow"
    every_s = (50.0, 110.0)


class StealthSpoofing(Spoofing):
    """Spoof orders only three to five times a typical order."""

    variant = "small"
    spoof_size = (3.0, 5.0)


class StealthPumpAndDump(PumpAndDump):
    """A slower, gentler pump: fewer, smaller buys paying less over the ask."""

    variant = "gentle"
    rate_per_s = 0.25
    pump_size = (0.8, 1.6)
    premium_bps = (5.0, 15.0)


class StealthFrontRunner(FrontRunner):
    """Trades ahead for only a tenth to a fifth of the child."""

    variant = "small"
    ahead_share = (0.1, 0.2)


class StealthMarkingTheClose(MarkingTheClose):
    """Smaller buys, barely over the ask."""

    variant = "small"
    size = (1.5, 2.5)
    premium_bps = (5.0, 10.0)


class StealthRamping(Ramping):
    """A slow walk: smaller buys, further apart, paying less over the ask."""

    variant = "slow"
    every_s = (10.0, 20.0)
    size = (1.5, 3.0)
    premium_bps = (10.0, 20.0)


@dataclass(frozen=True)
class Scenario:
    """A named set of manipulators for a run: ``build(seed, specs, start_ns, end_ns,
    institution)`` returns them. ``group``: ``standard`` (the benchmark's set), ``stress``
    (stealthier variants, outside the standard set: where the detectors stop seeing), ``demo``
    (several manipulations in one run), or ``clean``."""

    name: str
    alert_type: AlertType | None
    build: Callable[[int, dict[str, SymbolSpec], int, int, Institution], list[Manipulator]]
    group: str = "standard"

    @property
    def stress(self) -> bool:
        return self.group == "stress"


def _at(start_ns: int, minutes: float) -> int:
    return start_ns + int(minutes * 60 * _S)


def _window(
    seed: int, name: str, start_ns: int, low_min: float, high_min: float, length_min: float
) -> tuple[int, int]:
    """An episode window starting between ``low_min`` and ``high_min`` minutes into the run."""
    rng = random.Random(f"{seed}:{name}:window")
    begin = _at(start_ns, rng.uniform(low_min, high_min))
    return begin, begin + int(length_min * 60 * _S)


Build = Callable[[int, dict[str, SymbolSpec], int, int, Institution], list[Manipulator]]


def _episode(
    kind: type[Manipulator],
    name: str,
    broker_id: str,
    symbol: str,
    starts_min: tuple[float, float],
    length_min: float,
) -> Build:
    def build(
        seed: int, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int, inst: Institution
    ) -> list[Manipulator]:
        begin, end = _window(seed, name, start_ns, *starts_min, length_min)
        return [kind(name, seed, broker_id, symbol, begin, end)]

    return build


def _front(kind: type[FrontRunner]) -> Build:
    def build(
        seed: int, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int, inst: Institution
    ) -> list[Manipulator]:
        return [kind("insider", seed, "broker-b", inst.symbol, _at(start_ns, 2.0), end_ns, inst)]

    return build


def _marking(kind: type[MarkingTheClose]) -> Build:
    def build(
        seed: int, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int, inst: Institution
    ) -> list[Manipulator]:
        rng = random.Random(f"{seed}:marking:window")
        begin = CLOSE_NS - int(rng.uniform(40, 55) * _S)
        return [kind("marker", seed, "broker-b", "LTCUSD", begin, CLOSE_NS - _S)]

    return build


def _operator(disguise: str) -> Build:
    def build(
        seed: int, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int, inst: Institution
    ) -> list[Manipulator]:
        begin, end = _window(seed, f"operator-{disguise}", start_ns, 2.0, 20.0, 4.0)
        return [OperatorTrading("venue-op", seed, "broker-a", "BTCUSD", begin, end, disguise)]

    return build


def _together(*builds: Build) -> Build:
    def build(
        seed: int, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int, inst: Institution
    ) -> list[Manipulator]:
        return [each for part in builds for each in part(seed, specs, start_ns, end_ns, inst)]

    return build


_WASH: Final = AlertType.WASH_TRADING
_SPOOF: Final = AlertType.SPOOFING
_PUMP: Final = AlertType.PUMP_AND_DUMP
_FRONT: Final = AlertType.FRONT_RUNNING
_CLOSE: Final = AlertType.MARKING_THE_CLOSE
_RAMP: Final = AlertType.RAMPING
_OPERATOR: Final = AlertType.OPERATOR_TRADING

#: Every scenario by name (``clean`` adds no manipulator).
SCENARIOS: Final[dict[str, Scenario]] = {
    scenario.name: scenario
    for scenario in (
        Scenario("clean", None, lambda *_: [], group="clean"),
        Scenario(
            "wash_self", _WASH, _episode(WashSelf, "wash-self", "broker-a", "BTCUSD", (2, 20), 3)
        ),
        Scenario(
            "wash_owner",
            _WASH,
            _episode(WashOwner, "wash-owner", "broker-a", "BTCUSD", (2, 20), 3),
        ),
        Scenario(
            "wash_collusion",
            _WASH,
            _episode(WashCollusion, "wash-collusion", "broker-a", "BTCUSD", (2, 20), 3),
        ),
        Scenario(
            "spoofing",
            _SPOOF,
            _episode(Spoofing, "spoof-single", "broker-b", "BTCUSD", (3, 20), 3),
        ),
        Scenario(
            "layering",
            _SPOOF,
            _episode(Layering, "spoof-layering", "broker-b", "BTCUSD", (3, 20), 3),
        ),
        Scenario(
            "pump_and_dump",
            _PUMP,
            _episode(PumpAndDump, "pump", "broker-a", "LTCUSD", (17, 22), 3.5),
        ),
        Scenario("front_running", _FRONT, _front(FrontRunner)),
        Scenario("marking_the_close", _CLOSE, _marking(MarkingTheClose)),
        Scenario("ramping", _RAMP, _episode(Ramping, "rampant", "broker-a", "LTCUSD", (17, 23), 3)),
        Scenario("operator_nominee", _OPERATOR, _operator("nominee")),
        Scenario("operator_same_person", _OPERATOR, _operator("same_person")),
        Scenario("operator_algorithm", _OPERATOR, _operator("algorithm")),
        # Stealthier variants (stress, outside the standard set).
        Scenario(
            "stealth_wash_collusion",
            _WASH,
            _episode(StealthWashCollusion, "wash-slow", "broker-a", "BTCUSD", (2, 10), 12),
            group="stress",
        ),
        Scenario(
            "stealth_spoofing",
            _SPOOF,
            _episode(StealthSpoofing, "spoof-small", "broker-b", "BTCUSD", (3, 20), 3),
            group="stress",
        ),
        Scenario(
            "stealth_pump_and_dump",
            _PUMP,
            _episode(StealthPumpAndDump, "pump-gentle", "broker-a", "LTCUSD", (17, 18), 6),
            group="stress",
        ),
        Scenario("stealth_front_running", _FRONT, _front(StealthFrontRunner), group="stress"),
        Scenario(
            "stealth_marking_the_close", _CLOSE, _marking(StealthMarkingTheClose), group="stress"
        ),
        Scenario(
            "stealth_ramping",
            _RAMP,
            _episode(StealthRamping, "ramp-slow", "broker-a", "LTCUSD", (17, 20), 6),
            group="stress",
        ),
        Scenario("stealth_operator", _OPERATOR, _operator("unlinked"), group="stress"),
        Scenario(
            "demo",
            None,
            _together(
                _episode(WashOwner, "wash-owner", "broker-a", "BTCUSD", (2, 20), 3),
                _episode(Layering, "spoof-layering", "broker-b", "BTCUSD", (3, 20), 3),
                _episode(PumpAndDump, "pump", "broker-a", "LTCUSD", (17, 22), 3.5),
                _marking(MarkingTheClose),
                _operator("nominee"),
            ),
            group="demo",
        ),
    )
}
