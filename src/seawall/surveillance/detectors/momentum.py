"""Detectors of price pushed by aggressive orders: pump-and-dump, ramping, marking the close.

All three read taker trades (the aggressor of each ``venue.trade``) per market and compare the
price move with the market's ordinary volatility (``common.Volatility``, ``river``):

* ``pump.coordinated``: within ``pump_window_ns`` the price rose at least ``min_rise_bps`` from
  the window's low (and ``z_milli`` sigmas), with at least ``min_accounts`` accounts each
  buying at least ``member_share_permille`` of the aggressive buying, together at least
  ``group_share_permille``. That group is watched for ``dump_window_ns``: once its members have
  sold at least ``dump_permille`` of what they bought during and after the pump, and at least
  ``min_accounts`` of them sold, it is a pump-and-dump.
* ``ramping.one_way``: within ``window_ns`` one account made at least ``share_permille`` of the
  aggressive volume on one side, with at least ``min_orders`` orders, and the price moved
  at least ``min_move_bps`` (and ``z_milli`` sigmas) in that direction from before the window.
* ``marking_close.pre_close``: in the ``window_ns`` before a close (every ``close_interval_ns``
  from ``close_offset_ns``: by default 00:00 UTC daily), one account made at least
  ``share_permille`` of the aggressive volume on its side, with at least ``min_orders`` orders,
  and moved
  the price at least ``min_move_bps`` (and ``z_milli`` sigmas of the ordinary move over the
  same length) its way from the price before the window.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from seawall.surveillance.detectors.base import Detector, Emit, Event, Handler
from seawall.surveillance.detectors.common import TakerWindow, Volatility
from seawall.surveillance.state import AlertType, ParameterValue
from seawall.surveillance.tape import BUY, SELL, Tape

__all__ = ["MarkingTheClose", "PumpCoordinated", "RampingOneWay"]


def _move_bps(side: int, reference: int, price: int) -> int:
    """The move from ``reference`` to ``price`` in basis points, positive in ``side``'s way."""
    if reference <= 0:
        return 0
    move = (price - reference) * 10_000 // reference
    return move if side == BUY else -move


class _Episode:
    __slots__ = (
        "bought",
        "peak_price",
        "rise_bps",
        "sold",
        "start_price",
        "trigger_ns",
        "trigger_seq",
    )

    def __init__(
        self,
        members: dict[str, int],
        start_price: int,
        peak_price: int,
        rise_bps: int,
        trigger_ns: int,
        trigger_seq: int,
    ) -> None:
        self.bought = dict(members)
        self.sold = dict.fromkeys(members, 0)
        self.start_price = start_price
        self.peak_price = peak_price
        self.rise_bps = rise_bps
        self.trigger_ns = trigger_ns
        self.trigger_seq = trigger_seq


