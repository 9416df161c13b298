"""Routes: how one institution's events become another institution's commands.

Institutions never call each other (DESIGN.md section 2). When an event must reach another
institution (a broker's hold is in place, so the order goes to the venue; the venue traded, so
clearing makes obligations), a route here turns it into a command, and the kernel runs that
command through the same pipeline as a new journal entry submitted by ``kernel``. Every follow-on
of one client command is sequenced right after it, in FIFO order, inside the same commit group,
so a crash never cuts a flow in half (ADR 0003).

Replay derives the follow-ons again and requires the journal's ``kernel`` entries to be exactly
them, in order: nobody can slip a command into the journal under the kernel's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from seawall.core.codec import encode
from seawall.core.machine import Context

__all__ = ["KERNEL_SUBMITTER", "ROUTES", "Route", "follow_ons"]

#: The submitter of every command the kernel derives from an event.
KERNEL_SUBMITTER: Final = "kernel"

#: ``route(event, ctx)`` returns the commands ``event`` causes (often none).
Route = Callable[[Any, Context], list[Any]]

#: Event type -> route. Filled as institutions that talk to each other are wired in.
ROUTES: dict[type[Any], Route] = {}


def follow_ons(events: list[Any], ctx: Context) -> list[bytes]:
    """The encoded commands that ``events`` (decided under ``ctx``) cause, in order."""
    commands: list[bytes] = []
    for event in events:
        route = ROUTES.get(type(event))
        if route is not None:
            commands.extend(encode(command) for command in route(event, ctx))
    return commands
