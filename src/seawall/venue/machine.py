"""The venue's state machine: ``decide`` (pure), ``evolve`` (in place), hashing and snapshots.

The venue only matches: price-time priority, trades at the maker's price, no assets, no account
of its own. ``decide(state, command, ctx)`` returns the events a command causes, or a
``Rejection``; it walks the book read-only to compute a match. ``evolve(state, event)`` applies
one event; it asserts (``Invariant: ...``) and never validates. ``engine.apply`` does both at once
for speed and returns the same events.

The rules, in the order a command's checks run (the first that fails names the rejection):

``PlaceOrder``
    1. ``account_id`` 1..``account_id_length_max`` characters, else ``INVALID_ACCOUNT_ID``;
    2. ``client_order_id`` empty or an id of at most ``venue_client_order_id_length_max``
       (``A-Za-z0-9._:-``, starting with a letter or digit), else ``INVALID_CLIENT_ORDER_ID``;
       ``stp_group`` likewise, else ``INVALID_STP_GROUP``;
    3. MARKET needs IOC, LIMIT_MAKER needs GTC, else ``INVALID_TIME_IN_FORCE``;
    4. quantities: LIMIT and LIMIT_MAKER give no quote amount (``INVALID_QUANTITY_SPEC``) and a
       quantity in 1..``venue_quantity_lots_max`` (``NON_POSITIVE_QUANTITY``,
       ``QUANTITY_ABOVE_MAX``); MARKET gives no negative amount and not both zero
       (``NON_POSITIVE_QUANTITY``), not both set (``INVALID_QUANTITY_SPEC``), none above its
       maximum (``QUANTITY_ABOVE_MAX``);
    5. prices: LIMIT and LIMIT_MAKER 1..``venue_price_ticks_max`` (``NON_POSITIVE_PRICE``,
       ``PRICE_ABOVE_MAX``); MARKET 0 (``PRICE_NOT_ALLOWED``);
    6. the market exists (``UNKNOWN_MARKET``) and trades (``MARKET_HALTED``);
    7. the account is not the operator's or an affiliate's, venue-wide or for this market
       (``RESTRICTED_ACCOUNT``);
    8. the client order id is not already on one of the account's live orders
       (``DUPLICATE_CLIENT_ORDER_ID``);
    9. limit types: with a band and a last (or reference) price ``L``, ``price * 10_000`` lies
       in ``[L * (10_000 - bps), L * (10_000 + bps)]`` (``OUTSIDE_PRICE_BAND``);
       ``price * quantity >= min_notional_tick_lots`` (``NOTIONAL_BELOW_MINIMUM``); a GTC order
       finds room in the book (``BOOK_FULL``). MARKET: a quote amount, or the quantity times
       the last price when there is one, is at least the minimum notional
       (``NOTIONAL_BELOW_MINIMUM``);
    10. LIMIT_MAKER would not trade on arrival (``POST_ONLY_WOULD_TAKE``);
    11. FOK fills in full, self-trade prevention included (``FOK_CANNOT_FILL``).

    A MARKET order trades no further than the price band (with the last price when it
    arrives), and a quote-sized one stops at the first maker of whom its remaining quote amount
    buys (or receives) less than one lot.

``CancelOrder``: account (``INVALID_ACCOUNT_ID``); exactly one of ``order_id`` > 0 and
    ``client_order_id`` (``INVALID_ORDER_REFERENCE``); ``UNKNOWN_MARKET``; a live order of this
    account in this market (``UNKNOWN_ORDER``). A halted market still takes cancels.

``AmendOrder``: account; reference; quantity (``NON_POSITIVE_QUANTITY``,
    ``QUANTITY_ABOVE_MAX``); price (``NON_POSITIVE_PRICE``, ``PRICE_ABOVE_MAX``);
    ``UNKNOWN_MARKET``; ``MARKET_HALTED``; ``UNKNOWN_ORDER``; a change (``NOTHING_TO_AMEND``);
    total above filled (``AMEND_QUANTITY_NOT_ABOVE_FILLED``); a changed price within the band
    (``OUTSIDE_PRICE_BAND``); ``price * quantity`` (the new total) not below the minimum
    notional (``NOTIONAL_BELOW_MINIMUM``); a post-only order's new price does not cross
    (``POST_ONLY_WOULD_TAKE``).

``CreateMarket``: ``INVALID_SYMBOL``, ``MARKET_EXISTS``, ``MARKETS_FULL``, ``INVALID_ASSET``,
    ``INVALID_STEP``, ``INVALID_MARKET_PARAMETER``. ``HaltMarket`` / ``ResumeMarket``:
    ``UNKNOWN_MARKET``, then ``MARKET_ALREADY_HALTED`` / ``MARKET_NOT_HALTED``.
    ``RestrictAccount``: ``INVALID_ACCOUNT_ID``, ``ACCOUNT_ALREADY_RESTRICTED``,
    ``RESTRICTED_ACCOUNTS_FULL``; it cancels the account's live orders in every market (markets
    by symbol, orders by id, each market's book deltas after its cancels).
    ``UnrestrictAccount``: ``INVALID_ACCOUNT_ID``, ``ACCOUNT_NOT_RESTRICTED``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from seawall.core import limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, UnitError, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import AccountId, check_asset_code
from seawall.core.machine import Context, Rejection, reject
from seawall.core.units import Step, from_steps, parse_decimal, to_steps
from seawall.venue.book import (
    BookSide,
    OrderNode,
    append_order,
    iter_levels,
    unlink_order,
)
from seawall.venue.commands import (
    AmendOrder,
    CancelOrder,
    CreateMarket,
    HaltMarket,
    MarketStatus,
    OrderType,
    PlaceOrder,
    RestrictAccount,
    ResumeMarket,
    Side,
    StpMode,
    TimeInForce,
    UnrestrictAccount,
    VenueCommand,
)
from seawall.venue.events import (
    AccountRestricted,
    AccountUnrestricted,
    BookDelta,
    CancelReason,
    ExpireReason,
    MarketCreated,
    MarketHalted,
    MarketResumed,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    Trade,
    VenueEvent,
)
from seawall.venue.rejections import VenueRejection as R
from seawall.venue.state import SNAPSHOT_VERSION, Market, VenueState, VenueView, venue_view

__all__ = [
    "STATE_HASH_DOMAIN",
    "check_invariants",
    "decide",
    "evolve",
    "format_price",
    "format_quantity",
    "new_state",
    "price_ticks_from_text",
    "quantity_lots_from_text",
    "restore",
    "snapshot",
    "state_hash",
]

#: The domain label of the venue's state hash.
STATE_HASH_DOMAIN: Final = "seawall.venue.state.v1"

_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]*")
_SYMBOL_PATTERN: Final = re.compile(r"[A-Z0-9][A-Z0-9._\-]*")
_BPS: Final = 10_000
_ACCOUNT_LENGTH_MAX: Final = limits.account_id_length_max
_QUANTITY_MAX: Final = limits.venue_quantity_lots_max
_QUOTE_MAX: Final = limits.venue_quote_quantity_max
_PRICE_MAX: Final = limits.venue_price_ticks_max

_BUY: Final = Side.BUY
_SELL: Final = Side.SELL
_LIMIT: Final = OrderType.LIMIT
_MARKET: Final = OrderType.MARKET
_LIMIT_MAKER: Final = OrderType.LIMIT_MAKER
_GTC: Final = TimeInForce.GTC
_IOC: Final = TimeInForce.IOC
_FOK: Final = TimeInForce.FOK
_STP_NONE: Final = StpMode.NONE
_EXPIRE_TAKER: Final = StpMode.EXPIRE_TAKER
_EXPIRE_BOTH: Final = StpMode.EXPIRE_BOTH
_HALTED: Final = MarketStatus.HALTED
_IOC_REMAINDER: Final = ExpireReason.IOC_REMAINDER
_STP_TAKER: Final = ExpireReason.STP_TAKER
_STP_MAKER: Final = ExpireReason.STP_MAKER


def new_state() -> VenueState:
    """An empty venue: no markets, no restricted accounts."""
    return VenueState()


# --- checks shared by decide and engine.apply --------------------------------------------------


def _bad_id(value: str, length_max: int) -> bool:
    return len(value) > length_max or _ID_PATTERN.fullmatch(value) is None


def _bad_account(account: str) -> bool:
    return not 0 < len(account) <= limits.account_id_length_max


def in_band(market: Market, price_ticks: int) -> bool:
    """Whether a limit price lies in the market's band around its last price."""
    band = market.price_band_bps
    last = market.last_price_ticks
    if not band or not last:
        return True
    scaled = price_ticks * _BPS
    return last * (_BPS - band) <= scaled <= last * (_BPS + band)


