"""The venue's compiled matching core (``_core.c``) behind the pure-Python engine's contract.

``CompiledVenue.apply(command, ctx)`` returns exactly what ``engine.apply`` returns for the same
state and command (the same event objects, field for field, or the same ``Rejection``, message
for message), and ``state_hash()`` equals ``machine.state_hash`` of the Python state the same
commands would have produced: ``tests/venue/test_venue_compiled.py`` drives both with random
commands and compares every outcome and the hash after every step. The pure-Python engine stays
the oracle and the fallback: where no C compiler was available when the package was built,
``available()`` is false and callers use ``engine.apply``.

The books live in C. ``PlaceOrder``, ``CancelOrder`` and ``AmendOrder`` run there; the rare
commands (listing a market, halts, restrictions) run through ``machine.decide`` and
``machine.evolve`` on a Python state rebuilt from the C books, which is then loaded back: that
costs time in the size of the book, which is fine for commands an operator sends a few times a
day, and keeps one implementation of their rules.
"""

from __future__ import annotations

from typing import Any, Final

from seawall.core import limits
from seawall.core.codec import encode
from seawall.core.hashing import state_digest
from seawall.core.ids import AccountId
from seawall.core.machine import Context, Rejection
from seawall.venue.commands import (
    AccountRole,
    AmendOrder,
    CancelOrder,
    MarketStatus,
    OrderType,
    PlaceOrder,
    Side,
    StpMode,
    TimeInForce,
    VenueCommand,
)
from seawall.venue.events import (
    BookDelta,
    CancelReason,
    ExpireReason,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    Trade,
    VenueEvent,
)
from seawall.venue.machine import STATE_HASH_DOMAIN, decide, evolve, restore
from seawall.venue.rejections import VenueRejection as R
from seawall.venue.state import (
    SNAPSHOT_VERSION,
    Market,
    MarketView,
    OrderView,
    VenueState,
    VenueView,
    venue_view,
)

__all__ = ["CompiledVenue", "available"]

try:
    from seawall.venue import _core  # type: ignore[attr-defined]
except ImportError:  # built without a C compiler: the pure-Python engine serves
    _core = None

#: The order of the C core's rejection table (its ``RJ_`` enum).
_REJECTIONS: Final = (
    R.INVALID_ACCOUNT_ID,
    R.INVALID_CLIENT_ORDER_ID,
    R.INVALID_STP_GROUP,
    R.INVALID_TIME_IN_FORCE,
    R.NON_POSITIVE_QUANTITY,
    R.QUANTITY_ABOVE_MAX,
    R.INVALID_QUANTITY_SPEC,
    R.NON_POSITIVE_PRICE,
    R.PRICE_ABOVE_MAX,
    R.PRICE_NOT_ALLOWED,
    R.INVALID_ORDER_REFERENCE,
    R.UNKNOWN_MARKET,
    R.MARKET_HALTED,
    R.RESTRICTED_ACCOUNT,
    R.UNKNOWN_ORDER,
    R.DUPLICATE_CLIENT_ORDER_ID,
    R.OUTSIDE_PRICE_BAND,
    R.NOTIONAL_BELOW_MINIMUM,
    R.BOOK_FULL,
    R.POST_ONLY_WOULD_TAKE,
    R.FOK_CANNOT_FILL,
    R.NOTHING_TO_AMEND,
    R.AMEND_QUANTITY_NOT_ABOVE_FILLED,
)


def available() -> bool:
    """Whether the compiled core was built (it is optional: it needs a C compiler)."""
    return _core is not None


def _new_core() -> Any:
    if _core is None:
        raise RuntimeError("the compiled venue core was not built (no C compiler at install)")
    return _core.Core(
        (
            OrderAccepted,
            Trade,
            OrderCancelled,
            OrderExpired,
            OrderAmended,
            BookDelta,
            Rejection,
            PlaceOrder,
            CancelOrder,
            AmendOrder,
        ),
        (
            (None, Side.BUY, Side.SELL),
            (None, OrderType.LIMIT, OrderType.MARKET, OrderType.LIMIT_MAKER),
            (None, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK),
            (
                None,
                StpMode.NONE,
                StpMode.EXPIRE_TAKER,
                StpMode.EXPIRE_MAKER,
                StpMode.EXPIRE_BOTH,
            ),
            (ExpireReason.IOC_REMAINDER, ExpireReason.STP_TAKER, ExpireReason.STP_MAKER),
            CancelReason.USER,
        ),
        tuple((int(code), code.name) for code in _REJECTIONS),
        (
            limits.account_id_length_max,
            limits.venue_client_order_id_length_max,
            limits.venue_stp_group_length_max,
            limits.venue_quantity_lots_max,
            limits.venue_price_ticks_max,
            limits.venue_quote_quantity_max,
            limits.venue_orders_per_market_max,
        ),
    )


