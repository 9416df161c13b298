"""What custody decided: immutable events, tagged ``"custody.<name>"``.

``machine.decide`` returns a list of these; ``machine.evolve`` applies them one at a time and
never refuses one. The kernel turns them into ledger commands (ADR 4): each event names the
ledger accounts involved, spelled by ``state.client_ledger_account`` and
``state.wallet_account``, so that the kernel never rebuilds a name itself.

* ``AssetConfigured``: define the asset on the ledger and open ``wallet_accounts``;
* ``ClientAccountOpened``: open ``ledger_account`` (kind client);
* ``DepositConfirmed``: transfer ``amount_minor`` from ``wallet`` to ``ledger_account``;
* ``WithdrawalRequested``: create the hold ``hold_id`` on ``ledger_account``;
* ``WithdrawalExecuted``: post ``hold_id``, paying ``wallet_ledger_account`` out;
* ``WithdrawalFailed``: void ``hold_id`` if ``release_hold``;
* ``WalletsRebalanced``: transfer ``amount_minor`` from ``from_wallet`` to ``to_wallet``.
"""

from __future__ import annotations

import msgspec

from seawall.custody.state import AssetKind, Party

__all__ = [
    "EVENTS",
    "AssetConfigured",
    "ClientAccountOpened",
    "CustodyEvent",
    "DepositConfirmed",
    "DestinationAdded",
    "ReservesPublished",
    "WalletsRebalanced",
    "WithdrawalCosigned",
    "WithdrawalExecuted",
    "WithdrawalFailed",
    "WithdrawalHeld",
    "WithdrawalRequested",
]


class AssetConfigured(msgspec.Struct, frozen=True, tag="custody.asset_configured", tag_field="k"):
    """The asset is held; ``wallet_accounts`` are its ledger wallet accounts (cold and hot, or
    bank), in canonical order."""

    code: str
    decimals: int
    kind: AssetKind
    hkd_per_unit_minor: int
    confirmations_required: int
    wallet_accounts: tuple[str, ...]


class ClientAccountOpened(
    msgspec.Struct, frozen=True, tag="custody.client_account_opened", tag_field="k"
):
    broker_id: str
    account_id: str
    ledger_account: str


class DepositConfirmed(msgspec.Struct, frozen=True, tag="custody.deposit_confirmed", tag_field="k"):
    """The deposit is credited: ``wallet`` (hot for a virtual asset, bank for fiat) received it,
    for ``ledger_account``. ``origin`` is a verified destination from ``origin_effective_from_ns``
    (the deposit's own time: at once)."""

    deposit_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int
    origin: str
    confirmations: int
    wallet: str
    ledger_account: str
    origin_effective_from_ns: int


class DestinationAdded(msgspec.Struct, frozen=True, tag="custody.destination_added", tag_field="k"):
    """A withdrawal may go to ``destination`` from ``effective_from_ns`` (after cooling off)."""

    broker_id: str
    account_id: str
    asset: str
    destination: str
    verification_ref: str
    effective_from_ns: int


class WithdrawalRequested(
    msgspec.Struct, frozen=True, tag="custody.withdrawal_requested", tag_field="k"
):
    """The withdrawal passed custody's checks; the ledger must hold ``amount_minor`` of ``asset``
    on ``ledger_account`` under ``hold_id``."""

    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int
    destination: str
    originator: Party | None
    beneficiary: Party | None
    hold_id: str
    ledger_account: str


class WithdrawalHeld(msgspec.Struct, frozen=True, tag="custody.withdrawal_held", tag_field="k"):
    """The ledger hold is in place."""

    withdrawal_id: str


class WithdrawalCosigned(
    msgspec.Struct, frozen=True, tag="custody.withdrawal_cosigned", tag_field="k"
):
    withdrawal_id: str
    cosigner: str


class WithdrawalExecuted(
    msgspec.Struct, frozen=True, tag="custody.withdrawal_executed", tag_field="k"
):
    """Custody co-signed and paid the withdrawal out of ``wallet_ledger_account``; the ledger
    posts ``hold_id``."""

    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int
    destination: str
    wallet_ledger_account: str
    hold_id: str


class WithdrawalFailed(msgspec.Struct, frozen=True, tag="custody.withdrawal_failed", tag_field="k"):
    """The withdrawal ended without paying out. ``release_hold``: the ledger hold ``hold_id`` was
    in place and must be voided."""

    withdrawal_id: str
    code: int
    reason: str
    hold_id: str
    release_hold: bool


class WalletsRebalanced(
    msgspec.Struct, frozen=True, tag="custody.wallets_rebalanced", tag_field="k"
):
    """``amount_minor`` of ``asset`` moved from one wallet's ledger account to the other's."""

    asset: str
    from_wallet: str
    to_wallet: str
    amount_minor: int


class ReservesPublished(
    msgspec.Struct, frozen=True, tag="custody.reserves_published", tag_field="k"
):
    """A proof-of-reserves snapshot is anchored: its root and per-asset coverage (see
    ``PublishReserves``); a ratio under 10000 bps means reserves fall short of liabilities."""

    snapshot_id: str
    liabilities_root: bytes
    ratios: tuple[tuple[str, int, int, int], ...]


#: Every custody event, decodable by its ``"k"`` tag.
CustodyEvent = (
    AssetConfigured
    | ClientAccountOpened
    | DepositConfirmed
    | DestinationAdded
    | WithdrawalRequested
    | WithdrawalHeld
    | WithdrawalCosigned
    | WithdrawalExecuted
    | WithdrawalFailed
    | WalletsRebalanced
    | ReservesPublished
)

EVENTS: tuple[type[CustodyEvent], ...] = (
    AssetConfigured,
    ClientAccountOpened,
    DepositConfirmed,
    DestinationAdded,
    WithdrawalRequested,
    WithdrawalHeld,
    WithdrawalCosigned,
    WithdrawalExecuted,
    WithdrawalFailed,
    WalletsRebalanced,
    ReservesPublished,
)