def market_limit_key(market: Market, side: Side) -> int:
    """The rank key on the opposite side beyond which a MARKET order does not trade: the band's
    edge when the market has a band and a last price, else no limit."""
    band = market.price_band_bps
    last = market.last_price_ticks
    if side is _BUY:  # walks asks, key = price, stops above the band's top
        if band and last:
            return last * (_BPS + band) // _BPS
        return limits.venue_price_ticks_max
    if band and last:  # walks bids, key = -price, stops below the band's bottom
        return (last * (_BPS - band) + _BPS - 1) // _BPS * -1
    return 0


def check_place(state: VenueState, cmd: PlaceOrder) -> Market | Rejection:
    """Steps 1-9 of the ``PlaceOrder`` rules; the market on success. On the hot path."""
    account = cmd.account_id
    if not account or len(account) > _ACCOUNT_LENGTH_MAX:
        return reject(
            R.INVALID_ACCOUNT_ID, f"account_id must be 1..{_ACCOUNT_LENGTH_MAX} characters"
        )
    coid = cmd.client_order_id
    if coid and _bad_id(coid, limits.venue_client_order_id_length_max):
        return reject(R.INVALID_CLIENT_ORDER_ID, f"bad client_order_id {coid!r}")
    group = cmd.stp_group
    if group and _bad_id(group, limits.venue_stp_group_length_max):
        return reject(R.INVALID_STP_GROUP, f"bad stp_group {group!r}")
    order_type = cmd.order_type
    tif = cmd.time_in_force
    quantity = cmd.quantity_lots
    quote = cmd.quote_quantity_tick_lots
    price = cmd.price_ticks
    if order_type is _MARKET:
        if tif is not _IOC:
            return reject(R.INVALID_TIME_IN_FORCE, "a MARKET order is IOC")
        if quantity < 0 or quote < 0 or (quantity == 0 and quote == 0):
            return reject(
                R.NON_POSITIVE_QUANTITY, "a MARKET order needs a positive quantity or quote amount"
            )
        if quantity and quote:
            return reject(
                R.INVALID_QUANTITY_SPEC,
                "a MARKET order gives a quantity or a quote amount, not both",
            )
        if quantity > _QUANTITY_MAX or quote > _QUOTE_MAX:
            return reject(R.QUANTITY_ABOVE_MAX, "quantity above its maximum")
        if price != 0:
            return reject(R.PRICE_NOT_ALLOWED, "a MARKET order has no price")
    else:
        if order_type is _LIMIT_MAKER and tif is not _GTC:
            return reject(R.INVALID_TIME_IN_FORCE, "a LIMIT_MAKER order is GTC")
        if quote != 0:
            return reject(R.INVALID_QUANTITY_SPEC, "a limit order has no quote amount")
        if quantity <= 0:
            return reject(
                R.NON_POSITIVE_QUANTITY, f"quantity_lots must be positive, got {quantity}"
            )
        if quantity > _QUANTITY_MAX:
            return reject(R.QUANTITY_ABOVE_MAX, f"quantity_lots above {_QUANTITY_MAX}")
        if price <= 0:
            return reject(R.NON_POSITIVE_PRICE, f"price_ticks must be positive, got {price}")
        if price > _PRICE_MAX:
            return reject(R.PRICE_ABOVE_MAX, f"price_ticks above {_PRICE_MAX}")
    market = state.markets.get(cmd.symbol)
    if market is None:
        return reject(R.UNKNOWN_MARKET, f"no market {cmd.symbol!r}")
    if market.status is _HALTED:
        return reject(R.MARKET_HALTED, f"market {cmd.symbol} is halted")
    if account in state.restricted_accounts or account in market.restricted_accounts:
        return reject(
            R.RESTRICTED_ACCOUNT, f"account {account} belongs to the operator or an affiliate"
        )
    if coid:
        live = state.client_order_ids.get(account)
        if live is not None and coid in live:
            return reject(R.DUPLICATE_CLIENT_ORDER_ID, f"client_order_id {coid!r} is live")
    if order_type is _MARKET:
        minimum = market.min_notional_tick_lots
        if minimum and (
            (quote and quote < minimum)
            or (
                quantity
                and market.last_price_ticks
                and quantity * market.last_price_ticks < minimum
            )
        ):
            return reject(R.NOTIONAL_BELOW_MINIMUM, f"notional below {minimum} tick-lots")
        return market
    if market.price_band_bps and market.last_price_ticks and not in_band(market, price):
        return reject(R.OUTSIDE_PRICE_BAND, f"price_ticks {price} outside the band")
    if price * quantity < market.min_notional_tick_lots:
        return reject(
            R.NOTIONAL_BELOW_MINIMUM, f"notional below {market.min_notional_tick_lots} tick-lots"
        )
    if tif is _GTC and len(market.orders) >= limits.venue_orders_per_market_max:
        return reject(R.BOOK_FULL, f"market {cmd.symbol} holds {len(market.orders)} orders")
    return market


