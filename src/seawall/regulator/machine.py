"""The regulator's state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore``, and the read helpers the kernel and the pages use
(``authorise`` first among them: the kernel's licence stage asks it before any other
institution decides a command submitted from outside).

``decide`` first checks who submitted the command: ``regulator`` for the regulator's own
commands, ``kernel`` for ``RecordBreak`` and ``RecordAlert`` (WRONG_SUBMITTER otherwise). It
then checks the command's fields in the order they are declared and returns the first rejection
that applies. A reason, an officer or a detail is checked as text, in this order: a string
(INVALID_TEXT), not blank where required (REASON_REQUIRED / OFFICER_REQUIRED), within its
``*_length_max`` (TEXT_TOO_LONG), one line without control characters (INVALID_TEXT), no
leading or trailing blanks (INVALID_TEXT). These are identity's rules for free text too, so a
warrant's justification that the regulator accepts is one identity's disclosure accepts.

* ``GrantLicence``: institution id (INVALID_ID), role (INVALID_ROLE), reason, then the register:
  the id was revoked (LICENCE_REVOKED) or is licensed (LICENCE_EXISTS); room (REGISTER_FULL).
* ``SuspendLicence`` / ``ReinstateLicence`` / ``RevokeLicence``: institution id (INVALID_ID),
  reason, the licence (UNKNOWN_LICENCE), revoked (LICENCE_REVOKED), then LICENCE_NOT_ACTIVE /
  LICENCE_NOT_SUSPENDED; room in the licence's history (REGISTER_FULL; a revocation always
  fits).
* ``HaltMarket`` / ``ResumeMarket``: symbol (INVALID_SYMBOL), reason, then
  MARKET_ALREADY_HALTED (and REGISTER_FULL) / MARKET_NOT_HALTED.
* ``AdmitForRetail`` / ``WithdrawRetailAdmission``: symbol, reason, then ALREADY_ADMITTED (and
  REGISTER_FULL) / NOT_ADMITTED.
* ``IssueWarrant``: warrant id (INVALID_ID, DUPLICATE_WARRANT), account id (INVALID_ID), reason
  (then REASON_TOO_SHORT), officer, room (REGISTER_FULL).
* ``RunReconciliation``: cycle (INVALID_CYCLE, CYCLE_NOT_INCREASING).
* ``RecordBreak``: cycle (INVALID_CYCLE, UNKNOWN_CYCLE unless it is the last cycle started),
  kind (INVALID_BREAK_KIND), broker id and account id (INVALID_ID; either may be ``""`` for a
  wallet break), asset (INVALID_ASSET), the ledger, custody, clearing, broker and difference
  figures in that order (INVALID_AMOUNT), detail, figures that agree (NOT_A_BREAK), the same
  break already recorded in the cycle (DUPLICATE_BREAK), room (REGISTER_FULL).
* ``RecordAlert``: source and code (INVALID_ID), detail, room (REGISTER_FULL).
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Final

from seawall.core import limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import check_asset_code, check_id
from seawall.core.machine import Context, Rejection, reject, require_sorted_unique
from seawall.regulator.commands import (
    AdmitForRetail,
    GrantLicence,
    HaltMarket,
    IssueWarrant,
    RecordAlert,
    RecordBreak,
    RegulatorCommand,
    ReinstateLicence,
    ResumeMarket,
    RevokeLicence,
    RunReconciliation,
    SuspendLicence,
    WithdrawRetailAdmission,
)
from seawall.regulator.events import (
    AlertRecorded,
    BreakRecorded,
    LicenceGranted,
    LicenceReinstated,
    LicenceRevoked,
    LicenceSuspended,
    MarketHaltOrdered,
    MarketResumeOrdered,
    ReconciliationStarted,
    RegulatorEvent,
    RetailAdmissionGranted,
    RetailAdmissionWithdrawn,
    WarrantIssued,
)
from seawall.regulator.rejections import RegulatorRejection as R
from seawall.regulator.state import (
    LICENCE_TRANSITIONS,
    STATE_HASH_DOMAIN,
    AlertRecord,
    BreakKind,
    BreakRecord,
    Licence,
    LicenceChange,
    LicenceRecord,
    LicenceStatus,
    MarketRecord,
    RegulatorSnapshot,
    RegulatorState,
    Role,
    WarrantRecord,
)

__all__ = [
    "KERNEL_SUBMITTER",
    "REGULATOR_SUBMITTER",
    "STATE_HASH_DOMAIN",
    "alerts",
    "authorise",
    "breaks",
    "canonical",
    "check_invariants",
    "decide",
    "evolve",
    "halted_markets",
    "is_halted",
    "is_retail_admitted",
    "last_cycle",
    "licence",
    "licences",
    "restore",
    "retail_markets",
    "snapshot",
    "state_hash",
    "warrant",
    "warrants",
]

#: The only submitter of the regulator's own commands.
REGULATOR_SUBMITTER: Final = "regulator"
#: The only submitter of ``RecordBreak`` and ``RecordAlert`` (commands the kernel derives).
KERNEL_SUBMITTER: Final = "kernel"

_AMOUNT_MAX: Final = limits.amount_minor_max
#: Market symbols as the venue lists them (``BTCUSDT``, ``BTC-USD``).
_SYMBOL_PATTERN: Final = re.compile(r"[A-Z0-9][A-Z0-9._\-]*")
#: C0 and C1 control characters (a newline included: every text is one line).
_CONTROL_PATTERN: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ROLE_VALUES: Final = frozenset(int(role) for role in Role)
_BREAK_KIND_VALUES: Final = frozenset(str(kind) for kind in BreakKind)

_BreakKey = tuple[str, str, str, str]


# --- decide ---------------------------------------------------------------------------------------


def decide(
    state: RegulatorState, command: RegulatorCommand, ctx: Context
) -> list[RegulatorEvent] | Rejection:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, RecordBreak | RecordAlert):
        rejection = _wrong_submitter(ctx, KERNEL_SUBMITTER, command)
        if rejection is not None:
            return rejection
        if isinstance(command, RecordBreak):
            return _decide_record_break(state, command, ctx)
        return _decide_record_alert(state, command, ctx)
    if not isinstance(command, _REGULATOR_COMMANDS):
        raise InvariantViolation(
            f"regulator.decide given a non-regulator command {type(command).__name__}"
        )
    # A reconciliation runs on demand (the regulator) or at each clearing cycle's end (kernel).
    if not (isinstance(command, RunReconciliation) and ctx.submitter == KERNEL_SUBMITTER):
        rejection = _wrong_submitter(ctx, REGULATOR_SUBMITTER, command)
        if rejection is not None:
            return rejection
    if isinstance(command, GrantLicence):
        return _decide_grant(state, command, ctx)
    if isinstance(command, SuspendLicence | ReinstateLicence | RevokeLicence):
        return _decide_licence_change(state, command, ctx)
    if isinstance(command, HaltMarket | ResumeMarket):
        return _decide_halt(state, command)
    if isinstance(command, AdmitForRetail | WithdrawRetailAdmission):
        return _decide_retail(state, command)
    if isinstance(command, IssueWarrant):
        return _decide_warrant(state, command, ctx)
    return _decide_reconciliation(state, command, ctx)


_REGULATOR_COMMANDS: Final = (
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
)


def _wrong_submitter(ctx: Context, expected: str, command: object) -> Rejection | None:
    if ctx.submitter != expected:
        return reject(
            R.WRONG_SUBMITTER,
            f"only {expected!r} may submit {type(command).__name__}, not {ctx.submitter!r}",
        )
    return None


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    """``INVALID_ID`` if ``value`` is not a well-formed id, else ``None``."""
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _bad_symbol(symbol: object) -> Rejection | None:
    if (
        not isinstance(symbol, str)
        or not 0 < len(symbol) <= limits.venue_symbol_length_max
        or _SYMBOL_PATTERN.fullmatch(symbol) is None
    ):
        return reject(
            R.INVALID_SYMBOL,
            f"symbol must be 1..{limits.venue_symbol_length_max} characters of A-Z 0-9 . _ - "
            f"starting with a letter or digit, got {symbol!r}",
        )
    return None


def _bad_text(
    text: object, what: str, length_max: int, required: R | None = None
) -> Rejection | None:
    """Why ``text`` is not acceptable free text (see the module docstring), or ``None``."""
    if not isinstance(text, str):
        return reject(R.INVALID_TEXT, f"{what} must be a string, got {type(text).__name__}")
    if required is not None and not text.strip():
        return reject(required, f"{what} is required, got {text!r}")
    if len(text) > length_max:
        return reject(R.TEXT_TOO_LONG, f"{what} has {len(text)} characters, over {length_max}")
    if _CONTROL_PATTERN.search(text) is not None:
        return reject(R.INVALID_TEXT, f"{what} contains a control character")
    if text.strip() != text:
        return reject(R.INVALID_TEXT, f"{what} has leading or trailing blanks")
    return None


def _bad_reason(reason: object) -> Rejection | None:
    return _bad_text(reason, "reason", limits.regulator_reason_length_max, R.REASON_REQUIRED)


def _bad_institution_id(institution_id: object) -> Rejection | None:
    return _bad_id(institution_id, "institution id", limits.regulator_institution_id_length_max)


def _decide_grant(
    state: RegulatorState, command: GrantLicence, ctx: Context
) -> list[RegulatorEvent] | Rejection:
    institution_id = command.institution_id
    rejection = _bad_institution_id(institution_id)
    if rejection is not None:
        return rejection
    role = command.role
    if isinstance(role, bool) or not isinstance(role, int) or role not in _ROLE_VALUES:
        return reject(R.INVALID_ROLE, f"role {role!r} is not one of Role")
    rejection = _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    existing = state.licences.get(institution_id)
    if existing is not None:
        if existing.status is LicenceStatus.REVOKED:
            return reject(
                R.LICENCE_REVOKED,
                f"{institution_id!r} had its licence revoked; revocation is final",
            )
        return reject(
            R.LICENCE_EXISTS,
            f"{institution_id!r} already holds a {existing.status} "
            f"{existing.role.name.lower()} licence",
        )
    if len(state.licences) >= limits.regulator_licences_max:
        return reject(
            R.REGISTER_FULL, f"regulator_licences_max {limits.regulator_licences_max} reached"
        )
    return [
        LicenceGranted(
            institution_id=institution_id,
            role=Role(role),
            reason=command.reason,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_licence_change(
    state: RegulatorState,
    command: SuspendLicence | ReinstateLicence | RevokeLicence,
    ctx: Context,
) -> list[RegulatorEvent] | Rejection:
    institution_id = command.institution_id
    rejection = _bad_institution_id(institution_id) or _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    licence_ = state.licences.get(institution_id)
    if licence_ is None:
        return reject(R.UNKNOWN_LICENCE, f"{institution_id!r} holds no licence")
    if licence_.status is LicenceStatus.REVOKED:
        return reject(
            R.LICENCE_REVOKED, f"{institution_id!r} had its licence revoked; revocation is final"
        )
    fields = (institution_id, command.reason, ctx.seq, ctx.timestamp_ns)
    if isinstance(command, RevokeLicence):
        return [LicenceRevoked(*fields)]
    if isinstance(command, SuspendLicence):
        if licence_.status is not LicenceStatus.ACTIVE:
            return reject(R.LICENCE_NOT_ACTIVE, f"{institution_id!r} licence is {licence_.status}")
        event: RegulatorEvent = LicenceSuspended(*fields)
    else:
        if licence_.status is not LicenceStatus.SUSPENDED:
            return reject(
                R.LICENCE_NOT_SUSPENDED, f"{institution_id!r} licence is {licence_.status}"
            )
        event = LicenceReinstated(*fields)
    # The last slot of a licence's history is kept for its revocation.
    if len(licence_.history) >= limits.regulator_licence_changes_max - 1:
        return reject(
            R.REGISTER_FULL,
            f"{institution_id!r} licence history holds {len(licence_.history)} changes, "
            f"regulator_licence_changes_max is {limits.regulator_licence_changes_max}",
        )
    return [event]


def _decide_halt(
    state: RegulatorState, command: HaltMarket | ResumeMarket
) -> list[RegulatorEvent] | Rejection:
    symbol = command.symbol
    rejection = _bad_symbol(symbol) or _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    if isinstance(command, ResumeMarket):
        if symbol not in state.halted:
            return reject(R.MARKET_NOT_HALTED, f"market {symbol} is not halted")
        return [MarketResumeOrdered(symbol=symbol, reason=command.reason)]
    if symbol in state.halted:
        return reject(
            R.MARKET_ALREADY_HALTED, f"market {symbol} is already halted: {state.halted[symbol]}"
        )
    if len(state.halted) >= limits.regulator_markets_max:
        return reject(
            R.REGISTER_FULL, f"{len(state.halted)} markets halted, regulator_markets_max reached"
        )
    return [MarketHaltOrdered(symbol=symbol, reason=command.reason)]


def _decide_retail(
    state: RegulatorState, command: AdmitForRetail | WithdrawRetailAdmission
) -> list[RegulatorEvent] | Rejection:
    symbol = command.symbol
    rejection = _bad_symbol(symbol) or _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    if isinstance(command, WithdrawRetailAdmission):
        if symbol not in state.retail:
            return reject(R.NOT_ADMITTED, f"market {symbol} is not admitted for retail")
        return [RetailAdmissionWithdrawn(symbol=symbol, reason=command.reason)]
    if symbol in state.retail:
        return reject(R.ALREADY_ADMITTED, f"market {symbol} is already admitted for retail")
    if len(state.retail) >= limits.regulator_markets_max:
        return reject(
            R.REGISTER_FULL,
            f"{len(state.retail)} markets admitted for retail, regulator_markets_max reached",
        )
    return [RetailAdmissionGranted(symbol=symbol, reason=command.reason)]


def _decide_warrant(
    state: RegulatorState, command: IssueWarrant, ctx: Context
) -> list[RegulatorEvent] | Rejection:
    warrant_id = command.warrant_id
    rejection = _bad_id(warrant_id, "warrant id", limits.regulator_warrant_id_length_max)
    if rejection is not None:
        return rejection
    if warrant_id in state.warrants:
        return reject(R.DUPLICATE_WARRANT, f"warrant {warrant_id!r} was already issued")
    rejection = _bad_id(command.account_id, "account id", limits.account_id_length_max)
    if rejection is not None:
        return rejection
    reason = command.reason
    rejection = _bad_reason(reason)
    if rejection is not None:
        return rejection
    trimmed = len(reason.strip())
    if trimmed < limits.regulator_warrant_reason_length_min:
        return reject(
            R.REASON_TOO_SHORT,
            f"a warrant needs a justification of at least "
            f"{limits.regulator_warrant_reason_length_min} characters, got {trimmed}",
        )
    rejection = _bad_text(
        command.officer, "officer", limits.regulator_officer_length_max, R.OFFICER_REQUIRED
    )
    if rejection is not None:
        return rejection
    if len(state.warrants) >= limits.regulator_warrants_max:
        return reject(
            R.REGISTER_FULL, f"regulator_warrants_max {limits.regulator_warrants_max} reached"
        )
    return [
        WarrantIssued(
            warrant_id=warrant_id,
            account_id=command.account_id,
            reason=reason,
            officer=command.officer,
            issued_timestamp_ns=ctx.timestamp_ns,
            seq=ctx.seq,
        )
    ]


def _bad_cycle(cycle: object) -> Rejection | None:
    if type(cycle) is not int or not 1 <= cycle <= limits.regulator_cycle_max:
        return reject(
            R.INVALID_CYCLE,
            f"cycle must be an integer in 1..regulator_cycle_max, got {cycle!r}",
        )
    return None


def _decide_reconciliation(
    state: RegulatorState, command: RunReconciliation, ctx: Context
) -> list[RegulatorEvent] | Rejection:
    cycle = command.cycle
    rejection = _bad_cycle(cycle)
    if rejection is not None:
        return rejection
    if cycle <= state.last_cycle:
        return reject(
            R.CYCLE_NOT_INCREASING,
            f"cycle {cycle} is not above the last cycle run, {state.last_cycle}",
        )
    return [ReconciliationStarted(cycle=cycle, seq=ctx.seq, timestamp_ns=ctx.timestamp_ns)]


def _figures_agree(
    kind: str, ledger_minor: int, custody_minor: int, clearing_minor: int, broker_minor: int
) -> bool:
    """Whether the books agree for a break of ``kind`` (see ``BreakKind``)."""
    if kind == BreakKind.WALLET:
        return ledger_minor == custody_minor
    return ledger_minor == custody_minor + clearing_minor == broker_minor


def _decide_record_break(
    state: RegulatorState, command: RecordBreak, ctx: Context
) -> list[RegulatorEvent] | Rejection:
    cycle = command.cycle
    rejection = _bad_cycle(cycle)
    if rejection is not None:
        return rejection
    if cycle != state.last_cycle:
        return reject(
            R.UNKNOWN_CYCLE,
            f"breaks are recorded for the last cycle started ({state.last_cycle}), not {cycle}",
        )
    kind = command.kind
    if not isinstance(kind, str) or kind not in _BREAK_KIND_VALUES:
        return reject(R.INVALID_BREAK_KIND, f"break kind {kind!r} is not one of BreakKind")
    optional = kind == BreakKind.WALLET
    for value, what in ((command.broker_id, "broker id"), (command.account_id, "account id")):
        if not (optional and value == ""):
            rejection = _bad_id(value, what, limits.account_id_length_max)
            if rejection is not None:
                return rejection
    asset = command.asset
    try:
        check_asset_code(asset, limits.asset_code_length_max)
    except (ConditionFailed, TypeError):
        return reject(R.INVALID_ASSET, f"asset must be an upper-case ticker, got {asset!r}")
    figures = (
        ("ledger_minor", command.ledger_minor),
        ("custody_minor", command.custody_minor),
        ("clearing_minor", command.clearing_minor),
        ("broker_minor", command.broker_minor),
        ("difference_minor", command.difference_minor),
    )
    for name, figure in figures:
        if type(figure) is not int or not -_AMOUNT_MAX <= figure <= _AMOUNT_MAX:
            return reject(
                R.INVALID_AMOUNT,
                f"{name} must be an integer within amount_minor_max, got {figure!r}",
            )
    rejection = _bad_text(command.detail, "detail", limits.regulator_detail_length_max)
    if rejection is not None:
        return rejection
    if _figures_agree(
        kind,
        command.ledger_minor,
        command.custody_minor,
        command.clearing_minor,
        command.broker_minor,
    ):
        return reject(
            R.NOT_A_BREAK,
            f"{kind} figures agree (ledger {command.ledger_minor}, custody "
            f"{command.custody_minor}, clearing {command.clearing_minor}, broker "
            f"{command.broker_minor}): nothing to record",
        )
    if (str(kind), command.broker_id, command.account_id, asset) in state.break_keys:
        return reject(
            R.DUPLICATE_BREAK,
            f"cycle {cycle} already has a {kind} break for broker {command.broker_id!r}, "
            f"account {command.account_id!r}, {asset}",
        )
    if len(state.breaks) >= limits.regulator_breaks_max:
        return reject(
            R.REGISTER_FULL, f"regulator_breaks_max {limits.regulator_breaks_max} reached"
        )
    return [
        BreakRecorded(
            cycle=cycle,
            kind=BreakKind(kind),
            broker_id=command.broker_id,
            account_id=command.account_id,
            asset=asset,
            ledger_minor=command.ledger_minor,
            custody_minor=command.custody_minor,
            clearing_minor=command.clearing_minor,
            broker_minor=command.broker_minor,
            difference_minor=command.difference_minor,
            detail=command.detail,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


def _decide_record_alert(
    state: RegulatorState, command: RecordAlert, ctx: Context
) -> list[RegulatorEvent] | Rejection:
    rejection = (
        _bad_id(command.source, "alert source", limits.regulator_institution_id_length_max)
        or _bad_id(command.code, "alert code", limits.regulator_alert_code_length_max)
        or _bad_text(command.detail, "detail", limits.regulator_detail_length_max)
    )
    if rejection is not None:
        return rejection
    if len(state.alerts) >= limits.regulator_alerts_max:
        return reject(
            R.REGISTER_FULL, f"regulator_alerts_max {limits.regulator_alerts_max} reached"
        )
    return [
        AlertRecorded(
            source=command.source,
            code=command.code,
            detail=command.detail,
            seq=ctx.seq,
            timestamp_ns=ctx.timestamp_ns,
        )
    ]


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: RegulatorState, event: RegulatorEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    if isinstance(event, BreakRecorded):
        key = (str(event.kind), event.broker_id, event.account_id, event.asset)
        invariant(event.cycle == state.last_cycle, "BreakRecorded for a cycle not in progress")
        invariant(key not in state.break_keys, "BreakRecorded twice in one cycle")
        state.breaks.append(_break_record(event))
        state.break_keys.add(key)
    elif isinstance(event, AlertRecorded):
        state.alerts.append(
            AlertRecord(event.source, event.code, event.detail, event.seq, event.timestamp_ns)
        )
    elif isinstance(event, LicenceGranted):
        invariant(event.institution_id not in state.licences, "LicenceGranted twice")
        invariant(event.role in _ROLE_VALUES, "LicenceGranted with a role that is not a Role")
        grant = LicenceChange(event.seq, event.timestamp_ns, LicenceStatus.ACTIVE, event.reason)
        state.licences[event.institution_id] = Licence(Role(event.role), grant)
    elif isinstance(event, LicenceSuspended):
        _change_licence(state, event, LicenceStatus.SUSPENDED)
    elif isinstance(event, LicenceReinstated):
        _change_licence(state, event, LicenceStatus.ACTIVE)
    elif isinstance(event, LicenceRevoked):
        _change_licence(state, event, LicenceStatus.REVOKED)
    elif isinstance(event, MarketHaltOrdered):
        invariant(event.symbol not in state.halted, "MarketHaltOrdered for a halted market")
        state.halted[event.symbol] = event.reason
    elif isinstance(event, MarketResumeOrdered):
        invariant(event.symbol in state.halted, "MarketResumeOrdered for a market not halted")
        del state.halted[event.symbol]
    elif isinstance(event, RetailAdmissionGranted):
        invariant(event.symbol not in state.retail, "RetailAdmissionGranted twice")
        state.retail[event.symbol] = event.reason
    elif isinstance(event, RetailAdmissionWithdrawn):
        invariant(
            event.symbol in state.retail, "RetailAdmissionWithdrawn for a market not admitted"
        )
        del state.retail[event.symbol]
    elif isinstance(event, WarrantIssued):
        invariant(event.warrant_id not in state.warrants, "WarrantIssued twice")
        state.warrants[event.warrant_id] = WarrantRecord(
            event.warrant_id,
            event.account_id,
            event.reason,
            event.officer,
            event.issued_timestamp_ns,
            event.seq,
        )
    elif isinstance(event, ReconciliationStarted):
        invariant(event.cycle > state.last_cycle, "ReconciliationStarted for an old cycle")
        state.last_cycle = event.cycle
        state.cycles_run += 1
        state.break_keys.clear()
    else:
        raise InvariantViolation(
            f"regulator.evolve given a non-regulator event {type(event).__name__}"
        )


def _change_licence(
    state: RegulatorState,
    event: LicenceSuspended | LicenceReinstated | LicenceRevoked,
    status: LicenceStatus,
) -> None:
    licence_ = state.licences.get(event.institution_id)
    if licence_ is None or status not in LICENCE_TRANSITIONS[licence_.status]:
        raise InvariantViolation(
            f"licence of {event.institution_id!r} cannot become {status} ({type(event).__name__})"
        )
    licence_.history.append(LicenceChange(event.seq, event.timestamp_ns, status, event.reason))
    licence_.status = status
    licence_.changed_seq = event.seq


def _break_record(event: BreakRecorded) -> BreakRecord:
    return BreakRecord(
        cycle=event.cycle,
        kind=event.kind,
        broker_id=event.broker_id,
        account_id=event.account_id,
        asset=event.asset,
        ledger_minor=event.ledger_minor,
        custody_minor=event.custody_minor,
        clearing_minor=event.clearing_minor,
        broker_minor=event.broker_minor,
        difference_minor=event.difference_minor,
        detail=event.detail,
        seq=event.seq,
        timestamp_ns=event.timestamp_ns,
    )


# --- reading --------------------------------------------------------------------------------------


def authorise(state: RegulatorState, institution_id: str, role: Role) -> Rejection | None:
    """``None`` if ``institution_id`` holds an active licence for ``role``; otherwise
    NOT_LICENSED (no licence, a licence for another role, or a revoked one) or
    LICENCE_SUSPENDED. The kernel's licence stage journals the rejection as the outcome."""
    licence_ = state.licences.get(institution_id) if isinstance(institution_id, str) else None
    wanted = Role(role).name.lower() if role in _ROLE_VALUES else repr(role)
    if licence_ is None:
        return reject(R.NOT_LICENSED, f"{institution_id!r} holds no {wanted} licence")
    if licence_.role != role:
        return reject(
            R.NOT_LICENSED,
            f"{institution_id!r} is licensed as {licence_.role.name.lower()}, not {wanted}",
        )
    if licence_.status is LicenceStatus.REVOKED:
        return reject(R.NOT_LICENSED, f"{institution_id!r} had its {wanted} licence revoked")
    if licence_.status is LicenceStatus.SUSPENDED:
        return reject(R.LICENCE_SUSPENDED, f"{institution_id!r} {wanted} licence is suspended")
    return None


