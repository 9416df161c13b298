"""The market as the simulator's agents see it (``agents.SimMarket``), over the REST API.

Each agent action is one REST call, as any Binance client would make it:

==========================  ================================================================
 agent action               request
==========================  ================================================================
 ``place``                  ``POST /api/v3/order`` (``type``, ``timeInForce`` for LIMIT,
                            ``price``, ``quantity``, ``newClientOrderId``,
                            ``selfTradePreventionMode``, ``newOrderRespType=FULL``)
 ``cancel``                 ``DELETE /api/v3/order`` (``symbol``, ``orderId``)
 the book                   ``GET /api/v3/depth``
 trade prints               ``GET /api/v3/historicalTrades`` from the last id seen
 its own fills as a maker   ``GET /api/v3/myTrades`` from the last id seen
 tick and lot sizes         ``GET /api/v3/exchangeInfo`` (once)
==========================  ================================================================

A refused order or cancel is recorded (``Refused``: when, whose, what, Binance's code and
message) and ``place`` returns ``None``, as a journaled rejection does in process. Client order
ids are ``<run id>-<n>`` per account; one the server already knows from another run stops the
run (``ApiRefusedError``: give the run another id), since every order after it would be refused.

**What agents see, and when.** As in process, agents see market data one step late: during a
step they act, and at its end (``observe``) the replies are turned into the same public events
the in-process feed gives ``MarketData`` (``venue.trade``, ``venue.book_delta``,
``broker.fill_applied``, ``broker.order_closed``), stamped with the step's simulated time. A
taker's fills come in its order's reply; a resting order's fills are read from ``myTrades``,
only for accounts whose live order sits at the price of a new print on the maker's side (or
whose cancel showed fills not yet seen), so reads stay few. The book and the prints of a market
are read after a step that acted on it, and every ``refresh_every_steps`` steps in any case (for
what other clients do). Every read is decided by what the run did, never by the clock, so a
fresh server fed the same seed answers the same requests with the same replies.

**Faults.** With ``FaultPlan.drop_permille`` / ``duplicate_permille`` a client request is lost
before it is sent, or sent twice (the second is refused as a duplicate), drawn from the run's
own seeded generator as in process. A crash is the server's to stage, not the client's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from seawall.core.errors import ConditionFailed
from seawall.core.units import Step, from_steps, to_steps
from seawall.sim.agents import (
    Account,
    MarketData,
    OrderType,
    OwnOrder,
    Side,
    StpMode,
    SymbolSpec,
    TimeInForce,
)
from seawall.sim.runner import FaultPlan, Faults
from seawall.simhttp.client import ApiClient, Credentials
from seawall.simhttp.errors import ApiRefusedError, Refusal

__all__ = ["Book", "HttpMarket", "MarketSteps", "Refused", "read_steps"]

#: Levels of each side read after a step (the agents look at the touch).
DEPTH_LEVELS: Final = 100
#: Levels read for the final books.
FINAL_DEPTH_LEVELS: Final = 5000
#: Trades and fills read per request (the API's maximum).
PAGE_MAX: Final = 1000
_RESTING: Final = ("NEW", "PARTIALLY_FILLED")
#: The refusal of a client order id already used: a second delivery's, or another run's.
DUPLICATE_ORDER: Final = Refusal(-2010, "Duplicate order sent.", 400)


class MarketSteps(NamedTuple):
    """A market's tick and lot, as ``exchangeInfo`` gives them, and text <-> integer steps."""

    symbol: str
    tick: Step
    lot: Step

    def price_text(self, price_ticks: int) -> str:
        return from_steps(price_ticks, self.tick)

    def quantity_text(self, quantity_lots: int) -> str:
        return from_steps(quantity_lots, self.lot)

    def price_ticks(self, text: str) -> int:
        return to_steps(text, self.tick, f"{self.symbol} price")

    def quantity_lots(self, text: str) -> int:
        return to_steps(text, self.lot, f"{self.symbol} quantity")


def read_steps(client: ApiClient, specs: dict[str, SymbolSpec]) -> dict[str, MarketSteps]:
    """Each simulated market's steps from ``exchangeInfo``; ``ApiRefusedError`` when the server does
    not list one, or lists it with a lot other than the simulation's."""
    info = client.public("/api/v3/exchangeInfo")
    listed = {entry["symbol"]: entry for entry in info.get("symbols", [])}
    found: dict[str, MarketSteps] = {}
    for symbol in sorted(specs):
        entry = listed.get(symbol)
        if entry is None:
            raise ApiRefusedError(f"the server does not list {symbol}")
        filters = {each["filterType"]: each for each in entry["filters"]}
        steps = MarketSteps(
            symbol, Step(filters["PRICE_FILTER"]["tickSize"]), Step(filters["LOT_SIZE"]["stepSize"])
        )
        if steps.quantity_lots("1") != specs[symbol].lots_per_unit:
            raise ApiRefusedError(
                f"{symbol} trades in lots of {steps.lot.text}; the simulation assumes "
                f"{specs[symbol].lots_per_unit} lots per unit"
            )
        found[symbol] = steps
    return found


