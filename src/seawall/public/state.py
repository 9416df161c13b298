"""Public state, rebuilt from public entries alone: balances per pseudonymous account and asset,
the order books (L2) and trade statistics per market.

It reads events by their tag and documented field names (the public schema), never through the
institutions' code: a third party can reimplement it from this file. Only accepted entries carry
events, so rejected commands change nothing here either.
"""

from __future__ import annotations

from typing import Any

from seawall.core.hashing import state_digest

__all__ = ["PublicState"]

_BUY, _SELL = 1, 2


class PublicState:
    """What the public can know, and its hash."""

    __slots__ = ("balances", "books", "last_seq", "markets", "trades")

    def __init__(self) -> None:
        self.last_seq = 0
        #: account -> asset -> balance in minor units (credit positive, as posted).
        self.balances: dict[str, dict[str, int]] = {}
        #: symbol -> market description as created.
        self.markets: dict[str, dict[str, Any]] = {}
        #: symbol -> side (1 buy, 2 sell) -> price_ticks -> quantity_lots resting.
        self.books: dict[str, dict[int, dict[int, int]]] = {}
        #: symbol -> [trade count, last price_ticks, volume in lots].
        self.trades: dict[str, list[int]] = {}

    def apply(self, seq: int, events: list[dict[str, Any]]) -> None:
        """Fold one public entry's events in (entries must come in seq order)."""
        if seq != self.last_seq + 1:
            raise ValueError(f"public entries out of order: got {seq} after {self.last_seq}")
        self.last_seq = seq
        for event in events:
            kind = event.get("k")
            if kind == "ledger.transfer_posted":
                for posting in event["postings"]:
                    account = self.balances.setdefault(posting["account_id"], {})
                    asset = posting["asset"]
                    account[asset] = account.get(asset, 0) + posting["amount_minor"]
            elif kind == "venue.market_created":
                symbol = event["symbol"]
                self.markets[symbol] = {
                    key: event[key]
                    for key in ("base_asset", "quote_asset", "tick_size", "lot_size")
                }
                self.books[symbol] = {_BUY: {}, _SELL: {}}
                self.trades[symbol] = [0, 0, 0]
            elif kind == "venue.book_delta":
                levels = self.books[event["symbol"]][event["side"]]
                if event["quantity_lots"]:
                    levels[event["price_ticks"]] = event["quantity_lots"]
                else:
                    levels.pop(event["price_ticks"], None)
            elif kind == "venue.trade":
                stats = self.trades[event["symbol"]]
                stats[0] += 1
                stats[1] = event["price_ticks"]
                stats[2] += event["quantity_lots"]

    def balance(self, account: str, asset: str) -> int:
        return self.balances.get(account, {}).get(asset, 0)

    def book(self, symbol: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """``(bids best first, asks best first)`` as (price_ticks, quantity_lots)."""
        sides = self.books[symbol]
        bids = sorted(sides[_BUY].items(), reverse=True)
        asks = sorted(sides[_SELL].items())
        return bids, asks

    def canonical(self) -> dict[str, Any]:
        """A sorted, plain form: what is hashed and what a publisher writes out."""
        return {
            "last_seq": self.last_seq,
            "balances": {
                account: {asset: amount for asset, amount in sorted(assets.items()) if amount}
                for account, assets in sorted(self.balances.items())
                if any(assets.values())
            },
            "books": {
                symbol: {"bids": [list(x) for x in bids], "asks": [list(x) for x in asks]}
                for symbol in sorted(self.books)
                for bids, asks in [self.book(symbol)]
            },
            "trades": {symbol: list(stats) for symbol, stats in sorted(self.trades.items())},
            "markets": {symbol: self.markets[symbol] for symbol in sorted(self.markets)},
        }

    def state_hash(self) -> bytes:
        return state_digest("seawall/public-state/v1", self.canonical())