def check_cancel(state: VenueState, cmd: CancelOrder) -> tuple[Market, OrderNode] | Rejection:
    """The ``CancelOrder`` rules; the market and the order on success."""
    account = cmd.account_id
    if not account or len(account) > _ACCOUNT_LENGTH_MAX:
        return reject(R.INVALID_ACCOUNT_ID, "bad account_id")
    order_id = cmd.order_id
    if (order_id > 0) == bool(cmd.client_order_id) or order_id < 0:
        return reject(R.INVALID_ORDER_REFERENCE, "give exactly one of order_id and client_order_id")
    market = state.markets.get(cmd.symbol)
    if market is None:
        return reject(R.UNKNOWN_MARKET, f"no market {cmd.symbol!r}")
    node = market.orders.get(order_id) if order_id else _by_client_id(state, market, cmd)
    if node is None or node.account_id != account:
        return reject(R.UNKNOWN_ORDER, "no such live order")
    return market, node


def _by_client_id(
    state: VenueState, market: Market, cmd: CancelOrder | AmendOrder
) -> OrderNode | None:
    live = state.client_order_ids.get(cmd.account_id)
    if live is None:
        return None
    return market.orders.get(live.get(cmd.client_order_id, 0))


def check_amend(state: VenueState, cmd: AmendOrder) -> tuple[Market, OrderNode] | Rejection:
    """The ``AmendOrder`` rules; the market and the order on success. On the hot path."""
    account = cmd.account_id
    if not account or len(account) > _ACCOUNT_LENGTH_MAX:
        return reject(R.INVALID_ACCOUNT_ID, "bad account_id")
    order_id = cmd.order_id
    if (order_id > 0) == bool(cmd.client_order_id) or order_id < 0:
        return reject(R.INVALID_ORDER_REFERENCE, "give exactly one of order_id and client_order_id")
    quantity = cmd.quantity_lots
    price = cmd.price_ticks
    if quantity <= 0:
        return reject(R.NON_POSITIVE_QUANTITY, f"quantity_lots must be positive, got {quantity}")
    if quantity > _QUANTITY_MAX:
        return reject(R.QUANTITY_ABOVE_MAX, f"quantity_lots above {_QUANTITY_MAX}")
    if price <= 0:
        return reject(R.NON_POSITIVE_PRICE, f"price_ticks must be positive, got {price}")
    if price > _PRICE_MAX:
        return reject(R.PRICE_ABOVE_MAX, f"price_ticks above {_PRICE_MAX}")
    market = state.markets.get(cmd.symbol)
    if market is None:
        return reject(R.UNKNOWN_MARKET, f"no market {cmd.symbol!r}")
    if market.status is _HALTED:
        return reject(R.MARKET_HALTED, f"market {cmd.symbol} is halted")
    node = market.orders.get(order_id) if order_id else _by_client_id(state, market, cmd)
    if node is None or node.account_id != account:
        return reject(R.UNKNOWN_ORDER, "no such live order")
    filled = node.filled_lots
    moved = price != node.price_ticks
    if not moved and quantity == node.open_lots + filled:
        return reject(R.NOTHING_TO_AMEND, "same price and quantity")
    if quantity <= filled:
        return reject(R.AMEND_QUANTITY_NOT_ABOVE_FILLED, f"{filled} lots already filled")
    if moved and market.price_band_bps and market.last_price_ticks and not in_band(market, price):
        return reject(R.OUTSIDE_PRICE_BAND, f"price_ticks {price} outside the band")
    if price * quantity < market.min_notional_tick_lots:
        return reject(
            R.NOTIONAL_BELOW_MINIMUM, f"notional below {market.min_notional_tick_lots} tick-lots"
        )
    if moved and node.order_type is _LIMIT_MAKER:
        opposite = market.asks if node.side is _BUY else market.bids
        best = opposite.ladder.first()
        if best is not None and best <= price * opposite.sign:
            return reject(R.POST_ONLY_WOULD_TAKE, "the new price would take")
    return market, node


# --- the read-only match -----------------------------------------------------------------------


