"""The institutions wired together: licences gate every command from outside; onboarding opens
a segregated account at custody and on the ledger; a confirmed deposit is credited; books agree
until an insider writes to the ledger directly, and the next reconciliation names the break; a
warrant is the only way to a client's identity."""

from __future__ import annotations

import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.clock import StepClock
from seawall.core.ids import AccountId
from seawall.core.signing import SigningKey
from seawall.custody import machine as custody
from seawall.identity import machine as identity
from seawall.identity.commands import OnboardClient
from seawall.identity.state import ActorKind, InvestorClass
from seawall.kernel import Market, replay
from seawall.ledger import machine as ledger
from seawall.regulator import machine as regulator
from seawall.regulator.commands import IssueWarrant, RunReconciliation, SuspendLicence
from seawall.sim.genesis import open_market
from seawall.sim.setup import configure_assets, deposit, kyc_for, onboard

KEY = SigningKey.from_label("flows")


@pytest.fixture
def market() -> Market:
    market = open_market(MemoryJournalStore(), KEY, StepClock())
    configure_assets(market)
    return market


def test_an_unlicensed_institution_is_refused() -> None:
    bare = Market(MemoryJournalStore(), KEY, StepClock())
    kyc, salt = kyc_for("alice")
    command = OnboardClient("broker-a", kyc, salt, InvestorClass.RETAIL, 0, "", ActorKind.HUMAN)
    outcome = bare.submit(command, "identity")
    assert outcome.rejection is not None and outcome.rejection.code == 7001
    assert outcome.rejection.name == "NOT_LICENSED"


def test_an_institution_cannot_act_for_another(market: Market) -> None:
    kyc, salt = kyc_for("alice")
    command = OnboardClient("broker-a", kyc, salt, InvestorClass.RETAIL, 0, "", ActorKind.HUMAN)
    outcome = market.submit(command, "custody")
    assert outcome.rejection is not None and outcome.rejection.name == "WRONG_SUBMITTER"


def test_a_suspended_licence_stops_the_institution(market: Market) -> None:
    assert market.submit(SuspendLicence("identity", "inspection findings"), "regulator").accepted
    kyc, salt = kyc_for("alice")
    command = OnboardClient("broker-a", kyc, salt, InvestorClass.RETAIL, 0, "", ActorKind.HUMAN)
    outcome = market.submit(command, "identity")
    assert outcome.rejection is not None and outcome.rejection.name == "LICENCE_SUSPENDED"


def test_onboarding_and_deposit_reach_every_book(market: Market) -> None:
    alice = onboard(market, "broker-a", "alice")
    ledger_account = f"client:broker-a:{alice}"
    assert (("broker-a", alice)) in custody.clients(market.state("custody"))
    assert ledger_account in market.state("ledger").accounts
    assert deposit(market, "tx-1", "broker-a", alice, "BTC", 150_000_000, "bc1qalice").accepted
    assert ledger.balance(market.state("ledger"), ledger_account, "BTC") == 150_000_000
    assert ledger.balance(market.state("ledger"), "custody:hot:BTC", "BTC") == 150_000_000
    assert custody.external_flow(market.state("custody"), "broker-a", alice, "BTC") == 150_000_000
    market.check_invariants()
    market.commit()
    assert replay(market.store).state_hash == market.state_hash()


def test_reconciliation_is_clean_then_names_an_insiders_theft(market: Market) -> None:
    alice = onboard(market, "broker-a", "alice")
    deposit(market, "tx-1", "broker-a", alice, "BTC", 150_000_000, "bc1qalice")
    assert market.submit(RunReconciliation(1), "regulator").accepted
    assert list(regulator.breaks(market.state("regulator"))) == []

    # An insider with write access to the custodian's ledger moves 1 BTC of alice's to an
    # account of their own, outside any client instruction: no journal entry, no command.
    ledger_state = market.state("ledger")
    client = ledger_state.accounts[AccountId(f"client:broker-a:{alice}")]
    client.balances["BTC"] -= 100_000_000
    ledger_state.accounts[AccountId("custody:hot:BTC")].balances["BTC"] += 100_000_000

    assert market.submit(RunReconciliation(2), "regulator").accepted
    found = regulator.breaks(market.state("regulator"), cycle=2)
    kinds = sorted((b.kind, b.asset) for b in found)
    assert ("client_balance", "BTC") in kinds and ("wallet", "BTC") in kinds
    client_break = next(b for b in found if b.kind == "client_balance")
    assert client_break.account_id == alice
    assert client_break.ledger_minor == 50_000_000
    assert client_break.custody_minor == 150_000_000
    assert client_break.difference_minor == -100_000_000


