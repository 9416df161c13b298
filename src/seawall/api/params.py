"""Reading Binance request parameters, with Binance's errors for each kind of bad value."""

from __future__ import annotations

import json
import re
from typing import Final

from seawall.api import errors as e
from seawall.api.readmodels import MarketData, ReadModels

__all__ = [
    "SYMBOLS_PATTERN",
    "SYMBOL_PATTERN",
    "enum",
    "integer",
    "is_digits",
    "limit",
    "market",
    "markets",
    "optional_int",
    "required",
]

SYMBOL_PATTERN: Final = "^[A-Z0-9-_.]{1,20}$"
SYMBOLS_PATTERN: Final = '^\\["[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}]$'
_SYMBOL_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
#: ``symbols``: a flat JSON array of symbol-shaped strings (JSON whitespace allowed between
#: items), checked before it is parsed so that no nesting or other JSON reaches the decoder.
_SYMBOLS: Final = re.compile(
    r'\[[ \t\r\n]*"[A-Z0-9_.\-]{1,20}"([ \t\r\n]*,[ \t\r\n]*"[A-Z0-9_.\-]{1,20}")*[ \t\r\n]*\]'
)


def is_digits(text: str) -> bool:
    """Whether ``text`` is ASCII digits only (``str.isdigit`` also takes ``"²"``, which ``int``
    refuses)."""
    return text.isascii() and text.isdigit()


def required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise e.mandatory_missing(name)
    return value


def _check_symbol(symbol: str) -> None:
    if not 0 < len(symbol) <= 20 or not set(symbol) <= _SYMBOL_CHARS:
        raise e.illegal_characters("symbol", SYMBOL_PATTERN)


def market(models: ReadModels, params: dict[str, str], name: str = "symbol") -> MarketData:
    """The market named by ``params[name]`` (-1102 missing, -1100 malformed, -1121 unknown)."""
    symbol = required(params, name)
    _check_symbol(symbol)
    found = models.market(symbol)
    if found is None:
        raise e.ApiError(e.INVALID_SYMBOL)
    return found


def markets(models: ReadModels, params: dict[str, str]) -> list[MarketData] | None:
    """``symbol`` or ``symbols`` (a JSON array) as markets; None when neither is given."""
    if "symbol" in params and "symbols" in params:
        raise e.ApiError(
            e.BAD_COMBINATION, "Parameter 'symbol' and 'symbols' cannot be sent together."
        )
    if "symbol" in params:
        return [market(models, params)]
    raw = params.get("symbols")
    if raw is None:
        return None
    if _SYMBOLS.fullmatch(raw) is None:
        raise e.illegal_characters("symbols", SYMBOLS_PATTERN)
    names: list[str] = json.loads(raw)
    found: list[MarketData] = []
    for name in names:
        _check_symbol(name)
        data = models.market(name)
        if data is None:
            raise e.ApiError(e.INVALID_SYMBOL)
        found.append(data)
    return found


def optional_int(params: dict[str, str], name: str, low: int = 0, high: int = 2**62) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    negative = raw.startswith("-")
    digits = raw[1:] if negative else raw
    if not is_digits(digits) or len(digits) > 19:
        raise e.illegal_characters(name, "^[0-9]{1,20}$")
    value = -int(digits) if negative else int(digits)
    if not low <= value <= high:
        raise e.bad_parameter(name)
    return value


def integer(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = optional_int(params, name, low, high)
    return default if value is None else value


def enum(params: dict[str, str], name: str, allowed: tuple[str, ...], error: e.BinanceError) -> str:
    value = required(params, name)
    if value not in allowed:
        raise e.ApiError(error)
    return value


def limit(params: dict[str, str], default: int, maximum: int) -> int:
    """``limit``: at least 1, at most ``maximum`` (a larger one is cut, as Binance does)."""
    return min(integer(params, "limit", default, 1, 2**31), maximum)
