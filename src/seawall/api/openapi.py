"""The OpenAPI 3.1 document of the REST API, served at ``/openapi.json``, built from
``rest.ENDPOINTS`` so that it cannot drift from the routes."""

from __future__ import annotations

from typing import Any, Final

from seawall.api.rest import API_KEY, ENDPOINTS, SIGNED

__all__ = ["openapi_document"]

_PARAMS: Final[dict[str, tuple[str, ...]]] = {
    "exchangeInfo": ("symbol", "symbols"),
    "depth": ("symbol*", "limit:int"),
    "trades": ("symbol*", "limit:int"),
    "historicalTrades": ("symbol*", "limit:int", "fromId:int"),
    "aggTrades": ("symbol*", "fromId:int", "startTime:int", "endTime:int", "limit:int"),
    "klines": ("symbol*", "interval*", "startTime:int", "endTime:int", "limit:int"),
    "uiKlines": ("symbol*", "interval*", "startTime:int", "endTime:int", "limit:int"),
    "avgPrice": ("symbol*",),
    "24hr": ("symbol", "symbols", "type"),
    "price": ("symbol", "symbols"),
    "bookTicker": ("symbol", "symbols"),
    "ticker": ("symbol", "symbols", "windowSize", "type"),
    "order": (
        "symbol*",
        "side",
        "type",
        "timeInForce",
        "quantity",
        "quoteOrderQty",
        "price",
        "newClientOrderId",
        "newOrderRespType",
        "selfTradePreventionMode",
        "orderId:int",
        "origClientOrderId",
    ),
    "test": ("symbol*", "side*", "type*", "timeInForce", "quantity", "quoteOrderQty", "price"),
    "cancelReplace": (
        "symbol*",
        "side*",
        "type*",
        "cancelReplaceMode*",
        "cancelOrderId:int",
        "cancelOrigClientOrderId",
        "timeInForce",
        "quantity",
        "price",
    ),
    "openOrders": ("symbol",),
    "allOrders": ("symbol*", "orderId:int", "startTime:int", "endTime:int", "limit:int"),
    "myTrades": (
        "symbol*",
        "orderId:int",
        "startTime:int",
        "endTime:int",
        "fromId:int",
        "limit:int",
    ),
    "account": ("omitZeroBalances",),
    "commission": ("symbol*",),
    "userDataStream": ("listenKey",),
}

_ERROR: Final = {
    "type": "object",
    "required": ["code", "msg"],
    "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
}


def _parameters(path: str, signed: bool) -> list[dict[str, Any]]:
    names = _PARAMS.get(path.rsplit("/", 1)[-1], ())
    result = []
    for spec in names:
        name, _, kind = spec.partition(":")
        required = name.endswith("*")
        name = name.rstrip("*")
        result.append(
            {
                "name": name,
                "in": "query",
                "required": required,
                "schema": {"type": "integer" if kind == "int" else "string"},
            }
        )
    if signed:
        result += [
            {"name": "timestamp", "in": "query", "required": True, "schema": {"type": "integer"}},
            {"name": "recvWindow", "in": "query", "required": False, "schema": {"type": "integer"}},
            {"name": "signature", "in": "query", "required": True, "schema": {"type": "string"}},
        ]
    return result


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        signed = endpoint.security == SIGNED
        name = endpoint.path.strip("/").replace("/", "_")
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "operationId": f"{endpoint.method.lower()}_{name}",
            "parameters": _parameters(endpoint.path, signed),
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
                "4XX": {
                    "description": "Binance error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
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
            "schemas": {"Error": _ERROR},
            "securitySchemes": {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}
            },
        },
    }
