"""What the ledger decided: immutable events, tagged ``"ledger.<name>"``.

``machine.decide`` returns a list of these; ``machine.evolve`` applies them one at a time and
never refuses one. Every change of a balance is a ``TransferPosted``, so a projection that sums
``TransferPosted`` postings has every balance; ``HoldPosted`` only moves a hold to posted and
releases its reservation, and is always followed, in the same outcome, by the
``TransferPosted`` it names.
"""

from __future__ import annotations

import msgspec

from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.ledger.commands import HoldId, Posting
from seawall.ledger.state import AccountKind

__all__ = [
    "EVENTS",
    "AccountFrozen",
    "AccountOpened",
    "AccountUnfrozen",
    "AssetDefined",
    "HoldCreated",
    "HoldPosted",
    "HoldReduced",
    "HoldVoided",
    "LedgerEvent",
    "TransferPosted",
]


class AssetDefined(msgspec.Struct, frozen=True, tag="ledger.asset_defined", tag_field="k"):
    code: AssetCode
    decimals: int


class AccountOpened(msgspec.Struct, frozen=True, tag="ledger.account_opened", tag_field="k"):
    account_id: AccountId
    kind: AccountKind
    asset: AssetCode


class AccountFrozen(msgspec.Struct, frozen=True, tag="ledger.account_frozen", tag_field="k"):
    account_id: AccountId


class AccountUnfrozen(msgspec.Struct, frozen=True, tag="ledger.account_unfrozen", tag_field="k"):
    account_id: AccountId


class TransferPosted(msgspec.Struct, frozen=True, tag="ledger.transfer_posted", tag_field="k"):
    """The postings were applied; they balance per asset."""

    transfer_id: TransferId
    postings: tuple[Posting, ...]
    memo: str


class HoldCreated(msgspec.Struct, frozen=True, tag="ledger.hold_created", tag_field="k"):
    hold_id: HoldId
    account_id: AccountId
    asset: AssetCode
    amount_minor: int
    memo: str


class HoldPosted(msgspec.Struct, frozen=True, tag="ledger.hold_posted", tag_field="k"):
    """The hold is posted by ``transfer_id`` (the ``TransferPosted`` that follows)."""

    hold_id: HoldId
    transfer_id: TransferId


class HoldReduced(msgspec.Struct, frozen=True, tag="ledger.hold_reduced", tag_field="k"):
    """``transfer_id`` took part of the hold; ``amount_minor`` stays held (more than zero)."""

    hold_id: HoldId
    transfer_id: TransferId
    amount_minor: int


class HoldVoided(msgspec.Struct, frozen=True, tag="ledger.hold_voided", tag_field="k"):
    hold_id: HoldId


#: Every ledger event, decodable by its ``"k"`` tag.
LedgerEvent = (
    AssetDefined
    | AccountOpened
    | AccountFrozen
    | AccountUnfrozen
    | TransferPosted
    | HoldCreated
    | HoldPosted
    | HoldReduced
    | HoldVoided
)

EVENTS: tuple[type[LedgerEvent], ...] = (
    AssetDefined,
    AccountOpened,
    AccountFrozen,
    AccountUnfrozen,
    TransferPosted,
    HoldCreated,
    HoldPosted,
    HoldReduced,
    HoldVoided,
)
