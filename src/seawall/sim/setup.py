"""Building blocks for a market's life, as the institutions would submit them: configure the
assets custody holds, onboard a client through identity, confirm a deposit at custody, request a
withdrawal. Tests, the simulator and the demo use these; each returns the outcome so the caller
can check it. KYC salts are derived from a seed string, so a seeded run reproduces exactly.
"""

from __future__ import annotations

import hashlib
from typing import Final

from seawall.custody.commands import ConfigureAsset, ConfirmDeposit, Party, RequestWithdrawal
from seawall.custody.state import AssetKind
from seawall.identity.commands import OnboardClient, RecordSuitability
from seawall.identity.kyc import KycRecord, account_id_for
from seawall.identity.state import ActorKind, InvestorClass
from seawall.kernel import Market, Outcome

__all__ = [
    "ASSETS",
    "configure_assets",
    "deposit",
    "kyc_for",
    "onboard",
    "withdraw",
]

#: (code, decimals, kind, HKD cents per whole unit, confirmations required).
ASSETS: Final = (
    ("HKD", 2, AssetKind.FIAT, 100, 0),
    ("USD", 2, AssetKind.FIAT, 780, 0),
    ("BTC", 8, AssetKind.VIRTUAL, 700_000_00, 2),
    ("ETH", 18, AssetKind.VIRTUAL, 25_000_00, 12),
    ("BCH", 8, AssetKind.VIRTUAL, 3_500_00, 6),
    ("LTC", 8, AssetKind.VIRTUAL, 700_00, 6),
    ("DOGE", 8, AssetKind.VIRTUAL, 1_50, 6),
    ("BSV", 8, AssetKind.VIRTUAL, 400_00, 6),
)


def _ok(outcome: Outcome, what: str) -> Outcome:
    if outcome.rejection is not None:
        raise AssertionError(f"{what} refused: {outcome.rejection}")
    return outcome


def configure_assets(market: Market) -> None:
    for code, decimals, kind, hkd_per_unit, confirmations in ASSETS:
        command = ConfigureAsset(code, decimals, kind, hkd_per_unit, confirmations)
        _ok(market.submit(command, "custody"), f"configuring {code}")


def kyc_for(name: str) -> tuple[KycRecord, bytes]:
    """A made-up person and a salt, both derived from ``name``."""
    number = hashlib.sha256(name.encode()).hexdigest()[:8].upper()
    kyc = KycRecord(
        full_name=name.title(),
        document_type="passport",
        document_number=f"P{number}",
        nationality="HK",
        date_of_birth="1990-01-01",
        address=f"1 {name.title()} Road, Hong Kong",
    )
    return kyc, hashlib.sha256(b"seawall-sim-salt:" + name.encode()).digest()


def onboard(
    market: Market,
    broker_id: str,
    name: str,
    investor_class: InvestorClass = InvestorClass.RETAIL,
    suitability: bool = True,
) -> str:
    """Onboard ``name`` at ``broker_id`` (and pass suitability); return the account id."""
    kyc, salt = kyc_for(name)
    portfolio = 0 if investor_class is InvestorClass.RETAIL else 50_000_000_00
    command = OnboardClient(
        broker_id=broker_id,
        kyc=kyc,
        kyc_salt=salt,
        investor_class=investor_class,
        portfolio_hkd_minor=portfolio,
        evidence_ref="" if investor_class is InvestorClass.RETAIL else "bank-statement-2026",
        actor=ActorKind.HUMAN,
    )
    _ok(market.submit(command, "identity"), f"onboarding {name}")
    account_id = account_id_for(kyc, salt)
    if suitability:
        assessed = RecordSuitability(account_id, True, 80, "assessment-2026")
        _ok(market.submit(assessed, "identity"), f"suitability of {name}")
    return account_id


def deposit(
    market: Market,
    deposit_id: str,
    broker_id: str,
    account_id: str,
    asset: str,
    amount_minor: int,
    origin: str,
    confirmations: int = 12,
) -> Outcome:
    command = ConfirmDeposit(
        deposit_id, broker_id, account_id, asset, amount_minor, origin, confirmations
    )
    return market.submit(command, "custody")


def withdraw(
    market: Market,
    withdrawal_id: str,
    broker_id: str,
    account_id: str,
    asset: str,
    amount_minor: int,
    destination: str,
    traveller: str = "",
) -> Outcome:
    """Request a withdrawal; ``traveller`` fills both travel-rule parties when given."""
    party = Party(traveller, destination, "Seawall") if traveller else None
    command = RequestWithdrawal(
        withdrawal_id, broker_id, account_id, asset, amount_minor, destination, party, party
    )
    return market.submit(command, "custody")