class CompiledVenue:
    """The venue's state and engine with its books in C. Start from ``state`` (default empty)."""

    __slots__ = ("_core", "_markets", "_restricted", "apply_hot")

    def __init__(self, state: VenueState | None = None) -> None:
        self._core = _new_core()
        #: Each market's definition (the C core keeps its books, status and counters).
        self._markets: dict[str, Market] = {}
        self._restricted: dict[AccountId, AccountRole] = {}
        #: ``apply`` without the context, for the three hot commands only: what a tight loop
        #: (the benchmark) calls.
        self.apply_hot = self._core.apply
        self.load(state if state is not None else VenueState())

    def load(self, state: VenueState) -> None:
        """Replace everything with ``state`` (which is not kept or changed)."""
        core = self._core
        core.reset(state.next_order_id, dict(state.restricted_accounts))
        self._restricted = dict(state.restricted_accounts)
        self._markets = {}
        for symbol in sorted(state.markets):
            market = state.markets[symbol]
            self._markets[symbol] = market
            core.add_market(
                symbol,
                market.min_notional_tick_lots,
                market.price_band_bps,
                market.last_price_ticks,
                int(market.status),
                market.next_trade_id,
                market.update_seq,
                market.restricted_accounts,
            )
        for view in venue_view(state).markets:
            for order in (*view.bids, *view.asks):
                core.load_order(
                    view.symbol,
                    order.order_id,
                    order.account_id,
                    order.client_order_id,
                    int(order.side),
                    int(order.order_type),
                    order.price_ticks,
                    order.open_lots,
                    order.filled_lots,
                    int(order.stp_mode),
                    order.stp_group,
                )

    def apply(self, command: VenueCommand, ctx: Context) -> list[VenueEvent] | Rejection:
        """Decide and evolve ``command`` at once, as ``engine.apply`` does. On a rejection the
        state is unchanged."""
        kind = type(command)
        if kind is PlaceOrder or kind is CancelOrder or kind is AmendOrder:
            outcome: list[VenueEvent] | Rejection = self._core.apply(command)
            return outcome
        state = self.to_state()
        outcome = decide(state, command, ctx)
        if not isinstance(outcome, Rejection):
            for event in outcome:
                evolve(state, event)
            self.load(state)
        return outcome

    def view(self) -> VenueView:
        """The canonical view of the state, as ``state.venue_view`` gives for a Python state."""
        next_order_id, dumped = self._core.dump()
        markets = []
        for symbol, status, last_price, next_trade_id, update_seq, bids, asks in sorted(dumped):
            market = self._markets[symbol]
            markets.append(
                MarketView(
                    symbol=symbol,
                    base_asset=market.base_asset,
                    quote_asset=market.quote_asset,
                    tick_size=market.tick_size,
                    lot_size=market.lot_size,
                    min_notional_tick_lots=market.min_notional_tick_lots,
                    price_band_bps=market.price_band_bps,
                    reference_price_ticks=market.reference_price_ticks,
                    restricted_accounts=tuple(sorted(market.restricted_accounts)),
                    status=MarketStatus(status),
                    last_price_ticks=last_price,
                    next_trade_id=next_trade_id,
                    update_seq=update_seq,
                    bids=tuple(_order_view(order) for order in bids),
                    asks=tuple(_order_view(order) for order in asks),
                )
            )
        return VenueView(
            version=SNAPSHOT_VERSION,
            next_order_id=next_order_id,
            restricted_accounts=tuple(
                (account, self._restricted[account]) for account in sorted(self._restricted)
            ),
            markets=tuple(markets),
        )

    def to_state(self) -> VenueState:
        """A Python ``VenueState`` equal to this one (checked on the way: ``machine.restore``)."""
        return restore(encode(self.view()))

    def state_hash(self) -> bytes:
        """``machine.state_hash`` of the equivalent Python state."""
        return state_digest(STATE_HASH_DOMAIN, self.view())

    def direct_events(self) -> tuple[bool, ...]:
        """Per event class (accepted, trade, cancelled, expired, amended, book delta): whether
        the core fills instances in their slots (else it calls the class)."""
        return tuple(bool(flag) for flag in self._core.direct_events())

    def resting(self) -> tuple[int, int]:
        """How many orders rest, and their open lots, over every market."""
        count, lots = self._core.resting()
        return int(count), int(lots)


def _order_view(order: tuple[Any, ...]) -> OrderView:
    order_id, account, coid, side, order_type, price, open_lots, filled, stp, group = order
    return OrderView(
        order_id=order_id,
        account_id=account,
        client_order_id=coid,
        side=Side(side),
        order_type=OrderType(order_type),
        price_ticks=price,
        open_lots=open_lots,
        filled_lots=filled,
        stp_mode=StpMode(stp),
        stp_group=group,
    )
