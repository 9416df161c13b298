"""The ledger institution: double-entry books per asset, as a custodian bank or TigerBeetle keeps.

Every movement of value is a ``Transfer`` of signed postings (credit positive) that sum to zero
per asset, so the balances of each asset always sum to zero and nothing is created or lost.
Accounts have kinds (client money, the house's own, custody wallets, ...) and the constrained
kinds can never be overdrawn. A hold reserves part of an account's available balance for a
later post (at most the held amount, the rest released) or a void; a post may consume several
holds in one atomic transfer, which is what a delivery-versus-payment settlement needs.

The package imports only ``seawall.core``. Its shape is every institution's: ``commands``,
``events``, ``rejections`` (6xxx), ``state``, ``machine`` (``decide``, ``evolve``,
``state_hash``, ``check_invariants``, ``snapshot``, ``restore``), and ``reference``, a naive twin
used as the oracle in property tests.
"""

from __future__ import annotations

from seawall.ledger.commands import (
    COMMANDS,
    CreateHold,
    DefineAsset,
    FreezeAccount,
    HoldId,
    LedgerCommand,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    UnfreezeAccount,
    VoidHold,
)
from seawall.ledger.events import (
    EVENTS,
    AccountFrozen,
    AccountOpened,
    AccountUnfrozen,
    AssetDefined,
    HoldCreated,
    HoldPosted,
    HoldVoided,
    LedgerEvent,
    TransferPosted,
)
from seawall.ledger.machine import (
    available,
    balance,
    canonical,
    check_invariants,
    decide,
    evolve,
    held,
    restore,
    snapshot,
    state_hash,
)
from seawall.ledger.rejections import LedgerRejection
from seawall.ledger.state import (
    STATE_HASH_DOMAIN,
    AccountKind,
    HoldStatus,
    LedgerSnapshot,
    LedgerState,
)

__all__ = [
    "COMMANDS",
    "EVENTS",
    "STATE_HASH_DOMAIN",
    "AccountFrozen",
    "AccountKind",
    "AccountOpened",
    "AccountUnfrozen",
    "AssetDefined",
    "CreateHold",
    "DefineAsset",
    "FreezeAccount",
    "HoldCreated",
    "HoldId",
    "HoldPosted",
    "HoldStatus",
    "HoldVoided",
    "LedgerCommand",
    "LedgerEvent",
    "LedgerRejection",
    "LedgerSnapshot",
    "LedgerState",
    "OpenAccount",
    "PostHold",
    "Posting",
    "Transfer",
    "TransferPosted",
    "UnfreezeAccount",
    "VoidHold",
    "available",
    "balance",
    "canonical",
    "check_invariants",
    "decide",
    "evolve",
    "held",
    "restore",
    "snapshot",
    "state_hash",
]
