"""Numbers as Binance writes them: decimal strings with (at least) eight decimals.

Inside Seawall a price is an integer count of its market's tick, a quantity of its lot, an amount
of the asset's minor unit, and a venue notional of tick-lots. ``MarketFormat`` turns each into
Binance's text with integer arithmetic only (``core.units.format_fixed``), and parses a client's
decimal text back into ticks or lots, refusing any value that is not a whole number of them
(the caller answers ``Filter failure: PRICE_FILTER`` / ``LOT_SIZE``).
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Final

from seawall.core.errors import UnitError
from seawall.core.units import format_fixed, parse_decimal

__all__ = ["BINANCE_DECIMALS", "MarketFormat", "amount_text", "decimals_of"]

#: Binance writes prices, quantities and balances with eight decimals.
BINANCE_DECIMALS: Final = 8
_CTX: Final = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow])


def decimals_of(step: str) -> int:
    """Digits after the point of a step such as ``"0.001"`` (3) or ``"1"`` (0)."""
    exponent = Decimal(step).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _units(step: str, decimals: int) -> int:
    """``step`` as an integer count of ``10**-decimals``."""
    return int(Decimal(step).scaleb(decimals))


def amount_text(amount_minor: int, asset_decimals: int) -> str:
    """An amount in minor units as text with ``max(8, decimals)`` decimals."""
    if asset_decimals >= BINANCE_DECIMALS:
        return format_fixed(amount_minor, asset_decimals)
    return format_fixed(amount_minor * 10 ** (BINANCE_DECIMALS - asset_decimals), BINANCE_DECIMALS)


class MarketFormat:
    """Text of one market's prices, quantities and notionals."""

    __slots__ = (
        "base_asset",
        "base_decimals",
        "lot_size",
        "price_decimals",
        "price_units",
        "qty_decimals",
        "qty_units",
        "quote_asset",
        "quote_decimals",
        "symbol",
        "tick_lot_decimals",
        "tick_lot_units",
        "tick_size",
    )

    def __init__(
        self,
        symbol: str,
        base_asset: str,
        quote_asset: str,
        tick_size: str,
        lot_size: str,
        base_decimals: int,
        quote_decimals: int,
    ) -> None:
        self.symbol = symbol
        self.base_asset = base_asset
        self.quote_asset = quote_asset
        self.tick_size = tick_size
        self.lot_size = lot_size
        self.base_decimals = base_decimals
        self.quote_decimals = quote_decimals
        tick_decimals = decimals_of(tick_size)
        lot_decimals = decimals_of(lot_size)
        self.price_decimals = max(BINANCE_DECIMALS, tick_decimals)
        self.qty_decimals = max(BINANCE_DECIMALS, lot_decimals)
        self.tick_lot_decimals = max(BINANCE_DECIMALS, tick_decimals + lot_decimals)
        self.price_units = _units(tick_size, self.price_decimals)
        self.qty_units = _units(lot_size, self.qty_decimals)
        self.tick_lot_units = _units(tick_size, tick_decimals) * _units(lot_size, lot_decimals)
        self.tick_lot_units *= 10 ** (self.tick_lot_decimals - tick_decimals - lot_decimals)

    def price(self, price_ticks: int) -> str:
        return format_fixed(price_ticks * self.price_units, self.price_decimals)

    def qty(self, quantity_lots: int) -> str:
        return format_fixed(quantity_lots * self.qty_units, self.qty_decimals)

    def tick_lots(self, tick_lots: int) -> str:
        """A venue notional (price ticks times lots) in the quote asset."""
        return format_fixed(tick_lots * self.tick_lot_units, self.tick_lot_decimals)

    def quote_minor(self, amount_minor: int) -> str:
        return amount_text(amount_minor, self.quote_decimals)

    def base_minor(self, amount_minor: int) -> str:
        return amount_text(amount_minor, self.base_decimals)

    def parse_steps(self, text: str, *, price: bool) -> int:
        """Ticks (``price``) or lots in ``text``; ``UnitError`` if malformed or off-step,
        ``ValueError`` if not a decimal at all."""
        value = parse_decimal(text, "price" if price else "quantity")
        step = Decimal(self.tick_size if price else self.lot_size)
        count = _CTX.divide(value, step)
        if count != count.to_integral_value():
            raise UnitError(f"{text} is not a whole number of steps of {step}")
        return int(count)

    def parse_quote_minor(self, text: str) -> int:
        """A quote amount in minor units; ``UnitError`` when it has more decimals than the
        asset."""
        value = parse_decimal(text, "quoteOrderQty").scaleb(self.quote_decimals, _CTX)
        if value != value.to_integral_value():
            raise UnitError(f"{text} has more decimals than {self.quote_asset}")
        return int(value)
