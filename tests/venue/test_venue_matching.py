"""Matching rules, one behaviour per test, checked on the fast path against decide+evolve and
the reference (``Venue.run`` does all three and insists they agree)."""

from __future__ import annotations

import msgspec
import pytest

from seawall.core.codec import decode, encode
from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection
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
    AccountRestricted,
    BookDelta,
    CancelReason,
    ExpireReason,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    Trade,
    VenueEvent,
)
from seawall.venue.machine import check_invariants, decide, evolve, new_state, state_hash
from seawall.venue.reference import ReferenceVenue
from seawall.venue.rejections import VenueRejection as R
from seawall.venue.state import venue_view

A, B, C = AccountId("alice"), AccountId("bob"), AccountId("carol")
BUY, SELL = Side.BUY, Side.SELL


class Venue:
    """decide+evolve, apply and the reference side by side; every outcome must agree."""

    def __init__(self, *markets: str, band_bps: int = 0, reference: int = 0) -> None:
        self.fast, self.quick, self.ref = new_state(), new_state(), ReferenceVenue()
        self.seq = 0
        for symbol in markets or ("BTCUSD",):
            self.run(
                CreateMarket(
                    symbol,
                    AssetCode(symbol[:3]),
                    AssetCode("USD"),
                    "0.01",
                    "0.001",
                    price_band_bps=band_bps,
                    reference_price_ticks=reference,
                )
            )

    def run(self, command: VenueCommand) -> list[VenueEvent] | Rejection:
        self.seq += 1
        ctx = Context(seq=self.seq, timestamp_ns=self.seq, submitter="kernel")
        decided = decide(self.fast, command, ctx)
        applied = apply(self.quick, command, ctx)
        expected = self.ref.apply(command, ctx)
        if isinstance(expected, Rejection):
            assert isinstance(decided, Rejection) and isinstance(applied, Rejection)
            assert decided.code == applied.code == expected.code
            return decided
        assert decided == applied == expected
        for event in decided:
            evolve(self.fast, event)
        check_invariants(self.fast)
        check_invariants(self.quick)
        assert state_hash(self.fast) == state_hash(self.quick) == self.ref.state_hash()
        return decided

    def ok(self, command: VenueCommand) -> list[VenueEvent]:
        outcome = self.run(command)
        assert not isinstance(outcome, Rejection), outcome
        return outcome

    def limit(
        self, account: AccountId, side: Side, price: int, quantity: int, **kw: object
    ) -> list[VenueEvent]:
        return self.ok(
            PlaceOrder("BTCUSD", account, side, price_ticks=price, quantity_lots=quantity, **kw)  # type: ignore[arg-type]
        )

    def market(self, account: AccountId, side: Side, **kw: object) -> list[VenueEvent]:
        return self.ok(
            PlaceOrder(
                "BTCUSD",
                account,
                side,
                order_type=OrderType.MARKET,
                time_in_force=TimeInForce.IOC,
                **kw,  # type: ignore[arg-type]
            )
        )

    def book(self, side: Side) -> list[tuple[int, int, int]]:
        """(order id, price, open lots) in priority order."""
        market = venue_view(self.fast).markets[0]
        orders = market.bids if side is BUY else market.asks
        return [(o.order_id, o.price_ticks, o.open_lots) for o in orders]


def of(events: list[VenueEvent], kind: type) -> list:  # type: ignore[type-arg]
    return [e for e in events if isinstance(e, kind)]


def test_price_time_priority_and_maker_price() -> None:
    v = Venue()
    v.limit(A, SELL, 105, 5)  # 1
    v.limit(B, SELL, 105, 5)  # 2
    v.limit(C, SELL, 104, 1)  # 3
    events = v.limit(C, BUY, 110, 8)  # 4
    trades = of(events, Trade)
    assert [(t.maker_order_id, t.price_ticks, t.quantity_lots) for t in trades] == [
        (3, 104, 1),
        (1, 105, 5),
        (2, 105, 2),
    ]
    assert [t.trade_id for t in trades] == [1, 2, 3]
    assert all(t.aggressor_side is BUY and t.taker_order_id == 4 for t in trades)
    assert v.book(SELL) == [(2, 105, 3)]
    deltas = of(events, BookDelta)
    assert [(d.side, d.price_ticks, d.quantity_lots) for d in deltas] == [
        (SELL, 104, 0),
        (SELL, 105, 3),
    ]
    assert [d.update_seq for d in deltas] == [4, 5]


