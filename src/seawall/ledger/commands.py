"""What may be asked of the ledger: immutable commands, tagged ``"ledger.<name>"``.

The ledger keeps double-entry books per asset. A ``Transfer`` is a list of ``Posting``s, signed
with **credit positive**, that must sum to zero for every asset; a ``Hold`` reserves part of one
account's available balance so that a later ``PostHold`` can spend it (posting at most the held
amount; the rest is released) or a ``VoidHold`` can release it.

``PostHold`` names one or more holds and executes one transfer atomically: a delivery-versus-
payment settlement posts the buyer's cash hold and the seller's asset hold together, four
postings, or nothing.

All amounts are ``int`` minor units; no command has a float. Commands are checked by
``machine.decide``, not on construction, so that a malformed command is journaled with its
rejection rather than lost.
"""

from __future__ import annotations

from typing import NewType

import msgspec

from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.ledger.state import AccountKind

__all__ = [
    "COMMANDS",
    "CreateHold",
    "DefineAsset",
    "FreezeAccount",
    "HoldId",
    "LedgerCommand",
    "OpenAccount",
    "PostHold",
    "Posting",
    "Transfer",
    "UnfreezeAccount",
    "VoidHold",
]

#: The id of a hold, chosen by the submitter (like a transfer id); never reused.
HoldId = NewType("HoldId", str)


class Posting(msgspec.Struct, frozen=True):
    """One leg of a transfer: credit (``amount_minor > 0``) or debit (``< 0``) one account."""

    account_id: AccountId
    asset: AssetCode
    amount_minor: int


class DefineAsset(msgspec.Struct, frozen=True, tag="ledger.define_asset", tag_field="k"):
    """Make ``code`` usable, with ``decimals`` digits after the point (BTC 8, USD 2)."""

    code: AssetCode
    decimals: int


class OpenAccount(msgspec.Struct, frozen=True, tag="ledger.open_account", tag_field="k"):
    """Open an account. ``asset`` restricts it to one asset; ``""`` lets it hold any."""

    account_id: AccountId
    kind: AccountKind
    asset: AssetCode = AssetCode("")


class FreezeAccount(msgspec.Struct, frozen=True, tag="ledger.freeze_account", tag_field="k"):
    """Stop all postings and new holds on an account (pending holds may still be voided)."""

    account_id: AccountId


class UnfreezeAccount(msgspec.Struct, frozen=True, tag="ledger.unfreeze_account", tag_field="k"):
    """Lift a freeze."""

    account_id: AccountId


class Transfer(msgspec.Struct, frozen=True, tag="ledger.transfer", tag_field="k"):
    """Apply ``postings`` atomically; they must balance per asset."""

    transfer_id: TransferId
    postings: tuple[Posting, ...]
    memo: str = ""


class CreateHold(msgspec.Struct, frozen=True, tag="ledger.create_hold", tag_field="k"):
    """Reserve ``amount_minor > 0`` of ``asset`` from ``account_id``'s available balance."""

    hold_id: HoldId
    account_id: AccountId
    asset: AssetCode
    amount_minor: int
    memo: str = ""


class PostHold(msgspec.Struct, frozen=True, tag="ledger.post_hold", tag_field="k"):
    """Release the pending holds ``hold_ids`` and apply the transfer ``transfer_id`` in one step.

    For each ``(account, asset)`` the holds reserved, the postings may take from it (on its
    normal side) at most the sum of those holds; whatever is not taken is released.

    With ``keep_remainder`` (a partial fill settled against an order's hold), each hold must be
    the only one on its ``(account, asset)``; what the postings do not take stays held, and a
    hold left at zero is posted.
    """

    hold_ids: tuple[HoldId, ...]
    transfer_id: TransferId
    postings: tuple[Posting, ...]
    memo: str = ""
    keep_remainder: bool = False


class VoidHold(msgspec.Struct, frozen=True, tag="ledger.void_hold", tag_field="k"):
    """Release a pending hold without posting anything."""

    hold_id: HoldId


#: Every ledger command, decodable by its ``"k"`` tag.
LedgerCommand = (
    DefineAsset
    | OpenAccount
    | FreezeAccount
    | UnfreezeAccount
    | Transfer
    | CreateHold
    | PostHold
    | VoidHold
)

COMMANDS: tuple[type[LedgerCommand], ...] = (
    DefineAsset,
    OpenAccount,
    FreezeAccount,
    UnfreezeAccount,
    Transfer,
    CreateHold,
    PostHold,
    VoidHold,
)
