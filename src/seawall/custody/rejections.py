"""Why custody refuses a command: stable numbers in custody's range, 5000-5999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order (see
``seawall.custody.machine``) and returns the first reason that applies, so the same command
against the same state is always refused for the same reason. A rejection leaves custody's state
exactly as it was.

======  ==========================  =============================================================
 code   name                        meaning
======  ==========================  =============================================================
 5001   INVALID_ID                  a malformed broker, account, deposit, withdrawal id or
                                    verification reference (``core.ids.check_id``), a broker id
                                    with ``:``, or a client whose ledger account name would be
                                    longer than ``account_id_length_max``
 5002   INVALID_AMOUNT              an amount that is not an integer in 1..``amount_minor_max``
 5003   ASSET_EXISTS                ``ConfigureAsset`` for an asset already configured
 5004   UNKNOWN_ASSET               an asset code that was never configured (malformed included)
 5005   INVALID_ASSET_CONFIG        ``ConfigureAsset`` with a malformed code, decimals out of
                                    range, a kind that is not an ``AssetKind``, a non-positive HKD
                                    rate, or confirmations out of range (a virtual asset needs 1+)
 5006   CLIENT_ACCOUNT_EXISTS       ``OpenClientAccount`` for a (broker, account) already open
 5007   UNKNOWN_CLIENT_ACCOUNT      a well-formed (broker, account) that was never opened
 5008   INSUFFICIENT_CONFIRMATIONS  a deposit with fewer confirmations than the asset requires
                                    (or a count that is not a non-negative integer)
 5009   DUPLICATE_DEPOSIT           the deposit id was confirmed before (never credited twice)
 5010   DESTINATION_NOT_VERIFIED    a withdrawal to a destination that is neither a deposit
                                    origin nor an added destination of that client and asset
 5011   DESTINATION_COOLING_OFF     a withdrawal to an added destination still in its cooling-off
                                    period (``effective_from_ns`` after the command's time)
 5012   DESTINATION_EXISTS          ``AddDestination`` for a destination the client already has
                                    for that asset (added, or a deposit origin)
 5013   VERIFICATION_REQUIRED       ``AddDestination`` without a verification reference
 5014   TRAVEL_RULE_DATA_MISSING    at or above ``TRAVEL_RULE_THRESHOLD_HKD_MINOR``, the
                                    originator or beneficiary is absent or has an empty field
 5015   DUPLICATE_WITHDRAWAL        the withdrawal id was used before
 5016   UNKNOWN_WITHDRAWAL          a well-formed withdrawal id that was never requested
 5017   WITHDRAWAL_WRONG_STATUS     the withdrawal lifecycle does not allow this step from its
                                    status (``WITHDRAWAL_TRANSITIONS``): held twice, co-signed
                                    before the hold, executed or failed after it ended
 5018   NOT_COSIGNED                ``ExecuteWithdrawal`` before clearing co-signed it
 5019   WALLET_INSUFFICIENT         the wallet a withdrawal pays from (hot, or cold when the hot
                                    wallet is short, for a virtual asset; bank for fiat) holds
                                    less than its amount in custody's book; nothing is applied
 5020   NOTHING_TO_REBALANCE        ``Rebalance`` when the hot wallet is within its band already
                                    (a harmless no-op, reported as such)
 5021   NOT_AUTHORISED              a kernel-only command (``MarkWithdrawalHeld``,
                                    ``CosignWithdrawal``, ``FailWithdrawal``) from anyone else
 5022   INVALID_DESTINATION         a malformed destination or deposit origin
 5023   INVALID_PARTY               a travel-rule party field too long, with a control character
                                    or surrounding blanks; or, below the threshold, a party given
                                    with an empty field
 5024   INVALID_COSIGNER            ``CosignWithdrawal`` by anyone but clearing
 5025   NOT_VIRTUAL_ASSET           ``Rebalance`` of a fiat asset (it has one bank wallet)
 5026   BALANCE_OVERFLOW            a wallet balance or a client's external flow would leave
                                    -``amount_minor_max``..``amount_minor_max``
 5027   INVALID_FAILURE             ``FailWithdrawal`` with a code that is not a positive integer
 5028   CUSTODY_FULL                ``assets_max``, ``custody_client_accounts_max``,
                                    ``custody_destinations_per_asset_max`` or
                                    ``custody_withdrawals_open_max`` reached
 5029   INVALID_RESERVES            ``PublishReserves`` with a malformed snapshot id or root, no
                                    or duplicate assets, an amount out of range, or a ratio that
                                    is not ``reserves * 10000 // liabilities``
 5030   RESERVES_ALREADY_PUBLISHED  that snapshot id was anchored before
======  ==========================  =============================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["CustodyRejection"]


@unique
class CustodyRejection(IntEnum):
    """Custody's rejection codes; see the module docstring for each one's meaning."""

    INVALID_ID = 5001
    INVALID_AMOUNT = 5002
    ASSET_EXISTS = 5003
    UNKNOWN_ASSET = 5004
    INVALID_ASSET_CONFIG = 5005
    CLIENT_ACCOUNT_EXISTS = 5006
    UNKNOWN_CLIENT_ACCOUNT = 5007
    INSUFFICIENT_CONFIRMATIONS = 5008
    DUPLICATE_DEPOSIT = 5009
    DESTINATION_NOT_VERIFIED = 5010
    DESTINATION_COOLING_OFF = 5011
    DESTINATION_EXISTS = 5012
    VERIFICATION_REQUIRED = 5013
    TRAVEL_RULE_DATA_MISSING = 5014
    DUPLICATE_WITHDRAWAL = 5015
    UNKNOWN_WITHDRAWAL = 5016
    WITHDRAWAL_WRONG_STATUS = 5017
    NOT_COSIGNED = 5018
    WALLET_INSUFFICIENT = 5019
    NOTHING_TO_REBALANCE = 5020
    NOT_AUTHORISED = 5021
    INVALID_DESTINATION = 5022
    INVALID_PARTY = 5023
    INVALID_COSIGNER = 5024
    NOT_VIRTUAL_ASSET = 5025
    BALANCE_OVERFLOW = 5026
    INVALID_FAILURE = 5027
    CUSTODY_FULL = 5028
    INVALID_RESERVES = 5029
    RESERVES_ALREADY_PUBLISHED = 5030
