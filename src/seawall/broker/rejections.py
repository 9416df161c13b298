"""Why a broker refuses a command: stable numbers in the broker's range, 2000-2999.

A rejection is a value, journaled with the command; its number and name never change meaning
(a new reason gets a new number). ``decide`` checks a command in a fixed, documented order (see
``seawall.broker.machine``) and returns the first reason that applies, so the same command
against the same state is always refused for the same reason. A rejection leaves the state
exactly as it was.

Codes are grouped by what they judge:

* 2001-2009: who may ask, and the brokers themselves;
* 2010-2019: clients;
* 2020-2029: markets;
* 2030-2039: new orders (the pre-trade checks);
* 2040-2059: orders already in the book, and what the kernel reports about them.

======  ==========================  =============================================================
 code   name                        meaning
======  ==========================  =============================================================
 2001   NOT_AUTHORISED              a kernel-only command submitted by anyone but ``"kernel"``
 2002   UNKNOWN_BROKER              no broker with this id is registered
 2003   BROKER_EXISTS               ``RegisterBroker`` for an id already registered
 2004   INVALID_ID                  a malformed broker id, account id, client order id or venue
                                    order id
 2005   INVALID_FEE                 a fee rate outside 0..``broker_fee_bps_max``; a fill whose
                                    fee is not in the quote asset or exceeds the order's schedule
 2006   INVALID_AMOUNT              an amount or limit that is not an integer in range (zero or
                                    negative where a positive one is needed)
 2007   BROKER_FULL                 ``brokers_max``, ``broker_clients_max``,
                                    ``broker_orders_max`` or ``venue_markets_max`` reached
 2010   UNKNOWN_CLIENT              the account is not a client of *this* broker (a client of
                                    another broker included: the wall)
 2011   CLIENT_EXISTS               ``RegisterClient`` for a client this broker already has
 2012   INVALID_INVESTOR_CLASS      an investor class that is not an ``InvestorClass``
 2013   INVALID_ACTOR               an actor that is not an ``Actor``
 2014   INVALID_STANDING            a suitability or blocked flag that is not a bool
 2015   CLIENT_BLOCKED              a new order from a blocked client
 2016   SUITABILITY_REQUIRED        a new order from a retail client who has not passed the
                                    suitability assessment (``hk_rules``)
 2020   UNKNOWN_MARKET              no market has this symbol
 2021   MARKET_EXISTS               ``ListMarket`` for a symbol already listed
 2022   INVALID_MARKET              a malformed symbol, decimals, tick or lot size (a lot must be
                                    a whole number of base minor units), price band, or a
                                    retail admission that is not a bool
 2023   INVALID_ASSET               a malformed asset code, or a market whose base and quote
                                    assets are the same
 2024   INVALID_PRICE               ``RecordLastPrice`` with a price outside
                                    1..``venue_price_ticks_max``
 2025   CLASS_NOT_ALLOWED           a retail client's order in a market not admitted for retail
 2030   DUPLICATE_CLIENT_ORDER_ID   the client already used this client order id at this broker
 2031   INVALID_ORDER               the order's side, type, time in force, self-trade mode,
                                    price or quantities do not make a valid order of its type,
                                    or its hold would exceed ``amount_minor_max``
 2032   NO_REFERENCE_PRICE          a market buy sized in base lots in a market without a last
                                    price or without a price band: its cost cannot be bounded
 2033   EXPOSURE_LIMIT              the client's open buy exposure in the quote asset plus this
                                    order's hold would exceed the client's limit
 2034   INSUFFICIENT_BALANCE        the client's available book balance is below the order's
                                    hold, or a withdrawal would take the balance below what is
                                    held
 2035   TOO_MANY_OPEN_ORDERS        the client already has ``broker_open_orders_per_client_max``
                                    live orders
 2040   UNKNOWN_ORDER               no order with this id (or client order id) in this broker's
                                    book, or it belongs to another client
 2041   ORDER_NOT_OPEN              a cancel request or a fill for an order that is not open or
                                    partially filled (pending its hold, or finished)
 2042   INVALID_ORDER_REFERENCE     a cancel request naming neither or both of a broker order id
                                    and a client order id
 2043   INVALID_TRANSITION          a status change the order lifecycle does not allow (opening
                                    an order twice, rejecting an open one, closing a closed one,
                                    closing FILLED what is not filled, a close status that is not
                                    CANCELED, EXPIRED or FILLED)
 2044   DUPLICATE_VENUE_ORDER_ID    the venue order id is already on another order of this broker
 2045   INVALID_FILL                a fill that does not fit its order or market: trade id, price
                                    or quantity out of range, a price worse than the limit, more
                                    lots or quote than ordered, a base or quote amount that is not
                                    the trade's, a maker flag that is not a bool
 2046   DUPLICATE_FILL              the trade was already applied to this order
 2047   FILL_EXCEEDS_HOLD           the fill (and, for a buy, its fee) needs more than the order
                                    still holds
 2048   INVALID_REASON              a reason or rejection name that is not a string of at most
                                    ``memo_length_max`` characters (or an empty name), a
                                    rejection code or message of the wrong type
 2049   BALANCE_OVERFLOW            a book balance or the broker's fee income would exceed
                                    ``amount_minor_max``
======  ==========================  =============================================================
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["BrokerRejection"]


@unique
class BrokerRejection(IntEnum):
    """The brokers' rejection codes; see the module docstring for each one's meaning."""

    NOT_AUTHORISED = 2001
    UNKNOWN_BROKER = 2002
    BROKER_EXISTS = 2003
    INVALID_ID = 2004
    INVALID_FEE = 2005
    INVALID_AMOUNT = 2006
    BROKER_FULL = 2007

    UNKNOWN_CLIENT = 2010
    CLIENT_EXISTS = 2011
    INVALID_INVESTOR_CLASS = 2012
    INVALID_ACTOR = 2013
    INVALID_STANDING = 2014
    CLIENT_BLOCKED = 2015
    SUITABILITY_REQUIRED = 2016

    UNKNOWN_MARKET = 2020
    MARKET_EXISTS = 2021
    INVALID_MARKET = 2022
    INVALID_ASSET = 2023
    INVALID_PRICE = 2024
    CLASS_NOT_ALLOWED = 2025

    DUPLICATE_CLIENT_ORDER_ID = 2030
    INVALID_ORDER = 2031
    NO_REFERENCE_PRICE = 2032
    EXPOSURE_LIMIT = 2033
    INSUFFICIENT_BALANCE = 2034
    TOO_MANY_OPEN_ORDERS = 2035

    UNKNOWN_ORDER = 2040
    ORDER_NOT_OPEN = 2041
    INVALID_ORDER_REFERENCE = 2042
    INVALID_TRANSITION = 2043
    DUPLICATE_VENUE_ORDER_ID = 2044
    INVALID_FILL = 2045
    DUPLICATE_FILL = 2046
    FILL_EXCEEDS_HOLD = 2047
    INVALID_REASON = 2048
    BALANCE_OVERFLOW = 2049