def walk(
    market: Market,
    opposite: BookSide,
    taker_side: Side,
    taker_order_id: int,
    taker_account: AccountId,
    stp_mode: StpMode,
    stp_group: str,
    limit_key: int,
    remaining_lots: int,
    remaining_quote: int,
    quote_sized: bool,
) -> tuple[list[VenueEvent], list[tuple[int, int]], int, int, bool]:
    """Match a taker against ``opposite`` without changing anything.

    Returns the makers' events (trades, STP maker expiries) in order, the maker side's changed
    levels as ``(price_ticks, new_total_lots)`` best first, the taker's remaining lots and quote,
    and whether self-trade prevention expired the taker.
    """
    events: list[VenueEvent] = []
    deltas: list[tuple[int, int]] = []
    symbol = market.symbol
    trade_id = market.next_trade_id
    stp = stp_mode is not _STP_NONE
    stp_taker = False
    sign = opposite.sign
    cap = remaining_lots
    for level in iter_levels(opposite):
        price = level.price_ticks
        if price * sign > limit_key:
            break
        total = level.total_lots
        done = False
        node = level.head
        while node is not None:
            if quote_sized:
                cap = remaining_quote // price
                if cap == 0:
                    done = True
                    break
            if stp and (
                node.account_id == taker_account or (stp_group and node.stp_group == stp_group)
            ):
                if stp_mode is _EXPIRE_TAKER:
                    stp_taker = done = True
                    break
                events.append(
                    OrderExpired(
                        symbol, node.order_id, node.account_id, _STP_MAKER, node.open_lots, 0
                    )
                )
                total -= node.open_lots
                if stp_mode is _EXPIRE_BOTH:
                    stp_taker = done = True
                    break
                node = node.next
                continue
            open_lots = node.open_lots
            fill = open_lots if open_lots <= cap else cap
            events.append(
                Trade(
                    symbol,
                    trade_id,
                    price,
                    fill,
                    taker_side,
                    node.order_id,
                    node.account_id,
                    taker_order_id,
                    taker_account,
                )
            )
            trade_id += 1
            total -= fill
            if quote_sized:
                remaining_quote -= fill * price
            else:
                remaining_lots -= fill
                cap = remaining_lots
                if remaining_lots == 0:
                    done = True
                    break
            if fill < open_lots:
                done = True
                break
            node = node.next
        if total != level.total_lots:
            deltas.append((price, total))
        if done:
            break
    return events, deltas, remaining_lots, remaining_quote, stp_taker


def _deltas(
    market: Market,
    taker_side: Side,
    own: list[tuple[int, int]],
    maker: list[tuple[int, int]],
) -> list[VenueEvent]:
    """``BookDelta``\\ s, bids first: own side and maker side in the right order."""
    symbol = market.symbol
    seq = market.update_seq
    out: list[VenueEvent] = []
    groups = ((_BUY, own), (_SELL, maker)) if taker_side is _BUY else ((_BUY, maker), (_SELL, own))
    for side, group in groups:
        for price, total in group:
            seq += 1
            out.append(BookDelta(symbol, seq, side, price, total))
    return out


# --- decide --------------------------------------------------------------------------------------


def _decide_place(state: VenueState, cmd: PlaceOrder) -> list[VenueEvent] | Rejection:
    checked = check_place(state, cmd)
    if isinstance(checked, Rejection):
        return checked
    market = checked
    side = cmd.side
    own, opposite = (market.bids, market.asks) if side is _BUY else (market.asks, market.bids)
    order_type = cmd.order_type
    price = cmd.price_ticks
    limit_key = market_limit_key(market, side) if order_type is _MARKET else price * opposite.sign
    best = opposite.ladder.first()
    crosses = best is not None and best <= limit_key
    if order_type is _LIMIT_MAKER and crosses:
        return reject(R.POST_ONLY_WOULD_TAKE, "a LIMIT_MAKER order would take")
    order_id = state.next_order_id
    quote_sized = cmd.quote_quantity_tick_lots > 0
    makers: list[VenueEvent] = []
    maker_deltas: list[tuple[int, int]] = []
    remaining = cmd.quantity_lots
    remaining_quote = cmd.quote_quantity_tick_lots
    stp_taker = False
    if crosses:
        makers, maker_deltas, remaining, remaining_quote, stp_taker = walk(
            market,
            opposite,
            side,
            order_id,
            cmd.account_id,
            cmd.stp_mode,
            cmd.stp_group,
            limit_key,
            remaining,
            remaining_quote,
            quote_sized,
        )
    tif = cmd.time_in_force
    if tif is _FOK and remaining:
        return reject(R.FOK_CANNOT_FILL, "cannot fill in full")
    events: list[VenueEvent] = [
        OrderAccepted(
            market.symbol,
            order_id,
            cmd.account_id,
            cmd.client_order_id,
            side,
            order_type,
            tif,
            price,
            cmd.quantity_lots,
            cmd.quote_quantity_tick_lots,
            cmd.stp_mode,
            cmd.stp_group,
        )
    ]
    events.extend(makers)
    own_deltas: list[tuple[int, int]] = []
    reason = _STP_TAKER if stp_taker else _IOC_REMAINDER
    if quote_sized:
        if remaining_quote:
            events.append(
                OrderExpired(market.symbol, order_id, cmd.account_id, reason, 0, remaining_quote)
            )
    elif remaining:
        if tif is _GTC and not stp_taker:
            level = own.level_at(price)
            own_deltas.append((price, (level.total_lots if level is not None else 0) + remaining))
        else:
            events.append(
                OrderExpired(market.symbol, order_id, cmd.account_id, reason, remaining, 0)
            )
    events.extend(_deltas(market, side, own_deltas, maker_deltas))
    return events


def _decide_cancel(state: VenueState, cmd: CancelOrder) -> list[VenueEvent] | Rejection:
    checked = check_cancel(state, cmd)
    if isinstance(checked, Rejection):
        return checked
    market, node = checked
    level = node.level
    assert level is not None
    return [
        OrderCancelled(
            market.symbol, node.order_id, node.account_id, CancelReason.USER, node.open_lots
        ),
        BookDelta(
            market.symbol,
            market.update_seq + 1,
            node.side,
            node.price_ticks,
            level.total_lots - node.open_lots,
        ),
    ]


