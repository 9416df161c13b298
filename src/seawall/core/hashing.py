"""SHA-256 helpers. Every hash in Seawall is SHA-256 with a domain label, so that a hash made for
one purpose (a journal entry, a state, a snapshot) can never be replayed as another."""

from __future__ import annotations

import hashlib
from typing import Final

from seawall.core.codec import encode

__all__ = ["DIGEST_SIZE", "ZERO_HASH", "sha256", "state_digest"]

DIGEST_SIZE: Final = 32
#: The "previous hash" of the first journal entry.
ZERO_HASH: Final = bytes(DIGEST_SIZE)


def sha256(*parts: bytes) -> bytes:
    """SHA-256 of the concatenation of ``parts``."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.digest()


def state_digest(domain: str, value: object) -> bytes:
    """SHA-256 of ``domain`` (ASCII), a NUL, and the canonical encoding of ``value``."""
    return hashlib.sha256(domain.encode("ascii") + b"\x00" + encode(value)).digest()