def _licence_record(institution_id: str, licence_: Licence) -> LicenceRecord:
    return LicenceRecord(
        institution_id=institution_id,
        role=licence_.role,
        status=licence_.status,
        granted_seq=licence_.granted_seq,
        changed_seq=licence_.changed_seq,
        history=tuple(licence_.history),
    )


def licence(state: RegulatorState, institution_id: str) -> LicenceRecord | None:
    """The licence ``institution_id`` holds (or held, if revoked), or ``None``."""
    licence_ = state.licences.get(institution_id)
    return None if licence_ is None else _licence_record(institution_id, licence_)


def licences(state: RegulatorState) -> tuple[LicenceRecord, ...]:
    """The licence register, sorted by institution id (revoked licences included)."""
    return tuple(_licence_record(i, licence_) for i, licence_ in sorted(state.licences.items()))


def is_halted(state: RegulatorState, symbol: str) -> bool:
    """Whether the regulator has ordered ``symbol`` halted (and not yet resumed)."""
    return symbol in state.halted


def halted_markets(state: RegulatorState) -> tuple[MarketRecord, ...]:
    """The halted markets and why, sorted by symbol."""
    return tuple(MarketRecord(s, reason) for s, reason in sorted(state.halted.items()))


def is_retail_admitted(state: RegulatorState, symbol: str) -> bool:
    """Whether ``symbol`` is admitted for retail clients."""
    return symbol in state.retail


