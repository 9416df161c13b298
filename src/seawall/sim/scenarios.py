"""A small, fixed market scenario: a custodian's accounts, two clients, deposits, a trade settled
delivery-versus-payment from two holds, a fee, a refused withdrawal, an unbalanced transfer and a
withdrawal. ``seawall demo`` runs it; the golden-journal test pins its hashes."""

from __future__ import annotations

from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.core.units import Asset, parse_amount
from seawall.ledger.commands import (
    CreateHold,
    DefineAsset,
    HoldId,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
)
from seawall.ledger.state import AccountKind

__all__ = ["ACCOUNTS", "ASSETS", "dvp_scenario"]

USD = Asset(code=AssetCode("USD"), decimals=2)
BTC = Asset(code=AssetCode("BTC"), decimals=8)
ASSETS = {"USD": USD, "BTC": BTC}

BANK = AccountId("custody:usd-bank")
COLD = AccountId("custody:btc-cold")
ALICE = AccountId("client:alice")
BOB = AccountId("client:bob")
FEES = AccountId("house:fees")


def _leg(account: AccountId, asset: Asset, text: str) -> Posting:
    return Posting(account_id=account, asset=asset.code, amount_minor=parse_amount(asset, text))


def dvp_scenario() -> list[tuple[str, object]]:
    """The demo's steps: (what a person would call it, the command)."""
    usd, btc = USD.code, BTC.code
    return [
        ("define USD (2 decimals)", DefineAsset(code=usd, decimals=2)),
        ("define BTC (8 decimals)", DefineAsset(code=btc, decimals=8)),
        ("custody opens its USD bank account", OpenAccount(BANK, AccountKind.ASSET, usd)),
        ("custody opens its BTC cold wallet", OpenAccount(COLD, AccountKind.ASSET, btc)),
        ("alice's segregated client account", OpenAccount(ALICE, AccountKind.CLIENT)),
        ("bob's segregated client account", OpenAccount(BOB, AccountKind.CLIENT)),
        ("the house's fee account", OpenAccount(FEES, AccountKind.HOUSE)),
        (
            "alice deposits 100,000.00 USD (confirmed at the bank)",
            Transfer(
                TransferId("dep-1"),
                (_leg(BANK, USD, "-100000.00"), _leg(ALICE, USD, "100000.00")),
                "deposit",
            ),
        ),
        (
            "bob deposits 2 BTC (confirmed on chain)",
            Transfer(TransferId("dep-2"), (_leg(COLD, BTC, "-2"), _leg(BOB, BTC, "2")), "deposit"),
        ),
        (
            "hold alice's 60,000.00 USD for her buy order",
            CreateHold(HoldId("h-alice"), ALICE, usd, parse_amount(USD, "60000.00")),
        ),
        ("hold bob's 1 BTC for his sell order", CreateHold(HoldId("h-bob"), BOB, btc, 10**8)),
        (
            "settle the trade DvP: 1 BTC for 60,000.00 USD, 60.00 USD fee",
            PostHold(
                (HoldId("h-alice"), HoldId("h-bob")),
                TransferId("settle-1"),
                (
                    _leg(ALICE, USD, "-60000.00"),
                    _leg(BOB, USD, "59940.00"),
                    _leg(FEES, USD, "60.00"),
                    _leg(BOB, BTC, "-1"),
                    _leg(ALICE, BTC, "1"),
                ),
                "trade 1",
            ),
        ),
        (
            "alice tries to withdraw 50,000.00 USD (she has 40,000.00)",
            Transfer(
                TransferId("wd-1"), (_leg(ALICE, USD, "-50000.00"), _leg(BANK, USD, "50000.00"))
            ),
        ),
        (
            "an unbalanced transfer (money from nowhere)",
            Transfer(TransferId("bad-1"), (_leg(ALICE, USD, "1000.00"),)),
        ),
        (
            "bob withdraws 59,940.00 USD back to his bank",
            Transfer(
                TransferId("wd-2"), (_leg(BOB, USD, "-59940.00"), _leg(BANK, USD, "59940.00"))
            ),
        ),
    ]


#: Every account the scenario opens, in the order a report lists them.
ACCOUNTS = (BANK, COLD, ALICE, BOB, FEES)
