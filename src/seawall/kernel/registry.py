"""The institutions the market runs, in one list. Adding an institution is adding it here (its
command types then route through ``pipeline.OWNERS`` automatically) and classifying its fields
in ``projection``."""

from __future__ import annotations

import typing
from types import ModuleType
from typing import Any, Final

from seawall.broker import commands as broker_commands
from seawall.broker import events as broker_events
from seawall.broker import machine as broker_machine
from seawall.broker.state import BrokerState
from seawall.clearing import commands as clearing_commands
from seawall.clearing import events as clearing_events
from seawall.clearing import machine as clearing_machine
from seawall.clearing.state import ClearingState
from seawall.custody import commands as custody_commands
from seawall.custody import events as custody_events
from seawall.custody import machine as custody_machine
from seawall.custody.state import CustodyState
from seawall.identity import commands as identity_commands
from seawall.identity import events as identity_events
from seawall.identity import machine as identity_machine
from seawall.identity.state import IdentityState
from seawall.kernel.institution import Institution
from seawall.ledger import commands as ledger_commands
from seawall.ledger import events as ledger_events
from seawall.ledger import machine as ledger_machine
from seawall.ledger.state import LedgerState
from seawall.regulator import commands as regulator_commands
from seawall.regulator import events as regulator_events
from seawall.regulator import machine as regulator_machine
from seawall.regulator.state import RegulatorState
from seawall.surveillance import commands as surveillance_commands
from seawall.surveillance import events as surveillance_events
from seawall.surveillance import machine as surveillance_machine
from seawall.surveillance.state import SurveillanceState
from seawall.venue import commands as venue_commands
from seawall.venue import events as venue_events
from seawall.venue import machine as venue_machine

__all__ = ["INSTITUTIONS", "institution"]


def _institution(
    name: str, commands: ModuleType, events: ModuleType, machine: ModuleType, state: type[Any]
) -> Institution:
    return Institution(
        name=name,
        commands=commands.COMMANDS,
        events=events.EVENTS,
        new_state=state,
        decide=machine.decide,
        evolve=machine.evolve,
        state_hash=machine.state_hash,
        check_invariants=machine.check_invariants,
        snapshot=machine.snapshot,
        restore=machine.restore,
    )


INSTITUTIONS: Final[tuple[Institution, ...]] = (
    _institution(
        "regulator", regulator_commands, regulator_events, regulator_machine, RegulatorState
    ),
    _institution("identity", identity_commands, identity_events, identity_machine, IdentityState),
    _institution("custody", custody_commands, custody_events, custody_machine, CustodyState),
    _institution("clearing", clearing_commands, clearing_events, clearing_machine, ClearingState),
    _institution("broker", broker_commands, broker_events, broker_machine, BrokerState),
    Institution(
        name="venue",
        commands=typing.get_args(venue_commands.VenueCommand),
        events=typing.get_args(venue_events.VenueEvent),
        new_state=venue_machine.new_state,
        decide=venue_machine.decide,
        evolve=venue_machine.evolve,
        state_hash=venue_machine.state_hash,
        check_invariants=venue_machine.check_invariants,
        snapshot=venue_machine.snapshot,
        restore=venue_machine.restore,
    ),
    _institution("ledger", ledger_commands, ledger_events, ledger_machine, LedgerState),
    _institution(
        "surveillance",
        surveillance_commands,
        surveillance_events,
        surveillance_machine,
        SurveillanceState,
    ),
)

_BY_NAME: Final = {each.name: each for each in INSTITUTIONS}


def institution(name: str) -> Institution:
    return _BY_NAME[name]
