"""The brokers' state: the market list they share, and per broker its fee schedule, clients,
client books and orders; and the enums its commands, events and records share.

**The wall.** Every broker's clients and orders live inside that broker's own ``Broker``
record; nothing is indexed across brokers. The same account id registered at two brokers is two
unrelated clients. Only the market list (symbols, steps, retail admission, last price) is shared,
because it is public.

**Client books.** Per client and asset the broker keeps ``balance`` (what it believes the client
owns: deposits, less withdrawals, plus settled fills) and ``held`` (what its live orders
reserve), both in the asset's minor units, with ``0 <= held <= balance``. The ledger keeps the
authoritative books; this is the broker's own, reconciled against them.

**Orders** follow an explicit transition table (``ORDER_TRANSITIONS``):

================  =========================================  ====================================
 status            may become                                 when
================  =========================================  ====================================
 pending_hold      open, rejected                             the venue took it / the ledger or
                                                              the venue refused it
 open              partially_filled, filled, canceled,        a fill settled; the venue cancelled
                   expired                                    or expired it
 partially_filled  partially_filled, filled, canceled,
                   expired
 filled            (final)
 canceled          (final)
 expired           (final)
 rejected          (final)
================  =========================================  ====================================

Independently of its status an order is *live* until it is **closed**: ``OrderRejected`` or
``OrderClosed`` releases what is left of its hold. A filled order stays live, still holding the
rounding remainder of its hold, until the kernel's ``CloseOrder(FILLED)`` (after the last fill)
closes it; a quote-sized market buy may be closed ``FILLED`` from ``partially_filled``, since
only the venue knows that it spent all it could.

The canonical form (``BrokerSnapshot``) lists everything sorted by id and leaves out zero
balances, so that two states that decide every future command alike encode to the same bytes.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum, unique
from typing import Final

import msgspec

__all__ = [
    "LIVE_FILL_STATUSES",
    "ORDER_TRANSITIONS",
    "STATE_HASH_DOMAIN",
    "Actor",
    "AmountRecord",
    "BalanceRecord",
    "Broker",
    "BrokerInfo",
    "BrokerRecord",
    "BrokerSnapshot",
    "BrokerState",
    "Client",
    "ClientRecord",
    "ExposureLimitRecord",
    "InvestorClass",
    "Market",
    "MarketRecord",
    "Order",
    "OrderRecord",
    "OrderStatus",
    "OrderType",
    "Side",
    "StpMode",
    "TimeInForce",
]


# --- enums: the venue's order vocabulary (same names, same numbers), and the broker's own -------


@unique
class Side(IntEnum):
    BUY = 1
    SELL = 2


@unique
class OrderType(IntEnum):
    #: Trades up to its limit price; what is left rests (GTC) or expires (IOC, FOK).
    LIMIT = 1
    #: Trades at whatever the book offers within the venue's price band; time in force IOC. A
    #: buy is sized in base lots or in quote minor units; a sell in base lots.
    MARKET = 2
    #: Post-only: rests as a maker or is refused by the venue; time in force GTC.
    LIMIT_MAKER = 3


@unique
class TimeInForce(IntEnum):
    GTC = 1
    IOC = 2
    FOK = 3


@unique
class StpMode(IntEnum):
    """Self-trade prevention, passed through to the venue (Binance's semantics)."""

    NONE = 1
    EXPIRE_TAKER = 2
    EXPIRE_MAKER = 3
    EXPIRE_BOTH = 4


@unique
class InvestorClass(StrEnum):
    """The SFC investor classes (values as identity spells them). Retail clients must pass a
    suitability assessment and may trade only markets admitted for retail."""

    RETAIL = "retail"
    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


@unique
class Actor(StrEnum):
    """Who enters a client's orders: a person, or an approved algorithm."""

    HUMAN = "human"
    ALGORITHM = "algorithm"


@unique
class OrderStatus(StrEnum):
    """Where an order is in its lifecycle (see the table above)."""

    PENDING_HOLD = "pending_hold"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REJECTED = "rejected"


#: The order lifecycle: which statuses each status may move to.
ORDER_TRANSITIONS: Final[dict[OrderStatus, frozenset[OrderStatus]]] = {
    OrderStatus.PENDING_HOLD: frozenset({OrderStatus.OPEN, OrderStatus.REJECTED}),
    OrderStatus.OPEN: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PARTIALLY_FILLED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.FILLED: frozenset(),
    OrderStatus.CANCELED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
}

#: The statuses in which an order is at the venue and may take a fill or a cancel request.
LIVE_FILL_STATUSES: Final = frozenset({OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED})


# --- the mutable state ----------------------------------------------------------------------------


class Market:
    """A market as the venue listed it, shared by all brokers, with the integers derived from its
    steps: one lot is ``base_minor_per_lot`` base minor units (always whole), and one tick-lot
    (a price of one tick for one lot) is ``tick_lot_num / tick_lot_den`` quote minor units, a
    fraction in lowest terms."""

    __slots__ = (
        "base_asset",
        "base_decimals",
        "base_minor_per_lot",
        "last_price_ticks",
        "lot_size",
        "price_band_bps",
        "quote_asset",
        "quote_decimals",
        "retail_admitted",
        "tick_lot_den",
        "tick_lot_num",
        "tick_size",
    )

    def __init__(
        self,
        base_asset: str,
        quote_asset: str,
        base_decimals: int,
        quote_decimals: int,
        tick_size: str,
        lot_size: str,
        price_band_bps: int,
        base_minor_per_lot: int,
        tick_lot_num: int,
        tick_lot_den: int,
    ) -> None:
        self.base_asset = base_asset
        self.quote_asset = quote_asset
        self.base_decimals = base_decimals
        self.quote_decimals = quote_decimals
        self.tick_size = tick_size
        self.lot_size = lot_size
        self.price_band_bps = price_band_bps
        self.base_minor_per_lot = base_minor_per_lot
        self.tick_lot_num = tick_lot_num
        self.tick_lot_den = tick_lot_den
        #: Whether retail clients may trade it (the regulator's admission).
        self.retail_admitted = False
        #: The last trade price; 0 until the first trade.
        self.last_price_ticks = 0


class Order:
    """One order in a broker's book. ``hold_remaining_minor`` is what is still held of
    ``hold_amount_minor`` in ``hold_asset`` (the quote asset for a buy, the base for a sell);
    ``trade_ids`` are the venue trades already applied as fills."""

    __slots__ = (
        "account_id",
        "client_order_id",
        "closed",
        "cumulative_quote_minor",
        "fees_paid_minor",
        "filled_lots",
        "hold_amount_minor",
        "hold_asset",
        "hold_remaining_minor",
        "maker_fee_bps",
        "order_type",
        "price_ticks",
        "quantity_lots",
        "quote_quantity_minor",
        "reason",
        "side",
        "status",
        "stp_mode",
        "symbol",
        "taker_fee_bps",
        "time_in_force",
        "trade_ids",
        "venue_order_id",
    )

    def __init__(
        self,
        account_id: str,
        client_order_id: str,
        symbol: str,
        side: Side,
        order_type: OrderType,
        time_in_force: TimeInForce,
        price_ticks: int,
        quantity_lots: int,
        quote_quantity_minor: int,
        stp_mode: StpMode,
        hold_asset: str,
        hold_amount_minor: int,
        maker_fee_bps: int,
        taker_fee_bps: int,
    ) -> None:
        self.account_id = account_id
        self.client_order_id = client_order_id
        self.symbol = symbol
        self.side = side
        self.order_type = order_type
        self.time_in_force = time_in_force
        self.price_ticks = price_ticks
        self.quantity_lots = quantity_lots
        self.quote_quantity_minor = quote_quantity_minor
        self.stp_mode = stp_mode
        self.hold_asset = hold_asset
        self.hold_amount_minor = hold_amount_minor
        self.hold_remaining_minor = hold_amount_minor
        self.maker_fee_bps = maker_fee_bps
        self.taker_fee_bps = taker_fee_bps
        self.status = OrderStatus.PENDING_HOLD
        self.closed = False
        self.venue_order_id = 0
        self.filled_lots = 0
        self.cumulative_quote_minor = 0
        #: Fees paid on this order's fills, in the quote asset.
        self.fees_paid_minor = 0
        self.trade_ids: set[int] = set()
        #: Why it was closed (the close reason, or the downstream rejection's name); "" if live.
        self.reason = ""


class Client:
    """One client of one broker, with its book and the indexes of its orders.

    ``exposure_limits`` maps a quote asset to a limit, ``""`` to the client's own default; the
    broker's default applies where neither is set. ``buy_exposure``, ``order_ids``,
    ``live_order_ids`` and ``client_order_ids`` are derived from the orders (rebuilt on restore,
    never hashed).
    """

    __slots__ = (
        "actor",
        "balances",
        "blocked",
        "buy_exposure",
        "client_order_ids",
        "exposure_limits",
        "held",
        "investor_class",
        "live_order_ids",
        "order_ids",
        "suitability_passed",
    )

    def __init__(self, investor_class: InvestorClass, actor: Actor) -> None:
        self.investor_class = investor_class
        self.actor = actor
        self.suitability_passed = False
        self.blocked = False
        self.balances: dict[str, int] = {}
        self.held: dict[str, int] = {}
        self.exposure_limits: dict[str, int] = {}
        #: quote asset -> what the live buy orders still hold in it
        self.buy_exposure: dict[str, int] = {}
        #: broker order ids of all the client's orders, in order of acceptance
        self.order_ids: list[str] = []
        #: broker order ids of the orders not yet closed, in order of acceptance
        self.live_order_ids: dict[str, None] = {}
        #: client order id -> broker order id, for every order the client ever named
        self.client_order_ids: dict[str, str] = {}


class Broker:
    """One broker: its fee schedule, default exposure limit, clients and orders.

    ``orders`` holds every order ever accepted (ids ``f"{broker_id}-{n:08d}"``, ``n`` from 1,
    so ``next_order_number == len(orders) + 1``); ``venue_order_ids`` maps the venue's order id
    back to the broker order id; ``fees_earned`` is the fee income per asset."""

    __slots__ = (
        "clients",
        "exposure_limit_minor",
        "fees_earned",
        "maker_fee_bps",
        "next_order_number",
        "orders",
        "taker_fee_bps",
        "venue_order_ids",
    )

    def __init__(self, maker_fee_bps: int, taker_fee_bps: int, exposure_limit_minor: int) -> None:
        self.maker_fee_bps = maker_fee_bps
        self.taker_fee_bps = taker_fee_bps
        self.exposure_limit_minor = exposure_limit_minor
        self.next_order_number = 1
        self.clients: dict[str, Client] = {}
        self.orders: dict[str, Order] = {}
        self.venue_order_ids: dict[int, str] = {}
        self.fees_earned: dict[str, int] = {}


class BrokerState:
    """Everything the brokers know. Mutated only by ``machine.evolve``."""

    __slots__ = ("brokers", "markets")

    def __init__(self) -> None:
        self.brokers: dict[str, Broker] = {}
        self.markets: dict[str, Market] = {}


# --- canonical form: the snapshot, the input of state_hash, and what the read helpers return -----

#: Domain label of the brokers' state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.broker.state.v1"


class MarketRecord(msgspec.Struct, frozen=True):
    """A listed market. ``last_price_ticks`` is 0 before the first trade."""

    symbol: str
    base_asset: str
    quote_asset: str
    base_decimals: int
    quote_decimals: int
    tick_size: str
    lot_size: str
    price_band_bps: int
    retail_admitted: bool
    last_price_ticks: int


class BalanceRecord(msgspec.Struct, frozen=True):
    """A client's book in one asset: ``balance_minor`` owned, ``held_minor`` of it reserved."""

    asset: str
    balance_minor: int
    held_minor: int


class AmountRecord(msgspec.Struct, frozen=True):
    """An amount of one asset (a broker's fee income in it)."""

    asset: str
    amount_minor: int


class ExposureLimitRecord(msgspec.Struct, frozen=True):
    """A client's own exposure limit in ``quote_asset`` (``""``: every quote asset)."""

    quote_asset: str
    limit_minor: int


class ClientRecord(msgspec.Struct, frozen=True):
    account_id: str
    investor_class: InvestorClass
    actor: Actor
    suitability_passed: bool
    blocked: bool
    balances: tuple[BalanceRecord, ...]
    exposure_limits: tuple[ExposureLimitRecord, ...]


class OrderRecord(msgspec.Struct, frozen=True):
    """One order as the broker's book has it (see ``Order``); ``trade_ids`` sorted."""

    broker_order_id: str
    account_id: str
    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    price_ticks: int
    quantity_lots: int
    quote_quantity_minor: int
    stp_mode: StpMode
    status: OrderStatus
    closed: bool
    venue_order_id: int
    filled_lots: int
    cumulative_quote_minor: int
    fees_paid_minor: int
    hold_asset: str
    hold_amount_minor: int
    hold_remaining_minor: int
    maker_fee_bps: int
    taker_fee_bps: int
    reason: str
    trade_ids: tuple[int, ...]


class BrokerInfo(msgspec.Struct, frozen=True):
    """A broker's schedule and counters, without its clients and orders; ``fees_earned`` by
    asset, zeros left out."""

    broker_id: str
    maker_fee_bps: int
    taker_fee_bps: int
    exposure_limit_minor: int
    next_order_number: int
    fees_earned: tuple[AmountRecord, ...]


class BrokerRecord(msgspec.Struct, frozen=True):
    """One broker's whole book: ``info``, clients sorted by account id, orders by id."""

    info: BrokerInfo
    clients: tuple[ClientRecord, ...]
    orders: tuple[OrderRecord, ...]


class BrokerSnapshot(msgspec.Struct, frozen=True, tag="broker.snapshot", tag_field="k"):
    """The whole state, canonically: markets by symbol, brokers by id."""

    markets: tuple[MarketRecord, ...]
    brokers: tuple[BrokerRecord, ...]
