"""Regulator test fixtures: ``driver`` runs commands with a fresh journal ``seq`` each (the
submitter chosen per command); ``world`` is a small register built through it.

Tests run under ``--import-mode=importlib``, so test modules cannot import this file: they get
what they need through the fixtures (``driver.run``, ``driver.ok`` ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from seawall.core.machine import Context, Rejection
from seawall.regulator import (
    AdmitForRetail,
    BreakKind,
    GrantLicence,
    HaltMarket,
    IssueWarrant,
    RecordAlert,
    RecordBreak,
    RegulatorCommand,
    RegulatorEvent,
    RegulatorState,
    RevokeLicence,
    Role,
    RunReconciliation,
    SuspendLicence,
    check_invariants,
    decide,
    evolve,
)

START_NS = 1_767_225_600_000_000_000
PSEUDONYM = "acct-0123456789abcdef"
JUSTIFICATION = "suspected wash trading between linked accounts in BTCUSDT"


@dataclass
class Driver:
    """Decides and applies commands, each under the next ``seq`` (``timestamp_ns`` follows it)."""

    seq: int = 0
    log: list[tuple[Context, RegulatorCommand]] = field(default_factory=list)

    def ctx(self, submitter: str = "regulator") -> Context:
        """The context of the next command, without using up its ``seq``."""
        seq = self.seq + 1
        return Context(seq=seq, timestamp_ns=START_NS + seq * 1_000, submitter=submitter)

    def run(
        self, state: RegulatorState, command: RegulatorCommand, submitter: str = "regulator"
    ) -> list[RegulatorEvent] | Rejection:
        ctx = self.ctx(submitter)
        self.seq += 1
        self.log.append((ctx, command))
        outcome = decide(state, command, ctx)
        if not isinstance(outcome, Rejection):
            for event in outcome:
                evolve(state, event)
        check_invariants(state)
        return outcome

    def ok(
        self, state: RegulatorState, command: RegulatorCommand, submitter: str = "regulator"
    ) -> list[RegulatorEvent]:
        outcome = self.run(state, command, submitter)
        assert not isinstance(outcome, Rejection), outcome
        return outcome

    def refused(
        self, state: RegulatorState, command: RegulatorCommand, submitter: str = "regulator"
    ) -> Rejection:
        outcome = self.run(state, command, submitter)
        assert isinstance(outcome, Rejection), outcome
        return outcome


#: A small register: five active licences (one per role), a suspended and a revoked broker, a
#: halted market, a market admitted for retail, a warrant, reconciliation cycle 1 with one
#: break, and an alert. ``(submitter, command)`` pairs.
WORLD: tuple[tuple[str, RegulatorCommand], ...] = (
    ("regulator", GrantLicence("broker-1", Role.BROKER, "capital and controls inspected")),
    ("regulator", GrantLicence("venue-1", Role.VENUE, "matching engine audited")),
    ("regulator", GrantLicence("clearing-1", Role.CLEARING, "default fund in place")),
    ("regulator", GrantLicence("custody-1", Role.CUSTODY, "cold storage attested")),
    ("regulator", GrantLicence("identity-1", Role.IDENTITY, "KYC procedures reviewed")),
    ("regulator", GrantLicence("broker-2", Role.BROKER, "capital and controls inspected")),
    ("regulator", SuspendLicence("broker-2", "liquid capital below the requirement")),
    ("regulator", GrantLicence("broker-3", Role.BROKER, "capital and controls inspected")),
    ("regulator", RevokeLicence("broker-3", "client money misused")),
    ("regulator", HaltMarket("BTCUSDT", "abnormal volatility")),
    ("regulator", AdmitForRetail("ETHUSDT", "meets the retail token admission criteria")),
    ("regulator", IssueWarrant("w-1", PSEUDONYM, JUSTIFICATION, "Officer Chan Tai Man")),
    ("regulator", RunReconciliation(1)),
    (
        "kernel",
        RecordBreak(
            1,
            BreakKind.CLIENT_BALANCE,
            "broker-1",
            PSEUDONYM,
            "USD",
            100_000,
            90_000,
            10_000,
            99_000,
            1_000,
            "broker book short by 10.00 USD",
        ),
    ),
    ("kernel", RecordAlert("kernel", "unknown_account_trade", "acct-ffffffffffffffff traded")),
)


@pytest.fixture
def driver() -> Driver:
    return Driver()


@pytest.fixture
def world(driver: Driver) -> RegulatorState:
    """``WORLD`` applied to a fresh state through ``driver``."""
    state = RegulatorState()
    for submitter, command in WORLD:
        driver.ok(state, command, submitter)
    return state


@pytest.fixture
def world_commands() -> tuple[tuple[str, Any], ...]:
    return WORLD
