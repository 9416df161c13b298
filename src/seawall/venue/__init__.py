"""The venue: order books and matching, and nothing else.

It holds no assets and has no trading account; the operator's and affiliates' accounts are barred
from trading (``RESTRICTED_ACCOUNT``). Orders match in price-time priority at the maker's price.
The package has the shape every institution has: ``commands``, ``events``, ``rejections``
(3000-3999), ``state``, ``machine`` (``decide``, ``evolve``, ``state_hash``, ``check_invariants``,
``snapshot``, ``restore``), plus ``book`` (the fast book), ``engine`` (``apply``: decide and evolve
in one pass, for throughput), ``compiled`` (the same ``apply`` with the books in C, from the
optional ``_core`` extension; ``compiled.available()`` says whether it was built), ``reference``
(the naive oracle) and ``bench`` (not imported here).
"""

from __future__ import annotations

from seawall.venue.engine import apply
from seawall.venue.machine import (
    check_invariants,
    decide,
    evolve,
    new_state,
    restore,
    snapshot,
    state_hash,
)
from seawall.venue.rejections import VenueRejection
from seawall.venue.state import VenueState

__all__ = [
    "VenueRejection",
    "VenueState",
    "apply",
    "check_invariants",
    "decide",
    "evolve",
    "new_state",
    "restore",
    "snapshot",
    "state_hash",
]
