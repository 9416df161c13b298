"""The order and trade flows between broker, ledger (custody's books), venue and clearing
(ADR 0004, flows 3 to 5), and the market-wide flows that feed brokers and the venue (listing,
client standing, retail admission, halts).

An order's life, each arrow a journal entry derived by the kernel:

    broker.PlaceOrder -> OrderAccepted -> ledger.CreateHold(order:...) -> HoldCreated
      -> venue.PlaceOrder (client_order_id = the broker's order id) -> OrderAccepted, Trade...
    venue.OrderAccepted -> broker.MarkOrderOpen
    venue.Trade -> clearing.RecordTrade (both parties' brokers, holds and fee rates)
      -> SettlementInstructed -> ledger.PostHold(keep_remainder) -> TransferPosted(settle:...)
      -> clearing.ConfirmSettlement -> ObligationSettled -> broker.ApplyFill (each side)
    broker.FillApplied(filled) / venue.OrderCancelled / OrderExpired -> broker.CloseOrder
      -> OrderClosed -> ledger.VoidHold (whatever the hold still reserves)

Refusals flow back: a hold the ledger cannot place, or an order the venue refuses, becomes
``broker.RejectOrder`` (and the hold, if any, is voided); a trade clearing cannot attribute to
a broker's order (an account no broker knows: a hidden account trading) becomes a regulator alert.
"""

from __future__ import annotations

from typing import Any, Final

from seawall.broker import commands as bc
from seawall.broker import events as be
from seawall.broker import machine as broker
from seawall.broker.amounts import quote_tick_lots as _quote_tick_lots
from seawall.broker.state import Actor as BrokerActor
from seawall.broker.state import InvestorClass as BrokerClass
from seawall.broker.state import OrderStatus, TimeInForce
from seawall.clearing import commands as clc
from seawall.clearing import events as cle
from seawall.clearing import machine as clearing
from seawall.clearing.state import Party as ClearingParty
from seawall.clearing.state import SettlementMode
from seawall.clearing.state import Side as ClearingSide
from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.core.machine import Context, Rejection
from seawall.custody import events as ce
from seawall.identity import events as ie
from seawall.identity import machine as identity
from seawall.ledger import commands as lc
from seawall.ledger import events as le
from seawall.ledger.state import AccountKind, HoldStatus
from seawall.regulator import commands as rc
from seawall.regulator import events as re_
from seawall.regulator import machine as regulator
from seawall.venue import commands as vc
from seawall.venue import events as ve

__all__ = ["TRADE_EVENT_ROUTES", "TRADE_REJECTION_ROUTES"]

States = dict[str, Any]
ORDER_HOLD_PREFIX: Final = "order:"
SETTLEMENT_PREFIX: Final = "settle:"


def _client_account(broker_id: str, account_id: str) -> AccountId:
    return AccountId(f"client:{broker_id}:{account_id}")


def _hold_pending(states: States, hold_id: str) -> bool:
    hold = states["ledger"].holds.get(hold_id)
    return hold is not None and hold.status is HoldStatus.PENDING


def _broker_of(states: States, account_id: str) -> str:
    record = identity.client(states["identity"], account_id)
    return "" if record is None else record.broker_id


# --- markets, brokers, clients -----------------------------------------------------------------


def _market_created(event: ve.MarketCreated, ctx: Context, states: States, cause: Any) -> list[Any]:
    assets = states["ledger"].assets
    if event.base_asset not in assets or event.quote_asset not in assets:
        return []
    # Brokers and clearing both learn the market's terms, with the decimals custody defined.
    terms: dict[str, Any] = {
        "symbol": event.symbol,
        "base_asset": event.base_asset,
        "quote_asset": event.quote_asset,
        "base_decimals": assets[event.base_asset],
        "quote_decimals": assets[event.quote_asset],
        "tick_size": event.tick_size,
        "lot_size": event.lot_size,
    }
    return [
        bc.ListMarket(**terms, price_band_bps=event.price_band_bps),
        clc.RegisterMarket(**terms),
    ]


