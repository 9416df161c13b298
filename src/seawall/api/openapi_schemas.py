"""Binance's documented request parameters and response bodies as JSON Schema, for the OpenAPI
document (``openapi``).

Written from Binance's spot API documentation: each response schema requires the fields a
Binance client reads, numbers Binance sends as decimal text are strings of that shape, ids and
times are integers, enumerations are the values Seawall can send. Each parameter's schema is
Binance's legal range for it (the pattern its ``-1100`` message names, or its enumeration), so
that a schema-driven client or fuzzer (``tests/api/test_api_fuzz.py``) sends well-formed values
as well as malformed ones and checks every answer against the shape Binance documents.
"""

from __future__ import annotations

from typing import Any, Final

from seawall.api.readmodels import INTERVALS
from seawall.broker.state import StpMode

__all__ = ["ERROR", "PARAMETERS", "RESPONSES", "TICKER_TYPE"]

Schema = dict[str, Any]

_STRING: Final[Schema] = {"type": "string"}
_INT: Final[Schema] = {"type": "integer", "format": "int64"}
_BOOL: Final[Schema] = {"type": "boolean"}
_DECIMAL: Final[Schema] = {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}
_SIDE: Final[Schema] = {"type": "string", "enum": ["BUY", "SELL"]}
_ORDER_TYPE: Final[Schema] = {"type": "string", "enum": ["LIMIT", "MARKET", "LIMIT_MAKER"]}
_TIME_IN_FORCE: Final[Schema] = {"type": "string", "enum": ["GTC", "IOC", "FOK"]}
_STP: Final[Schema] = {"type": "string", "enum": list(StpMode.__members__)}
_STATUS: Final[Schema] = {
    "type": "string",
    "enum": [
        "PENDING_NEW",
        "NEW",
        "PARTIALLY_FILLED",
        "FILLED",
        "CANCELED",
        "REJECTED",
        "EXPIRED",
        "EXPIRED_IN_MATCH",
    ],
}
#: Binance's legal ranges, escaped for ECMA-262 and Python alike.
_SYMBOL_RE: Final = "[A-Z0-9_.\\-]{1,20}"
_CLIENT_ID: Final[Schema] = {"type": "string", "pattern": "^[.A-Z:/a-z0-9_\\-]{1,36}$"}
_NUMBER: Final[Schema] = {"type": "string", "pattern": "^([0-9]{1,20})(\\.[0-9]{1,20})?$"}

#: ``type`` of ``ticker/24hr`` and ``ticker`` (on the order endpoints ``type`` is the order type).
TICKER_TYPE: Final[Schema] = {"type": "string", "enum": ["FULL", "MINI"]}

#: Each query parameter's schema, by name.
PARAMETERS: Final[dict[str, Schema]] = {
    "symbol": {"type": "string", "pattern": f"^{_SYMBOL_RE}$"},
    "symbols": {"type": "string", "pattern": f'^\\["{_SYMBOL_RE}"(,"{_SYMBOL_RE}")*\\]$'},
    "limit": {**_INT, "minimum": 1},
    "fromId": {**_INT, "minimum": 0},
    "orderId": {**_INT, "minimum": 0},
    "cancelOrderId": {**_INT, "minimum": 0},
    "startTime": {**_INT, "minimum": 0},
    "endTime": {**_INT, "minimum": 0},
    "interval": {"type": "string", "enum": list(INTERVALS)},
    "windowSize": {"type": "string", "pattern": "^[0-9]{1,2}[mhd]$"},
    "side": _SIDE,
    "type": _ORDER_TYPE,
    "timeInForce": _TIME_IN_FORCE,
    "quantity": _NUMBER,
    "quoteOrderQty": _NUMBER,
    "price": _NUMBER,
    "newClientOrderId": _CLIENT_ID,
    "origClientOrderId": _CLIENT_ID,
    "cancelOrigClientOrderId": _CLIENT_ID,
    "cancelNewClientOrderId": _CLIENT_ID,
    "newOrderRespType": {"type": "string", "enum": ["ACK", "RESULT", "FULL"]},
    "selfTradePreventionMode": _STP,
    "cancelReplaceMode": {"type": "string", "enum": ["STOP_ON_FAILURE", "ALLOW_FAILURE"]},
    "omitZeroBalances": _BOOL,
    "computeCommissionRates": _BOOL,
    "listenKey": _STRING,
    "timestamp": {**_INT, "minimum": 0},
    "recvWindow": {**_INT, "minimum": 0, "maximum": 60_000},
    "signature": _STRING,
}


