"""``spoofing.cancelled_away``: large orders placed away from the touch, cancelled once the
same account traded on the other side (spoofing; several at once: layering).

Scored statistically, per market. "Large" is relative: at least ``large_multiple`` times the
running median size of resting limit orders (``river.stats.Quantile``), after ``warmup_orders``
orders. A large resting order that does not cross (at least ``min_distance_bps`` from the
opposite touch, at most ``max_distance_bps``) becomes a *candidate*. While it rests, any trade
in which its owner is on the other side is counted. When it is cancelled, it is a **spoof
event** if it lived at most ``max_lifetime_ns``, was filled at most ``max_fill_permille`` of its
size, and its owner traded on the other side meanwhile. An account with ``min_events`` spoof
events within ``window_ns`` raises an alert; the evidence says how many distinct price levels it
held at once (two or more: layering).

A market maker also cancels, and trades on both sides, but its quotes are ordinary sizes near
the touch; an account placing orders several times the usual size it never lets trade, and
pulling them once its real order on the other side filled, is what spoofing looks like.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from river import stats

from seawall.surveillance.detectors.base import Detector, Emit, Event, Handler
from seawall.surveillance.state import AlertType, ParameterValue
from seawall.surveillance.tape import BUY, SELL, Tape

__all__ = ["SpoofingCancelledAway"]

_LIMIT_TYPES = (1, 3)  # LIMIT, LIMIT_MAKER
_GTC = 1


class _Candidate:
    __slots__ = (
        "account",
        "filled_lots",
        "levels",
        "opposite_lots",
        "opposite_seq",
        "order_id",
        "placed_ns",
        "placed_seq",
        "price_ticks",
        "quantity_lots",
        "side",
        "symbol",
    )

    def __init__(self, event: Event, seq: int, placed_ns: int) -> None:
        self.order_id: int = event["order_id"]
        self.symbol: str = event["symbol"]
        self.account: str = event["account_id"]
        self.side: int = event["side"]
        self.price_ticks: int = event["price_ticks"]
        self.quantity_lots: int = event["quantity_lots"]
        self.placed_seq = seq
        self.placed_ns = placed_ns
        self.filled_lots = 0
        self.opposite_lots = 0
        self.opposite_seq = 0
        #: the most distinct price levels its owner held candidates at while it rested
        self.levels = 1


class SpoofingCancelledAway(Detector):
    """Large non-marketable orders pulled after the owner traded the other way."""

    name: ClassVar[str] = "spoofing.cancelled_away"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.SPOOFING
    defaults: ClassVar[dict[str, ParameterValue]] = {
        "large_multiple": 4,
        "warmup_orders": 50,
        "min_distance_bps": 1,
        "max_distance_bps": 300,
        "max_lifetime_ns": 60_000_000_000,
        "max_fill_permille": 100,
        "min_events": 2,
        "window_ns": 600_000_000_000,
        "cooldown_ns": 600_000_000_000,
        "candidates_max": 100_000,
    }

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        super().__init__(tape, emit, **overrides)
        self._median: dict[str, stats.Quantile] = {}
        self._seen: dict[str, int] = {}
        self._candidates: dict[int, _Candidate] = {}
        #: account -> its candidates' order ids (insertion order)
        self._by_account: dict[str, dict[int, None]] = {}
        #: account -> recent spoof events (timestamp_ns, order id, price, seq)
        self._events: dict[str, deque[tuple[int, int, int, int]]] = {}

    def handlers(self) -> dict[str, Handler]:
        return {
            "venue.accepted": self._accepted,
            "venue.trade": self._trade,
            "venue.cancelled": self._cancelled,
            "venue.expired": self._expired,
        }

    def _accepted(self, event: Event) -> None:
        if event["order_type"] not in _LIMIT_TYPES or event["time_in_force"] != _GTC:
            return
        symbol = event["symbol"]
        quantity = event["quantity_lots"]
        median = self._median.get(symbol)
        if median is None:
            median = self._median[symbol] = stats.Quantile()  # the median
            self._seen[symbol] = 0
        typical = median.get()
        seen = self._seen[symbol]
        median.update(quantity)
        self._seen[symbol] = seen + 1
        if seen < self.p("warmup_orders") or typical is None:
            return
        if quantity < self.p("large_multiple") * typical:
            return
        tape = self.tape
        price = event["price_ticks"]
        if event["side"] == BUY:
            touch = tape.best_ask.get(symbol, 0) or tape.last_price.get(symbol, 0)
            distance = touch - price
        else:
            touch = tape.best_bid.get(symbol, 0) or tape.last_price.get(symbol, 0)
            distance = price - touch
        if touch <= 0:
            return
        distance_bps = distance * 10_000 // touch
        if not self.p("min_distance_bps") <= distance_bps <= self.p("max_distance_bps"):
            return
        candidate = _Candidate(event, tape.seq, tape.timestamp_ns)
        self._candidates[candidate.order_id] = candidate
        ids = self._by_account.setdefault(candidate.account, {})
        ids[candidate.order_id] = None
        levels = len(
            {
                self._candidates[i].price_ticks
                for i in ids
                if self._candidates[i].side == candidate.side
            }
        )
        for order_id in ids:
            other = self._candidates[order_id]
            other.levels = max(other.levels, levels)
        if len(self._candidates) > self.p("candidates_max"):
            self._prune(tape.timestamp_ns)

    def _prune(self, now_ns: int) -> None:
        """Forget candidates that rested longer than a spoof would (they can never count)."""
        horizon = now_ns - self.p("max_lifetime_ns")
        for order_id in [i for i, c in self._candidates.items() if c.placed_ns < horizon]:
            self._drop(order_id)

    def _trade(self, event: Event) -> None:
        if not self._candidates:
            return
        lots = event["quantity_lots"]
        own = self._candidates.get(event["maker_order_id"])
        if own is not None:
            own.filled_lots += lots
        aggressor = event["aggressor_side"]
        passive = SELL if aggressor == BUY else BUY
        for account, side in (
            (event["taker_account_id"], aggressor),
            (event["maker_account_id"], passive),
        ):
            ids = self._by_account.get(account)
            if not ids:
                continue
            for order_id in ids:
                candidate = self._candidates[order_id]
                if candidate.side != side and candidate.symbol == event["symbol"]:
                    candidate.opposite_lots += lots
                    candidate.opposite_seq = self.tape.seq

    def _drop(self, order_id: int) -> _Candidate | None:
        candidate = self._candidates.pop(order_id, None)
        if candidate is not None:
            ids = self._by_account[candidate.account]
            del ids[order_id]
            if not ids:
                del self._by_account[candidate.account]
        return candidate

    def _expired(self, event: Event) -> None:
        if self._candidates:
            self._drop(event["order_id"])

    def _cancelled(self, event: Event) -> None:
        if not self._candidates:
            return
        candidate = self._drop(event["order_id"])
        if candidate is None:
            return
        now_ns = self.tape.timestamp_ns
        if (
            now_ns - candidate.placed_ns > self.p("max_lifetime_ns")
            or candidate.filled_lots * 1000 > self.p("max_fill_permille") * candidate.quantity_lots
            or candidate.opposite_lots == 0
        ):
            return
        account = candidate.account
        history = self._events.setdefault(account, deque())
        horizon = now_ns - self.p("window_ns")
        while history and history[0][0] < horizon:
            history.popleft()
        history.append((now_ns, candidate.order_id, candidate.price_ticks, self.tape.seq))
        if len(history) < self.p("min_events"):
            return
        if not self.cooled((candidate.symbol, account), self.p("cooldown_ns")):
            return
        self.raise_alert(
            candidate.symbol,
            (account,),
            {
                "spoof_events": len(history),
                "order_ids": tuple(each[1] for each in history),
                "cancel_seqs": tuple(each[3] for each in history),
                "side": candidate.side,
                "quantity_lots": candidate.quantity_lots,
                "price_ticks": candidate.price_ticks,
                "levels_at_once": candidate.levels,
                "opposite_lots": candidate.opposite_lots,
                "opposite_seq": candidate.opposite_seq,
                "placed_seq": candidate.placed_seq,
                "lifetime_ns": now_ns - candidate.placed_ns,
            },
        )
