"""The fast venue against the naive reference, driven by Hypothesis.

Four venues take every command: ``decide`` then ``evolve`` (the kernel's way), ``engine.apply``
(the fast path), the compiled core (``compiled.CompiledVenue``, which must return exactly what
``engine.apply`` returns, rejection messages included) and ``ReferenceVenue`` (the oracle). After
every step they must agree on the outcome (events equal, or the same rejection code) and on the
state hash, ``decide`` must not
have changed its state, a rejection must leave every hash as it was, and the invariants hold:
the book is never crossed, quantity is conserved order by order, queues are FIFO, and ids and
sequence numbers have no gaps.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection
from seawall.venue import compiled
from seawall.venue.commands import (
    AccountRole,
    AmendOrder,
    CancelOrder,
    CreateMarket,
    HaltMarket,
    OrderType,
    PlaceOrder,
    RestrictAccount,
    ResumeMarket,
    Side,
    StpMode,
    TimeInForce,
    UnrestrictAccount,
    VenueCommand,
)
from seawall.venue.engine import apply
from seawall.venue.events import (
    BookDelta,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    Trade,
    VenueEvent,
)
from seawall.venue.machine import (
    check_invariants,
    decide,
    evolve,
    new_state,
    restore,
    snapshot,
    state_hash,
)
from seawall.venue.reference import ReferenceVenue
from seawall.venue.state import venue_view

SYMBOLS = ["AAA", "BBB", "ZZZ"]  # ZZZ is never listed


def mostly(good: list[Any], bad: list[Any], times: int = 12) -> st.SearchStrategy[Any]:
    """Mostly well-formed values, so that books fill and trade; now and then a bad one."""
    return st.sampled_from(good * times + bad)


ACCOUNTS = [AccountId(a) for a in ("a", "b", "c", "op", "")]
CLIENT_IDS = ["", "c1", "c2", "bad id"]
GROUPS = ["", "g", "bad group!"]
accounts = mostly(["a", "b", "c"], ["op", ""])
client_ids = mostly(["", "", "", "", "c1", "c2"], ["bad id"], times=4)
groups = mostly(["", "", "", "g"], ["bad group!"], times=4)
prices = mostly([*range(95, 106), *range(98, 103)], [0, -1, 10**12 + 1], times=2)
quantities = mostly([*range(1, 7), 1, 2, 3], [0, -2, 10**12 + 1], times=3)
place_arguments = {
    "symbol": mostly(["AAA", "AAA", "BBB"], ["ZZZ"], times=4),
    "account": accounts,
    "side": st.sampled_from(Side),
    "kind": mostly(
        [
            *[(OrderType.LIMIT, TimeInForce.GTC)] * 6,
            (OrderType.LIMIT, TimeInForce.IOC),
            (OrderType.LIMIT, TimeInForce.FOK),
            (OrderType.MARKET, TimeInForce.IOC),
            (OrderType.LIMIT_MAKER, TimeInForce.GTC),
        ],
        [(OrderType.MARKET, TimeInForce.GTC), (OrderType.LIMIT_MAKER, TimeInForce.IOC)],
        times=3,
    ),
    "price": prices,
    "quantity": quantities,
    "quote": mostly([0, 0, 0, 250, 1000], [-1], times=3),
    "client_order_id": client_ids,
    "stp_mode": st.sampled_from([StpMode.NONE, StpMode.NONE, *StpMode]),
    "stp_group": groups,
}


class VenueComparison(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.fast = new_state()
        self.quick = new_state()
        self.ref = ReferenceVenue()
        self.core = compiled.CompiledVenue() if compiled.available() else None
        self.seq = 0
        #: order id -> [total lots (None: quote-sized), filled, closed (expired or cancelled)]
        self.ledger: dict[int, list[Any]] = {}
        #: order id -> the step at which it last joined the back of a queue
        self.queued_at: dict[int, int] = {}
        self.next_trade_id: dict[str, int] = {}
        self.next_update_seq: dict[str, int] = {}
        self.next_order_id = 1

    # --- running a command on all three -----------------------------------------------------

    def run(self, command: VenueCommand) -> None:
        self.seq += 1
        ctx = Context(seq=self.seq, timestamp_ns=self.seq * 1000, submitter="kernel")
        before = state_hash(self.fast)
        assert state_hash(self.quick) == before == self.ref.state_hash()
        decided = decide(self.fast, command, ctx)
        assert state_hash(self.fast) == before, "decide changed the state"
        applied = apply(self.quick, command, ctx)
        if self.core is not None:
            assert self.core.apply(command, ctx) == applied, command
            assert self.core.state_hash() == state_hash(self.quick), command
        expected = self.ref.apply(command, ctx)
        if isinstance(expected, Rejection):
            assert isinstance(decided, Rejection), (command, decided, expected)
            assert isinstance(applied, Rejection), (command, applied, expected)
            assert decided.code == applied.code == expected.code, (command, decided, expected)
            assert state_hash(self.quick) == before == self.ref.state_hash()
            return
        assert decided == expected, (command, decided, expected)
        assert applied == expected, (command, applied, expected)
        for event in decided:
            evolve(self.fast, event)
        self.track(decided)
        assert state_hash(self.fast) == state_hash(self.quick) == self.ref.state_hash()

    def track(self, events: list[VenueEvent]) -> None:
        for e in events:
            if isinstance(e, OrderAccepted):
                assert e.order_id == self.next_order_id
                self.next_order_id += 1
                total = None if e.quote_quantity_tick_lots else e.quantity_lots
                self.ledger[e.order_id] = [total, 0, 0]
                self.queued_at[e.order_id] = self.seq
            elif isinstance(e, Trade):
                assert e.trade_id == self.next_trade_id.get(e.symbol, 1)
                self.next_trade_id[e.symbol] = e.trade_id + 1
                assert e.maker_account_id and e.taker_account_id
                self.ledger[e.maker_order_id][1] += e.quantity_lots
                self.ledger[e.taker_order_id][1] += e.quantity_lots
            elif isinstance(e, OrderExpired | OrderCancelled):
                self.ledger[e.order_id][2] += e.quantity_lots
            elif isinstance(e, OrderAmended):
                self.ledger[e.order_id][0] = e.quantity_lots
                if not e.priority_kept:
                    self.queued_at[e.order_id] = self.seq
            elif isinstance(e, BookDelta):
                assert e.update_seq == self.next_update_seq.get(e.symbol, 1)
                self.next_update_seq[e.symbol] = e.update_seq + 1

    # --- rules ------------------------------------------------------------------------------

    @initialize()
    def list_market(self) -> None:
        self.run(CreateMarket("AAA", AssetCode("AAA"), AssetCode("USD"), "0.01", "0.001"))

    @precondition(lambda self: self.seq % 3 == 0)
    @rule(
        symbol=st.sampled_from([*SYMBOLS, "bad symbol"]),
        tick=st.sampled_from(["0.01", "1", "0", "x"]),
        min_notional=st.sampled_from([0, 0, 200, -1]),
        band=st.sampled_from([0, 0, 300, 10_000, 10_001]),
        reference=st.sampled_from([0, 100, -5]),
        restricted=st.sampled_from([(), ("c",), ("c", "c")]),
    )
    def create_market(
        self,
        symbol: str,
        tick: str,
        min_notional: int,
        band: int,
        reference: int,
        restricted: tuple[str, ...],
    ) -> None:
        self.run(
            CreateMarket(
                symbol,
                AssetCode("BBB" if symbol != "AAA" else "AAA"),
                AssetCode("USD"),
                tick,
                "1",
                min_notional_tick_lots=min_notional,
                price_band_bps=band,
                reference_price_ticks=reference,
                restricted_accounts=tuple(AccountId(a) for a in restricted),
            )
        )

    @rule(**place_arguments)
    def place(
        self,
        symbol: str,
        account: AccountId,
        side: Side,
        kind: tuple[OrderType, TimeInForce],
        price: int,
        quantity: int,
        quote: int,
        client_order_id: str,
        stp_mode: StpMode,
        stp_group: str,
    ) -> None:
        order_type, tif = kind
        if order_type is OrderType.MARKET:
            # mostly well-formed market orders: no price, one of quantity and quote
            price = 0 if price > 0 else price
            quantity, quote = (0, quote) if quote > 0 else (quantity, 0 if quote >= 0 else quote)
        else:
            quote = 0 if quote > 0 else quote
        self.run(
            PlaceOrder(
                symbol,
                account,
                side,
                order_type=order_type,
                time_in_force=tif,
                price_ticks=price,
                quantity_lots=quantity,
                quote_quantity_tick_lots=quote,
                client_order_id=client_order_id,
                stp_mode=stp_mode,
                stp_group=stp_group,
            )
        )

    @rule(**place_arguments)
    def place_more(self, **arguments: Any) -> None:
        self.place(**arguments)

    @rule(**place_arguments)
    def place_again(self, **arguments: Any) -> None:
        self.place(**arguments)

    def live_orders(self) -> list[tuple[str, int, str, str, int, int]]:
        out = []
        for market in venue_view(self.fast).markets:
            for o in (*market.bids, *market.asks):
                total = o.open_lots + o.filled_lots
                out.append(
                    (
                        market.symbol,
                        o.order_id,
                        o.account_id,
                        o.client_order_id,
                        o.price_ticks,
                        total,
                    )
                )
        return out

    @rule(data=st.data(), by_client_id=st.booleans(), mismatch=st.sampled_from([0, 0, 0, 1, 2]))
    def cancel(self, data: st.DataObject, by_client_id: bool, mismatch: int) -> None:
        live = self.live_orders()
        if live and mismatch == 0:
            symbol, order_id, account, coid, _, _ = data.draw(st.sampled_from(live))
        else:
            symbol = data.draw(st.sampled_from(SYMBOLS))
            order_id = data.draw(st.integers(-1, self.next_order_id + 1))
            account, coid = (
                data.draw(st.sampled_from(ACCOUNTS)),
                data.draw(st.sampled_from(CLIENT_IDS)),
            )
        if mismatch == 2:
            self.run(
                CancelOrder(symbol, AccountId(account), order_id=order_id, client_order_id="c1")
            )
        elif by_client_id and coid:
            self.run(CancelOrder(symbol, AccountId(account), client_order_id=coid))
        else:
            self.run(CancelOrder(symbol, AccountId(account), order_id=order_id))

    @rule(data=st.data(), price_move=st.sampled_from([0, 1, -3, 5]))
    def amend_more(self, data: st.DataObject, price_move: int) -> None:
        self.amend(data, price_move, -1, False)

    @rule(
        data=st.data(),
        price_move=st.sampled_from([0, 0, 1, -1, 3, -3, -8, 8]),
        quantity_move=st.sampled_from([0, -1, -2, 1, 2, -100]),
        by_client_id=st.booleans(),
    )
    def amend(
        self, data: st.DataObject, price_move: int, quantity_move: int, by_client_id: bool
    ) -> None:
        live = self.live_orders()
        if not live:
            return
        symbol, order_id, account, coid, price, total = data.draw(st.sampled_from(live))
        command = AmendOrder(
            symbol,
            AccountId(account),
            price + price_move,
            total + quantity_move,
            order_id=0 if by_client_id and coid else order_id,
            client_order_id=coid if by_client_id and coid else "",
        )
        self.run(command)

    @precondition(lambda self: self.seq % 5 == 0)
    @rule(symbol=st.sampled_from(SYMBOLS), halt=st.booleans())
    def halt_or_resume(self, symbol: str, halt: bool) -> None:
        self.run(HaltMarket(symbol) if halt else ResumeMarket(symbol))

    @precondition(lambda self: self.seq % 7 == 0)
    @rule(account=st.sampled_from(ACCOUNTS), role=st.sampled_from(AccountRole), on=st.booleans())
    def restrict(self, account: AccountId, role: AccountRole, on: bool) -> None:
        self.run(RestrictAccount(account, role) if on else UnrestrictAccount(account))

    @rule()
    def snapshot_and_restore(self) -> None:
        data = snapshot(self.fast)
        restored = restore(data)
        assert state_hash(restored) == state_hash(self.fast)
        assert snapshot(restored) == data
        self.fast = restored  # carry on from the restored state
        if self.core is not None:  # the compiled core carries on from a loaded copy
            self.core.load(restore(data))
            assert self.core.state_hash() == state_hash(self.fast)

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def books_are_consistent(self) -> None:
        check_invariants(self.fast)
        check_invariants(self.quick)

    @invariant()
    def never_crossed_and_fifo(self) -> None:
        for market in venue_view(self.fast).markets:
            if market.bids and market.asks:
                assert market.bids[0].price_ticks < market.asks[0].price_ticks
            for side in (market.bids, market.asks):
                for first, second in itertools.pairwise(side):
                    if first.price_ticks == second.price_ticks:
                        assert self.queued_at[first.order_id] <= self.queued_at[second.order_id]
                        assert first.order_id != second.order_id
                    elif side is market.bids:
                        assert first.price_ticks > second.price_ticks
                    else:
                        assert first.price_ticks < second.price_ticks

    @invariant()
    def quantity_is_conserved(self) -> None:
        live = {}
        for market in venue_view(self.fast).markets:
            for o in (*market.bids, *market.asks):
                live[o.order_id] = o
        for order_id, (total, filled, closed) in self.ledger.items():
            if order_id in live:
                o = live[order_id]
                assert closed == 0
                assert o.filled_lots == filled
                assert o.open_lots + o.filled_lots == total
            elif total is not None:
                assert filled + closed == total, (order_id, total, filled, closed)


VenueComparison.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestVenueComparison = VenueComparison.TestCase
