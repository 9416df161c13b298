"""The OpenAPI 3.1 document of the REST API, served at ``/openapi.json``, built from
``rest.ENDPOINTS`` so that it cannot drift from the routes: each operation's parameters and its
200 body in Binance's documented shapes (``openapi_schemas``; an endpoint without them is a
``KeyError`` here, not an undocumented operation), and Binance's ``{"code", "msg"}`` body for
every 4xx and 5xx."""

from __future__ import annotations

from typing import Any, Final

from seawall.api.openapi_schemas import ERROR, PARAMETERS, RESPONSES, TICKER_TYPE
from seawall.api.por import POR_ENDPOINTS, POR_PARAMETERS, POR_PARAMS, POR_RESPONSES
from seawall.api.rest import API_KEY, ENDPOINTS, SIGNED, Endpoint

__all__ = ["openapi_document"]

_MARKET: Final = ("symbol*", "limit")
_WINDOW: Final = ("startTime", "endTime", "limit")
_NEW_ORDER: Final = (
    "symbol*",
    "side*",
    "type*",
    "timeInForce",
    "quantity",
    "quoteOrderQty",
    "price",
    "newClientOrderId",
    "newOrderRespType",
    "selfTradePreventionMode",
)

#: Each handler's query parameters (``*``: required), in Binance's documented order.
_PARAMS: Final[dict[str, tuple[str, ...]]] = {
    "exchange_info": ("symbol", "symbols"),
    "depth": _MARKET,
    "trades": _MARKET,
    "historical_trades": (*_MARKET, "fromId"),
    "agg_trades": ("symbol*", "fromId", *_WINDOW),
    "klines": ("symbol*", "interval*", *_WINDOW),
    "avg_price": ("symbol*",),
    "ticker_24hr": ("symbol", "symbols", "type"),
    "ticker_price": ("symbol", "symbols"),
    "book_ticker": ("symbol", "symbols"),
    "ticker": ("symbol", "symbols", "windowSize", "type"),
    "new_order": _NEW_ORDER,
    "test_order": (*_NEW_ORDER, "computeCommissionRates"),
    "query_order": ("symbol*", "orderId", "origClientOrderId"),
    "cancel_order": ("symbol*", "orderId", "origClientOrderId", "newClientOrderId"),
    "cancel_replace": (
        *_NEW_ORDER,
        "cancelReplaceMode*",
        "cancelOrderId",
        "cancelOrigClientOrderId",
        "cancelNewClientOrderId",
    ),
    "open_orders": ("symbol",),
    "cancel_open": ("symbol*",),
    "all_orders": ("symbol*", "orderId", *_WINDOW),
    "my_trades": ("symbol*", "orderId", *_WINDOW, "fromId"),
    "account": ("omitZeroBalances",),
    "commission": ("symbol*",),
    "listen_key_keep": ("listenKey*",),
    "listen_key_close": ("listenKey*",),
}
_SIGNED_PARAMS: Final = ("timestamp*", "recvWindow", "signature*")


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    names = _PARAMS.get(endpoint.handler) or POR_PARAMS.get(endpoint.handler, ())
    if endpoint.security == SIGNED:
        names = (*names, *_SIGNED_PARAMS)
    result = []
    for spec in names:
        name = spec.rstrip("*")
        schema = PARAMETERS[name] if name in PARAMETERS else POR_PARAMETERS[name]
        if name == "type" and endpoint.handler in ("ticker_24hr", "ticker"):
            schema = TICKER_TYPE
        result.append(
            {"name": name, "in": "query", "required": spec.endswith("*"), "schema": schema}
        )
    return result


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    error = _json({"$ref": "#/components/schemas/Error"})
    for endpoint in (*ENDPOINTS, *POR_ENDPOINTS):
        name = endpoint.path.strip("/").replace("/", "_")
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "operationId": f"{endpoint.method.lower()}_{name}",
            "parameters": _parameters(endpoint),
            "responses": {
                "200": {
                    "description": "OK",
                    "content": _json({**RESPONSES, **POR_RESPONSES}[endpoint.handler]),
                },
                "4XX": {
                    "description": "Binance error: a bad request or a refusal",
                    "content": error,
                },
                "5XX": {"description": "Binance error: Seawall's own failure", "content": error},
            },
        }
        weight = endpoint.weight
        operation["x-weight"] = weight if isinstance(weight, int) else "by parameters"
        if endpoint.security in (SIGNED, API_KEY):
            operation["security"] = [{"ApiKey": []}]
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Seawall spot API (Binance-compatible)",
            "version": "3",
            "description": (
                "Binance's spot REST API, /api/v3, served by Seawall: every order goes through "
                "the broker, the custodian's ledger, the venue and clearing. Signed endpoints "
                "take timestamp, recvWindow and an HMAC-SHA256 (hex) or Ed25519 (base64) "
                "signature of the query string followed by the body."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}
            },
        },
    }
