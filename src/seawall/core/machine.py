"""The shape every institution's state machine shares, so that one read teaches them all.

An institution package has ``commands.py``, ``events.py``, ``rejections.py``, ``state.py`` and
``machine.py``; the machine module exposes

* ``decide(state, command, ctx) -> list[Event] | Rejection``: pure; reads ``state``, never
  changes it, reads no clock, no randomness, no environment;
* ``evolve(state, event) -> None``: applies one event *in place*; total: it asserts (via
  ``core.errors.invariant``), never validates, since ``decide`` already did;
* ``state_hash(state) -> bytes``: SHA-256 of the canonical encoding of the state;
* ``check_invariants(state) -> None``: raises ``InvariantViolation`` on a bug.

The kernel feeds ``decide`` a ``Context`` (the sequencer's seq and time, and who submitted the
command) and journals the outcome before it calls ``evolve``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import msgspec

from seawall.core.errors import ConditionFailed

__all__ = ["KERNEL_SUBMITTER", "Context", "Rejection", "reject", "require_sorted_unique"]

#: The submitter of every command the kernel derives from another institution's event. An
#: institution may accept some commands only from it (a disclosure under a warrant, a settlement
#: confirmation); the kernel refuses ``kernel`` as a submitter from outside.
KERNEL_SUBMITTER = "kernel"


class Context(msgspec.Struct, frozen=True):
    """What the sequencer tells a state machine about the command it is deciding."""

    seq: int
    timestamp_ns: int
    submitter: str


class Rejection(msgspec.Struct, frozen=True, tag="rejection", tag_field="k"):
    """A business rejection: a stable number, its stable name, and a message for people."""

    code: int
    name: str
    message: str


def reject(code: IntEnum, message: str) -> Rejection:
    """A ``Rejection`` from an institution's rejection enum member."""
    return Rejection(code=int(code), name=code.name, message=message)


def require_sorted_unique(keys: Sequence[Any], what: str, institution: str) -> None:
    """``restore``'s check that a snapshot lists ``what`` in canonical order: strictly
    increasing keys. Raises ``ConditionFailed`` naming the institution and the list."""
    if any(a >= b for a, b in itertools.pairwise(keys)):
        raise ConditionFailed(f"{institution} snapshot {what} are not sorted and unique")
