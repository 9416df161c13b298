"""The brokers' state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore``, and the read helpers, each of which takes a
``broker_id`` and returns only that broker's data (the market list aside, which is public).

Kernel-only commands (``commands.KERNEL_ONLY``) are refused ``NOT_AUTHORISED`` first, unless
``ctx.submitter == "kernel"``. Then ``decide`` checks a command in a fixed order and returns the
first rejection that applies:

* ``RegisterBroker``: id (INVALID_ID: ``A-Za-z0-9._-``, at most ``broker_id_length_max``), not
  registered (BROKER_EXISTS), maker then taker rate in 0..``broker_fee_bps_max`` (INVALID_FEE),
  default exposure limit in 0..``amount_minor_max`` (INVALID_AMOUNT), room (BROKER_FULL).
* ``ListMarket``: symbol (INVALID_MARKET), not listed (MARKET_EXISTS), base then quote asset
  code, and the two differ (INVALID_ASSET), decimals in 0..``asset_decimals_max``, tick and lot
  positive decimals with a lot a whole number of base minor units, price band in
  0..``venue_price_band_bps_max`` (INVALID_MARKET), room (BROKER_FULL).
* ``SetRetailAdmission``: UNKNOWN_MARKET, a bool (INVALID_MARKET). ``RecordLastPrice``:
  UNKNOWN_MARKET, price in 1..``venue_price_ticks_max`` (INVALID_PRICE).
* ``RegisterClient``: UNKNOWN_BROKER, account id (INVALID_ID), CLIENT_EXISTS,
  INVALID_INVESTOR_CLASS, INVALID_ACTOR, room (BROKER_FULL).
* ``UpdateClientStanding``: UNKNOWN_BROKER, UNKNOWN_CLIENT, both flags bools (INVALID_STANDING).
* ``SetExposureLimit``: UNKNOWN_BROKER, UNKNOWN_CLIENT, quote asset ``""`` or a code
  (INVALID_ASSET), limit in 0..``amount_minor_max`` (INVALID_AMOUNT).
* ``PlaceOrder`` (the pre-trade checks):

  1. the broker is registered (UNKNOWN_BROKER);
  2. the account is a client of *this* broker (UNKNOWN_CLIENT; a client of another broker is
     unknown here: the wall);
  3. the client is not blocked (CLIENT_BLOCKED);
  4. a retail client has passed suitability (SUITABILITY_REQUIRED, ``hk_rules``);
  5. the market is listed (UNKNOWN_MARKET);
  6. a retail client trades only markets admitted for retail (CLASS_NOT_ALLOWED);
  7. the client order id is ``""`` or an id of at most ``venue_client_order_id_length_max``
     (INVALID_ID), not used by this client at this broker before (DUPLICATE_CLIENT_ORDER_ID);
  8. the order is well formed (INVALID_ORDER): side, type, time in force and self-trade mode
     are members of their enums; LIMIT and LIMIT_MAKER have a price in
     1..``venue_price_ticks_max``, a quantity in 1..``venue_quantity_lots_max``, no quote
     quantity, and LIMIT_MAKER is GTC; MARKET is IOC with no price, a sell gives a quantity and
     no quote quantity, a buy exactly one of a quantity or a quote quantity (in
     1..``amount_minor_max``);
  9. the hold (below) can be sized (NO_REFERENCE_PRICE) and fits ``amount_minor_max``
     (INVALID_ORDER);
  10. a buy: the client's open buy exposure in the quote asset plus this hold is within its
      limit (EXPOSURE_LIMIT);
  11. the client's available book balance (balance less held) in the hold asset covers the hold
      (INSUFFICIENT_BALANCE: a first-line check; the ledger's hold is the authority);
  12. room: ``broker_open_orders_per_client_max`` (TOO_MANY_OPEN_ORDERS), then
      ``broker_orders_max`` (BROKER_FULL).

  **Holds.** A sell holds its quantity in base minor units. A buy holds quote: the notional plus
  the fee at the rate it may pay (LIMIT: the higher of maker and taker; LIMIT_MAKER: maker;
  MARKET: taker), each rounded up (``amounts``). A LIMIT buy's notional is at its price; a
  quote-sized MARKET buy's is its quote quantity; a base-sized MARKET buy's is at the top of
  the price band around the last price, ``ceil(last * (10_000 + band) / 10_000)``, and needs a
  last price and a band (NO_REFERENCE_PRICE). **Exposure** in a quote asset is what the
  client's live buy orders still hold in it (notional and fee reserve); the limit is the
  client's own for that asset, else the client's own default, else the broker's default.

* ``MarkOrderOpen``: UNKNOWN_BROKER, UNKNOWN_ORDER, venue order id positive (INVALID_ID), the
  order is pending its hold (INVALID_TRANSITION), the venue id is new (DUPLICATE_VENUE_ORDER_ID).
* ``RejectOrder``: UNKNOWN_BROKER, UNKNOWN_ORDER, the rejection's code, name and message
  (INVALID_REASON), the order is pending its hold (INVALID_TRANSITION).
* ``ApplyFill``: UNKNOWN_BROKER, UNKNOWN_ORDER, the order is open or partially filled
  (ORDER_NOT_OPEN), trade id positive (INVALID_FILL), not applied before (DUPLICATE_FILL), then
  INVALID_FILL: maker flag a bool, price in 1..``venue_price_ticks_max``, quantity in
  1..``venue_quantity_lots_max``, a limit order's price no worse than its limit, the filled lots
  within the order's quantity (base-sized orders), ``base_minor`` exactly the lots in base
  minor units, ``quote_minor`` the trade's notional rounded either way, within the quote
  quantity (quote-sized orders); then the fee (INVALID_FEE): in the market's quote asset, in
  0..the order's maker or taker rate on ``quote_minor`` rounded up; then what the fill consumes
  of the hold (a buy: quote and fee; a sell: base) is within what it still holds
  (FILL_EXCEEDS_HOLD); the asset received and the broker's fee income stay within
  ``amount_minor_max`` (BALANCE_OVERFLOW). The order becomes FILLED when its quantity (or quote
  quantity) is reached, else PARTIALLY_FILLED.
* ``CloseOrder``: UNKNOWN_BROKER, UNKNOWN_ORDER, reason (INVALID_REASON), then
  INVALID_TRANSITION: the status is CANCELED, EXPIRED or FILLED; the order is not closed;
  CANCELED and EXPIRED close an open or partially filled order; FILLED closes a filled order,
  or a partially filled quote-sized market buy.
* ``RequestCancel``: UNKNOWN_BROKER, UNKNOWN_CLIENT, exactly one reference
  (INVALID_ORDER_REFERENCE), the client's own order (UNKNOWN_ORDER; another client's order is
  unknown to it), open or partially filled (ORDER_NOT_OPEN). A blocked client may cancel.
* ``ApplyBalance``: UNKNOWN_BROKER, UNKNOWN_CLIENT, asset code (INVALID_ASSET), delta a non-zero
  integer within ``amount_minor_max`` (INVALID_AMOUNT), reason (INVALID_REASON), new balance
  within ``amount_minor_max`` (BALANCE_OVERFLOW) and not below what is held
  (INSUFFICIENT_BALANCE).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from enum import Enum
from typing import Any, Final, TypeVar

from seawall.broker.amounts import (
    ceil_div,
    fee_minor,
    market_fractions,
    price_bound_ticks,
)
from seawall.broker.commands import (
    KERNEL_ONLY,
    ApplyBalance,
    ApplyFill,
    BrokerCommand,
    CloseOrder,
    ListMarket,
    MarkOrderOpen,
    PlaceOrder,
    RecordLastPrice,
    RegisterBroker,
    RegisterClient,
    RejectOrder,
    RequestCancel,
    SetExposureLimit,
    SetRetailAdmission,
    UpdateClientStanding,
)
from seawall.broker.events import (
    BalanceApplied,
    BrokerEvent,
    BrokerRegistered,
    CancelRequested,
    ClientRegistered,
    ClientStandingUpdated,
    ExposureLimitSet,
    FillApplied,
    LastPriceRecorded,
    MarketListed,
    OrderAccepted,
    OrderClosed,
    OrderOpened,
    OrderRejected,
    RetailAdmissionSet,
)
from seawall.broker.rejections import BrokerRejection as R
from seawall.broker.state import (
    LIVE_FILL_STATUSES,
    ORDER_TRANSITIONS,
    STATE_HASH_DOMAIN,
    Actor,
    AmountRecord,
    BalanceRecord,
    Broker,
    BrokerInfo,
    BrokerRecord,
    BrokerSnapshot,
    BrokerState,
    Client,
    ClientRecord,
    ExposureLimitRecord,
    InvestorClass,
    Market,
    MarketRecord,
    Order,
    OrderRecord,
    OrderStatus,
    OrderType,
    Side,
    StpMode,
    TimeInForce,
)
from seawall.core import hk_rules, limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, UnitError, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import check_asset_code, check_id
from seawall.core.machine import Context, Rejection, reject, require_sorted_unique

__all__ = [
    "KERNEL_SUBMITTER",
    "STATE_HASH_DOMAIN",
    "book_balance",
    "broker_id_of",
    "broker_info",
    "broker_order_id_for",
    "canonical",
    "check_invariants",
    "client",
    "client_ids",
    "decide",
    "evolve",
    "exposure",
    "hold_id_for",
    "market",
    "markets",
    "open_orders",
    "order",
    "order_by_client_id",
    "order_by_venue_id",
    "orders",
    "restore",
    "snapshot",
    "state_hash",
]

#: The submitter of commands the kernel derives from other institutions' events.
KERNEL_SUBMITTER: Final = "kernel"

_AMOUNT_MAX: Final = limits.amount_minor_max
_BROKER_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")
_SYMBOL_PATTERN: Final = re.compile(r"[A-Z0-9][A-Z0-9._\-]*")
_CLOSE_STATUSES: Final = (OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.FILLED)
_CLOSED_STATUSES: Final = frozenset(
    {OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.REJECTED}
)
_UNFILLED_STATUSES: Final = frozenset(
    {OrderStatus.PENDING_HOLD, OrderStatus.OPEN, OrderStatus.REJECTED}
)

E = TypeVar("E", bound=Enum)


# --- ids ------------------------------------------------------------------------------------------


def broker_order_id_for(broker_id: str, number: int) -> str:
    """The id of a broker's ``number``-th order: ``f"{broker_id}-{number:08d}"``."""
    return f"{broker_id}-{number:08d}"


