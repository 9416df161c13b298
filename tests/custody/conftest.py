"""Custody test fixtures: ``driver`` runs commands (choosing the submitter and the time), and
``world`` is a small custody book with a withdrawal in every status.

Tests run under ``--import-mode=importlib``, so test modules cannot import this file: they get
what they need through the fixtures (``driver.run``, ``driver.ok``, ``driver.rejected`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from seawall.core import hk_rules
from seawall.core.machine import Context, Rejection
from seawall.custody import (
    KERNEL_ONLY,
    KERNEL_SUBMITTER,
    AddDestination,
    AssetKind,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    CustodyEvent,
    CustodyRejection,
    CustodyState,
    ExecuteWithdrawal,
    FailWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    Party,
    Rebalance,
    RequestWithdrawal,
    check_invariants,
    decide,
    evolve,
    state_hash,
)

#: The world's time: every command of ``WORLD`` is decided at ``T0``.
T0 = 1_700_000_000_000_000_000
#: When a destination added at ``T0`` takes effect.
T_EFFECTIVE = T0 + hk_rules.WITHDRAWAL_DESTINATION_COOLING_OFF_NS
ALICE = ("broker-1", "acct-alice")
BOB = ("broker-1", "acct-bob")
CAROL = ("broker-2", "acct-carol")
#: 1 BTC = HK$500,000; 1 USD = HK$7.80.
BTC_HKD_MINOR = 50_000_000
USD_HKD_MINOR = 780


def party(
    name: str = "Alice Chan", account_ref: str = "acct-alice", inst: str = "Seawall"
) -> Party:
    return Party(name=name, account_ref=account_ref, institution=inst)


ORIGINATOR = party()
BENEFICIARY = party("Alice Chan", "bc1qalice", "self-hosted")


def withdraw(
    withdrawal_id: str,
    client: tuple[str, str],
    asset: str,
    amount_minor: int,
    destination: str,
    parties: bool = False,
) -> RequestWithdrawal:
    return RequestWithdrawal(
        withdrawal_id=withdrawal_id,
        broker_id=client[0],
        account_id=client[1],
        asset=asset,
        amount_minor=amount_minor,
        destination=destination,
        originator=ORIGINATOR if parties else None,
        beneficiary=BENEFICIARY if parties else None,
    )


def deposit(
    deposit_id: str,
    client: tuple[str, str],
    asset: str,
    amount_minor: int,
    origin: str,
    confirmations: int,
) -> ConfirmDeposit:
    return ConfirmDeposit(
        deposit_id, client[0], client[1], asset, amount_minor, origin, confirmations
    )


#: BTC (virtual, 3 confirmations) and USD (fiat); three clients of two brokers; deposits (so
#: 4 BTC are in wallets, rebalanced to 3.92 cold and 0.08 hot); a destination in cooling-off;
#: withdrawals requested, held, co-signed (one too big for the hot wallet), executed and failed.
WORLD: tuple[CustodyCommand, ...] = (
    ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, BTC_HKD_MINOR, 3),
    ConfigureAsset("USD", 2, AssetKind.FIAT, USD_HKD_MINOR, 0),
    OpenClientAccount(*ALICE),
    OpenClientAccount(*BOB),
    OpenClientAccount(*CAROL),
    deposit("dep-1", ALICE, "BTC", 100_000_000, "bc1qalice", 6),
    deposit("dep-2", ALICE, "USD", 1_000_000, "HK-ALICE-001", 0),
    deposit("dep-3", CAROL, "BTC", 300_000_000, "bc1qcarol", 3),
    Rebalance("BTC"),
    AddDestination(*ALICE, "BTC", "bc1qnew", "kyc-case-7"),
    # HK$5,000: under the travel-rule threshold.
    withdraw("wd-req", ALICE, "BTC", 1_000_000, "bc1qalice"),
    # HK$10,000: over it, so with both parties.
    withdraw("wd-held", ALICE, "BTC", 2_000_000, "bc1qalice", parties=True),
    MarkWithdrawalHeld("wd-held"),
    withdraw("wd-cosigned", CAROL, "BTC", 3_000_000, "bc1qcarol", parties=True),
    MarkWithdrawalHeld("wd-cosigned"),
    CosignWithdrawal("wd-cosigned", "clearing"),
    withdraw("wd-big", CAROL, "BTC", 50_000_000, "bc1qcarol", parties=True),
    MarkWithdrawalHeld("wd-big"),
    CosignWithdrawal("wd-big", "clearing"),
    # US$1,000 = HK$7,800: under the threshold.
    withdraw("wd-done", ALICE, "USD", 100_000, "HK-ALICE-001"),
    MarkWithdrawalHeld("wd-done"),
    CosignWithdrawal("wd-done", "clearing"),
    ExecuteWithdrawal("wd-done"),
    withdraw("wd-failed", ALICE, "BTC", 500_000, "bc1qalice"),
    FailWithdrawal("wd-failed", 6005, "ledger: insufficient available"),
)


@dataclass
class Driver:
    """Runs commands against a ``CustodyState`` the way the kernel would."""

    now_ns: int = T0
    submitter: str = "broker-1"

    def ctx(self, submitter: str | None = None, timestamp_ns: int | None = None) -> Context:
        return Context(
            seq=1,
            timestamp_ns=self.now_ns if timestamp_ns is None else timestamp_ns,
            submitter=self.submitter if submitter is None else submitter,
        )

    def submitter_for(self, command: CustodyCommand, submitter: str | None) -> str:
        """The kernel for kernel-only commands, else ``self.submitter``, unless told."""
        if submitter is not None:
            return submitter
        return KERNEL_SUBMITTER if isinstance(command, KERNEL_ONLY) else self.submitter

    def run(
        self,
        state: CustodyState,
        command: CustodyCommand,
        submitter: str | None = None,
        timestamp_ns: int | None = None,
    ) -> list[CustodyEvent] | Rejection:
        """Decide ``command`` (``decide`` must not touch the state) and evolve its events."""
        before = state_hash(state)
        ctx = self.ctx(self.submitter_for(command, submitter), timestamp_ns)
        outcome = decide(state, command, ctx)
        assert state_hash(state) == before, "decide changed the state"
        if not isinstance(outcome, Rejection):
            for event in outcome:
                evolve(state, event)
        check_invariants(state)
        return outcome

    def ok(
        self,
        state: CustodyState,
        command: CustodyCommand,
        submitter: str | None = None,
        timestamp_ns: int | None = None,
    ) -> list[CustodyEvent]:
        outcome = self.run(state, command, submitter, timestamp_ns)
        assert not isinstance(outcome, Rejection), outcome
        return outcome

    def rejected(
        self,
        state: CustodyState,
        command: CustodyCommand,
        code: CustodyRejection,
        submitter: str | None = None,
        timestamp_ns: int | None = None,
    ) -> Rejection:
        """Assert ``command`` is refused with ``code`` (number and name) and nothing changed."""
        before = state_hash(state)
        outcome = self.run(state, command, submitter, timestamp_ns)
        assert isinstance(outcome, Rejection), outcome
        assert (outcome.code, outcome.name) == (int(code), code.name), outcome
        assert outcome.message
        assert state_hash(state) == before
        return outcome

    def build_world(self) -> CustodyState:
        state = CustodyState()
        for command in WORLD:
            self.ok(state, command)
        return state


@pytest.fixture
def driver() -> Driver:
    return Driver()


@pytest.fixture
def world(driver: Driver) -> CustodyState:
    """``WORLD`` applied to a fresh state."""
    return driver.build_world()
