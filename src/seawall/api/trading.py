"""The signed trading calls, shared by REST and the WebSocket API: new order (and its test),
cancel, cancel-replace, query, open orders, all orders, trades, account.

A new order is checked at the door first, the way Binance checks it (parameters, then
``PRICE_FILTER`` / ``LOT_SIZE`` on the decimal text, then a duplicate ``newClientOrderId``), so
that a request that cannot be an order never reaches the market; what passes goes to the broker
as ``broker.PlaceOrder`` with the raw signed request as the entry's ``auth``, and through every
institution. A refusal anywhere on the way (the broker's pre-trade checks, the custodian's hold,
the venue) comes back as the Binance error of ``errors.REJECTIONS``.
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any, Final, NamedTuple

from seawall.api import errors as e
from seawall.api.formatting import amount_text
from seawall.api.keys import ApiKey
from seawall.api.params import limit, market, optional_int, required
from seawall.api.ratelimit import RateLimiter
from seawall.api.readmodels import MarketData, OrderView
from seawall.api.service import ASSET_DECIMALS, MarketService, Submitted
from seawall.api.views import (
    my_trade_json,
    order_ack,
    order_cancel_json,
    order_query_json,
    order_result,
)
from seawall.broker import events as be
from seawall.broker import machine as broker
from seawall.broker.commands import PlaceOrder, RequestCancel
from seawall.broker.state import OrderType, Side, StpMode, TimeInForce
from seawall.core import limits
from seawall.core.errors import UnitError

__all__ = ["NewOrder", "Trading", "new_client_order_id", "parse_new_order"]

ORDER_TYPES: Final = ("LIMIT", "MARKET", "LIMIT_MAKER")
UNSUPPORTED_TYPES: Final = (
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
)
UNSUPPORTED_PARAMS: Final = (
    "stopPrice",
    "icebergQty",
    "trailingDelta",
    "strategyId",
    "strategyType",
    "pegPriceType",
    "pegOffsetValue",
    "pegOffsetType",
)
NUMBER_PATTERN: Final = "^([0-9]{1,20})(\\.[0-9]{1,20})?$"
_NUMBER: Final = re.compile(r"[0-9]{1,20}(\.[0-9]{1,20})?")
CLIENT_ID_PATTERN: Final = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$"
_CLIENT_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,35}")
_ID_ALPHABET: Final = string.ascii_letters + string.digits
UNSUPPORTED_COMBINATION: Final = e.BinanceError(-1014, "Unsupported order combination.")


#: Each random byte to a letter or digit (the slight bias of 256 % 62 costs no uniqueness that
#: matters: 22 characters still carry over 128 bits).
_ID_TABLE: Final = bytes(ord(_ID_ALPHABET[i % len(_ID_ALPHABET)]) for i in range(256))


def new_client_order_id() -> str:
    """A fresh 22-character id of letters and digits, as Binance makes when a client sends
    none (one random read and one table lookup per character: it is on every order's path)."""
    return secrets.token_bytes(22).translate(_ID_TABLE).decode("ascii")


def _not_required(name: str) -> e.ApiError:
    return e.ApiError(e.PARAM_NOT_REQUIRED, f"Parameter '{name}' sent when not required.")


def _client_id(params: dict[str, str], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if value == "":
        raise e.ApiError(
            e.EMPTY_NEW_CLIENT_ORDER_ID
            if name == "newClientOrderId"
            else e.EMPTY_ORIG_CLIENT_ORDER_ID
        )
    if _CLIENT_ID.fullmatch(value) is None:
        raise e.illegal_characters(name, CLIENT_ID_PATTERN)
    return value


def _steps(data: MarketData, params: dict[str, str], name: str, *, price: bool) -> int:
    text = required(params, name)
    if _NUMBER.fullmatch(text) is None:
        raise e.illegal_characters(name, NUMBER_PATTERN)
    try:
        count = data.fmt.parse_steps(text, price=price)
    except UnitError as exc:
        raise e.ApiError(e.PRICE_FILTER if price else e.LOT_SIZE) from exc
    high = limits.venue_price_ticks_max if price else limits.venue_quantity_lots_max
    if not 0 < count <= high:
        raise e.ApiError(e.PRICE_FILTER if price else e.LOT_SIZE)
    return count


class NewOrder(NamedTuple):
    command: PlaceOrder
    data: MarketData
    response_type: str


def parse_new_order(data: MarketData, key: ApiKey, params: dict[str, str]) -> NewOrder:
    """A new order's parameters as a ``broker.PlaceOrder``, or Binance's error for them."""
    side = required(params, "side")
    if side not in ("BUY", "SELL"):
        raise e.ApiError(e.INVALID_SIDE)
    order_type = required(params, "type")
    if order_type in UNSUPPORTED_TYPES:
        raise e.ApiError(UNSUPPORTED_COMBINATION)
    if order_type not in ORDER_TYPES:
        raise e.ApiError(e.INVALID_ORDER_TYPE)
    for name in UNSUPPORTED_PARAMS:
        if name in params:
            raise _not_required(name)
    tif_text = params.get("timeInForce")
    price_ticks = 0
    quantity_lots = 0
    quote_minor = 0
    if order_type == "LIMIT":
        if tif_text is None:
            raise e.mandatory_missing("timeInForce")
        if tif_text not in ("GTC", "IOC", "FOK"):
            raise e.ApiError(e.INVALID_TIF)
        if "quoteOrderQty" in params:
            raise _not_required("quoteOrderQty")
        price_ticks = _steps(data, params, "price", price=True)
        quantity_lots = _steps(data, params, "quantity", price=False)
        tif = TimeInForce[tif_text]
    elif order_type == "LIMIT_MAKER":
        if tif_text is not None:
            raise _not_required("timeInForce")
        if "quoteOrderQty" in params:
            raise _not_required("quoteOrderQty")
        price_ticks = _steps(data, params, "price", price=True)
        quantity_lots = _steps(data, params, "quantity", price=False)
        tif = TimeInForce.GTC
    else:
        if "price" in params:
            raise _not_required("price")
        if tif_text is not None:
            raise _not_required("timeInForce")
        has_qty = bool(params.get("quantity"))
        has_quote = bool(params.get("quoteOrderQty"))
        if has_qty == has_quote:
            if has_qty:
                raise _not_required("quoteOrderQty")
            raise e.ApiError(
                e.MANDATORY_MISSING,
                "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
            )
        if has_qty:
            quantity_lots = _steps(data, params, "quantity", price=False)
        else:
            if side == "SELL":
                raise e.ApiError(UNSUPPORTED_COMBINATION)
            text = params["quoteOrderQty"]
            if _NUMBER.fullmatch(text) is None:
                raise e.illegal_characters("quoteOrderQty", NUMBER_PATTERN)
            try:
                quote_minor = data.fmt.parse_quote_minor(text)
            except UnitError as exc:
                raise e.ApiError(
                    e.BAD_PRECISION, "Parameter 'quoteOrderQty' has too much precision."
                ) from exc
            if not 0 < quote_minor <= limits.amount_minor_max:
                raise e.ApiError(e.NOTIONAL)
        tif = TimeInForce.IOC
    client_order_id = _client_id(params, "newClientOrderId") or new_client_order_id()
    stp_text = params.get("selfTradePreventionMode", "NONE")
    if stp_text not in StpMode.__members__:
        raise e.bad_parameter("selfTradePreventionMode")
    response_type = params.get("newOrderRespType", "FULL")
    if response_type not in ("ACK", "RESULT", "FULL"):
        raise e.bad_parameter("newOrderRespType")
    command = PlaceOrder(
        broker_id=key.broker_id,
        account_id=key.account_id,
        client_order_id=client_order_id,
        symbol=data.symbol,
        side=Side[side],
        order_type=OrderType[order_type],
        time_in_force=tif,
        price_ticks=price_ticks,
        quantity_lots=quantity_lots,
        quote_quantity_minor=quote_minor,
        stp_mode=StpMode[stp_text],
    )
    return NewOrder(command, data, response_type)


class Trading:
    """The trading calls of one API (REST and WebSocket share it)."""

    def __init__(self, service: MarketService, limiter: RateLimiter) -> None:
        self.service = service
        self.models = service.models
        self.limiter = limiter

    # --- new orders ------------------------------------------------------------------------

    def check_new(self, key: ApiKey, params: dict[str, str]) -> NewOrder:
        data = market(self.models, params)
        order = parse_new_order(data, key, params)
        existing = self.models.order_by_client_id(
            key.broker_id, key.account_id, order.command.client_order_id
        )
        if existing is not None:
            raise e.ApiError(e.DUPLICATE_ORDER)
        return order

    async def place(
        self, key: ApiKey, params: dict[str, str], auth: bytes, now_ms: int
    ) -> dict[str, Any]:
        order = self.check_new(key, params)
        self.limiter.count_order(key.api_key, key.tier, now_ms)
        submitted = await self.service.submit(order.command, key.broker_id, auth)
        return self.placed(submitted, order)

    def placed(self, submitted: Submitted, order: NewOrder) -> dict[str, Any]:
        outcome = submitted.outcome
        if outcome.rejection is not None:
            raise e.ApiError(e.from_rejection(outcome.rejection.code))
        accepted = outcome.events[0]
        assert isinstance(accepted, be.OrderAccepted)
        view = self.models.orders[accepted.broker_order_id]
        if view.status == "REJECTED":
            raise e.ApiError(e.from_rejection(view.reject_code))
        if order.response_type == "ACK":
            return order_ack(view, view.time_ms)
        fills: list[be.FillApplied] | None = None
        if order.response_type == "FULL":
            boid = view.broker_order_id
            fills = [
                event
                for entry in submitted.entries
                for event in entry.events
                if type(event) is be.FillApplied and event.broker_order_id == boid
            ]
        return order_result(view, order.data.fmt, view.time_ms, fills)

    def test(self, key: ApiKey, params: dict[str, str]) -> dict[str, Any]:
        self.check_new(key, params)
        if params.get("computeCommissionRates") != "true":
            return {}
        info = broker.broker_info(self.service.market.state("broker"), key.broker_id)
        maker = 0 if info is None else info.maker_fee_bps
        taker = 0 if info is None else info.taker_fee_bps
        return {
            "standardCommissionForOrder": {
                "maker": amount_text(maker, 4),
                "taker": amount_text(taker, 4),
            },
            "taxCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
            "discount": {
                "enabledForAccount": False,
                "enabledForSymbol": False,
                "discountAsset": None,
                "discount": "0.00000000",
            },
        }

    # --- existing orders -----------------------------------------------------------------------

    def find(
        self, key: ApiKey, data: MarketData, params: dict[str, str], missing: e.BinanceError
    ) -> OrderView:
        order_id = optional_int(params, "orderId")
        client_id = params.get("origClientOrderId")
        if order_id is None and not client_id:
            raise e.ApiError(
                e.MANDATORY_MISSING,
                "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
            )
        if order_id is not None:
            view = self.models.order(key.broker_id, key.account_id, order_id)
        else:
            assert client_id is not None
            view = self.models.order_by_client_id(key.broker_id, key.account_id, client_id)
        if view is None or view.symbol != data.symbol:
            raise e.ApiError(missing)
        return view

    def query(self, key: ApiKey, params: dict[str, str]) -> dict[str, Any]:
        data = market(self.models, params)
        view = self.find(key, data, params, e.NO_SUCH_ORDER)
        return order_query_json(view, data.fmt)

    async def cancel(
        self, key: ApiKey, params: dict[str, str], auth: bytes, now_ms: int
    ) -> dict[str, Any]:
        data = market(self.models, params)
        view = self.find(key, data, params, e.UNKNOWN_ORDER)
        cancel_id = _client_id(params, "newClientOrderId") or new_client_order_id()
        return await self._cancel(key, data, view, cancel_id, auth, now_ms)

    async def _cancel(
        self,
        key: ApiKey,
        data: MarketData,
        view: OrderView,
        cancel_id: str,
        auth: bytes,
        now_ms: int,
    ) -> dict[str, Any]:
        if not view.is_open:
            raise e.ApiError(e.UNKNOWN_ORDER)
        command = RequestCancel(key.broker_id, key.account_id, broker_order_id=view.broker_order_id)
        submitted = await self.service.submit(command, key.broker_id, auth)
        if submitted.outcome.rejection is not None:
            raise e.ApiError(e.from_rejection(submitted.outcome.rejection.code))
        return order_cancel_json(view, data.fmt, cancel_id, self.service.now_ms())

    async def cancel_replace(
        self, key: ApiKey, params: dict[str, str], auth: bytes, now_ms: int
    ) -> dict[str, Any]:
        data = market(self.models, params)
        mode = required(params, "cancelReplaceMode")
        if mode not in ("STOP_ON_FAILURE", "ALLOW_FAILURE"):
            raise e.bad_parameter("cancelReplaceMode")
        lookup = {
            "orderId": params.get("cancelOrderId", ""),
            "origClientOrderId": params.get("cancelOrigClientOrderId", ""),
        }
        lookup = {k: v for k, v in lookup.items() if v}
        new_params = {k: v for k, v in params.items() if not k.startswith("cancel")}
        order = self.check_new(key, new_params)
        cancel_response: dict[str, Any]
        cancelled = False
        try:
            view = self.find(key, data, {**lookup, "symbol": data.symbol}, e.UNKNOWN_ORDER)
            cancel_id = _client_id(params, "cancelNewClientOrderId") or new_client_order_id()
            cancel_response = await self._cancel(key, data, view, cancel_id, auth, now_ms)
            cancelled = True
        except e.ApiError as exc:
            cancel_response = exc.body()
            if mode == "STOP_ON_FAILURE":
                raise e.ApiError(
                    e.CANCEL_REPLACE_FAILED,
                    data={
                        "cancelResult": "FAILURE",
                        "newOrderResult": "NOT_ATTEMPTED",
                        "cancelResponse": cancel_response,
                        "newOrderResponse": None,
                    },
                ) from exc
        try:
            self.limiter.count_order(key.api_key, key.tier, now_ms)
            submitted = await self.service.submit(order.command, key.broker_id, auth)
            new_response = self.placed(submitted, order)
        except e.ApiError as exc:
            raise e.ApiError(
                e.CANCEL_REPLACE_PARTIAL if cancelled else e.CANCEL_REPLACE_FAILED,
                data={
                    "cancelResult": "SUCCESS" if cancelled else "FAILURE",
                    "newOrderResult": "FAILURE",
                    "cancelResponse": cancel_response,
                    "newOrderResponse": exc.body(),
                },
            ) from exc
        return {
            "cancelResult": "SUCCESS" if cancelled else "FAILURE",
            "newOrderResult": "SUCCESS",
            "cancelResponse": cancel_response,
            "newOrderResponse": new_response,
        }

    def open_orders(self, key: ApiKey, params: dict[str, str]) -> list[dict[str, Any]]:
        symbol = market(self.models, params).symbol if "symbol" in params else None
        return [
            order_query_json(view, self.models.markets[view.symbol].fmt)
            for view in self.models.open_orders_of(key.broker_id, key.account_id)
            if symbol is None or view.symbol == symbol
        ]

    async def cancel_all(
        self, key: ApiKey, params: dict[str, str], auth: bytes, now_ms: int
    ) -> list[dict[str, Any]]:
        data = market(self.models, params)
        views = [
            view
            for view in self.models.open_orders_of(key.broker_id, key.account_id)
            if view.symbol == data.symbol
        ]
        if not views:
            raise e.ApiError(e.UNKNOWN_ORDER)
        results = []
        for view in views:
            try:
                results.append(
                    await self._cancel(key, data, view, new_client_order_id(), auth, now_ms)
                )
            except e.ApiError:
                continue
        return results

    def all_orders(self, key: ApiKey, params: dict[str, str]) -> list[dict[str, Any]]:
        data = market(self.models, params)
        from_id = optional_int(params, "orderId")
        start = optional_int(params, "startTime")
        end = optional_int(params, "endTime")
        count = limit(params, 500, 1000)
        found = []
        for view in self.models.orders_of(key.broker_id, key.account_id):
            if view.symbol != data.symbol:
                continue
            if from_id is not None and view.order_id < from_id:
                continue
            if start is not None and view.time_ms < start:
                continue
            if end is not None and view.time_ms > end:
                continue
            found.append(view)
        chosen = found[:count] if from_id is not None or start is not None else found[-count:]
        return [order_query_json(view, data.fmt) for view in chosen]

    def my_trades(self, key: ApiKey, params: dict[str, str]) -> list[dict[str, Any]]:
        data = market(self.models, params)
        order_id = optional_int(params, "orderId")
        from_id = optional_int(params, "fromId")
        start = optional_int(params, "startTime")
        end = optional_int(params, "endTime")
        if from_id is not None and (start is not None or end is not None):
            raise e.ApiError(e.BAD_COMBINATION)
        count = limit(params, 500, 1000)
        fills = [
            fill
            for fill in self.models.fills.get((key.broker_id, key.account_id), [])
            if fill.symbol == data.symbol
            and (order_id is None or fill.order_id == order_id)
            and (from_id is None or fill.trade_id >= from_id)
            and (start is None or fill.time_ms >= start)
            and (end is None or fill.time_ms <= end)
        ]
        chosen = fills[:count] if from_id is not None or start is not None else fills[-count:]
        return [my_trade_json(data.fmt, fill) for fill in chosen]

    def account(self, key: ApiKey, params: dict[str, str], now_ms: int) -> dict[str, Any]:
        state = self.service.market.state("broker")
        record = broker.client(state, key.broker_id, key.account_id)
        if record is None:
            raise e.ApiError(e.INVALID_API_KEY)
        info = broker.broker_info(state, key.broker_id)
        maker = 0 if info is None else info.maker_fee_bps
        taker = 0 if info is None else info.taker_fee_bps
        books = {b.asset: (b.balance_minor, b.held_minor) for b in record.balances}
        omit_zero = params.get("omitZeroBalances") == "true"
        balances = []
        for asset in sorted(set(ASSET_DECIMALS) | set(books)):
            balance, held = books.get(asset, (0, 0))
            if omit_zero and not balance:
                continue
            decimals = ASSET_DECIMALS.get(asset, 8)
            balances.append(
                {
                    "asset": asset,
                    "free": amount_text(balance - held, decimals),
                    "locked": amount_text(held, decimals),
                }
            )
        return {
            "makerCommission": maker,
            "takerCommission": taker,
            "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {
                "maker": amount_text(maker, 4),
                "taker": amount_text(taker, 4),
                "buyer": "0.00000000",
                "seller": "0.00000000",
            },
            "canTrade": not record.blocked,
            "canWithdraw": not record.blocked,
            "canDeposit": True,
            "brokered": True,
            "requireSelfTradePrevention": False,
            "preventSor": True,
            "updateTime": now_ms,
            "accountType": "SPOT",
            "balances": balances,
            "permissions": ["SPOT"],
            "uid": int(key.account_id.rpartition("-")[2], 16)
            if key.account_id.startswith("acct-")
            else 0,
        }
