"""Pieces several statistical detectors share: a market's ordinary volatility, and a sliding
window of aggressive (taker) trades with per-account totals.

``Volatility`` estimates how much a market's price moves over ``bucket_ns`` in ordinary times:
the trade prices are cut into buckets of that length on a fixed grid, each bucket's return (in
basis points) feeds a running variance (``river.stats.Var``), and ``sigma_bps`` is its square
root, available after ``min_buckets`` buckets. A move is *unusual* when it exceeds
``z_milli / 1000`` sigmas; the thresholds that decide an alert are integers.
"""

from __future__ import annotations

import math
from collections import deque

from river import stats

__all__ = ["TakerWindow", "Volatility"]


class Volatility:
    """A market's ordinary price move over ``bucket_ns`` (see the module docstring)."""

    __slots__ = ("_bucket", "_last", "_open", "_var", "bucket_ns", "buckets", "min_buckets")

    def __init__(self, bucket_ns: int, min_buckets: int = 3) -> None:
        self.bucket_ns = bucket_ns
        self.min_buckets = min_buckets
        self._var = stats.Var()
        self._bucket = -1
        self._open = 0
        self._last = 0
        self.buckets = 0

    def update(self, timestamp_ns: int, price_ticks: int, include: bool = True) -> None:
        """Fold in a trade price. ``include=False`` closes buckets without learning from them
        (a window that is itself under suspicion)."""
        bucket = timestamp_ns // self.bucket_ns
        if bucket != self._bucket:
            if self._bucket >= 0 and self._open > 0 and include:
                self._var.update((self._last - self._open) * 10_000 / self._open)
                self.buckets += 1
            self._bucket = bucket
            self._open = self._last or price_ticks
        self._last = price_ticks

    def sigma_bps(self) -> float | None:
        if self.buckets < self.min_buckets:
            return None
        variance = self._var.get()
        return math.sqrt(variance) if variance > 0 else 0

    def unusual(self, move_bps: int, min_move_bps: int, z_milli: int) -> bool:
        """Whether a move of ``move_bps`` is at least ``min_move_bps`` and, once the baseline
        is known, at least ``z_milli / 1000`` sigmas."""
        if move_bps < min_move_bps:
            return False
        sigma = self.sigma_bps()
        return sigma is None or move_bps * 1000 >= z_milli * sigma


class TakerWindow:
    """Aggressive trades of one market in the last ``window_ns``, with each account's taker
    lots and distinct taker orders per side, and the price just before the window."""

    __slots__ = ("_orders", "lots", "orders", "side_lots", "start_price", "trades", "window_ns")

    def __init__(self, window_ns: int) -> None:
        self.window_ns = window_ns
        #: (timestamp_ns, account, side, lots, taker order id, price before, seq)
        self.trades: deque[tuple[int, str, int, int, int, int, int]] = deque()
        #: (account, side) -> taker lots in the window
        self.lots: dict[tuple[str, int], int] = {}
        #: (account, side) -> distinct taker orders in the window
        self.orders: dict[tuple[str, int], int] = {}
        #: (taker order id) -> trades of it in the window
        self._orders: dict[int, int] = {}
        #: side -> taker lots in the window
        self.side_lots = {1: 0, 2: 0}
        self.start_price = 0

    def add(
        self,
        timestamp_ns: int,
        account: str,
        side: int,
        lots: int,
        order_id: int,
        price_before: int,
        seq: int,
    ) -> None:
        self.evict(timestamp_ns)
        if not self.trades:
            self.start_price = price_before
        self.trades.append((timestamp_ns, account, side, lots, order_id, price_before, seq))
        key = (account, side)
        self.lots[key] = self.lots.get(key, 0) + lots
        self.side_lots[side] += lots
        count = self._orders.get(order_id, 0)
        if count == 0:
            self.orders[key] = self.orders.get(key, 0) + 1
        self._orders[order_id] = count + 1

    def evict(self, now_ns: int) -> None:
        horizon = now_ns - self.window_ns
        trades = self.trades
        while trades and trades[0][0] < horizon:
            _, account, side, lots, order_id, _, _ = trades.popleft()
            key = (account, side)
            left = self.lots[key] - lots
            if left:
                self.lots[key] = left
            else:
                del self.lots[key]
            self.side_lots[side] -= lots
            count = self._orders[order_id] - 1
            if count:
                self._orders[order_id] = count
            else:
                del self._orders[order_id]
                orders_left = self.orders[key] - 1
                if orders_left:
                    self.orders[key] = orders_left
                else:
                    del self.orders[key]
            if trades:
                self.start_price = trades[0][5]
