"""The fast path: ``apply(state, command, ctx)`` decides and evolves in one pass.

It returns exactly the events (or the ``Rejection``) that ``machine.decide`` returns, and leaves
the state exactly as ``machine.evolve`` of those events would (the tests check both, event for
event and hash for hash). It exists for throughput: ``decide`` walks the book once to compute
the match and ``evolve`` walks it again to apply it; ``apply`` matches and mutates at once.

New orders, cancels and amendments take the fast path; the rare commands (listing, halts,
restrictions) go through ``decide`` and ``evolve``. The hot loop binds what it reads to locals,
builds events positionally, and allocates nothing but the events, the resting order's node and,
when a price level appears, the level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from seawall.core.ids import AccountId
from seawall.core.machine import Context, Rejection, reject
from seawall.venue.book import BookSide, Level, OrderNode, unlink_order
from seawall.venue.commands import (
    AmendOrder,
    CancelOrder,
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
from seawall.venue.machine import (
    check_amend,
    check_cancel,
    check_place,
    decide,
    evolve,
    market_limit_key,
    walk,
)
from seawall.venue.rejections import VenueRejection as R
from seawall.venue.state import Market, VenueState

__all__ = ["apply"]

_BUY: Final = Side.BUY
_SELL: Final = Side.SELL
_MARKET: Final = OrderType.MARKET
_LIMIT_MAKER: Final = OrderType.LIMIT_MAKER
_GTC: Final = TimeInForce.GTC
_FOK: Final = TimeInForce.FOK
_STP_NONE: Final = StpMode.NONE
_EXPIRE_TAKER: Final = StpMode.EXPIRE_TAKER
_EXPIRE_BOTH: Final = StpMode.EXPIRE_BOTH
_IOC_REMAINDER: Final = ExpireReason.IOC_REMAINDER
_STP_TAKER: Final = ExpireReason.STP_TAKER
_STP_MAKER: Final = ExpireReason.STP_MAKER
_USER: Final = CancelReason.USER


def _take(
    state: VenueState,
    market: Market,
    opposite: BookSide,
    events: list[VenueEvent],
    taker_side: Side,
    taker_order_id: int,
    taker_account: AccountId,
    stp_mode: StpMode,
    stp_group: str,
    limit_key: int,
    remaining: int,
    remaining_quote: int,
    quote_sized: bool,
) -> tuple[list[tuple[int, int]], int, int, bool]:
    """Match a taker against ``opposite``, changing the book as it goes.

    Appends the makers' events to ``events``; returns the maker side's changed levels
    ``(price_ticks, new_total)`` best first, the remaining lots and quote, and whether self-trade
    prevention expired the taker. Same arithmetic, same order as ``machine.walk``.
    """
    symbol = market.symbol
    orders = market.orders
    client_ids = state.client_order_ids
    append = events.append
    buckets = opposite.ladder.buckets
    levels = opposite.levels
    ladder = opposite.ladder
    trade_id = market.next_trade_id
    stp = stp_mode is not _STP_NONE
    stp_taker = False
    deltas: list[tuple[int, int]] = []
    last_price = 0
    cap = remaining
    done = False
    while buckets and not done:
        key = buckets[0][0]
        if key > limit_key:
            break
        level = levels[key]
        price = level.price_ticks
        total = level.total_lots
        before = total
        removed = 0
        node: OrderNode | None = level.head
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
                open_lots = node.open_lots
                append(
                    OrderExpired(symbol, node.order_id, node.account_id, _STP_MAKER, open_lots, 0)
                )
                total -= open_lots
                removed += 1
                del orders[node.order_id]
                if node.client_order_id:
                    live = client_ids[node.account_id]
                    del live[node.client_order_id]
                    if not live:
                        del client_ids[node.account_id]
                node.next, node = (
                    None,
                    node.next,
                )  # dead nodes form no cycle: refcounting frees them
                if stp_mode is _EXPIRE_BOTH:
                    stp_taker = done = True
                    break
                continue
            open_lots = node.open_lots
            fill = open_lots if open_lots <= cap else cap
            append(
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
            last_price = price
            if quote_sized:
                remaining_quote -= fill * price
            else:
                remaining -= fill
                cap = remaining
            if fill < open_lots:
                node.open_lots = open_lots - fill
                node.filled_lots += fill
                done = True
                break
            removed += 1
            del orders[node.order_id]
            if node.client_order_id:
                live = client_ids[node.account_id]
                del live[node.client_order_id]
                if not live:
                    del client_ids[node.account_id]
            node.next, node = None, node.next
            if not quote_sized and remaining == 0:
                done = True
                break
        if removed:
            count = level.count - removed
            level.count = count
            if count == 0:
                del levels[key]
                ladder.pop_first()
                level.head = level.tail = None
            else:
                assert node is not None
                node.prev = None
                level.head = node
        level.total_lots = total
        if total != before:
            deltas.append((price, total))
    market.next_trade_id = trade_id
    if last_price:
        market.last_price_ticks = last_price
    return deltas, remaining, remaining_quote, stp_taker


def _rest(book: BookSide, node: OrderNode) -> int:
    """Append a new or moved order to the back of its level; return the level's new total."""
    key = node.price_ticks * book.sign
    levels = book.levels
    level = levels.get(key)
    if level is None:
        level = Level(node.price_ticks, node.open_lots, 1, node, node)
        levels[key] = level
        book.ladder.add(key)
        node.level = level
        node.prev = None
        node.next = None
        return node.open_lots
    tail = level.tail
    assert tail is not None
    tail.next = node
    node.prev = tail
    node.next = None
    node.level = level
    level.tail = node
    level.count += 1
    total = level.total_lots + node.open_lots
    level.total_lots = total
    return total


