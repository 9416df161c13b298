"""The fast order book: O(1) order lookup and cancel, best price in O(1), no slowdown with depth.

One market's book has two ``BookSide``\\ s. A side keeps

* ``levels``: a dict from *rank key* to ``Level``; the rank key is the price for asks and minus
  the price for bids, so that on both sides a smaller key is a better price;
* ``ladder``: a ``PriceLadder`` of the live rank keys, sorted: the best price is
  ``ladder.buckets[0][0]`` and walking the buckets walks the side from best to worst, read-only;
* in each ``Level``, its orders as an intrusive doubly linked list (``head`` is first in time
  priority), with the level's total open quantity and order count.

The market keeps a dict from order id to ``OrderNode`` beside the book, so a cancel finds its node
in O(1) and unlinks it in O(1). A ``PriceLadder`` is a sorted list of ints cut into buckets of at
most ``2 * LADDER_LOAD`` keys (the shape of ``sortedcontainers.SortedList``, written here because
the venue takes no third-party runtime dependency): adding or removing a price level costs a
bisect over the bucket maxima and a short memmove, whatever the depth of the book.

Nodes and levels are ``msgspec.Struct``\\ s because they are created on the hot path and msgspec
builds them about twice as fast as a ``__slots__`` class. They have ``eq=False``: two nodes are
the same only if they are the same object (comparing fields would walk the linked list).

Functions here change the book; they are called by ``machine.evolve`` and ``engine.apply``, which
keep the market's other fields (order dict, client order ids, sequence numbers) in step.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
from typing import Final

import msgspec

from seawall.core.errors import invariant
from seawall.core.ids import AccountId
from seawall.venue.commands import OrderType, Side, StpMode

__all__ = [
    "LADDER_LOAD",
    "BookSide",
    "Level",
    "OrderNode",
    "PriceLadder",
    "append_order",
    "iter_levels",
    "iter_orders",
    "unlink_order",
]

#: Half the most keys a ladder bucket holds before it splits.
LADDER_LOAD: Final = 512


class OrderNode(msgspec.Struct, eq=False):
    """A resting order: its terms, its open and filled quantity, and its links in its level."""

    order_id: int
    account_id: AccountId
    client_order_id: str
    side: Side
    order_type: OrderType
    price_ticks: int
    open_lots: int
    filled_lots: int
    stp_mode: StpMode
    stp_group: str
    level: Level | None = None
    prev: OrderNode | None = None
    next: OrderNode | None = None

    def __repr__(self) -> str:  # the links would recurse
        return (
            f"OrderNode(order_id={self.order_id}, account_id={self.account_id!r}, "
            f"side={self.side.name}, price_ticks={self.price_ticks}, "
            f"open_lots={self.open_lots}, filled_lots={self.filled_lots})"
        )


class Level(msgspec.Struct, eq=False):
    """The orders at one price on one side, first in time priority at ``head``."""

    price_ticks: int
    total_lots: int = 0
    count: int = 0
    head: OrderNode | None = None
    tail: OrderNode | None = None

    def __repr__(self) -> str:
        return (
            f"Level(price_ticks={self.price_ticks}, total_lots={self.total_lots}, "
            f"count={self.count})"
        )


class PriceLadder:
    """A sorted multiset-free list of ints in buckets: ``add``, ``remove``, ``pop_first`` in
    O(log n + LADDER_LOAD), smallest in O(1), read-only iteration in order.

    ``buckets`` and ``maxes`` are read by the engine's hot loop; only this class writes them.
    """

    __slots__ = ("buckets", "maxes")

    def __init__(self) -> None:
        self.buckets: list[list[int]] = []
        self.maxes: list[int] = []

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self.buckets)

    def __iter__(self) -> Iterator[int]:
        for bucket in self.buckets:
            yield from bucket

    def __contains__(self, key: int) -> bool:
        maxes = self.maxes
        i = bisect_left(maxes, key)
        if i == len(maxes):
            return False
        bucket = self.buckets[i]
        j = bisect_left(bucket, key)
        return j < len(bucket) and bucket[j] == key

    def add(self, key: int) -> None:
        """Insert ``key``, which must not be present."""
        maxes = self.maxes
        buckets = self.buckets
        if not maxes:
            buckets.append([key])
            maxes.append(key)
            return
        i = bisect_left(maxes, key)
        if i == len(maxes):
            i -= 1
            bucket = buckets[i]
            bucket.append(key)
            maxes[i] = key
        else:
            bucket = buckets[i]
            insort(bucket, key)
        if len(bucket) > 2 * LADDER_LOAD:
            upper = bucket[LADDER_LOAD:]
            del bucket[LADDER_LOAD:]
            buckets.insert(i + 1, upper)
            maxes.insert(i + 1, upper[-1])
            maxes[i] = bucket[-1]

    def remove(self, key: int) -> None:
        """Remove ``key``, which must be present."""
        maxes = self.maxes
        i = bisect_left(maxes, key)
        invariant(i < len(maxes), f"ladder has no key {key}")
        bucket = self.buckets[i]
        j = bisect_left(bucket, key)
        invariant(j < len(bucket) and bucket[j] == key, f"ladder has no key {key}")
        del bucket[j]
        if not bucket:
            del self.buckets[i]
            del maxes[i]
        elif j == len(bucket):
            maxes[i] = bucket[-1]

    def pop_first(self) -> int:
        """Remove and return the smallest key (the ladder must not be empty)."""
        buckets = self.buckets
        bucket = buckets[0]
        key = bucket.pop(0)
        if not bucket:
            del buckets[0]
            del self.maxes[0]
        return key

    def first(self) -> int | None:
        buckets = self.buckets
        return buckets[0][0] if buckets else None


class BookSide:
    """One side of one market's book. ``sign`` turns a price into its rank key."""

    __slots__ = ("ladder", "levels", "side", "sign")

    def __init__(self, side: Side) -> None:
        self.side: Final = side
        self.sign: Final = -1 if side is Side.BUY else 1
        self.levels: dict[int, Level] = {}
        self.ladder = PriceLadder()

    def best_level(self) -> Level | None:
        buckets = self.ladder.buckets
        return self.levels[buckets[0][0]] if buckets else None

    def level_at(self, price_ticks: int) -> Level | None:
        return self.levels.get(price_ticks * self.sign)


