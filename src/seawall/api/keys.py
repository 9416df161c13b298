"""API keys: who may call the signed endpoints, for which client of which broker, and how fast.

A key belongs to one client (``account_id``) of one broker (``broker_id``): the broker is the
institution that submits the client's orders, and the key is how the broker's API knows the
client. A key verifies requests with an HMAC-SHA256 secret or an Ed25519 public key (Binance's
two schemes for spot; RSA is not offered). Its ``tier`` names its request limits (``Tier``), so
a market maker or a load test can be given more than a retail key.

Keys live in the data directory, in ``api_keys.sqlite`` beside the journal, kept by the API
layer and not by any institution: a key is a credential of the broker's front door, not a fact
of the market. The store keeps every key in memory as well (a request looks its key up in a
dict), and writes through to SQLite on creation.
"""

from __future__ import annotations

import secrets
import sqlite3
import string
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from seawall.core.errors import ConditionFailed, StorageError

__all__ = [
    "API_KEY_LENGTH",
    "DEFAULT_TIERS",
    "ApiKey",
    "KeyStore",
    "Tier",
    "new_api_key",
    "new_secret",
]

API_KEY_LENGTH: Final = 64
_ALPHABET: Final = string.ascii_letters + string.digits

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS api_keys (
    api_key TEXT PRIMARY KEY,
    broker_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    hmac_secret TEXT,
    ed25519_public_key BLOB,
    tier TEXT NOT NULL,
    created_ms INTEGER NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Tier:
    """Request limits of one tier: request weight per minute, new orders per 10 s and per day."""

    weight_per_minute: int
    orders_per_10s: int
    orders_per_day: int


#: Tiers by name. ``retail`` is Binance's default spot limits; ``professional`` ten times them;
#: ``market_maker`` and ``load_test`` are for liquidity providers and benchmarks.
DEFAULT_TIERS: Final[dict[str, Tier]] = {
    "retail": Tier(6_000, 100, 200_000),
    "professional": Tier(60_000, 1_000, 2_000_000),
    "market_maker": Tier(600_000, 10_000, 100_000_000),
    "load_test": Tier(100_000_000, 100_000_000, 1_000_000_000),
}


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One API key: its client, its credential (an HMAC secret or an Ed25519 public key) and
    its tier."""

    api_key: str
    broker_id: str
    account_id: str
    hmac_secret: str | None
    ed25519_public_key: bytes | None
    tier: str


def _random_text(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_api_key() -> str:
    """A fresh 64-character API key (letters and digits, as Binance's)."""
    return _random_text(API_KEY_LENGTH)


def new_secret() -> str:
    """A fresh 64-character HMAC secret."""
    return _random_text(64)


class KeyStore:
    """API keys in SQLite (``path``; ``":memory:"`` for tests), cached in memory."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.executescript(_SCHEMA)
            rows = self._db.execute(
                "SELECT api_key, broker_id, account_id, hmac_secret, ed25519_public_key, tier "
                "FROM api_keys"
            ).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"{path}: cannot open the API key store: {exc}") from exc
        self._keys: dict[str, ApiKey] = {
            row[0]: ApiKey(row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows
        }

    def get(self, api_key: str) -> ApiKey | None:
        return self._keys.get(api_key)

    def __len__(self) -> int:
        return len(self._keys)

    def for_account(self, broker_id: str, account_id: str) -> list[ApiKey]:
        return [
            k
            for k in self._keys.values()
            if k.broker_id == broker_id and k.account_id == account_id
        ]

    def add(
        self,
        broker_id: str,
        account_id: str,
        *,
        tier: str = "retail",
        hmac_secret: str | None = None,
        ed25519_public_key: bytes | None = None,
        api_key: str | None = None,
        created_ms: int = 0,
    ) -> ApiKey:
        """Register a key; a fresh HMAC secret is made when neither credential is given."""
        if ed25519_public_key is not None and len(ed25519_public_key) != 32:
            raise ConditionFailed("an Ed25519 public key is 32 bytes")
        if hmac_secret is None and ed25519_public_key is None:
            hmac_secret = new_secret()
        key = ApiKey(
            api_key or new_api_key(), broker_id, account_id, hmac_secret, ed25519_public_key, tier
        )
        with self._lock:
            if key.api_key in self._keys:
                raise ConditionFailed("API key already registered")
            try:
                self._db.execute(
                    "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        key.api_key,
                        broker_id,
                        account_id,
                        key.hmac_secret,
                        ed25519_public_key,
                        tier,
                        created_ms,
                    ),
                )
            except sqlite3.Error as exc:
                raise StorageError(f"cannot store the API key: {exc}") from exc
            self._keys[key.api_key] = key
        return key

    def close(self) -> None:
        self._db.close()
