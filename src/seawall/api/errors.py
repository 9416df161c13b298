"""Binance's error vocabulary, and the one table that maps Seawall rejections into it.

Every error response of the API is Binance's JSON body ``{"code": <negative int>, "msg": <text>}``
with Binance's HTTP status (400 for a bad request or a refused order, 401 for key problems, 404
for no such endpoint, 429 / 418 for request limits, 5xx only for our own failures). The message
texts are Binance's own, byte for byte, because clients map some errors by message rather than by
code: CCXT raises ``InvalidOrder`` only for ``Filter failure: LOT_SIZE`` / ``PRICE_FILTER``,
``InsufficientFunds`` only for ``Account has insufficient balance for requested action.``.

``REJECTIONS`` maps each Seawall rejection code that an API request can meet (broker 2xxx, venue
3xxx, ledger 6xxx, regulator 7xxx, kernel 1xx) to the Binance error a client of Binance would get
in the same situation; ``from_rejection`` falls back by range for any code not listed.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "API_KEY_FORMAT_INVALID",
    "BAD_SIGNATURE",
    "DUPLICATE_ORDER",
    "INSUFFICIENT_BALANCE",
    "INVALID_API_KEY",
    "INVALID_SYMBOL",
    "NO_SUCH_ORDER",
    "REJECTIONS",
    "TIMESTAMP_OUTSIDE_RECV_WINDOW",
    "UNKNOWN_ORDER",
    "ApiError",
    "BinanceError",
    "bad_parameter",
    "from_rejection",
    "illegal_characters",
    "mandatory_missing",
]


class BinanceError(NamedTuple):
    """One of Binance's errors: its code, exact message, and the HTTP status it comes with."""

    code: int
    msg: str
    http_status: int = 400


class ApiError(Exception):
    """Raised inside a handler; rendered as Binance's ``{"code", "msg"}`` body."""

    def __init__(
        self,
        error: BinanceError,
        msg: str | None = None,
        *,
        retry_after_s: int | None = None,
        data: object = None,
    ) -> None:
        self.code = error.code
        self.msg = error.msg if msg is None else msg
        self.http_status = error.http_status
        self.retry_after_s = retry_after_s
        self.data = data
        super().__init__(f"{self.code} {self.msg}")

    def body(self) -> dict[str, object]:
        result: dict[str, object] = {"code": self.code, "msg": self.msg}
        if self.data is not None:
            result["data"] = self.data
        return result


# --- the errors the API raises itself ------------------------------------------------------------

UNKNOWN: Final = BinanceError(-1000, "An unknown error occurred while processing the request.", 500)
INTERNAL: Final = BinanceError(
    -1001, "Internal error; unable to process your request. Please try again.", 503
)
UNAUTHORIZED: Final = BinanceError(-1002, "You are not authorized to execute this request.", 401)
TOO_MANY_REQUESTS: Final = BinanceError(-1003, "Too many requests.", 429)
TOO_MANY_ORDERS: Final = BinanceError(-1015, "Too many new orders.", 429)
UNSUPPORTED: Final = BinanceError(-1020, "This operation is not supported.", 400)
TIMESTAMP_OUTSIDE_RECV_WINDOW: Final = BinanceError(
    -1021, "Timestamp for this request is outside of the recvWindow."
)
TIMESTAMP_AHEAD: Final = BinanceError(
    -1021, "Timestamp for this request was 1000ms ahead of the server's time."
)
BAD_SIGNATURE: Final = BinanceError(-1022, "Signature for this request is not valid.")
ILLEGAL_CHARS: Final = BinanceError(-1100, "Illegal characters found in a parameter.")
TOO_MANY_PARAMETERS: Final = BinanceError(-1101, "Too many parameters sent for this endpoint.")
MANDATORY_MISSING: Final = BinanceError(
    -1102, "A mandatory parameter was not sent, was empty/null, or malformed."
)
UNKNOWN_PARAM: Final = BinanceError(-1103, "An unknown parameter was sent.")
PARAM_EMPTY: Final = BinanceError(-1105, "A parameter was empty.")
PARAM_NOT_REQUIRED: Final = BinanceError(-1106, "A parameter was sent when not required.")
BAD_PRECISION: Final = BinanceError(-1111, "Precision is over the maximum defined for this asset.")
INVALID_TIF: Final = BinanceError(-1115, "Invalid timeInForce.")
INVALID_ORDER_TYPE: Final = BinanceError(-1116, "Invalid orderType.")
INVALID_SIDE: Final = BinanceError(-1117, "Invalid side.")
EMPTY_NEW_CLIENT_ORDER_ID: Final = BinanceError(-1118, "New client order ID was empty.")
EMPTY_ORIG_CLIENT_ORDER_ID: Final = BinanceError(-1119, "Original client order ID was empty.")
INVALID_INTERVAL: Final = BinanceError(-1120, "Invalid interval.")
INVALID_SYMBOL: Final = BinanceError(-1121, "Invalid symbol.")
INVALID_LISTEN_KEY: Final = BinanceError(-1125, "This listenKey does not exist.")
BAD_COMBINATION: Final = BinanceError(-1128, "Combination of optional parameters invalid.")
BAD_PARAMETER: Final = BinanceError(-1130, "Invalid data sent for a parameter.")
RECV_WINDOW_TOO_LARGE: Final = BinanceError(-1131, "recvWindow must be less than 60000")
NEW_ORDER_REJECTED: Final = BinanceError(-2010, "New order rejected.")
DUPLICATE_ORDER: Final = BinanceError(-2010, "Duplicate order sent.")
INSUFFICIENT_BALANCE: Final = BinanceError(
    -2010, "Account has insufficient balance for requested action."
)
UNKNOWN_ORDER: Final = BinanceError(-2011, "Unknown order sent.")
NO_SUCH_ORDER: Final = BinanceError(-2013, "Order does not exist.")
API_KEY_FORMAT_INVALID: Final = BinanceError(-2014, "API-key format invalid.", 401)
INVALID_API_KEY: Final = BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
CANCEL_REPLACE_PARTIAL: Final = BinanceError(-2021, "Order cancel-replace partially failed.")
CANCEL_REPLACE_FAILED: Final = BinanceError(-2022, "Order cancel-replace failed.")
LOT_SIZE: Final = BinanceError(-1013, "Filter failure: LOT_SIZE")
PRICE_FILTER: Final = BinanceError(-1013, "Filter failure: PRICE_FILTER")
NOTIONAL: Final = BinanceError(-1013, "Filter failure: NOTIONAL")
PERCENT_PRICE: Final = BinanceError(-1013, "Filter failure: PERCENT_PRICE_BY_SIDE")
MAX_NUM_ORDERS: Final = BinanceError(-2010, "Filter failure: MAX_NUM_ORDERS")
MAX_POSITION: Final = BinanceError(-2010, "Filter failure: MAX_POSITION")
MARKET_CLOSED: Final = BinanceError(-1013, "Market is closed.")
WOULD_TAKE: Final = BinanceError(-2010, "Order would immediately match and take.")
ACCOUNT_MAY_NOT_TRADE: Final = BinanceError(-2010, "This account may not place or cancel orders.")
SYMBOL_NOT_PERMITTED: Final = BinanceError(-2010, "This symbol is not permitted for this account.")
NOT_FOUND: Final = BinanceError(-1020, "This operation is not supported.", 404)