def hold_id_for(broker_order_id: str) -> str:
    """The ledger hold id of an order's funds: ``f"order:{broker_order_id}"``."""
    return f"order:{broker_order_id}"


def broker_id_of(broker_order_id: str) -> str:
    """The broker id inside a broker order id (``"b-1-00000007"`` -> ``"b-1"``)."""
    return broker_order_id.rpartition("-")[0]


# --- small checks ---------------------------------------------------------------------------------


def _int_in(value: object, low: int, high: int) -> bool:
    """Whether ``value`` is an ``int`` (not a bool, not an enum) in ``low..high``."""
    return type(value) is int and low <= value <= high


def _is_bool(value: object) -> bool:
    return type(value) is bool


def _member(kind: type[E], value: object) -> E | None:
    """``value`` as a member of the enum ``kind``, or ``None`` if it is not one."""
    if isinstance(value, kind):
        return value
    if type(value) not in (int, str):
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def _matches(value: object, pattern: re.Pattern[str], length_max: int) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= length_max
        and pattern.fullmatch(value) is not None
    )


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _bad_asset(value: object, what: str) -> Rejection | None:
    if not isinstance(value, str):
        return reject(R.INVALID_ASSET, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_asset_code(value, limits.asset_code_length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ASSET, f"{what}: {exc}")
    return None


def _bad_reason(value: object, what: str, *, required: bool = False) -> Rejection | None:
    if not isinstance(value, str):
        return reject(R.INVALID_REASON, f"{what} must be a string, got {type(value).__name__}")
    if len(value) > limits.memo_length_max or (required and not value):
        return reject(
            R.INVALID_REASON,
            f"{what} must be {1 if required else 0}..{limits.memo_length_max} characters, "
            f"got {len(value)}",
        )
    return None


# --- lookups --------------------------------------------------------------------------------------


def _find_broker(state: BrokerState, broker_id: object) -> Broker | Rejection:
    broker = state.brokers.get(broker_id) if isinstance(broker_id, str) else None
    if broker is None:
        return reject(R.UNKNOWN_BROKER, f"broker {broker_id!r} is not registered")
    return broker


def _find_client(broker: Broker, broker_id: str, account_id: object) -> Client | Rejection:
    found = broker.clients.get(account_id) if isinstance(account_id, str) else None
    if found is None:
        return reject(
            R.UNKNOWN_CLIENT, f"account {account_id!r} is not a client of broker {broker_id!r}"
        )
    return found


def _find_order(broker: Broker, broker_id: str, broker_order_id: object) -> Order | Rejection:
    found = broker.orders.get(broker_order_id) if isinstance(broker_order_id, str) else None
    if found is None:
        return reject(R.UNKNOWN_ORDER, f"broker {broker_id!r} has no order {broker_order_id!r}")
    return found


def _find_market(state: BrokerState, symbol: object) -> Market | Rejection:
    found = state.markets.get(symbol) if isinstance(symbol, str) else None
    if found is None:
        return reject(R.UNKNOWN_MARKET, f"market {symbol!r} is not listed")
    return found


def _exposure_limit(broker: Broker, found: Client, quote_asset: str) -> int:
    limits_by_asset = found.exposure_limits
    if quote_asset in limits_by_asset:
        return limits_by_asset[quote_asset]
    return limits_by_asset.get("", broker.exposure_limit_minor)


def _is_quote_sized(found: Order) -> bool:
    return found.quote_quantity_minor > 0


# --- decide ---------------------------------------------------------------------------------------

Outcome = list[BrokerEvent] | Rejection


def decide(state: BrokerState, command: BrokerCommand, ctx: Context) -> Outcome:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, KERNEL_ONLY) and ctx.submitter != KERNEL_SUBMITTER:
        return reject(
            R.NOT_AUTHORISED,
            f"{type(command).__name__} is submitted only by the kernel, not {ctx.submitter!r}",
        )
    decider = _DECIDERS.get(type(command))
    if decider is None:
        raise InvariantViolation(
            f"broker.decide given a non-broker command {type(command).__name__}"
        )
    return decider(state, command)


def _decide_register_broker(state: BrokerState, command: RegisterBroker) -> Outcome:
    broker_id = command.broker_id
    if not _matches(broker_id, _BROKER_ID_PATTERN, limits.broker_id_length_max):
        return reject(
            R.INVALID_ID,
            f"broker id must be 1..{limits.broker_id_length_max} characters of A-Z a-z 0-9 . _ - "
            f"starting with a letter or digit, got {broker_id!r}",
        )
    if broker_id in state.brokers:
        return reject(R.BROKER_EXISTS, f"broker {broker_id!r} is already registered")
    for what, bps in (("maker", command.maker_fee_bps), ("taker", command.taker_fee_bps)):
        if not _int_in(bps, 0, limits.broker_fee_bps_max):
            return reject(
                R.INVALID_FEE,
                f"{what} fee must be 0..{limits.broker_fee_bps_max} bps, got {bps!r}",
            )
    if not _int_in(command.exposure_limit_minor, 0, _AMOUNT_MAX):
        return reject(
            R.INVALID_AMOUNT,
            f"exposure limit must be an integer in 0..amount_minor_max, "
            f"got {command.exposure_limit_minor!r}",
        )
    if len(state.brokers) >= limits.brokers_max:
        return reject(R.BROKER_FULL, f"brokers_max {limits.brokers_max} reached")
    return [
        BrokerRegistered(
            broker_id=broker_id,
            maker_fee_bps=command.maker_fee_bps,
            taker_fee_bps=command.taker_fee_bps,
            exposure_limit_minor=command.exposure_limit_minor,
        )
    ]


def _decide_list_market(state: BrokerState, command: ListMarket) -> Outcome:
    symbol = command.symbol
    if not _matches(symbol, _SYMBOL_PATTERN, limits.venue_symbol_length_max):
        return reject(
            R.INVALID_MARKET,
            f"symbol must be 1..{limits.venue_symbol_length_max} characters of A-Z 0-9 . _ -, "
            f"got {symbol!r}",
        )
    if symbol in state.markets:
        return reject(R.MARKET_EXISTS, f"market {symbol} is already listed")
    rejection = _bad_asset(command.base_asset, "base asset") or _bad_asset(
        command.quote_asset, "quote asset"
    )
    if rejection is not None:
        return rejection
    if command.base_asset == command.quote_asset:
        return reject(
            R.INVALID_ASSET, f"market {symbol} trades {command.base_asset} against itself"
        )
    for what, decimals in (("base", command.base_decimals), ("quote", command.quote_decimals)):
        if not _int_in(decimals, 0, limits.asset_decimals_max):
            return reject(
                R.INVALID_MARKET,
                f"{what} decimals must be 0..{limits.asset_decimals_max}, got {decimals!r}",
            )
    try:
        market_fractions(
            command.tick_size, command.lot_size, command.base_decimals, command.quote_decimals
        )
    except (UnitError, TypeError) as exc:
        return reject(R.INVALID_MARKET, f"market {symbol}: {exc}")
    if not _int_in(command.price_band_bps, 0, limits.venue_price_band_bps_max):
        return reject(
            R.INVALID_MARKET,
            f"price band must be 0..{limits.venue_price_band_bps_max} bps, "
            f"got {command.price_band_bps!r}",
        )
    if len(state.markets) >= limits.venue_markets_max:
        return reject(R.BROKER_FULL, f"venue_markets_max {limits.venue_markets_max} reached")
    return [
        MarketListed(
            symbol=symbol,
            base_asset=command.base_asset,
            quote_asset=command.quote_asset,
            base_decimals=command.base_decimals,
            quote_decimals=command.quote_decimals,
            tick_size=command.tick_size,
            lot_size=command.lot_size,
            price_band_bps=command.price_band_bps,
        )
    ]


