"""Typed ids. A ``NewType`` costs nothing at run time and lets mypy catch an account id passed
where an asset code belongs. ``check_id`` is the one validator for every textual id."""

from __future__ import annotations

import re
from typing import Final, NewType

from seawall.core.errors import ConditionFailed

__all__ = [
    "AccountId",
    "AssetCode",
    "InstitutionId",
    "Seq",
    "TransferId",
    "check_asset_code",
    "check_id",
]

AccountId = NewType("AccountId", str)
AssetCode = NewType("AssetCode", str)
TransferId = NewType("TransferId", str)
InstitutionId = NewType("InstitutionId", str)
#: Position of an entry in the journal: contiguous from 1.
Seq = NewType("Seq", int)

_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]*")
_ASSET_PATTERN: Final = re.compile(r"[A-Z][A-Z0-9]*")


def check_id(value: str, what: str, length_max: int) -> str:
    """Return ``value`` if it is a well-formed id of at most ``length_max`` characters."""
    if not (0 < len(value) <= length_max) or _ID_PATTERN.fullmatch(value) is None:
        raise ConditionFailed(
            f"{what} must be 1..{length_max} characters of A-Z a-z 0-9 . _ : - "
            f"starting with a letter or digit, got {value!r}"
        )
    return value


def check_asset_code(value: str, length_max: int) -> AssetCode:
    """Return ``value`` as an ``AssetCode`` if it is an upper-case ticker."""
    if not (0 < len(value) <= length_max) or _ASSET_PATTERN.fullmatch(value) is None:
        raise ConditionFailed(f"asset code must be an upper-case ticker, got {value!r}")
    return AssetCode(value)
