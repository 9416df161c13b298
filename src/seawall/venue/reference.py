"""A naive, obviously correct venue: the oracle the fast book is tested against.

Each market keeps its resting orders in one plain list; every question ("what is the best ask?",
"who is next in the queue?") is answered by filtering and sorting that list again. Time priority
is an explicit stamp, renewed whenever an order goes to the back of its queue. Nothing is cached
and nothing is clever, so that the rules can be checked by reading them. It follows the rules in
``seawall.venue.machine``'s docstring, written again from scratch, and it shares only the
vocabulary (commands, events, rejection codes, the canonical view) with the fast engine.

``ReferenceVenue.apply(command)`` returns the same events (or the same rejection code) as
``engine.apply``, and ``state_hash()`` the same hash as ``machine.state_hash``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from seawall.core import limits
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import state_digest
from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context, Rejection, reject
from seawall.core.units import Step
from seawall.venue.commands import (
    AccountRole,
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
from seawall.venue.machine import STATE_HASH_DOMAIN
from seawall.venue.rejections import VenueRejection as R
from seawall.venue.state import SNAPSHOT_VERSION, MarketView, OrderView, VenueView

__all__ = ["ReferenceVenue"]

_ID_FIRST = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_ID_REST = _ID_FIRST | set("._:-")
_SYMBOL_FIRST = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_SYMBOL_REST = _SYMBOL_FIRST | set("._-")


def _good_id(text: str, length_max: int) -> bool:
    return 0 < len(text) <= length_max and text[0] in _ID_FIRST and all(c in _ID_REST for c in text)


def _good_account(account: str) -> bool:
    return 0 < len(account) <= limits.account_id_length_max


@dataclass
class _Order:
    order_id: int
    account_id: AccountId
    client_order_id: str
    side: Side
    order_type: OrderType
    price_ticks: int
    open_lots: int
    filled_lots: int
    stp_mode: StpMode
    stp_group: str
    stamp: int


@dataclass
class _Market:
    symbol: str
    base_asset: AssetCode
    quote_asset: AssetCode
    tick_size: str
    lot_size: str
    min_notional_tick_lots: int
    price_band_bps: int
    reference_price_ticks: int
    restricted_accounts: tuple[AccountId, ...]
    status: MarketStatus = MarketStatus.TRADING
    last_price_ticks: int = 0
    next_trade_id: int = 1
    update_seq: int = 0
    orders: list[_Order] = field(default_factory=list)

    def side(self, side: Side) -> list[_Order]:
        """Resting orders of one side in price-time priority, sorted afresh."""
        if side == Side.BUY:
            return sorted(
                (o for o in self.orders if o.side == Side.BUY),
                key=lambda o: (-o.price_ticks, o.stamp),
            )
        return sorted(
            (o for o in self.orders if o.side == Side.SELL),
            key=lambda o: (o.price_ticks, o.stamp),
        )

    def totals(self) -> dict[tuple[Side, int], int]:
        out: dict[tuple[Side, int], int] = {}
        for o in self.orders:
            out[(o.side, o.price_ticks)] = out.get((o.side, o.price_ticks), 0) + o.open_lots
        return out


@dataclass
class _Taker:
    order_id: int
    account_id: AccountId
    side: Side
    stp_mode: StpMode
    stp_group: str
    #: Whether a maker at this price may trade with the taker.
    limit_ticks: int | None
    band_last_ticks: int
    band_bps: int
    remaining_lots: int
    remaining_quote: int
    quote_sized: bool

    def reaches(self, price: int) -> bool:
        if self.limit_ticks is not None:
            if self.side == Side.BUY:
                return price <= self.limit_ticks
            return price >= self.limit_ticks
        if not self.band_bps or not self.band_last_ticks:
            return True
        if self.side == Side.BUY:
            return price * 10_000 <= self.band_last_ticks * (10_000 + self.band_bps)
        return price * 10_000 >= self.band_last_ticks * (10_000 - self.band_bps)


class ReferenceVenue:
    """The naive twin of ``machine`` + ``engine``."""

    def __init__(self) -> None:
        self.markets: dict[str, _Market] = {}
        self.next_order_id = 1
        self.restricted: dict[AccountId, AccountRole] = {}
        self._stamp = 0

    # --- the view ---------------------------------------------------------------------------

    def view(self) -> VenueView:
        markets = []
        for symbol in sorted(self.markets):
            m = self.markets[symbol]
            markets.append(
                MarketView(
                    symbol=m.symbol,
                    base_asset=m.base_asset,
                    quote_asset=m.quote_asset,
                    tick_size=m.tick_size,
                    lot_size=m.lot_size,
                    min_notional_tick_lots=m.min_notional_tick_lots,
                    price_band_bps=m.price_band_bps,
                    reference_price_ticks=m.reference_price_ticks,
                    restricted_accounts=m.restricted_accounts,
                    status=m.status,
                    last_price_ticks=m.last_price_ticks,
                    next_trade_id=m.next_trade_id,
                    update_seq=m.update_seq,
                    bids=tuple(_order_view(o) for o in m.side(Side.BUY)),
                    asks=tuple(_order_view(o) for o in m.side(Side.SELL)),
                )
            )
        return VenueView(
            version=SNAPSHOT_VERSION,
            next_order_id=self.next_order_id,
            restricted_accounts=tuple(sorted(self.restricted.items())),
            markets=tuple(markets),
        )

    def state_hash(self) -> bytes:
        return state_digest(STATE_HASH_DOMAIN, self.view())

    # --- commands ---------------------------------------------------------------------------

    def apply(
        self, command: VenueCommand, ctx: Context | None = None
    ) -> list[VenueEvent] | Rejection:
        del ctx
        if isinstance(command, PlaceOrder):
            return self._place(command)
        if isinstance(command, CancelOrder):
            return self._cancel(command)
        if isinstance(command, AmendOrder):
            return self._amend(command)
        if isinstance(command, CreateMarket):
            return self._create(command)
        if isinstance(command, HaltMarket):
            return self._halt(command)
        if isinstance(command, ResumeMarket):
            return self._resume(command)
        if isinstance(command, RestrictAccount):
            return self._restrict(command)
        if isinstance(command, UnrestrictAccount):
            return self._unrestrict(command)
        raise ConditionFailed(f"not a venue command: {type(command).__name__}")

    def _next_stamp(self) -> int:
        self._stamp += 1
        return self._stamp

    def _live_client_id(self, account: str, client_order_id: str) -> _Order | None:
        for m in self.markets.values():
            for o in m.orders:
                if o.account_id == account and o.client_order_id == client_order_id:
                    return o
        return None

    def _find(self, m: _Market, account: str, order_id: int, client_order_id: str) -> _Order | None:
        for o in m.orders:
            if o.account_id != account:
                continue
            if order_id and o.order_id == order_id:
                return o
            if not order_id and o.client_order_id == client_order_id:
                return o
        return None

    def _check_place(self, c: PlaceOrder) -> _Market | Rejection:
        if not _good_account(c.account_id):
            return reject(R.INVALID_ACCOUNT_ID, "account")
        if c.client_order_id and not _good_id(
            c.client_order_id, limits.venue_client_order_id_length_max
        ):
            return reject(R.INVALID_CLIENT_ORDER_ID, "client order id")
        if c.stp_group and not _good_id(c.stp_group, limits.venue_stp_group_length_max):
            return reject(R.INVALID_STP_GROUP, "stp group")
        if c.order_type == OrderType.MARKET and c.time_in_force != TimeInForce.IOC:
            return reject(R.INVALID_TIME_IN_FORCE, "market needs IOC")
        if c.order_type == OrderType.LIMIT_MAKER and c.time_in_force != TimeInForce.GTC:
            return reject(R.INVALID_TIME_IN_FORCE, "limit maker needs GTC")
        q, quote, p = c.quantity_lots, c.quote_quantity_tick_lots, c.price_ticks
        if c.order_type == OrderType.MARKET:
            if q < 0 or quote < 0 or (q == 0 and quote == 0):
                return reject(R.NON_POSITIVE_QUANTITY, "quantity")
            if q > 0 and quote > 0:
                return reject(R.INVALID_QUANTITY_SPEC, "both")
            if q > limits.venue_quantity_lots_max or quote > limits.venue_quote_quantity_max:
                return reject(R.QUANTITY_ABOVE_MAX, "quantity")
            if p != 0:
                return reject(R.PRICE_NOT_ALLOWED, "price")
        else:
            if quote != 0:
                return reject(R.INVALID_QUANTITY_SPEC, "quote on a limit order")
            if q <= 0:
                return reject(R.NON_POSITIVE_QUANTITY, "quantity")
            if q > limits.venue_quantity_lots_max:
                return reject(R.QUANTITY_ABOVE_MAX, "quantity")
            if p <= 0:
                return reject(R.NON_POSITIVE_PRICE, "price")
            if p > limits.venue_price_ticks_max:
                return reject(R.PRICE_ABOVE_MAX, "price")
        m = self.markets.get(c.symbol)
        if m is None:
            return reject(R.UNKNOWN_MARKET, "market")
        if m.status == MarketStatus.HALTED:
            return reject(R.MARKET_HALTED, "halted")
        if c.account_id in self.restricted or c.account_id in m.restricted_accounts:
            return reject(R.RESTRICTED_ACCOUNT, "restricted")
        if c.client_order_id and self._live_client_id(c.account_id, c.client_order_id):
            return reject(R.DUPLICATE_CLIENT_ORDER_ID, "duplicate")
        if c.order_type == OrderType.MARKET:
            minimum = m.min_notional_tick_lots
            if quote > 0 and quote < minimum:
                return reject(R.NOTIONAL_BELOW_MINIMUM, "notional")
            if q > 0 and m.last_price_ticks > 0 and q * m.last_price_ticks < minimum:
                return reject(R.NOTIONAL_BELOW_MINIMUM, "notional")
            return m
        if not self._in_band(m, p):
            return reject(R.OUTSIDE_PRICE_BAND, "band")
        if p * q < m.min_notional_tick_lots:
            return reject(R.NOTIONAL_BELOW_MINIMUM, "notional")
        if (
            c.time_in_force == TimeInForce.GTC
            and len(m.orders) >= limits.venue_orders_per_market_max
        ):
            return reject(R.BOOK_FULL, "full")
        return m

    @staticmethod
    def _in_band(m: _Market, price: int) -> bool:
        if m.price_band_bps == 0 or m.last_price_ticks == 0:
            return True
        low = m.last_price_ticks * (10_000 - m.price_band_bps)
        high = m.last_price_ticks * (10_000 + m.price_band_bps)
        return low <= price * 10_000 <= high

    def _match(self, m: _Market, t: _Taker) -> tuple[list[VenueEvent], bool]:
        """Trade ``t`` against ``m``'s opposite side in priority order; True if STP expired it."""
        events: list[VenueEvent] = []
        opposite = Side.SELL if t.side == Side.BUY else Side.BUY
        for maker in m.side(opposite):
            if not t.reaches(maker.price_ticks):
                break
            if t.quote_sized:
                cap = t.remaining_quote // maker.price_ticks
                if cap == 0:
                    break
            else:
                cap = t.remaining_lots
            same_owner = maker.account_id == t.account_id or (
                t.stp_group != "" and maker.stp_group == t.stp_group
            )
            if t.stp_mode != StpMode.NONE and same_owner:
                if t.stp_mode == StpMode.EXPIRE_TAKER:
                    return events, True
                m.orders.remove(maker)
                events.append(
                    OrderExpired(
                        m.symbol,
                        maker.order_id,
                        maker.account_id,
                        ExpireReason.STP_MAKER,
                        maker.open_lots,
                        0,
                    )
                )
                if t.stp_mode == StpMode.EXPIRE_BOTH:
                    return events, True
                continue
            fill = min(maker.open_lots, cap)
            events.append(
                Trade(
                    m.symbol,
                    m.next_trade_id,
                    maker.price_ticks,
                    fill,
                    t.side,
                    maker.order_id,
                    maker.account_id,
                    t.order_id,
                    t.account_id,
                )
            )
            m.next_trade_id += 1
            m.last_price_ticks = maker.price_ticks
            maker.open_lots -= fill
            maker.filled_lots += fill
            if maker.open_lots == 0:
                m.orders.remove(maker)
            if t.quote_sized:
                t.remaining_quote -= fill * maker.price_ticks
            else:
                t.remaining_lots -= fill
                if t.remaining_lots == 0:
                    break
        return events, False

    @staticmethod
    def _deltas(
        m: _Market, before: dict[tuple[Side, int], int], after: dict[tuple[Side, int], int]
    ) -> list[VenueEvent]:
        changed = [
            key for key in set(before) | set(after) if before.get(key, 0) != after.get(key, 0)
        ]
        bids = sorted((k for k in changed if k[0] == Side.BUY), key=lambda k: -k[1])
        asks = sorted((k for k in changed if k[0] == Side.SELL), key=lambda k: k[1])
        out: list[VenueEvent] = []
        for key in bids + asks:
            m.update_seq += 1
            out.append(BookDelta(m.symbol, m.update_seq, key[0], key[1], after.get(key, 0)))
        return out

    def _place(self, c: PlaceOrder) -> list[VenueEvent] | Rejection:
        checked = self._check_place(c)
        if isinstance(checked, Rejection):
            return checked
        m = checked
        opposite = Side.SELL if c.side == Side.BUY else Side.BUY

        def taker(order_id: int) -> _Taker:
            return _Taker(
                order_id=order_id,
                account_id=c.account_id,
                side=c.side,
                stp_mode=c.stp_mode,
                stp_group=c.stp_group,
                limit_ticks=None if c.order_type == OrderType.MARKET else c.price_ticks,
                band_last_ticks=m.last_price_ticks,
                band_bps=m.price_band_bps,
                remaining_lots=c.quantity_lots,
                remaining_quote=c.quote_quantity_tick_lots,
                quote_sized=c.quote_quantity_tick_lots > 0,
            )

        if c.order_type == OrderType.LIMIT_MAKER:
            t = taker(0)
            if any(t.reaches(o.price_ticks) for o in m.side(opposite)):
                return reject(R.POST_ONLY_WOULD_TAKE, "would take")
        if c.time_in_force == TimeInForce.FOK:
            trial = copy.deepcopy(m)
            t = taker(0)
            self._match(trial, t)
            if t.remaining_lots > 0:
                return reject(R.FOK_CANNOT_FILL, "cannot fill")
        order_id = self.next_order_id
        self.next_order_id += 1
        before = m.totals()
        events: list[VenueEvent] = [
            OrderAccepted(
                c.symbol,
                order_id,
                c.account_id,
                c.client_order_id,
                c.side,
                c.order_type,
                c.time_in_force,
                c.price_ticks,
                c.quantity_lots,
                c.quote_quantity_tick_lots,
                c.stp_mode,
                c.stp_group,
            )
        ]
        t = taker(order_id)
        made, stp_taker = self._match(m, t)
        events += made
        reason = ExpireReason.STP_TAKER if stp_taker else ExpireReason.IOC_REMAINDER
        if t.quote_sized:
            if t.remaining_quote > 0:
                events.append(
                    OrderExpired(c.symbol, order_id, c.account_id, reason, 0, t.remaining_quote)
                )
        elif t.remaining_lots > 0:
            if c.time_in_force == TimeInForce.GTC and not stp_taker:
                m.orders.append(
                    _Order(
                        order_id=order_id,
                        account_id=c.account_id,
                        client_order_id=c.client_order_id,
                        side=c.side,
                        order_type=c.order_type,
                        price_ticks=c.price_ticks,
                        open_lots=t.remaining_lots,
                        filled_lots=c.quantity_lots - t.remaining_lots,
                        stp_mode=c.stp_mode,
                        stp_group=c.stp_group,
                        stamp=self._next_stamp(),
                    )
                )
            else:
                events.append(
                    OrderExpired(c.symbol, order_id, c.account_id, reason, t.remaining_lots, 0)
                )
        events += self._deltas(m, before, m.totals())
        return events

    def _check_reference(
        self, account: str, order_id: int, client_order_id: str
    ) -> Rejection | None:
        if not _good_account(account):
            return reject(R.INVALID_ACCOUNT_ID, "account")
        has_id = order_id > 0
        has_client_id = client_order_id != ""
        if order_id < 0 or has_id == has_client_id:
            return reject(R.INVALID_ORDER_REFERENCE, "reference")
        return None

    def _cancel(self, c: CancelOrder) -> list[VenueEvent] | Rejection:
        bad = self._check_reference(c.account_id, c.order_id, c.client_order_id)
        if bad is not None:
            return bad
        m = self.markets.get(c.symbol)
        if m is None:
            return reject(R.UNKNOWN_MARKET, "market")
        o = self._find(m, c.account_id, c.order_id, c.client_order_id)
        if o is None:
            return reject(R.UNKNOWN_ORDER, "order")
        before = m.totals()
        m.orders.remove(o)
        events: list[VenueEvent] = [
            OrderCancelled(c.symbol, o.order_id, o.account_id, CancelReason.USER, o.open_lots)
        ]
        return events + self._deltas(m, before, m.totals())

    def _amend(self, c: AmendOrder) -> list[VenueEvent] | Rejection:
        bad = self._check_reference(c.account_id, c.order_id, c.client_order_id)
        if bad is not None:
            return bad
        if c.quantity_lots <= 0:
            return reject(R.NON_POSITIVE_QUANTITY, "quantity")
        if c.quantity_lots > limits.venue_quantity_lots_max:
            return reject(R.QUANTITY_ABOVE_MAX, "quantity")
        if c.price_ticks <= 0:
            return reject(R.NON_POSITIVE_PRICE, "price")
        if c.price_ticks > limits.venue_price_ticks_max:
            return reject(R.PRICE_ABOVE_MAX, "price")
        m = self.markets.get(c.symbol)
        if m is None:
            return reject(R.UNKNOWN_MARKET, "market")
        if m.status == MarketStatus.HALTED:
            return reject(R.MARKET_HALTED, "halted")
        o = self._find(m, c.account_id, c.order_id, c.client_order_id)
        if o is None:
            return reject(R.UNKNOWN_ORDER, "order")
        total = o.open_lots + o.filled_lots
        if c.price_ticks == o.price_ticks and c.quantity_lots == total:
            return reject(R.NOTHING_TO_AMEND, "nothing")
        if c.quantity_lots <= o.filled_lots:
            return reject(R.AMEND_QUANTITY_NOT_ABOVE_FILLED, "filled")
        if c.price_ticks != o.price_ticks and not self._in_band(m, c.price_ticks):
            return reject(R.OUTSIDE_PRICE_BAND, "band")
        if c.price_ticks * c.quantity_lots < m.min_notional_tick_lots:
            return reject(R.NOTIONAL_BELOW_MINIMUM, "notional")
        opposite = Side.SELL if o.side == Side.BUY else Side.BUY
        crossing = [
            x
            for x in m.side(opposite)
            if (
                x.price_ticks <= c.price_ticks
                if o.side == Side.BUY
                else x.price_ticks >= c.price_ticks
            )
        ]
        if o.order_type == OrderType.LIMIT_MAKER and c.price_ticks != o.price_ticks and crossing:
            return reject(R.POST_ONLY_WOULD_TAKE, "would take")
        new_open = c.quantity_lots - o.filled_lots
        keep = c.price_ticks == o.price_ticks and c.quantity_lots < total
        before = m.totals()
        events: list[VenueEvent] = [
            OrderAmended(
                c.symbol, o.order_id, o.account_id, c.price_ticks, c.quantity_lots, new_open, keep
            )
        ]
        if keep:
            o.open_lots = new_open
        else:
            m.orders.remove(o)
            t = _Taker(
                order_id=o.order_id,
                account_id=o.account_id,
                side=o.side,
                stp_mode=o.stp_mode,
                stp_group=o.stp_group,
                limit_ticks=c.price_ticks,
                band_last_ticks=0,
                band_bps=0,
                remaining_lots=new_open,
                remaining_quote=0,
                quote_sized=False,
            )
            made, stp_taker = self._match(m, t)
            events += made
            o.price_ticks = c.price_ticks
            o.filled_lots += new_open - t.remaining_lots
            o.open_lots = t.remaining_lots
            if stp_taker:
                events.append(
                    OrderExpired(
                        c.symbol, o.order_id, o.account_id, ExpireReason.STP_TAKER, o.open_lots, 0
                    )
                )
            elif o.open_lots > 0:
                o.stamp = self._next_stamp()
                m.orders.append(o)
        return events + self._deltas(m, before, m.totals())

    def _create(self, c: CreateMarket) -> list[VenueEvent] | Rejection:
        s = c.symbol
        if not (
            0 < len(s) <= limits.venue_symbol_length_max
            and s[0] in _SYMBOL_FIRST
            and all(ch in _SYMBOL_REST for ch in s)
        ):
            return reject(R.INVALID_SYMBOL, "symbol")
        if s in self.markets:
            return reject(R.MARKET_EXISTS, "exists")
        if len(self.markets) >= limits.venue_markets_max:
            return reject(R.MARKETS_FULL, "full")
        for code in (c.base_asset, c.quote_asset):
            if not (
                0 < len(code) <= limits.asset_code_length_max
                and code[0] in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                and all(ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" for ch in code)
            ):
                return reject(R.INVALID_ASSET, "asset")
        if c.base_asset == c.quote_asset:
            return reject(R.INVALID_ASSET, "same asset")
        try:
            Step(c.tick_size)
            Step(c.lot_size)
        except ConditionFailed:
            return reject(R.INVALID_STEP, "step")
        accounts = c.restricted_accounts
        if (
            not 0 <= c.min_notional_tick_lots <= limits.venue_quote_quantity_max
            or not 0 <= c.price_band_bps <= limits.venue_price_band_bps_max
            or not 0 <= c.reference_price_ticks <= limits.venue_price_ticks_max
            or len(accounts) > limits.venue_market_restricted_accounts_max
            or len(set(accounts)) != len(accounts)
            or not all(_good_account(a) for a in accounts)
        ):
            return reject(R.INVALID_MARKET_PARAMETER, "parameter")
        event = MarketCreated(
            symbol=s,
            base_asset=c.base_asset,
            quote_asset=c.quote_asset,
            tick_size=c.tick_size,
            lot_size=c.lot_size,
            min_notional_tick_lots=c.min_notional_tick_lots,
            price_band_bps=c.price_band_bps,
            reference_price_ticks=c.reference_price_ticks,
            restricted_accounts=tuple(sorted(accounts)),
        )
        self.markets[s] = _Market(
            symbol=s,
            base_asset=c.base_asset,
            quote_asset=c.quote_asset,
            tick_size=c.tick_size,
            lot_size=c.lot_size,
            min_notional_tick_lots=c.min_notional_tick_lots,
            price_band_bps=c.price_band_bps,
            reference_price_ticks=c.reference_price_ticks,
            restricted_accounts=tuple(sorted(accounts)),
            last_price_ticks=c.reference_price_ticks,
        )
        return [event]

    def _halt(self, c: HaltMarket) -> list[VenueEvent] | Rejection:
        m = self.markets.get(c.symbol)
        if m is None:
            return reject(R.UNKNOWN_MARKET, "market")
        if m.status == MarketStatus.HALTED:
            return reject(R.MARKET_ALREADY_HALTED, "halted")
        m.status = MarketStatus.HALTED
        return [MarketHalted(c.symbol)]

    def _resume(self, c: ResumeMarket) -> list[VenueEvent] | Rejection:
        m = self.markets.get(c.symbol)
        if m is None:
            return reject(R.UNKNOWN_MARKET, "market")
        if m.status != MarketStatus.HALTED:
            return reject(R.MARKET_NOT_HALTED, "trading")
        m.status = MarketStatus.TRADING
        return [MarketResumed(c.symbol)]

    def _restrict(self, c: RestrictAccount) -> list[VenueEvent] | Rejection:
        if not _good_account(c.account_id):
            return reject(R.INVALID_ACCOUNT_ID, "account")
        if c.account_id in self.restricted:
            return reject(R.ACCOUNT_ALREADY_RESTRICTED, "restricted")
        if len(self.restricted) >= limits.venue_restricted_accounts_max:
            return reject(R.RESTRICTED_ACCOUNTS_FULL, "full")
        self.restricted[c.account_id] = c.role
        events: list[VenueEvent] = [AccountRestricted(c.account_id, c.role)]
        for symbol in sorted(self.markets):
            m = self.markets[symbol]
            mine = sorted(
                (o for o in m.orders if o.account_id == c.account_id), key=lambda o: o.order_id
            )
            if not mine:
                continue
            before = m.totals()
            for o in mine:
                m.orders.remove(o)
                events.append(
                    OrderCancelled(
                        symbol,
                        o.order_id,
                        o.account_id,
                        CancelReason.RESTRICTED_ACCOUNT,
                        o.open_lots,
                    )
                )
            events += self._deltas(m, before, m.totals())
        return events

    def _unrestrict(self, c: UnrestrictAccount) -> list[VenueEvent] | Rejection:
        if not _good_account(c.account_id):
            return reject(R.INVALID_ACCOUNT_ID, "account")
        if c.account_id not in self.restricted:
            return reject(R.ACCOUNT_NOT_RESTRICTED, "not restricted")
        del self.restricted[c.account_id]
        return [AccountUnrestricted(c.account_id)]


def _order_view(o: _Order) -> OrderView:
    return OrderView(
        order_id=o.order_id,
        account_id=o.account_id,
        client_order_id=o.client_order_id,
        side=o.side,
        order_type=o.order_type,
        price_ticks=o.price_ticks,
        open_lots=o.open_lots,
        filled_lots=o.filled_lots,
        stp_mode=o.stp_mode,
        stp_group=o.stp_group,
    )
