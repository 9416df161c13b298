"""Property test: random streams of valid and invalid commands drive one clearing state. After
every step ``check_invariants`` holds (instructions balance per asset, positions sum to zero per
asset and equal the settled obligations, lifecycles follow their tables), ``decide`` has not
touched the state, a snapshot round trip keeps the hash, and every instruction is one the
ledger can post with ``keep_remainder``: at most ``holds_per_post_max`` holds and
``postings_per_transfer_max`` postings, no two named holds on one (account, asset), and every
debited client (account, asset) covered by a named hold."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from seawall.clearing import (
    ClearingCommand,
    ClearingState,
    CloseCycle,
    Configure,
    ConfirmSettlement,
    CosignWithdrawal,
    FailSettlement,
    InstructionStatus,
    Party,
    RecordTrade,
    RegisterMarket,
    SettlementMode,
    check_invariants,
    client_ledger_account,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)
from seawall.core import limits
from seawall.core.machine import Context, Rejection

MAX = limits.amount_minor_max
#: Small capacities, so that CLEARING_FULL is reached too.
SMALL_LIMITS = {"clearing_markets_max": 3, "clearing_open_obligations_max": 24}


def mostly(common: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """Each of ``common`` four times as likely as each of ``rare`` (invalid or edge values)."""
    return st.sampled_from(common * 4 + rare)


MARKETS = [
    RegisterMarket("XYZHKD", "XYZ", "HKD", 0, 2, "0.01", "1"),
    RegisterMarket("BTCUSDT", "BTC", "USDT", 8, 6, "0.01", "0.00001"),
    RegisterMarket("ETHHKD", "ETH", "HKD", 18, 2, "0.5", "0.001"),
    RegisterMarket("BADHKD", "BAD", "HKD", 0, 2, "0.01", "0.1"),
    RegisterMarket("bad sym", "XYZ", "HKD", 0, 2, "0.01", "1"),
]
symbols = mostly(["XYZHKD", "BTCUSDT", "ETHHKD"], ["BADHKD", "NOPE", "bad sym"])
brokers = mostly(["b1", "b2"], ["", "b 3", "b:4"])
accounts = mostly(["alice", "bob", "carol"], ["house", "", "x y"])
orders = mostly([f"o{n}" for n in range(6)], ["o 9", ""])
fees = mostly([0, 0, 10, 25], [-1, limits.clearing_fee_bps_max, limits.clearing_fee_bps_max + 1])
prices = st.integers(1, 5_000) | mostly([1, 100], [0, -3, limits.venue_price_ticks_max + 1])
quantities = st.integers(1, 50) | mostly([1, 10], [0, limits.venue_quantity_lots_max + 1])
submitters = mostly(["kernel"], ["clearing", "alice"])
assets = mostly(["HKD", "XYZ", "USDT", "BTC"], ["hkd", ""])
amounts = mostly([1, 100], [0, -1, MAX + 1])
modes = mostly(list(SettlementMode), ["bogus"])


@st.composite
def parties(draw: st.DrawFn) -> Party:
    order = draw(orders)
    # A hold id is the order's, except now and then a mismatched or malformed one.
    hold_id = draw(mostly([f"order:{order}"], ["order:o0", "h x"]))
    return Party(draw(brokers), draw(accounts), order, hold_id, draw(fees))


class ClearingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = ClearingState()
        self.next_trade_id = 1
        self.saved_limits = {name: getattr(limits, name) for name in SMALL_LIMITS}
        for name, value in SMALL_LIMITS.items():
            setattr(limits, name, value)

    def teardown(self) -> None:
        for name, value in self.saved_limits.items():
            setattr(limits, name, value)

    def run(self, command: ClearingCommand, submitter: str = "kernel") -> None:
        before = state_hash(self.state)
        outcome = decide(self.state, command, Context(seq=1, timestamp_ns=0, submitter=submitter))
        assert state_hash(self.state) == before, "decide changed the state"
        if isinstance(outcome, Rejection):
            assert 4000 < outcome.code < 5000 and outcome.message
            return
        for event in outcome:
            evolve(self.state, event)

    @initialize(mode=st.sampled_from(list(SettlementMode)))
    def register_two_markets(self, mode: SettlementMode) -> None:
        self.run(Configure(mode), "clearing")
        self.run(MARKETS[0])
        self.run(MARKETS[1])

    @rule(index=st.integers(0, len(MARKETS) - 1), submitter=submitters)
    def register_market(self, index: int, submitter: str) -> None:
        self.run(MARKETS[index], submitter)

    @rule(mode=modes, submitter=mostly(["clearing"], ["kernel"]))
    def configure(self, mode: Any, submitter: str) -> None:
        self.run(Configure(mode), submitter)

    @rule(
        data=st.data(),
        symbol=symbols,
        price_ticks=prices,
        quantity_lots=quantities,
        maker_side=mostly([1, 2], [0, 3]),
        submitter=submitters,
    )
    def record_trade(
        self,
        data: st.DataObject,
        symbol: str,
        price_ticks: int,
        quantity_lots: int,
        maker_side: int,
        submitter: str,
    ) -> None:
        if data.draw(st.integers(0, 9)) == 0:
            trade_id = data.draw(st.integers(-1, self.next_trade_id))  # zero, or a duplicate
        else:
            trade_id = self.next_trade_id
            self.next_trade_id += 1
        buyer, seller = data.draw(parties()), data.draw(parties())
        command = RecordTrade(
            symbol, trade_id, price_ticks, quantity_lots, buyer, seller, maker_side
        )
        self.run(command, submitter)

    @rule(data=st.data(), count=st.integers(1, 4))
    def valid_trades(self, data: st.DataObject, count: int) -> None:
        """Trades between known parties; each (broker, account, side) has two orders."""
        for _ in range(count):
            sides = []
            for side in ("buy", "sell"):
                broker_id = data.draw(st.sampled_from(["b1", "b2"]))
                account_id = data.draw(st.sampled_from(["alice", "bob", "carol"]))
                order = f"{broker_id}-{account_id}-{side}{data.draw(st.integers(0, 1))}"
                fee_bps = data.draw(st.sampled_from([0, 10, 25]))
                sides.append(Party(broker_id, account_id, order, f"order:{order}", fee_bps))
            symbol = data.draw(st.sampled_from(["XYZHKD", "BTCUSDT"]))
            price_ticks = data.draw(st.integers(10, 5_000))
            quantity_lots = data.draw(st.integers(1, 50))
            trade_id = self.next_trade_id
            self.next_trade_id += 1
            self.run(RecordTrade(symbol, trade_id, price_ticks, quantity_lots, *sides, 2))

    @rule(data=st.data(), withdrawal=st.integers(0, 10**6))
    def cosign_for_a_trading_account(self, data: st.DataObject, withdrawal: int) -> None:
        """A withdrawal by a party of a recorded trade, in one of the trade's assets."""
        if not self.state.obligations:
            return
        ob = self.state.obligations[data.draw(st.sampled_from(sorted(self.state.obligations)))]
        who = data.draw(st.sampled_from([ob.buyer, ob.seller]))
        asset = data.draw(st.sampled_from([ob.base_asset, ob.quote_asset]))
        self.run(CosignWithdrawal(f"w{withdrawal}", who.broker_id, who.account_id, asset, 10))

    @rule(offset=mostly([0], [-1, 1]), submitter=mostly(["clearing", "kernel"], []))
    def close_cycle(self, offset: int, submitter: str) -> None:
        self.run(CloseCycle(self.state.cycle + offset), submitter)

    def _an_instruction(self, data: st.DataObject) -> str:
        open_ids = sorted(
            key
            for key, found in self.state.instructions.items()
            if found.status is InstructionStatus.OPEN
        )
        if open_ids and data.draw(st.integers(0, 4)) > 0:
            return data.draw(st.sampled_from(open_ids))
        return data.draw(st.sampled_from(["settle:1", "settle:99", "bad id", *open_ids]))

    @rule(data=st.data(), submitter=submitters)
    def confirm(self, data: st.DataObject, submitter: str) -> None:
        self.run(ConfirmSettlement(self._an_instruction(data)), submitter)

    @rule(
        data=st.data(),
        code=mostly([6005, 6022], [0]),
        name=mostly(["INSUFFICIENT_AVAILABLE"], ["", "a b"]),
        submitter=submitters,
    )
    def fail(self, data: st.DataObject, code: int, name: str, submitter: str) -> None:
        self.run(FailSettlement(self._an_instruction(data), code, name, "refused"), submitter)

    @rule(
        withdrawal_id=mostly([f"wd-{n}" for n in range(8)], ["w d"]),
        broker_id=brokers,
        account_id=accounts,
        asset=assets,
        amount=amounts,
        submitter=submitters,
    )
    def cosign(
        self,
        withdrawal_id: str,
        broker_id: str,
        account_id: str,
        asset: str,
        amount: int,
        submitter: str,
    ) -> None:
        self.run(CosignWithdrawal(withdrawal_id, broker_id, account_id, asset, amount), submitter)

    @invariant()
    def invariants_hold_and_snapshots_round_trip(self) -> None:
        check_invariants(self.state)
        restored = restore(snapshot(self.state))
        assert state_hash(restored) == state_hash(self.state)

    @invariant()
    def every_instruction_is_postable(self) -> None:
        for found in self.state.instructions.values():
            assert len(found.hold_ids) <= limits.holds_per_post_max
            assert len(found.postings) <= limits.postings_per_transfer_max
            obligations = [self.state.obligations[ob_id] for ob_id in found.obligation_ids]
            hold_keys: dict[str, tuple[str, str]] = {}
            for ob in obligations:
                buyer = client_ledger_account(ob.buyer.broker_id, ob.buyer.account_id)
                seller = client_ledger_account(ob.seller.broker_id, ob.seller.account_id)
                hold_keys[ob.buyer.hold_id] = (buyer, ob.quote_asset)
                hold_keys[ob.seller.hold_id] = (seller, ob.base_asset)
            named = [hold_keys[hold_id] for hold_id in found.hold_ids]
            assert len(set(named)) == len(named), "two named holds on one account and asset"
            for posting in found.postings:
                if posting.amount_minor < 0:
                    key = (posting.ledger_account, posting.asset)
                    assert key in named, f"{key} is debited without a hold"


ClearingMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_clearing_stateful = ClearingMachine.TestCase