def _emit_deltas(
    market: Market,
    events: list[VenueEvent],
    taker_side: Side,
    own: list[tuple[int, int]],
    maker: list[tuple[int, int]] | None,
) -> None:
    symbol = market.symbol
    seq = market.update_seq
    append = events.append
    if taker_side is _BUY:
        for price, total in own:
            seq += 1
            append(BookDelta(symbol, seq, _BUY, price, total))
        if maker:
            for price, total in maker:
                seq += 1
                append(BookDelta(symbol, seq, _SELL, price, total))
    else:
        if maker:
            for price, total in maker:
                seq += 1
                append(BookDelta(symbol, seq, _BUY, price, total))
        for price, total in own:
            seq += 1
            append(BookDelta(symbol, seq, _SELL, price, total))
    market.update_seq = seq


def _place(state: VenueState, cmd: PlaceOrder) -> list[VenueEvent] | Rejection:
    market = check_place(state, cmd)
    if isinstance(market, Rejection):
        return market
    side = cmd.side
    if side is _BUY:
        own = market.bids
        opposite = market.asks
    else:
        own = market.asks
        opposite = market.bids
    order_type = cmd.order_type
    tif = cmd.time_in_force
    price = cmd.price_ticks
    limit_key = market_limit_key(market, side) if order_type is _MARKET else price * opposite.sign
    buckets = opposite.ladder.buckets
    crosses = bool(buckets) and buckets[0][0] <= limit_key
    account = cmd.account_id
    quantity = cmd.quantity_lots
    if not crosses and tif is _GTC:
        # The commonest case: a GTC order that does not cross rests at once (inlined by hand).
        order_id = state.next_order_id
        state.next_order_id = order_id + 1
        symbol = market.symbol
        coid = cmd.client_order_id
        stp_mode = cmd.stp_mode
        stp_group = cmd.stp_group
        accepted = OrderAccepted(
            symbol,
            order_id,
            account,
            coid,
            side,
            order_type,
            _GTC,
            price,
            quantity,
            0,
            stp_mode,
            stp_group,
        )
        key = price * own.sign
        levels = own.levels
        level = levels.get(key)
        if level is None:
            node = OrderNode(
                order_id, account, coid, side, order_type, price, quantity, 0, stp_mode, stp_group
            )
            level = Level(price, quantity, 1, node, node)
            node.level = level
            levels[key] = level
            own.ladder.add(key)
            total = quantity
        else:
            tail = level.tail
            node = OrderNode(
                order_id,
                account,
                coid,
                side,
                order_type,
                price,
                quantity,
                0,
                stp_mode,
                stp_group,
                level,
                tail,
            )
            tail.next = node  # type: ignore[union-attr] # a live level has a tail
            level.tail = node
            level.count += 1
            total = level.total_lots + quantity
            level.total_lots = total
        market.orders[order_id] = node
        if coid:
            live = state.client_order_ids.get(account)
            if live is None:
                state.client_order_ids[account] = {coid: order_id}
            else:
                live[coid] = order_id
        seq = market.update_seq + 1
        market.update_seq = seq
        return [accepted, BookDelta(symbol, seq, side, price, total)]
    if crosses:
        if order_type is _LIMIT_MAKER:
            return reject(R.POST_ONLY_WOULD_TAKE, "a LIMIT_MAKER order would take")
        if tif is _FOK:
            _, _, left, _, _ = walk(
                market,
                opposite,
                side,
                0,
                account,
                cmd.stp_mode,
                cmd.stp_group,
                limit_key,
                quantity,
                0,
                False,
            )
            if left:
                return reject(R.FOK_CANNOT_FILL, "cannot fill in full")
    elif tif is _FOK:
        return reject(R.FOK_CANNOT_FILL, "cannot fill in full")
    order_id = state.next_order_id
    state.next_order_id = order_id + 1
    symbol = market.symbol
    coid = cmd.client_order_id
    quote = cmd.quote_quantity_tick_lots
    stp_mode = cmd.stp_mode
    stp_group = cmd.stp_group
    events: list[VenueEvent] = [
        OrderAccepted(
            symbol,
            order_id,
            account,
            coid,
            side,
            order_type,
            tif,
            price,
            quantity,
            quote,
            stp_mode,
            stp_group,
        )
    ]
    maker_deltas: list[tuple[int, int]] | None = None
    remaining = quantity
    stp_taker = False
    if crosses:
        maker_deltas, remaining, quote, stp_taker = _take(
            state,
            market,
            opposite,
            events,
            side,
            order_id,
            account,
            stp_mode,
            stp_group,
            limit_key,
            quantity,
            quote,
            quote > 0,
        )
    own_deltas: list[tuple[int, int]] = []
    if order_type is _MARKET and cmd.quote_quantity_tick_lots:
        if quote:
            events.append(
                OrderExpired(
                    symbol,
                    order_id,
                    account,
                    _STP_TAKER if stp_taker else _IOC_REMAINDER,
                    0,
                    quote,
                )
            )
    elif remaining:
        if tif is _GTC and not stp_taker:
            node = OrderNode(
                order_id,
                account,
                coid,
                side,
                order_type,
                price,
                remaining,
                quantity - remaining,
                stp_mode,
                stp_group,
            )
            own_deltas.append((price, _rest(own, node)))
            market.orders[order_id] = node
            if coid:
                live = state.client_order_ids.get(account)
                if live is None:
                    state.client_order_ids[account] = {coid: order_id}
                else:
                    live[coid] = order_id
        else:
            events.append(
                OrderExpired(
                    symbol,
                    order_id,
                    account,
                    _STP_TAKER if stp_taker else _IOC_REMAINDER,
                    remaining,
                    0,
                )
            )
    _emit_deltas(market, events, side, own_deltas, maker_deltas)
    return events


