"""The tape: what the public stream says about the market, kept for the detectors.

It is rebuilt from public entries alone (``seawall.public.PublicEntry``: events as maps, client
accounts as pseudonyms), by tag and documented field names, like ``seawall.public.state``:

* markets as listed (lot and tick sizes), and accounts restricted at the venue (the operator's
  and affiliates', venue-wide or per market);
* each pseudonym's broker (``identity.client_onboarded``);
* the L2 book per market (``venue.book_delta``), its best bid and ask, and the last trade price;
* the live orders (``venue.accepted`` until cancelled, expired or filled);
* **links between pseudonyms** that the public stream itself shows (``Linkage``): the same
  keyed hash of a KYC record at onboarding (the same person, at another broker), the same keyed
  hash of a deposit's origin (money from the same bank account or wallet), or an algorithm
  account's owner. The projection replaces those values by keyed hashes, which reveal nothing
  but are equal for equal values, so the link shows and the person does not.

The engine applies each event to the tape *after* every detector has seen it, so a detector
always sees the market as it was just before the event (the touch an order arrived at, the
order a cancel removes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

__all__ = ["BUY", "SELL", "Linkage", "LiveOrder", "MarketInfo", "Tape"]

#: ``side`` in venue events (``venue.commands.Side``).
BUY: Final = 1
SELL: Final = 2

Event = dict[str, Any]


class MarketInfo:
    """A listed market, as ``venue.market_created`` describes it."""

    __slots__ = ("base_asset", "lot_size", "quote_asset", "tick_size")

    def __init__(self, event: Event) -> None:
        self.base_asset: str = event["base_asset"]
        self.quote_asset: str = event["quote_asset"]
        self.tick_size: str = event["tick_size"]
        self.lot_size: str = event["lot_size"]


class LiveOrder:
    """An order the venue accepted, while it may still trade."""

    __slots__ = (
        "account",
        "filled_lots",
        "open_lots",
        "order_type",
        "price_ticks",
        "quantity_lots",
        "seq",
        "side",
        "symbol",
        "timestamp_ns",
    )

    def __init__(self, event: Event, seq: int, timestamp_ns: int) -> None:
        self.symbol: str = event["symbol"]
        self.account: str = event["account_id"]
        self.side: int = event["side"]
        self.order_type: int = event["order_type"]
        self.price_ticks: int = event["price_ticks"]
        #: the size it was accepted with (0 for an order sized in quote, like a MARKET buy)
        self.quantity_lots: int = event["quantity_lots"]
        self.open_lots = self.quantity_lots
        self.filled_lots = 0
        self.seq = seq
        self.timestamp_ns = timestamp_ns


class Linkage:
    """Union-find over pseudonyms that the public stream shows to share an owner.

    ``reasons`` keeps, per component, how its members were linked (``kyc``: the same person;
    ``origin``: the same funding source; ``algorithm_owner``: an algorithm and its owner).
    """

    __slots__ = ("_parent", "_reasons", "first_by_key", "use_origin")

    def __init__(self, use_origin: bool = True) -> None:
        self._parent: dict[str, str] = {}
        self._reasons: dict[str, set[str]] = {}
        #: (kind, keyed hash) -> the first pseudonym seen with it
        self.first_by_key: dict[tuple[str, str], str] = {}
        self.use_origin = use_origin

    def __contains__(self, account: str) -> bool:
        return account in self._parent

    def find(self, account: str) -> str:
        parent = self._parent
        root = account
        while parent.get(root, root) != root:
            root = parent[root]
        while account != root:
            parent[account], account = root, parent[account]
        return root

    def union(self, a: str, b: str, reason: str) -> None:
        self._parent.setdefault(a, a)
        self._parent.setdefault(b, b)
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            self._reasons.setdefault(root_a, set()).add(reason)
            return
        # The smaller id becomes the root: the same stream always gives the same roots.
        keep, gone = (root_a, root_b) if root_a < root_b else (root_b, root_a)
        self._parent[gone] = keep
        merged = self._reasons.setdefault(keep, set())
        merged.update(self._reasons.pop(gone, set()))
        merged.add(reason)

    def note(self, account: str, kind: str, value: str) -> None:
        """``account`` showed ``value`` as its ``kind`` (a keyed hash); link it to the first
        account that showed the same."""
        if not value:
            return
        first = self.first_by_key.setdefault((kind, value), account)
        if first != account:
            self.union(first, account, kind)

    def same_owner(self, a: str, b: str) -> str:
        """How ``a`` and ``b`` are linked (reasons joined by ``+``), or ``""``."""
        parent = self._parent
        if a not in parent or b not in parent:
            return ""
        root = self.find(a)
        if root != self.find(b):
            return ""
        return "+".join(sorted(self._reasons.get(root, ())))

    def reasons(self, account: str) -> str:
        if account not in self._parent:
            return ""
        return "+".join(sorted(self._reasons.get(self.find(account), ())))


class Tape:
    """The market as the public stream shows it (see the module docstring)."""

    __slots__ = (
        "asks",
        "best_ask",
        "best_bid",
        "bids",
        "broker_of",
        "handlers",
        "last_price",
        "last_trade_ns",
        "links",
        "markets",
        "orders",
        "restricted",
        "seq",
        "timestamp_ns",
    )

    def __init__(self, link_by_origin: bool = True) -> None:
        #: the public entry being read
        self.seq = 0
        self.timestamp_ns = 0
        self.markets: dict[str, MarketInfo] = {}
        self.broker_of: dict[str, str] = {}
        self.bids: dict[str, dict[int, int]] = {}
        self.asks: dict[str, dict[int, int]] = {}
        #: best prices per symbol (0: that side is empty)
        self.best_bid: dict[str, int] = {}
        self.best_ask: dict[str, int] = {}
        self.last_price: dict[str, int] = {}
        self.last_trade_ns: dict[str, int] = {}
        self.orders: dict[int, LiveOrder] = {}
        #: pseudonym -> role (1 operator, 2 affiliate, 0 restricted in one market's listing)
        self.restricted: dict[str, int] = {}
        self.links = Linkage(use_origin=link_by_origin)
        self.handlers: dict[str, Callable[[Event], None]] = {
            "venue.market_created": self._market_created,
            "venue.accepted": self._accepted,
            "venue.trade": self._trade,
            "venue.cancelled": self._gone,
            "venue.expired": self._gone,
            "venue.amended": self._amended,
            "venue.book_delta": self._book_delta,
            "venue.account_restricted": self._restricted,
            "venue.account_unrestricted": self._unrestricted,
            "identity.client_onboarded": self._onboarded,
            "custody.deposit_confirmed": self._deposit,
        }

    # --- reading ---------------------------------------------------------------------------

    def mid(self, symbol: str) -> int:
        """The mid price in ticks (the last price when one side is empty; 0 if none)."""
        bid = self.best_bid.get(symbol, 0)
        ask = self.best_ask.get(symbol, 0)
        if bid and ask:
            return (bid + ask) // 2
        return self.last_price.get(symbol, 0) or bid or ask

    def restricted_links(self, account: str) -> list[str]:
        """The restricted accounts ``account`` is linked to (sorted), itself excluded."""
        if not self.restricted or account not in self.links:
            return []
        root = self.links.find(account)
        return sorted(
            other
            for other in self.restricted
            if other != account and other in self.links and self.links.find(other) == root
        )

    # --- applying --------------------------------------------------------------------------

    def _market_created(self, event: Event) -> None:
        symbol = event["symbol"]
        self.markets[symbol] = MarketInfo(event)
        self.bids[symbol] = {}
        self.asks[symbol] = {}
        self.best_bid[symbol] = 0
        self.best_ask[symbol] = 0
        for account in event.get("restricted_accounts", ()):
            self.restricted.setdefault(account, 0)

    def _accepted(self, event: Event) -> None:
        self.orders[event["order_id"]] = LiveOrder(event, self.seq, self.timestamp_ns)

    def _trade(self, event: Event) -> None:
        symbol = event["symbol"]
        quantity = event["quantity_lots"]
        self.last_price[symbol] = event["price_ticks"]
        self.last_trade_ns[symbol] = self.timestamp_ns
        orders = self.orders
        for key in ("maker_order_id", "taker_order_id"):
            order = orders.get(event[key])
            if order is not None:
                order.open_lots -= quantity
                order.filled_lots += quantity
                if order.open_lots <= 0:
                    del orders[event[key]]

    def _gone(self, event: Event) -> None:
        self.orders.pop(event["order_id"], None)

    def _amended(self, event: Event) -> None:
        order = self.orders.get(event["order_id"])
        if order is not None:
            order.price_ticks = event["price_ticks"]
            order.open_lots = event["open_quantity_lots"]

    def _book_delta(self, event: Event) -> None:
        symbol = event["symbol"]
        price = event["price_ticks"]
        quantity = event["quantity_lots"]
        if symbol not in self.bids:  # a stream read without its market's listing
            self.bids[symbol], self.asks[symbol] = {}, {}
            self.best_bid[symbol] = self.best_ask[symbol] = 0
        if event["side"] == BUY:
            levels = self.bids[symbol]
            best = self.best_bid[symbol]
            if quantity:
                levels[price] = quantity
                if price > best:
                    self.best_bid[symbol] = price
            else:
                levels.pop(price, None)
                if price == best:
                    self.best_bid[symbol] = max(levels) if levels else 0
        else:
            levels = self.asks[symbol]
            best = self.best_ask[symbol]
            if quantity:
                levels[price] = quantity
                if best == 0 or price < best:
                    self.best_ask[symbol] = price
            else:
                levels.pop(price, None)
                if price == best:
                    self.best_ask[symbol] = min(levels) if levels else 0

    def _restricted(self, event: Event) -> None:
        self.restricted[event["account_id"]] = int(event["role"])

    def _unrestricted(self, event: Event) -> None:
        self.restricted.pop(event["account_id"], None)

    def _onboarded(self, event: Event) -> None:
        account = event["account_id"]
        self.broker_of[account] = event["broker_id"]
        kyc = event.get("kyc")
        if isinstance(kyc, str):
            self.links.note(account, "kyc", kyc)
        owner = event.get("algorithm_owner")
        if isinstance(owner, str) and owner:
            self.links.union(owner, account, "algorithm_owner")

    def _deposit(self, event: Event) -> None:
        origin = event.get("origin")
        if self.links.use_origin and isinstance(origin, str):
            self.links.note(event["account_id"], "origin", origin)
