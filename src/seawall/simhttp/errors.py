"""What can go wrong when the simulator drives a market over HTTP, drawn in one place.

A refusal of an agent's order or cancel is a **value** (``Refusal``: Binance's code and message,
and the HTTP status), the HTTP form of a journaled rejection: the agent's ``place`` returns
``None`` as it does in process, and the run reports it. Everything else is an exception::

    SeawallError
    ├── ConditionFailed
    │   └── ApiRefusedError       the server refused what the run cannot do without: a key or
    │                             a signature it does not accept, a market it does not list, a
    │                             read it answers with an error, an account it will not create,
    │                             client order ids another run has used
    └── OperatingError
        └── ApiUnavailableError   no answer, a 5xx, a body that is not Binance's JSON, or
                                  request limits still refusing after every resend

Foreign exceptions (``httpx.HTTPError``, JSON decoding) are mapped at the boundary, in
``client``, ``raise ... from exc``.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from seawall.core.errors import ConditionFailed, OperatingError

__all__ = [
    "CREDENTIAL_CODES",
    "THROTTLE_STATUSES",
    "ApiRefusedError",
    "ApiUnavailableError",
    "Refusal",
]

#: HTTP statuses of request limits (429 over the limit, 418 banned): wait ``Retry-After``, resend.
THROTTLE_STATUSES: Final = (418, 429)
#: Binance codes that mean the key or signature is wrong: no order will ever pass, so stop.
CREDENTIAL_CODES: Final = (-1002, -1022, -2014, -2015)


class Refusal(NamedTuple):
    """A request the server answered with Binance's error body."""

    code: int
    msg: str
    http_status: int


class ApiRefusedError(ConditionFailed):
    """The server refused something the run needs (see the module docstring)."""


class ApiUnavailableError(OperatingError):
    """The server did not answer usefully (see the module docstring)."""
