"""A client's KYC record, how its fields are checked, and the hashes made from it.

Three hashes, each SHA-256 under its own domain label so that none can stand in for another:

* the **KYC commitment**: ``SHA-256("seawall/kyc-commitment/v1" || 0x00 || salt || encode(kyc))``
  with a 32-byte salt the client (or broker) chose. It binds the account to one KYC record
  without revealing it: the salt makes the record impossible to guess from the commitment, and
  whoever holds record and salt (identity; the regulator after a warrant) can check the binding.
* the **account id**: ``"acct-"`` + the first 16 hex digits of
  ``SHA-256("seawall/account/v1" || 0x00 || commitment)``: deterministic from the onboarding
  command, so replay derives the same id, and it reveals nothing the commitment does not.
* the **document hash**: ``SHA-256("seawall/document/v1" || 0x00 || encode((type, number)))``
  with the number normalised (ASCII letters upper-cased, everything but letters and digits
  dropped, so ``"a123456(7)"`` and ``"A1234567"`` are one document). It is *not* salted, so it
  is personal data (a document number is guessable): it lives only in identity's private state
  and in ``BlockPerson`` / ``PersonBlocked``, which the public projection strips.

Field checks are pure functions that return what is wrong, or ``None``: ``decide`` turns the
answer into a rejection. Dates are checked with integer arithmetic (no ``datetime``: domain code
reads no clock, and the sequencer's ``timestamp_ns`` says what "today" is).
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

from seawall.core import limits
from seawall.core.codec import encode
from seawall.core.errors import ConditionFailed
from seawall.core.hashing import sha256

__all__ = [
    "ACCOUNT_ID_DOMAIN",
    "ACCOUNT_ID_HEX_DIGITS",
    "ACCOUNT_ID_PREFIX",
    "DOCUMENT_HASH_DOMAIN",
    "KYC_COMMITMENT_DOMAIN",
    "KYC_SALT_BYTES",
    "NS_PER_DAY",
    "KycRecord",
    "account_id_for",
    "account_id_for_commitment",
    "days_from_civil",
    "document_hash",
    "document_problem",
    "kyc_commitment_for",
    "kyc_problem",
    "normalise_document_number",
    "text_problem",
]

KYC_COMMITMENT_DOMAIN: Final = b"seawall/kyc-commitment/v1"
ACCOUNT_ID_DOMAIN: Final = b"seawall/account/v1"
DOCUMENT_HASH_DOMAIN: Final = b"seawall/document/v1"
#: A KYC salt is exactly this many bytes (as much entropy as the hash it feeds).
KYC_SALT_BYTES: Final = 32
ACCOUNT_ID_PREFIX: Final = "acct-"
ACCOUNT_ID_HEX_DIGITS: Final = 16
NS_PER_DAY: Final = 86_400 * 1_000_000_000

_DOCUMENT_TYPE: Final = re.compile(r"[a-z][a-z0-9_]*")
_DOCUMENT_NUMBER: Final = re.compile(r"[A-Za-z0-9 ()/.\-]+")
_NATIONALITY: Final = re.compile(r"[A-Z]{2,3}")
_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class KycRecord(msgspec.Struct, frozen=True):
    """Who a client is, as the broker verified it. Private: it never leaves identity's state
    except through a journaled warrant.

    ``document_type`` is a lower-case code (``passport``, ``hkid``, ``business_registration``);
    ``nationality`` an ISO 3166-1 alpha-2 or alpha-3 code (``HK``, ``GBR``); ``date_of_birth``
    ``YYYY-MM-DD`` (an institution's date of incorporation). An institution's ``full_name`` is
    its registered name.
    """

    full_name: str
    document_type: str
    document_number: str
    nationality: str
    date_of_birth: str
    address: str


def kyc_commitment_for(kyc: KycRecord, salt: bytes) -> bytes:
    """The salted commitment to ``kyc``. Raises ``ConditionFailed`` unless ``salt`` is 32 bytes."""
    if not isinstance(salt, bytes) or len(salt) != KYC_SALT_BYTES:
        raise ConditionFailed(f"a KYC salt is exactly {KYC_SALT_BYTES} bytes")
    return sha256(KYC_COMMITMENT_DOMAIN, b"\x00", salt, encode(kyc))


def account_id_for_commitment(commitment: bytes) -> str:
    """``acct-`` + 16 hex digits of the labelled hash of ``commitment``."""
    digest = sha256(ACCOUNT_ID_DOMAIN, b"\x00", commitment)
    return ACCOUNT_ID_PREFIX + digest.hex()[:ACCOUNT_ID_HEX_DIGITS]


def account_id_for(kyc: KycRecord, salt: bytes) -> str:
    """The account id ``OnboardClient(kyc=kyc, kyc_salt=salt, ...)`` opens."""
    return account_id_for_commitment(kyc_commitment_for(kyc, salt))


def normalise_document_number(document_number: str) -> str:
    """Upper-case ASCII letters and digits only: how a document number is compared."""
    return "".join(c for c in document_number.upper() if c.isascii() and c.isalnum())


def document_problem(document_type: object, document_number: object) -> str | None:
    """What is wrong with a document type and number, or ``None``."""
    if not isinstance(document_type, str) or not isinstance(document_number, str):
        return "document_type and document_number must be strings"
    problem = text_problem(
        document_type, "document_type", limits.identity_document_type_length_max
    ) or text_problem(
        document_number, "document_number", limits.identity_document_number_length_max
    )
    if problem is not None:
        return problem
    if _DOCUMENT_TYPE.fullmatch(document_type) is None:
        return f"document_type must be a lower-case code such as 'passport', got {document_type!r}"
    if _DOCUMENT_NUMBER.fullmatch(document_number) is None or not normalise_document_number(
        document_number
    ):
        return (
            "document_number must be ASCII letters and digits (with spaces, ( ) / . -), "
            f"got {document_number!r}"
        )
    return None


def document_hash(document_type: str, document_number: str) -> bytes:
    """The hash under which a document is onboarded and blocked (see the module docstring).

    Raises ``ConditionFailed`` for a malformed type or number.
    """
    problem = document_problem(document_type, document_number)
    if problem is not None:
        raise ConditionFailed(problem)
    normalised = (document_type, normalise_document_number(document_number))
    return sha256(DOCUMENT_HASH_DOMAIN, b"\x00", encode(normalised))


def text_problem(value: object, what: str, length_max: int, *, required: bool = True) -> str | None:
    """What is wrong with a free-text field, or ``None``: not a string, empty (when
    ``required``), longer than ``length_max``, a control character, or surrounding blanks."""
    if not isinstance(value, str):
        return f"{what} must be a string, got {type(value).__name__}"
    if not value:
        return f"{what} is empty" if required else None
    if len(value) > length_max:
        return f"{what} has {len(value)} characters, over {length_max}"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        return f"{what} contains a control character"
    if value.strip() != value:
        return f"{what} has leading or trailing blanks"
    return None


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _date_problem(text: str, today_days: int) -> str | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return f"date_of_birth must be YYYY-MM-DD, got {text!r}"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"date_of_birth {text!r} has no month {month}"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month_days = 29 if month == 2 and leap else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= month_days:
        return f"date_of_birth {text!r} has no day {day}"
    if year < limits.identity_birth_year_min:
        return f"date_of_birth {text!r} is before {limits.identity_birth_year_min}"
    if days_from_civil(year, month, day) > today_days:
        return f"date_of_birth {text!r} is after the sequencer's date"
    return None


def kyc_problem(kyc: object, today_days: int) -> str | None:
    """What is wrong with a KYC record, or ``None``. ``today_days`` is the sequencer's date
    (days since 1970-01-01); a date of birth may not be later."""
    if not isinstance(kyc, KycRecord):
        return f"kyc must be a KycRecord, got {type(kyc).__name__}"
    problem = (
        text_problem(kyc.full_name, "full_name", limits.identity_name_length_max)
        or document_problem(kyc.document_type, kyc.document_number)
        or text_problem(kyc.nationality, "nationality", 3)
        or text_problem(kyc.date_of_birth, "date_of_birth", 10)
        or text_problem(kyc.address, "address", limits.identity_address_length_max)
    )
    if problem is not None:
        return problem
    if _NATIONALITY.fullmatch(kyc.nationality) is None:
        return f"nationality must be an ISO 3166-1 alpha-2 or alpha-3 code, got {kyc.nationality!r}"
    return _date_problem(kyc.date_of_birth, today_days)