class Refused(NamedTuple):
    """An agent's request the market refused (or, for a duplicate, refused the second time)."""

    time_ns: int
    account: str
    action: str
    symbol: str
    code: int
    msg: str


class Book(NamedTuple):
    """A market's book: (price_ticks, quantity_lots) levels, best first."""

    bids: tuple[tuple[int, int], ...]
    asks: tuple[tuple[int, int], ...]


@dataclass
class _Live:
    """A resting order of the run's that may still trade (tracked or not by ``MarketData``)."""

    pseudonym: str
    symbol: str
    side: Side
    price_ticks: int
    open_lots: int


class HttpMarket:
    """The running market over REST, as agents see it (see the module docstring)."""

    def __init__(
        self,
        client: ApiClient,
        specs: dict[str, SymbolSpec],
        steps: dict[str, MarketSteps],
        *,
        start_ns: int,
        step_ns: int,
        run_id: str,
        seed: int,
        faults: FaultPlan | None = None,
        refresh_every_steps: int = 50,
    ) -> None:
        if refresh_every_steps < 1:
            raise ConditionFailed(f"refresh_every_steps must be >= 1, got {refresh_every_steps}")
        self.client = client
        self.specs = specs
        self.steps = steps
        self.time_ns = start_ns
        self._step_ns = step_ns
        self.run_id = run_id
        self.refresh_every_steps = refresh_every_steps
        self.data = MarketData(specs)
        self.deliveries = Faults(faults or FaultPlan(), seed)
        self.refused: list[Refused] = []
        self.counts = {"placed": 0, "accepted": 0, "cancels": 0, "cancelled": 0}
        #: trades printed per market since the run began
        self.trades: dict[str, int] = dict.fromkeys(specs, 0)
        self._credentials: dict[str, Credentials] = {}
        self._client_ids: dict[str, int] = {}
        self._live: dict[str, _Live] = {}
        self._trade_cursor: dict[str, int] = {}
        #: each market's first trade id after ``start``
        self._first_trade: dict[str, int] = {}
        self._fill_cursor: dict[tuple[str, str], int] = {}
        self._steps_seen = 0
        # what this step did, for ``observe``
        self._placed: set[str] = set()
        self._touched: set[str] = set()
        self._taker_fills: list[dict[str, Any]] = []
        self._recheck: set[tuple[str, str]] = set()

    # --- agents.SimMarket ----------------------------------------------------------------------

    @property
    def now_ns(self) -> int:
        return self.time_ns

    @property
    def step_ns(self) -> int:
        return self._step_ns

    def spec(self, symbol: str) -> SymbolSpec:
        return self.specs[symbol]

    def place(
        self,
        account: Account,
        symbol: str,
        side: Side,
        price_ticks: int,
        quantity_lots: int,
        order_type: OrderType = OrderType.LIMIT,
        time_in_force: TimeInForce = TimeInForce.GTC,
        stp_mode: StpMode = StpMode.EXPIRE_TAKER,
    ) -> OwnOrder | None:
        if price_ticks <= 0 or quantity_lots <= 0:
            return None
        number = self._client_ids.get(account.account_id, 0) + 1
        self._client_ids[account.account_id] = number
        client_order_id = f"{self.run_id}-{number}"
        steps = self.steps[symbol]
        params = {"symbol": symbol, "side": side.name, "type": order_type.name}
        if order_type == OrderType.LIMIT:
            params["timeInForce"] = time_in_force.name
        if order_type != OrderType.MARKET:
            params["price"] = steps.price_text(price_ticks)
        params.update(
            quantity=steps.quantity_text(quantity_lots),
            newClientOrderId=client_order_id,
            selfTradePreventionMode=stp_mode.name,
            newOrderRespType="FULL",
        )
        self.counts["placed"] += 1
        self._placed.add(symbol)
        self._touched.add(symbol)
        body, _ = self._deliver("POST", "/api/v3/order", account, symbol, "place", params)
        if body is None:
            return None
        self.counts["accepted"] += 1
        broker_order_id = str(body["orderId"])
        for fill in body.get("fills", []):
            self._taker_fills.append(
                _fill_event(
                    broker_order_id,
                    account.pseudonym,
                    symbol,
                    side,
                    steps.quantity_lots(fill["qty"]),
                )
            )
        order = OwnOrder(
            broker_order_id,
            client_order_id,
            symbol,
            side,
            price_ticks,
            quantity_lots,
            self.time_ns,
            quantity_lots,
        )
        resting = order_type != OrderType.MARKET and time_in_force == TimeInForce.GTC
        if resting and body.get("status") in _RESTING:
            open_lots = quantity_lots - steps.quantity_lots(body["executedQty"])
            self._live[broker_order_id] = _Live(
                account.pseudonym, symbol, side, price_ticks, open_lots
            )
            self.data.track(account.pseudonym, order)
        return order

    def cancel(self, account: Account, order: OwnOrder) -> None:
        self.data.forget(order.broker_order_id)
        self.counts["cancels"] += 1
        self._touched.add(order.symbol)
        params = {"symbol": order.symbol, "orderId": order.broker_order_id}
        body, refused = self._deliver(
            "DELETE", "/api/v3/order", account, order.symbol, "cancel", params
        )
        live = self._live.get(order.broker_order_id)
        if body is None:
            if refused:
                # Most likely filled meanwhile: read its fills, then let it go.
                self._recheck.add((account.pseudonym, order.symbol))
                self._live.pop(order.broker_order_id, None)
            return
        self.counts["cancelled"] += 1
        executed = self.steps[order.symbol].quantity_lots(body["executedQty"])
        if live is not None and executed > order.quantity_lots - live.open_lots:
            self._recheck.add((account.pseudonym, order.symbol))
        self._live.pop(order.broker_order_id, None)

    # --- the run's side ------------------------------------------------------------------------

    def bind(self, account: Account, credentials: Credentials) -> None:
        """Let ``account`` (an agent's) act with ``credentials``."""
        self._credentials[account.pseudonym] = credentials

    def start(self) -> None:
        """Read where the market stands before the run: books, the last print of each market."""
        events: list[dict[str, Any]] = []
        for symbol in sorted(self.specs):
            latest = self.client.public("/api/v3/trades", {"symbol": symbol, "limit": "1"})
            self._trade_cursor[symbol] = latest[-1]["id"] + 1 if latest else 1
            events += self._prints(symbol, latest, count=False)
            events += self._book(symbol, DEPTH_LEVELS)
        self._first_trade = dict(self._trade_cursor)
        self.data.apply(self.time_ns, events)

    def observe(self) -> None:
        """The end of a step: read what it changed and feed it to the agents' market data."""
        self._steps_seen += 1
        periodic = self._steps_seen % self.refresh_every_steps == 0
        events = self._taker_fills
        self._taker_fills = []
        candidates = self._recheck
        self._recheck = set()
        for symbol in sorted(self.specs):
            if periodic or symbol in self._placed:
                prints = self._new_trades(symbol)
                events += self._prints(symbol, prints)
                candidates |= self._makers_of(symbol, prints)
            if periodic or symbol in self._touched:
                events += self._book(symbol, DEPTH_LEVELS)
        for pseudonym, symbol in sorted(candidates):
            events += self._maker_fills(pseudonym, symbol)
        self._placed = set()
        self._touched = set()
        self.data.apply(self.time_ns, events)

    def books(self) -> dict[str, Book]:
        """Every simulated market's book as the server shows it now."""
        found = {}
        for symbol in sorted(self.specs):
            depth = self.client.public(
                "/api/v3/depth", {"symbol": symbol, "limit": str(FINAL_DEPTH_LEVELS)}
            )
            bids, asks = self._levels(symbol, depth)
            found[symbol] = Book(tuple(bids.items()), tuple(asks.items()))
        return found

    # --- requests --------------------------------------------------------------------------------

    def _deliver(
        self,
        method: str,
        path: str,
        account: Account,
        symbol: str,
        action: str,
        params: dict[str, str],
    ) -> tuple[Any | None, bool]:
        """Send (lose, or send twice) one client request. Returns the first reply's body
        (``None`` when it was lost or refused) and whether it was refused."""
        credentials = self._credentials[account.pseudonym]
        first: Any | Refusal | None = None
        for copy in range(self.deliveries.copies()):
            reply = self.client.signed(method, path, credentials, params)
            if copy == 0 and reply == DUPLICATE_ORDER:
                raise ApiRefusedError(
                    f"client order id {params['newClientOrderId']} of {account.name} was used "
                    f"on this server already: give this run another id than {self.run_id!r}"
                )
            if isinstance(reply, Refusal):
                self.refused.append(
                    Refused(self.time_ns, account.name, action, symbol, reply.code, reply.msg)
                )
            if copy == 0:
                first = reply
        if isinstance(first, Refusal):
            return None, True
        return first, False

    def _new_trades(self, symbol: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            page = self.client.public(
                "/api/v3/historicalTrades",
                {
                    "symbol": symbol,
                    "fromId": str(self._trade_cursor[symbol]),
                    "limit": str(PAGE_MAX),
                },
            )
            page = [trade for trade in page if trade["id"] >= self._trade_cursor[symbol]]
            if not page:
                return found
            found += page
            self._trade_cursor[symbol] = page[-1]["id"] + 1
            if len(page) < PAGE_MAX:
                return found

    def _prints(
        self, symbol: str, trades: list[dict[str, Any]], count: bool = True
    ) -> list[dict[str, Any]]:
        steps = self.steps[symbol]
        if count:
            self.trades[symbol] += len(trades)
        return [
            {
                "k": "venue.trade",
                "symbol": symbol,
                "price_ticks": steps.price_ticks(trade["price"]),
                "quantity_lots": steps.quantity_lots(trade["qty"]),
                "aggressor_side": Side.SELL if trade["isBuyerMaker"] else Side.BUY,
            }
            for trade in trades
        ]

    def _makers_of(self, symbol: str, prints: list[dict[str, Any]]) -> set[tuple[str, str]]:
        """Accounts with a live order where a new print could have filled it: on the maker's
        side of the print, at its price."""
        steps = self.steps[symbol]
        hit = {
            (Side.BUY if trade["isBuyerMaker"] else Side.SELL, steps.price_ticks(trade["price"]))
            for trade in prints
        }
        return {
            (live.pseudonym, symbol)
            for live in self._live.values()
            if live.symbol == symbol and (live.side, live.price_ticks) in hit
        }

    def _maker_fills(self, pseudonym: str, symbol: str) -> list[dict[str, Any]]:
        credentials = self._credentials[pseudonym]
        steps = self.steps[symbol]
        key = (pseudonym, symbol)
        events: list[dict[str, Any]] = []
        while True:
            # Fills before the run are not the run's: start from the run's first trade id.
            cursor = self._fill_cursor.get(key, self._first_trade[symbol])
            params = {"symbol": symbol, "fromId": str(cursor), "limit": str(PAGE_MAX)}
            page = self.client.signed("GET", "/api/v3/myTrades", credentials, params)
            if isinstance(page, Refusal):
                raise ApiRefusedError(f"myTrades of {credentials.label}: {page.code} {page.msg}")
            if not page:
                return events
            self._fill_cursor[key] = max(fill["id"] for fill in page) + 1
            for fill in page:
                if fill["isMaker"]:
                    events += self._maker_fill(pseudonym, symbol, fill, steps)
            if len(page) < PAGE_MAX:
                return events

    def _maker_fill(
        self, pseudonym: str, symbol: str, fill: dict[str, Any], steps: MarketSteps
    ) -> list[dict[str, Any]]:
        order_id = str(fill["orderId"])
        lots = steps.quantity_lots(fill["qty"])
        side = Side.BUY if fill["isBuyer"] else Side.SELL
        events = [_fill_event(order_id, pseudonym, symbol, side, lots)]
        live = self._live.get(order_id)
        if live is not None:
            live.open_lots -= lots
            if live.open_lots <= 0:
                del self._live[order_id]
                events.append({"k": "broker.order_closed", "broker_order_id": order_id})
        return events

    def _book(self, symbol: str, levels: int) -> list[dict[str, Any]]:
        depth = self.client.public("/api/v3/depth", {"symbol": symbol, "limit": str(levels)})
        bids, asks = self._levels(symbol, depth)
        view = self.data.views[symbol]
        return [
            *_deltas(symbol, Side.BUY, view.bids, bids),
            *_deltas(symbol, Side.SELL, view.asks, asks),
        ]

    def _levels(self, symbol: str, depth: dict[str, Any]) -> tuple[dict[int, int], dict[int, int]]:
        steps = self.steps[symbol]

        def side(rows: Iterable[list[str]]) -> dict[int, int]:
            return {steps.price_ticks(price): steps.quantity_lots(qty) for price, qty in rows}

        return side(depth["bids"]), side(depth["asks"])


def _fill_event(
    broker_order_id: str, pseudonym: str, symbol: str, side: Side, quantity_lots: int
) -> dict[str, Any]:
    return {
        "k": "broker.fill_applied",
        "broker_order_id": broker_order_id,
        "account_id": pseudonym,
        "symbol": symbol,
        "side": side,
        "quantity_lots": quantity_lots,
    }


def _deltas(
    symbol: str, side: Side, seen: dict[int, int], now: dict[int, int]
) -> list[dict[str, Any]]:
    """Book-delta events that turn the levels ``seen`` into the levels ``now``."""
    return [
        {
            "k": "venue.book_delta",
            "symbol": symbol,
            "side": side,
            "price_ticks": price,
            "quantity_lots": now.get(price, 0),
        }
        for price in sorted(set(seen) | set(now))
        if seen.get(price, 0) != now.get(price, 0)
    ]