def iter_levels(side: BookSide) -> Iterator[Level]:
    """The side's levels, best price first. Read-only."""
    levels = side.levels
    for bucket in side.ladder.buckets:
        for key in bucket:
            yield levels[key]


def iter_orders(side: BookSide) -> Iterator[OrderNode]:
    """The side's orders in price-time priority. Read-only."""
    for level in iter_levels(side):
        node = level.head
        while node is not None:
            yield node
            node = node.next


def append_order(side: BookSide, node: OrderNode) -> Level:
    """Put ``node`` at the back of its price level (creating the level); return the level."""
    key = node.price_ticks * side.sign
    level = side.levels.get(key)
    if level is None:
        level = Level(node.price_ticks)
        side.levels[key] = level
        side.ladder.add(key)
    tail = level.tail
    node.level = level
    node.prev = tail
    node.next = None
    if tail is None:
        level.head = node
    else:
        tail.next = node
    level.tail = node
    level.total_lots += node.open_lots
    level.count += 1
    return level


def unlink_order(side: BookSide, node: OrderNode) -> int:
    """Take ``node`` out of its level (dropping the level when it empties); return the level's
    new total open quantity."""
    level = node.level
    invariant(level is not None, f"order {node.order_id} is not in the book")
    assert level is not None
    prev = node.prev
    nxt = node.next
    if prev is None:
        level.head = nxt
    else:
        prev.next = nxt
    if nxt is None:
        level.tail = prev
    else:
        nxt.prev = prev
    node.prev = node.next = node.level = None
    level.count -= 1
    total = level.total_lots - node.open_lots
    level.total_lots = total
    if level.count == 0:
        invariant(total == 0, f"empty level {level.price_ticks} has total {total}")
        key = level.price_ticks * side.sign
        del side.levels[key]
        side.ladder.remove(key)
    return total