class PumpCoordinated(Detector):
    """A group's aggressive buying lifts the price; then the group sells into it."""

    name: ClassVar[str] = "pump.coordinated"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.PUMP_AND_DUMP
    defaults: ClassVar[dict[str, ParameterValue]] = {
        "pump_window_ns": 180_000_000_000,
        "min_rise_bps": 300,
        "z_milli": 4_000,
        "min_accounts": 2,
        "member_share_permille": 100,
        "group_share_permille": 500,
        "dump_window_ns": 600_000_000_000,
        "dump_permille": 500,
        "cooldown_ns": 1_800_000_000_000,
    }

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        super().__init__(tape, emit, **overrides)
        self._windows: dict[str, TakerWindow] = {}
        #: symbol -> (timestamp_ns, price) in the pump window, with a running minimum
        self._lows: dict[str, deque[tuple[int, int]]] = {}
        self._volatility: dict[str, Volatility] = {}
        self._episodes: dict[str, _Episode] = {}

    def handlers(self) -> dict[str, Handler]:
        return {"venue.trade": self._trade}

    def _trade(self, event: Event) -> None:
        symbol = event["symbol"]
        tape = self.tape
        now_ns = tape.timestamp_ns
        price: int = event["price_ticks"]
        lots = event["quantity_lots"]
        window = self._windows.get(symbol)
        if window is None:
            window = self._windows[symbol] = TakerWindow(self.p("pump_window_ns"))
            self._lows[symbol] = deque()
            self._volatility[symbol] = Volatility(self.p("pump_window_ns"))
        aggressor = event["aggressor_side"]
        taker = event["taker_account_id"]
        episode = self._episodes.get(symbol)
        if episode is not None:
            self._follow(symbol, episode, event, price, lots)
        self._volatility[symbol].update(now_ns, price, include=episode is None)
        window.add(
            now_ns,
            taker,
            aggressor,
            lots,
            event["taker_order_id"],
            tape.last_price.get(symbol, price),
            tape.seq,
        )
        lows = self._lows[symbol]
        horizon = now_ns - self.p("pump_window_ns")
        while lows and lows[0][0] < horizon:
            lows.popleft()
        while lows and lows[-1][1] >= price:
            lows.pop()
        lows.append((now_ns, price))
        if episode is None and aggressor == BUY:
            self._look_for_pump(symbol, window, lows[0][1], price)

    def _look_for_pump(self, symbol: str, window: TakerWindow, low: int, price: int) -> None:
        rise = _move_bps(BUY, low, price)
        if not self._volatility[symbol].unusual(rise, self.p("min_rise_bps"), self.p("z_milli")):
            return
        bought = window.side_lots[BUY]
        if bought <= 0:
            return
        member_min = self.p("member_share_permille")
        members = {
            account: lots
            for (account, side), lots in sorted(window.lots.items())
            if side == BUY and lots * 1000 >= member_min * bought
        }
        if len(members) < self.p("min_accounts"):
            return
        if sum(members.values()) * 1000 < self.p("group_share_permille") * bought:
            return
        self._episodes[symbol] = _Episode(
            members, low, price, rise, self.tape.timestamp_ns, self.tape.seq
        )

    def _follow(self, symbol: str, episode: _Episode, event: Event, price: int, lots: int) -> None:
        now_ns = self.tape.timestamp_ns
        if now_ns - episode.trigger_ns > self.p("dump_window_ns"):
            del self._episodes[symbol]
            return
        episode.peak_price = max(episode.peak_price, price)
        aggressor = event["aggressor_side"]
        buyer, seller = (
            (event["taker_account_id"], event["maker_account_id"])
            if aggressor == BUY
            else (event["maker_account_id"], event["taker_account_id"])
        )
        if buyer in episode.bought:
            episode.bought[buyer] += lots
        if seller not in episode.sold:
            return
        episode.sold[seller] += lots
        bought = sum(episode.bought.values())
        sold = sum(episode.sold.values())
        sellers = sorted(account for account, amount in episode.sold.items() if amount)
        if sold * 1000 < self.p("dump_permille") * bought:
            return
        if len(sellers) < self.p("min_accounts"):
            return
        del self._episodes[symbol]
        if not self.cooled((symbol, tuple(sellers)), self.p("cooldown_ns")):
            return
        self.raise_alert(
            symbol,
            sorted(episode.bought),
            {
                "rise_bps": episode.rise_bps,
                "start_price_ticks": episode.start_price,
                "peak_price_ticks": episode.peak_price,
                "price_ticks": price,
                "bought_lots": bought,
                "sold_lots": sold,
                "members": len(episode.bought),
                "sellers": len(sellers),
                "pump_seq": episode.trigger_seq,
                "dump_seq": self.tape.seq,
                "dump_side": SELL,
            },
        )


