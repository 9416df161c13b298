"""The market's first entries: the regulator licenses every institution. Nothing else can act
before this, since the kernel's licence stage refuses unlicensed institutions."""

from __future__ import annotations

from typing import Final

from seawall.core import limits
from seawall.core.clock import Clock
from seawall.core.signing import SigningKey
from seawall.journal import JournalStore
from seawall.kernel import Market
from seawall.regulator.commands import GrantLicence
from seawall.regulator.state import Role

__all__ = ["BROKERS", "INSTITUTION_ROLES", "genesis", "licence_commands", "open_market"]

#: The brokers of a standard market.
BROKERS: Final = ("broker-a", "broker-b")

INSTITUTION_ROLES: Final = (
    ("identity", Role.IDENTITY),
    ("custody", Role.CUSTODY),
    ("venue", Role.VENUE),
    ("clearing", Role.CLEARING),
    *((broker, Role.BROKER) for broker in BROKERS),
)


def licence_commands() -> list[GrantLicence]:
    return [
        GrantLicence(institution_id=institution_id, role=role, reason="licensed at market genesis")
        for institution_id, role in INSTITUTION_ROLES
    ]


def genesis(market: Market) -> None:
    """Submit the licences (as the regulator) and commit them."""
    for command in licence_commands():
        outcome = market.submit(command, "regulator")
        if outcome.rejection is not None:
            raise AssertionError(f"genesis refused: {outcome.rejection}")
    market.commit()


def open_market(
    store: JournalStore,
    key: SigningKey,
    clock: Clock,
    group_entries_max: int = limits.commit_group_entries_max,
    snapshot_every_entries: int | None = None,
) -> Market:
    """A market on ``store``; a new journal starts with the genesis licences."""
    market = Market(store, key, clock, group_entries_max, snapshot_every_entries)
    if market.last_seq == 0:
        genesis(market)
    return market
