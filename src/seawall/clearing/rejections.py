"""Why clearing refuses a command: stable numbers in clearing's range, 4000-4999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order (see
``machine``) and returns the first reason that applies, so the same command against the same
state is always refused for the same reason.

======  =========================  ==============================================================
 code   name                       meaning
======  =========================  ==============================================================
 4001   NOT_AUTHORISED             a kernel-only command (``RegisterMarket``, ``RecordTrade``,
                                   ``ConfirmSettlement``, ``FailSettlement``,
                                   ``CosignWithdrawal``) submitted by anyone but ``kernel``
 4002   INVALID_ID                 a malformed symbol, broker, account, order, hold, instruction
                                   or withdrawal id (``core.ids.check_id``), a broker id with a
                                   ``:``, the reserved account id ``house``, or an id whose
                                   ledger account would be too long
 4003   UNKNOWN_MARKET             a well-formed symbol clearing has not registered
 4004   MARKET_EXISTS              ``RegisterMarket`` for a symbol already registered
 4005   INVALID_MARKET             ``RegisterMarket`` with malformed or equal assets, decimals out
                                   of range, a tick or lot that is not a positive decimal, or a
                                   lot that is not a whole number of base minor units
 4006   UNKNOWN_PARTY              a trade party with an empty broker id: an account no broker
                                   knows traded (the kernel reports it to the regulator)
 4007   DUPLICATE_TRADE            the trade (symbol, trade id) was already recorded
 4008   INVALID_TRADE              a trade id, price or quantity that is not a positive integer
                                   within the venue's limits, an unknown maker side, one hold
                                   named for both sides, or a notional under one quote minor unit
 4009   INVALID_FEE                a fee rate that is not an integer in 0..``clearing_fee_bps_max``
 4010   UNKNOWN_INSTRUCTION        a well-formed instruction id that was never issued
 4011   INSTRUCTION_NOT_OPEN       the instruction was already confirmed or failed
 4012   CYCLE_MISMATCH             ``CloseCycle`` names a cycle other than the current one
 4013   OBLIGATIONS_PENDING        ``Configure`` while obligations are not yet settled or failed
 4014   UNSETTLED_OBLIGATIONS      ``CosignWithdrawal`` while the account has an unsettled
                                   obligation that delivers or pays the asset
 4015   INVALID_MODE               ``Configure`` with a mode that is not a ``SettlementMode``
 4016   INVALID_ASSET              ``CosignWithdrawal`` with a malformed asset code
 4017   INVALID_AMOUNT             ``CosignWithdrawal`` with an amount that is not a positive
                                   integer within ``amount_minor_max``
 4018   DUPLICATE_WITHDRAWAL       the withdrawal id was already co-signed
 4019   INVALID_FAILURE            ``FailSettlement`` with a code that is not a positive integer
                                   or a malformed rejection name
 4020   CLEARING_FULL              ``clearing_markets_max`` markets or
                                   ``clearing_open_obligations_max`` open obligations reached
 4021   AMOUNT_OVERFLOW            a trade whose quote amount plus fees exceeds
                                   ``amount_minor_max``
======  =========================  ==============================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["ClearingRejection"]


@unique
class ClearingRejection(IntEnum):
    """Clearing's rejection codes; see the module docstring for each one's meaning."""

    NOT_AUTHORISED = 4001
    INVALID_ID = 4002
    UNKNOWN_MARKET = 4003
    MARKET_EXISTS = 4004
    INVALID_MARKET = 4005
    UNKNOWN_PARTY = 4006
    DUPLICATE_TRADE = 4007
    INVALID_TRADE = 4008
    INVALID_FEE = 4009
    UNKNOWN_INSTRUCTION = 4010
    INSTRUCTION_NOT_OPEN = 4011
    CYCLE_MISMATCH = 4012
    OBLIGATIONS_PENDING = 4013
    UNSETTLED_OBLIGATIONS = 4014
    INVALID_MODE = 4015
    INVALID_ASSET = 4016
    INVALID_AMOUNT = 4017
    DUPLICATE_WITHDRAWAL = 4018
    INVALID_FAILURE = 4019
    CLEARING_FULL = 4020
    AMOUNT_OVERFLOW = 4021
