"""The institutions the market runs, in one list. Adding an institution is adding it here (and
its command types then route through ``pipeline.OWNERS`` automatically)."""

from __future__ import annotations

from typing import Final

from seawall.kernel.institution import Institution
from seawall.ledger import commands as ledger_commands
from seawall.ledger import events as ledger_events
from seawall.ledger import machine as ledger_machine
from seawall.ledger.state import LedgerState

__all__ = ["INSTITUTIONS"]

INSTITUTIONS: Final[tuple[Institution, ...]] = (
    Institution(
        name="ledger",
        commands=ledger_commands.COMMANDS,
        events=ledger_events.EVENTS,
        new_state=LedgerState,
        decide=ledger_machine.decide,
        evolve=ledger_machine.evolve,
        state_hash=ledger_machine.state_hash,
        check_invariants=ledger_machine.check_invariants,
        snapshot=ledger_machine.snapshot,
        restore=ledger_machine.restore,
    ),
)
