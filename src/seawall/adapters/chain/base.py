"""The chain port: what proof of reserves asks of a chain, and the address rule of our chains.

A wallet is an Ed25519 key (``core.signing``); its address is ``ADDRESS_PREFIX`` followed by the
first 20 bytes of ``SHA-256("seawall.chain.address.v1" || 0x00 || public key)`` in hex, so anyone
holding the public key can check that it owns the address, as a Bitcoin or Ethereum address is
checked against the key that signs for it. A real chain adapter keeps its own address rule and
says so through ``address_for``.
"""

from __future__ import annotations

import hashlib
from typing import Final, Protocol

from seawall.core.errors import ConditionFailed, OperatingError

__all__ = ["ADDRESS_PREFIX", "ChainAdapter", "ChainError", "address_for"]

#: Addresses on Seawall's own chains start with this (``swc1`` + 40 hex digits).
ADDRESS_PREFIX: Final = "swc1"
_ADDRESS_DOMAIN: Final = b"seawall.chain.address.v1\x00"


class ChainError(OperatingError):
    """A chain could not be read or could not sign (a node down, a key missing in the HSM)."""


def address_for(public_key: bytes) -> str:
    """The address of an Ed25519 public key on Seawall's chains."""
    if len(public_key) != 32:
        raise ConditionFailed(f"an Ed25519 public key is 32 bytes, got {len(public_key)}")
    return ADDRESS_PREFIX + hashlib.sha256(_ADDRESS_DOMAIN + public_key).digest()[:20].hex()


class ChainAdapter(Protocol):
    """What proof of reserves needs from a chain: balances, and each wallet's signature."""

    @property
    def name(self) -> str:
        """Which chain this is (written into each snapshot)."""
        ...

    def balance_minor(self, address: str, asset: str) -> int:
        """What ``address`` holds of ``asset`` on chain, in minor units."""
        ...

    def public_key(self, address: str) -> bytes:
        """The 32-byte Ed25519 public key that controls ``address``."""
        ...

    def sign_challenge(self, address: str, message: bytes) -> bytes:
        """The wallet's Ed25519 signature over ``message`` (proof that custody controls it)."""
        ...
