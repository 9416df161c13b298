"""One client's whole life, end to end through every institution: onboard, deposit, order,
trade, settlement, withdrawal to origin; after every step each institution's books agree and the
ledger balances. Then the walls: another broker cannot act for the client, retail clients stay
off markets not admitted for retail, and the venue operator cannot trade."""

from __future__ import annotations

import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.broker import machine as broker
from seawall.broker.commands import PlaceOrder, RequestCancel
from seawall.broker.state import OrderStatus, Side
from seawall.core.clock import StepClock
from seawall.core.ids import AccountId
from seawall.core.signing import SigningKey
from seawall.custody import machine as custody
from seawall.identity.state import InvestorClass
from seawall.kernel import Market, replay
from seawall.kernel.reconcile import find_breaks
from seawall.ledger import machine as ledger
from seawall.regulator import machine as regulator
from seawall.regulator.commands import RunReconciliation
from seawall.sim.genesis import open_market
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

KEY = SigningKey.from_label("client-life")
PRICE = 9_000_000  # 90,000.00 USD in ticks of 0.01
LOTS = 1_000  # 0.01 BTC in lots of 0.00001


def _agree(market: Market) -> None:
    market.check_invariants()
    assert find_breaks(market.states) == []


@pytest.fixture
def market() -> Market:
    market = open_market(MemoryJournalStore(), KEY, StepClock())
    configure_assets(market)
    register_brokers(market)
    create_markets(market, ("BTCUSD", "BCHUSD"))
    return market


def test_one_clients_whole_life(market: Market) -> None:
    alice = onboard(market, "broker-a", "alice")
    bob = onboard(market, "broker-b", "bob", InvestorClass.PROFESSIONAL)
    _agree(market)

    assert deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001").accepted
    assert deposit(market, "tx-1", "broker-a", alice, "BTC", 100_000, "bc1qalice").accepted
    assert deposit(market, "tx-2", "broker-b", bob, "BTC", 100_000_000, "bc1qbob").accepted
    _agree(market)

    bought = place(market, "broker-a", alice, "BTCUSD", Side.BUY, PRICE, LOTS, "alice-1")
    assert bought.accepted
    alice_order = broker.order_by_client_id(market.state("broker"), "broker-a", alice, "alice-1")
    assert alice_order is not None and alice_order.status == OrderStatus.OPEN
    ledger_state = market.state("ledger")
    alice_ledger = AccountId(f"client:broker-a:{alice}")
    assert ledger.held(ledger_state, alice_ledger, "USD") == 900_00 + 1_80  # notional + max fee
    _agree(market)

    sold = place(market, "broker-b", bob, "BTCUSD", Side.SELL, PRICE, LOTS, "bob-1")
    assert sold.accepted
    _agree(market)

    # alice was the maker (10 bps: 0.90), bob the taker (20 bps: 1.80)
    assert ledger.balance(ledger_state, alice_ledger, "USD") == 10_000_00 - 900_00 - 90
    assert ledger.balance(ledger_state, alice_ledger, "BTC") == 100_000 + 1_000_000
    assert ledger.held(ledger_state, alice_ledger, "USD") == 0
    bob_ledger = AccountId(f"client:broker-b:{bob}")
    assert ledger.balance(ledger_state, bob_ledger, "USD") == 900_00 - 1_80
    assert ledger.balance(ledger_state, bob_ledger, "BTC") == 100_000_000 - 1_000_000
    assert ledger.balance(ledger_state, AccountId("house:broker-a"), "USD") == 90
    assert ledger.balance(ledger_state, AccountId("house:broker-b"), "USD") == 1_80
    for broker_id, account, client_order_id in (
        ("broker-a", alice, "alice-1"),
        ("broker-b", bob, "bob-1"),
    ):
        order = broker.order_by_client_id(
            market.state("broker"), broker_id, account, client_order_id
        )
        assert order is not None and order.status == OrderStatus.FILLED and order.closed
    assert broker.book_balance(market.state("broker"), "broker-a", alice, "BTC")[0] == 1_100_000

    out = withdraw(market, "w-1", "broker-a", alice, "BTC", 500_000, "bc1qalice")
    assert out.accepted
    assert custody.withdrawal(market.state("custody"), "w-1").status == "executed"
    assert ledger.balance(ledger_state, alice_ledger, "BTC") == 600_000
    _agree(market)

    assert market.submit(RunReconciliation(1), "regulator").accepted
    assert list(regulator.breaks(market.state("regulator"))) == []
    market.commit()
    assert replay(market.store).state_hash == market.state_hash()


