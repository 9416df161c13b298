"""Long seeded runs: decide+evolve, engine.apply and the reference must agree at every step.

Hypothesis explores odd corners in short runs; these runs are long and realistic instead (books
tens of orders deep, many trades, amendments, self-trade prevention, market and quote orders,
halts, restrictions), with one seed reproducing any failure.
"""

from __future__ import annotations

import random

import pytest

from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection
from seawall.venue.commands import (
    AccountRole,
    AmendOrder,
    CancelOrder,
    CreateMarket,
    HaltMarket,
    MarketStatus,
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
from seawall.venue.events import Trade
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

ACCOUNTS = [AccountId(f"acct{i}") for i in range(6)]


def random_command(rng: random.Random, ref: ReferenceVenue, spread: int = 6) -> VenueCommand:
    live = live_orders(ref)
    halted = sorted(s for s, m in ref.markets.items() if m.status is MarketStatus.HALTED)
    if halted and rng.random() < 0.1:
        return ResumeMarket(rng.choice(halted))
    if ref.restricted and rng.random() < 0.05:
        return UnrestrictAccount(rng.choice(sorted(ref.restricted)))
    roll = rng.random()
    symbol = rng.choice(["AAA", "AAA", "AAA", "BBB"])
    account = rng.choice(ACCOUNTS)
    if roll < 0.68 or not live:
        kind = rng.random()
        side = rng.choice([Side.BUY, Side.SELL])
        mid = 100 if symbol == "AAA" else 1000
        price = mid + rng.randint(-spread, spread)
        big = 1 + spread // 6  # deeper books get bigger sweeps
        stp = rng.choice([StpMode.NONE] * 4 + list(StpMode))
        group = rng.choice(["", "", "", "g1", "g2"])
        coid = rng.choice(["", "", "", f"c{rng.randint(0, 5)}"])
        if kind < 0.70:
            return PlaceOrder(
                symbol,
                account,
                side,
                price_ticks=price,
                quantity_lots=rng.randint(1, 9),
                client_order_id=coid,
                stp_mode=stp,
                stp_group=group,
            )
        if kind < 0.78:
            tif = rng.choice([TimeInForce.IOC, TimeInForce.FOK])
            return PlaceOrder(
                symbol,
                account,
                side,
                time_in_force=tif,
                price_ticks=price,
                quantity_lots=rng.randint(1, 15 * big),
                stp_mode=stp,
                stp_group=group,
            )
        if kind < 0.86:
            if rng.random() < 0.5:
                return PlaceOrder(
                    symbol,
                    account,
                    side,
                    order_type=OrderType.MARKET,
                    time_in_force=TimeInForce.IOC,
                    quantity_lots=rng.randint(1, 20 * big),
                    stp_mode=stp,
                    stp_group=group,
                )
            return PlaceOrder(
                symbol,
                account,
                side,
                order_type=OrderType.MARKET,
                time_in_force=TimeInForce.IOC,
                quote_quantity_tick_lots=rng.randint(50, 3000 * big),
                stp_mode=stp,
                stp_group=group,
            )
        if kind < 0.95:
            return PlaceOrder(
                symbol,
                account,
                side,
                order_type=OrderType.LIMIT_MAKER,
                price_ticks=price,
                quantity_lots=rng.randint(1, 9),
                client_order_id=coid,
            )
        return PlaceOrder(
            symbol,
            account,
            side,
            price_ticks=rng.choice([0, -3, price]),
            quantity_lots=rng.choice([0, 5, -1]),
        )
    sym, order_id, owner, coid, price, total = rng.choice(live)
    if roll < 0.76:
        if coid and rng.random() < 0.5:
            return CancelOrder(sym, AccountId(owner), client_order_id=coid)
        return CancelOrder(
            sym, AccountId(owner if rng.random() < 0.9 else account), order_id=order_id
        )
    if roll < 0.98:
        move = rng.choice([0, 0, 1, -1, 2, -2, 5, -5, 9, -9])
        quantity = total + rng.choice([0, 0, -1, -2, 1, 3])
        return AmendOrder(sym, AccountId(owner), price + move, quantity, order_id=order_id)
    pick = rng.random()
    if pick < 0.3:
        return RestrictAccount(account, rng.choice(list(AccountRole)))
    if pick < 0.5:
        return UnrestrictAccount(account)
    if pick < 0.8:
        return HaltMarket(symbol)
    return ResumeMarket(symbol)


def live_orders(state_view_source: ReferenceVenue) -> list[tuple[str, int, str, str, int, int]]:
    out = []
    for market in state_view_source.view().markets:
        for o in (*market.bids, *market.asks):
            out.append(
                (
                    market.symbol,
                    o.order_id,
                    o.account_id,
                    o.client_order_id,
                    o.price_ticks,
                    o.open_lots + o.filled_lots,
                )
            )
    return out


@pytest.mark.parametrize(
    ("seed", "deep"), [(1, False), (2, False), (3, False), (4, True), (5, True)]
)
def test_fast_paths_match_the_reference_step_by_step(seed: int, deep: bool) -> None:
    """``deep``: start from 400 resting orders over 80 levels and sweep wider."""
    rng = random.Random(seed)
    fast, quick, ref = new_state(), new_state(), ReferenceVenue()
    setup: list[VenueCommand] = [
        CreateMarket("AAA", AssetCode("AAA"), AssetCode("USD"), "0.01", "0.001"),
        CreateMarket(
            "BBB",
            AssetCode("BBB"),
            AssetCode("USD"),
            "0.1",
            "1",
            min_notional_tick_lots=2000,
            price_band_bps=400,
            reference_price_ticks=1000,
            restricted_accounts=(AccountId("acct5"),),
        ),
    ]
    if deep:
        for i in range(400):
            side = Side.BUY if i % 2 else Side.SELL
            offset = 1 + rng.randrange(40)
            setup.append(
                PlaceOrder(
                    "AAA",
                    ACCOUNTS[i % len(ACCOUNTS)],
                    side,
                    price_ticks=100 - offset if side is Side.BUY else 100 + offset,
                    quantity_lots=rng.randint(1, 9),
                )
            )
    spread = 30 if deep else 6
    trades = 0
    deepest = 0
    for seq in range(1, len(setup) + (1200 if deep else 2000) + 1):
        command = setup[seq - 1] if seq <= len(setup) else random_command(rng, ref, spread)
        ctx = Context(seq=seq, timestamp_ns=seq, submitter="kernel")
        before = state_hash(fast)
        decided = decide(fast, command, ctx)
        assert state_hash(fast) == before, "decide changed the state"
        applied = apply(quick, command, ctx)
        expected = ref.apply(command, ctx)
        if isinstance(expected, Rejection):
            assert isinstance(decided, Rejection) and isinstance(applied, Rejection), command
            assert decided.code == applied.code == expected.code, (seq, command, decided, expected)
            assert state_hash(fast) == state_hash(quick) == ref.state_hash() == before
            continue
        assert decided == expected, (seq, command, decided, expected)
        assert applied == expected, (seq, command, applied, expected)
        for event in decided:
            evolve(fast, event)
        trades += sum(isinstance(e, Trade) for e in decided)
        assert state_hash(fast) == state_hash(quick) == ref.state_hash(), (seq, command)
        deepest = max(deepest, sum(len(m.orders) for m in quick.markets.values()))
        if seq % 50 == 0:
            check_invariants(fast)
            check_invariants(quick)
            fast = restore(snapshot(fast))
    assert trades > 150  # the run really trades
    assert deepest > 15  # and keeps a book
