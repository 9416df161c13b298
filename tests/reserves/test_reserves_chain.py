"""The in-memory chain adapter: balances per address, wallets that sign, coins that only move
with the wallet's key, and the address rule anyone can check against a public key."""

from __future__ import annotations

import pytest

from seawall.adapters.chain import ADDRESS_PREFIX, ChainAdapter, MemoryChain, address_for
from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey, VerifyKey


def test_a_wallet_signs_with_the_key_behind_its_address() -> None:
    chain = MemoryChain()
    key = SigningKey.from_label("wallet")
    address = chain.import_wallet(key)
    assert address == address_for(key.verify_key.raw)
    assert address.startswith(ADDRESS_PREFIX) and len(address) == len(ADDRESS_PREFIX) + 40
    assert chain.public_key(address) == key.verify_key.raw
    signature = chain.sign_challenge(address, b"challenge")
    assert VerifyKey(chain.public_key(address)).verify(signature, b"challenge")
    assert chain.sign_challenge(address, b"challenge") == signature, "Ed25519 is deterministic"


def test_balances_move_only_from_wallets_it_holds_keys_for() -> None:
    chain = MemoryChain()
    wallet = chain.import_wallet(SigningKey.from_label("cold"))
    stranger = address_for(SigningKey.from_label("stranger").verify_key.raw)
    chain.set_balance(wallet, "BTC", 500)
    chain.transfer(wallet, stranger, "BTC", 200)
    assert (chain.balance_minor(wallet, "BTC"), chain.balance_minor(stranger, "BTC")) == (300, 200)
    assert chain.balances() == sorted([(wallet, "BTC", 300), (stranger, "BTC", 200)])
    with pytest.raises(ConditionFailed, match="cannot send"):
        chain.transfer(wallet, stranger, "BTC", 301)
    with pytest.raises(ConditionFailed, match="no wallet key"):
        chain.transfer(stranger, wallet, "BTC", 1)
    with pytest.raises(ConditionFailed, match="no wallet key"):
        chain.sign_challenge(stranger, b"x")
    with pytest.raises(ConditionFailed, match="amount"):
        chain.set_balance(wallet, "BTC", -1)
    assert chain.balance_minor(wallet, "ETH") == 0


def test_the_memory_chain_meets_the_port() -> None:
    chain: ChainAdapter = MemoryChain("test-chain")
    assert chain.name == "test-chain"
    with pytest.raises(ConditionFailed, match="32 bytes"):
        address_for(b"short")
