"""The pipeline, declared in one place: what happens to every command, stage by stage.

Every command kind runs the same numbered stages; the table ``OWNERS`` says which institution
decides each kind. Stage numbers are stable so that logs, rejections and docs can cite them.

====  ==========  ===========================================================================
 no.  stage       what happens
====  ==========  ===========================================================================
 10   admit       size limits; decode the canonical bytes into a known command type
                  (failure: kernel rejection 101/102, still journaled)
 15   sequence    the sequencer assigns ``seq`` and ``timestamp_ns`` (the only clock reading)
 20   licence     a command from outside must come from the institution it acts for, and
                  the regulator must hold an active licence for it (``licensing``)
 30   decide      the owning institution's pure ``decide``: events or a rejection
 40   journal     the entry (command, auth, outcome, previous hash) is chained into the group
 50   evolve      the owner's ``evolve`` applies each event in place
 60   commit      the group is sealed and written; only then is the command acknowledged
====  ==========  ===========================================================================

Institutions never call each other. When one institution's events must become another's
command (an order's hold at the broker, then matching at the venue), the kernel will turn the
event into a new command that runs these same stages as its own journal entry, submitted by
``kernel``; see ``docs/adr/0003-one-entry-per-institution-command.md``.
"""

from __future__ import annotations

from typing import Any, Final, Union

from seawall.kernel.institution import Institution
from seawall.kernel.registry import INSTITUTIONS

__all__ = ["OWNERS", "STAGES", "Command", "owner_of"]

STAGES: Final = (
    (10, "admit"),
    (15, "sequence"),
    (20, "licence"),
    (30, "decide"),
    (40, "journal"),
    (50, "evolve"),
    (60, "commit"),
)

#: Which institution decides each command type.
OWNERS: Final[dict[type[Any], Institution]] = {
    command_type: institution
    for institution in INSTITUTIONS
    for command_type in institution.commands
}

#: Every command the market accepts: a tagged union, decoded by its ``"k"`` field.
Command: Any = Union[tuple(OWNERS)]  # noqa: UP007 - a union built from a runtime tuple


def owner_of(command: object) -> Institution:
    """The institution that decides ``command``."""
    return OWNERS[type(command)]