def test_cancel_releases_the_hold(market: Market) -> None:
    alice = onboard(market, "broker-a", "alice")
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")
    assert place(market, "broker-a", alice, "BTCUSD", Side.BUY, PRICE, LOTS, "a-1").accepted
    assert market.submit(
        RequestCancel("broker-a", alice, client_order_id="a-1"), "broker-a"
    ).accepted
    order = broker.order_by_client_id(market.state("broker"), "broker-a", alice, "a-1")
    assert order is not None and order.status == OrderStatus.CANCELED and order.closed
    alice_ledger = AccountId(f"client:broker-a:{alice}")
    assert ledger.held(market.state("ledger"), alice_ledger, "USD") == 0
    _agree(market)


def test_the_walls_hold(market: Market) -> None:
    alice = onboard(market, "broker-a", "alice")
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")

    other_broker = place(market, "broker-b", alice, "BTCUSD", Side.BUY, PRICE, LOTS)
    assert other_broker.rejection is not None and other_broker.rejection.name == "UNKNOWN_CLIENT"

    on_behalf = PlaceOrder(
        "broker-a", alice, "", "BTCUSD", Side.BUY, price_ticks=PRICE, quantity_lots=LOTS
    )
    impostor = market.submit(on_behalf, "broker-b")
    assert impostor.rejection is not None and impostor.rejection.name == "WRONG_SUBMITTER"

    not_retail = place(market, "broker-a", alice, "BCHUSD", Side.BUY, 45_000, 1_000)
    assert not_retail.rejection is not None and not_retail.rejection.name == "CLASS_NOT_ALLOWED"

    too_big = place(market, "broker-a", alice, "BTCUSD", Side.BUY, PRICE, 1_000_000)
    assert too_big.rejection is not None
    assert too_big.rejection.name in {"INSUFFICIENT_BALANCE", "EXPOSURE_LIMIT"}

    operator = market.submit(
        vc.PlaceOrder("BTCUSD", AccountId(alice), vc.Side.BUY, price_ticks=PRICE, quantity_lots=1),
        "venue",
    )
    assert operator.rejection is not None and operator.rejection.name == "WRONG_SUBMITTER"
    _agree(market)


def test_a_hidden_venue_account_trading_raises_an_alert(market: Market) -> None:
    """The FTX pattern at the venue: an insider slips a resting order for an account no broker
    knows straight into the venue's book, bypassing every institution. The first client order
    that trades against it cannot be attributed by clearing, which refuses it; the refusal is
    journaled as a supervisory alert at the regulator."""
    from seawall.core.machine import Context
    from seawall.venue import machine as venue

    alice = onboard(market, "broker-a", "alice")
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")
    hidden = vc.PlaceOrder(
        "BTCUSD",
        AccountId("acct-00000000deadbeef"),
        vc.Side.SELL,
        price_ticks=PRICE,
        quantity_lots=LOTS,
    )
    venue_state = market.state("venue")
    injected = venue.decide(
        venue_state, hidden, Context(seq=0, timestamp_ns=0, submitter="insider")
    )
    assert isinstance(injected, list)
    for event in injected:
        venue.evolve(venue_state, event)

    assert place(market, "broker-a", alice, "BTCUSD", Side.BUY, PRICE, LOTS, "a-1").accepted
    alerts = regulator.alerts(market.state("regulator"))
    assert len(alerts) == 1
    assert alerts[0].source == "clearing" and alerts[0].code == "UNKNOWN_PARTY"
    assert "BTCUSD" in alerts[0].detail
    # No money moved: alice's USD is still all hers (held for her order), nothing settled.
    alice_ledger = AccountId(f"client:broker-a:{alice}")
    assert ledger.balance(market.state("ledger"), alice_ledger, "USD") == 10_000_00


def test_every_clearing_cycle_ends_with_a_reconciliation(market: Market) -> None:
    from seawall.clearing.commands import CloseCycle

    alice = onboard(market, "broker-a", "alice")
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")
    assert market.submit(CloseCycle(1), "clearing").accepted
    assert regulator.last_cycle(market.state("regulator")) == 1
    assert list(regulator.breaks(market.state("regulator"))) == []


