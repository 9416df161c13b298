"""What may be asked of custody: immutable commands, tagged ``"custody.<name>"``.

Custody is the custodian bank: the final authority over client money. It configures the assets
it holds, opens one segregated account per broker client, credits confirmed deposits, keeps the
list of places a client may withdraw to (return of origin: a deposit's origin at once; any other
destination only with a verification reference and after a cooling-off delay), and runs a
withdrawal through its lifecycle: requested (the travel rule checked), held (the kernel placed
the ledger hold), co-signed by clearing, then executed with custody's own co-signature from the
hot wallet (or the bank, for fiat). ``Rebalance`` keeps the hot wallet within the SFC's share.

``MarkWithdrawalHeld``, ``CosignWithdrawal`` and ``FailWithdrawal`` are the kernel's alone: it
derives them from the ledger's and clearing's events (``KERNEL_ONLY``).

All amounts are ``int`` minor units; no command has a float. Commands are checked by
``machine.decide``, not on construction, so that a malformed command is journaled with its
rejection rather than lost.
"""

from __future__ import annotations

from typing import Final

import msgspec

from seawall.custody.state import AssetKind, Party

__all__ = [
    "COMMANDS",
    "KERNEL_ONLY",
    "AddDestination",
    "ConfigureAsset",
    "ConfirmDeposit",
    "CosignWithdrawal",
    "CustodyCommand",
    "ExecuteWithdrawal",
    "FailWithdrawal",
    "MarkWithdrawalHeld",
    "OpenClientAccount",
    "Party",
    "PublishReserves",
    "Rebalance",
    "RequestWithdrawal",
]


class ConfigureAsset(msgspec.Struct, frozen=True, tag="custody.configure_asset", tag_field="k"):
    """Hold ``code``: ``decimals`` digits after the point, virtual or fiat, worth
    ``hkd_per_unit_minor`` HKD cents per whole unit; deposits need ``confirmations_required``."""

    code: str
    decimals: int
    kind: AssetKind
    hkd_per_unit_minor: int
    confirmations_required: int


class OpenClientAccount(
    msgspec.Struct, frozen=True, tag="custody.open_client_account", tag_field="k"
):
    """Open the segregated account of ``account_id``, a client of ``broker_id``."""

    broker_id: str
    account_id: str


class ConfirmDeposit(msgspec.Struct, frozen=True, tag="custody.confirm_deposit", tag_field="k"):
    """Credit a deposit that arrived from ``origin`` (an address, or a bank account for fiat)
    once it has ``confirmations`` at least the asset's ``confirmations_required``."""

    deposit_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int
    origin: str
    confirmations: int


class AddDestination(msgspec.Struct, frozen=True, tag="custody.add_destination", tag_field="k"):
    """Whitelist ``destination`` for the client's withdrawals of ``asset``; it takes effect after
    the cooling-off delay. ``verification_ref`` names the check that proved the client owns it."""

    broker_id: str
    account_id: str
    asset: str
    destination: str
    verification_ref: str


class RequestWithdrawal(
    msgspec.Struct, frozen=True, tag="custody.request_withdrawal", tag_field="k"
):
    """Withdraw ``amount_minor`` of ``asset`` to a verified, effective ``destination``.

    At or above the travel-rule threshold (in HKD) both ``originator`` and ``beneficiary`` must be
    given in full. Custody does not check the balance: the ledger hold that follows does.
    """

    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int
    destination: str
    originator: Party | None = None
    beneficiary: Party | None = None


class MarkWithdrawalHeld(
    msgspec.Struct, frozen=True, tag="custody.mark_withdrawal_held", tag_field="k"
):
    """Kernel only: the ledger hold ``wd:<withdrawal_id>`` is in place."""

    withdrawal_id: str


class CosignWithdrawal(msgspec.Struct, frozen=True, tag="custody.cosign_withdrawal", tag_field="k"):
    """Kernel only: ``cosigner`` (clearing) co-signed the held withdrawal."""

    withdrawal_id: str
    cosigner: str


class ExecuteWithdrawal(
    msgspec.Struct, frozen=True, tag="custody.execute_withdrawal", tag_field="k"
):
    """Custody's own co-signature: pay a co-signed withdrawal out of the hot wallet (or bank)."""

    withdrawal_id: str


class FailWithdrawal(msgspec.Struct, frozen=True, tag="custody.fail_withdrawal", tag_field="k"):
    """Kernel only: the withdrawal cannot go on (e.g. the ledger refused its hold with ``code``)."""

    withdrawal_id: str
    code: int
    reason: str


class Rebalance(msgspec.Struct, frozen=True, tag="custody.rebalance", tag_field="k"):
    """Move value between ``asset``'s cold and hot wallets so the hot share is back in its band."""

    asset: str


class PublishReserves(msgspec.Struct, frozen=True, tag="custody.publish_reserves", tag_field="k"):
    """Anchor a proof-of-reserves snapshot in the journal: the liabilities Merkle sum tree's root
    and, per asset, ``(asset, liabilities_minor, reserves_minor, ratio_bps)`` with
    ``ratio_bps = reserves * 10000 // liabilities`` (10000 when nothing is owed)."""

    snapshot_id: str
    liabilities_root: bytes
    ratios: tuple[tuple[str, int, int, int], ...]


#: Every custody command, decodable by its ``"k"`` tag.
CustodyCommand = (
    ConfigureAsset
    | OpenClientAccount
    | ConfirmDeposit
    | AddDestination
    | RequestWithdrawal
    | MarkWithdrawalHeld
    | CosignWithdrawal
    | ExecuteWithdrawal
    | FailWithdrawal
    | Rebalance
    | PublishReserves
)

COMMANDS: tuple[type[CustodyCommand], ...] = (
    ConfigureAsset,
    OpenClientAccount,
    ConfirmDeposit,
    AddDestination,
    RequestWithdrawal,
    MarkWithdrawalHeld,
    CosignWithdrawal,
    ExecuteWithdrawal,
    FailWithdrawal,
    Rebalance,
    PublishReserves,
)

#: Commands only the kernel may submit (``ctx.submitter == KERNEL_SUBMITTER``).
KERNEL_ONLY: Final[tuple[type[CustodyCommand], ...]] = (
    MarkWithdrawalHeld,
    CosignWithdrawal,
    FailWithdrawal,
)
