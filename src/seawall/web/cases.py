"""The regulator console's case desk: what it shows of surveillance's registers, and the
surveillance commands its actions become.

Shown without a journaled read: surveillance's alerts (public in full already: pseudonyms,
evidence, detector and parameters, as journaled) and the case queue, the register's index (id,
status, who leads it, how many alerts, first and latest step). A case file itself (subjects,
reasons, notes, shares, warrants, reads, history) is shown only in the reply to a journaled
``RecordAccess`` by the regulator, or to an accepted action on that case, whose own journal
entry records that the regulator touched it.

Each action is one surveillance command submitted as ``regulator`` (the case desk, see
``seawall.surveillance.machine``); the machine, not this module, decides whether it is allowed,
so a bad transition comes back as a journaled rejection with its stable code. Only a body of
the wrong shape (a missing field, a field that is not a string, an unknown outcome) is refused
here, before anything is journaled.
"""

from __future__ import annotations

import json
from typing import Any, Final

import msgspec

from seawall.surveillance import machine as surveillance_machine
from seawall.surveillance.commands import (
    AddNote,
    AssignCase,
    CloseCase,
    EscalateCase,
    OpenCase,
    RecordAccess,
    SurveillanceCommand,
)
from seawall.surveillance.state import Agency, CaseOutcome, CaseRecord, SurveillanceState

__all__ = [
    "CASE_ACTIONS",
    "CONSOLE_PURPOSE",
    "case_command",
    "case_desk",
    "case_detail",
    "new_case_command",
]

#: The actions on an existing case, by the last segment of their console route.
CASE_ACTIONS: Final = ("read", "assign", "escalate", "note", "close")
#: The purpose recorded with a read when the analyst gives none.
CONSOLE_PURPOSE: Final = "case review in the regulator console"
#: Alerts and cases listed in the console (the latest alerts; the queue's first rows).
desk_rows_max: Final = 500
#: Alerts one case may be opened on from the console.
open_alerts_max: Final = 100


def _plain(value: Any) -> Any:
    return json.loads(msgspec.json.encode(value))


def _text(body: dict[str, Any], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if value is None:
        raise KeyError(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def case_desk(state: SurveillanceState) -> dict[str, Any]:
    """The console's view of surveillance: the latest alerts (with the cases holding each) and
    the case queue (escalated, then open, then closed; newest first within each)."""
    records = surveillance_machine.cases(state)
    holding: dict[str, list[str]] = {}
    for record in records:
        for alert_id in record.alert_ids:
            holding.setdefault(alert_id, []).append(record.case_id)
    alerts = []
    for alert in surveillance_machine.alerts(state)[-desk_rows_max:]:
        row = _plain(alert)
        row["cases"] = holding.get(alert.alert_id, [])
        alerts.append(row)
    rank = {"escalated": 0, "open": 1, "closed": 2}
    queue = sorted(records, key=lambda r: (rank[str(r.status)], -r.opened_seq))
    return {
        "alerts": alerts,
        "cases": [
            {
                "case_id": record.case_id,
                "status": str(record.status),
                "assignee": record.assignee,
                "alerts": len(record.alert_ids),
                "opened_seq": record.opened_seq,
                "opened_timestamp_ns": record.opened_timestamp_ns,
                "last_seq": record.history[-1].seq,
                "outcome": None if record.outcome is None else str(record.outcome),
            }
            for record in queue[:desk_rows_max]
        ],
    }


def case_detail(record: CaseRecord) -> dict[str, Any]:
    """A case file for the console: the record as kept, who leads it, and its history."""
    detail: dict[str, Any] = _plain(record)
    detail["assignee"] = record.assignee
    detail["history"] = _plain(record.history)
    return detail


def new_case_command(body: dict[str, Any], case_id: str) -> OpenCase:
    """``OpenCase`` from ``{"alert_ids": [...], "analyst", "reason"}``: the analyst who opens
    the case leads it. Raises ``KeyError`` or ``ValueError`` on a body of the wrong shape."""
    alert_ids = body.get("alert_ids")
    if not isinstance(alert_ids, list) or not all(isinstance(a, str) for a in alert_ids):
        raise ValueError("alert_ids must be a list of alert ids")
    if len(alert_ids) > open_alerts_max:
        raise ValueError(f"at most {open_alerts_max} alerts per case from the console")
    return OpenCase(
        case_id=case_id,
        alert_ids=tuple(alert_ids),
        investigator=_text(body, "analyst"),
        reason=_text(body, "reason"),
    )


def case_command(action: str, body: dict[str, Any]) -> SurveillanceCommand:
    """The command for ``action`` (one of ``CASE_ACTIONS``) on ``body["case_id"]``:

    * ``read`` ``{"analyst", "purpose"?}``: ``RecordAccess`` by the regulator;
    * ``assign`` ``{"analyst", "reason"}``: ``AssignCase``;
    * ``escalate`` ``{"reason"}``: ``EscalateCase``;
    * ``note`` ``{"analyst", "note"}``: ``AddNote`` by that analyst;
    * ``close`` ``{"outcome", "reason"}``: ``CloseCase`` (``no_action``, ``referred``,
      ``enforcement``).

    Raises ``KeyError`` or ``ValueError`` on a body of the wrong shape."""
    case_id = _text(body, "case_id")
    if action == "read":
        return RecordAccess(
            case_id=case_id,
            agency=Agency.REGULATOR,
            accessor=_text(body, "analyst"),
            purpose=_text(body, "purpose", CONSOLE_PURPOSE),
        )
    if action == "assign":
        return AssignCase(
            case_id=case_id, analyst=_text(body, "analyst"), reason=_text(body, "reason")
        )
    if action == "escalate":
        return EscalateCase(case_id=case_id, reason=_text(body, "reason"))
    if action == "note":
        return AddNote(case_id=case_id, author=_text(body, "analyst"), note=_text(body, "note"))
    if action == "close":
        outcome = _text(body, "outcome")
        if outcome not in {str(each) for each in CaseOutcome}:
            raise ValueError(f"outcome must be one of {', '.join(CaseOutcome)}")
        return CloseCase(
            case_id=case_id, outcome=CaseOutcome(outcome), reason=_text(body, "reason")
        )
    raise ValueError(f"no case action {action!r}")
