"""The ledger's state: assets, accounts with per-asset balances, holds, and used transfer ids.

Balances are signed integers in minor units with **credit positive**: a posting of ``+100``
credits an account, ``-100`` debits it. Each account kind has a normal side (the sign its
balance usually has) and may be *constrained*: its available balance, measured on its normal
side, may never go below zero.

=========  ======  ===========  ================================================================
 kind      normal  constrained  what it is
=========  ======  ===========  ================================================================
 asset     debit   yes          what the firm holds for someone: a custody wallet, a bank nostro
 liability credit  no           what the firm owes, in aggregate
 client    credit  yes          one client's segregated money (owed to that client)
 house     credit  yes          the firm's own money
 equity    credit  no           capital, retained profit and loss
 external  debit   no           the world outside the ledger: issuance, burns, fees paid out
 suspense  credit  no           unidentified receipts awaiting allocation
=========  ======  ===========  ================================================================

``available = normal_sign * balance - held``, where ``held`` is the sum of the account's pending
holds in that asset. A hold reserves part of the available balance for a later post (a client's
USD held for an order, then posted as the payment leg of a settlement) or a void.

Holds follow an explicit transition table: ``pending -> posted`` or ``pending -> voided``; posted
and voided are final. Hold and transfer ids are never reused, so every hold and transfer id ever
seen is kept.

The canonical form (``LedgerSnapshot``) lists everything sorted by id and leaves out
``(account, asset)`` pairs whose balance and held are both zero, so that two states that will
decide every future command alike encode to the same bytes, however they were reached.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import Final

import msgspec

__all__ = [
    "CONSTRAINED_KINDS",
    "HOLD_TRANSITIONS",
    "NORMAL_SIGN",
    "STATE_HASH_DOMAIN",
    "Account",
    "AccountKind",
    "AccountRecord",
    "AssetRecord",
    "BalanceRecord",
    "Hold",
    "HoldRecord",
    "HoldStatus",
    "LedgerSnapshot",
    "LedgerState",
]


@unique
class AccountKind(StrEnum):
    """What an account is; fixes its normal side and whether it is constrained (see above)."""

    ASSET = "asset"
    LIABILITY = "liability"
    CLIENT = "client"
    HOUSE = "house"
    EQUITY = "equity"
    EXTERNAL = "external"
    SUSPENSE = "suspense"


#: ``+1`` for credit-normal kinds, ``-1`` for debit-normal ones.
NORMAL_SIGN: Final[dict[AccountKind, int]] = {
    AccountKind.ASSET: -1,
    AccountKind.LIABILITY: 1,
    AccountKind.CLIENT: 1,
    AccountKind.HOUSE: 1,
    AccountKind.EQUITY: 1,
    AccountKind.EXTERNAL: -1,
    AccountKind.SUSPENSE: 1,
}

#: Kinds whose available balance (on the normal side) may never go below zero.
CONSTRAINED_KINDS: Final = frozenset({AccountKind.ASSET, AccountKind.CLIENT, AccountKind.HOUSE})


@unique
class HoldStatus(StrEnum):
    """Where a hold is in its lifecycle."""

    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"


#: The hold lifecycle: which statuses each status may move to.
HOLD_TRANSITIONS: Final[dict[HoldStatus, frozenset[HoldStatus]]] = {
    HoldStatus.PENDING: frozenset({HoldStatus.POSTED, HoldStatus.VOIDED}),
    HoldStatus.POSTED: frozenset(),
    HoldStatus.VOIDED: frozenset(),
}


class Account:
    """One account. ``asset`` is the only asset it may hold, or ``""`` for any defined asset.

    ``balances`` maps asset -> credit-positive balance; ``held`` maps asset -> the sum of the
    pending holds' amounts. Either may keep a zero entry; the canonical form drops zero pairs.
    """

    __slots__ = ("asset", "balances", "constrained", "frozen", "held", "kind", "sign")

    def __init__(self, kind: AccountKind, asset: str) -> None:
        self.kind = kind
        self.asset = asset
        self.frozen = False
        self.sign = NORMAL_SIGN[kind]
        self.constrained = kind in CONSTRAINED_KINDS
        self.balances: dict[str, int] = {}
        self.held: dict[str, int] = {}


class Hold:
    """One hold: ``amount_minor`` of ``asset`` reserved on ``account_id``.

    ``transfer_id`` names the transfer that posted it (``""`` unless posted).
    """

    __slots__ = ("account_id", "amount_minor", "asset", "memo", "status", "transfer_id")

    def __init__(self, account_id: str, asset: str, amount_minor: int, memo: str) -> None:
        self.account_id = account_id
        self.asset = asset
        self.amount_minor = amount_minor
        self.memo = memo
        self.status = HoldStatus.PENDING
        self.transfer_id = ""


class LedgerState:
    """Everything the ledger knows. Mutated only by ``machine.evolve``."""

    __slots__ = ("accounts", "assets", "holds", "holds_pending", "transfer_ids")

    def __init__(self) -> None:
        #: asset code -> decimals
        self.assets: dict[str, int] = {}
        self.accounts: dict[str, Account] = {}
        self.holds: dict[str, Hold] = {}
        #: how many holds are pending, over all accounts (bounded by ``holds_pending_max``)
        self.holds_pending = 0
        #: every transfer id ever posted
        self.transfer_ids: set[str] = set()


# --- canonical form: the snapshot and the input of state_hash ------------------------------------

#: Domain label of the ledger's state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.ledger.state.v1"


class AssetRecord(msgspec.Struct, frozen=True):
    code: str
    decimals: int


class BalanceRecord(msgspec.Struct, frozen=True):
    """One ``(account, asset)`` pair: credit-positive ``balance_minor`` and ``held_minor``."""

    asset: str
    balance_minor: int
    held_minor: int


class AccountRecord(msgspec.Struct, frozen=True):
    account_id: str
    kind: AccountKind
    asset: str
    frozen: bool
    balances: tuple[BalanceRecord, ...]


class HoldRecord(msgspec.Struct, frozen=True):
    hold_id: str
    account_id: str
    asset: str
    amount_minor: int
    memo: str
    status: HoldStatus
    transfer_id: str


class LedgerSnapshot(msgspec.Struct, frozen=True, tag="ledger.snapshot", tag_field="k"):
    """The whole state, canonically: every list sorted by its id, zero pairs left out."""

    assets: tuple[AssetRecord, ...]
    accounts: tuple[AccountRecord, ...]
    holds: tuple[HoldRecord, ...]
    transfer_ids: tuple[str, ...]
