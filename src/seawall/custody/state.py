"""Custody's state: its own operations book, kept beside the ledger's balances.

The money itself is on the ledger (ADR 4); custody keeps what a custodian bank's operations desk
keeps, and decides policy from it:

* **assets**: each configured asset's decimals, kind (virtual or fiat), its value in HKD cents
  per whole unit (for the travel rule) and the confirmations a deposit needs;
* **wallets**: per virtual asset a cold and a hot balance, per fiat asset one bank balance, in
  minor units. They never go below zero, and each asset's wallets together always equal the sum
  of the clients' external flows in it (every unit in a wallet came in by a deposit and has not
  left by a withdrawal);
* **client accounts**, one per ``(broker_id, account_id)`` (segregated: one per broker client,
  never a house account): per asset the external flow (deposits minus withdrawals, which may be
  negative once the client bought and withdrew more than they deposited), and the verified
  withdrawal destinations per asset, each with the time it takes effect;
* **deposit ids** ever confirmed (a deposit is never credited twice);
* **withdrawals** by id, each moving through ``WITHDRAWAL_TRANSITIONS``:
  ``requested -> held -> cosigned -> executed``, or ``-> failed`` from any of the first three.

The ledger accounts custody's events name are built by ``client_ledger_account`` and
``wallet_account`` here, so that custody and the kernel spell them alike.

The canonical form (``CustodySnapshot``) lists everything sorted by key and leaves out zero
external flows, so that two states that will decide every future command alike encode to the
same bytes, however they were reached.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import Final

import msgspec

__all__ = [
    "CLEARING_COSIGNER",
    "CUSTODY_COSIGNER",
    "HOLD_ID_PREFIX",
    "KERNEL_SUBMITTER",
    "STATE_HASH_DOMAIN",
    "WALLET_KINDS",
    "WITHDRAWAL_FINAL",
    "WITHDRAWAL_TRANSITIONS",
    "AssetConfig",
    "AssetKind",
    "AssetRecord",
    "ClientAccount",
    "ClientRecord",
    "CustodySnapshot",
    "CustodyState",
    "DestinationRecord",
    "FlowRecord",
    "Party",
    "WalletKind",
    "WalletRecord",
    "Withdrawal",
    "WithdrawalRecord",
    "WithdrawalStatus",
    "client_ledger_account",
    "hold_id_for",
    "wallet_account",
]

#: The submitter of every command the kernel derives from another institution's event (the
#: kernel's own constant has the same value; custody may not import the kernel).
KERNEL_SUBMITTER: Final = "kernel"
#: Who co-signs a withdrawal before custody does: the clearing house.
CLEARING_COSIGNER: Final = "clearing"
#: Custody's own co-signature, recorded when it executes a withdrawal.
CUSTODY_COSIGNER: Final = "custody"
#: A withdrawal ``w`` reserves the client's funds with the ledger hold ``wd:<w>`` (ADR 4).
HOLD_ID_PREFIX: Final = "wd:"


@unique
class AssetKind(StrEnum):
    """A virtual asset lives in cold and hot wallets; a fiat currency in a bank account."""

    VIRTUAL = "virtual"
    FIAT = "fiat"


@unique
class WalletKind(StrEnum):
    """Where custody keeps an asset: ``cold`` and ``hot`` wallets, or the ``bank``."""

    COLD = "cold"
    HOT = "hot"
    BANK = "bank"


#: The wallets each kind of asset has, in canonical order.
WALLET_KINDS: Final[dict[AssetKind, tuple[WalletKind, ...]]] = {
    AssetKind.VIRTUAL: (WalletKind.COLD, WalletKind.HOT),
    AssetKind.FIAT: (WalletKind.BANK,),
}


@unique
class WithdrawalStatus(StrEnum):
    """Where a withdrawal is in its lifecycle."""

    REQUESTED = "requested"
    HELD = "held"
    COSIGNED = "cosigned"
    EXECUTED = "executed"
    FAILED = "failed"


#: The withdrawal lifecycle: which statuses each status may move to.
WITHDRAWAL_TRANSITIONS: Final[dict[WithdrawalStatus, frozenset[WithdrawalStatus]]] = {
    WithdrawalStatus.REQUESTED: frozenset({WithdrawalStatus.HELD, WithdrawalStatus.FAILED}),
    WithdrawalStatus.HELD: frozenset({WithdrawalStatus.COSIGNED, WithdrawalStatus.FAILED}),
    WithdrawalStatus.COSIGNED: frozenset({WithdrawalStatus.EXECUTED, WithdrawalStatus.FAILED}),
    WithdrawalStatus.EXECUTED: frozenset(),
    WithdrawalStatus.FAILED: frozenset(),
}

#: Statuses a withdrawal never leaves.
WITHDRAWAL_FINAL: Final = frozenset(
    status for status, moves in WITHDRAWAL_TRANSITIONS.items() if not moves
)


def client_ledger_account(broker_id: str, account_id: str) -> str:
    """The ledger account of one broker client's segregated money: ``client:<broker>:<account>``.

    Broker ids never contain ``:``, so the name is unambiguous.
    """
    return f"client:{broker_id}:{account_id}"


def wallet_account(asset: str, kind: WalletKind) -> str:
    """The ledger account of one custody wallet: ``custody:<cold|hot|bank>:<ASSET>``."""
    return f"custody:{WalletKind(kind).value}:{asset}"


def hold_id_for(withdrawal_id: str) -> str:
    """The ledger hold that reserves a withdrawal's funds: ``wd:<withdrawal_id>``."""
    return HOLD_ID_PREFIX + withdrawal_id