def _decide_amend(state: VenueState, cmd: AmendOrder) -> list[VenueEvent] | Rejection:
    checked = check_amend(state, cmd)
    if isinstance(checked, Rejection):
        return checked
    market, node = checked
    price = cmd.price_ticks
    quantity = cmd.quantity_lots
    new_open = quantity - node.filled_lots
    keep = price == node.price_ticks and quantity < node.open_lots + node.filled_lots
    events: list[VenueEvent] = [
        OrderAmended(market.symbol, node.order_id, node.account_id, price, quantity, new_open, keep)
    ]
    level = node.level
    assert level is not None
    side = node.side
    if keep:
        own = [(price, level.total_lots - node.open_lots + new_open)]
        events.extend(_deltas(market, side, own, []))
        return events
    own_side, opposite = (market.bids, market.asks) if side is _BUY else (market.asks, market.bids)
    makers, maker_deltas, remaining, _, stp_taker = walk(
        market,
        opposite,
        side,
        node.order_id,
        node.account_id,
        node.stp_mode,
        node.stp_group,
        price * opposite.sign,
        new_open,
        0,
        False,
    )
    events.extend(makers)
    old_total = level.total_lots - node.open_lots
    rests = remaining > 0 and not stp_taker
    if stp_taker:
        events.append(
            OrderExpired(market.symbol, node.order_id, node.account_id, _STP_TAKER, remaining, 0)
        )
    own_deltas: list[tuple[int, int]]
    if price == node.price_ticks:
        own_deltas = [(price, old_total + (remaining if rests else 0))]
    else:
        own_deltas = [(node.price_ticks, old_total)]
        if rests:
            new_level = own_side.level_at(price)
            new_total = (new_level.total_lots if new_level is not None else 0) + remaining
            if price * own_side.sign < node.price_ticks * own_side.sign:
                own_deltas.insert(0, (price, new_total))
            else:
                own_deltas.append((price, new_total))
    events.extend(_deltas(market, side, own_deltas, maker_deltas))
    return events


def _decide_create_market(state: VenueState, cmd: CreateMarket) -> list[VenueEvent] | Rejection:
    symbol = cmd.symbol
    if (
        not 0 < len(symbol) <= limits.venue_symbol_length_max
        or _SYMBOL_PATTERN.fullmatch(symbol) is None
    ):
        return reject(R.INVALID_SYMBOL, f"bad symbol {symbol!r}")
    if symbol in state.markets:
        return reject(R.MARKET_EXISTS, f"market {symbol} exists")
    if len(state.markets) >= limits.venue_markets_max:
        return reject(R.MARKETS_FULL, f"{len(state.markets)} markets listed")
    try:
        check_asset_code(cmd.base_asset, limits.asset_code_length_max)
        check_asset_code(cmd.quote_asset, limits.asset_code_length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ASSET, str(exc))
    if cmd.base_asset == cmd.quote_asset:
        return reject(R.INVALID_ASSET, "base and quote asset are the same")
    try:
        Step(cmd.tick_size)
        Step(cmd.lot_size)
    except ConditionFailed as exc:
        return reject(R.INVALID_STEP, str(exc))
    accounts = cmd.restricted_accounts
    problem = ""
    if not 0 <= cmd.min_notional_tick_lots <= limits.venue_quote_quantity_max:
        problem = "min_notional_tick_lots out of range"
    elif not 0 <= cmd.price_band_bps <= limits.venue_price_band_bps_max:
        problem = "price_band_bps out of range"
    elif not 0 <= cmd.reference_price_ticks <= limits.venue_price_ticks_max:
        problem = "reference_price_ticks out of range"
    elif len(accounts) > limits.venue_market_restricted_accounts_max:
        problem = "too many restricted accounts"
    elif len(set(accounts)) != len(accounts) or any(_bad_account(a) for a in accounts):
        problem = "restricted accounts must be distinct account ids"
    if problem:
        return reject(R.INVALID_MARKET_PARAMETER, problem)
    return [
        MarketCreated(
            symbol=symbol,
            base_asset=cmd.base_asset,
            quote_asset=cmd.quote_asset,
            tick_size=cmd.tick_size,
            lot_size=cmd.lot_size,
            min_notional_tick_lots=cmd.min_notional_tick_lots,
            price_band_bps=cmd.price_band_bps,
            reference_price_ticks=cmd.reference_price_ticks,
            restricted_accounts=tuple(sorted(accounts)),
        )
    ]


def _decide_halt(state: VenueState, cmd: HaltMarket) -> list[VenueEvent] | Rejection:
    market = state.markets.get(cmd.symbol)
    if market is None:
        return reject(R.UNKNOWN_MARKET, f"no market {cmd.symbol!r}")
    if market.status is _HALTED:
        return reject(R.MARKET_ALREADY_HALTED, f"market {cmd.symbol} is halted")
    return [MarketHalted(cmd.symbol)]


def _decide_resume(state: VenueState, cmd: ResumeMarket) -> list[VenueEvent] | Rejection:
    market = state.markets.get(cmd.symbol)
    if market is None:
        return reject(R.UNKNOWN_MARKET, f"no market {cmd.symbol!r}")
    if market.status is not _HALTED:
        return reject(R.MARKET_NOT_HALTED, f"market {cmd.symbol} is not halted")
    return [MarketResumed(cmd.symbol)]


