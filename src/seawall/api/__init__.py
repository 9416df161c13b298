"""A Binance-compatible spot API over the market: REST (``/api/v3``), WebSocket market streams,
user data and the WebSocket API, so that CCXT and other clients written to Binance's
documentation trade on Seawall unchanged but for the base URL.

Every call goes through the institutions: an order is the broker's ``PlaceOrder`` with the
client's signed request as its ``auth``, then the custodian's hold, the venue, clearing and
settlement, each a journal entry; the API never bypasses one. See ``docs/api.md``.

Modules: ``app`` (the Starlette application), ``service`` (the single writer with group commit),
``readmodels`` (what the endpoints and streams read), ``rest``, ``streams``, ``ws_api``,
``trading`` (orders, shared by REST and WebSocket), ``auth`` (signatures), ``keys`` (API keys),
``ratelimit`` (request weights), ``errors`` (Binance's error codes and the rejection table),
``views`` and ``formatting`` (Binance's JSON), ``openapi``, ``server`` (serving it), ``bench``.
"""

from seawall.api.app import Api, create_app
from seawall.api.errors import REJECTIONS, ApiError, BinanceError
from seawall.api.keys import ApiKey, KeyStore, Tier
from seawall.api.ratelimit import LimitConfig
from seawall.api.service import MarketService, bootstrap, create_account

__all__ = [
    "REJECTIONS",
    "Api",
    "ApiError",
    "ApiKey",
    "BinanceError",
    "KeyStore",
    "LimitConfig",
    "MarketService",
    "Tier",
    "bootstrap",
    "create_account",
    "create_app",
]