def _decide_retail_admission(state: BrokerState, command: SetRetailAdmission) -> Outcome:
    found = _find_market(state, command.symbol)
    if isinstance(found, Rejection):
        return found
    if not _is_bool(command.admitted):
        return reject(R.INVALID_MARKET, f"admitted must be a bool, got {command.admitted!r}")
    return [RetailAdmissionSet(symbol=command.symbol, admitted=command.admitted)]


def _decide_last_price(state: BrokerState, command: RecordLastPrice) -> Outcome:
    found = _find_market(state, command.symbol)
    if isinstance(found, Rejection):
        return found
    if not _int_in(command.price_ticks, 1, limits.venue_price_ticks_max):
        return reject(
            R.INVALID_PRICE,
            f"last price must be 1..{limits.venue_price_ticks_max} ticks, "
            f"got {command.price_ticks!r}",
        )
    return [LastPriceRecorded(symbol=command.symbol, price_ticks=command.price_ticks)]


def _decide_register_client(state: BrokerState, command: RegisterClient) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    account_id = command.account_id
    rejection = _bad_id(account_id, "account id", limits.account_id_length_max)
    if rejection is not None:
        return rejection
    if account_id in broker.clients:
        return reject(
            R.CLIENT_EXISTS,
            f"account {account_id!r} is already a client of broker {command.broker_id!r}",
        )
    investor_class = _member(InvestorClass, command.investor_class)
    if investor_class is None:
        return reject(
            R.INVALID_INVESTOR_CLASS,
            f"investor class {command.investor_class!r} is not one of InvestorClass",
        )
    actor = _member(Actor, command.actor)
    if actor is None:
        return reject(R.INVALID_ACTOR, f"actor {command.actor!r} is not one of Actor")
    if len(broker.clients) >= limits.broker_clients_max:
        return reject(
            R.BROKER_FULL,
            f"broker {command.broker_id!r} has broker_clients_max {limits.broker_clients_max}",
        )
    return [
        ClientRegistered(
            broker_id=command.broker_id,
            account_id=account_id,
            investor_class=investor_class,
            actor=actor,
        )
    ]


def _decide_client_standing(state: BrokerState, command: UpdateClientStanding) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_client(broker, command.broker_id, command.account_id)
    if isinstance(found, Rejection):
        return found
    if not (_is_bool(command.suitability_passed) and _is_bool(command.blocked)):
        return reject(
            R.INVALID_STANDING,
            f"suitability_passed and blocked must be bools, got "
            f"{command.suitability_passed!r} and {command.blocked!r}",
        )
    return [
        ClientStandingUpdated(
            broker_id=command.broker_id,
            account_id=command.account_id,
            suitability_passed=command.suitability_passed,
            blocked=command.blocked,
        )
    ]


def _decide_exposure_limit(state: BrokerState, command: SetExposureLimit) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_client(broker, command.broker_id, command.account_id)
    if isinstance(found, Rejection):
        return found
    if command.quote_asset != "":
        rejection = _bad_asset(command.quote_asset, "quote asset")
        if rejection is not None:
            return rejection
    if not _int_in(command.limit_minor, 0, _AMOUNT_MAX):
        return reject(
            R.INVALID_AMOUNT,
            f"exposure limit must be an integer in 0..amount_minor_max, "
            f"got {command.limit_minor!r}",
        )
    return [
        ExposureLimitSet(
            broker_id=command.broker_id,
            account_id=command.account_id,
            quote_asset=command.quote_asset,
            limit_minor=command.limit_minor,
        )
    ]


class _Shape:
    """A ``PlaceOrder``'s enum fields, as members."""

    __slots__ = ("order_type", "side", "stp_mode", "time_in_force")

    def __init__(
        self, side: Side, order_type: OrderType, time_in_force: TimeInForce, stp_mode: StpMode
    ) -> None:
        self.side = side
        self.order_type = order_type
        self.time_in_force = time_in_force
        self.stp_mode = stp_mode


def _order_shape(command: PlaceOrder) -> _Shape | Rejection:
    """Step 8 of ``PlaceOrder``: a well-formed order of its type (INVALID_ORDER)."""
    side = _member(Side, command.side)
    order_type = _member(OrderType, command.order_type)
    time_in_force = _member(TimeInForce, command.time_in_force)
    stp_mode = _member(StpMode, command.stp_mode)
    if side is None or order_type is None or time_in_force is None or stp_mode is None:
        return reject(
            R.INVALID_ORDER,
            f"side {command.side!r}, order type {command.order_type!r}, time in force "
            f"{command.time_in_force!r} and stp mode {command.stp_mode!r} must be enum members",
        )
    price = command.price_ticks
    quantity = command.quantity_lots
    quote = command.quote_quantity_minor
    if type(price) is not int or type(quantity) is not int or type(quote) is not int:
        return reject(
            R.INVALID_ORDER,
            f"price, quantity and quote quantity must be integers, got "
            f"{price!r}, {quantity!r}, {quote!r}",
        )
    quantity_max = limits.venue_quantity_lots_max
    if order_type is OrderType.MARKET:
        if time_in_force is not TimeInForce.IOC:
            return reject(R.INVALID_ORDER, f"a MARKET order is IOC, not {time_in_force.name}")
        if price != 0:
            return reject(R.INVALID_ORDER, f"a MARKET order has no price, got {price} ticks")
        if side is Side.SELL and quote != 0:
            return reject(
                R.INVALID_ORDER, f"a MARKET sell is sized in base lots, not quote ({quote})"
            )
        if (quantity > 0) == (quote > 0):
            return reject(
                R.INVALID_ORDER,
                f"a MARKET order gives exactly one of quantity_lots ({quantity}) and "
                f"quote_quantity_minor ({quote})",
            )
        if not (0 <= quantity <= quantity_max and 0 <= quote <= _AMOUNT_MAX):
            return reject(
                R.INVALID_ORDER,
                f"quantity must be 0..{quantity_max} lots and quote quantity "
                f"0..amount_minor_max, got {quantity} and {quote}",
            )
    else:
        if order_type is OrderType.LIMIT_MAKER and time_in_force is not TimeInForce.GTC:
            return reject(R.INVALID_ORDER, f"a LIMIT_MAKER order is GTC, not {time_in_force.name}")
        if not 1 <= price <= limits.venue_price_ticks_max:
            return reject(
                R.INVALID_ORDER,
                f"a limit price must be 1..{limits.venue_price_ticks_max} ticks, got {price}",
            )
        if not 1 <= quantity <= quantity_max:
            return reject(
                R.INVALID_ORDER, f"quantity must be 1..{quantity_max} lots, got {quantity}"
            )
        if quote != 0:
            return reject(
                R.INVALID_ORDER, f"a {order_type.name} order has no quote quantity, got {quote}"
            )
    return _Shape(side, order_type, time_in_force, stp_mode)


def _hold_for(
    broker: Broker, market: Market, shape: _Shape, command: PlaceOrder
) -> tuple[str, int] | Rejection:
    """Step 9 of ``PlaceOrder``: ``(hold_asset, hold_amount_minor)``."""
    quantity = command.quantity_lots
    if shape.side is Side.SELL:
        return _bounded_hold(market.base_asset, quantity * market.base_minor_per_lot)
    if shape.order_type is OrderType.MARKET:
        rate = broker.taker_fee_bps
        if command.quote_quantity_minor > 0:
            notional = command.quote_quantity_minor
        else:
            last = market.last_price_ticks
            if not last or not market.price_band_bps:
                return reject(
                    R.NO_REFERENCE_PRICE,
                    f"a MARKET buy sized in lots needs a last price and a price band to bound "
                    f"its cost; {command.symbol} has last price {last} ticks and band "
                    f"{market.price_band_bps} bps (size it in quote instead)",
                )
            bound = price_bound_ticks(last, market.price_band_bps)
            notional = ceil_div(bound * quantity * market.tick_lot_num, market.tick_lot_den)
    else:
        if shape.order_type is OrderType.LIMIT_MAKER:
            rate = broker.maker_fee_bps
        else:
            rate = max(broker.maker_fee_bps, broker.taker_fee_bps)
        notional = ceil_div(
            command.price_ticks * quantity * market.tick_lot_num, market.tick_lot_den
        )
    return _bounded_hold(market.quote_asset, notional + fee_minor(notional, rate))


def _bounded_hold(asset: str, amount: int) -> tuple[str, int] | Rejection:
    if amount > _AMOUNT_MAX:
        return reject(
            R.INVALID_ORDER,
            f"the order would hold {amount} {asset} minor units, over amount_minor_max",
        )
    return asset, amount