def _forget(state: VenueState, market: Market, node: OrderNode) -> None:
    del market.orders[node.order_id]
    if node.client_order_id:
        live = state.client_order_ids[node.account_id]
        del live[node.client_order_id]
        if not live:
            del state.client_order_ids[node.account_id]


def _cancel(state: VenueState, cmd: CancelOrder) -> list[VenueEvent] | Rejection:
    checked = check_cancel(state, cmd)
    if isinstance(checked, Rejection):
        return checked
    market, node = checked
    side = node.side
    open_lots = node.open_lots
    total = unlink_order(market.bids if side is _BUY else market.asks, node)
    _forget(state, market, node)
    seq = market.update_seq + 1
    market.update_seq = seq
    return [
        OrderCancelled(market.symbol, node.order_id, node.account_id, _USER, open_lots),
        BookDelta(market.symbol, seq, side, node.price_ticks, total),
    ]


def _move(
    market: Market,
    own: BookSide,
    node: OrderNode,
    events: list[VenueEvent],
    price: int,
    new_open: int,
) -> list[VenueEvent]:
    """The commonest amendment: a move (or a size increase) that does not cross. The order
    leaves its level and joins the back of the new one; unlink and append inlined by hand."""
    old_price = node.price_ticks
    level = node.level
    assert level is not None
    prev = node.prev
    nxt = node.next
    if prev is None:
        level.head = nxt
    else:
        prev.next = nxt
    if nxt is None:
        level.tail = prev
    else:
        nxt.prev = prev
    old_total = level.total_lots - node.open_lots
    sign = own.sign
    levels = own.levels
    count = level.count - 1
    if count:
        level.count = count
        level.total_lots = old_total
    else:
        key = old_price * sign
        del levels[key]
        own.ladder.remove(key)
    node.price_ticks = price
    node.open_lots = new_open
    node.next = None
    key = price * sign
    new_level = levels.get(key)
    if new_level is None:
        new_level = Level(price, new_open, 1, node, node)
        levels[key] = new_level
        own.ladder.add(key)
        node.prev = None
        new_total = new_open
    else:
        tail = new_level.tail
        tail.next = node  # type: ignore[union-attr] # a live level has a tail
        node.prev = tail
        new_level.tail = node
        new_level.count += 1
        new_total = new_level.total_lots + new_open
        new_level.total_lots = new_total
    node.level = new_level
    symbol = market.symbol
    side = node.side
    seq = market.update_seq + 1
    if price == old_price:
        events.append(BookDelta(symbol, seq, side, price, new_total))
    elif price * sign < old_price * sign:
        events.append(BookDelta(symbol, seq, side, price, new_total))
        seq += 1
        events.append(BookDelta(symbol, seq, side, old_price, old_total))
    else:
        events.append(BookDelta(symbol, seq, side, old_price, old_total))
        seq += 1
        events.append(BookDelta(symbol, seq, side, price, new_total))
    market.update_seq = seq
    return events


