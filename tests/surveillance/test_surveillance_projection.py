"""What the public projection must do with surveillance's fields (the kernel classifies them in
``kernel/projection.py``): alerts are public in full, so that anyone can re-run the detectors
over the public log and check them; a case's free text and the people who work it are private.
The evidence and parameter keys detectors write must not collide with a field name the
projection hashes, or a public alert could no longer be compared with its re-run."""

from __future__ import annotations

import inspect
import re
import typing
from typing import Any

import msgspec

from seawall.kernel.projection import PRIVATE_FIELDS, PUBLIC_FIELDS
from seawall.surveillance import COMMANDS, EVENTS
from seawall.surveillance.detectors import DETECTORS

#: The classification proposed to the kernel owner (field name -> public?).
PROPOSED_PUBLIC = frozenset(
    {
        "k",
        "alert_id",
        "alert_ids",
        "alert_type",
        "detector",
        "detector_version",
        "parameters",
        "seq_from",
        "seq_to",
        "observed_ns",
        "symbol",
        "subjects",
        "subject",
        "evidence",
        "case_id",
        "agency",
        "warrant_id",
        "outcome",
        "seq",
        "timestamp_ns",
    }
)
PROPOSED_PRIVATE = frozenset({"investigator", "accessor", "purpose", "analyst", "author", "note"})
#: ``reason`` is public elsewhere; in these tags it may describe a person: private there.
PROPOSED_PRIVATE_IN = {
    tag: frozenset({"reason"})
    for tag in (
        "surveillance.open_case",
        "surveillance.case_opened",
        "surveillance.share_case",
        "surveillance.case_shared",
        "surveillance.revoke_share",
        "surveillance.share_revoked",
        "surveillance.close_case",
        "surveillance.case_closed",
        "surveillance.assign_case",
        "surveillance.case_assigned",
        "surveillance.escalate_case",
        "surveillance.case_escalated",
    )
}


def _names(kind: Any) -> set[str]:
    names = set(kind.__struct_fields__)
    for hint in typing.get_type_hints(kind).values():
        for inner in [hint, *typing.get_args(hint)]:
            if isinstance(inner, type) and issubclass(inner, msgspec.Struct):
                names |= _names(inner)
    return names


def test_every_field_has_a_proposed_class() -> None:
    names: set[str] = set()
    for kind in (*COMMANDS, *EVENTS):
        names |= _names(kind)
    names.discard("reason")
    assert names <= PROPOSED_PUBLIC | PROPOSED_PRIVATE, names - PROPOSED_PUBLIC - PROPOSED_PRIVATE
    assert not PROPOSED_PUBLIC & PRIVATE_FIELDS, "an alert field the projection would hash"
    tags = {kind.__struct_config__.tag for kind in (*COMMANDS, *EVENTS)}
    assert set(PROPOSED_PRIVATE_IN) <= tags


def test_the_proposal_is_consistent_with_the_kernel_sets() -> None:
    # Fields already classified must keep their class; new ones are listed in the report.
    assert not PROPOSED_PRIVATE & PUBLIC_FIELDS
    assert not PROPOSED_PUBLIC & PRIVATE_FIELDS


def test_evidence_and_parameter_keys_survive_the_projection() -> None:
    """Every ``"key": value`` a detector module writes (its parameters and its evidence)."""
    keys: set[str] = set()
    for detector in DETECTORS.values():
        keys |= set(detector.defaults)
        module = inspect.getmodule(detector)
        assert module is not None
        keys |= set(re.findall(r'^\s+"([a-z_]+)": ', inspect.getsource(module), re.MULTILINE))
    assert {"link", "trade_id", "spoof_events", "lift_permille"} <= keys
    assert sorted(keys & PRIVATE_FIELDS) == []
