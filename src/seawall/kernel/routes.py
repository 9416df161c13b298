"""Routes: how one institution's events become another institution's commands.

Institutions never call each other (DESIGN.md section 2). When an event must reach another
institution (a broker's hold is in place, so the order goes to the venue; the venue traded, so
clearing makes obligations), a route here turns it into a command, and the kernel runs that
command through the same pipeline as a new journal entry submitted by ``kernel``. Every follow-on
of one client command is sequenced right after it, inside the same commit group, so a crash never
cuts a flow in half (ADR 0003). The order is depth first: a command's own follow-ons run before
its siblings', so each consequence completes before the next begins (a trade settles before the
order's expiry releases what is left of its hold).

A route sees the event, the context it was decided under, and every institution's state *after*
the event was applied (the kernel composes, so it may read; reads are deterministic, so replay
derives the same commands). A rejection route does the same for a rejected command: it tells the
institution that started a flow that a later step refused it (a hold the ledger could not place
turns into the broker rejecting the order).

Replay derives the follow-ons again and requires the journal's ``kernel`` entries to be exactly
them, in order: nobody can slip a command into the journal under the kernel's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seawall.core.codec import encode
from seawall.core.machine import KERNEL_SUBMITTER, Context, Rejection
from seawall.kernel.execute import Decision
from seawall.kernel.flows import EVENT_ROUTES, REJECTION_ROUTES_TABLE
from seawall.kernel.trade_flows import (
    TRADE_EVENT_ROUTES,
    TRADE_EXTRA_REJECTION_ROUTES,
    TRADE_EXTRA_ROUTES,
    TRADE_REJECTION_ROUTES,
)

__all__ = [
    "KERNEL_SUBMITTER",
    "REJECTION_ROUTES",
    "ROUTES",
    "RejectionRoute",
    "Route",
    "follow_ons",
]


States = dict[str, Any]
#: ``route(event, ctx, states, cause)`` returns the commands ``event`` causes (often none);
#: ``cause`` is the command whose decision produced the event.
Route = Callable[[Any, Context, States, Any], list[Any]]
#: ``route(command, rejection, ctx, states)`` returns the commands a refusal causes.
RejectionRoute = Callable[[Any, Rejection, Context, States], list[Any]]


def _chained(first: Any, then: Any) -> Any:
    """One route that runs ``first`` then ``then`` (an event that matters to two flows)."""

    def both(*args: Any) -> list[Any]:
        return [*first(*args), *then(*args)]

    return both


def _merge(*tables: dict[type[Any], Any]) -> dict[type[Any], Any]:
    merged: dict[type[Any], Any] = {}
    for table in tables:
        for kind, route in table.items():
            merged[kind] = _chained(merged[kind], route) if kind in merged else route
    return merged


#: Event type -> route (the tables are declared in ``flows`` and ``trade_flows``).
ROUTES: dict[type[Any], Route] = _merge(EVENT_ROUTES, TRADE_EVENT_ROUTES, TRADE_EXTRA_ROUTES)
#: Command type -> route for its rejection.
REJECTION_ROUTES: dict[type[Any], RejectionRoute] = _merge(
    REJECTION_ROUTES_TABLE, TRADE_REJECTION_ROUTES, TRADE_EXTRA_REJECTION_ROUTES
)


def follow_ons(decision: Decision, ctx: Context, states: States) -> list[bytes]:
    """The encoded commands that ``decision`` (made under ``ctx``) causes, in order."""
    commands: list[Any] = []
    if decision.rejection is not None:
        rejection_route = REJECTION_ROUTES.get(type(decision.command))
        if rejection_route is not None:
            commands = rejection_route(decision.command, decision.rejection, ctx, states)
    else:
        for event in decision.events:
            route = ROUTES.get(type(event))
            if route is not None:
                commands.extend(route(event, ctx, states, decision.command))
    return [encode(command) for command in commands]
