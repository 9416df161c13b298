"""Building blocks for a market's life, as the institutions would submit them: configure the
assets custody holds, onboard a client through identity, confirm a deposit at custody, request a
withdrawal. Tests, the simulator and the demo use these; each returns the outcome so the caller
can check it. KYC salts are derived from a seed string, so a seeded run reproduces exactly.
"""

from __future__ import annotations

import hashlib
from typing import Final

from seawall.broker.commands import PlaceOrder, RegisterBroker
from seawall.broker.state import OrderType, Side, TimeInForce
from seawall.core.ids import AssetCode
from seawall.custody.commands import ConfigureAsset, ConfirmDeposit, Party, RequestWithdrawal
from seawall.custody.state import AssetKind
from seawall.identity.commands import OnboardClient, RecordSuitability
from seawall.identity.kyc import KycRecord, account_id_for
from seawall.identity.state import ActorKind, InvestorClass
from seawall.kernel import Market, Outcome
from seawall.regulator.commands import AdmitForRetail
from seawall.venue.commands import CreateMarket

__all__ = [
    "ASSETS",
    "MARKETS",
    "create_markets",
    "place",
    "register_brokers",
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


#: (symbol, base, quote, tick size, lot size, reference price in ticks, retail admitted): the
#: coins people follow, against USD and HKD.
MARKETS: Final = tuple(
    (f"{base}{quote}", base, quote, tick, lot, reference, retail)
    for base, tick, lot, usd_reference, retail in (
        ("BTC", "0.01", "0.00001", 90_000_00, True),
        ("ETH", "0.01", "0.0001", 3_200_00, True),
        ("BCH", "0.01", "0.001", 450_00, False),
        ("LTC", "0.01", "0.001", 90_00, False),
        ("DOGE", "0.00001", "1", 20_000, False),
        ("BSV", "0.01", "0.001", 50_00, False),
    )
    for quote, reference in (("USD", usd_reference), ("HKD", usd_reference * 78 // 10))
)


def register_brokers(market: Market, brokers: tuple[str, ...] = ("broker-a", "broker-b")) -> None:
    """Each broker registers itself with its fee schedule (maker 10 bps, taker 20 bps)."""
    for broker_id in brokers:
        command = RegisterBroker(broker_id, 10, 20, 10_000_000_000_00)
        _ok(market.submit(command, broker_id), f"registering {broker_id}")


def create_markets(market: Market, symbols: tuple[str, ...] | None = None) -> None:
    """The venue lists the markets; the regulator admits the large caps for retail."""
    for symbol, base, quote, tick, lot, reference, retail in MARKETS:
        if symbols is not None and symbol not in symbols:
            continue
        create = CreateMarket(
            symbol=symbol,
            base_asset=AssetCode(base),
            quote_asset=AssetCode(quote),
            tick_size=tick,
            lot_size=lot,
            price_band_bps=2_000,
            reference_price_ticks=reference,
        )
        _ok(market.submit(create, "venue"), f"listing {symbol}")
        if retail:
            admit = AdmitForRetail(symbol, "large-cap token admitted for retail trading")
            _ok(market.submit(admit, "regulator"), f"admitting {symbol} for retail")


def place(
    market: Market,
    broker_id: str,
    account_id: str,
    symbol: str,
    side: Side,
    price_ticks: int,
    quantity_lots: int,
    client_order_id: str = "",
    order_type: OrderType = OrderType.LIMIT,
    time_in_force: TimeInForce = TimeInForce.GTC,
    quote_quantity_minor: int = 0,
) -> Outcome:
    """A client's order through its broker."""
    command = PlaceOrder(
        broker_id=broker_id,
        account_id=account_id,
        client_order_id=client_order_id,
        symbol=symbol,
        side=side,
        order_type=order_type,
        time_in_force=time_in_force,
        price_ticks=price_ticks,
        quantity_lots=quantity_lots,
        quote_quantity_minor=quote_quantity_minor,
    )
    return market.submit(command, broker_id)


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