def _amend(state: VenueState, cmd: AmendOrder) -> list[VenueEvent] | Rejection:
    checked = check_amend(state, cmd)
    if isinstance(checked, Rejection):
        return checked
    market, node = checked
    symbol = market.symbol
    price = cmd.price_ticks
    quantity = cmd.quantity_lots
    old_price = node.price_ticks
    old_open = node.open_lots
    new_open = quantity - node.filled_lots
    keep = price == old_price and quantity < old_open + node.filled_lots
    side = node.side
    events: list[VenueEvent] = [
        OrderAmended(symbol, node.order_id, node.account_id, price, quantity, new_open, keep)
    ]
    if keep:
        level = node.level
        assert level is not None
        total = level.total_lots - old_open + new_open
        level.total_lots = total
        node.open_lots = new_open
        _emit_deltas(market, events, side, [(price, total)], None)
        return events
    if side is _BUY:
        own = market.bids
        opposite = market.asks
    else:
        own = market.asks
        opposite = market.bids
    limit_key = price * opposite.sign
    buckets = opposite.ladder.buckets
    if not buckets or buckets[0][0] > limit_key:
        return _move(market, own, node, events, price, new_open)
    old_total = unlink_order(own, node)
    remaining = new_open
    stp_taker = False
    maker_deltas: list[tuple[int, int]] | None = None
    if buckets and buckets[0][0] <= limit_key:
        maker_deltas, remaining, _, stp_taker = _take(
            state,
            market,
            opposite,
            events,
            side,
            node.order_id,
            node.account_id,
            node.stp_mode,
            node.stp_group,
            limit_key,
            new_open,
            0,
            False,
        )
    node.price_ticks = price
    if remaining and not stp_taker:
        node.filled_lots += new_open - remaining
        node.open_lots = remaining
        new_total = _rest(own, node)
        if price == old_price:
            own_deltas = [(price, new_total)]
        elif price * own.sign < old_price * own.sign:
            own_deltas = [(price, new_total), (old_price, old_total)]
        else:
            own_deltas = [(old_price, old_total), (price, new_total)]
    else:
        _forget(state, market, node)
        if stp_taker:
            events.append(
                OrderExpired(symbol, node.order_id, node.account_id, _STP_TAKER, remaining, 0)
            )
        own_deltas = [(old_price, old_total)]
    _emit_deltas(market, events, side, own_deltas, maker_deltas)
    return events


_FAST: Final[dict[type, Callable[[VenueState, Any], list[VenueEvent] | Rejection]]] = {
    PlaceOrder: _place,
    CancelOrder: _cancel,
    AmendOrder: _amend,
}


def apply(state: VenueState, command: VenueCommand, ctx: Context) -> list[VenueEvent] | Rejection:
    """Decide and evolve ``command`` at once; the same outcome as ``decide`` then ``evolve``.

    On a rejection the state is unchanged.
    """
    fast = _FAST.get(type(command))
    if fast is not None:
        return fast(state, command)
    outcome = decide(state, command, ctx)
    if not isinstance(outcome, Rejection):
        for event in outcome:
            evolve(state, event)
    return outcome