def mandatory_missing(name: str) -> ApiError:
    return ApiError(
        MANDATORY_MISSING,
        f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.",
    )


def illegal_characters(name: str, legal: str) -> ApiError:
    return ApiError(
        ILLEGAL_CHARS,
        f"Illegal characters found in parameter '{name}'; legal range is '{legal}'.",
    )


def bad_parameter(name: str) -> ApiError:
    return ApiError(BAD_PARAMETER, f"Invalid data sent for a parameter: '{name}'.")


#: Seawall rejection code -> the Binance error a Binance client would meet in that situation.
#: Broker 2xxx (pre-trade checks, cancels), venue 3xxx (refused at the book), ledger 6xxx
#: (the custodian's hold), regulator 7xxx (licences), kernel 1xx (undecodable commands).
REJECTIONS: Final[dict[int, BinanceError]] = {
    # kernel
    101: UNKNOWN,
    102: BinanceError(-1104, "Not all sent parameters were read."),
    # broker
    2002: INVALID_API_KEY,  # the key's broker is not registered
    2004: BinanceError(
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is "
        "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
    ),
    2007: TOO_MANY_ORDERS,
    2010: INVALID_API_KEY,  # the key's account is not a client of its broker
    2015: ACCOUNT_MAY_NOT_TRADE,
    2016: ACCOUNT_MAY_NOT_TRADE,
    2020: INVALID_SYMBOL,
    2025: SYMBOL_NOT_PERMITTED,
    2030: DUPLICATE_ORDER,
    2031: BinanceError(-1013, "Invalid quantity."),
    2032: BinanceError(-1013, "Filter failure: MARKET_LOT_SIZE"),
    2033: MAX_POSITION,
    2034: INSUFFICIENT_BALANCE,
    2035: MAX_NUM_ORDERS,
    2040: UNKNOWN_ORDER,
    2041: UNKNOWN_ORDER,
    2042: BinanceError(
        -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"
    ),
    # venue
    3002: BinanceError(
        -1100,
        "Illegal characters found in parameter 'newClientOrderId'; legal range is "
        "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
    ),
    3004: INVALID_TIF,
    3005: LOT_SIZE,
    3006: LOT_SIZE,
    3007: BinanceError(-1106, "Parameter 'quoteOrderQty' sent when not required."),
    3008: PRICE_FILTER,
    3009: PRICE_FILTER,
    3010: BinanceError(-1106, "Parameter 'price' sent when not required."),
    3011: PRICE_FILTER,
    3012: LOT_SIZE,
    3020: INVALID_SYMBOL,
    3021: MARKET_CLOSED,
    3040: ACCOUNT_MAY_NOT_TRADE,
    3060: UNKNOWN_ORDER,
    3061: DUPLICATE_ORDER,
    3062: PERCENT_PRICE,
    3063: NOTIONAL,
    3064: BinanceError(-2010, "Order book capacity reached."),
    3065: WOULD_TAKE,
    # ledger: the custodian refused the order's hold
    6005: INSUFFICIENT_BALANCE,
    6013: ACCOUNT_MAY_NOT_TRADE,
    # regulator: the broker's licence
    7001: BinanceError(-2010, "This action is disabled on this account."),
    7002: BinanceError(-2010, "This action is disabled on this account."),
    7003: BinanceError(-2010, "This action is disabled on this account."),
}


def from_rejection(code: int) -> BinanceError:
    """The Binance error for a Seawall rejection ``code`` (a range default when not listed)."""
    found = REJECTIONS.get(code)
    if found is not None:
        return found
    if code < 1000:
        return UNKNOWN
    return NEW_ORDER_REJECTED