def _decide_place_order(state: BrokerState, command: PlaceOrder) -> Outcome:
    broker_id = command.broker_id
    broker = _find_broker(state, broker_id)
    if isinstance(broker, Rejection):
        return broker
    account_id = command.account_id
    found = _find_client(broker, broker_id, account_id)
    if isinstance(found, Rejection):
        return found
    if found.blocked:
        return reject(R.CLIENT_BLOCKED, f"client {account_id!r} of {broker_id!r} is blocked")
    retail = found.investor_class is InvestorClass.RETAIL
    if retail and hk_rules.RETAIL_NEEDS_SUITABILITY_ASSESSMENT and not found.suitability_passed:
        return reject(
            R.SUITABILITY_REQUIRED,
            f"retail client {account_id!r} has not passed the suitability assessment",
        )
    market_found = _find_market(state, command.symbol)
    if isinstance(market_found, Rejection):
        return market_found
    if retail and not market_found.retail_admitted:
        return reject(
            R.CLASS_NOT_ALLOWED,
            f"market {command.symbol} is not admitted for retail; {account_id!r} is retail",
        )
    client_order_id = command.client_order_id
    if client_order_id != "":
        rejection = _bad_id(
            client_order_id, "client order id", limits.venue_client_order_id_length_max
        )
        if rejection is not None:
            return rejection
        if client_order_id in found.client_order_ids:
            return reject(
                R.DUPLICATE_CLIENT_ORDER_ID,
                f"client {account_id!r} already used client order id {client_order_id!r} "
                f"(order {found.client_order_ids[client_order_id]})",
            )
    shape = _order_shape(command)
    if isinstance(shape, Rejection):
        return shape
    hold = _hold_for(broker, market_found, shape, command)
    if isinstance(hold, Rejection):
        return hold
    hold_asset, hold_amount = hold
    if shape.side is Side.BUY:
        used = found.buy_exposure.get(hold_asset, 0)
        limit = _exposure_limit(broker, found, hold_asset)
        if used + hold_amount > limit:
            return reject(
                R.EXPOSURE_LIMIT,
                f"client {account_id!r} has {used} {hold_asset} in open buys; this order adds "
                f"{hold_amount}, over the limit {limit}",
            )
    available = found.balances.get(hold_asset, 0) - found.held.get(hold_asset, 0)
    if available < hold_amount:
        return reject(
            R.INSUFFICIENT_BALANCE,
            f"client {account_id!r} has {available} {hold_asset} available, "
            f"the order needs {hold_amount}",
        )
    if len(found.live_order_ids) >= limits.broker_open_orders_per_client_max:
        return reject(
            R.TOO_MANY_OPEN_ORDERS,
            f"client {account_id!r} has {len(found.live_order_ids)} open orders, "
            f"the most allowed is {limits.broker_open_orders_per_client_max}",
        )
    if broker.next_order_number > limits.broker_orders_max:
        return reject(
            R.BROKER_FULL,
            f"broker {broker_id!r} reached broker_orders_max {limits.broker_orders_max}",
        )
    broker_order_id = broker_order_id_for(broker_id, broker.next_order_number)
    return [
        OrderAccepted(
            broker_id=broker_id,
            broker_order_id=broker_order_id,
            account_id=account_id,
            client_order_id=client_order_id,
            symbol=command.symbol,
            side=shape.side,
            order_type=shape.order_type,
            time_in_force=shape.time_in_force,
            price_ticks=command.price_ticks,
            quantity_lots=command.quantity_lots,
            quote_quantity_minor=command.quote_quantity_minor,
            stp_mode=shape.stp_mode,
            hold_id=hold_id_for(broker_order_id),
            hold_asset=hold_asset,
            hold_amount_minor=hold_amount,
            maker_fee_bps=broker.maker_fee_bps,
            taker_fee_bps=broker.taker_fee_bps,
        )
    ]


def _decide_mark_open(state: BrokerState, command: MarkOrderOpen) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_order(broker, command.broker_id, command.broker_order_id)
    if isinstance(found, Rejection):
        return found
    venue_order_id = command.venue_order_id
    if not _int_in(venue_order_id, 1, _AMOUNT_MAX):
        return reject(R.INVALID_ID, f"venue order id must be positive, got {venue_order_id!r}")
    if OrderStatus.OPEN not in ORDER_TRANSITIONS[found.status]:
        return reject(
            R.INVALID_TRANSITION,
            f"order {command.broker_order_id} is {found.status}, it cannot become open",
        )
    if venue_order_id in broker.venue_order_ids:
        return reject(
            R.DUPLICATE_VENUE_ORDER_ID,
            f"venue order {venue_order_id} is already order "
            f"{broker.venue_order_ids[venue_order_id]}",
        )
    return [
        OrderOpened(
            broker_id=command.broker_id,
            broker_order_id=command.broker_order_id,
            account_id=found.account_id,
            venue_order_id=venue_order_id,
        )
    ]


def _decide_reject_order(state: BrokerState, command: RejectOrder) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_order(broker, command.broker_id, command.broker_order_id)
    if isinstance(found, Rejection):
        return found
    if type(command.code) is not int:
        return reject(R.INVALID_REASON, f"rejection code must be an int, got {command.code!r}")
    rejection = _bad_reason(command.name, "rejection name", required=True)
    if rejection is not None:
        return rejection
    if not isinstance(command.message, str):
        return reject(
            R.INVALID_REASON, f"rejection message must be a string, got {command.message!r}"
        )
    if OrderStatus.REJECTED not in ORDER_TRANSITIONS[found.status]:
        return reject(
            R.INVALID_TRANSITION,
            f"order {command.broker_order_id} is {found.status}, it cannot be rejected",
        )
    return [
        OrderRejected(
            broker_id=command.broker_id,
            broker_order_id=command.broker_order_id,
            account_id=found.account_id,
            code=command.code,
            name=command.name,
            message=command.message,
            hold_asset=found.hold_asset,
            released_minor=found.hold_remaining_minor,
        )
    ]


