"""How the kernel sees an institution: its name, its machine functions and its command types.

Each institution package stays ignorant of the kernel; ``kernel.registry`` builds one
``Institution`` record per package from its public functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from seawall.core.machine import Context, Rejection

__all__ = ["Institution"]

State = Any


@dataclass(frozen=True, slots=True)
class Institution:
    """One institution's state machine, as the kernel drives it."""

    name: str
    commands: tuple[type[Any], ...]
    events: tuple[type[Any], ...]
    new_state: Callable[[], State]
    decide: Callable[[State, Any, Context], list[Any] | Rejection]
    evolve: Callable[[State, Any], None]
    state_hash: Callable[[State], bytes]
    check_invariants: Callable[[State], None]
    snapshot: Callable[[State], bytes]
    restore: Callable[[bytes], State]
