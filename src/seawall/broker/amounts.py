"""A market's money arithmetic, in integers only: notionals, fees, lots in base minor units.

A market's tick (price step) and lot (quantity step) are decimal strings. One lot is
``lot_size * 10**base_decimals`` base minor units, which must be whole (a market whose lot is a
fraction of the base asset's smallest unit cannot settle, so ``ListMarket`` refuses it). One
tick-lot, a price of one tick for one lot, is ``tick_size * lot_size * 10**quote_decimals``
quote minor units, which need not be whole: with a tick of ``0.01`` USD and a lot of
``0.00001`` BTC it is a thousandth of a cent. It is kept as an exact fraction in lowest terms.

**Rounding.** ``notional_minor`` gives the exact value of ``price_ticks * quantity_lots``
tick-lots when it is a whole number of quote minor units, and otherwise rounds it **up**; so
does ``fee_minor``. The broker sizes its holds with them, so a hold always covers the exact
amount (it never refuses an order for a notional that falls between two minor units). What a
fill finally costs is clearing's to compute; the broker accepts a fill's quote amount rounded
either way by less than one minor unit (``notional_bounds``).
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd
from typing import Final, Protocol

from seawall.core.errors import UnitError
from seawall.core.units import parse_decimal

__all__ = [
    "BPS",
    "MarketTerms",
    "base_minor",
    "ceil_div",
    "fee_minor",
    "market_fractions",
    "notional_bounds",
    "notional_minor",
    "price_bound_ticks",
    "quote_tick_lots",
]

#: Basis points in one whole (100 %).
BPS: Final = 10_000


class MarketTerms(Protocol):
    """What the arithmetic needs of a market (a ``MarketRecord`` or the state's ``Market``)."""

    @property
    def tick_size(self) -> str: ...
    @property
    def lot_size(self) -> str: ...
    @property
    def base_decimals(self) -> int: ...
    @property
    def quote_decimals(self) -> int: ...


def ceil_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded up, for a positive denominator."""
    return -(-numerator // denominator)


def _step_fraction(text: str, what: str) -> tuple[int, int]:
    value = parse_decimal(text, what)
    if value <= 0:
        raise UnitError(f"{what} must be positive, got {text!r}")
    numerator, denominator = value.as_integer_ratio()
    return numerator, denominator


@lru_cache(maxsize=4096)
def market_fractions(
    tick_size: str, lot_size: str, base_decimals: int, quote_decimals: int
) -> tuple[int, int, int]:
    """``(base_minor_per_lot, tick_lot_num, tick_lot_den)`` of a market; raises ``UnitError`` if
    a step is not a positive plain decimal or a lot is not a whole number of base minor units."""
    tick_num, tick_den = _step_fraction(tick_size, "tick size")
    lot_num, lot_den = _step_fraction(lot_size, "lot size")
    base_scaled = lot_num * 10**base_decimals
    if base_scaled % lot_den:
        raise UnitError(
            f"lot size {lot_size!r} is not a whole number of base minor units "
            f"({base_decimals} decimals)"
        )
    numerator = tick_num * lot_num * 10**quote_decimals
    denominator = tick_den * lot_den
    common = gcd(numerator, denominator)
    return base_scaled // lot_den, numerator // common, denominator // common


def notional_minor(market: MarketTerms, price_ticks: int, quantity_lots: int) -> int:
    """``price_ticks * quantity_lots`` tick-lots in quote minor units, exact when whole, else
    rounded up."""
    _, numerator, denominator = market_fractions(
        market.tick_size, market.lot_size, market.base_decimals, market.quote_decimals
    )
    return ceil_div(price_ticks * quantity_lots * numerator, denominator)


def notional_bounds(market: MarketTerms, price_ticks: int, quantity_lots: int) -> tuple[int, int]:
    """The notional rounded down and rounded up (equal when it is a whole number)."""
    _, numerator, denominator = market_fractions(
        market.tick_size, market.lot_size, market.base_decimals, market.quote_decimals
    )
    scaled = price_ticks * quantity_lots * numerator
    return scaled // denominator, ceil_div(scaled, denominator)


def base_minor(market: MarketTerms, quantity_lots: int) -> int:
    """``quantity_lots`` in base minor units (always exact)."""
    per_lot, _, _ = market_fractions(
        market.tick_size, market.lot_size, market.base_decimals, market.quote_decimals
    )
    return quantity_lots * per_lot


def quote_tick_lots(market: MarketTerms, quote_minor: int) -> int:
    """The most whole tick-lots ``quote_minor`` pays for: what the kernel sends the venue as a
    quote-sized market order's ``quote_quantity_tick_lots``."""
    _, numerator, denominator = market_fractions(
        market.tick_size, market.lot_size, market.base_decimals, market.quote_decimals
    )
    return quote_minor * denominator // numerator


def fee_minor(notional: int, bps: int) -> int:
    """The fee at ``bps`` basis points on ``notional`` minor units, rounded up."""
    return ceil_div(notional * bps, BPS)


def price_bound_ticks(last_price_ticks: int, price_band_bps: int) -> int:
    """The highest price a market buy can reach: the top of the band around the last price,
    rounded up (the venue rounds it down, so this never falls short)."""
    return ceil_div(last_price_ticks * (BPS + price_band_bps), BPS)
