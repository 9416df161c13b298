"""``/api/v3/exchangeInfo``: the markets with Binance's filters, derived from the venue's terms.

``PRICE_FILTER`` (tick size, and the venue's price range), ``LOT_SIZE`` and ``MARKET_LOT_SIZE``
(lot size and range), ``NOTIONAL`` (the venue's minimum notional), ``PERCENT_PRICE_BY_SIDE``
(the venue's price band around the last price), ``MAX_NUM_ORDERS`` (the broker's open orders
per client). The retail admission shows in ``permissionSets``: ``SPOT`` for every market,
``TRD_GRP_RETAIL`` only for the markets the regulator admitted for retail clients.
"""

from __future__ import annotations

from typing import Any

from seawall.api.formatting import amount_text
from seawall.api.ratelimit import RateLimiter
from seawall.api.readmodels import MarketData, ReadModels
from seawall.core import limits
from seawall.core.units import format_fixed

__all__ = ["exchange_info", "symbol_info"]


def _band(bps: int, up: bool) -> str:
    return (
        format_fixed(10_000 + bps if up else 10_000 - bps, 4)
        if bps
        else ("5.0000" if up else "0.2000")
    )


def symbol_info(data: MarketData) -> dict[str, Any]:
    fmt = data.fmt
    return {
        "symbol": data.symbol,
        "status": data.status,
        "baseAsset": fmt.base_asset,
        "baseAssetPrecision": 8,
        "quoteAsset": fmt.quote_asset,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"],
        "icebergAllowed": False,
        "ocoAllowed": False,
        "otoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": True,
        "amendAllowed": False,
        "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": fmt.price(1),
                "maxPrice": fmt.price(limits.venue_price_ticks_max),
                "tickSize": fmt.price(1),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": fmt.qty(1),
                "maxQty": fmt.qty(limits.venue_quantity_lots_max),
                "stepSize": fmt.qty(1),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": fmt.qty(1),
                "maxQty": fmt.qty(limits.venue_quantity_lots_max),
                "stepSize": fmt.qty(1),
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": fmt.tick_lots(data.min_notional_tick_lots),
                "applyMinToMarket": True,
                "maxNotional": amount_text(limits.amount_minor_max, fmt.quote_decimals),
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {
                "filterType": "PERCENT_PRICE_BY_SIDE",
                "bidMultiplierUp": _band(data.price_band_bps, True),
                "bidMultiplierDown": _band(data.price_band_bps, False),
                "askMultiplierUp": _band(data.price_band_bps, True),
                "askMultiplierDown": _band(data.price_band_bps, False),
                "avgPriceMins": 0,
            },
            {
                "filterType": "MAX_NUM_ORDERS",
                "maxNumOrders": limits.broker_open_orders_per_client_max,
            },
        ],
        "permissions": [],
        "permissionSets": [["SPOT", "TRD_GRP_RETAIL"] if data.retail_admitted else ["SPOT"]],
        "defaultSelfTradePreventionMode": "NONE",
        "allowedSelfTradePreventionModes": ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }


def exchange_info(
    models: ReadModels, limiter: RateLimiter, chosen: list[MarketData], now_ms: int
) -> dict[str, Any]:
    retail = limiter.tier("retail")
    return {
        "timezone": "UTC",
        "serverTime": now_ms,
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": limiter.config.ip_weight_per_minute,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "SECOND",
                "intervalNum": 10,
                "limit": retail.orders_per_10s,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "DAY",
                "intervalNum": 1,
                "limit": retail.orders_per_day,
            },
            {
                "rateLimitType": "RAW_REQUESTS",
                "interval": "MINUTE",
                "intervalNum": 5,
                "limit": 61_000,
            },
        ],
        "exchangeFilters": [],
        "symbols": [symbol_info(data) for data in sorted(chosen, key=lambda d: d.symbol)],
        "sors": [],
    }
