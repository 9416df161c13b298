"""Units: money as integers in minor units, prices in ticks, quantities in lots.

Each asset declares its decimals (BTC 8, USD 2, ETH 18); an amount is an ``int`` count of the
asset's smallest unit. A market declares a tick (the price step) and a lot (the quantity step),
each itself a decimal string; prices and quantities inside the market are integer counts of them.

Every conversion from text refuses to lose precision: ``"0.123456789"`` BTC is an error, not a
rounding. Text is parsed with ``decimal.Decimal`` in a local context, never with ``float``.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Final

import msgspec

from seawall.core import limits
from seawall.core.errors import UnitError
from seawall.core.ids import AssetCode, check_asset_code

__all__ = [
    "Asset",
    "Step",
    "format_amount",
    "format_fixed",
    "from_steps",
    "parse_amount",
    "parse_decimal",
    "to_steps",
]

_CONTEXT: Final = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow])


class Asset(msgspec.Struct, frozen=True):
    """An asset and its smallest unit: ``1`` unit = ``10**decimals`` minor units."""

    code: AssetCode
    decimals: int

    def __post_init__(self) -> None:
        check_asset_code(self.code, limits.asset_code_length_max)
        if not 0 <= self.decimals <= limits.asset_decimals_max:
            raise UnitError(
                f"{self.code} decimals must be 0..{limits.asset_decimals_max}, got {self.decimals}"
            )


def parse_decimal(text: str, what: str) -> Decimal:
    """A finite decimal from plain text (``"12.5"``, not ``"1e3"``, not ``"nan"``)."""
    if not isinstance(text, str) or not text or len(text) > 64:
        raise UnitError(f"{what} must be a decimal string, got {text!r}")
    stripped = text[1:] if text[0] in "+-" else text
    if not stripped or any(c not in "0123456789." for c in stripped) or stripped.count(".") > 1:
        raise UnitError(f"{what} must be a plain decimal string, got {text!r}")
    if stripped == ".":
        raise UnitError(f"{what} must be a plain decimal string, got {text!r}")
    return _CONTEXT.create_decimal(text)


def _exact_int(value: Decimal, what: str, text: str) -> int:
    integral = value.to_integral_value(rounding=decimal.ROUND_DOWN, context=_CONTEXT)
    if integral != value:
        raise UnitError(f"{what} {text!r} is not a whole number of its unit")
    result = int(integral)
    if abs(result) > limits.amount_minor_max:
        raise UnitError(f"{what} {text!r} exceeds amount_minor_max")
    return result


def parse_amount(asset: Asset, text: str) -> int:
    """``"1.5"`` BTC -> ``150_000_000``; refuses more decimals than the asset has."""
    value = parse_decimal(text, f"{asset.code} amount")
    return _exact_int(value.scaleb(asset.decimals, _CONTEXT), f"{asset.code} amount", text)


def format_amount(asset: Asset, amount_minor: int) -> str:
    """``150_000_000`` BTC -> ``"1.50000000"``: fixed decimals, as exchanges print balances."""
    return format_fixed(amount_minor, asset.decimals)


def format_fixed(count: int, decimals: int) -> str:
    """An integer count of ``10**-decimals`` written with exactly ``decimals`` decimals."""
    sign = "-" if count < 0 else ""
    digits = str(abs(count)).rjust(decimals + 1, "0")
    if decimals == 0:
        return sign + digits
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


class Step(msgspec.Struct, frozen=True):
    """A step size such as a tick (``"0.01"``) or a lot (``"0.00001"``), as a decimal string."""

    text: str

    def __post_init__(self) -> None:
        value = parse_decimal(self.text, "step")
        if value <= 0:
            raise UnitError(f"step must be positive, got {self.text!r}")

    @property
    def value(self) -> Decimal:
        return _CONTEXT.create_decimal(self.text)


def to_steps(text: str, step: Step, what: str) -> int:
    """How many ``step``s make ``text``; refuses a value that is not a whole number of steps."""
    value = parse_decimal(text, what)
    return _exact_int(_CONTEXT.divide(value, step.value), f"{what} (step {step.text})", text)


def from_steps(count: int, step: Step) -> str:
    """The decimal text of ``count`` steps, normalised without an exponent."""
    value = _CONTEXT.multiply(Decimal(count), step.value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