def test_remainder_rests_and_deltas_put_bids_first() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    events = v.limit(B, BUY, 101, 5)
    assert v.book(BUY) == [(2, 101, 3)]
    assert [(d.side, d.price_ticks, d.quantity_lots) for d in of(events, BookDelta)] == [
        (BUY, 101, 3),
        (SELL, 100, 0),
    ]


def test_ioc_remainder_expires() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    events = v.limit(B, BUY, 100, 5, time_in_force=TimeInForce.IOC)
    (expired,) = of(events, OrderExpired)
    assert (expired.reason, expired.quantity_lots) == (ExpireReason.IOC_REMAINDER, 3)
    assert v.book(BUY) == [] and v.book(SELL) == []


def test_fok_fills_in_full_or_not_at_all() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    v.limit(A, SELL, 101, 2)
    assert isinstance(
        v.run(
            PlaceOrder(
                "BTCUSD", B, BUY, time_in_force=TimeInForce.FOK, price_ticks=101, quantity_lots=5
            )
        ),
        Rejection,
    )
    events = v.limit(B, BUY, 101, 4, time_in_force=TimeInForce.FOK)
    assert sum(t.quantity_lots for t in of(events, Trade)) == 4
    assert not of(events, OrderExpired)


def test_market_order_by_base_quantity_sweeps_and_expires_the_rest() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    v.limit(A, SELL, 102, 2)
    events = v.market(B, BUY, quantity_lots=5)
    assert [(t.price_ticks, t.quantity_lots) for t in of(events, Trade)] == [(100, 2), (102, 2)]
    (expired,) = of(events, OrderExpired)
    assert (expired.quantity_lots, expired.quote_quantity_tick_lots) == (1, 0)


def test_market_order_by_quote_spends_at_most_its_amount() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    v.limit(A, SELL, 150, 10)
    events = v.market(B, BUY, quote_quantity_tick_lots=600)
    assert [(t.price_ticks, t.quantity_lots) for t in of(events, Trade)] == [(100, 2), (150, 2)]
    (expired,) = of(events, OrderExpired)
    assert (expired.quantity_lots, expired.quote_quantity_tick_lots) == (0, 100)
    # a quote sell receives at most its amount
    v.limit(C, BUY, 90, 10)
    events = v.market(B, SELL, quote_quantity_tick_lots=200)
    assert [(t.price_ticks, t.quantity_lots) for t in of(events, Trade)] == [(90, 2)]


def test_market_order_stops_at_the_price_band() -> None:
    v = Venue(band_bps=500, reference=100)  # band 95..105 around the reference price
    v.limit(A, SELL, 104, 1)
    v.limit(A, SELL, 105, 1)
    v.limit(A, SELL, 105, 1)
    events = v.market(B, BUY, quantity_lots=5)
    trades = of(events, Trade)
    assert [t.price_ticks for t in trades] == [104, 105, 105]
    # the last price is now 105; the band moves with it (99.75..110.25)
    assert v.fast.markets["BTCUSD"].last_price_ticks == 105
    assert of(v.limit(A, SELL, 110, 1), OrderAccepted)


def test_post_only_rests_when_it_would_not_take() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    events = v.limit(B, BUY, 99, 2, order_type=OrderType.LIMIT_MAKER)
    assert v.book(BUY) == [(2, 99, 2)] and not of(events, Trade)


