"""Clearing's instructions against the real ledger, as the kernel will wire them: each
``SettlementInstructed`` becomes ``ledger.PostHold(hold_ids, transfer_id=instruction_id,
postings, keep_remainder=True)`` against the orders' holds; the ledger must accept every one,
and afterwards clearing's positions reconcile with the ledger's balances (client: balance =
funding + position; house: balance = position). A post the ledger refuses fails the
instruction and leaves both books as they were."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawall.clearing import (
    ClearingEvent,
    CloseCycle,
    Configure,
    ConfirmSettlement,
    FailSettlement,
    ObligationStatus,
    Party,
    RecordTrade,
    SettlementInstructed,
    SettlementMode,
    client_ledger_account,
    house_ledger_account,
    obligation,
    position,
    positions,
)
from seawall.core.machine import Context, Rejection
from seawall.ledger import (
    AccountKind,
    CreateHold,
    DefineAsset,
    LedgerState,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    balance,
)
from seawall.ledger import machine as ledger

CTX = Context(seq=1, timestamp_ns=0, submitter="kernel")
BROKERS = ("b1", "b2")
NAMES = ("alice", "bob", "carol")
#: symbol -> (base, quote)
MARKET_ASSETS = {"XYZHKD": ("XYZ", "HKD"), "BTCUSDT": ("BTC", "USDT")}
FUNDING_MINOR = 10**15
HOLD_MINOR = 10**12


class Books:
    """A clearing house and a ledger, wired as the kernel wires them."""

    def __init__(self, kit: Any, markets: Any, mode: SettlementMode) -> None:
        self.kit = kit
        for registration in markets:
            kit.ok(registration)
        kit.ok(Configure(mode), "clearing")
        self.ledger = LedgerState()
        self.holds: set[str] = set()
        for code, decimals in (("HKD", 2), ("XYZ", 0), ("USDT", 6), ("BTC", 8)):
            self.ledger_ok(DefineAsset(code, decimals))
        self.ledger_ok(OpenAccount("world", AccountKind.EXTERNAL))
        for broker_id in BROKERS:
            self.ledger_ok(OpenAccount(house_ledger_account(broker_id), AccountKind.HOUSE))
            for name in NAMES:
                account = client_ledger_account(broker_id, name)
                self.ledger_ok(OpenAccount(account, AccountKind.CLIENT))
                for code in ("HKD", "XYZ", "USDT", "BTC"):
                    self.ledger_ok(
                        Transfer(
                            f"fund:{account}:{code}",
                            (
                                Posting("world", code, -FUNDING_MINOR),
                                Posting(account, code, FUNDING_MINOR),
                            ),
                        )
                    )

    def ledger_ok(self, command: Any) -> None:
        outcome = ledger.decide(self.ledger, command, CTX)
        assert not isinstance(outcome, Rejection), (command, outcome)
        for event in outcome:
            ledger.evolve(self.ledger, event)

    def party(self, symbol: str, broker_id: str, name: str, side: str, k: int, fee: int) -> Party:
        """The party of an order, whose hold the broker placed at the ledger (once per order)."""
        order = f"{symbol}-{broker_id}-{name}-{side}{k}"
        hold_id = f"order:{order}"
        if hold_id not in self.holds:
            base, quote = MARKET_ASSETS[symbol]
            asset = quote if side == "buy" else base
            account = client_ledger_account(broker_id, name)
            self.ledger_ok(CreateHold(hold_id, account, asset, HOLD_MINOR))
            self.holds.add(hold_id)
        return Party(broker_id, name, order, hold_id, fee)

    def post(self, events: list[ClearingEvent]) -> list[Rejection | None]:
        """Post each instruction in ``events`` at the ledger and tell clearing the outcome."""
        outcomes: list[Rejection | None] = []
        for event in events:
            if not isinstance(event, SettlementInstructed) or not event.postings:
                continue
            command = PostHold(
                hold_ids=event.hold_ids,
                transfer_id=event.instruction_id,
                postings=tuple(
                    Posting(leg.ledger_account, leg.asset, leg.amount_minor)
                    for leg in event.postings
                ),
                keep_remainder=True,
            )
            outcome = ledger.decide(self.ledger, command, CTX)
            if isinstance(outcome, Rejection):
                self.kit.ok(
                    FailSettlement(
                        event.instruction_id, outcome.code, outcome.name, outcome.message
                    )
                )
                outcomes.append(outcome)
                continue
            for ledger_event in outcome:
                ledger.evolve(self.ledger, ledger_event)
            self.kit.ok(ConfirmSettlement(event.instruction_id))
            outcomes.append(None)
        return outcomes

    def reconcile(self) -> None:
        ledger.check_invariants(self.ledger)
        for broker_id in BROKERS:
            for code in ("HKD", "XYZ", "USDT", "BTC"):
                house = house_ledger_account(broker_id)
                held = balance(self.ledger, house, code)
                assert held == position(self.kit.state, broker_id, "house", code)
                for name in NAMES:
                    account = client_ledger_account(broker_id, name)
                    moved = balance(self.ledger, account, code) - FUNDING_MINOR
                    assert moved == position(self.kit.state, broker_id, name, code), (
                        account,
                        code,
                    )


@st.composite
def trade_lists(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Up to 30 trades: (symbol, buyer, seller, price_ticks, quantity_lots); each party is
    (broker, name, order number, fee_bps)."""

    def side() -> tuple[str, str, int, int]:
        return (
            draw(st.sampled_from(BROKERS)),
            draw(st.sampled_from(NAMES)),
            draw(st.integers(0, 1)),
            draw(st.sampled_from([0, 10, 25])),
        )

    return [
        (
            draw(st.sampled_from(sorted(MARKET_ASSETS))),
            side(),
            side(),
            draw(st.integers(10, 100_000)),
            draw(st.integers(1, 1_000)),
        )
        for _ in range(draw(st.integers(1, 30)))
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(trades=trade_lists(), mode=st.sampled_from(list(SettlementMode)))
def test_every_instruction_posts_and_the_books_reconcile(
    new_kit: Any, markets: Any, trades: list[tuple[Any, ...]], mode: SettlementMode
) -> None:
    clearing = new_kit()
    books = Books(clearing, markets, mode)
    all_events: list[ClearingEvent] = []
    for trade_id, (symbol, buyer, seller, price_ticks, quantity_lots) in enumerate(trades, 1):
        command = RecordTrade(
            symbol,
            trade_id,
            price_ticks,
            quantity_lots,
            books.party(symbol, buyer[0], buyer[1], "buy", buyer[2], buyer[3]),
            books.party(symbol, seller[0], seller[1], "sell", seller[2], seller[3]),
            2,
        )
        outcome = clearing.decide(command)
        if isinstance(outcome, Rejection):
            continue  # a notional under one minor unit
        events = clearing.ok(command)
        all_events += events
        assert books.post(events) == [None] * sum(
            1 for e in events if isinstance(e, SettlementInstructed) and e.postings
        )
    if mode is SettlementMode.NETTED:
        events = clearing.ok(CloseCycle(1), "clearing")
        outcomes = books.post(events)
        assert all(outcome is None for outcome in outcomes), outcomes
    for ob_id in clearing.state.obligations:
        found = obligation(clearing.state, ob_id)
        assert found is not None and found.status is ObligationStatus.SETTLED
    books.reconcile()


def test_a_refused_post_fails_and_applies_nothing(kit: Any, markets: Any) -> None:
    books = Books(kit, markets, SettlementMode.PER_TRADE)
    buyer = books.party("XYZHKD", "b1", "alice", "buy", 0, 10)
    # The seller's hold reserves less XYZ than the trade delivers.
    books.ledger_ok(CreateHold("order:small", client_ledger_account("b2", "bob"), "XYZ", 5))
    seller = Party("b2", "bob", "small", "order:small", 10)
    ledger_before = ledger.state_hash(books.ledger)
    events = kit.ok(RecordTrade("XYZHKD", 1, 100, 10, buyer, seller, 2))
    outcomes = books.post(events)
    assert [outcome.name for outcome in outcomes if outcome is not None] == ["HOLD_AMOUNT_EXCEEDED"]
    assert ledger.state_hash(books.ledger) == ledger_before
    found = obligation(kit.state, "XYZHKD:1")
    assert found is not None and found.status is ObligationStatus.FAILED
    assert positions(kit.state) == ()
    books.reconcile()
