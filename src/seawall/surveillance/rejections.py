"""Why surveillance refuses a command: stable numbers in surveillance's range, 8000-8999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order (see
``seawall.surveillance.machine``) and returns the first reason that applies. A refused case
access is journaled like any other outcome, so an attempt to read a case without the right to
is on the record too.

======  =========================  ==============================================================
 code   name                       meaning
======  =========================  ==============================================================
 8001   WRONG_SUBMITTER            a command from a submitter that may not send it (alerts and
                                   shares: ``surveillance``; the case desk's commands:
                                   ``surveillance`` or ``regulator``; warrants: ``regulator``; a
                                   case access: ``surveillance``, or ``regulator`` for its own)
 8002   INVALID_ID                 a malformed alert, case or warrant id
 8003   INVALID_ALERT_TYPE         an alert type that is not an ``AlertType``
 8004   INVALID_DETECTOR           a detector name that is not dotted lower-case words
 8005   INVALID_DETECTOR_VERSION   a detector version that is not an integer in 1..2**31-1
 8006   INVALID_PARAMETERS         parameters that are not a small map of lower-case keys to
                                   integers or one-line strings
 8007   INVALID_SEQ_RANGE          an input range that is not ``1 <= seq_from <= seq_to`` below
                                   the alert's own seq
 8008   INVALID_TIMESTAMP          an observed time that is not positive or lies after the
                                   alert's own journal time
 8009   INVALID_SYMBOL             a market symbol that is neither ``""`` nor a venue symbol
 8010   INVALID_SUBJECTS           subjects that are not 1..``surveillance_subjects_max``
                                   pseudonyms (``p`` + 24 hex digits), sorted and distinct
 8011   INVALID_EVIDENCE           evidence that is not a small map of lower-case keys to
                                   integers, one-line strings or short lists of integers
 8012   DUPLICATE_ALERT            an alert id raised before (alert ids are never reused, so a
                                   duplicated submission is refused, not counted twice)
 8013   UNKNOWN_ALERT              a case names an alert that was never raised
 8014   DUPLICATE_CASE             a case id opened before
 8015   UNKNOWN_CASE               a case id that was never opened
 8016   CASE_CLOSED                a change to a closed case (closing is final)
 8017   ALERT_ALREADY_IN_CASE      an alert attached to the same case twice
 8018   INVALID_AGENCY             an agency that is not an ``Agency`` (or, for a share, not an
                                   outside agency)
 8019   SHARING_NOT_PERMITTED      the sharing policy does not allow this case to go to this
                                   agency (see ``state.SHARING_POLICY``)
 8020   ALREADY_SHARED             the case is already shared with this agency
 8021   NOT_SHARED                 revoking a share the case does not have
 8022   ACCESS_DENIED              the agency may not read this case (no active share)
 8023   INVALID_TEXT               a reason, investigator, analyst, author, note, accessor or
                                   purpose that is not one line of text without leading or
                                   trailing blanks
 8024   REASON_REQUIRED            a reason, investigator, analyst, author, note, accessor or
                                   purpose that is empty
 8025   TEXT_TOO_LONG              a text over its ``*_length_max``
 8026   INVALID_OUTCOME            a case outcome that is not a ``CaseOutcome``
 8027   UNKNOWN_SUBJECT            a warrant for a pseudonym that is not a subject of the case
 8028   DUPLICATE_WARRANT          a warrant attached to the case before
 8029   REGISTER_FULL              a register is at capacity (alerts, cases, a case's alerts,
                                   shares, warrants, accesses, assignments or notes)
 8030   ALREADY_ASSIGNED           assigning a case to the analyst who already leads it
 8031   ALREADY_ESCALATED          escalating a case that was escalated before
======  =========================  ==============================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["SurveillanceRejection"]


@unique
class SurveillanceRejection(IntEnum):
    """Surveillance's rejection codes; see the module docstring for each one's meaning."""

    WRONG_SUBMITTER = 8001
    INVALID_ID = 8002
    INVALID_ALERT_TYPE = 8003
    INVALID_DETECTOR = 8004
    INVALID_DETECTOR_VERSION = 8005
    INVALID_PARAMETERS = 8006
    INVALID_SEQ_RANGE = 8007
    INVALID_TIMESTAMP = 8008
    INVALID_SYMBOL = 8009
    INVALID_SUBJECTS = 8010
    INVALID_EVIDENCE = 8011
    DUPLICATE_ALERT = 8012
    UNKNOWN_ALERT = 8013
    DUPLICATE_CASE = 8014
    UNKNOWN_CASE = 8015
    CASE_CLOSED = 8016
    ALERT_ALREADY_IN_CASE = 8017
    INVALID_AGENCY = 8018
    SHARING_NOT_PERMITTED = 8019
    ALREADY_SHARED = 8020
    NOT_SHARED = 8021
    ACCESS_DENIED = 8022
    INVALID_TEXT = 8023
    REASON_REQUIRED = 8024
    TEXT_TOO_LONG = 8025
    INVALID_OUTCOME = 8026
    UNKNOWN_SUBJECT = 8027
    DUPLICATE_WARRANT = 8028
    REGISTER_FULL = 8029
    ALREADY_ASSIGNED = 8030
    ALREADY_ESCALATED = 8031
