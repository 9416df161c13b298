"""Why identity refuses a command: stable numbers in identity's range, 1000-1999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order (see
``machine``) and returns the first reason that applies, so the same command against the same
state is always refused for the same reason. ``SUITABILITY_REQUIRED`` is never returned by
``decide``: it is the reason ``machine.why_cannot_trade`` gives the broker.

======  ===================================  ======================================================
 code   name                                 meaning
======  ===================================  ======================================================
 1001   INVALID_ID                           a malformed broker, account, owner, API key, transfer
                                             or warrant id (``core.ids.check_id``)
 1002   INVALID_SALT                         a KYC salt that is not exactly 32 bytes
 1003   INVALID_KYC                          a KYC field empty, too long, with a control character
                                             or surrounding blanks, or malformed (document type,
                                             document number, nationality, date of birth)
 1004   INVALID_INVESTOR_CLASS               an investor class that is not an ``InvestorClass``
 1005   INVALID_ACTOR                        an actor kind that is not an ``ActorKind``
 1006   INVALID_AMOUNT                       a portfolio below zero or a transfer amount not above
                                             zero, a non-integer, or over ``amount_minor_max``
 1007   INVALID_TEXT                         a reason or reference too long (over
                                             ``identity_text_length_max``), with a control
                                             character or surrounding blanks
 1008   DUPLICATE_CLIENT                     the account id is taken, or the document already backs
                                             a human account at this broker
 1009   PERSON_BLOCKED                       onboarding or unblocking under a blocked document
 1010   PROFESSIONAL_EVIDENCE_INSUFFICIENT   a professional investor below the portfolio minimum
                                             (Cap. 571D) or without an evidence reference
 1011   INSTITUTIONAL_EVIDENCE_INSUFFICIENT  an institution below the total-assets minimum
                                             (Cap. 571D) or without an evidence reference
 1012   ALGORITHM_OWNER_REQUIRED             an algorithm onboarded without an owner
 1013   ALGORITHM_OWNER_INVALID              the owner is unknown, not active, at another broker,
                                             or itself an algorithm
 1014   HUMAN_CANNOT_HAVE_OWNER              a human client onboarded with an algorithm owner
 1015   UNKNOWN_ACCOUNT                      a well-formed account id that was never onboarded
 1016   NOT_AN_ALGORITHM                     an API key for an account whose actor is human
 1017   DUPLICATE_API_KEY                    the API key id was registered before, to any account
                                             (revoked ids stay reserved)
 1018   UNKNOWN_API_KEY                      revoking a key id that is not active on the account
 1019   TOO_MANY_API_KEYS                    ``identity_api_keys_per_account_max`` active keys
 1020   ACCOUNT_BLOCKED                      blocking a blocked account; a key or a transfer for a
                                             blocked account (or one whose owner is blocked)
 1021   ACCOUNT_NOT_BLOCKED                  unblocking an account that is active
 1022   PERSON_ALREADY_BLOCKED               blocking a document that is blocked
 1023   PERSON_NOT_BLOCKED                   unblocking a document that is not blocked
 1024   INVALID_DOCUMENT_HASH                a document hash that is not 32 bytes
 1025   TRAVEL_RULE_DATA_MISSING             at or above ``TRAVEL_RULE_THRESHOLD_HKD_MINOR``, the
                                             originator or beneficiary is absent or has an empty
                                             field
 1026   INVALID_PARTY                        a travel-rule party field too long, with a control
                                             character or surrounding blanks; or, below the
                                             threshold, a party given with an empty field
 1027   NOT_AUTHORISED                       ``Disclose`` not submitted by the kernel
 1028   REASON_REQUIRED                      an empty reason (block, disclosure)
 1029   REFERENCE_REQUIRED                   a suitability assessment without its reference
 1030   INVALID_ASSESSMENT                   a score outside 0..``identity_suitability_score_max``
                                             or ``passed`` not a bool
 1031   ALREADY_DISCLOSED                    the warrant id has already been used for a disclosure
 1032   SUITABILITY_REQUIRED                 (``why_cannot_trade`` only) a retail client who has not
                                             passed the suitability assessment
 1033   IDENTITY_FULL                        a capacity limit (``identity_*_max``) is reached
======  ===================================  ======================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["IdentityRejection"]


@unique
class IdentityRejection(IntEnum):
    """Identity's rejection codes; see the module docstring for each one's meaning."""

    INVALID_ID = 1001
    INVALID_SALT = 1002
    INVALID_KYC = 1003
    INVALID_INVESTOR_CLASS = 1004
    INVALID_ACTOR = 1005
    INVALID_AMOUNT = 1006
    INVALID_TEXT = 1007
    DUPLICATE_CLIENT = 1008
    PERSON_BLOCKED = 1009
    PROFESSIONAL_EVIDENCE_INSUFFICIENT = 1010
    INSTITUTIONAL_EVIDENCE_INSUFFICIENT = 1011
    ALGORITHM_OWNER_REQUIRED = 1012
    ALGORITHM_OWNER_INVALID = 1013
    HUMAN_CANNOT_HAVE_OWNER = 1014
    UNKNOWN_ACCOUNT = 1015
    NOT_AN_ALGORITHM = 1016
    DUPLICATE_API_KEY = 1017
    UNKNOWN_API_KEY = 1018
    TOO_MANY_API_KEYS = 1019
    ACCOUNT_BLOCKED = 1020
    ACCOUNT_NOT_BLOCKED = 1021
    PERSON_ALREADY_BLOCKED = 1022
    PERSON_NOT_BLOCKED = 1023
    INVALID_DOCUMENT_HASH = 1024
    TRAVEL_RULE_DATA_MISSING = 1025
    INVALID_PARTY = 1026
    NOT_AUTHORISED = 1027
    REASON_REQUIRED = 1028
    REFERENCE_REQUIRED = 1029
    INVALID_ASSESSMENT = 1030
    ALREADY_DISCLOSED = 1031
    SUITABILITY_REQUIRED = 1032
    IDENTITY_FULL = 1033