@pytest.mark.parametrize(
    ("mode", "trades", "expired", "rests"),
    [
        (StpMode.NONE, [(1, 2), (2, 2)], [], []),
        (StpMode.EXPIRE_TAKER, [], [(3, ExpireReason.STP_TAKER, 4)], [(1, 2), (2, 2)]),
        (
            StpMode.EXPIRE_MAKER,
            [(2, 2)],
            [(1, ExpireReason.STP_MAKER, 2), (3, ExpireReason.IOC_REMAINDER, 2)],
            [],
        ),
        (
            StpMode.EXPIRE_BOTH,
            [],
            [(1, ExpireReason.STP_MAKER, 2), (3, ExpireReason.STP_TAKER, 4)],
            [(2, 2)],
        ),
    ],
)
def test_self_trade_prevention(
    mode: StpMode,
    trades: list[tuple[int, int]],
    expired: list[tuple[int, ExpireReason, int]],
    rests: list[tuple[int, int]],
) -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)  # 1: alice's own
    v.limit(B, SELL, 100, 2)  # 2: bob's
    events = v.limit(A, BUY, 100, 4, stp_mode=mode, time_in_force=TimeInForce.IOC)  # 3
    assert [(t.maker_order_id, t.quantity_lots) for t in of(events, Trade)] == trades
    assert [(e.order_id, e.reason, e.quantity_lots) for e in of(events, OrderExpired)] == expired
    assert [(i, q) for i, _, q in v.book(SELL)] == rests


def test_stp_group_joins_accounts_of_one_owner() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2, stp_group="owner-1")
    v.limit(B, SELL, 100, 2, stp_group="owner-2")
    events = v.limit(C, BUY, 100, 4, stp_group="owner-1", stp_mode=StpMode.EXPIRE_MAKER)
    assert [e.order_id for e in of(events, OrderExpired)] == [1]
    assert [t.maker_order_id for t in of(events, Trade)] == [2]
    # an empty group never matches another empty group
    v = Venue()
    v.limit(A, SELL, 100, 1)
    events = v.limit(B, BUY, 100, 1, stp_mode=StpMode.EXPIRE_MAKER)
    assert of(events, Trade) and not of(events, OrderExpired)


def test_amend_reducing_keeps_priority_and_anything_else_loses_it() -> None:
    v = Venue()
    v.limit(A, BUY, 100, 5, client_order_id="a-1")  # 1
    v.limit(B, BUY, 100, 5)  # 2
    events = v.ok(AmendOrder("BTCUSD", A, 100, 3, client_order_id="a-1"))
    (amended,) = of(events, OrderAmended)
    assert amended.priority_kept and amended.open_quantity_lots == 3
    assert v.book(BUY) == [(1, 100, 3), (2, 100, 5)]
    events = v.ok(AmendOrder("BTCUSD", A, 100, 4, order_id=1))  # an increase goes to the back
    assert not of(events, OrderAmended)[0].priority_kept
    assert v.book(BUY) == [(2, 100, 5), (1, 100, 4)]
    v.ok(AmendOrder("BTCUSD", B, 101, 5, order_id=2))
    v.ok(AmendOrder("BTCUSD", B, 100, 5, order_id=2))  # back at 100, now behind alice
    assert v.book(BUY) == [(1, 100, 4), (2, 100, 5)]


def test_amend_counts_what_is_filled() -> None:
    v = Venue()
    v.limit(A, BUY, 100, 10)
    v.limit(B, SELL, 100, 4)
    events = v.ok(AmendOrder("BTCUSD", A, 100, 8, order_id=1))
    (amended,) = of(events, OrderAmended)
    assert (amended.quantity_lots, amended.open_quantity_lots) == (8, 4)
    assert v.book(BUY) == [(1, 100, 4)]


def test_amend_across_the_book_trades_as_a_taker() -> None:
    v = Venue()
    v.limit(A, SELL, 101, 2)  # 1
    v.limit(B, BUY, 99, 5)  # 2
    events = v.ok(AmendOrder("BTCUSD", B, 101, 5, order_id=2))
    (trade,) = of(events, Trade)
    assert (trade.taker_order_id, trade.maker_order_id, trade.quantity_lots) == (2, 1, 2)
    assert v.book(BUY) == [(2, 101, 3)]
    assert [(d.side, d.price_ticks, d.quantity_lots) for d in of(events, BookDelta)] == [
        (BUY, 101, 3),
        (BUY, 99, 0),
        (SELL, 101, 0),
    ]


def test_cancel_by_client_id_frees_the_id() -> None:
    v = Venue()
    v.limit(A, BUY, 100, 5, client_order_id="x")
    events = v.ok(CancelOrder("BTCUSD", A, client_order_id="x"))
    (cancelled,) = of(events, OrderCancelled)
    assert (cancelled.reason, cancelled.quantity_lots) == (CancelReason.USER, 5)
    assert v.book(BUY) == []
    v.limit(A, BUY, 100, 5, client_order_id="x")  # reusable once the order is gone
    assert isinstance(
        v.run(PlaceOrder("BTCUSD", B, BUY, price_ticks=1, quantity_lots=1, client_order_id="x")),
        list,
    )


