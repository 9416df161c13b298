"""The custody institution: the custodian bank, the final authority over client money.

The money itself is on the ledger (ADR 4: ``custody:cold:<ASSET>``, ``custody:hot:<ASSET>``,
``custody:bank:<ASSET>``, ``client:<broker_id>:<account_id>``); custody keeps its own operations
book beside it and decides policy, and the kernel turns custody's events into ledger postings.
Custody's book holds the wallets (cold and hot per virtual asset, a bank account per fiat
currency), one segregated account per broker client with its external flow per asset (deposits
minus withdrawals, for reconciliation) and its verified withdrawal destinations, and the
withdrawals with their lifecycle.

The policy it enforces, after the SFC's rules for virtual-asset platforms (``core.hk_rules``):

* a deposit is credited only once confirmed, and only once per deposit id;
* withdrawals go back where money came from (return of origin) or to a destination added with a
  verification reference, after a cooling-off delay;
* the travel rule: at or above HK$8,000, originator and beneficiary data in full;
* a withdrawal is paid only with two co-signatures, clearing's and custody's own, after the
  ledger holds the client's funds; it is paid from the hot wallet, never overdrawn;
* ``Rebalance`` keeps at least 98 % of client virtual assets in cold storage.

The package imports only ``seawall.core``. Its shape is every institution's: ``commands``,
``events``, ``rejections`` (5xxx), ``state``, ``machine`` (``decide``, ``evolve``,
``state_hash``, ``check_invariants``, ``snapshot``, ``restore`` and the read helpers).
"""

from __future__ import annotations

from seawall.custody.commands import (
    COMMANDS,
    KERNEL_ONLY,
    AddDestination,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    ExecuteWithdrawal,
    FailWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    PublishReserves,
    Rebalance,
    RequestWithdrawal,
)
from seawall.custody.events import (
    EVENTS,
    AssetConfigured,
    ClientAccountOpened,
    CustodyEvent,
    DepositConfirmed,
    DestinationAdded,
    ReservesPublished,
    WalletsRebalanced,
    WithdrawalCosigned,
    WithdrawalExecuted,
    WithdrawalFailed,
    WithdrawalHeld,
    WithdrawalRequested,
)
from seawall.custody.machine import (
    canonical,
    check_invariants,
    clients,
    cold_ratio_bps,
    decide,
    destinations,
    evolve,
    external_flow,
    hkd_value_minor,
    paying_wallet,
    restore,
    snapshot,
    state_hash,
    wallet_balance,
    withdrawal,
)
from seawall.custody.rejections import CustodyRejection
from seawall.custody.state import (
    CLEARING_COSIGNER,
    CUSTODY_COSIGNER,
    HOLD_ID_PREFIX,
    KERNEL_SUBMITTER,
    STATE_HASH_DOMAIN,
    WALLET_KINDS,
    WITHDRAWAL_TRANSITIONS,
    AssetKind,
    CustodySnapshot,
    CustodyState,
    Party,
    WalletKind,
    WithdrawalRecord,
    WithdrawalStatus,
    client_ledger_account,
    hold_id_for,
    wallet_account,
)

__all__ = [
    "AddDestination",
    "AssetConfigured",
    "AssetKind",
    "CLEARING_COSIGNER",
    "COMMANDS",
    "CUSTODY_COSIGNER",
    "ClientAccountOpened",
    "ConfigureAsset",
    "ConfirmDeposit",
    "CosignWithdrawal",
    "CustodyCommand",
    "CustodyEvent",
    "CustodyRejection",
    "CustodySnapshot",
    "CustodyState",
    "DepositConfirmed",
    "DestinationAdded",
    "EVENTS",
    "ExecuteWithdrawal",
    "FailWithdrawal",
    "HOLD_ID_PREFIX",
    "KERNEL_ONLY",
    "KERNEL_SUBMITTER",
    "MarkWithdrawalHeld",
    "OpenClientAccount",
    "Party",
    "PublishReserves",
    "Rebalance",
    "RequestWithdrawal",
    "ReservesPublished",
    "STATE_HASH_DOMAIN",
    "WALLET_KINDS",
    "WITHDRAWAL_TRANSITIONS",
    "WalletKind",
    "WalletsRebalanced",
    "WithdrawalCosigned",
    "WithdrawalExecuted",
    "WithdrawalFailed",
    "WithdrawalHeld",
    "WithdrawalRecord",
    "WithdrawalRequested",
    "WithdrawalStatus",
    "canonical",
    "check_invariants",
    "client_ledger_account",
    "clients",
    "cold_ratio_bps",
    "decide",
    "destinations",
    "evolve",
    "external_flow",
    "hkd_value_minor",
    "hold_id_for",
    "paying_wallet",
    "restore",
    "snapshot",
    "state_hash",
    "wallet_account",
    "wallet_balance",
    "withdrawal",
]