def _decide_restrict(state: VenueState, cmd: RestrictAccount) -> list[VenueEvent] | Rejection:
    account = cmd.account_id
    if _bad_account(account):
        return reject(R.INVALID_ACCOUNT_ID, "bad account_id")
    if account in state.restricted_accounts:
        return reject(R.ACCOUNT_ALREADY_RESTRICTED, f"account {account} is restricted")
    if len(state.restricted_accounts) >= limits.venue_restricted_accounts_max:
        return reject(R.RESTRICTED_ACCOUNTS_FULL, "too many restricted accounts")
    events: list[VenueEvent] = [AccountRestricted(account, cmd.role)]
    for symbol in sorted(state.markets):
        market = state.markets[symbol]
        nodes = sorted(
            (node for node in market.orders.values() if node.account_id == account),
            key=lambda node: node.order_id,
        )
        if not nodes:
            continue
        totals: dict[tuple[int, int], int] = {}  # (side, rank key) -> new total
        for node in nodes:
            events.append(
                OrderCancelled(
                    symbol, node.order_id, account, CancelReason.RESTRICTED_ACCOUNT, node.open_lots
                )
            )
            level = node.level
            assert level is not None
            sign = -1 if node.side is _BUY else 1
            key = (int(node.side), node.price_ticks * sign)
            totals[key] = totals.get(key, level.total_lots) - node.open_lots
        seq = market.update_seq
        for side_value, rank in sorted(totals):
            seq += 1
            side = Side(side_value)
            price = rank * (-1 if side is _BUY else 1)
            events.append(BookDelta(symbol, seq, side, price, totals[(side_value, rank)]))
    return events


def _decide_unrestrict(state: VenueState, cmd: UnrestrictAccount) -> list[VenueEvent] | Rejection:
    if _bad_account(cmd.account_id):
        return reject(R.INVALID_ACCOUNT_ID, "bad account_id")
    if cmd.account_id not in state.restricted_accounts:
        return reject(R.ACCOUNT_NOT_RESTRICTED, f"account {cmd.account_id} is not restricted")
    return [AccountUnrestricted(cmd.account_id)]


_DECIDERS: Final[dict[type, Callable[[VenueState, Any], list[VenueEvent] | Rejection]]] = {
    PlaceOrder: _decide_place,
    CancelOrder: _decide_cancel,
    AmendOrder: _decide_amend,
    CreateMarket: _decide_create_market,
    HaltMarket: _decide_halt,
    ResumeMarket: _decide_resume,
    RestrictAccount: _decide_restrict,
    UnrestrictAccount: _decide_unrestrict,
}


def decide(state: VenueState, command: VenueCommand, ctx: Context) -> list[VenueEvent] | Rejection:
    """The events ``command`` causes, or why it is refused. Pure: ``state`` is not changed."""
    del ctx  # the venue's decisions depend on its state and the command alone
    decider = _DECIDERS.get(type(command))
    if decider is None:
        raise ConditionFailed(f"not a venue command: {type(command).__name__}")
    return decider(state, command)


# --- evolve --------------------------------------------------------------------------------------


def _side_of(market: Market, side: Side) -> BookSide:
    return market.bids if side is _BUY else market.asks


def remove_order(state: VenueState, market: Market, node: OrderNode) -> None:
    """Take a resting order out of the book, the order dict and the client id index."""
    unlink_order(_side_of(market, node.side), node)
    del market.orders[node.order_id]
    if node.client_order_id:
        live = state.client_order_ids[node.account_id]
        del live[node.client_order_id]
        if not live:
            del state.client_order_ids[node.account_id]


def _reduce(state: VenueState, market: Market, node: OrderNode, lots: int) -> None:
    if not 0 < lots <= node.open_lots:
        raise InvariantViolation(f"order {node.order_id} cannot fill {lots} lots")
    level = node.level
    assert level is not None
    node.open_lots -= lots
    node.filled_lots += lots
    level.total_lots -= lots
    if node.open_lots == 0:
        remove_order(state, market, node)


# The evolvers below build an invariant's message only when it fails: they run once per event.


def _market(state: VenueState, symbol: str) -> Market:
    market = state.markets.get(symbol)
    if market is None:
        raise InvariantViolation(f"no market {symbol!r}")
    return market


def _order(market: Market, order_id: int, what: str) -> OrderNode:
    node = market.orders.get(order_id)
    if node is None:
        raise InvariantViolation(f"{what} {order_id} is not resting in {market.symbol}")
    return node


def _just_accepted(state: VenueState, order_id: int, what: str) -> None:
    """A taker that is not resting must be the order this command accepted."""
    if order_id != state.next_order_id - 1:
        raise InvariantViolation(f"{what} {order_id} is neither resting nor just accepted")


def _evolve_accepted(state: VenueState, event: OrderAccepted) -> None:
    if event.order_id != state.next_order_id:
        raise InvariantViolation(f"order id {event.order_id} out of sequence")
    state.next_order_id = event.order_id + 1
    if event.time_in_force is not _GTC:
        return  # IOC, FOK and MARKET orders never rest: their trades and expiry finish them
    market = _market(state, event.symbol)
    node = OrderNode(
        event.order_id,
        event.account_id,
        event.client_order_id,
        event.side,
        event.order_type,
        event.price_ticks,
        event.quantity_lots,
        0,
        event.stp_mode,
        event.stp_group,
    )
    # The order enters its level before it matches; the trades that follow take from it, and
    # what is left rests (or expires). The book is consistent again at the command's end.
    append_order(market.bids if event.side is _BUY else market.asks, node)
    market.orders[event.order_id] = node
    if event.client_order_id:
        live = state.client_order_ids.setdefault(event.account_id, {})
        invariant(event.client_order_id not in live, "duplicate client order id")
        live[event.client_order_id] = event.order_id


def _evolve_trade(state: VenueState, event: Trade) -> None:
    market = _market(state, event.symbol)
    if event.trade_id != market.next_trade_id:
        raise InvariantViolation(f"trade id {event.trade_id} out of sequence")
    market.next_trade_id = event.trade_id + 1
    market.last_price_ticks = event.price_ticks
    maker = _order(market, event.maker_order_id, "maker")
    if maker.price_ticks != event.price_ticks or maker.side is event.aggressor_side:
        raise InvariantViolation(f"maker {maker.order_id} does not match trade {event.trade_id}")
    _reduce(state, market, maker, event.quantity_lots)
    taker = market.orders.get(event.taker_order_id)
    if taker is None:
        _just_accepted(state, event.taker_order_id, "taker")
        return
    invariant(taker.side is event.aggressor_side, "taker side")
    _reduce(state, market, taker, event.quantity_lots)


