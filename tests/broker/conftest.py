"""Broker test fixtures: ``world``, a small market with two brokers, and ``drive``, the helpers
that decide and apply commands with the right submitter.

Tests run under ``--import-mode=importlib``, so test modules cannot import this file: they get
what they need through the fixtures (``drive.ok``, ``drive.refuse`` ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from seawall.broker import (
    KERNEL_ONLY,
    Actor,
    ApplyBalance,
    BrokerCommand,
    BrokerEvent,
    BrokerRejection,
    BrokerState,
    InvestorClass,
    ListMarket,
    MarkOrderOpen,
    PlaceOrder,
    RecordLastPrice,
    RegisterBroker,
    RegisterClient,
    SetRetailAdmission,
    Side,
    UpdateClientStanding,
    check_invariants,
    decide,
    evolve,
    state_hash,
)
from seawall.core.machine import Context, Rejection

KERNEL = Context(seq=1, timestamp_ns=1_700_000_000_000_000_000, submitter="kernel")
#: A broker's own API submitting on a client's behalf.
BROKER_API = Context(seq=1, timestamp_ns=1_700_000_000_000_000_000, submitter="b1")

USD = 100  # minor units per dollar
BTC = 100_000_000  # minor units per bitcoin

#: Two brokers (b1: maker 10 bps, taker 20 bps; b2: 5 / 15), two markets (BTCUSD, admitted for
#: retail, last 50,000.00, band 10 %; ETHBTC, professional only, no last price, no band), and
#: clients: at b1 alice (professional, funded), rita (retail, suitable, funded), rob (retail, not
#: assessed), bert (blocked); at b2 bob (institutional algorithm) and another "alice" (a
#: different client who happens to have the same account id). alice has an open buy
#: (``b1-00000001``, venue order 101) and a sell pending its hold (``b1-00000002``).
WORLD: tuple[BrokerCommand, ...] = (
    RegisterBroker("b1", maker_fee_bps=10, taker_fee_bps=20, exposure_limit_minor=10**15),
    RegisterBroker("b2", maker_fee_bps=5, taker_fee_bps=15, exposure_limit_minor=10**15),
    ListMarket("BTCUSD", "BTC", "USD", 8, 2, "0.01", "0.00001", price_band_bps=1000),
    ListMarket("ETHBTC", "ETH", "BTC", 18, 8, "0.000001", "0.0001", price_band_bps=0),
    SetRetailAdmission("BTCUSD", admitted=True),
    RecordLastPrice("BTCUSD", 5_000_000),
    RegisterClient("b1", "alice", InvestorClass.PROFESSIONAL, Actor.HUMAN),
    RegisterClient("b1", "rita", InvestorClass.RETAIL, Actor.HUMAN),
    UpdateClientStanding("b1", "rita", suitability_passed=True, blocked=False),
    RegisterClient("b1", "rob", InvestorClass.RETAIL, Actor.HUMAN),
    RegisterClient("b1", "bert", InvestorClass.PROFESSIONAL, Actor.HUMAN),
    UpdateClientStanding("b1", "bert", suitability_passed=True, blocked=True),
    RegisterClient("b2", "bob", InvestorClass.INSTITUTIONAL, Actor.ALGORITHM),
    RegisterClient("b2", "alice", InvestorClass.PROFESSIONAL, Actor.HUMAN),
    ApplyBalance("b1", "alice", "USD", 1_000_000 * USD, "deposit"),
    ApplyBalance("b1", "alice", "BTC", 10 * BTC, "deposit"),
    ApplyBalance("b1", "rita", "USD", 10_000 * USD, "deposit"),
    ApplyBalance("b1", "bert", "USD", 10_000 * USD, "deposit"),
    ApplyBalance("b2", "bob", "USD", 1_000_000 * USD, "deposit"),
    ApplyBalance("b2", "bob", "BTC", 10 * BTC, "deposit"),
    PlaceOrder(
        "b1", "alice", "open-buy", "BTCUSD", Side.BUY, price_ticks=4_900_000, quantity_lots=10_000
    ),
    MarkOrderOpen("b1", "b1-00000001", venue_order_id=101),
    PlaceOrder(
        "b1",
        "alice",
        "pending-sell",
        "BTCUSD",
        Side.SELL,
        price_ticks=5_100_000,
        quantity_lots=10_000,
    ),
)


@dataclass(frozen=True)
class Drive:
    """Decide and apply broker commands; kernel-only commands go in as the kernel."""

    kernel: Context = KERNEL
    broker_api: Context = BROKER_API

    def ctx_for(self, command: BrokerCommand) -> Context:
        return self.kernel if isinstance(command, KERNEL_ONLY) else self.broker_api

    def apply(
        self, state: BrokerState, command: BrokerCommand, ctx: Context | None = None
    ) -> list[BrokerEvent] | Rejection:
        """Decide ``command`` (checking that decide left the state alone) and evolve its events,
        then check the invariants."""
        before = state_hash(state)
        outcome = decide(state, command, ctx or self.ctx_for(command))
        assert state_hash(state) == before, "decide changed the state"
        if not isinstance(outcome, Rejection):
            for event in outcome:
                evolve(state, event)
            check_invariants(state)
        return outcome

    def ok(
        self, state: BrokerState, *commands: BrokerCommand, ctx: Context | None = None
    ) -> list[BrokerEvent]:
        """Apply each command, all of which must be accepted; the last one's events."""
        events: list[BrokerEvent] = []
        for command in commands:
            outcome = self.apply(state, command, ctx)
            assert not isinstance(outcome, Rejection), (command, outcome)
            events = outcome
        return events

    def refuse(
        self,
        state: BrokerState,
        command: BrokerCommand,
        code: BrokerRejection,
        ctx: Context | None = None,
    ) -> Rejection:
        """``command`` must be refused with ``code`` (and its name), leaving the hash as it was."""
        before = state_hash(state)
        outcome = self.apply(state, command, ctx)
        assert isinstance(outcome, Rejection), (command, outcome)
        assert (outcome.code, outcome.name) == (int(code), code.name), outcome
        assert outcome.message
        assert state_hash(state) == before
        return outcome

    def build_world(self) -> BrokerState:
        state = BrokerState()
        self.ok(state, *WORLD)
        return state


@pytest.fixture
def drive() -> Drive:
    return Drive()


@pytest.fixture
def world(drive: Drive) -> BrokerState:
    """``WORLD`` applied to a fresh state."""
    return drive.build_world()


@pytest.fixture
def world_commands() -> tuple[BrokerCommand, ...]:
    return WORLD


@pytest.fixture
def units() -> dict[str, Any]:
    """Minor units per whole unit of the world's assets."""
    return {"USD": USD, "BTC": BTC}
