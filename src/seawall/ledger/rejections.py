"""Why the ledger refuses a command: stable numbers in the ledger's range, 6000-6999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order and
returns the first reason that applies, so the same command against the same state is always
refused for the same reason.

======  =========================  ==============================================================
 code   name                       meaning
======  =========================  ==============================================================
 6001   ACCOUNT_EXISTS             ``OpenAccount`` for an account id already opened
 6002   UNKNOWN_ACCOUNT            a well-formed account id that was never opened
 6003   UNKNOWN_ASSET              an asset code that was never defined (a malformed code included)
 6004   POSTINGS_DO_NOT_BALANCE    the postings of a transfer do not sum to zero for some asset
 6005   INSUFFICIENT_AVAILABLE     a debit or hold would take a constrained account's available
                                   balance below zero
 6006   DUPLICATE_TRANSFER_ID      the transfer id was used before (a retried transfer is refused,
                                   never applied twice)
 6007   UNKNOWN_HOLD               a well-formed hold id that was never created
 6008   HOLD_NOT_PENDING           the hold was already posted or voided
 6009   INVALID_AMOUNT             an amount that is not an integer, is zero (or negative, for a
                                   hold), or exceeds ``amount_minor_max`` in magnitude
 6010   INVALID_ID                 a malformed account, transfer or hold id (``core.ids.check_id``)
 6011   TOO_MANY_POSTINGS          more than ``postings_per_transfer_max`` postings
 6012   ASSET_MISMATCH             a posting or hold in an asset the account is not opened for
 6013   ACCOUNT_FROZEN             a posting or hold on a frozen account, or freezing it twice
 6014   MEMO_TOO_LONG              a memo longer than ``memo_length_max`` characters
 6015   ASSET_EXISTS               ``DefineAsset`` for an asset code already defined
 6016   INVALID_ASSET              ``DefineAsset`` with a malformed code or decimals out of range
 6017   INVALID_ACCOUNT_KIND       ``OpenAccount`` with a kind that is not an ``AccountKind``
 6018   NO_POSTINGS                a transfer with no postings
 6019   DUPLICATE_HOLD_ID          the hold id was used before, or is named twice in one post
 6020   NO_HOLDS                   ``PostHold`` naming no hold
 6021   TOO_MANY_HOLDS             ``PostHold`` naming more than ``holds_per_post_max`` holds
 6022   HOLD_AMOUNT_EXCEEDED       ``PostHold`` postings take more from a held account and asset
                                   than the holds being posted reserved there
 6023   BALANCE_OVERFLOW           a balance or held total would exceed ``amount_minor_max``
 6024   ACCOUNT_NOT_FROZEN         ``UnfreezeAccount`` for an account that is not frozen
 6025   LEDGER_FULL                ``assets_max``, ``accounts_max`` or ``holds_pending_max`` reached
 6026   HOLDS_SHARE_ACCOUNT        ``PostHold`` with ``keep_remainder`` names two holds on one
                                   account and asset (what each gives up would be ambiguous)
======  =========================  ==============================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["LedgerRejection"]


@unique
class LedgerRejection(IntEnum):
    """The ledger's rejection codes; see the module docstring for each one's meaning."""

    ACCOUNT_EXISTS = 6001
    UNKNOWN_ACCOUNT = 6002
    UNKNOWN_ASSET = 6003
    POSTINGS_DO_NOT_BALANCE = 6004
    INSUFFICIENT_AVAILABLE = 6005
    DUPLICATE_TRANSFER_ID = 6006
    UNKNOWN_HOLD = 6007
    HOLD_NOT_PENDING = 6008
    INVALID_AMOUNT = 6009
    INVALID_ID = 6010
    TOO_MANY_POSTINGS = 6011
    ASSET_MISMATCH = 6012
    ACCOUNT_FROZEN = 6013
    MEMO_TOO_LONG = 6014
    ASSET_EXISTS = 6015
    INVALID_ASSET = 6016
    INVALID_ACCOUNT_KIND = 6017
    NO_POSTINGS = 6018
    DUPLICATE_HOLD_ID = 6019
    NO_HOLDS = 6020
    TOO_MANY_HOLDS = 6021
    HOLD_AMOUNT_EXCEEDED = 6022
    BALANCE_OVERFLOW = 6023
    ACCOUNT_NOT_FROZEN = 6024
    LEDGER_FULL = 6025
    HOLDS_SHARE_ACCOUNT = 6026
