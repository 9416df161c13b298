"""``wash.collusion``: accounts of different owners trading back and forth with each other.

Scored statistically, per market, over a sliding window of ``window_ns``. For each pair of
pseudonyms that trade together it keeps their trades' count, gross and net quantity and how
often the direction reversed (A bought from B, then B from A). Under random matching a pair's
share of an account's volume is about the partner's share of the market's (a gravity model:
``expected = vol_b / (2 * market_volume - vol_a)``); the *lift* is the observed share over that.
A pair is flagged when, inside the window:

* they traded at least ``min_trades`` times with at least ``min_reversals`` reversals,
* their net transfer is at most ``net_max_permille`` of the gross (the position goes nowhere),
* the pair is at least ``share_min_permille`` of *both* accounts' volume, and
* the lift is at least ``lift_min_permille`` (both ways).

Market makers trade with everybody (lift near 1); colluders trade with each other far more than
chance (lift in the tens). One alert per pair per ``cooldown_ns``.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from seawall.surveillance.detectors.base import Detector, Emit, Event, Handler
from seawall.surveillance.state import AlertType, ParameterValue
from seawall.surveillance.tape import BUY, Tape

__all__ = ["WashCollusion"]


class _Pair:
    __slots__ = ("count", "first_seq", "gross", "net", "reversals", "trades")

    def __init__(self) -> None:
        #: (timestamp_ns, signed quantity: + when the pair's first account bought, seq)
        self.trades: deque[tuple[int, int, int]] = deque()
        self.gross = 0
        self.net = 0
        self.reversals = 0
        self.count = 0
        self.first_seq = 0


class WashCollusion(Detector):
    """Pairs of pseudonyms trading back and forth far more than chance."""

    name: ClassVar[str] = "wash.collusion"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.WASH_TRADING
    defaults: ClassVar[dict[str, ParameterValue]] = {
        "window_ns": 600_000_000_000,
        "min_trades": 6,
        "min_reversals": 3,
        "net_max_permille": 300,
        "share_min_permille": 400,
        "lift_min_permille": 4_000,
        "cooldown_ns": 600_000_000_000,
    }

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        super().__init__(tape, emit, **overrides)
        #: symbol -> (pair -> its window)
        self._pairs: dict[str, dict[tuple[str, str], _Pair]] = {}
        #: symbol -> account -> traded lots in the window; symbol -> lots traded in the window
        self._volume: dict[str, dict[str, int]] = {}
        self._market_volume: dict[str, int] = {}
        #: symbol -> (timestamp_ns, maker, taker, lots) in the window, for eviction
        self._window: dict[str, deque[tuple[int, str, str, int]]] = {}

    def handlers(self) -> dict[str, Handler]:
        return {"venue.trade": self._trade}

    def _evict(self, symbol: str, now_ns: int) -> None:
        window = self._window[symbol]
        horizon = now_ns - self.p("window_ns")
        volume = self._volume[symbol]
        while window and window[0][0] < horizon:
            _, maker, taker, lots = window.popleft()
            self._market_volume[symbol] -= lots
            for account in (maker, taker):
                left = volume[account] - lots
                if left:
                    volume[account] = left
                else:
                    del volume[account]

    def _evict_pair(self, pair: _Pair, now_ns: int) -> None:
        horizon = now_ns - self.p("window_ns")
        trades = pair.trades
        while trades and trades[0][0] < horizon:
            _, signed, _ = trades.popleft()
            pair.gross -= abs(signed)
            pair.net -= signed
            pair.count -= 1
            if trades and (trades[0][1] > 0) != (signed > 0):
                pair.reversals -= 1
        if trades:
            pair.first_seq = trades[0][2]

    def _trade(self, event: Event) -> None:
        maker = event["maker_account_id"]
        taker = event["taker_account_id"]
        if maker == taker:
            return
        symbol = event["symbol"]
        lots = event["quantity_lots"]
        now_ns = self.tape.timestamp_ns
        if symbol not in self._window:
            self._window[symbol] = deque()
            self._volume[symbol] = {}
            self._market_volume[symbol] = 0
            self._pairs[symbol] = {}
        self._evict(symbol, now_ns)
        self._window[symbol].append((now_ns, maker, taker, lots))
        self._market_volume[symbol] += lots
        volume = self._volume[symbol]
        volume[maker] = volume.get(maker, 0) + lots
        volume[taker] = volume.get(taker, 0) + lots
        first, second = (maker, taker) if maker < taker else (taker, maker)
        buyer = taker if event["aggressor_side"] == BUY else maker
        signed = lots if buyer == first else -lots
        pairs = self._pairs[symbol]
        pair = pairs.get((first, second))
        if pair is None:
            pair = pairs[(first, second)] = _Pair()
        self._evict_pair(pair, now_ns)
        if pair.trades and (pair.trades[-1][1] > 0) != (signed > 0):
            pair.reversals += 1
        if not pair.trades:
            pair.first_seq = self.tape.seq
        pair.trades.append((now_ns, signed, self.tape.seq))
        pair.gross += lots
        pair.net += signed
        pair.count += 1
        if len(pairs) > 4 * len(volume) + 1024:
            self._prune(symbol, now_ns)
        self._score(symbol, first, second, pair)

    def _prune(self, symbol: str, now_ns: int) -> None:
        pairs = self._pairs[symbol]
        for key in sorted(pairs):
            self._evict_pair(pairs[key], now_ns)
            if not pairs[key].trades:
                del pairs[key]

    def _score(self, symbol: str, first: str, second: str, pair: _Pair) -> None:
        if pair.count < self.p("min_trades") or pair.reversals < self.p("min_reversals"):
            return
        gross = pair.gross
        if abs(pair.net) * 1000 > self.p("net_max_permille") * gross:
            return
        volume = self._volume[symbol]
        vol_a, vol_b = volume[first], volume[second]
        share_a = gross * 1000 // vol_a
        share_b = gross * 1000 // vol_b
        share_min = self.p("share_min_permille")
        if share_a < share_min or share_b < share_min:
            return
        total = 2 * self._market_volume[symbol]
        # lift = (gross / vol_a) / (vol_b / (total - vol_a)), in permille, and the same for b.
        lift_a = gross * (total - vol_a) * 1000 // (vol_a * vol_b)
        lift_b = gross * (total - vol_b) * 1000 // (vol_b * vol_a)
        lift = min(lift_a, lift_b)
        if lift < self.p("lift_min_permille"):
            return
        if not self.cooled((symbol, first, second), self.p("cooldown_ns")):
            return
        self.raise_alert(
            symbol,
            (first, second),
            {
                "trades": pair.count,
                "reversals": pair.reversals,
                "gross_lots": gross,
                "net_lots": pair.net,
                "share_permille_first": share_a,
                "share_permille_second": share_b,
                "lift_permille": lift,
                "first_seq": pair.first_seq,
                "last_seq": self.tape.seq,
            },
        )
