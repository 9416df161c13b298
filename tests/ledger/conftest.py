"""Ledger test fixtures: ``impl`` runs each test against the fast machine and the reference twin;
``world`` is a small funded ledger built in that implementation.

Tests run under ``--import-mode=importlib``, so test modules cannot import this file: they get
what they need through the fixtures (``impl.decide``, ``impl.apply`` ...)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from seawall.core.machine import Context, Rejection
from seawall.ledger import (
    AccountKind,
    CreateHold,
    DefineAsset,
    FreezeAccount,
    LedgerCommand,
    LedgerEvent,
    LedgerState,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    VoidHold,
    machine,
    reference,
)

CTX = Context(seq=1, timestamp_ns=1_700_000_000_000_000_000, submitter="test")


@dataclass(frozen=True)
class Impl:
    """One implementation of the ledger machine, and a driver for it."""

    name: str
    new_state: Callable[[], Any]
    decide: Callable[[Any, LedgerCommand, Context], list[LedgerEvent] | Rejection]
    evolve: Callable[[Any, LedgerEvent], None]
    state_hash: Callable[[Any], bytes]
    ctx: Context = CTX

    def apply(self, state: Any, command: LedgerCommand) -> list[LedgerEvent] | Rejection:
        """Decide ``command`` and, if accepted, evolve every event."""
        outcome = self.decide(state, command, CTX)
        if not isinstance(outcome, Rejection):
            for event in outcome:
                self.evolve(state, event)
        return outcome

    def apply_ok(self, state: Any, command: LedgerCommand) -> list[LedgerEvent]:
        outcome = self.apply(state, command)
        assert not isinstance(outcome, Rejection), outcome
        return outcome

    def build_world(self) -> Any:
        state = self.new_state()
        for command in WORLD:
            self.apply_ok(state, command)
        return state


FAST = Impl("fast", LedgerState, machine.decide, machine.evolve, machine.state_hash)
REFERENCE = Impl(
    "reference",
    reference.ReferenceState,
    reference.decide,
    reference.evolve,
    reference.state_hash,
)
IMPLS = (FAST, REFERENCE)


def p(account_id: str, asset: str, amount_minor: int) -> Posting:
    return Posting(account_id=account_id, asset=asset, amount_minor=amount_minor)


#: A small world: USD and BTC; a client funded with 1000.00 USD and 5 BTC (deposited to the BTC
#: custody wallet); a USD-only client; the house; a frozen client; holds pending, posted, voided.
WORLD: tuple[LedgerCommand, ...] = (
    DefineAsset(code="USD", decimals=2),
    DefineAsset(code="BTC", decimals=8),
    OpenAccount(account_id="ext", kind=AccountKind.EXTERNAL),
    OpenAccount(account_id="nostro", kind=AccountKind.ASSET, asset="USD"),
    OpenAccount(account_id="wallet", kind=AccountKind.ASSET, asset="BTC"),
    OpenAccount(account_id="alice", kind=AccountKind.CLIENT),
    OpenAccount(account_id="bob", kind=AccountKind.CLIENT, asset="USD"),
    OpenAccount(account_id="house", kind=AccountKind.HOUSE),
    OpenAccount(account_id="carol", kind=AccountKind.CLIENT),
    Transfer(
        transfer_id="dep-usd", postings=(p("nostro", "USD", -100_000), p("alice", "USD", 100_000))
    ),
    Transfer(
        transfer_id="dep-btc",
        postings=(p("wallet", "BTC", -500_000_000), p("alice", "BTC", 500_000_000)),
    ),
    Transfer(
        transfer_id="dep-carol", postings=(p("nostro", "USD", -5_000), p("carol", "USD", 5_000))
    ),
    FreezeAccount(account_id="carol"),
    CreateHold(hold_id="h-pending", account_id="alice", asset="USD", amount_minor=30_000),
    CreateHold(hold_id="h-posted", account_id="alice", asset="USD", amount_minor=1_000),
    PostHold(
        hold_ids=("h-posted",),
        transfer_id="fee-1",
        postings=(p("alice", "USD", -1_000), p("house", "USD", 1_000)),
    ),
    CreateHold(hold_id="h-voided", account_id="alice", asset="BTC", amount_minor=1),
    VoidHold(hold_id="h-voided"),
)


@pytest.fixture(params=IMPLS, ids=lambda impl: impl.name)
def impl(request: pytest.FixtureRequest) -> Impl:
    """The fast machine, then the reference twin."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def world(impl: Impl) -> Any:
    """``WORLD`` applied to a fresh state of ``impl``."""
    return impl.build_world()


@pytest.fixture
def fast_world() -> LedgerState:
    """``WORLD`` in the fast machine only (snapshots, read helpers)."""
    state: LedgerState = FAST.build_world()
    return state
