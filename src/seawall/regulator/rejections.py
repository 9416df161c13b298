"""Why the regulator refuses a command: stable numbers in the regulator's range, 7000-7999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order (see
``seawall.regulator.machine``) and returns the first reason that applies.

7001-7003 are also the answers of the kernel's licence stage (stage 20 in ADR 0004), which asks
``machine.authorise`` before any other institution decides a command submitted from outside.

======  =========================  ==============================================================
 code   name                       meaning
======  =========================  ==============================================================
 7001   NOT_LICENSED               the institution holds no licence for the role it acts in (no
                                   licence, a licence for another role, or a revoked one)
 7002   LICENCE_SUSPENDED          the institution's licence for that role is suspended
 7003   WRONG_SUBMITTER            a regulator command not submitted by ``regulator`` (or, for
                                   ``RecordBreak`` and ``RecordAlert``, not by ``kernel``)
 7004   INVALID_ID                 a malformed institution, warrant, account or broker id, alert
                                   source or alert code (``core.ids.check_id``)
 7005   INVALID_SYMBOL             a malformed market symbol (upper-case ``A-Z 0-9 . _ -``, at most
                                   ``venue_symbol_length_max``)
 7006   INVALID_ROLE               a role that is not a ``Role``
 7007   INVALID_TEXT               a reason, officer or detail that is not a string, contains a
                                   control character (a newline included) or has leading or
                                   trailing blanks
 7008   REASON_REQUIRED            a reason that is empty or only white space
 7009   REASON_TOO_SHORT           a warrant's justification shorter than
                                   ``regulator_warrant_reason_length_min``
 7010   TEXT_TOO_LONG              a reason, officer or detail over its ``*_length_max``
 7011   LICENCE_EXISTS             ``GrantLicence`` for an institution already licensed
 7012   UNKNOWN_LICENCE            a well-formed institution id that was never licensed
 7013   LICENCE_NOT_ACTIVE         ``SuspendLicence`` for a licence that is already suspended
 7014   LICENCE_NOT_SUSPENDED      ``ReinstateLicence`` for a licence that is active
 7015   LICENCE_REVOKED            any change to a revoked licence, or a new grant to its holder:
                                   revocation is final
 7016   MARKET_ALREADY_HALTED      ``HaltMarket`` for a market already halted
 7017   MARKET_NOT_HALTED          ``ResumeMarket`` for a market not halted
 7018   ALREADY_ADMITTED           ``AdmitForRetail`` for a market already admitted for retail
 7019   NOT_ADMITTED               ``WithdrawRetailAdmission`` for a market not admitted
 7020   DUPLICATE_WARRANT          a warrant id issued before (warrant ids are never reused)
 7021   OFFICER_REQUIRED           a warrant naming no officer (empty or only white space)
 7022   INVALID_CYCLE              a cycle number that is not an integer in
                                   ``1..regulator_cycle_max``
 7023   CYCLE_NOT_INCREASING       ``RunReconciliation`` with a cycle not above the last one run
 7024   UNKNOWN_CYCLE              ``RecordBreak`` for a cycle other than the last one started
 7025   INVALID_BREAK_KIND         a break kind that is not a ``BreakKind``
 7026   INVALID_ASSET              a break's asset that is not an upper-case ticker
 7027   INVALID_AMOUNT             a break figure that is not an integer within
                                   ``amount_minor_max`` in magnitude
 7028   NOT_A_BREAK                a break whose figures agree (nothing to record)
 7029   DUPLICATE_BREAK            a second break for the same kind, broker, account and asset in
                                   one cycle
 7030   REGISTER_FULL              a register is at capacity (``regulator_licences_max``,
                                   ``regulator_licence_changes_max``, ``regulator_markets_max``,
                                   ``regulator_warrants_max``, ``regulator_breaks_max``,
                                   ``regulator_alerts_max``)
======  =========================  ==============================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["RegulatorRejection"]


@unique
class RegulatorRejection(IntEnum):
    """The regulator's rejection codes; see the module docstring for each one's meaning."""

    NOT_LICENSED = 7001
    LICENCE_SUSPENDED = 7002
    WRONG_SUBMITTER = 7003
    INVALID_ID = 7004
    INVALID_SYMBOL = 7005
    INVALID_ROLE = 7006
    INVALID_TEXT = 7007
    REASON_REQUIRED = 7008
    REASON_TOO_SHORT = 7009
    TEXT_TOO_LONG = 7010
    LICENCE_EXISTS = 7011
    UNKNOWN_LICENCE = 7012
    LICENCE_NOT_ACTIVE = 7013
    LICENCE_NOT_SUSPENDED = 7014
    LICENCE_REVOKED = 7015
    MARKET_ALREADY_HALTED = 7016
    MARKET_NOT_HALTED = 7017
    ALREADY_ADMITTED = 7018
    NOT_ADMITTED = 7019
    DUPLICATE_WARRANT = 7020
    OFFICER_REQUIRED = 7021
    INVALID_CYCLE = 7022
    CYCLE_NOT_INCREASING = 7023
    UNKNOWN_CYCLE = 7024
    INVALID_BREAK_KIND = 7025
    INVALID_ASSET = 7026
    INVALID_AMOUNT = 7027
    NOT_A_BREAK = 7028
    DUPLICATE_BREAK = 7029
    REGISTER_FULL = 7030