def _broker_registered(
    event: be.BrokerRegistered, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [lc.OpenAccount(AccountId(f"house:{event.broker_id}"), AccountKind.HOUSE)]


def _client_onboarded(
    event: ie.ClientOnboarded, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [
        bc.RegisterClient(
            broker_id=event.broker_id,
            account_id=event.account_id,
            investor_class=BrokerClass(event.investor_class.value),
            actor=BrokerActor(event.actor.value),
        )
    ]


def _standing_changed(event: Any, ctx: Context, states: States, cause: Any) -> list[Any]:
    record = identity.client(states["identity"], event.account_id)
    if (
        record is None
        or broker.client(states["broker"], record.broker_id, record.account_id) is None
    ):
        return []
    return [
        bc.UpdateClientStanding(
            broker_id=record.broker_id,
            account_id=record.account_id,
            suitability_passed=record.suitability_passed,
            blocked=record.status != "active",
        )
    ]


def _retail_admission(event: Any, ctx: Context, states: States, cause: Any) -> list[Any]:
    admitted = isinstance(event, re_.RetailAdmissionGranted)
    if broker.market(states["broker"], event.symbol) is None:
        return []
    return [bc.SetRetailAdmission(symbol=event.symbol, admitted=admitted)]


def _halt(event: re_.MarketHaltOrdered, ctx: Context, states: States, cause: Any) -> list[Any]:
    return [vc.HaltMarket(symbol=event.symbol)]


def _resume(event: re_.MarketResumeOrdered, ctx: Context, states: States, cause: Any) -> list[Any]:
    return [vc.ResumeMarket(symbol=event.symbol)]


def _deposit_to_book(
    event: ce.DepositConfirmed, ctx: Context, states: States, cause: Any
) -> list[Any]:
    if broker.client(states["broker"], event.broker_id, event.account_id) is None:
        return []
    return [
        bc.ApplyBalance(
            event.broker_id, event.account_id, event.asset, event.amount_minor, "deposit"
        )
    ]


def _withdrawal_to_book(
    event: ce.WithdrawalExecuted, ctx: Context, states: States, cause: Any
) -> list[Any]:
    if broker.client(states["broker"], event.broker_id, event.account_id) is None:
        return []
    return [
        bc.ApplyBalance(
            event.broker_id, event.account_id, event.asset, -event.amount_minor, "withdrawal"
        )
    ]


# --- orders ----------------------------------------------------------------------------------


def _order_accepted(event: be.OrderAccepted, ctx: Context, states: States, cause: Any) -> list[Any]:
    return [
        lc.CreateHold(
            hold_id=lc.HoldId(event.hold_id),
            account_id=_client_account(event.broker_id, event.account_id),
            asset=AssetCode(event.hold_asset),
            amount_minor=event.hold_amount_minor,
            memo="order",
        )
    ]


def _order_hold_created(
    event: le.HoldCreated, ctx: Context, states: States, cause: Any
) -> list[Any]:
    if not event.hold_id.startswith(ORDER_HOLD_PREFIX):
        return []
    broker_order_id = event.hold_id[len(ORDER_HOLD_PREFIX) :]
    broker_state = states["broker"]
    order = broker.order(broker_state, broker.broker_id_of(broker_order_id), broker_order_id)
    if order is None:
        return []
    quote_tick_lots = 0
    if order.quote_quantity_minor:
        terms = broker.market(broker_state, order.symbol)
        if terms is not None:
            quote_tick_lots = _quote_tick_lots(terms, order.quote_quantity_minor)
    return [
        vc.PlaceOrder(
            symbol=order.symbol,
            account_id=AccountId(order.account_id),
            side=vc.Side(int(order.side)),
            order_type=vc.OrderType(int(order.order_type)),
            time_in_force=vc.TimeInForce(int(order.time_in_force)),
            price_ticks=order.price_ticks,
            quantity_lots=order.quantity_lots,
            quote_quantity_tick_lots=quote_tick_lots,
            client_order_id=broker_order_id,
            stp_mode=vc.StpMode(int(order.stp_mode)),
            stp_group=order.account_id,
        )
    ]


def _order_hold_refused(
    command: lc.CreateHold, rejection: Rejection, ctx: Context, states: States
) -> list[Any]:
    if not command.hold_id.startswith(ORDER_HOLD_PREFIX):
        return []
    broker_order_id = command.hold_id[len(ORDER_HOLD_PREFIX) :]
    return [
        bc.RejectOrder(
            broker.broker_id_of(broker_order_id),
            broker_order_id,
            rejection.code,
            rejection.name,
            rejection.message,
        )
    ]


def _venue_refused(
    command: vc.PlaceOrder, rejection: Rejection, ctx: Context, states: States
) -> list[Any]:
    broker_order_id = command.client_order_id
    broker_id = broker.broker_id_of(broker_order_id)
    if broker.order(states["broker"], broker_id, broker_order_id) is None:
        return []
    return [
        bc.RejectOrder(
            broker_id, broker_order_id, rejection.code, rejection.name, rejection.message
        )
    ]


def _venue_accepted(event: ve.OrderAccepted, ctx: Context, states: States, cause: Any) -> list[Any]:
    broker_order_id = event.client_order_id
    broker_id = broker.broker_id_of(broker_order_id)
    if broker.order(states["broker"], broker_id, broker_order_id) is None:
        return []
    return [bc.MarkOrderOpen(broker_id, broker_order_id, event.order_id)]


def _broker_order(
    states: States, venue_order_id: int, account_id: str, cause: Any
) -> tuple[str, str] | None:
    """``(broker_id, broker_order_id)`` of a venue order: a resting one is in its broker's book;
    the one the venue is deciding right now is the cause itself."""
    broker_id = _broker_of(states, account_id)
    if broker_id:
        found = broker.order_by_venue_id(states["broker"], broker_id, venue_order_id)
        if found is not None:
            return broker_id, found.broker_order_id
    if isinstance(cause, vc.PlaceOrder) and cause.account_id == account_id:
        order_id = cause.client_order_id
        by = broker.broker_id_of(order_id)
        if broker.order(states["broker"], by, order_id) is not None:
            return by, order_id
    return None


def _awaits_settlement(states: States, broker_order_id: str) -> bool:
    """Whether clearing still owes a settlement for a trade of this order (netted mode)."""
    return any(
        broker_order_id in (obligation.buyer.broker_order_id, obligation.seller.broker_order_id)
        for obligation in clearing.unsettled_obligations(states["clearing"])
    )


def _order_ended(event: Any, ctx: Context, states: States, cause: Any) -> list[Any]:
    found = _broker_order(states, event.order_id, event.account_id, cause)
    if found is None:
        return []
    if _awaits_settlement(states, found[1]):
        # Netted settlement: the order's hold must stay until its trades settle at the cycle's
        # close; the order is closed when its last fill is applied (``_fill_applied``).
        return []
    status = OrderStatus.CANCELED if isinstance(event, ve.OrderCancelled) else OrderStatus.EXPIRED
    return [bc.CloseOrder(found[0], found[1], status, str(event.reason.name).lower())]


def _cancel_requested(
    event: be.CancelRequested, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [
        vc.CancelOrder(
            symbol=event.symbol,
            account_id=AccountId(event.account_id),
            order_id=event.venue_order_id,
        )
    ]


def _release_hold(event: Any, ctx: Context, states: States, cause: Any) -> list[Any]:
    hold_id = broker.hold_id_for(event.broker_order_id)
    return [lc.VoidHold(lc.HoldId(hold_id))] if _hold_pending(states, hold_id) else []


def _fill_applied(event: be.FillApplied, ctx: Context, states: States, cause: Any) -> list[Any]:
    if event.status == OrderStatus.FILLED:
        return [bc.CloseOrder(event.broker_id, event.broker_order_id, OrderStatus.FILLED, "filled")]
    if states["clearing"].mode is not SettlementMode.NETTED:
        return []  # per trade: the venue's cancel or expiry closes the order itself
    live = states["venue"].client_order_ids.get(event.account_id, {})
    if event.broker_order_id in live or _awaits_settlement(states, event.broker_order_id):
        return []
    order = broker.order(states["broker"], event.broker_id, event.broker_order_id)
    if order is None or order.closed:
        return []
    # It left the venue while its trades awaited the cycle: close it now, as the venue did.
    gone = OrderStatus.CANCELED if order.time_in_force == TimeInForce.GTC else OrderStatus.EXPIRED
    return [bc.CloseOrder(event.broker_id, event.broker_order_id, gone, "left the book")]


# --- trades and settlement --------------------------------------------------------------------


def _party(
    states: States, venue_order_id: int, account_id: str, cause: Any, maker: bool
) -> ClearingParty:
    found = _broker_order(states, venue_order_id, account_id, cause)
    if found is None:
        return ClearingParty("", account_id, "", "", 0)
    broker_id, broker_order_id = found
    order = broker.order(states["broker"], broker_id, broker_order_id)
    assert order is not None
    fee_bps = order.maker_fee_bps if maker else order.taker_fee_bps
    return ClearingParty(
        broker_id, account_id, broker_order_id, broker.hold_id_for(broker_order_id), fee_bps
    )


def _trade(event: ve.Trade, ctx: Context, states: States, cause: Any) -> list[Any]:
    maker = _party(states, event.maker_order_id, event.maker_account_id, cause, maker=True)
    taker = _party(states, event.taker_order_id, event.taker_account_id, cause, maker=False)
    taker_buys = int(event.aggressor_side) == int(vc.Side.BUY)
    buyer, seller = (taker, maker) if taker_buys else (maker, taker)
    commands: list[Any] = [
        clc.RecordTrade(
            symbol=event.symbol,
            trade_id=event.trade_id,
            price_ticks=event.price_ticks,
            quantity_lots=event.quantity_lots,
            buyer=buyer,
            seller=seller,
            maker_side=ClearingSide.SELL if taker_buys else ClearingSide.BUY,
        )
    ]
    if broker.market(states["broker"], event.symbol) is not None:
        commands.append(bc.RecordLastPrice(symbol=event.symbol, price_ticks=event.price_ticks))
    return commands


def _trade_unattributed(
    command: clc.RecordTrade, rejection: Rejection, ctx: Context, states: States
) -> list[Any]:
    return [
        rc.RecordAlert(
            source="clearing",
            code=rejection.name,
            detail=f"{command.symbol} trade {command.trade_id}: {rejection.message}",
        )
    ]


def _settlement_instructed(
    event: cle.SettlementInstructed, ctx: Context, states: States, cause: Any
) -> list[Any]:
    if not event.postings:
        return []
    return [
        lc.PostHold(
            hold_ids=tuple(lc.HoldId(h) for h in event.hold_ids),
            transfer_id=TransferId(event.instruction_id),
            postings=tuple(
                lc.Posting(AccountId(leg.ledger_account), AssetCode(leg.asset), leg.amount_minor)
                for leg in event.postings
            ),
            memo="DvP settlement",
            keep_remainder=True,
        )
    ]


def _settlement_posted(
    event: le.TransferPosted, ctx: Context, states: States, cause: Any
) -> list[Any]:
    if not event.transfer_id.startswith(SETTLEMENT_PREFIX):
        return []
    return [clc.ConfirmSettlement(instruction_id=event.transfer_id)]


def _settlement_refused(
    command: lc.PostHold, rejection: Rejection, ctx: Context, states: States
) -> list[Any]:
    if not command.transfer_id.startswith(SETTLEMENT_PREFIX):
        return []
    return [
        clc.FailSettlement(command.transfer_id, rejection.code, rejection.name, rejection.message)
    ]


def _obligation_settled(
    event: cle.ObligationSettled, ctx: Context, states: States, cause: Any
) -> list[Any]:
    buyer_is_maker = event.maker_side == ClearingSide.BUY
    fills = []
    for party, fee_minor, is_maker in (
        (event.buyer, event.buyer_fee_minor, buyer_is_maker),
        (event.seller, event.seller_fee_minor, not buyer_is_maker),
    ):
        fills.append(
            bc.ApplyFill(
                broker_id=party.broker_id,
                broker_order_id=party.broker_order_id,
                trade_id=event.trade_id,
                price_ticks=event.price_ticks,
                quantity_lots=event.quantity_lots,
                base_minor=event.base_minor,
                quote_minor=event.quote_minor,
                fee_minor=fee_minor,
                fee_asset=event.quote_asset,
                is_maker=is_maker,
            )
        )
    return fills


def _cycle_closed(event: cle.CycleClosed, ctx: Context, states: States, cause: Any) -> list[Any]:
    """Every clearing cycle ends with a reconciliation of all the books."""
    return [rc.RunReconciliation(cycle=regulator.last_cycle(states["regulator"]) + 1)]


TRADE_EVENT_ROUTES: Final[dict[type[Any], Any]] = {
    cle.CycleClosed: _cycle_closed,
    ve.MarketCreated: _market_created,
    be.BrokerRegistered: _broker_registered,
    ie.SuitabilityRecorded: _standing_changed,
    ie.AccountBlocked: _standing_changed,
    ie.AccountUnblocked: _standing_changed,
    re_.RetailAdmissionGranted: _retail_admission,
    re_.RetailAdmissionWithdrawn: _retail_admission,
    re_.MarketHaltOrdered: _halt,
    re_.MarketResumeOrdered: _resume,
    be.OrderAccepted: _order_accepted,
    ve.OrderAccepted: _venue_accepted,
    ve.Trade: _trade,
    ve.OrderCancelled: _order_ended,
    ve.OrderExpired: _order_ended,
    be.CancelRequested: _cancel_requested,
    be.FillApplied: _fill_applied,
    be.OrderClosed: _release_hold,
    be.OrderRejected: _release_hold,
    cle.SettlementInstructed: _settlement_instructed,
    cle.ObligationSettled: _obligation_settled,
}

#: Routes that add to a route the base flows already declare for the same event.
TRADE_EXTRA_ROUTES: Final[dict[type[Any], Any]] = {
    ie.ClientOnboarded: _client_onboarded,
    ce.DepositConfirmed: _deposit_to_book,
    ce.WithdrawalExecuted: _withdrawal_to_book,
    le.HoldCreated: _order_hold_created,
    le.TransferPosted: _settlement_posted,
}

TRADE_REJECTION_ROUTES: Final[dict[type[Any], Any]] = {
    vc.PlaceOrder: _venue_refused,
    clc.RecordTrade: _trade_unattributed,
    lc.PostHold: _settlement_refused,
}
#: Rejection routes that add to the base flows' route for the same command.
TRADE_EXTRA_REJECTION_ROUTES: Final[dict[type[Any], Any]] = {
    lc.CreateHold: _order_hold_refused,
}