def retail_markets(state: RegulatorState) -> tuple[MarketRecord, ...]:
    """The markets admitted for retail and why, sorted by symbol."""
    return tuple(MarketRecord(s, reason) for s, reason in sorted(state.retail.items()))


def warrant(state: RegulatorState, warrant_id: str) -> WarrantRecord | None:
    """The warrant ``warrant_id``, or ``None``."""
    return state.warrants.get(warrant_id)


def warrants(state: RegulatorState) -> tuple[WarrantRecord, ...]:
    """Every warrant issued, sorted by warrant id."""
    return tuple(record for _, record in sorted(state.warrants.items()))


def breaks(state: RegulatorState, cycle: int | None = None) -> tuple[BreakRecord, ...]:
    """Every reconciliation break in journal order, or only those of ``cycle``."""
    if cycle is None:
        return tuple(state.breaks)
    return tuple(record for record in state.breaks if record.cycle == cycle)


def alerts(state: RegulatorState) -> tuple[AlertRecord, ...]:
    """Every supervisory alert, in journal order."""
    return tuple(state.alerts)


def last_cycle(state: RegulatorState) -> int:
    """The last reconciliation cycle started, or 0 if none was."""
    return state.last_cycle


# --- hashing, snapshots, invariants ---------------------------------------------------------------


