"""What may be asked of the brokers: immutable commands, tagged ``"broker.<name>"``.

Every command that concerns one broker names it (``broker_id``); the market list is shared.
Who submits what:

* a broker itself (its staff, or its API on a client's behalf): ``RegisterBroker``,
  ``SetExposureLimit``, ``PlaceOrder``, ``RequestCancel``;
* the kernel only, from another institution's event (anyone else is refused
  ``NOT_AUTHORISED``): ``ListMarket`` (venue ``MarketCreated``), ``SetRetailAdmission``
  (the regulator), ``RecordLastPrice`` (venue trades), ``RegisterClient`` and
  ``UpdateClientStanding`` (identity), ``MarkOrderOpen`` (venue ``OrderAccepted``),
  ``RejectOrder`` (a ledger or venue rejection of the order), ``ApplyFill`` (clearing's
  ``ObligationSettled``), ``CloseOrder`` (venue cancel or expiry, or the last fill),
  ``ApplyBalance`` (custody deposits and withdrawals).

Units: prices in ticks, quantities in lots, money in minor units of the asset, fee rates in
basis points. All are ``int``; no command has a float. Commands are checked by
``machine.decide``, not on construction, so that a malformed command is journaled with its
rejection rather than lost.
"""

from __future__ import annotations

import msgspec

from seawall.broker.state import (
    Actor,
    InvestorClass,
    OrderStatus,
    OrderType,
    Side,
    StpMode,
    TimeInForce,
)

__all__ = [
    "COMMANDS",
    "KERNEL_ONLY",
    "ApplyBalance",
    "ApplyFill",
    "BrokerCommand",
    "CloseOrder",
    "ListMarket",
    "MarkOrderOpen",
    "PlaceOrder",
    "RecordLastPrice",
    "RegisterBroker",
    "RegisterClient",
    "RejectOrder",
    "RequestCancel",
    "SetExposureLimit",
    "SetRetailAdmission",
    "UpdateClientStanding",
]


class RegisterBroker(msgspec.Struct, frozen=True, tag="broker.register_broker", tag_field="k"):
    """A broker with its fee schedule and the default exposure limit of its clients, in minor
    units of each quote asset."""

    broker_id: str
    maker_fee_bps: int
    taker_fee_bps: int
    exposure_limit_minor: int


class ListMarket(msgspec.Struct, frozen=True, tag="broker.list_market", tag_field="k"):
    """Kernel only: a market the venue listed, with its assets' decimals. Not admitted for
    retail until ``SetRetailAdmission``."""

    symbol: str
    base_asset: str
    quote_asset: str
    base_decimals: int
    quote_decimals: int
    tick_size: str
    lot_size: str
    price_band_bps: int = 0


class SetRetailAdmission(
    msgspec.Struct, frozen=True, tag="broker.set_retail_admission", tag_field="k"
):
    """Kernel only: the regulator admitted the market for retail clients (or withdrew that)."""

    symbol: str
    admitted: bool


class RecordLastPrice(msgspec.Struct, frozen=True, tag="broker.record_last_price", tag_field="k"):
    """Kernel only: the market last traded at ``price_ticks``."""

    symbol: str
    price_ticks: int


class RegisterClient(msgspec.Struct, frozen=True, tag="broker.register_client", tag_field="k"):
    """Kernel only: identity onboarded ``account_id`` as a client of ``broker_id``. A new client
    has not passed suitability and is not blocked."""

    broker_id: str
    account_id: str
    investor_class: InvestorClass
    actor: Actor


class UpdateClientStanding(
    msgspec.Struct, frozen=True, tag="broker.update_client_standing", tag_field="k"
):
    """Kernel only: identity's word on the client's suitability and whether it is blocked."""

    broker_id: str
    account_id: str
    suitability_passed: bool
    blocked: bool


class SetExposureLimit(msgspec.Struct, frozen=True, tag="broker.set_exposure_limit", tag_field="k"):
    """The most the client's live buy orders may hold in ``quote_asset`` (``""``: in every quote
    asset without a limit of its own), overriding the broker's default."""

    broker_id: str
    account_id: str
    limit_minor: int
    quote_asset: str = ""