def _decide_apply_fill(state: BrokerState, command: ApplyFill) -> Outcome:
    broker_id = command.broker_id
    broker = _find_broker(state, broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_order(broker, broker_id, command.broker_order_id)
    if isinstance(found, Rejection):
        return found
    if found.status not in LIVE_FILL_STATUSES:
        return reject(
            R.ORDER_NOT_OPEN,
            f"order {command.broker_order_id} is {found.status}; only an open order takes fills",
        )
    trade_id = command.trade_id
    if not _int_in(trade_id, 1, _AMOUNT_MAX):
        return reject(R.INVALID_FILL, f"trade id must be positive, got {trade_id!r}")
    if trade_id in found.trade_ids:
        return reject(
            R.DUPLICATE_FILL,
            f"trade {trade_id} was already applied to order {command.broker_order_id}",
        )
    rejection = _bad_fill_shape(found, command)
    if rejection is not None:
        return rejection
    mkt = state.markets[found.symbol]
    price = command.price_ticks
    quantity = command.quantity_lots
    if command.base_minor != quantity * mkt.base_minor_per_lot:
        return reject(
            R.INVALID_FILL,
            f"{quantity} lots are {quantity * mkt.base_minor_per_lot} {mkt.base_asset} minor "
            f"units, the fill says {command.base_minor!r}",
        )
    scaled = price * quantity * mkt.tick_lot_num
    low, high = scaled // mkt.tick_lot_den, ceil_div(scaled, mkt.tick_lot_den)
    quote = command.quote_minor
    if not _int_in(quote, low, high):
        return reject(
            R.INVALID_FILL,
            f"{quantity} lots at {price} ticks are {low}..{high} {mkt.quote_asset} minor units, "
            f"the fill says {quote!r}",
        )
    if _is_quote_sized(found) and found.cumulative_quote_minor + quote > found.quote_quantity_minor:
        return reject(
            R.INVALID_FILL,
            f"order {command.broker_order_id} spent {found.cumulative_quote_minor} of "
            f"{found.quote_quantity_minor}; this fill adds {quote}",
        )
    rate = found.maker_fee_bps if command.is_maker else found.taker_fee_bps
    if command.fee_asset != mkt.quote_asset:
        return reject(
            R.INVALID_FEE,
            f"fees are paid in the quote asset {mkt.quote_asset}, not {command.fee_asset!r}",
        )
    fee_max = fee_minor(quote, rate)
    fee = command.fee_minor
    if not _int_in(fee, 0, fee_max):
        return reject(
            R.INVALID_FEE,
            f"the fee on {quote} at {rate} bps is at most {fee_max}, the fill says {fee!r}",
        )
    buy = found.side is Side.BUY
    consumed = quote + fee if buy else command.base_minor
    if consumed > found.hold_remaining_minor:
        return reject(
            R.FILL_EXCEEDS_HOLD,
            f"the fill needs {consumed} {found.hold_asset} of order {command.broker_order_id}, "
            f"which holds {found.hold_remaining_minor}",
        )
    owner = broker.clients[found.account_id]
    received_asset, received = (
        (mkt.base_asset, command.base_minor) if buy else (mkt.quote_asset, quote - fee)
    )
    if owner.balances.get(received_asset, 0) + received > _AMOUNT_MAX:
        return reject(
            R.BALANCE_OVERFLOW,
            f"{found.account_id!r}'s {received_asset} balance would exceed amount_minor_max",
        )
    if broker.fees_earned.get(mkt.quote_asset, 0) + fee > _AMOUNT_MAX:
        return reject(
            R.BALANCE_OVERFLOW, f"{broker_id!r}'s {mkt.quote_asset} fee income would overflow"
        )
    filled = found.filled_lots + quantity
    if _is_quote_sized(found):
        done = found.cumulative_quote_minor + quote == found.quote_quantity_minor
    else:
        done = filled == found.quantity_lots
    return [
        FillApplied(
            broker_id=broker_id,
            broker_order_id=command.broker_order_id,
            account_id=found.account_id,
            symbol=found.symbol,
            side=found.side,
            trade_id=trade_id,
            price_ticks=price,
            quantity_lots=quantity,
            base_minor=command.base_minor,
            quote_minor=quote,
            fee_minor=fee,
            fee_asset=command.fee_asset,
            is_maker=command.is_maker,
            status=OrderStatus.FILLED if done else OrderStatus.PARTIALLY_FILLED,
            released_minor=consumed,
        )
    ]


def _bad_fill_shape(found: Order, command: ApplyFill) -> Rejection | None:
    """The INVALID_FILL checks that need no market arithmetic."""
    if not _is_bool(command.is_maker):
        return reject(R.INVALID_FILL, f"is_maker must be a bool, got {command.is_maker!r}")
    price = command.price_ticks
    quantity = command.quantity_lots
    if not _int_in(price, 1, limits.venue_price_ticks_max):
        return reject(
            R.INVALID_FILL, f"price must be 1..{limits.venue_price_ticks_max}, got {price!r}"
        )
    if not _int_in(quantity, 1, limits.venue_quantity_lots_max):
        return reject(
            R.INVALID_FILL,
            f"quantity must be 1..{limits.venue_quantity_lots_max} lots, got {quantity!r}",
        )
    if found.order_type is not OrderType.MARKET:
        worse = price > found.price_ticks if found.side is Side.BUY else price < found.price_ticks
        if worse:
            return reject(
                R.INVALID_FILL,
                f"a {found.side.name} limited to {found.price_ticks} ticks cannot fill at {price}",
            )
    if not _is_quote_sized(found) and found.filled_lots + quantity > found.quantity_lots:
        return reject(
            R.INVALID_FILL,
            f"order has {found.filled_lots} of {found.quantity_lots} lots filled; "
            f"{quantity} more is too many",
        )
    if type(command.base_minor) is not int or type(command.fee_minor) is not int:
        return reject(R.INVALID_FILL, "base_minor and fee_minor must be integers")
    return None


def _decide_close_order(state: BrokerState, command: CloseOrder) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_order(broker, command.broker_id, command.broker_order_id)
    if isinstance(found, Rejection):
        return found
    rejection = _bad_reason(command.reason, "close reason")
    if rejection is not None:
        return rejection
    status = _member(OrderStatus, command.status)
    if status is None or status not in _CLOSE_STATUSES:
        return reject(
            R.INVALID_TRANSITION,
            f"an order closes CANCELED, EXPIRED or FILLED, not {command.status!r}",
        )
    if found.closed:
        return reject(R.INVALID_TRANSITION, f"order {command.broker_order_id} is already closed")
    if status is OrderStatus.FILLED:
        allowed = found.status is OrderStatus.FILLED or (
            found.status is OrderStatus.PARTIALLY_FILLED and _is_quote_sized(found)
        )
    else:
        allowed = status in ORDER_TRANSITIONS[found.status]
    if not allowed:
        return reject(
            R.INVALID_TRANSITION,
            f"order {command.broker_order_id} is {found.status}, it cannot close {status}",
        )
    return [
        OrderClosed(
            broker_id=command.broker_id,
            broker_order_id=command.broker_order_id,
            account_id=found.account_id,
            status=status,
            reason=command.reason,
            hold_asset=found.hold_asset,
            released_minor=found.hold_remaining_minor,
        )
    ]


def _decide_request_cancel(state: BrokerState, command: RequestCancel) -> Outcome:
    broker_id = command.broker_id
    broker = _find_broker(state, broker_id)
    if isinstance(broker, Rejection):
        return broker
    account_id = command.account_id
    found = _find_client(broker, broker_id, account_id)
    if isinstance(found, Rejection):
        return found
    by_id, by_client_id = command.broker_order_id, command.client_order_id
    if (
        not isinstance(by_id, str)
        or not isinstance(by_client_id, str)
        or ((by_id == "") == (by_client_id == ""))
    ):
        return reject(
            R.INVALID_ORDER_REFERENCE,
            f"name exactly one of broker_order_id ({by_id!r}) and client_order_id "
            f"({by_client_id!r})",
        )
    broker_order_id = by_id or found.client_order_ids.get(by_client_id, "")
    target = broker.orders.get(broker_order_id)
    if target is None or target.account_id != account_id:
        return reject(
            R.UNKNOWN_ORDER,
            f"client {account_id!r} of {broker_id!r} has no order {by_id or by_client_id!r}",
        )
    if target.status not in LIVE_FILL_STATUSES:
        return reject(
            R.ORDER_NOT_OPEN,
            f"order {broker_order_id} is {target.status}; only an open order can be cancelled",
        )
    return [
        CancelRequested(
            broker_id=broker_id,
            broker_order_id=broker_order_id,
            venue_order_id=target.venue_order_id,
            symbol=target.symbol,
            account_id=account_id,
        )
    ]


def _decide_apply_balance(state: BrokerState, command: ApplyBalance) -> Outcome:
    broker = _find_broker(state, command.broker_id)
    if isinstance(broker, Rejection):
        return broker
    found = _find_client(broker, command.broker_id, command.account_id)
    if isinstance(found, Rejection):
        return found
    asset = command.asset
    rejection = _bad_asset(asset, "asset")
    if rejection is not None:
        return rejection
    delta = command.delta_minor
    if not _int_in(delta, -_AMOUNT_MAX, _AMOUNT_MAX) or delta == 0:
        return reject(
            R.INVALID_AMOUNT,
            f"delta_minor must be a non-zero integer within amount_minor_max, got {delta!r}",
        )
    rejection = _bad_reason(command.reason, "balance reason")
    if rejection is not None:
        return rejection
    balance = found.balances.get(asset, 0) + delta
    if balance > _AMOUNT_MAX:
        return reject(
            R.BALANCE_OVERFLOW,
            f"{command.account_id!r}'s {asset} balance would exceed amount_minor_max",
        )
    held = found.held.get(asset, 0)
    if balance < held:
        return reject(
            R.INSUFFICIENT_BALANCE,
            f"{command.account_id!r} has {balance - delta} {asset} with {held} held; "
            f"{-delta} cannot be taken",
        )
    return [
        BalanceApplied(
            broker_id=command.broker_id,
            account_id=command.account_id,
            asset=asset,
            delta_minor=delta,
            reason=command.reason,
            balance_minor=balance,
        )
    ]


_DECIDERS: Final[dict[type[Any], Callable[[BrokerState, Any], Outcome]]] = {
    PlaceOrder: _decide_place_order,
    ApplyFill: _decide_apply_fill,
    MarkOrderOpen: _decide_mark_open,
    CloseOrder: _decide_close_order,
    RequestCancel: _decide_request_cancel,
    RejectOrder: _decide_reject_order,
    ApplyBalance: _decide_apply_balance,
    RecordLastPrice: _decide_last_price,
    RegisterClient: _decide_register_client,
    UpdateClientStanding: _decide_client_standing,
    SetExposureLimit: _decide_exposure_limit,
    RegisterBroker: _decide_register_broker,
    ListMarket: _decide_list_market,
    SetRetailAdmission: _decide_retail_admission,
}


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: BrokerState, event: BrokerEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    applier = _APPLIERS.get(type(event))
    if applier is None:
        raise InvariantViolation(f"broker.evolve given a non-broker event {type(event).__name__}")
    applier(state, event)


def _add(book: dict[str, int], asset: str, delta: int) -> None:
    book[asset] = book.get(asset, 0) + delta


def _release(found: Client, live: Order, amount: int) -> None:
    invariant(0 <= amount <= live.hold_remaining_minor, "release of more than the order holds")
    live.hold_remaining_minor -= amount
    _add(found.held, live.hold_asset, -amount)
    if live.side is Side.BUY:
        _add(found.buy_exposure, live.hold_asset, -amount)


def _close(found: Client, broker_order_id: str, live: Order, status: OrderStatus) -> None:
    _release(found, live, live.hold_remaining_minor)
    live.status = status
    live.closed = True
    del found.live_order_ids[broker_order_id]


def _apply_order_accepted(state: BrokerState, event: OrderAccepted) -> None:
    broker = state.brokers[event.broker_id]
    owner = broker.clients[event.account_id]
    broker_order_id = event.broker_order_id
    invariant(
        broker_order_id == broker_order_id_for(event.broker_id, broker.next_order_number),
        f"OrderAccepted {broker_order_id} out of sequence",
    )
    invariant(event.hold_amount_minor > 0, "OrderAccepted with no hold")
    broker.orders[broker_order_id] = Order(
        account_id=event.account_id,
        client_order_id=event.client_order_id,
        symbol=event.symbol,
        side=event.side,
        order_type=event.order_type,
        time_in_force=event.time_in_force,
        price_ticks=event.price_ticks,
        quantity_lots=event.quantity_lots,
        quote_quantity_minor=event.quote_quantity_minor,
        stp_mode=event.stp_mode,
        hold_asset=event.hold_asset,
        hold_amount_minor=event.hold_amount_minor,
        maker_fee_bps=event.maker_fee_bps,
        taker_fee_bps=event.taker_fee_bps,
    )
    broker.next_order_number += 1
    owner.order_ids.append(broker_order_id)
    owner.live_order_ids[broker_order_id] = None
    if event.client_order_id:
        invariant(event.client_order_id not in owner.client_order_ids, "client order id reused")
        owner.client_order_ids[event.client_order_id] = broker_order_id
    _add(owner.held, event.hold_asset, event.hold_amount_minor)
    if event.side is Side.BUY:
        _add(owner.buy_exposure, event.hold_asset, event.hold_amount_minor)


def _apply_order_opened(state: BrokerState, event: OrderOpened) -> None:
    broker = state.brokers[event.broker_id]
    live = broker.orders[event.broker_order_id]
    invariant(live.status is OrderStatus.PENDING_HOLD, "OrderOpened for an order not pending")
    invariant(event.venue_order_id not in broker.venue_order_ids, "venue order id reused")
    live.status = OrderStatus.OPEN
    live.venue_order_id = event.venue_order_id
    broker.venue_order_ids[event.venue_order_id] = event.broker_order_id


def _apply_order_rejected(state: BrokerState, event: OrderRejected) -> None:
    broker = state.brokers[event.broker_id]
    live = broker.orders[event.broker_order_id]
    invariant(live.status is OrderStatus.PENDING_HOLD, "OrderRejected for an order not pending")
    invariant(event.released_minor == live.hold_remaining_minor, "OrderRejected release differs")
    _close(broker.clients[live.account_id], event.broker_order_id, live, OrderStatus.REJECTED)
    live.reason = event.name


def _apply_fill(state: BrokerState, event: FillApplied) -> None:
    broker = state.brokers[event.broker_id]
    live = broker.orders[event.broker_order_id]
    invariant(live.status in LIVE_FILL_STATUSES, "FillApplied to an order not open")
    invariant(event.trade_id not in live.trade_ids, "FillApplied twice for one trade")
    owner = broker.clients[live.account_id]
    mkt = state.markets[live.symbol]
    _release(owner, live, event.released_minor)
    if live.side is Side.BUY:
        _add(owner.balances, mkt.quote_asset, -(event.quote_minor + event.fee_minor))
        _add(owner.balances, mkt.base_asset, event.base_minor)
    else:
        _add(owner.balances, mkt.base_asset, -event.base_minor)
        _add(owner.balances, mkt.quote_asset, event.quote_minor - event.fee_minor)
    if event.fee_minor:
        _add(broker.fees_earned, event.fee_asset, event.fee_minor)
    live.trade_ids.add(event.trade_id)
    live.filled_lots += event.quantity_lots
    live.cumulative_quote_minor += event.quote_minor
    live.fees_paid_minor += event.fee_minor
    live.status = event.status


def _apply_order_closed(state: BrokerState, event: OrderClosed) -> None:
    broker = state.brokers[event.broker_id]
    live = broker.orders[event.broker_order_id]
    invariant(not live.closed, "OrderClosed for a closed order")
    invariant(event.released_minor == live.hold_remaining_minor, "OrderClosed release differs")
    _close(broker.clients[live.account_id], event.broker_order_id, live, event.status)
    live.reason = event.reason


def _apply_balance(state: BrokerState, event: BalanceApplied) -> None:
    owner = state.brokers[event.broker_id].clients[event.account_id]
    _add(owner.balances, event.asset, event.delta_minor)
    invariant(owner.balances[event.asset] == event.balance_minor, "BalanceApplied total differs")


def _apply_broker_registered(state: BrokerState, event: BrokerRegistered) -> None:
    invariant(event.broker_id not in state.brokers, "BrokerRegistered twice")
    state.brokers[event.broker_id] = Broker(
        event.maker_fee_bps, event.taker_fee_bps, event.exposure_limit_minor
    )


def _apply_market_listed(state: BrokerState, event: MarketListed) -> None:
    invariant(event.symbol not in state.markets, "MarketListed twice")
    state.markets[event.symbol] = _new_market(
        event.base_asset,
        event.quote_asset,
        event.base_decimals,
        event.quote_decimals,
        event.tick_size,
        event.lot_size,
        event.price_band_bps,
    )


def _new_market(
    base_asset: str,
    quote_asset: str,
    base_decimals: int,
    quote_decimals: int,
    tick_size: str,
    lot_size: str,
    price_band_bps: int,
) -> Market:
    per_lot, numerator, denominator = market_fractions(
        tick_size, lot_size, base_decimals, quote_decimals
    )
    return Market(
        base_asset,
        quote_asset,
        base_decimals,
        quote_decimals,
        tick_size,
        lot_size,
        price_band_bps,
        per_lot,
        numerator,
        denominator,
    )


def _apply_retail_admission(state: BrokerState, event: RetailAdmissionSet) -> None:
    state.markets[event.symbol].retail_admitted = event.admitted


def _apply_last_price(state: BrokerState, event: LastPriceRecorded) -> None:
    invariant(event.price_ticks > 0, "LastPriceRecorded without a price")
    state.markets[event.symbol].last_price_ticks = event.price_ticks


def _apply_client_registered(state: BrokerState, event: ClientRegistered) -> None:
    broker = state.brokers[event.broker_id]
    invariant(event.account_id not in broker.clients, "ClientRegistered twice")
    broker.clients[event.account_id] = Client(event.investor_class, event.actor)


def _apply_client_standing(state: BrokerState, event: ClientStandingUpdated) -> None:
    owner = state.brokers[event.broker_id].clients[event.account_id]
    owner.suitability_passed = event.suitability_passed
    owner.blocked = event.blocked


def _apply_exposure_limit(state: BrokerState, event: ExposureLimitSet) -> None:
    owner = state.brokers[event.broker_id].clients[event.account_id]
    owner.exposure_limits[event.quote_asset] = event.limit_minor


def _apply_cancel_requested(state: BrokerState, event: CancelRequested) -> None:
    """Nothing changes until the venue answers; the request is in the journal."""
    live = state.brokers[event.broker_id].orders[event.broker_order_id]
    invariant(live.status in LIVE_FILL_STATUSES, "CancelRequested for an order not open")


_APPLIERS: Final[dict[type[Any], Callable[[BrokerState, Any], None]]] = {
    OrderAccepted: _apply_order_accepted,
    FillApplied: _apply_fill,
    OrderOpened: _apply_order_opened,
    OrderClosed: _apply_order_closed,
    CancelRequested: _apply_cancel_requested,
    OrderRejected: _apply_order_rejected,
    BalanceApplied: _apply_balance,
    LastPriceRecorded: _apply_last_price,
    ClientRegistered: _apply_client_registered,
    ClientStandingUpdated: _apply_client_standing,
    ExposureLimitSet: _apply_exposure_limit,
    BrokerRegistered: _apply_broker_registered,
    MarketListed: _apply_market_listed,
    RetailAdmissionSet: _apply_retail_admission,
}


# --- records: the canonical form, and what the read helpers return --------------------------------


def _market_record(symbol: str, mkt: Market) -> MarketRecord:
    return MarketRecord(
        symbol=symbol,
        base_asset=mkt.base_asset,
        quote_asset=mkt.quote_asset,
        base_decimals=mkt.base_decimals,
        quote_decimals=mkt.quote_decimals,
        tick_size=mkt.tick_size,
        lot_size=mkt.lot_size,
        price_band_bps=mkt.price_band_bps,
        retail_admitted=mkt.retail_admitted,
        last_price_ticks=mkt.last_price_ticks,
    )


def _order_record(broker_order_id: str, found: Order) -> OrderRecord:
    return OrderRecord(
        broker_order_id=broker_order_id,
        account_id=found.account_id,
        client_order_id=found.client_order_id,
        symbol=found.symbol,
        side=found.side,
        order_type=found.order_type,
        time_in_force=found.time_in_force,
        price_ticks=found.price_ticks,
        quantity_lots=found.quantity_lots,
        quote_quantity_minor=found.quote_quantity_minor,
        stp_mode=found.stp_mode,
        status=found.status,
        closed=found.closed,
        venue_order_id=found.venue_order_id,
        filled_lots=found.filled_lots,
        cumulative_quote_minor=found.cumulative_quote_minor,
        fees_paid_minor=found.fees_paid_minor,
        hold_asset=found.hold_asset,
        hold_amount_minor=found.hold_amount_minor,
        hold_remaining_minor=found.hold_remaining_minor,
        maker_fee_bps=found.maker_fee_bps,
        taker_fee_bps=found.taker_fee_bps,
        reason=found.reason,
        trade_ids=tuple(sorted(found.trade_ids)),
    )


def _client_record(account_id: str, found: Client) -> ClientRecord:
    balances = []
    for asset in sorted(found.balances.keys() | found.held.keys()):
        balance = found.balances.get(asset, 0)
        held = found.held.get(asset, 0)
        if balance or held:
            balances.append(BalanceRecord(asset=asset, balance_minor=balance, held_minor=held))
    return ClientRecord(
        account_id=account_id,
        investor_class=found.investor_class,
        actor=found.actor,
        suitability_passed=found.suitability_passed,
        blocked=found.blocked,
        balances=tuple(balances),
        exposure_limits=tuple(
            ExposureLimitRecord(quote_asset=asset, limit_minor=limit)
            for asset, limit in sorted(found.exposure_limits.items())
        ),
    )


def _broker_info(broker_id: str, broker: Broker) -> BrokerInfo:
    return BrokerInfo(
        broker_id=broker_id,
        maker_fee_bps=broker.maker_fee_bps,
        taker_fee_bps=broker.taker_fee_bps,
        exposure_limit_minor=broker.exposure_limit_minor,
        next_order_number=broker.next_order_number,
        fees_earned=tuple(
            AmountRecord(asset=asset, amount_minor=amount)
            for asset, amount in sorted(broker.fees_earned.items())
            if amount
        ),
    )


def canonical(state: BrokerState) -> BrokerSnapshot:
    """The state in canonical form: sorted by id, zero balances left out."""
    return BrokerSnapshot(
        markets=tuple(_market_record(symbol, mkt) for symbol, mkt in sorted(state.markets.items())),
        brokers=tuple(
            BrokerRecord(
                info=_broker_info(broker_id, broker),
                clients=tuple(
                    _client_record(account_id, found)
                    for account_id, found in sorted(broker.clients.items())
                ),
                orders=tuple(
                    _order_record(broker_order_id, found)
                    for broker_order_id, found in sorted(broker.orders.items())
                ),
            )
            for broker_id, broker in sorted(state.brokers.items())
        ),
    )


def state_hash(state: BrokerState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: BrokerState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> BrokerState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, BrokerSnapshot)
    _require_sorted_unique([record.symbol for record in snap.markets], "markets")
    _require_sorted_unique([record.info.broker_id for record in snap.brokers], "brokers")
    state = BrokerState()
    for market_record in snap.markets:
        mkt = _new_market(
            market_record.base_asset,
            market_record.quote_asset,
            market_record.base_decimals,
            market_record.quote_decimals,
            market_record.tick_size,
            market_record.lot_size,
            market_record.price_band_bps,
        )
        mkt.retail_admitted = market_record.retail_admitted
        mkt.last_price_ticks = market_record.last_price_ticks
        state.markets[market_record.symbol] = mkt
    for broker_record in snap.brokers:
        state.brokers[broker_record.info.broker_id] = _restore_broker(broker_record)
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"broker snapshot is inconsistent: {violation}")
    return state