def canonical(state: RegulatorState) -> RegulatorSnapshot:
    """The state in canonical form: registers sorted by id, breaks and alerts in journal order."""
    return RegulatorSnapshot(
        licences=licences(state),
        halted_markets=halted_markets(state),
        retail_markets=retail_markets(state),
        warrants=warrants(state),
        last_cycle=state.last_cycle,
        cycles_run=state.cycles_run,
        breaks=tuple(state.breaks),
        alerts=tuple(state.alerts),
    )


def state_hash(state: RegulatorState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: RegulatorState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> RegulatorState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, RegulatorSnapshot)
    _require_sorted_unique([r.institution_id for r in snap.licences], "licences")
    _require_sorted_unique([r.symbol for r in snap.halted_markets], "halted markets")
    _require_sorted_unique([r.symbol for r in snap.retail_markets], "retail markets")
    _require_sorted_unique([r.warrant_id for r in snap.warrants], "warrants")
    state = RegulatorState()
    for record in snap.licences:
        if not record.history:
            raise ConditionFailed(
                f"regulator snapshot licence {record.institution_id!r} has no history"
            )
        licence_ = Licence(record.role, record.history[0])
        licence_.history = list(record.history)
        licence_.status = record.status
        licence_.granted_seq = record.granted_seq
        licence_.changed_seq = record.changed_seq
        state.licences[record.institution_id] = licence_
    state.halted.update((r.symbol, r.reason) for r in snap.halted_markets)
    state.retail.update((r.symbol, r.reason) for r in snap.retail_markets)
    state.warrants.update((r.warrant_id, r) for r in snap.warrants)
    state.last_cycle = snap.last_cycle
    state.cycles_run = snap.cycles_run
    state.breaks.extend(snap.breaks)
    state.alerts.extend(snap.alerts)
    for break_record in snap.breaks:
        if break_record.cycle == snap.last_cycle:
            key = (
                str(break_record.kind),
                break_record.broker_id,
                break_record.account_id,
                break_record.asset,
            )
            if key in state.break_keys:
                raise ConditionFailed("regulator snapshot records a break twice in one cycle")
            state.break_keys.add(key)
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"regulator snapshot is inconsistent: {violation}")
    return state