class PlaceOrder(msgspec.Struct, frozen=True, tag="broker.place_order", tag_field="k"):
    """A client's new order.

    LIMIT and LIMIT_MAKER give ``price_ticks`` and ``quantity_lots``. MARKET gives no price; a
    buy gives exactly one of ``quantity_lots`` (base) or ``quote_quantity_minor`` (it spends at
    most that, fees aside), a sell gives ``quantity_lots``. ``client_order_id`` is the client's
    own name for the order (``""`` for none), unique among the client's orders at this broker.
    """

    broker_id: str
    account_id: str
    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType = OrderType.LIMIT
    time_in_force: TimeInForce = TimeInForce.GTC
    price_ticks: int = 0
    quantity_lots: int = 0
    quote_quantity_minor: int = 0
    stp_mode: StpMode = StpMode.NONE


class MarkOrderOpen(msgspec.Struct, frozen=True, tag="broker.mark_order_open", tag_field="k"):
    """Kernel only: the venue accepted the order as ``venue_order_id``."""

    broker_id: str
    broker_order_id: str
    venue_order_id: int


class RejectOrder(msgspec.Struct, frozen=True, tag="broker.reject_order", tag_field="k"):
    """Kernel only: the ledger (its hold) or the venue refused the order downstream, with that
    institution's rejection; the book releases the order's hold."""

    broker_id: str
    broker_order_id: str
    code: int
    name: str
    message: str = ""


class ApplyFill(msgspec.Struct, frozen=True, tag="broker.apply_fill", tag_field="k"):
    """Kernel only: clearing settled venue trade ``trade_id`` for this order: ``quantity_lots``
    at ``price_ticks``, ``base_minor`` against ``quote_minor``, and the client's fee
    ``fee_minor`` in ``fee_asset`` (the quote asset) at its maker or taker rate."""

    broker_id: str
    broker_order_id: str
    trade_id: int
    price_ticks: int
    quantity_lots: int
    base_minor: int
    quote_minor: int
    fee_minor: int
    fee_asset: str
    is_maker: bool


class CloseOrder(msgspec.Struct, frozen=True, tag="broker.close_order", tag_field="k"):
    """Kernel only: the order is finished, ``CANCELED``, ``EXPIRED`` or ``FILLED``; the book
    releases what is left of its hold."""

    broker_id: str
    broker_order_id: str
    status: OrderStatus
    reason: str = ""


class RequestCancel(msgspec.Struct, frozen=True, tag="broker.request_cancel", tag_field="k"):
    """A client asks to cancel one of its own open orders, named by exactly one of
    ``broker_order_id`` or ``client_order_id``; the kernel sends the cancel to the venue."""

    broker_id: str
    account_id: str
    broker_order_id: str = ""
    client_order_id: str = ""


class ApplyBalance(msgspec.Struct, frozen=True, tag="broker.apply_balance", tag_field="k"):
    """Kernel only: custody credited (``delta_minor > 0``, a deposit) or debited (``< 0``, an
    executed withdrawal) the client's account in ``asset``."""

    broker_id: str
    account_id: str
    asset: str
    delta_minor: int
    reason: str = ""


#: Every broker command, decodable by its ``"k"`` tag.
BrokerCommand = (
    RegisterBroker
    | ListMarket
    | SetRetailAdmission
    | RecordLastPrice
    | RegisterClient
    | UpdateClientStanding
    | SetExposureLimit
    | PlaceOrder
    | MarkOrderOpen
    | RejectOrder
    | ApplyFill
    | CloseOrder
    | RequestCancel
    | ApplyBalance
)

COMMANDS: tuple[type[BrokerCommand], ...] = (
    RegisterBroker,
    ListMarket,
    SetRetailAdmission,
    RecordLastPrice,
    RegisterClient,
    UpdateClientStanding,
    SetExposureLimit,
    PlaceOrder,
    MarkOrderOpen,
    RejectOrder,
    ApplyFill,
    CloseOrder,
    RequestCancel,
    ApplyBalance,
)

#: The commands only the kernel may submit (derived from another institution's event).
KERNEL_ONLY: tuple[type[BrokerCommand], ...] = (
    ListMarket,
    SetRetailAdmission,
    RecordLastPrice,
    RegisterClient,
    UpdateClientStanding,
    MarkOrderOpen,
    RejectOrder,
    ApplyFill,
    CloseOrder,
    ApplyBalance,
)