def _object(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _one_or_many(item: Schema) -> Schema:
    """One object when ``symbol`` is given, else an array of them."""
    return {"anyOf": [item, _array(item)]}


ERROR: Final = _object({"code": _INT, "msg": _STRING}, {"data": {}})

_EMPTY: Final[Schema] = {"type": "object", "maxProperties": 0}
_RATE_LIMIT: Final = _object(
    {
        "rateLimitType": {"type": "string", "enum": ["REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"]},
        "interval": {"type": "string", "enum": ["SECOND", "MINUTE", "DAY"]},
        "intervalNum": _INT,
        "limit": _INT,
    },
    {"count": _INT},
)
_SYMBOL_INFO: Final = _object(
    {
        "symbol": _STRING,
        "status": {"type": "string", "enum": ["TRADING", "HALT", "BREAK"]},
        "baseAsset": _STRING,
        "baseAssetPrecision": _INT,
        "quoteAsset": _STRING,
        "quotePrecision": _INT,
        "quoteAssetPrecision": _INT,
        "orderTypes": _array(_STRING),
        "icebergAllowed": _BOOL,
        "ocoAllowed": _BOOL,
        "quoteOrderQtyMarketAllowed": _BOOL,
        "allowTrailingStop": _BOOL,
        "cancelReplaceAllowed": _BOOL,
        "isSpotTradingAllowed": _BOOL,
        "isMarginTradingAllowed": _BOOL,
        "filters": _array(_object({"filterType": _STRING})),
        "permissions": _array(_STRING),
        "permissionSets": _array(_array(_STRING)),
        "defaultSelfTradePreventionMode": _STP,
        "allowedSelfTradePreventionModes": _array(_STP),
    }
)
#: A price level ``[price, quantity]``. (Tuples are spelt without ``prefixItems``, which
#: schemathesis 4 cannot yet validate responses against.)
_LEVEL: Final[Schema] = {"type": "array", "items": _DECIMAL, "minItems": 2, "maxItems": 2}
_TRADE: Final = _object(
    {
        "id": _INT,
        "price": _DECIMAL,
        "qty": _DECIMAL,
        "quoteQty": _DECIMAL,
        "time": _INT,
        "isBuyerMaker": _BOOL,
        "isBestMatch": _BOOL,
    }
)
_AGG_TRADE: Final = _object(
    {
        "a": _INT,
        "p": _DECIMAL,
        "q": _DECIMAL,
        "f": _INT,
        "l": _INT,
        "T": _INT,
        "m": _BOOL,
        "M": _BOOL,
    }
)
#: ``[open time, open, high, low, close, volume, close time, quote volume, trades, taker buy
#: base volume, taker buy quote volume, "0"]``: times and counts integers, the rest decimal text.
_KLINE: Final[Schema] = {
    "type": "array",
    "items": {"anyOf": [_INT, _DECIMAL]},
    "minItems": 12,
    "maxItems": 12,
}
_TICKER: Final = _object(
    {
        "symbol": _STRING,
        "openPrice": _DECIMAL,
        "highPrice": _DECIMAL,
        "lowPrice": _DECIMAL,
        "lastPrice": _DECIMAL,
        "volume": _DECIMAL,
        "quoteVolume": _DECIMAL,
        "openTime": _INT,
        "closeTime": _INT,
        "firstId": _INT,
        "lastId": _INT,
        "count": _INT,
    },
    {
        "priceChange": _DECIMAL,
        "priceChangePercent": _DECIMAL,
        "weightedAvgPrice": _DECIMAL,
        "prevClosePrice": _DECIMAL,
        "lastQty": _DECIMAL,
        "bidPrice": _DECIMAL,
        "bidQty": _DECIMAL,
        "askPrice": _DECIMAL,
        "askQty": _DECIMAL,
    },
)
_BOOK_TICKER: Final = _object(
    {
        "symbol": _STRING,
        "bidPrice": _DECIMAL,
        "bidQty": _DECIMAL,
        "askPrice": _DECIMAL,
        "askQty": _DECIMAL,
    }
)
_ORDER_FIELDS: Final[dict[str, Schema]] = {
    "symbol": _STRING,
    "orderId": _INT,
    "orderListId": _INT,
    "clientOrderId": _STRING,
}
_ORDER_STATE: Final[dict[str, Schema]] = {
    "price": _DECIMAL,
    "origQty": _DECIMAL,
    "executedQty": _DECIMAL,
    "origQuoteOrderQty": _DECIMAL,
    "cummulativeQuoteQty": _DECIMAL,
    "status": _STATUS,
    "timeInForce": _TIME_IN_FORCE,
    "type": _ORDER_TYPE,
    "side": _SIDE,
    "selfTradePreventionMode": _STP,
}
_FILL: Final = _object(
    {
        "price": _DECIMAL,
        "qty": _DECIMAL,
        "commission": _DECIMAL,
        "commissionAsset": _STRING,
        "tradeId": _INT,
    }
)
#: ACK has the first five fields; RESULT adds the order's state; FULL adds its fills.
_NEW_ORDER: Final = _object(
    {**_ORDER_FIELDS, "transactTime": _INT},
    {**_ORDER_STATE, "workingTime": _INT, "fills": _array(_FILL)},
)
_ORDER: Final = _object(
    {
        **_ORDER_FIELDS,
        **_ORDER_STATE,
        "stopPrice": _DECIMAL,
        "icebergQty": _DECIMAL,
        "time": _INT,
        "updateTime": _INT,
        "isWorking": _BOOL,
        "workingTime": _INT,
    }
)
_CANCELED: Final = _object(
    {**_ORDER_FIELDS, **_ORDER_STATE, "origClientOrderId": _STRING, "transactTime": _INT}
)
_RATES: Final = _object(
    {"maker": _DECIMAL, "taker": _DECIMAL, "buyer": _DECIMAL, "seller": _DECIMAL}
)
_MY_TRADE: Final = _object(
    {
        "symbol": _STRING,
        "id": _INT,
        "orderId": _INT,
        "orderListId": _INT,
        "price": _DECIMAL,
        "qty": _DECIMAL,
        "quoteQty": _DECIMAL,
        "commission": _DECIMAL,
        "commissionAsset": _STRING,
        "time": _INT,
        "isBuyer": _BOOL,
        "isMaker": _BOOL,
        "isBestMatch": _BOOL,
    }
)
_ACCOUNT: Final = _object(
    {
        "makerCommission": _INT,
        "takerCommission": _INT,
        "buyerCommission": _INT,
        "sellerCommission": _INT,
        "commissionRates": _RATES,
        "canTrade": _BOOL,
        "canWithdraw": _BOOL,
        "canDeposit": _BOOL,
        "brokered": _BOOL,
        "requireSelfTradePrevention": _BOOL,
        "preventSor": _BOOL,
        "updateTime": _INT,
        "accountType": _STRING,
        "balances": _array(_object({"asset": _STRING, "free": _DECIMAL, "locked": _DECIMAL})),
        "permissions": _array(_STRING),
        "uid": _INT,
    }
)
_COMMISSION: Final = _object(
    {
        "symbol": _STRING,
        "standardCommission": _RATES,
        "taxCommission": _RATES,
        "discount": _object(
            {
                "enabledForAccount": _BOOL,
                "enabledForSymbol": _BOOL,
                "discountAsset": {"type": ["string", "null"]},
                "discount": _DECIMAL,
            }
        ),
    }
)
_CANCEL_REPLACE: Final = _object(
    {
        "cancelResult": {"type": "string", "enum": ["SUCCESS", "FAILURE"]},
        "newOrderResult": {"type": "string", "enum": ["SUCCESS", "FAILURE", "NOT_ATTEMPTED"]},
        "cancelResponse": {"type": "object"},
        "newOrderResponse": {"type": ["object", "null"]},
    }
)

#: The 200 body of each REST handler (``rest.Endpoint.handler``).
RESPONSES: Final[dict[str, Schema]] = {
    "ping": _EMPTY,
    "time": _object({"serverTime": _INT}),
    "exchange_info": _object(
        {
            "timezone": _STRING,
            "serverTime": _INT,
            "rateLimits": _array(_RATE_LIMIT),
            "exchangeFilters": _array({"type": "object"}),
            "symbols": _array(_SYMBOL_INFO),
        }
    ),
    "depth": _object({"lastUpdateId": _INT, "bids": _array(_LEVEL), "asks": _array(_LEVEL)}),
    "trades": _array(_TRADE),
    "historical_trades": _array(_TRADE),
    "agg_trades": _array(_AGG_TRADE),
    "klines": _array(_KLINE),
    "avg_price": _object({"mins": _INT, "price": _DECIMAL, "closeTime": _INT}),
    "ticker_24hr": _one_or_many(_TICKER),
    "ticker_price": _one_or_many(_object({"symbol": _STRING, "price": _DECIMAL})),
    "book_ticker": _one_or_many(_BOOK_TICKER),
    "ticker": _one_or_many(_TICKER),
    "new_order": _NEW_ORDER,
    "test_order": {"type": "object"},
    "query_order": _ORDER,
    "cancel_order": _CANCELED,
    "cancel_replace": _CANCEL_REPLACE,
    "open_orders": _array(_ORDER),
    "cancel_open": _array(_CANCELED),
    "all_orders": _array(_ORDER),
    "my_trades": _array(_MY_TRADE),
    "account": _ACCOUNT,
    "commission": _COMMISSION,
    "order_limits": _array(_RATE_LIMIT),
    "listen_key_new": _object({"listenKey": _STRING}),
    "listen_key_keep": _EMPTY,
    "listen_key_close": _EMPTY,
}
