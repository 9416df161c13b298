"""Clearing test fixtures: ``kit`` builds commands and drives a clearing state; ``world`` is a
small clearing house with history (a settled, a failed and an open instruction, a co-signed
withdrawal).

Tests run under ``--import-mode=importlib``, so test modules cannot import this file: they get
what they need through the fixtures (``kit.trade``, ``kit.ok``, ``kit.refused`` ...)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from seawall.clearing import (
    ClearingCommand,
    ClearingEvent,
    ClearingRejection,
    ClearingState,
    ConfirmSettlement,
    CosignWithdrawal,
    FailSettlement,
    Party,
    RecordTrade,
    RegisterMarket,
    Side,
    check_invariants,
    decide,
    evolve,
    state_hash,
)
from seawall.core import limits
from seawall.core.machine import Context, Rejection

KERNEL = "kernel"
OPERATOR = "clearing"

#: Base XYZ without decimals, quote HKD in cents, tick 0.01 HKD, lot 1 XYZ: a trade of
#: ``q`` lots at ``p`` ticks is ``q`` XYZ for ``p * q`` cents, exactly.
XYZHKD = RegisterMarket("XYZHKD", "XYZ", "HKD", 0, 2, "0.01", "1")
#: BTC in satoshis, USDT in micro-units, tick 0.01 USDT, lot 0.00001 BTC: a tick-lot is a tenth
#: of a micro-USDT, so the quote amount ``p * q / 10`` rounds down.
BTCUSDT = RegisterMarket("BTCUSDT", "BTC", "USDT", 8, 6, "0.01", "0.00001")


class Kit:
    """Command builders and a driver for one clearing state."""

    def __init__(self) -> None:
        self.state = ClearingState()

    @staticmethod
    def party(broker_id: str, account_id: str, order: str, fee_bps: int = 0) -> Party:
        return Party(
            broker_id=broker_id,
            account_id=account_id,
            broker_order_id=order,
            hold_id=f"order:{order}",
            fee_bps=fee_bps,
        )

    @staticmethod
    def trade(
        trade_id: int,
        buyer: Party,
        seller: Party,
        price_ticks: int = 100,
        quantity_lots: int = 10,
        symbol: str = "XYZHKD",
        maker_side: Any = Side.SELL,
    ) -> RecordTrade:
        return RecordTrade(
            symbol=symbol,
            trade_id=trade_id,
            price_ticks=price_ticks,
            quantity_lots=quantity_lots,
            buyer=buyer,
            seller=seller,
            maker_side=maker_side,
        )

    def decide(
        self, command: ClearingCommand, submitter: str = KERNEL
    ) -> list[ClearingEvent] | Rejection:
        return decide(self.state, command, Context(seq=1, timestamp_ns=0, submitter=submitter))

    def ok(self, command: ClearingCommand, submitter: str = KERNEL) -> list[ClearingEvent]:
        """Decide ``command``, which must be accepted, and evolve its events."""
        outcome = self.decide(command, submitter)
        assert not isinstance(outcome, Rejection), outcome
        for event in outcome:
            evolve(self.state, event)
        check_invariants(self.state)
        return outcome

    def refused(
        self, command: ClearingCommand, code: ClearingRejection, submitter: str = KERNEL
    ) -> Rejection:
        """Decide ``command``, which must be refused with ``code``, leaving the state as it was."""
        before = state_hash(self.state)
        outcome = self.decide(command, submitter)
        assert isinstance(outcome, Rejection), outcome
        assert (outcome.code, outcome.name) == (int(code), code.name), outcome
        assert outcome.message
        assert state_hash(self.state) == before
        return outcome


def build_world() -> Kit:
    """Two markets; in per-trade mode: XYZHKD:1 settled (settle:1), XYZHKD:2 failed
    (settle:2), XYZHKD:3 instructed (settle:3, open); withdrawal ``wd-1`` co-signed."""
    kit = Kit()
    kit.ok(XYZHKD)
    kit.ok(BTCUSDT)
    alice = kit.party("b1", "alice", "o1", fee_bps=10)
    bob = kit.party("b2", "bob", "o2", fee_bps=20)
    kit.ok(kit.trade(1, alice, bob))
    kit.ok(ConfirmSettlement("settle:1"))
    kit.ok(kit.trade(2, alice, bob))
    kit.ok(FailSettlement("settle:2", 6005, "INSUFFICIENT_AVAILABLE", "no funds"))
    kit.ok(kit.trade(3, alice, bob))
    kit.ok(CosignWithdrawal("wd-1", "b2", "bob", "HKD", 500))
    return kit


@pytest.fixture
def kit() -> Kit:
    """An empty clearing house."""
    return Kit()


@pytest.fixture
def new_kit() -> type[Kit]:
    """The ``Kit`` class, for tests that need a fresh clearing house per Hypothesis example."""
    return Kit


@pytest.fixture
def world() -> Kit:
    """See ``build_world``."""
    return build_world()


@pytest.fixture
def markets() -> tuple[RegisterMarket, RegisterMarket]:
    """The two market registrations the fixtures use (XYZHKD, BTCUSDT)."""
    return (XYZHKD, BTCUSDT)


@pytest.fixture
def small_limits() -> Iterator[None]:
    """Lower the clearing capacities (2 markets, 2 open obligations) so that tests reach them."""
    names = ("clearing_markets_max", "clearing_open_obligations_max")
    saved = {name: getattr(limits, name) for name in names}
    for name in names:
        setattr(limits, name, 2)
    yield
    for name, value in saved.items():
        setattr(limits, name, value)
