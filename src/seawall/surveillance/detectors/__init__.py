"""The detectors: plug-ins reading the public stream (see ``base`` for the contract).

``DETECTORS`` lists the standard set by name; ``register`` adds another (a plug-in from outside
this package), and ``build`` instantiates a set with parameter overrides.

==============================  =====================  =====  ==================================
 detector                       alert type             kind   pattern
==============================  =====================  =====  ==================================
 ``wash.same_owner``            wash_trading           rule   one owner on both sides of a trade
 ``wash.collusion``             wash_trading           stat   a pair trading back and forth far
                                                              more than chance
 ``operator.linked_account``    operator_trading       rule   orders from an account linked to a
                                                              restricted (operator) account
 ``spoofing.cancelled_away``    spoofing               stat   large orders away from the touch,
                                                              pulled after trading the other way
 ``pump.coordinated``           pump_and_dump          stat   a group lifts the price, then sells
 ``front_running.ahead_of_large`` front_running        stat   same side just before a large
                                                              order, unwound against it
 ``marking_close.pre_close``    marking_the_close      stat   one account moves the price in the
                                                              minutes before the close
 ``ramping.one_way``            ramping                stat   one account walks the price one way
==============================  =====================  =====  ==================================
"""

from __future__ import annotations

from collections.abc import Mapping

from seawall.surveillance.detectors.base import Detector, Emit, Event, Handler
from seawall.surveillance.detectors.collusion import WashCollusion
from seawall.surveillance.detectors.exact import OperatorLinkedAccount, WashSameOwner
from seawall.surveillance.detectors.front_running import FrontRunningAheadOfLarge
from seawall.surveillance.detectors.momentum import (
    MarkingTheClose,
    PumpCoordinated,
    RampingOneWay,
)
from seawall.surveillance.detectors.spoofing import SpoofingCancelledAway
from seawall.surveillance.state import ParameterValue
from seawall.surveillance.tape import Tape

__all__ = [
    "DETECTORS",
    "Detector",
    "Emit",
    "Event",
    "FrontRunningAheadOfLarge",
    "Handler",
    "MarkingTheClose",
    "OperatorLinkedAccount",
    "PumpCoordinated",
    "RampingOneWay",
    "SpoofingCancelledAway",
    "WashCollusion",
    "WashSameOwner",
    "build",
    "register",
]

#: The standard detectors, by name, in the order they see each event.
DETECTORS: dict[str, type[Detector]] = {
    each.name: each
    for each in (
        WashSameOwner,
        WashCollusion,
        OperatorLinkedAccount,
        SpoofingCancelledAway,
        PumpCoordinated,
        FrontRunningAheadOfLarge,
        MarkingTheClose,
        RampingOneWay,
    )
}


def register(detector: type[Detector]) -> type[Detector]:
    """Add a detector class to ``DETECTORS`` (usable as a class decorator)."""
    if not detector.name or detector.name in DETECTORS:
        raise ValueError(f"detector name {detector.name!r} is empty or taken")
    DETECTORS[detector.name] = detector
    return detector


def build(
    tape: Tape,
    emit: Emit,
    names: list[str] | None = None,
    parameters: Mapping[str, Mapping[str, ParameterValue]] | None = None,
) -> list[Detector]:
    """Instances of the named detectors (all, by default), with ``parameters[name]`` as
    overrides of their defaults."""
    chosen = list(DETECTORS) if names is None else names
    parameters = parameters or {}
    unknown = sorted(set(chosen) - set(DETECTORS)) + sorted(set(parameters) - set(chosen))
    if unknown:
        raise ValueError(f"unknown detectors {unknown}")
    return [DETECTORS[name](tape, emit, **parameters.get(name, {})) for name in chosen]
