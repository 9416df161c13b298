"""The fast book's parts: the price ladder against a sorted list, levels and their links."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from seawall.core.ids import AccountId
from seawall.venue.book import (
    LADDER_LOAD,
    BookSide,
    OrderNode,
    PriceLadder,
    append_order,
    iter_levels,
    iter_orders,
    unlink_order,
)
from seawall.venue.commands import OrderType, Side, StpMode


def check(ladder: PriceLadder, model: list[int]) -> None:
    assert list(ladder) == model
    assert len(ladder) == len(model)
    assert ladder.first() == (model[0] if model else None)
    assert all(ladder.buckets)
    assert ladder.maxes == [bucket[-1] for bucket in ladder.buckets]
    assert all(len(bucket) <= 2 * LADDER_LOAD for bucket in ladder.buckets)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "pop"]), st.integers(-50, 50))))
def test_ladder_matches_a_sorted_list(ops: list[tuple[str, int]]) -> None:
    ladder = PriceLadder()
    model: list[int] = []
    for op, key in ops:
        if op == "add" and key not in model:
            ladder.add(key)
            model.append(key)
            model.sort()
        elif op == "remove" and key in model:
            ladder.remove(key)
            model.remove(key)
        elif op == "pop" and model:
            assert ladder.pop_first() == model.pop(0)
        assert (key in ladder) == (key in model)
        check(ladder, model)


def test_ladder_splits_and_merges_buckets_at_depth() -> None:
    rng = random.Random(5)
    ladder = PriceLadder()
    keys = rng.sample(range(-100_000, 100_000), 6 * LADDER_LOAD)
    for key in keys:
        ladder.add(key)
    model = sorted(keys)
    check(ladder, model)
    assert len(ladder.buckets) > 3
    for key in rng.sample(keys, 4 * LADDER_LOAD):
        ladder.remove(key)
        model.remove(key)
    check(ladder, model)
    while model:
        assert ladder.pop_first() == model.pop(0)
    check(ladder, model)


def node(order_id: int, side: Side, price: int, lots: int) -> OrderNode:
    return OrderNode(
        order_id, AccountId("a"), "", side, OrderType.LIMIT, price, lots, 0, StpMode.NONE, ""
    )


def test_book_side_orders_best_first_and_unlinks_in_place() -> None:
    bids = BookSide(Side.BUY)
    nodes = [node(i, Side.BUY, price, 1) for i, price in enumerate([100, 102, 101, 102, 100], 1)]
    for n in nodes:
        append_order(bids, n)
    assert [n.order_id for n in iter_orders(bids)] == [2, 4, 3, 1, 5]
    assert [lv.price_ticks for lv in iter_levels(bids)] == [102, 101, 100]
    assert unlink_order(bids, nodes[2]) == 0  # the 101 level empties and goes
    assert [lv.price_ticks for lv in iter_levels(bids)] == [102, 100]
    assert unlink_order(bids, nodes[1]) == 1  # the middle of nothing: 102 keeps order 4
    assert unlink_order(bids, nodes[4]) == 1  # the tail of 100
    assert [n.order_id for n in iter_orders(bids)] == [4, 1]
    level = bids.level_at(100)
    assert level is not None and level.head is level.tail is nodes[0]
    assert "OrderNode(order_id=1" in repr(nodes[0]) and "Level(price_ticks=100" in repr(level)


def test_asks_rank_lowest_first() -> None:
    asks = BookSide(Side.SELL)
    for i, price in enumerate([103, 101, 102], 1):
        append_order(asks, node(i, Side.SELL, price, 2))
    best = asks.best_level()
    assert best is not None and best.price_ticks == 101
    assert [lv.price_ticks for lv in iter_levels(asks)] == [101, 102, 103]
