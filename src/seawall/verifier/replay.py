"""The public state rebuilt from public entries, plus what the API shows that the public state
does not keep: each market's recent trades, one by one (the tape ``GET /api/v3/trades`` reads).

Like ``seawall.public.state`` it reads events by tag and documented field names only
(``venue.trade``: ``symbol``, ``trade_id``, ``price_ticks``, ``quantity_lots``,
``aggressor_side``), with the entry's own time, so a third party can reimplement it from the
public schema.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

from seawall.public import PublicEntry, PublicState

__all__ = ["Replay", "TapeTrade"]

_SELL: Final = 2


@dataclass(frozen=True, slots=True)
class TapeTrade:
    trade_id: int
    price_ticks: int
    quantity_lots: int
    time_ms: int
    #: The taker sold (so the buyer was the resting order), as Binance's ``isBuyerMaker``.
    buyer_maker: bool


class Replay:
    """Public entries folded in order; the state at ``state.last_seq``."""

    def __init__(self, trades_kept: int) -> None:
        self.state = PublicState()
        self.trades_kept = trades_kept
        #: symbol -> the latest ``trades_kept`` trades, oldest first.
        self.tape: dict[str, deque[TapeTrade]] = {}

    @property
    def last_seq(self) -> int:
        return self.state.last_seq

    def apply(self, entry: PublicEntry) -> None:
        events = entry.events if entry.rejection is None else []
        self.state.apply(entry.seq, events)
        time_ms = entry.timestamp_ns // 1_000_000
        for event in events:
            if event.get("k") != "venue.trade":
                continue
            tape = self.tape.get(event["symbol"])
            if tape is None:
                tape = self.tape[event["symbol"]] = deque(maxlen=self.trades_kept)
            tape.append(
                TapeTrade(
                    event["trade_id"],
                    event["price_ticks"],
                    event["quantity_lots"],
                    time_ms,
                    event["aggressor_side"] == _SELL,
                )
            )

    def recent_trades(self, symbol: str, count: int) -> list[TapeTrade]:
        """The latest ``count`` trades of ``symbol``, oldest first."""
        tape = self.tape.get(symbol, deque())
        return list(tape)[max(0, len(tape) - count) :]
