"""The whole market's state: every institution's state by name, and its one state hash."""

from __future__ import annotations

from typing import Any, Final

from seawall.core.hashing import state_digest
from seawall.kernel.registry import INSTITUTIONS

__all__ = ["LOGIC_VERSION", "market_state_hash", "new_states"]

#: Bumped whenever a change to any decide/evolve could change an outcome or a state hash.
#: Golden-journal tests pin the state hashes of this version. History: 1 = first journal format;
#: 2 = ledger ``PostHold.keep_remainder`` (partial settlement against an order's hold).
#: 3 = the licence stage, and identity, custody and the regulator in the market.
#: 4 = clearing in the market (co-signs withdrawals).
#: 5 = brokers and the venue: the whole order, trade and settlement flow.
#: 6 = custody anchors proof-of-reserves snapshots (its state gained their roots).
#: 7 = surveillance joins the market: alerts and cases are journaled.
#: 8 = clearing rounds the buyer's fee down per fill (a multi-fill order's hold suffices).
#: 9 = surveillance's case desk: cases assigned, escalated and noted; the regulator works cases.
LOGIC_VERSION: Final = 9


def new_states() -> dict[str, Any]:
    """Every institution's empty state, by name."""
    return {institution.name: institution.new_state() for institution in INSTITUTIONS}


def market_state_hash(states: dict[str, Any]) -> bytes:
    """The whole market's state hash: SHA-256 over each institution's, in name order."""
    parts = sorted([inst.name, inst.state_hash(states[inst.name])] for inst in INSTITUTIONS)
    return state_digest("seawall/market/v1", parts)