def _restore_broker(record: BrokerRecord) -> Broker:
    info = record.info
    broker = Broker(info.maker_fee_bps, info.taker_fee_bps, info.exposure_limit_minor)
    broker.next_order_number = info.next_order_number
    _require_sorted_unique([fee.asset for fee in info.fees_earned], "fees earned")
    for fee in info.fees_earned:
        if fee.amount_minor == 0:
            raise ConditionFailed("broker snapshot lists a zero fee income")
        broker.fees_earned[fee.asset] = fee.amount_minor
    _require_sorted_unique([c.account_id for c in record.clients], "clients")
    for client_record in record.clients:
        found = Client(client_record.investor_class, client_record.actor)
        found.suitability_passed = client_record.suitability_passed
        found.blocked = client_record.blocked
        _require_sorted_unique([b.asset for b in client_record.balances], "balances")
        for balance in client_record.balances:
            if balance.balance_minor == 0 and balance.held_minor == 0:
                raise ConditionFailed("broker snapshot lists a zero balance")
            found.balances[balance.asset] = balance.balance_minor
            found.held[balance.asset] = balance.held_minor
        _require_sorted_unique([e.quote_asset for e in client_record.exposure_limits], "limits")
        for limit in client_record.exposure_limits:
            found.exposure_limits[limit.quote_asset] = limit.limit_minor
        broker.clients[client_record.account_id] = found
    _require_sorted_unique([o.broker_order_id for o in record.orders], "orders")
    for order_record in record.orders:
        owner = broker.clients.get(order_record.account_id)
        if owner is None:
            raise ConditionFailed(
                f"broker snapshot order {order_record.broker_order_id} names no client"
            )
        _restore_order(broker, owner, order_record)
    return broker


