"""The demo market: several brokers and their clients, every institution, a full trading flow.

``build_market`` licenses the institutions, configures custody's assets, registers two brokers,
lists the markets, onboards four clients (retail, professional and institutional, at both
brokers), funds them, and lets them trade: a market maker quotes, clients take and cancel, one
order is refused for lack of funds, one withdrawal goes back to its origin and one to an
unknown address is refused. ``insider_theft`` and ``hidden_account_order`` play the FTX insider
by writing straight into the state, outside any instruction.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from seawall.broker.commands import RequestCancel
from seawall.broker.state import Side
from seawall.clearing.commands import CloseCycle
from seawall.core.ids import AccountId
from seawall.core.machine import Context
from seawall.custody.commands import Rebalance
from seawall.identity.state import InvestorClass
from seawall.kernel import Market, Outcome
from seawall.sim.setup import (
    configure_assets,
    create_markets,
    deposit,
    onboard,
    place,
    register_brokers,
    withdraw,
)
from seawall.venue import commands as vc
from seawall.venue import machine as venue

__all__ = ["Step", "build_market", "hidden_account_order", "insider_theft"]

#: BTCUSD prices in ticks of 0.01 USD, quantities in lots of 0.00001 BTC.
BTC_PRICE: Final = 9_000_000
CLIENTS: Final = (
    ("alice", "broker-a", InvestorClass.RETAIL),
    ("bob", "broker-b", InvestorClass.PROFESSIONAL),
    ("carol", "broker-b", InvestorClass.RETAIL),
    ("maker", "broker-a", InvestorClass.INSTITUTIONAL),
)


class Step(NamedTuple):
    label: str
    outcome: Outcome | None


def build_market(market: Market) -> tuple[dict[str, str], list[Step]]:
    """Run the demo's market on ``market`` (licensed already). Returns the clients' account ids
    by name and what happened, step by step."""
    steps: list[Step] = []

    def step(label: str, outcome: Outcome | None = None) -> None:
        steps.append(Step(label, outcome))

    configure_assets(market)
    step("custody configured HKD, USD, BTC, ETH, BCH, LTC, DOGE, BSV (cold and hot wallets)")
    register_brokers(market)
    step("broker-a and broker-b registered (maker 10 bps, taker 20 bps)")
    create_markets(market)
    step("the venue listed 12 markets; the regulator admitted BTC and ETH for retail")
    accounts = {name: onboard(market, broker, name, klass) for name, broker, klass in CLIENTS}
    step("identity onboarded alice, bob, carol and a market maker (pseudonymous accounts)")
    brokers = {name: broker for name, broker, _ in CLIENTS}

    def fund(name: str, asset: str, amount_minor: int, origin: str) -> None:
        outcome = deposit(
            market,
            f"dep-{name}-{asset}",
            brokers[name],
            accounts[name],
            asset,
            amount_minor,
            origin,
        )
        step(f"custody confirmed {name}'s {asset} deposit", outcome)

    fund("alice", "USD", 50_000_00, "HK-BANK-ALICE")
    fund("bob", "BTC", 200_000_000, "bc1qbob")
    fund("carol", "USD", 20_000_00, "HK-BANK-CAROL")
    fund("carol", "BTC", 1_000_000, "bc1qcarol")
    fund("maker", "USD", 1_000_000_00, "HK-BANK-MAKER")
    fund("maker", "BTC", 500_000_000, "bc1qmaker")
    rebalance = market.submit(Rebalance("BTC"), "custody")
    step("custody's rebalancing job moves BTC from hot to cold (>= 98 % cold)", rebalance)

    def order(name: str, side: Side, price_ticks: int, lots: int, label: str) -> None:
        outcome = place(
            market, brokers[name], accounts[name], "BTCUSD", side, price_ticks, lots, label
        )
        step(
            f"{name} {side.name.lower()}s {lots / 100_000:g} BTC at {price_ticks / 100:,.2f}",
            outcome,
        )

    for level in range(1, 4):
        order("maker", Side.BUY, BTC_PRICE - level * 5_000, 10_000, f"mm-bid-{level}")
        order("maker", Side.SELL, BTC_PRICE + level * 5_000, 10_000, f"mm-ask-{level}")
    order("alice", Side.BUY, BTC_PRICE + 5_000, 20_000, "alice-1")
    order("bob", Side.SELL, BTC_PRICE - 5_000, 30_000, "bob-1")
    order("carol", Side.BUY, BTC_PRICE - 20_000, 5_000, "carol-1")
    cancel = RequestCancel(brokers["carol"], accounts["carol"], client_order_id="carol-1")
    step("carol cancels her bid (the hold is released)", market.submit(cancel, brokers["carol"]))
    order("alice", Side.BUY, BTC_PRICE, 10_000_000, "alice-too-big")
    step(
        "alice withdraws 0.1 BTC to a new address: refused (not verified, 24 h cooling-off)",
        withdraw(
            market, "wd-alice", brokers["alice"], accounts["alice"], "BTC", 10_000_000, "bc1qnew"
        ),
    )
    step(
        "carol withdraws 0.005 BTC to the address it came from",
        withdraw(
            market, "wd-carol", brokers["carol"], accounts["carol"], "BTC", 500_000, "bc1qcarol"
        ),
    )
    step(
        "clearing closes cycle 1; the books are reconciled",
        market.submit(CloseCycle(1), "clearing"),
    )
    return accounts, steps


def insider_theft(
    market: Market, broker_id: str, account_id: str, asset: str, amount_minor: int
) -> None:
    """An insider with write access to the custodian's ledger sends a client's asset out of cold
    storage, outside any instruction: no command, no journal entry. The ledger still balances
    (the client's balance and the wallet's both shrink); the other institutions' books do not
    move, which is what gives it away."""
    ledger_state = market.state("ledger")
    client = ledger_state.accounts[AccountId(f"client:{broker_id}:{account_id}")]
    client.balances[asset] -= amount_minor
    ledger_state.accounts[AccountId(f"custody:cold:{asset}")].balances[asset] += amount_minor


def hidden_account_order(
    market: Market, symbol: str, side: vc.Side, price_ticks: int, lots: int
) -> None:
    """An insider slips a resting order for an account no broker knows into the venue's book."""
    hidden = vc.PlaceOrder(
        symbol,
        AccountId("acct-00000000deadbeef"),
        side,
        price_ticks=price_ticks,
        quantity_lots=lots,
    )
    state = market.state("venue")
    events = venue.decide(state, hidden, Context(seq=0, timestamp_ns=0, submitter="insider"))
    if isinstance(events, list):
        for event in events:
            venue.evolve(state, event)
