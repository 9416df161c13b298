"""Ed25519 signing keys, through ``cryptography``.

Every institution and the sequencer holds one. A key is made from a 32-byte seed, so a seeded
run (tests, the simulator, the demo) reproduces the same keys; production keys come from
``SigningKey.generate()`` at the edge, never inside a state machine.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from seawall.core.errors import ConditionFailed

__all__ = ["SIGNATURE_SIZE", "SigningKey", "VerifyKey"]

SIGNATURE_SIZE = 64


class VerifyKey:
    """An Ed25519 public key (32 raw bytes)."""

    __slots__ = ("_key", "raw")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 32:
            raise ConditionFailed(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
        self.raw = bytes(raw)
        self._key = Ed25519PublicKey.from_public_bytes(self.raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True if ``signature`` is this key's over ``message``."""
        if len(signature) != SIGNATURE_SIZE:
            return False
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifyKey) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"VerifyKey({self.raw.hex()})"


class SigningKey:
    """An Ed25519 private key."""

    __slots__ = ("_key", "seed", "verify_key")

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ConditionFailed(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
        self.seed = bytes(seed)
        self._key = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.verify_key = VerifyKey(
            self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        )

    @classmethod
    def from_label(cls, label: str) -> SigningKey:
        """A deterministic key for a seeded run: the seed is SHA-256 of ``label``."""
        return cls(hashlib.sha256(label.encode()).digest())

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh random key (for the edge: CLI and deployments, never domain code)."""
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        raw = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        return cls(raw)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"SigningKey(public={self.verify_key.raw.hex()})"