def _restore_order(broker: Broker, owner: Client, record: OrderRecord) -> None:
    broker_order_id = record.broker_order_id
    live = Order(
        account_id=record.account_id,
        client_order_id=record.client_order_id,
        symbol=record.symbol,
        side=record.side,
        order_type=record.order_type,
        time_in_force=record.time_in_force,
        price_ticks=record.price_ticks,
        quantity_lots=record.quantity_lots,
        quote_quantity_minor=record.quote_quantity_minor,
        stp_mode=record.stp_mode,
        hold_asset=record.hold_asset,
        hold_amount_minor=record.hold_amount_minor,
        maker_fee_bps=record.maker_fee_bps,
        taker_fee_bps=record.taker_fee_bps,
    )
    live.hold_remaining_minor = record.hold_remaining_minor
    live.status = record.status
    live.closed = record.closed
    live.venue_order_id = record.venue_order_id
    live.filled_lots = record.filled_lots
    live.cumulative_quote_minor = record.cumulative_quote_minor
    live.fees_paid_minor = record.fees_paid_minor
    live.reason = record.reason
    if any(a >= b for a, b in itertools.pairwise(record.trade_ids)) or any(
        t <= 0 for t in record.trade_ids
    ):
        raise ConditionFailed(f"broker snapshot trade ids of {broker_order_id} are not sorted")
    live.trade_ids.update(record.trade_ids)
    broker.orders[broker_order_id] = live
    owner.order_ids.append(broker_order_id)
    if record.client_order_id:
        if record.client_order_id in owner.client_order_ids:
            raise ConditionFailed(f"broker snapshot reuses client order id in {broker_order_id}")
        owner.client_order_ids[record.client_order_id] = broker_order_id
    if record.venue_order_id:
        if record.venue_order_id in broker.venue_order_ids:
            raise ConditionFailed(f"broker snapshot reuses a venue order id in {broker_order_id}")
        broker.venue_order_ids[record.venue_order_id] = broker_order_id
    if not record.closed:
        owner.live_order_ids[broker_order_id] = None
        if record.side is Side.BUY:
            _add(owner.buy_exposure, record.hold_asset, record.hold_remaining_minor)


def _require_sorted_unique(keys: list[Any], what: str) -> None:
    require_sorted_unique(keys, what, "broker")


# --- invariants -----------------------------------------------------------------------------------


