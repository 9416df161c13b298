"""``front_running.ahead_of_large``: trading ahead of a large client order, then unwinding
against it or just after it, at a profit.

Per market, every taker order's trades in one entry are gathered (``end_entry``); its size is
what it was accepted with (what the client asked for, whatever it got). An order is *large*
when that is at least ``large_multiple`` times the running median taker order size
(``river.stats.Quantile``, after ``warmup_orders``) and at least ``min_lots``. For each large
order, every other account (not linked to the client's) that took the same side within
``lookahead_ns`` before it, for at least ``ahead_permille`` of the large order's size and at
least ``ahead_multiple`` times the median taker order, is a suspect. A suspect that then sells
back (buys back, for a large sell) at least ``unwind_permille`` of what it took, within
``unwind_ns`` after the large order, at a better price than it paid, raises an alert. Its
resting orders filled *by* the large order count as unwinding only if they were placed after it
started trading ahead (an exit it set up for the client to take, not an offer already there).
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from river import stats

from seawall.surveillance.detectors.base import Detector, Emit, Event, Handler
from seawall.surveillance.state import AlertType, ParameterValue
from seawall.surveillance.tape import BUY, SELL, Tape

__all__ = ["FrontRunningAheadOfLarge"]

#: A recent taker order: (timestamp_ns, account, side, lots, notional in tick-lots, seq).
_Recent = tuple[int, str, int, int, int, int]


class _TakerOrder:
    __slots__ = ("account", "fills", "lots", "notional", "side", "size_lots", "symbol")

    def __init__(self, symbol: str, account: str, side: int, size_lots: int) -> None:
        self.symbol = symbol
        self.account = account
        self.side = side
        #: the size the order was accepted with (what the client asked for)
        self.size_lots = size_lots
        #: what it traded in this entry
        self.lots = 0
        self.notional = 0
        #: (maker account, lots, price_ticks, seq at which the maker order was placed)
        self.fills: list[tuple[str, int, int, int]] = []


class _Suspect:
    __slots__ = (
        "ahead_lots",
        "ahead_notional",
        "ahead_seqs",
        "client",
        "deadline_ns",
        "large_lots",
        "large_seq",
        "side",
        "symbol",
        "unwound_lots",
        "unwound_notional",
    )

    def __init__(
        self, symbol: str, side: int, client: str, large_lots: int, large_seq: int
    ) -> None:
        self.symbol = symbol
        self.side = side
        self.client = client
        self.large_lots = large_lots
        self.large_seq = large_seq
        self.ahead_lots = 0
        self.ahead_notional = 0
        self.ahead_seqs: list[int] = []
        self.unwound_lots = 0
        self.unwound_notional = 0
        self.deadline_ns = 0


class FrontRunningAheadOfLarge(Detector):
    """Same-side trading just before a large order, unwound against or after it."""

    name: ClassVar[str] = "front_running.ahead_of_large"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.FRONT_RUNNING
    defaults: ClassVar[dict[str, ParameterValue]] = {
        "large_multiple": 10,
        "min_lots": 1,
        "warmup_orders": 30,
        "lookahead_ns": 5_000_000_000,
        "ahead_permille": 150,
        "ahead_multiple": 2,
        "unwind_ns": 5_000_000_000,
        "unwind_permille": 500,
        "cooldown_ns": 600_000_000_000,
    }
    wants_entry_end: ClassVar[bool] = True

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        super().__init__(tape, emit, **overrides)
        self._entry: dict[int, _TakerOrder] = {}
        self._median: dict[str, stats.Quantile] = {}
        self._seen: dict[str, int] = {}
        #: symbol -> recent taker orders (timestamp_ns, account, side, lots, notional, seq)
        self._recent: dict[str, deque[_Recent]] = {}
        #: (symbol, account) -> suspect being watched
        self._suspects: dict[tuple[str, str], _Suspect] = {}

    def handlers(self) -> dict[str, Handler]:
        return {"venue.trade": self._trade}

    def _trade(self, event: Event) -> None:
        order_id = event["taker_order_id"]
        order = self._entry.get(order_id)
        if order is None:
            accepted = self.tape.orders.get(order_id)
            size = accepted.quantity_lots if accepted is not None else 0
            order = self._entry[order_id] = _TakerOrder(
                event["symbol"], event["taker_account_id"], event["aggressor_side"], size
            )
        lots = event["quantity_lots"]
        price = event["price_ticks"]
        order.lots += lots
        order.notional += lots * price
        maker_order = self.tape.orders.get(event["maker_order_id"])
        placed_seq = maker_order.seq if maker_order is not None else 0
        order.fills.append((event["maker_account_id"], lots, price, placed_seq))

    def end_entry(self) -> None:
        if not self._entry:
            return
        orders = self._entry
        self._entry = {}
        for order in orders.values():
            self._unwinds(order)
            self._order(order)

    def _unwinds(self, order: _TakerOrder) -> None:
        """Count this order's trades towards suspects unwinding (as taker or as its makers)."""
        if not self._suspects:
            return
        now_ns = self.tape.timestamp_ns
        unwinding_side = SELL if order.side == BUY else BUY
        self._unwind(order.symbol, order.account, order.side, order.lots, order.notional, 0)
        for maker, lots, price, placed_seq in order.fills:
            self._unwind(order.symbol, maker, unwinding_side, lots, lots * price, placed_seq)
        for key in sorted(self._suspects):
            if self._suspects[key].deadline_ns < now_ns:
                del self._suspects[key]

    def _unwind(
        self, symbol: str, account: str, side: int, lots: int, notional: int, placed_seq: int
    ) -> None:
        """``account`` traded ``lots`` on ``side``; as a maker, with an order placed at
        ``placed_seq`` (0 for a taker). A resting order counts as an unwind only if it was
        placed once the suspect had started trading ahead: an exit, not an old offer."""
        suspect = self._suspects.get((symbol, account))
        if suspect is None or side == suspect.side:
            return
        if placed_seq and placed_seq < suspect.ahead_seqs[0]:
            return
        suspect.unwound_lots += lots
        suspect.unwound_notional += notional
        if suspect.unwound_lots * 1000 < self.p("unwind_permille") * suspect.ahead_lots:
            return
        # Better than it paid: sells above its average buy (buys below its average sell).
        bought_average = suspect.ahead_notional * suspect.unwound_lots
        sold_average = suspect.unwound_notional * suspect.ahead_lots
        profitable = (
            sold_average > bought_average if suspect.side == BUY else sold_average < bought_average
        )
        del self._suspects[(symbol, account)]
        if not profitable or not self.cooled((symbol, account), self.p("cooldown_ns")):
            return
        self.raise_alert(
            symbol,
            sorted({account, suspect.client}),
            {
                "front_runner": account,
                "client": suspect.client,
                "side": suspect.side,
                "large_lots": suspect.large_lots,
                "large_seq": suspect.large_seq,
                "ahead_lots": suspect.ahead_lots,
                "ahead_seqs": tuple(suspect.ahead_seqs),
                "ahead_notional_tick_lots": suspect.ahead_notional,
                "unwound_lots": suspect.unwound_lots,
                "unwound_notional_tick_lots": suspect.unwound_notional,
                "unwind_seq": self.tape.seq,
            },
        )

    def _order(self, order: _TakerOrder) -> None:
        symbol = order.symbol
        tape = self.tape
        now_ns = tape.timestamp_ns
        recent = self._recent.get(symbol)
        if recent is None:
            recent = self._recent[symbol] = deque()
            self._median[symbol] = stats.Quantile()  # the median
            self._seen[symbol] = 0
        horizon = now_ns - self.p("lookahead_ns")
        while recent and recent[0][0] < horizon:
            recent.popleft()
        size = max(order.size_lots, order.lots)
        median = self._median[symbol]
        typical = median.get()
        seen = self._seen[symbol]
        median.update(size)
        self._seen[symbol] = seen + 1
        large = (
            seen >= self.p("warmup_orders")
            and typical is not None
            and size >= self.p("min_lots")
            and size >= self.p("large_multiple") * typical
        )
        if large:
            self._large(order, recent)
        recent.append((now_ns, order.account, order.side, order.lots, order.notional, tape.seq))

    def _large(
        self, order: _TakerOrder, recent: deque[tuple[int, str, int, int, int, int]]
    ) -> None:
        tape = self.tape
        size = max(order.size_lots, order.lots)
        ahead: dict[str, _Suspect] = {}
        for _, account, side, lots, notional, seq in recent:
            if side != order.side or account == order.account:
                continue
            if tape.links.same_owner(account, order.account):
                continue
            suspect = ahead.get(account)
            if suspect is None:
                suspect = ahead[account] = _Suspect(
                    order.symbol, order.side, order.account, size, tape.seq
                )
            suspect.ahead_lots += lots
            suspect.ahead_notional += notional
            suspect.ahead_seqs.append(seq)
        threshold = self.p("ahead_permille") * size
        typical = self._median[order.symbol].get() or 0
        least = self.p("ahead_multiple") * typical
        unwinding_side = SELL if order.side == BUY else BUY
        for account in sorted(ahead):
            suspect = ahead[account]
            if suspect.ahead_lots * 1000 < threshold or suspect.ahead_lots < least:
                continue
            suspect.deadline_ns = tape.timestamp_ns + self.p("unwind_ns")
            self._suspects[(order.symbol, account)] = suspect
            # Its resting orders the large order just filled are an unwind already.
            for maker, lots, price, placed_seq in order.fills:
                if maker == account:
                    self._unwind(
                        order.symbol, account, unwinding_side, lots, lots * price, placed_seq
                    )
