"""What may be asked of the regulator: immutable commands, tagged ``"regulator.<name>"``.

Only the submitter ``regulator`` may submit the regulator's own commands (licensing, halts,
retail admission, warrants, reconciliation runs). ``RecordBreak`` and ``RecordAlert`` are
submitted by ``kernel`` alone: the kernel computes reconciliation breaks from every book after a
``RunReconciliation`` and raises supervisory alerts it finds while routing.

Every decision that touches an institution or a market carries a reason, journaled with it; a
warrant, which reveals who is behind a pseudonym, needs a justification of at least
``regulator_warrant_reason_length_min`` characters and names the officer who asked.

All figures are ``int`` minor units; no command has a float. Commands are checked by
``machine.decide``, not on construction, so that a malformed command is journaled with its
rejection rather than lost.
"""

from __future__ import annotations

import msgspec

from seawall.regulator.state import BreakKind, Role

__all__ = [
    "COMMANDS",
    "AdmitForRetail",
    "GrantLicence",
    "HaltMarket",
    "IssueWarrant",
    "ReinstateLicence",
    "RecordAlert",
    "RecordBreak",
    "RegulatorCommand",
    "ResumeMarket",
    "RevokeLicence",
    "RunReconciliation",
    "SuspendLicence",
    "WithdrawRetailAdmission",
]


class GrantLicence(msgspec.Struct, frozen=True, tag="regulator.grant_licence", tag_field="k"):
    """License ``institution_id`` to act as ``role``."""

    institution_id: str
    role: Role
    reason: str


class SuspendLicence(msgspec.Struct, frozen=True, tag="regulator.suspend_licence", tag_field="k"):
    """Stop an active licensee from acting until reinstated."""

    institution_id: str
    reason: str


class ReinstateLicence(
    msgspec.Struct, frozen=True, tag="regulator.reinstate_licence", tag_field="k"
):
    """Lift a suspension."""

    institution_id: str
    reason: str


class RevokeLicence(msgspec.Struct, frozen=True, tag="regulator.revoke_licence", tag_field="k"):
    """Withdraw a licence for good (active or suspended); the id can never be licensed again."""

    institution_id: str
    reason: str


class HaltMarket(msgspec.Struct, frozen=True, tag="regulator.halt_market", tag_field="k"):
    """Order the venue to halt ``symbol`` (the kernel routes it)."""

    symbol: str
    reason: str


class ResumeMarket(msgspec.Struct, frozen=True, tag="regulator.resume_market", tag_field="k"):
    """Order the venue to resume a halted market."""

    symbol: str
    reason: str


class AdmitForRetail(msgspec.Struct, frozen=True, tag="regulator.admit_for_retail", tag_field="k"):
    """Admit the token traded in ``symbol`` for retail clients (the kernel tells the brokers)."""

    symbol: str
    reason: str


class WithdrawRetailAdmission(
    msgspec.Struct, frozen=True, tag="regulator.withdraw_retail_admission", tag_field="k"
):
    """Withdraw a market's admission for retail clients."""

    symbol: str
    reason: str


class IssueWarrant(msgspec.Struct, frozen=True, tag="regulator.issue_warrant", tag_field="k"):
    """Reveal who is behind the pseudonym ``account_id`` (the kernel routes it to identity)."""

    warrant_id: str
    account_id: str
    reason: str
    officer: str


class RunReconciliation(
    msgspec.Struct, frozen=True, tag="regulator.run_reconciliation", tag_field="k"
):
    """Start reconciliation cycle ``cycle`` (strictly above the last); the kernel then submits
    one ``RecordBreak`` per break it finds across the books."""

    cycle: int


class RecordBreak(msgspec.Struct, frozen=True, tag="regulator.record_break", tag_field="k"):
    """A reconciliation break found in ``cycle`` (submitted by ``kernel`` only).

    ``ledger_minor``, ``custody_minor``, ``clearing_minor`` and ``broker_minor`` are the figures
    compared (see ``BreakKind``); ``difference_minor`` is the kernel's signed measure of the gap.
    ``broker_id`` and ``account_id`` are required for a ``client_balance`` break and may be
    ``""`` for a ``wallet`` break.
    """

    cycle: int
    kind: BreakKind
    broker_id: str
    account_id: str
    asset: str
    ledger_minor: int
    custody_minor: int
    clearing_minor: int
    broker_minor: int
    difference_minor: int
    detail: str = ""


class RecordAlert(msgspec.Struct, frozen=True, tag="regulator.record_alert", tag_field="k"):
    """A supervisory alert from ``source`` (submitted by ``kernel`` only), e.g. a trade by an
    account that no broker knows."""

    source: str
    code: str
    detail: str = ""


#: Every regulator command, decodable by its ``"k"`` tag.
RegulatorCommand = (
    GrantLicence
    | SuspendLicence
    | ReinstateLicence
    | RevokeLicence
    | HaltMarket
    | ResumeMarket
    | AdmitForRetail
    | WithdrawRetailAdmission
    | IssueWarrant
    | RunReconciliation
    | RecordBreak
    | RecordAlert
)

COMMANDS: tuple[type[RegulatorCommand], ...] = (
    GrantLicence,
    SuspendLicence,
    ReinstateLicence,
    RevokeLicence,
    HaltMarket,
    ResumeMarket,
    AdmitForRetail,
    WithdrawRetailAdmission,
    IssueWarrant,
    RunReconciliation,
    RecordBreak,
    RecordAlert,
)
