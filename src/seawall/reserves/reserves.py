"""Reserves: what custody's wallets hold on chain, proof that custody controls each one, and the
reserve ratio per asset.

For every snapshot, each of custody's wallets (per asset: cold and hot for a virtual asset, the
bank account for fiat) reports its balance *on the chain adapter* (not in custody's own book: a
book can say anything) and signs a challenge naming the snapshot and its liabilities root, so the
signature cannot be reused for another snapshot. Anyone can check the signature against the
wallet's public key and the address against the key (``adapters.chain.address_for``); the balance
itself they check on the chain.

The reserve ratio of an asset is ``reserves * 10_000 // liabilities`` in basis points, rounded
down, so it is below ``10_000`` exactly when reserves are below liabilities (the FTX case). With
no liabilities in an asset the ratio is ``RATIO_BPS_FULL`` (nothing is owed, so it is covered).

Wallet keys: ``wallet_key`` derives each wallet's Ed25519 key from custody's own key (an HMAC
per asset and wallet kind, as a hierarchical wallet derives child keys), so a data directory needs
no extra secrets. In production each wallet's key lives in the custodian's HSM and the chain
adapter asks it to sign.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import msgspec

from seawall.adapters.chain import ChainAdapter, address_for
from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey, VerifyKey

__all__ = [
    "CHALLENGE_HEADER",
    "RATIO_BPS_FULL",
    "WALLET_KEY_TAG",
    "AssetCoverage",
    "WalletBook",
    "WalletReserve",
    "attest_wallets",
    "control_challenge",
    "control_problem",
    "coverage",
    "ratio_bps",
    "wallet_key",
]

#: 100 %, in basis points.
RATIO_BPS_FULL: Final = 10_000
WALLET_KEY_TAG: Final = b"seawall.custody.wallet-key.v1\x00"
CHALLENGE_HEADER: Final = "seawall proof of reserves v1"


def wallet_key(custody_key: SigningKey, asset: str, kind: str) -> SigningKey:
    """The Ed25519 key of custody's ``kind`` wallet of ``asset``, derived from custody's key."""
    message = WALLET_KEY_TAG + asset.encode() + b"\x00" + kind.encode()
    return SigningKey(hmac.digest(custody_key.seed, message, "sha256"))


def control_challenge(snapshot_id: str, liabilities_root: bytes, asset: str, address: str) -> bytes:
    """What a wallet signs to show custody controls it, in this snapshot and no other."""
    return (
        f"{CHALLENGE_HEADER}\n"
        f"snapshot: {snapshot_id}\n"
        f"liabilities root: {liabilities_root.hex()}\n"
        f"asset: {asset}\n"
        f"address: {address}\n"
    ).encode()


class WalletBook(msgspec.Struct, frozen=True):
    """One custody wallet as custody's books see it: where it is and what the books say it holds.

    ``book_minor``: custody's own wallet book; ``ledger_minor``: the ledger's ``custody:*``
    account. Both are shown beside the chain's figure; only the chain's counts as reserves.
    """

    asset: str
    kind: str
    address: str
    book_minor: int
    ledger_minor: int


class WalletReserve(msgspec.Struct, frozen=True):
    """One wallet's part of the reserves: its balance on chain and its proof of control."""

    asset: str
    kind: str
    address: str
    public_key: bytes
    balance_minor: int
    book_minor: int
    ledger_minor: int
    signature: bytes


class AssetCoverage(msgspec.Struct, frozen=True):
    """Reserves against liabilities in one asset."""

    asset: str
    liabilities_minor: int
    reserves_minor: int
    ratio_bps: int

    @property
    def covered(self) -> bool:
        return self.reserves_minor >= self.liabilities_minor

    @property
    def shortfall_minor(self) -> int:
        """How much is missing (0 when covered)."""
        return max(0, self.liabilities_minor - self.reserves_minor)


def ratio_bps(reserves_minor: int, liabilities_minor: int) -> int:
    """Reserves over liabilities in basis points, rounded down (``RATIO_BPS_FULL`` when nothing
    is owed)."""
    if reserves_minor < 0 or liabilities_minor < 0:
        raise ConditionFailed("reserves and liabilities are never negative")
    if liabilities_minor == 0:
        return RATIO_BPS_FULL
    return reserves_minor * RATIO_BPS_FULL // liabilities_minor


def attest_wallets(
    chain: ChainAdapter, wallets: Iterable[WalletBook], snapshot_id: str, liabilities_root: bytes
) -> list[WalletReserve]:
    """Read each wallet's balance on ``chain`` and have it sign this snapshot's challenge."""
    reserves = []
    for wallet in wallets:
        public_key = chain.public_key(wallet.address)
        if address_for(public_key) != wallet.address:
            raise ConditionFailed(f"{wallet.address} is not the address of its own key")
        challenge = control_challenge(snapshot_id, liabilities_root, wallet.asset, wallet.address)
        reserves.append(
            WalletReserve(
                asset=wallet.asset,
                kind=wallet.kind,
                address=wallet.address,
                public_key=public_key,
                balance_minor=chain.balance_minor(wallet.address, wallet.asset),
                book_minor=wallet.book_minor,
                ledger_minor=wallet.ledger_minor,
                signature=chain.sign_challenge(wallet.address, challenge),
            )
        )
    return reserves


def control_problem(
    reserve: WalletReserve, snapshot_id: str, liabilities_root: bytes
) -> str | None:
    """Why ``reserve``'s proof of control does not hold for this snapshot, or ``None``."""
    try:
        key = VerifyKey(reserve.public_key)
        address = address_for(reserve.public_key)
    except ConditionFailed as exc:
        return f"{reserve.address}: {exc}"
    if address != reserve.address:
        return f"{reserve.address} is not the address of public key {reserve.public_key.hex()}"
    challenge = control_challenge(snapshot_id, liabilities_root, reserve.asset, reserve.address)
    if not key.verify(reserve.signature, challenge):
        return (
            f"{reserve.address} ({reserve.asset} {reserve.kind}): the signature is not the "
            f"wallet's over snapshot {snapshot_id!r} and root {liabilities_root.hex()}"
        )
    return None


def coverage(
    assets: Sequence[str],
    liabilities_minor: Mapping[str, int],
    reserves: Iterable[WalletReserve],
) -> list[AssetCoverage]:
    """Per asset (in the order of ``assets``, then any asset only the wallets hold, sorted), the
    liabilities, the reserves on chain and their ratio."""
    held: dict[str, int] = {}
    for reserve in reserves:
        held[reserve.asset] = held.get(reserve.asset, 0) + reserve.balance_minor
    codes = list(assets) + sorted(code for code in held if code not in assets)
    result = []
    for code in codes:
        owed = liabilities_minor.get(code, 0)
        have = held.get(code, 0)
        result.append(AssetCoverage(code, owed, have, ratio_bps(have, owed)))
    return result
