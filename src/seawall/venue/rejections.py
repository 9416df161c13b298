"""The venue's rejection codes, 3000-3999: stable numbers and names, journaled as values.

A rejection leaves the venue's state exactly as it was (its state hash does not change). Codes are
grouped by what they judge; a number is never reused for another meaning.

* 3001-3019: the shape of a command (ids, quantities, prices, combinations of fields);
* 3020-3039: markets (listing, status, parameters);
* 3040-3059: accounts barred from trading (the venue's operator and its affiliates);
* 3060-3099: orders against the book (lookup, uniqueness, price band, notional, post-only, FOK).

The order in which a command's checks run is part of the venue's rules (see
``seawall.venue.machine``), so that the same command always gets the same code.
"""

from __future__ import annotations

from enum import IntEnum, unique

__all__ = ["VenueRejection"]


@unique
class VenueRejection(IntEnum):
    """Why the venue refused a command."""

    # --- the shape of a command -------------------------------------------------------------
    #: The account id is empty or longer than ``account_id_length_max``.
    INVALID_ACCOUNT_ID = 3001
    #: The client order id is longer than allowed or has characters outside ``A-Za-z0-9._:-``.
    INVALID_CLIENT_ORDER_ID = 3002
    #: The self-trade-prevention group is longer than allowed or badly formed.
    INVALID_STP_GROUP = 3003
    #: The time in force does not fit the order type (MARKET needs IOC, LIMIT_MAKER needs GTC).
    INVALID_TIME_IN_FORCE = 3004
    #: A quantity (or a quote amount) is zero or negative.
    NON_POSITIVE_QUANTITY = 3005
    #: A quantity is above ``venue_quantity_lots_max`` (or a quote amount above its maximum).
    QUANTITY_ABOVE_MAX = 3006
    #: A market order gives both a base quantity and a quote amount, or a limit order gives a
    #: quote amount.
    INVALID_QUANTITY_SPEC = 3007
    #: A limit price is zero or negative.
    NON_POSITIVE_PRICE = 3008
    #: A price is above ``venue_price_ticks_max``.
    PRICE_ABOVE_MAX = 3009
    #: A market order carries a price.
    PRICE_NOT_ALLOWED = 3010
    #: A decimal price is not a whole number of the market's ticks.
    PRICE_OFF_TICK = 3011
    #: A decimal quantity is not a whole number of the market's lots.
    QUANTITY_OFF_LOT = 3012
    #: A cancel or amend names neither or both of an order id and a client order id.
    INVALID_ORDER_REFERENCE = 3013
    #: A price or quantity given as text is not a plain decimal number.
    INVALID_DECIMAL = 3014

    # --- markets ----------------------------------------------------------------------------
    #: No market has this symbol.
    UNKNOWN_MARKET = 3020
    #: The market is halted: it takes cancels, but no new orders or amendments.
    MARKET_HALTED = 3021
    #: A market with this symbol is already listed.
    MARKET_EXISTS = 3022
    #: ``venue_markets_max`` markets are already listed.
    MARKETS_FULL = 3023
    #: The symbol is not 1..``venue_symbol_length_max`` characters of ``A-Z 0-9 . _ -``.
    INVALID_SYMBOL = 3024
    #: The base or quote asset code is not an upper-case ticker, or both are the same.
    INVALID_ASSET = 3025
    #: The tick size or lot size is not a positive plain decimal.
    INVALID_STEP = 3026
    #: Minimum notional, price band, reference price or restricted accounts are out of range.
    INVALID_MARKET_PARAMETER = 3027
    #: Halting a market that is already halted.
    MARKET_ALREADY_HALTED = 3028
    #: Resuming a market that is not halted.
    MARKET_NOT_HALTED = 3029

    # --- accounts barred from trading -------------------------------------------------------
    #: The account belongs to the venue's operator or an affiliate: no proprietary trading.
    RESTRICTED_ACCOUNT = 3040
    #: The account is already registered as the operator's or an affiliate's.
    ACCOUNT_ALREADY_RESTRICTED = 3041
    #: The account is not registered as restricted venue-wide.
    ACCOUNT_NOT_RESTRICTED = 3042
    #: ``venue_restricted_accounts_max`` accounts are already registered.
    RESTRICTED_ACCOUNTS_FULL = 3043

    # --- orders against the book ------------------------------------------------------------
    #: No live order of this account in this market has this id (or client order id).
    UNKNOWN_ORDER = 3060
    #: The account already has a live order with this client order id.
    DUPLICATE_CLIENT_ORDER_ID = 3061
    #: The limit price is outside the band around the last price.
    OUTSIDE_PRICE_BAND = 3062
    #: ``price_ticks * quantity_lots`` (or the quote amount) is below the market's minimum.
    NOTIONAL_BELOW_MINIMUM = 3063
    #: The market already holds ``venue_orders_per_market_max`` resting orders.
    BOOK_FULL = 3064
    #: A LIMIT_MAKER (post-only) order would take liquidity.
    POST_ONLY_WOULD_TAKE = 3065
    #: A fill-or-kill order cannot be filled in full at once.
    FOK_CANNOT_FILL = 3066
    #: An amendment changes neither price nor quantity.
    NOTHING_TO_AMEND = 3067
    #: An amendment's new total quantity is not above what the order has already filled.
    AMEND_QUANTITY_NOT_ABOVE_FILLED = 3068