class Party(msgspec.Struct, frozen=True):
    """A travel-rule party (originator or beneficiary): who, their account, their institution."""

    name: str
    account_ref: str
    institution: str


class AssetConfig:
    """One configured asset and custody's wallet book for it (minor units, never negative)."""

    __slots__ = ("confirmations_required", "decimals", "hkd_per_unit_minor", "kind", "wallets")

    def __init__(
        self, decimals: int, kind: AssetKind, hkd_per_unit_minor: int, confirmations_required: int
    ) -> None:
        self.decimals = decimals
        self.kind = kind
        self.hkd_per_unit_minor = hkd_per_unit_minor
        self.confirmations_required = confirmations_required
        self.wallets: dict[WalletKind, int] = dict.fromkeys(WALLET_KINDS[kind], 0)


class ClientAccount:
    """One broker client's custody record.

    ``flows`` maps asset -> deposits minus withdrawals (may keep a zero entry; the canonical form
    drops it); ``destinations`` maps asset -> destination -> the ``timestamp_ns`` from which a
    withdrawal may go there.
    """

    __slots__ = ("destinations", "flows")

    def __init__(self) -> None:
        self.flows: dict[str, int] = {}
        self.destinations: dict[str, dict[str, int]] = {}


class Withdrawal:
    """One withdrawal. ``cosigners`` in signing order; the failure fields are set only if failed."""

    __slots__ = (
        "account_id",
        "amount_minor",
        "asset",
        "beneficiary",
        "broker_id",
        "cosigners",
        "destination",
        "failure_code",
        "failure_reason",
        "originator",
        "status",
    )

    def __init__(
        self,
        broker_id: str,
        account_id: str,
        asset: str,
        amount_minor: int,
        destination: str,
        originator: Party | None,
        beneficiary: Party | None,
    ) -> None:
        self.broker_id = broker_id
        self.account_id = account_id
        self.asset = asset
        self.amount_minor = amount_minor
        self.destination = destination
        self.originator = originator
        self.beneficiary = beneficiary
        self.status = WithdrawalStatus.REQUESTED
        self.cosigners: tuple[str, ...] = ()
        self.failure_code = 0
        self.failure_reason = ""


class CustodyState:
    """Everything custody knows. Mutated only by ``machine.evolve``."""

    __slots__ = (
        "assets",
        "clients",
        "deposit_ids",
        "reserves_published",
        "withdrawals",
        "withdrawals_open",
    )

    def __init__(self) -> None:
        self.assets: dict[str, AssetConfig] = {}
        #: (broker_id, account_id) -> the client's record
        self.clients: dict[tuple[str, str], ClientAccount] = {}
        #: every deposit id ever confirmed
        self.deposit_ids: set[str] = set()
        self.withdrawals: dict[str, Withdrawal] = {}
        #: withdrawals not yet executed or failed (bounded by ``custody_withdrawals_open_max``)
        self.withdrawals_open = 0
        #: proof-of-reserves snapshot id -> its liabilities root, for every snapshot anchored
        self.reserves_published: dict[str, bytes] = {}


# --- canonical form: the snapshot and the input of state_hash ------------------------------------

#: Domain label of custody's state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.custody.state.v1"


class WalletRecord(msgspec.Struct, frozen=True):
    kind: WalletKind
    balance_minor: int


class AssetRecord(msgspec.Struct, frozen=True):
    code: str
    decimals: int
    kind: AssetKind
    hkd_per_unit_minor: int
    confirmations_required: int
    wallets: tuple[WalletRecord, ...]


class FlowRecord(msgspec.Struct, frozen=True):
    """A client's non-zero external flow (deposits minus withdrawals) in one asset."""

    asset: str
    flow_minor: int


class DestinationRecord(msgspec.Struct, frozen=True):
    asset: str
    destination: str
    effective_from_ns: int


class ClientRecord(msgspec.Struct, frozen=True):
    broker_id: str
    account_id: str
    flows: tuple[FlowRecord, ...]
    destinations: tuple[DestinationRecord, ...]


class WithdrawalRecord(msgspec.Struct, frozen=True):
    """One withdrawal as recorded (also what ``machine.withdrawal`` returns: a frozen copy)."""

    withdrawal_id: str
    broker_id: str
    account_id: str
    asset: str
    amount_minor: int
    destination: str
    originator: Party | None
    beneficiary: Party | None
    status: WithdrawalStatus
    cosigners: tuple[str, ...]
    failure_code: int
    failure_reason: str


class CustodySnapshot(msgspec.Struct, frozen=True, tag="custody.snapshot", tag_field="k"):
    """The whole state, canonically: every list sorted by its key, zero flows left out."""

    assets: tuple[AssetRecord, ...]
    clients: tuple[ClientRecord, ...]
    deposit_ids: tuple[str, ...]
    withdrawals: tuple[WithdrawalRecord, ...]
    reserves_published: tuple[tuple[str, bytes], ...] = ()