def _evolve_expired(state: VenueState, event: OrderExpired) -> None:
    market = _market(state, event.symbol)
    node = market.orders.get(event.order_id)
    if node is None:
        _just_accepted(state, event.order_id, "expired order")
        return
    if node.open_lots != event.quantity_lots:
        raise InvariantViolation(f"order {node.order_id} open quantity")
    remove_order(state, market, node)


def _evolve_cancelled(state: VenueState, event: OrderCancelled) -> None:
    market = _market(state, event.symbol)
    node = _order(market, event.order_id, "cancelled order")
    if node.open_lots != event.quantity_lots:
        raise InvariantViolation(f"order {node.order_id} open quantity")
    remove_order(state, market, node)


def _evolve_amended(state: VenueState, event: OrderAmended) -> None:
    market = _market(state, event.symbol)
    node = _order(market, event.order_id, "amended order")
    new_open = event.open_quantity_lots
    if new_open != event.quantity_lots - node.filled_lots or new_open <= 0:
        raise InvariantViolation(f"order {node.order_id} amended quantities")
    if event.priority_kept:
        if event.price_ticks != node.price_ticks or new_open >= node.open_lots:
            raise InvariantViolation(f"order {node.order_id} cannot keep priority")
        level = node.level
        assert level is not None
        level.total_lots -= node.open_lots - new_open
        node.open_lots = new_open
        return
    side = market.bids if node.side is _BUY else market.asks
    unlink_order(side, node)
    node.price_ticks = event.price_ticks
    node.open_lots = new_open
    append_order(side, node)


def _evolve_book_delta(state: VenueState, event: BookDelta) -> None:
    market = _market(state, event.symbol)
    if event.update_seq != market.update_seq + 1:
        raise InvariantViolation(f"update seq {event.update_seq} out of sequence")
    market.update_seq = event.update_seq
    book = market.bids if event.side is _BUY else market.asks
    level = book.levels.get(event.price_ticks * book.sign)
    total = level.total_lots if level is not None else 0
    if total != event.quantity_lots:
        raise InvariantViolation(
            f"{event.symbol} {event.side.name} {event.price_ticks}: book has {total}, delta says "
            f"{event.quantity_lots}"
        )


def _evolve_market_created(state: VenueState, event: MarketCreated) -> None:
    invariant(event.symbol not in state.markets, f"market {event.symbol} exists")
    state.markets[event.symbol] = Market(
        event.symbol,
        event.base_asset,
        event.quote_asset,
        event.tick_size,
        event.lot_size,
        event.min_notional_tick_lots,
        event.price_band_bps,
        event.reference_price_ticks,
        event.restricted_accounts,
    )


def _evolve_halted(state: VenueState, event: MarketHalted) -> None:
    market = _market(state, event.symbol)
    invariant(market.status is not _HALTED, "halting a halted market")
    market.status = _HALTED


def _evolve_resumed(state: VenueState, event: MarketResumed) -> None:
    market = _market(state, event.symbol)
    invariant(market.status is _HALTED, "resuming a trading market")
    market.status = MarketStatus.TRADING


def _evolve_restricted(state: VenueState, event: AccountRestricted) -> None:
    invariant(event.account_id not in state.restricted_accounts, "account already restricted")
    state.restricted_accounts[event.account_id] = event.role


def _evolve_unrestricted(state: VenueState, event: AccountUnrestricted) -> None:
    invariant(event.account_id in state.restricted_accounts, "account not restricted")
    del state.restricted_accounts[event.account_id]


_EVOLVERS: Final[dict[type, Callable[[VenueState, Any], None]]] = {
    OrderAccepted: _evolve_accepted,
    Trade: _evolve_trade,
    OrderExpired: _evolve_expired,
    OrderCancelled: _evolve_cancelled,
    OrderAmended: _evolve_amended,
    BookDelta: _evolve_book_delta,
    MarketCreated: _evolve_market_created,
    MarketHalted: _evolve_halted,
    MarketResumed: _evolve_resumed,
    AccountRestricted: _evolve_restricted,
    AccountUnrestricted: _evolve_unrestricted,
}


def evolve(state: VenueState, event: VenueEvent) -> None:
    """Apply one event in place. Total: an event ``decide`` could not have produced is a bug."""
    evolver = _EVOLVERS.get(type(event))
    if evolver is None:
        raise InvariantViolation(f"not a venue event: {type(event).__name__}")
    evolver(state, event)


# --- hashing, snapshots, invariants ---------------------------------------------------------------


def state_hash(state: VenueState) -> bytes:
    """SHA-256 over the canonical view (markets by symbol, orders in priority order)."""
    return state_digest(STATE_HASH_DOMAIN, venue_view(state))


def snapshot(state: VenueState) -> bytes:
    """The canonical bytes of the state; ``restore`` reads them back."""
    return encode(venue_view(state))


