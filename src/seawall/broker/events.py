"""What the brokers decided: immutable events, tagged ``"broker.<name>"``.

``machine.decide`` returns a list of these (every broker command gives exactly one event);
``machine.evolve`` applies them one at a time and never refuses one. Events that change a
client's book carry the amounts they move (``hold_amount_minor``, ``released_minor``,
``balance_minor``), so that a projection can follow every book without replaying decisions.

The kernel routes: ``OrderAccepted`` -> ``ledger.CreateHold(hold_id, client:<broker>:<account>,
hold_asset, hold_amount_minor)``, then the venue order (its client order id is the
``broker_order_id``); ``CancelRequested`` -> ``venue.CancelOrder``.
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
    "EVENTS",
    "BalanceApplied",
    "BrokerEvent",
    "BrokerRegistered",
    "CancelRequested",
    "ClientRegistered",
    "ClientStandingUpdated",
    "ExposureLimitSet",
    "FillApplied",
    "LastPriceRecorded",
    "MarketListed",
    "OrderAccepted",
    "OrderClosed",
    "OrderOpened",
    "OrderRejected",
    "RetailAdmissionSet",
]


class BrokerRegistered(msgspec.Struct, frozen=True, tag="broker.broker_registered", tag_field="k"):
    broker_id: str
    maker_fee_bps: int
    taker_fee_bps: int
    exposure_limit_minor: int


class MarketListed(msgspec.Struct, frozen=True, tag="broker.market_listed", tag_field="k"):
    """A market joined the shared list, not admitted for retail, without a last price."""

    symbol: str
    base_asset: str
    quote_asset: str
    base_decimals: int
    quote_decimals: int
    tick_size: str
    lot_size: str
    price_band_bps: int


class RetailAdmissionSet(
    msgspec.Struct, frozen=True, tag="broker.retail_admission_set", tag_field="k"
):
    symbol: str
    admitted: bool


class LastPriceRecorded(
    msgspec.Struct, frozen=True, tag="broker.last_price_recorded", tag_field="k"
):
    symbol: str
    price_ticks: int


class ClientRegistered(msgspec.Struct, frozen=True, tag="broker.client_registered", tag_field="k"):
    broker_id: str
    account_id: str
    investor_class: InvestorClass
    actor: Actor


class ClientStandingUpdated(
    msgspec.Struct, frozen=True, tag="broker.client_standing_updated", tag_field="k"
):
    broker_id: str
    account_id: str
    suitability_passed: bool
    blocked: bool


class ExposureLimitSet(msgspec.Struct, frozen=True, tag="broker.exposure_limit_set", tag_field="k"):
    broker_id: str
    account_id: str
    quote_asset: str
    limit_minor: int


class OrderAccepted(msgspec.Struct, frozen=True, tag="broker.order_accepted", tag_field="k"):
    """The order passed the pre-trade checks and is pending its hold: the broker's book now
    holds ``hold_amount_minor`` of ``hold_asset``, and the kernel asks the ledger for the same
    hold, ``hold_id`` (``f"order:{broker_order_id}"``). The fee rates are the broker's at
    acceptance; the order keeps them."""

    broker_id: str
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
    hold_id: str
    hold_asset: str
    hold_amount_minor: int
    maker_fee_bps: int
    taker_fee_bps: int


class OrderOpened(msgspec.Struct, frozen=True, tag="broker.order_opened", tag_field="k"):
    broker_id: str
    broker_order_id: str
    account_id: str
    venue_order_id: int


class OrderRejected(msgspec.Struct, frozen=True, tag="broker.order_rejected", tag_field="k"):
    """The order was refused downstream (``code``, ``name``, ``message`` are that institution's
    rejection); the book released ``released_minor`` of ``hold_asset``."""

    broker_id: str
    broker_order_id: str
    account_id: str
    code: int
    name: str
    message: str
    hold_asset: str
    released_minor: int


class FillApplied(msgspec.Struct, frozen=True, tag="broker.fill_applied", tag_field="k"):
    """A settled fill. A buyer paid ``quote_minor + fee_minor`` and got ``base_minor``; a seller
    gave ``base_minor`` and got ``quote_minor - fee_minor``. ``released_minor`` of the hold was
    consumed (a buy: quote and fee; a sell: base); ``status`` is the order's new status."""

    broker_id: str
    broker_order_id: str
    account_id: str
    symbol: str
    side: Side
    trade_id: int
    price_ticks: int
    quantity_lots: int
    base_minor: int
    quote_minor: int
    fee_minor: int
    fee_asset: str
    is_maker: bool
    status: OrderStatus
    released_minor: int


class OrderClosed(msgspec.Struct, frozen=True, tag="broker.order_closed", tag_field="k"):
    """The order is finished with ``status``; the book released the ``released_minor`` of
    ``hold_asset`` it still held."""

    broker_id: str
    broker_order_id: str
    account_id: str
    status: OrderStatus
    reason: str
    hold_asset: str
    released_minor: int


class CancelRequested(msgspec.Struct, frozen=True, tag="broker.cancel_requested", tag_field="k"):
    """The client asked to cancel its open order; the kernel sends the cancel to the venue. The
    book changes only when the venue answers (``CloseOrder``)."""

    broker_id: str
    broker_order_id: str
    venue_order_id: int
    symbol: str
    account_id: str


class BalanceApplied(msgspec.Struct, frozen=True, tag="broker.balance_applied", tag_field="k"):
    """The client's book balance in ``asset`` moved by ``delta_minor`` to ``balance_minor``."""

    broker_id: str
    account_id: str
    asset: str
    delta_minor: int
    reason: str
    balance_minor: int


#: Every broker event, decodable by its ``"k"`` tag.
BrokerEvent = (
    BrokerRegistered
    | MarketListed
    | RetailAdmissionSet
    | LastPriceRecorded
    | ClientRegistered
    | ClientStandingUpdated
    | ExposureLimitSet
    | OrderAccepted
    | OrderOpened
    | OrderRejected
    | FillApplied
    | OrderClosed
    | CancelRequested
    | BalanceApplied
)

EVENTS: tuple[type[BrokerEvent], ...] = (
    BrokerRegistered,
    MarketListed,
    RetailAdmissionSet,
    LastPriceRecorded,
    ClientRegistered,
    ClientStandingUpdated,
    ExposureLimitSet,
    OrderAccepted,
    OrderOpened,
    OrderRejected,
    FillApplied,
    OrderClosed,
    CancelRequested,
    BalanceApplied,
)