def test_netted_settlement_settles_a_cycles_trades_at_its_close(market: Market) -> None:
    from seawall.clearing.commands import CloseCycle, Configure
    from seawall.clearing.state import SettlementMode

    assert market.submit(Configure(SettlementMode.NETTED), "clearing").accepted
    alice = onboard(market, "broker-a", "alice")
    bob = onboard(market, "broker-b", "bob", InvestorClass.PROFESSIONAL)
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")
    deposit(market, "tx-2", "broker-b", bob, "BTC", 100_000_000, "bc1qbob")
    assert place(market, "broker-a", alice, "BTCUSD", Side.BUY, PRICE, LOTS, "a-1").accepted
    assert place(market, "broker-b", bob, "BTCUSD", Side.SELL, PRICE, LOTS // 2, "b-1").accepted
    assert place(market, "broker-b", bob, "BTCUSD", Side.SELL, PRICE, LOTS // 2, "b-2").accepted
    alice_ledger = AccountId(f"client:broker-a:{alice}")
    ledger_state = market.state("ledger")
    assert ledger.balance(ledger_state, alice_ledger, "BTC") == 0  # traded, not yet settled
    assert market.submit(CloseCycle(1), "clearing").accepted
    assert ledger.balance(ledger_state, alice_ledger, "BTC") == 1_000_000
    assert ledger.held(ledger_state, alice_ledger, "USD") == 0
    order = broker.order_by_client_id(market.state("broker"), "broker-a", alice, "a-1")
    assert order is not None and order.status == OrderStatus.FILLED and order.closed
    _agree(market)
    assert list(regulator.breaks(market.state("regulator"))) == []


def test_netted_an_order_cancelled_before_the_cycle_keeps_its_hold_until_settlement(
    market: Market,
) -> None:
    from seawall.clearing.commands import CloseCycle, Configure
    from seawall.clearing.state import SettlementMode

    assert market.submit(Configure(SettlementMode.NETTED), "clearing").accepted
    alice = onboard(market, "broker-a", "alice")
    bob = onboard(market, "broker-b", "bob", InvestorClass.PROFESSIONAL)
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")
    deposit(market, "tx-2", "broker-b", bob, "BTC", 100_000_000, "bc1qbob")
    assert place(market, "broker-a", alice, "BTCUSD", Side.BUY, PRICE, LOTS, "a-1").accepted
    assert place(market, "broker-b", bob, "BTCUSD", Side.SELL, PRICE, LOTS // 4, "b-1").accepted
    cancel = RequestCancel("broker-a", alice, client_order_id="a-1")
    assert market.submit(cancel, "broker-a").accepted
    alice_ledger = AccountId(f"client:broker-a:{alice}")
    ledger_state = market.state("ledger")
    assert ledger.held(ledger_state, alice_ledger, "USD") > 0  # still owed to the cycle
    assert market.submit(CloseCycle(1), "clearing").accepted
    assert ledger.balance(ledger_state, alice_ledger, "BTC") == 250_000
    assert ledger.held(ledger_state, alice_ledger, "USD") == 0
    order = broker.order_by_client_id(market.state("broker"), "broker-a", alice, "a-1")
    assert order is not None and order.status == OrderStatus.CANCELED and order.closed
    _agree(market)
    market.commit()
    assert replay(market.store).state_hash == market.state_hash()


def test_a_post_only_buy_filled_in_many_parts_never_overruns_its_hold(market: Market) -> None:
    """The broker sizes a buy's hold with the fee rounded up once on the whole order; if each
    fill's fee rounded up too, 77 fills could need 77 minor units more than the hold and the
    settlement would fail. The buyer's fee rounds down per fill, so every fill settles."""
    from seawall.broker.state import OrderType

    alice = onboard(market, "broker-a", "alice", InvestorClass.PROFESSIONAL)
    bob = onboard(market, "broker-b", "bob", InvestorClass.PROFESSIONAL)
    deposit(market, "bank-1", "broker-a", alice, "USD", 10_000_00, "HK-BANK-001")
    deposit(market, "tx-2", "broker-b", bob, "BTC", 100_000_000, "bc1qbob")
    price = 9_000_001  # 90,000.01: each 13-lot fill is 11.7000013 USD, its fee 1.17 cents
    bought = place(
        market, "broker-a", alice, "BTCUSD", Side.BUY, price, 77 * 13, "a-1", OrderType.LIMIT_MAKER
    )
    assert bought.accepted
    for part in range(77):
        assert place(market, "broker-b", bob, "BTCUSD", Side.SELL, price, 13, f"b-{part}").accepted
    clearing_state = market.state("clearing")
    assert all(o.status == "settled" for o in clearing_state.obligations.values())
    order = broker.order_by_client_id(market.state("broker"), "broker-a", alice, "a-1")
    assert order is not None and order.status == OrderStatus.FILLED and order.closed
    assert ledger.held(market.state("ledger"), AccountId(f"client:broker-a:{alice}"), "USD") == 0
    _agree(market)