def test_halt_takes_cancels_only() -> None:
    v = Venue()
    v.limit(A, BUY, 100, 5)
    v.ok(HaltMarket("BTCUSD"))
    rejected = v.run(PlaceOrder("BTCUSD", B, SELL, price_ticks=100, quantity_lots=1))
    assert isinstance(rejected, Rejection) and rejected.code == R.MARKET_HALTED
    v.ok(CancelOrder("BTCUSD", A, order_id=1))
    v.ok(ResumeMarket("BTCUSD"))
    v.limit(B, SELL, 100, 1)


def test_operator_account_cannot_trade_and_loses_its_orders() -> None:
    v = Venue("BTCUSD", "ETHUSD")
    v.limit(A, BUY, 100, 5)  # 1
    v.ok(PlaceOrder("ETHUSD", A, SELL, price_ticks=50, quantity_lots=1))  # 2
    v.limit(A, BUY, 100, 2)  # 3
    events = v.ok(RestrictAccount(A, AccountRole.AFFILIATE))
    assert isinstance(events[0], AccountRestricted)
    assert [(e.symbol, e.order_id, e.reason) for e in of(events, OrderCancelled)] == [
        ("BTCUSD", 1, CancelReason.RESTRICTED_ACCOUNT),
        ("BTCUSD", 3, CancelReason.RESTRICTED_ACCOUNT),
        ("ETHUSD", 2, CancelReason.RESTRICTED_ACCOUNT),
    ]
    assert [(d.symbol, d.price_ticks, d.quantity_lots) for d in of(events, BookDelta)] == [
        ("BTCUSD", 100, 0),
        ("ETHUSD", 50, 0),
    ]
    rejected = v.run(PlaceOrder("BTCUSD", A, BUY, price_ticks=100, quantity_lots=1))
    assert isinstance(rejected, Rejection) and rejected.code == R.RESTRICTED_ACCOUNT
    v.ok(UnrestrictAccount(A))
    v.limit(A, BUY, 100, 1)


def test_ids_and_sequences_have_no_gaps() -> None:
    v = Venue("BTCUSD", "ETHUSD")
    v.limit(A, SELL, 100, 1)
    v.ok(PlaceOrder("ETHUSD", A, SELL, price_ticks=100, quantity_lots=1))
    v.run(PlaceOrder("BTCUSD", B, BUY, price_ticks=0, quantity_lots=1))  # rejected: no id used
    events = v.limit(B, BUY, 100, 1)
    assert of(events, OrderAccepted)[0].order_id == 3
    assert of(events, Trade)[0].trade_id == 1
    events = v.ok(PlaceOrder("ETHUSD", B, BUY, price_ticks=100, quantity_lots=1))
    assert of(events, Trade)[0].trade_id == 1  # per market
    assert of(events, BookDelta)[0].update_seq == 2


def test_events_are_frozen_tagged_and_round_trip() -> None:
    v = Venue()
    v.limit(A, SELL, 100, 2)
    events = v.limit(B, BUY, 101, 5)
    events += v.ok(AmendOrder("BTCUSD", B, 101, 4, order_id=2))
    events += v.ok(CancelOrder("BTCUSD", B, order_id=2))
    events += v.market(A, BUY, quantity_lots=1)
    events += v.ok(RestrictAccount(C, AccountRole.OPERATOR))
    kinds = {type(e) for e in events}
    assert {OrderAccepted, Trade, BookDelta, OrderAmended, OrderCancelled, OrderExpired} <= kinds
    for event in events:
        config = event.__struct_config__
        assert config.frozen and config.tag_field == "k" and str(config.tag).startswith("venue.")
        for field in msgspec.structs.fields(event):
            assert not isinstance(getattr(event, field.name), float)
        with pytest.raises(AttributeError):
            event.symbol = "X"  # type: ignore[misc, union-attr]
    union = VenueEvent
    assert decode(encode(events), list[union]) == events  # type: ignore[valid-type]