def check_invariants(state: BrokerState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


def _find_violation(state: BrokerState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``. Checks: markets' derived integers and
    ranges; per broker its schedule, its order numbering, each order's lifecycle, hold and fills,
    and each client's held amounts, buy exposure and indexes against its orders, with
    ``0 <= held <= balance <= amount_minor_max``."""
    for symbol, mkt in sorted(state.markets.items()):
        problem = _market_violation(symbol, mkt)
        if problem is not None:
            return problem
    for broker_id, broker in sorted(state.brokers.items()):
        problem = _broker_violation(state, broker_id, broker)
        if problem is not None:
            return problem
    return None


def _market_violation(symbol: str, mkt: Market) -> str | None:
    try:
        fractions = market_fractions(
            mkt.tick_size, mkt.lot_size, mkt.base_decimals, mkt.quote_decimals
        )
    except (UnitError, TypeError):
        return f"market {symbol} has invalid steps"
    if fractions != (mkt.base_minor_per_lot, mkt.tick_lot_num, mkt.tick_lot_den):
        return f"market {symbol} derived integers differ from its steps"
    if not 0 <= mkt.price_band_bps <= limits.venue_price_band_bps_max:
        return f"market {symbol} price band {mkt.price_band_bps} out of range"
    if not 0 <= mkt.last_price_ticks <= limits.venue_price_ticks_max:
        return f"market {symbol} last price {mkt.last_price_ticks} out of range"
    if mkt.base_asset == mkt.quote_asset:
        return f"market {symbol} trades an asset against itself"
    return None


def _broker_violation(state: BrokerState, broker_id: str, broker: Broker) -> str | None:
    for bps in (broker.maker_fee_bps, broker.taker_fee_bps):
        if not 0 <= bps <= limits.broker_fee_bps_max:
            return f"broker {broker_id!r} fee {bps} out of range"
    if not 0 <= broker.exposure_limit_minor <= _AMOUNT_MAX:
        return f"broker {broker_id!r} exposure limit out of range"
    if broker.next_order_number != len(broker.orders) + 1:
        return (
            f"broker {broker_id!r} next order {broker.next_order_number}, has {len(broker.orders)}"
        )
    for asset, amount in sorted(broker.fees_earned.items()):
        if not 0 <= amount <= _AMOUNT_MAX:
            return f"broker {broker_id!r} {asset} fee income {amount} out of range"
    held: dict[tuple[str, str], int] = {}
    exposure_by: dict[tuple[str, str], int] = {}
    live_ids: dict[str, list[str]] = {}
    all_ids: dict[str, list[str]] = {}
    client_order_ids_by: dict[str, dict[str, str]] = {}
    venue_count = 0
    for number, (broker_order_id, found) in enumerate(broker.orders.items(), start=1):
        if broker_order_id != broker_order_id_for(broker_id, number):
            return f"broker {broker_id!r} order {broker_order_id!r} is not number {number}"
        problem = _order_violation(state, broker, broker_order_id, found)
        if problem is not None:
            return problem
        account_id = found.account_id
        all_ids.setdefault(account_id, []).append(broker_order_id)
        if found.client_order_id:
            client_order_ids_by.setdefault(account_id, {})[found.client_order_id] = broker_order_id
        if found.venue_order_id:
            venue_count += 1
        if not found.closed:
            live_ids.setdefault(account_id, []).append(broker_order_id)
            key = (account_id, found.hold_asset)
            held[key] = held.get(key, 0) + found.hold_remaining_minor
            if found.side is Side.BUY:
                exposure_by[key] = exposure_by.get(key, 0) + found.hold_remaining_minor
    if venue_count != len(broker.venue_order_ids):
        return f"broker {broker_id!r} venue order index has {len(broker.venue_order_ids)} ids"
    for account_id, member in sorted(broker.clients.items()):
        where = f"client {account_id!r} of {broker_id!r}"
        if not isinstance(member.investor_class, InvestorClass) or not isinstance(
            member.actor, Actor
        ):
            return f"{where} has class {member.investor_class!r}, actor {member.actor!r}"
        for asset in sorted(member.balances.keys() | member.held.keys()):
            balance = member.balances.get(asset, 0)
            held_minor = member.held.get(asset, 0)
            if held_minor != held.pop((account_id, asset), 0):
                return f"{where} holds {held_minor} {asset}, not what its live orders hold"
            if not 0 <= held_minor <= balance <= _AMOUNT_MAX:
                return f"{where} {asset}: held {held_minor}, balance {balance}"
        for asset, amount in sorted(member.buy_exposure.items()):
            if amount != exposure_by.pop((account_id, asset), 0):
                return f"{where} buy exposure in {asset} is {amount}, not its live buys' holds"
        for asset, limit in sorted(member.exposure_limits.items()):
            if not 0 <= limit <= _AMOUNT_MAX:
                return f"{where} exposure limit in {asset!r} is {limit}"
        if list(member.live_order_ids) != live_ids.pop(account_id, []):
            return f"{where} live order index differs from its orders"
        if member.order_ids != all_ids.pop(account_id, []):
            return f"{where} order index differs from its orders"
        if member.client_order_ids != client_order_ids_by.pop(account_id, {}):
            return f"{where} client order id index differs from its orders"
    remaining = sorted(
        key for key, amount in itertools.chain(held.items(), exposure_by.items()) if amount
    )
    if remaining or all_ids:
        return f"broker {broker_id!r} orders hold for unknown clients or assets {remaining}"
    return None


def _order_violation(
    state: BrokerState, broker: Broker, broker_order_id: str, found: Order
) -> str | None:
    where = f"order {broker_order_id}"
    mkt = state.markets.get(found.symbol)
    if mkt is None or found.account_id not in broker.clients:
        return f"{where} names an unknown market or client"
    status = found.status
    if status not in ORDER_TRANSITIONS:
        return f"{where} has status {status!r}"
    if status in _CLOSED_STATUSES and not found.closed:
        return f"{where} is {status} but not closed"
    if status in LIVE_FILL_STATUSES | {OrderStatus.PENDING_HOLD} and found.closed:
        return f"{where} is {status} but closed"
    expected_asset = mkt.quote_asset if found.side is Side.BUY else mkt.base_asset
    if found.hold_asset != expected_asset or found.hold_amount_minor <= 0:
        return f"{where} holds {found.hold_amount_minor} {found.hold_asset}"
    if not 0 <= found.hold_remaining_minor <= found.hold_amount_minor:
        return f"{where} still holds {found.hold_remaining_minor} of {found.hold_amount_minor}"
    if found.closed and found.hold_remaining_minor:
        return f"{where} is closed but still holds {found.hold_remaining_minor}"
    at_venue = status not in (OrderStatus.PENDING_HOLD, OrderStatus.REJECTED)
    if at_venue != (found.venue_order_id > 0):
        return f"{where} is {status} with venue order id {found.venue_order_id}"
    if at_venue and broker.venue_order_ids.get(found.venue_order_id) != broker_order_id:
        return f"{where} venue order id {found.venue_order_id} is not indexed to it"
    fills = len(found.trade_ids)
    if (fills > 0) != (found.filled_lots > 0):
        return f"{where} has {fills} fills and {found.filled_lots} lots filled"
    if status in _UNFILLED_STATUSES and (fills or found.cumulative_quote_minor):
        return f"{where} is {status} with fills"
    if status is OrderStatus.PARTIALLY_FILLED and not fills:
        return f"{where} is partially filled without fills"
    if found.cumulative_quote_minor < 0 or found.fees_paid_minor < 0:
        return f"{where} has negative cumulative amounts"
    if found.quote_quantity_minor > 0:
        if found.cumulative_quote_minor > found.quote_quantity_minor:
            return f"{where} spent more quote than ordered"
    elif found.filled_lots > found.quantity_lots or (
        (status is OrderStatus.FILLED) != (found.filled_lots == found.quantity_lots)
    ):
        return f"{where} is {status} with {found.filled_lots} of {found.quantity_lots} lots"
    return None


# --- reading: every helper takes the broker whose book it reads ---------------------------------


def _broker_or_none(state: BrokerState, broker_id: str) -> Broker | None:
    return state.brokers.get(broker_id)


def broker_info(state: BrokerState, broker_id: str) -> BrokerInfo | None:
    """The broker's fee schedule, default exposure limit and fee income, or ``None``."""
    broker = _broker_or_none(state, broker_id)
    return None if broker is None else _broker_info(broker_id, broker)


def client(state: BrokerState, broker_id: str, account_id: str) -> ClientRecord | None:
    """``broker_id``'s client ``account_id`` with its book, or ``None`` if it has no such
    client (a client of another broker included)."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.clients.get(account_id)
    return None if found is None else _client_record(account_id, found)


def client_ids(state: BrokerState, broker_id: str) -> tuple[str, ...]:
    """The account ids of ``broker_id``'s clients, sorted (empty for an unknown broker)."""
    broker = _broker_or_none(state, broker_id)
    return () if broker is None else tuple(sorted(broker.clients))


def book_balance(
    state: BrokerState, broker_id: str, account_id: str, asset: str
) -> tuple[int, int]:
    """``(balance_minor, held_minor)`` of the client's book in ``asset``. Raises
    ``ConditionFailed`` if ``account_id`` is not a client of ``broker_id``."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.clients.get(account_id)
    if found is None:
        raise ConditionFailed(f"{account_id!r} is not a client of broker {broker_id!r}")
    return found.balances.get(asset, 0), found.held.get(asset, 0)


def exposure(
    state: BrokerState, broker_id: str, account_id: str, quote_asset: str
) -> tuple[int, int]:
    """``(used_minor, limit_minor)``: what the client's live buys hold in ``quote_asset``, and
    its limit there. Raises ``ConditionFailed`` for a client ``broker_id`` does not have."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.clients.get(account_id)
    if broker is None or found is None:
        raise ConditionFailed(f"{account_id!r} is not a client of broker {broker_id!r}")
    return found.buy_exposure.get(quote_asset, 0), _exposure_limit(broker, found, quote_asset)


def order(state: BrokerState, broker_id: str, broker_order_id: str) -> OrderRecord | None:
    """The order ``broker_order_id`` in ``broker_id``'s book, or ``None``."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.orders.get(broker_order_id)
    return None if found is None else _order_record(broker_order_id, found)


def order_by_client_id(
    state: BrokerState, broker_id: str, account_id: str, client_order_id: str
) -> OrderRecord | None:
    """The client's order named ``client_order_id`` at ``broker_id``, or ``None``."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.clients.get(account_id)
    broker_order_id = None if found is None else found.client_order_ids.get(client_order_id)
    if broker is None or broker_order_id is None:
        return None
    return _order_record(broker_order_id, broker.orders[broker_order_id])


def order_by_venue_id(
    state: BrokerState, broker_id: str, venue_order_id: int
) -> OrderRecord | None:
    """``broker_id``'s order that the venue knows as ``venue_order_id``, or ``None``."""
    broker = _broker_or_none(state, broker_id)
    broker_order_id = None if broker is None else broker.venue_order_ids.get(venue_order_id)
    if broker is None or broker_order_id is None:
        return None
    return _order_record(broker_order_id, broker.orders[broker_order_id])


def orders(state: BrokerState, broker_id: str, account_id: str) -> tuple[OrderRecord, ...]:
    """Every order of the client at ``broker_id``, oldest first (empty if none)."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.clients.get(account_id)
    if broker is None or found is None:
        return ()
    return tuple(_order_record(i, broker.orders[i]) for i in found.order_ids)


def open_orders(state: BrokerState, broker_id: str, account_id: str) -> tuple[OrderRecord, ...]:
    """The client's orders at ``broker_id`` not yet closed (still holding funds), oldest first."""
    broker = _broker_or_none(state, broker_id)
    found = None if broker is None else broker.clients.get(account_id)
    if broker is None or found is None:
        return ()
    return tuple(_order_record(i, broker.orders[i]) for i in found.live_order_ids)


def market(state: BrokerState, symbol: str) -> MarketRecord | None:
    """A listed market (the list is shared by all brokers), or ``None``."""
    found = state.markets.get(symbol)
    return None if found is None else _market_record(symbol, found)


def markets(state: BrokerState) -> tuple[MarketRecord, ...]:
    """Every listed market, by symbol."""
    return tuple(_market_record(symbol, mkt) for symbol, mkt in sorted(state.markets.items()))