def _require_sorted_unique(keys: list[Any], what: str) -> None:
    require_sorted_unique(keys, what, "regulator")


def check_invariants(state: RegulatorState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def _find_violation(state: RegulatorState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``: every register within its bound and
    made of well-formed entries; each licence's history a walk of the transition table from a
    grant, ending at its status; warrants justified; reconciliation cycles increasing, with
    breaks only of cycles run, in order, each a real disagreement, none twice in a cycle."""
    return (
        _licence_violation(state)
        or _market_violation(state)
        or _warrant_violation(state)
        or _reconciliation_violation(state)
        or _alert_violation(state)
    )


def _licence_violation(state: RegulatorState) -> str | None:
    if len(state.licences) > limits.regulator_licences_max:
        return f"{len(state.licences)} licences, over regulator_licences_max"
    for institution_id, licence_ in sorted(state.licences.items()):
        if _bad_institution_id(institution_id) is not None:
            return f"licence held by malformed id {institution_id!r}"
        if not isinstance(licence_.role, Role) or licence_.status not in LICENCE_TRANSITIONS:
            return f"licence of {institution_id!r} has a bad role or status"
        history = licence_.history
        if not 0 < len(history) <= limits.regulator_licence_changes_max:
            return f"licence of {institution_id!r} has {len(history)} history entries"
        if history[0].status is not LicenceStatus.ACTIVE or history[-1].status != licence_.status:
            return f"licence of {institution_id!r} history does not run from a grant to its status"
        if licence_.granted_seq != history[0].seq or licence_.changed_seq != history[-1].seq:
            return f"licence of {institution_id!r} seqs do not match its history"
        for before, after in itertools.pairwise(history):
            if after.status not in LICENCE_TRANSITIONS[before.status]:
                return f"licence of {institution_id!r} went from {before.status} to {after.status}"
        if any(_blank(change.reason) for change in history):
            return f"licence of {institution_id!r} has a change without a reason"
    return None


def _market_violation(state: RegulatorState) -> str | None:
    for what, register in (("halted", state.halted), ("retail", state.retail)):
        if len(register) > limits.regulator_markets_max:
            return f"{len(register)} {what} markets, over regulator_markets_max"
        for symbol, reason in sorted(register.items()):
            if _bad_symbol(symbol) is not None or _blank(reason):
                return f"{what} market {symbol!r} is malformed or has no reason"
    return None


def _warrant_violation(state: RegulatorState) -> str | None:
    if len(state.warrants) > limits.regulator_warrants_max:
        return f"{len(state.warrants)} warrants, over regulator_warrants_max"
    for warrant_id, record in sorted(state.warrants.items()):
        if record.warrant_id != warrant_id:
            return f"warrant {warrant_id!r} is filed as {record.warrant_id!r}"
        if (
            _bad_id(warrant_id, "warrant id", limits.regulator_warrant_id_length_max) is not None
            or _bad_id(record.account_id, "account id", limits.account_id_length_max) is not None
        ):
            return f"warrant {warrant_id!r} has a malformed id"
        if _blank(record.reason) or len(record.reason.strip()) < (
            limits.regulator_warrant_reason_length_min
        ):
            return f"warrant {warrant_id!r} is not justified"
        if _blank(record.officer):
            return f"warrant {warrant_id!r} names no officer"
    return None


def _reconciliation_violation(state: RegulatorState) -> str | None:
    cycle_now = state.last_cycle
    if not 0 <= state.cycles_run <= cycle_now <= limits.regulator_cycle_max or (
        (state.cycles_run == 0) != (cycle_now == 0)
    ):
        return f"{state.cycles_run} cycles run, the last being {cycle_now}"
    if len(state.breaks) > limits.regulator_breaks_max:
        return f"{len(state.breaks)} breaks, over regulator_breaks_max"
    previous_cycle = 1
    keys: set[_BreakKey] = set()
    for index, record in enumerate(state.breaks):
        if not previous_cycle <= record.cycle <= cycle_now:
            return f"break {index} is of cycle {record.cycle}, out of order or not run"
        if record.cycle != previous_cycle:
            keys = set()
            previous_cycle = record.cycle
        if record.kind not in _BREAK_KIND_VALUES or _figures_agree(
            record.kind,
            record.ledger_minor,
            record.custody_minor,
            record.clearing_minor,
            record.broker_minor,
        ):
            return f"break {index} of cycle {record.cycle} is not a {record.kind} break"
        key = (str(record.kind), record.broker_id, record.account_id, record.asset)
        if key in keys:
            return f"break {index} of cycle {record.cycle} is recorded twice"
        keys.add(key)
    if not state.breaks or state.breaks[-1].cycle != cycle_now:
        keys = set()
    if keys != state.break_keys:
        return f"the break index does not match the breaks of cycle {cycle_now}"
    return None


def _alert_violation(state: RegulatorState) -> str | None:
    if len(state.alerts) > limits.regulator_alerts_max:
        return f"{len(state.alerts)} alerts, over regulator_alerts_max"
    for index, record in enumerate(state.alerts):
        if (
            _bad_id(record.source, "alert source", limits.regulator_institution_id_length_max)
            is not None
            or _bad_id(record.code, "alert code", limits.regulator_alert_code_length_max)
            is not None
        ):
            return f"alert {index} has a malformed source or code"
    return None