def restore(data: bytes) -> VenueState:
    """Rebuild a state from ``snapshot`` bytes; bad or inconsistent bytes: ``ConditionFailed``."""
    view = decode(data, VenueView)
    if view.version != SNAPSHOT_VERSION:
        raise ConditionFailed(f"unknown venue snapshot version {view.version}")
    state = VenueState()
    state.next_order_id = view.next_order_id
    try:
        for account, role in view.restricted_accounts:
            invariant(account not in state.restricted_accounts, "duplicate restricted account")
            state.restricted_accounts[account] = role
        for mv in view.markets:
            invariant(mv.symbol not in state.markets, f"duplicate market {mv.symbol}")
            market = Market(
                mv.symbol,
                mv.base_asset,
                mv.quote_asset,
                mv.tick_size,
                mv.lot_size,
                mv.min_notional_tick_lots,
                mv.price_band_bps,
                mv.reference_price_ticks,
                mv.restricted_accounts,
            )
            market.status = mv.status
            market.last_price_ticks = mv.last_price_ticks
            market.next_trade_id = mv.next_trade_id
            market.update_seq = mv.update_seq
            state.markets[mv.symbol] = market
            for ov in (*mv.bids, *mv.asks):
                invariant(ov.order_id not in market.orders, f"duplicate order {ov.order_id}")
                node = OrderNode(
                    ov.order_id,
                    ov.account_id,
                    ov.client_order_id,
                    ov.side,
                    ov.order_type,
                    ov.price_ticks,
                    ov.open_lots,
                    ov.filled_lots,
                    ov.stp_mode,
                    ov.stp_group,
                )
                append_order(_side_of(market, ov.side), node)
                market.orders[ov.order_id] = node
                if ov.client_order_id:
                    live = state.client_order_ids.setdefault(ov.account_id, {})
                    invariant(ov.client_order_id not in live, "duplicate client order id")
                    live[ov.client_order_id] = ov.order_id
        check_invariants(state)
        invariant(venue_view(state) == view, "the snapshot is not in canonical order")
    except InvariantViolation as exc:
        raise ConditionFailed(f"inconsistent venue snapshot: {exc}") from exc
    return state


def _check_side(state: VenueState, market: Market, book: BookSide) -> int:
    ladder = book.ladder
    keys = list(ladder)
    invariant(keys == sorted(set(keys)), f"{market.symbol} ladder not strictly sorted")
    invariant(all(ladder.buckets), f"{market.symbol} ladder has an empty bucket")
    invariant(
        ladder.maxes == [bucket[-1] for bucket in ladder.buckets],
        f"{market.symbol} ladder maxima",
    )
    invariant(set(keys) == set(book.levels), f"{market.symbol} ladder and levels differ")
    count = 0
    for key in keys:
        level = book.levels[key]
        invariant(key == level.price_ticks * book.sign, "level key")
        invariant(level.count > 0 and level.head is not None, "empty level kept")
        total = 0
        n = 0
        prev: OrderNode | None = None
        node = level.head
        while node is not None:
            invariant(node.prev is prev and node.level is level, f"order {node.order_id} links")
            invariant(
                node.side is book.side and node.price_ticks == level.price_ticks, "order place"
            )
            invariant(node.open_lots > 0 and node.filled_lots >= 0, f"order {node.order_id} lots")
            invariant(node.order_type is not _MARKET, "a MARKET order rests")
            invariant(
                market.orders.get(node.order_id) is node, f"order {node.order_id} not in dict"
            )
            invariant(0 < node.order_id < state.next_order_id, f"order id {node.order_id}")
            account = node.account_id
            invariant(
                account not in state.restricted_accounts
                and account not in market.restricted_accounts,
                f"restricted account {account} has a live order",
            )
            if node.client_order_id:
                live = state.client_order_ids.get(account, {})
                invariant(live.get(node.client_order_id) == node.order_id, "client order id index")
            total += node.open_lots
            n += 1
            prev = node
            node = node.next
        invariant(level.tail is prev, "level tail")
        invariant(
            total == level.total_lots and n == level.count, f"level {level.price_ticks} totals"
        )
        count += n
    return count


def check_invariants(state: VenueState) -> None:
    """Raise ``InvariantViolation`` if the state is inconsistent. O(size of the books)."""
    indexed = 0
    for symbol in sorted(state.markets):
        market = state.markets[symbol]
        invariant(market.symbol == symbol, "market key")
        invariant(market.next_trade_id >= 1 and market.update_seq >= 0, "market counters")
        count = _check_side(state, market, market.bids) + _check_side(state, market, market.asks)
        invariant(count == len(market.orders), f"{symbol} order dict has orders outside the book")
        invariant(count <= limits.venue_orders_per_market_max, f"{symbol} book over its limit")
        best_bid = market.bids.best_level()
        best_ask = market.asks.best_level()
        if best_bid is not None and best_ask is not None:
            invariant(best_bid.price_ticks < best_ask.price_ticks, f"{symbol} book is crossed")
        indexed += sum(1 for node in market.orders.values() if node.client_order_id)
    invariant(
        indexed == sum(len(live) for live in state.client_order_ids.values()),
        "client order id index has stale entries",
    )
    invariant(all(state.client_order_ids.values()), "client order id index keeps empty accounts")


# --- the text boundary ---------------------------------------------------------------------------


def _steps_from_text(state: VenueState, symbol: str, text: str, *, price: bool) -> int | Rejection:
    market = state.markets.get(symbol)
    if market is None:
        return reject(R.UNKNOWN_MARKET, f"no market {symbol!r}")
    what = "price" if price else "quantity"
    try:
        parse_decimal(text, what)
    except UnitError as exc:
        return reject(R.INVALID_DECIMAL, str(exc))
    step = Step(market.tick_size if price else market.lot_size)
    try:
        return to_steps(text, step, what)
    except UnitError as exc:
        return reject(R.PRICE_OFF_TICK if price else R.QUANTITY_OFF_LOT, str(exc))


def price_ticks_from_text(state: VenueState, symbol: str, text: str) -> int | Rejection:
    """``"100.05"`` -> ticks of ``symbol``; ``PRICE_OFF_TICK`` if not a whole number of ticks.

    For the API boundary (Binance sends decimal strings); the sign and range are checked by
    ``decide`` when the ticks arrive in a command.
    """
    return _steps_from_text(state, symbol, text, price=True)


def quantity_lots_from_text(state: VenueState, symbol: str, text: str) -> int | Rejection:
    """``"0.5"`` -> lots of ``symbol``; ``QUANTITY_OFF_LOT`` if not a whole number of lots."""
    return _steps_from_text(state, symbol, text, price=False)


def format_price(market: Market, price_ticks: int) -> str:
    """Ticks as decimal text, for display."""
    return from_steps(price_ticks, Step(market.tick_size))


def format_quantity(market: Market, quantity_lots: int) -> str:
    """Lots as decimal text, for display."""
    return from_steps(quantity_lots, Step(market.lot_size))
