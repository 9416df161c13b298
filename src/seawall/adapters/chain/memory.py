"""``MemoryChain``: a deterministic in-memory chain, the test double that ships in the package.

It keeps, per address, the balance of each asset (minor units, never negative) and, for the
wallets custody imported, the wallet's Ed25519 key, so the wallet can sign a proof-of-control
challenge and move its coins. Nothing here reads a clock or draws a random number: the same
calls give the same chain, so a snapshot built against it is reproducible. Fiat "wallets" (bank
accounts) are kept the same way; on a real deployment their balance would come from the bank's
confirmation, not a chain.

A real chain adapter (``web3`` with ``eth-tester`` / ``py-evm``, or a node's RPC) replaces this
class behind ``ChainAdapter``; it would read balances from the chain and ask the custodian's
signer (an HSM) for signatures instead of holding keys.
"""

from __future__ import annotations

from typing import Final

from seawall.adapters.chain.base import address_for
from seawall.core import limits
from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey

__all__ = ["MEMORY_CHAIN_NAME", "MemoryChain"]

MEMORY_CHAIN_NAME: Final = "seawall-memory-chain"


class MemoryChain:
    """Balances per ``(address, asset)`` and the keys of imported wallets."""

    __slots__ = ("_balances", "_keys", "_name")

    def __init__(self, name: str = MEMORY_CHAIN_NAME) -> None:
        self._name = name
        self._balances: dict[tuple[str, str], int] = {}
        self._keys: dict[str, SigningKey] = {}

    @property
    def name(self) -> str:
        return self._name

    # --- wallets ---------------------------------------------------------------------------------

    def import_wallet(self, key: SigningKey) -> str:
        """Hold ``key`` (custody's wallet key) and return its address."""
        address = address_for(key.verify_key.raw)
        self._keys[address] = key
        return address

    def public_key(self, address: str) -> bytes:
        return self._key(address).verify_key.raw

    def sign_challenge(self, address: str, message: bytes) -> bytes:
        return self._key(address).sign(message)

    def _key(self, address: str) -> SigningKey:
        key = self._keys.get(address)
        if key is None:
            raise ConditionFailed(f"no wallet key for {address!r} on {self._name}")
        return key

    # --- balances --------------------------------------------------------------------------------

    def balance_minor(self, address: str, asset: str) -> int:
        return self._balances.get((address, asset), 0)

    def set_balance(self, address: str, asset: str, amount_minor: int) -> None:
        """Put the chain in a known state (what a node would report): the test double's hook."""
        _check_amount(amount_minor)
        self._balances[(address, asset)] = amount_minor

    def transfer(self, source: str, destination: str, asset: str, amount_minor: int) -> None:
        """Move coins out of a wallet whose key this chain holds (as its owner, or an insider
        holding the key, could)."""
        _check_amount(amount_minor)
        self._key(source)
        held = self.balance_minor(source, asset)
        if held < amount_minor:
            raise ConditionFailed(f"{source} holds {held} {asset}, cannot send {amount_minor}")
        self._balances[(source, asset)] = held - amount_minor
        self._balances[(destination, asset)] = self.balance_minor(destination, asset) + amount_minor

    def balances(self) -> list[tuple[str, str, int]]:
        """Every non-zero ``(address, asset, amount_minor)``, sorted."""
        return sorted((a, s, v) for (a, s), v in self._balances.items() if v)


def _check_amount(amount_minor: int) -> None:
    if (
        isinstance(amount_minor, bool)
        or not isinstance(amount_minor, int)
        or not 0 <= amount_minor <= limits.amount_minor_max
    ):
        raise ConditionFailed(f"an amount must be 0..amount_minor_max, got {amount_minor!r}")