class RampingOneWay(Detector):
    """One account's aggressive orders walk the price one way."""

    name: ClassVar[str] = "ramping.one_way"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.RAMPING
    defaults: ClassVar[dict[str, ParameterValue]] = {
        "window_ns": 180_000_000_000,
        "share_permille": 600,
        "min_orders": 6,
        "min_move_bps": 200,
        "z_milli": 4_000,
        "cooldown_ns": 900_000_000_000,
    }

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        super().__init__(tape, emit, **overrides)
        self._windows: dict[str, TakerWindow] = {}
        self._volatility: dict[str, Volatility] = {}

    def handlers(self) -> dict[str, Handler]:
        return {"venue.trade": self._trade}

    def _trade(self, event: Event) -> None:
        symbol = event["symbol"]
        tape = self.tape
        price: int = event["price_ticks"]
        window = self._windows.get(symbol)
        if window is None:
            window = self._windows[symbol] = TakerWindow(self.p("window_ns"))
            self._volatility[symbol] = Volatility(self.p("window_ns"))
        taker = event["taker_account_id"]
        side = event["aggressor_side"]
        window.add(
            tape.timestamp_ns,
            taker,
            side,
            event["quantity_lots"],
            event["taker_order_id"],
            tape.last_price.get(symbol, price),
            tape.seq,
        )
        volatility = self._volatility[symbol]
        volatility.update(tape.timestamp_ns, price)
        key = (taker, side)
        if window.orders.get(key, 0) < self.p("min_orders"):
            return
        side_lots = window.side_lots[side]
        mine = window.lots[key]
        if mine * 1000 < self.p("share_permille") * side_lots:
            return
        move = _move_bps(side, window.start_price, price)
        if not volatility.unusual(move, self.p("min_move_bps"), self.p("z_milli")):
            return
        if not self.cooled((symbol, taker), self.p("cooldown_ns")):
            return
        self.raise_alert(
            symbol,
            (taker,),
            {
                "side": side,
                "move_bps": move,
                "start_price_ticks": window.start_price,
                "price_ticks": price,
                "orders": window.orders[key],
                "taker_lots": mine,
                "side_lots": side_lots,
                "first_seq": window.trades[0][6],
                "last_seq": tape.seq,
            },
        )


class MarkingTheClose(Detector):
    """One account's aggressive orders move the price just before the close."""

    name: ClassVar[str] = "marking_close.pre_close"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.MARKING_THE_CLOSE
    defaults: ClassVar[dict[str, ParameterValue]] = {
        "close_interval_ns": 86_400_000_000_000,
        "close_offset_ns": 0,
        "window_ns": 120_000_000_000,
        "share_permille": 400,
        "min_orders": 3,
        "min_move_bps": 20,
        "z_milli": 3_000,
    }

    def __init__(self, tape: Tape, emit: Emit, **overrides: ParameterValue) -> None:
        super().__init__(tape, emit, **overrides)
        #: symbol -> (close timestamp_ns, its window)
        self._windows: dict[str, tuple[int, TakerWindow]] = {}
        self._volatility: dict[str, Volatility] = {}
        self._alerted: set[tuple[str, int, str]] = set()

    def handlers(self) -> dict[str, Handler]:
        return {"venue.trade": self._trade}

    def _next_close(self, timestamp_ns: int) -> int:
        interval = self.p("close_interval_ns")
        offset = self.p("close_offset_ns")
        return ((timestamp_ns - offset) // interval + 1) * interval + offset

    def _trade(self, event: Event) -> None:
        symbol = event["symbol"]
        tape = self.tape
        now_ns = tape.timestamp_ns
        price: int = event["price_ticks"]
        close_ns = self._next_close(now_ns)
        in_window = now_ns >= close_ns - self.p("window_ns")
        volatility = self._volatility.get(symbol)
        if volatility is None:
            volatility = self._volatility[symbol] = Volatility(self.p("window_ns"))
        volatility.update(now_ns, price, include=not in_window)
        if not in_window:
            return
        current = self._windows.get(symbol)
        if current is None or current[0] != close_ns:
            current = (close_ns, TakerWindow(self.p("window_ns")))
            self._windows[symbol] = current
            self._alerted = {each for each in self._alerted if each[1] >= close_ns}
        window = current[1]
        taker = event["taker_account_id"]
        side = event["aggressor_side"]
        window.add(
            now_ns,
            taker,
            side,
            event["quantity_lots"],
            event["taker_order_id"],
            tape.last_price.get(symbol, price),
            tape.seq,
        )
        key = (taker, side)
        if window.orders.get(key, 0) < self.p("min_orders"):
            return
        total = window.side_lots[side]
        mine = window.lots[key]
        if mine * 1000 < self.p("share_permille") * total:
            return
        move = _move_bps(side, window.start_price, price)
        if not volatility.unusual(move, self.p("min_move_bps"), self.p("z_milli")):
            return
        marker = (symbol, close_ns, taker)
        if marker in self._alerted:
            return
        self._alerted.add(marker)
        self.raise_alert(
            symbol,
            (taker,),
            {
                "close_ns": close_ns,
                "side": side,
                "move_bps": move,
                "start_price_ticks": window.start_price,
                "price_ticks": price,
                "orders": window.orders[key],
                "taker_lots": mine,
                "window_lots": total,
                "first_seq": window.trades[0][6],
                "last_seq": tape.seq,
            },
        )