def test_a_warrant_is_the_only_way_to_an_identity(market: Market) -> None:
    alice = onboard(market, "broker-a", "alice")
    assert identity.disclosure(market.state("identity"), "w-1") is None
    warrant = IssueWarrant("w-1", alice, "suspected wash trading in case 2026-17", "officer-9")
    assert market.submit(warrant, "regulator").accepted
    disclosed = identity.disclosure(market.state("identity"), "w-1")
    assert disclosed is not None and disclosed[0] == alice
    assert disclosed[1].full_name == "Alice"
    market.commit()
    assert replay(market.store).state_hash == market.state_hash()


def test_a_withdrawal_returns_to_origin_co_signed_by_clearing_and_custody(market: Market) -> None:
    from seawall.sim.setup import withdraw

    alice = onboard(market, "broker-a", "alice")
    deposit(market, "tx-1", "broker-a", alice, "BTC", 150_000_000, "bc1qalice")
    elsewhere = withdraw(market, "w-0", "broker-a", alice, "BTC", 1_000_000, "bc1qthief")
    assert elsewhere.rejection is not None
    assert elsewhere.rejection.name == "DESTINATION_NOT_VERIFIED"

    unnamed = withdraw(market, "w-1", "broker-a", alice, "BTC", 50_000_000, "bc1qalice")
    assert unnamed.rejection is not None and unnamed.rejection.name == "TRAVEL_RULE_DATA_MISSING"

    done = withdraw(market, "w-2", "broker-a", alice, "BTC", 1_000_000, "bc1qalice")
    assert done.accepted
    record = custody.withdrawal(market.state("custody"), "w-2")
    assert record.status == "executed"
    assert set(record.cosigners) == {"clearing", "custody"}
    ledger_state = market.state("ledger")
    assert ledger.balance(ledger_state, f"client:broker-a:{alice}", "BTC") == 149_000_000
    assert ledger.held(ledger_state, f"client:broker-a:{alice}", "BTC") == 0

    too_much = withdraw(
        market, "w-3", "broker-a", alice, "BTC", 200_000_000, "bc1qalice", traveller="Alice"
    )
    assert too_much.accepted  # custody accepts the request; the ledger hold then refuses it
    failed = custody.withdrawal(market.state("custody"), "w-3")
    assert failed.status == "failed"
    assert ledger.balance(ledger_state, f"client:broker-a:{alice}", "BTC") == 149_000_000

    assert market.submit(RunReconciliation(1), "regulator").accepted
    assert list(regulator.breaks(market.state("regulator"))) == []
    market.commit()
    assert replay(market.store).state_hash == market.state_hash()


def test_reserves_below_liabilities_raise_a_journaled_alert(market: Market) -> None:
    from seawall.custody.commands import PublishReserves

    root = b"\x07" * 32
    healthy = PublishReserves("por-1", root, (("BTC", 100, 100, 10_000),))
    assert market.submit(healthy, "custody").accepted
    assert list(regulator.alerts(market.state("regulator"))) == []
    short = PublishReserves("por-2", root, (("BTC", 100, 60, 6_000), ("USD", 5, 5, 10_000)))
    assert market.submit(short, "custody").accepted
    (alert,) = regulator.alerts(market.state("regulator"))
    assert (
        alert.code == "RESERVES_BELOW_LIABILITIES"
        and "BTC reserves 60 < liabilities 100" in alert.detail
    )
