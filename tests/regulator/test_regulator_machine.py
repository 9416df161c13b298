"""The regulator's behaviour on accepted commands: the licence lifecycle and its history, the
licence stage's answers, halts, retail admission, warrants, reconciliation cycles with their
breaks, and alerts; and its guards: ``evolve`` and ``check_invariants`` crash on what cannot
happen, the wire format round-trips, and the package imports nothing but ``seawall.core`` and
uses no clock, randomness, float or unsorted set iteration."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import msgspec
import pytest

import seawall.regulator
from seawall.core import limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.machine import Context, Rejection
from seawall.regulator import (
    COMMANDS,
    EVENTS,
    AdmitForRetail,
    AlertRecorded,
    BreakKind,
    BreakRecorded,
    GrantLicence,
    HaltMarket,
    IssueWarrant,
    LicenceChange,
    LicenceGranted,
    LicenceReinstated,
    LicenceRevoked,
    LicenceStatus,
    LicenceSuspended,
    MarketHaltOrdered,
    MarketRecord,
    MarketResumeOrdered,
    ReconciliationStarted,
    RecordAlert,
    RecordBreak,
    RegulatorCommand,
    RegulatorEvent,
    RegulatorRejection,
    RegulatorState,
    ReinstateLicence,
    ResumeMarket,
    RetailAdmissionGranted,
    RetailAdmissionWithdrawn,
    RevokeLicence,
    Role,
    RunReconciliation,
    SuspendLicence,
    WarrantIssued,
    WithdrawRetailAdmission,
    alerts,
    authorise,
    breaks,
    check_invariants,
    decide,
    evolve,
    halted_markets,
    is_halted,
    is_retail_admitted,
    last_cycle,
    licence,
    licences,
    retail_markets,
    warrant,
    warrants,
)

R = RegulatorRejection
PSEUDONYM = "acct-0123456789abcdef"
WHY = "suspected wash trading between linked accounts"


def test_the_world_reads_as_expected(world: RegulatorState) -> None:
    register = licences(world)
    assert [r.institution_id for r in register] == sorted(r.institution_id for r in register)
    statuses = {r.institution_id: (r.role, r.status) for r in register}
    assert statuses["broker-1"] == (Role.BROKER, LicenceStatus.ACTIVE)
    assert statuses["broker-2"] == (Role.BROKER, LicenceStatus.SUSPENDED)
    assert statuses["broker-3"] == (Role.BROKER, LicenceStatus.REVOKED)
    assert is_halted(world, "BTCUSDT")
    assert not is_halted(world, "ETHUSDT")
    assert halted_markets(world) == (MarketRecord("BTCUSDT", "abnormal volatility"),)
    assert is_retail_admitted(world, "ETHUSDT")
    assert not is_retail_admitted(world, "BTCUSDT")
    assert [m.symbol for m in retail_markets(world)] == ["ETHUSDT"]
    record = warrant(world, "w-1")
    assert record is not None
    assert record.account_id == PSEUDONYM
    assert record.officer == "Officer Chan Tai Man"
    assert warrant(world, "w-2") is None
    assert warrants(world) == (record,)
    assert last_cycle(world) == 1
    assert len(breaks(world)) == 1
    assert breaks(world, 1) == breaks(world)
    assert breaks(world, 2) == ()
    assert [a.code for a in alerts(world)] == ["unknown_account_trade"]
    assert licence(world, "nobody") is None


def test_every_role_is_authorised_for_its_own_licence_only(world: RegulatorState) -> None:
    holders = {
        Role.BROKER: "broker-1",
        Role.VENUE: "venue-1",
        Role.CLEARING: "clearing-1",
        Role.CUSTODY: "custody-1",
        Role.IDENTITY: "identity-1",
    }
    for role, holder in holders.items():
        assert authorise(world, holder, role) is None
        for other in Role:
            if other is not role:
                refused = authorise(world, holder, other)
                assert isinstance(refused, Rejection)
                assert refused.code == R.NOT_LICENSED


def test_the_licence_lifecycle_keeps_its_history(driver: Any) -> None:
    state = RegulatorState()
    ctx = driver.ctx()
    granted = driver.ok(state, GrantLicence("broker-9", Role.BROKER, "inspected"))
    assert granted == [
        LicenceGranted("broker-9", Role.BROKER, "inspected", ctx.seq, ctx.timestamp_ns)
    ]
    grant_seq = ctx.seq
    driver.ok(state, SuspendLicence("broker-9", "late returns"))
    refused = authorise(state, "broker-9", Role.BROKER)
    assert isinstance(refused, Rejection)
    assert refused.code == R.LICENCE_SUSPENDED
    driver.ok(state, ReinstateLicence("broker-9", "returns filed"))
    assert authorise(state, "broker-9", Role.BROKER) is None
    driver.ok(state, SuspendLicence("broker-9", "client money shortfall"))
    driver.ok(state, RevokeLicence("broker-9", "shortfall not made good"))
    refused = authorise(state, "broker-9", Role.BROKER)
    assert isinstance(refused, Rejection)
    assert refused.code == R.NOT_LICENSED
    record = licence(state, "broker-9")
    assert record is not None
    assert record.status is LicenceStatus.REVOKED
    assert record.granted_seq == grant_seq
    assert record.changed_seq == driver.seq
    assert [(c.status, c.reason) for c in record.history] == [
        (LicenceStatus.ACTIVE, "inspected"),
        (LicenceStatus.SUSPENDED, "late returns"),
        (LicenceStatus.ACTIVE, "returns filed"),
        (LicenceStatus.SUSPENDED, "client money shortfall"),
        (LicenceStatus.REVOKED, "shortfall not made good"),
    ]
    assert [c.seq for c in record.history] == list(range(grant_seq, driver.seq + 1))
    assert all(isinstance(c, LicenceChange) for c in record.history)
    # Revocation is final: no reinstatement and no new grant to the same id.
    assert driver.refused(state, ReinstateLicence("broker-9", "appeal")).code == R.LICENCE_REVOKED
    assert (
        driver.refused(state, GrantLicence("broker-9", Role.BROKER, "again")).code
        == R.LICENCE_REVOKED
    )


def test_an_active_licence_may_be_revoked_at_once(world: RegulatorState, driver: Any) -> None:
    ctx = driver.ctx()
    assert driver.ok(world, RevokeLicence("venue-1", "operator traded against clients")) == [
        LicenceRevoked("venue-1", "operator traded against clients", ctx.seq, ctx.timestamp_ns)
    ]
    refused = authorise(world, "venue-1", Role.VENUE)
    assert isinstance(refused, Rejection)
    assert refused.code == R.NOT_LICENSED


def test_halts_and_retail_admission_are_ordered_and_lifted(
    world: RegulatorState, driver: Any
) -> None:
    assert driver.ok(world, HaltMarket("ETHUSDT", "oracle failure")) == [
        MarketHaltOrdered("ETHUSDT", "oracle failure")
    ]
    assert driver.ok(world, ResumeMarket("BTCUSDT", "volatility subsided")) == [
        MarketResumeOrdered("BTCUSDT", "volatility subsided")
    ]
    assert [m.symbol for m in halted_markets(world)] == ["ETHUSDT"]
    assert driver.ok(world, WithdrawRetailAdmission("ETHUSDT", "liquidity too thin")) == [
        RetailAdmissionWithdrawn("ETHUSDT", "liquidity too thin")
    ]
    assert driver.ok(world, AdmitForRetail("BTCUSDT", "large cap, deep liquidity")) == [
        RetailAdmissionGranted("BTCUSDT", "large cap, deep liquidity")
    ]
    assert retail_markets(world) == (MarketRecord("BTCUSDT", "large cap, deep liquidity"),)


def test_a_warrant_is_journaled_with_its_officer_and_time(
    world: RegulatorState, driver: Any
) -> None:
    ctx = driver.ctx()
    events = driver.ok(world, IssueWarrant("w-2", "acct-ffffffffffffffff", WHY, "Insp. Wong"))
    assert events == [
        WarrantIssued("w-2", "acct-ffffffffffffffff", WHY, "Insp. Wong", ctx.timestamp_ns, ctx.seq)
    ]
    record = warrant(world, "w-2")
    assert record is not None
    assert (record.issued_timestamp_ns, record.seq) == (ctx.timestamp_ns, ctx.seq)
    # Exactly the minimum length is enough, and the longest reason fits identity's disclosure.
    driver.ok(world, IssueWarrant("w-3", PSEUDONYM, "x" * 20, "Lee"))
    driver.ok(
        world, IssueWarrant("w-4", PSEUDONYM, "y" * limits.regulator_reason_length_max, "Lee")
    )


def test_a_warrant_reason_always_fits_identity_disclosure() -> None:
    identity_max = getattr(limits, "identity_text_length_max", None)
    if identity_max is not None:
        assert limits.regulator_reason_length_max <= identity_max


def test_reconciliation_cycles_increase_and_breaks_belong_to_the_latest(
    world: RegulatorState, driver: Any
) -> None:
    ctx = driver.ctx()
    assert driver.ok(world, RunReconciliation(5)) == [
        ReconciliationStarted(5, ctx.seq, ctx.timestamp_ns)
    ]
    assert driver.refused(world, RunReconciliation(4)).code == R.CYCLE_NOT_INCREASING
    assert driver.refused(world, RunReconciliation(5)).code == R.CYCLE_NOT_INCREASING
    stale = RecordBreak(1, BreakKind.CLIENT_BALANCE, "broker-1", "a", "USD", 1, 0, 0, 1, 1)
    assert driver.refused(world, stale, "kernel").code == R.UNKNOWN_CYCLE
    # The break recorded in cycle 1 may be recorded again in cycle 5: it is still there.
    again = RecordBreak(
        5,
        BreakKind.CLIENT_BALANCE,
        "broker-1",
        PSEUDONYM,
        "USD",
        100_000,
        90_000,
        10_000,
        99_000,
        1_000,
    )
    ctx = driver.ctx("kernel")
    (event,) = driver.ok(world, again, "kernel")
    assert isinstance(event, BreakRecorded)
    assert (event.cycle, event.seq, event.timestamp_ns, event.detail) == (
        5,
        ctx.seq,
        ctx.timestamp_ns,
        "",
    )
    wallet = RecordBreak(5, BreakKind.WALLET, "", "", "BTC", 500, 499, 0, 0, 1, "cold wallet")
    driver.ok(world, wallet, "kernel")
    # A wallet break may name the wallet's account.
    named = RecordBreak(5, "wallet", "", "custody:hot:BTC", "BTC", 5, 4, 0, 0, 1)  # type: ignore[arg-type]
    (named_event,) = driver.ok(world, named, "kernel")
    assert named_event.kind is BreakKind.WALLET
    assert [b.cycle for b in breaks(world)] == [1, 5, 5, 5]
    assert len(breaks(world, 5)) == 3
    assert last_cycle(world) == 5
    assert world.cycles_run == 2


def test_an_alert_is_recorded_in_order(world: RegulatorState, driver: Any) -> None:
    ctx = driver.ctx("kernel")
    assert driver.ok(world, RecordAlert("surveillance", "8001"), "kernel") == [
        AlertRecorded("surveillance", "8001", "", ctx.seq, ctx.timestamp_ns)
    ]
    assert [a.source for a in alerts(world)] == ["kernel", "surveillance"]


def test_evolve_crashes_on_what_decide_would_never_emit(world: RegulatorState) -> None:
    impossible: list[Any] = [
        LicenceGranted("broker-1", Role.BROKER, "again", 1, 1),
        LicenceGranted("broker-9", 9, "no such role", 1, 1),  # type: ignore[arg-type]
        LicenceSuspended("broker-2", "again", 1, 1),
        LicenceReinstated("broker-1", "active", 1, 1),
        LicenceRevoked("broker-3", "again", 1, 1),
        LicenceSuspended("nobody", "who", 1, 1),
        MarketHaltOrdered("BTCUSDT", "again"),
        MarketResumeOrdered("ETHUSDT", "never halted"),
        RetailAdmissionGranted("ETHUSDT", "again"),
        RetailAdmissionWithdrawn("BTCUSDT", "never admitted"),
        WarrantIssued("w-1", PSEUDONYM, WHY, "Lee", 1, 1),
        ReconciliationStarted(1, 1, 1),
        BreakRecorded(2, BreakKind.WALLET, "", "", "BTC", 1, 0, 0, 0, 1, "", 1, 1),
        BreakRecorded(
            1, BreakKind.CLIENT_BALANCE, "broker-1", PSEUDONYM, "USD", 1, 0, 0, 0, 1, "", 1, 1
        ),
    ]
    for event in impossible:
        with pytest.raises(InvariantViolation):
            evolve(world, event)
    with pytest.raises(InvariantViolation):
        evolve(world, "not an event")  # type: ignore[arg-type]
    with pytest.raises(InvariantViolation):
        decide(world, "not a command", Context(1, 1, "regulator"))  # type: ignore[arg-type]


def test_check_invariants_catches_corruption(world: RegulatorState) -> None:
    check_invariants(world)
    broker_2 = world.licences["broker-2"]
    broker_2.status = LicenceStatus.ACTIVE
    with pytest.raises(InvariantViolation, match="history"):
        check_invariants(world)
    broker_2.status = LicenceStatus.SUSPENDED
    broker_2.changed_seq += 1
    with pytest.raises(InvariantViolation, match="seqs"):
        check_invariants(world)
    broker_2.changed_seq -= 1
    world.halted["btc"] = "lower case"
    with pytest.raises(InvariantViolation, match="halted market"):
        check_invariants(world)
    del world.halted["btc"]
    world.break_keys.clear()
    with pytest.raises(InvariantViolation, match="break index"):
        check_invariants(world)
    world.cycles_run = 2
    with pytest.raises(InvariantViolation, match="cycles run"):
        check_invariants(world)


def test_a_forged_break_or_warrant_is_a_violation(world: RegulatorState) -> None:
    agreeing = BreakRecorded(1, BreakKind.WALLET, "", "", "BTC", 5, 5, 0, 0, 0, "", 1, 1)
    evolve(world, agreeing)  # evolve asserts bookkeeping only; the check catches the rest
    with pytest.raises(InvariantViolation, match="not a wallet break"):
        check_invariants(world)
    world.breaks.pop()
    world.break_keys.discard(("wallet", "", "", "BTC"))
    check_invariants(world)
    world.warrants["w-9"] = seawall.regulator.WarrantRecord("w-9", PSEUDONYM, "hunch", "Lee", 1, 1)
    with pytest.raises(InvariantViolation, match="not justified"):
        check_invariants(world)


def test_a_revoked_licence_that_came_back_is_a_violation(world: RegulatorState) -> None:
    broker_3 = world.licences["broker-3"]
    change = LicenceChange(99, 99, LicenceStatus.ACTIVE, "back")
    broker_3.history.append(change)
    broker_3.status = LicenceStatus.ACTIVE
    broker_3.changed_seq = 99
    with pytest.raises(InvariantViolation, match="went from revoked to active"):
        check_invariants(world)


SAMPLE_COMMANDS: list[RegulatorCommand] = [
    GrantLicence("broker-1", Role.BROKER, "inspected"),
    SuspendLicence("broker-1", "why"),
    ReinstateLicence("broker-1", "why"),
    RevokeLicence("broker-1", "why"),
    HaltMarket("BTCUSDT", "why"),
    ResumeMarket("BTCUSDT", "why"),
    AdmitForRetail("BTCUSDT", "why"),
    WithdrawRetailAdmission("BTCUSDT", "why"),
    IssueWarrant("w-1", PSEUDONYM, WHY, "Lee"),
    RunReconciliation(3),
    RecordBreak(3, BreakKind.WALLET, "", "", "BTC", 1, 2, 0, 0, -1, "short"),
    RecordAlert("kernel", "unknown_account_trade", "detail"),
]


def test_every_command_type_is_sampled_and_tagged() -> None:
    assert {type(c) for c in SAMPLE_COMMANDS} == set(COMMANDS)
    tags = [c.__struct_config__.tag for c in COMMANDS] + [e.__struct_config__.tag for e in EVENTS]
    assert all(isinstance(t, str) and t.startswith("regulator.") for t in tags)
    assert len(set(tags)) == len(tags)


@pytest.mark.parametrize("message", SAMPLE_COMMANDS, ids=lambda c: type(c).__name__)
def test_commands_round_trip_the_wire(message: RegulatorCommand) -> None:
    assert decode(encode(message), RegulatorCommand) == message  # type: ignore[arg-type]


def test_every_event_is_emitted_and_decodes(driver: Any) -> None:
    state = RegulatorState()
    emitted: list[RegulatorEvent] = []
    for command in SAMPLE_COMMANDS:
        submitter = "kernel" if isinstance(command, RecordBreak | RecordAlert) else "regulator"
        emitted += driver.ok(state, command, submitter)
    assert {type(e) for e in emitted} == set(EVENTS)
    for event in emitted:
        assert decode(encode(event), RegulatorEvent) == event  # type: ignore[arg-type]


def test_floats_and_unknown_values_are_refused_on_the_wire() -> None:
    def wire(**fields: Any) -> bytes:
        return msgspec.msgpack.encode(fields)

    bad = [
        wire(k="regulator.run_reconciliation", cycle=1.5),
        wire(k="regulator.grant_licence", institution_id="b", role=9, reason="r"),
        wire(k="regulator.grant_licence", institution_id="b", role="broker", reason="r"),
        wire(
            k="regulator.record_break",
            cycle=1,
            kind="house",
            broker_id="",
            account_id="",
            asset="BTC",
            ledger_minor=1,
            custody_minor=0,
            clearing_minor=0,
            broker_minor=0,
            difference_minor=1,
            detail="",
        ),
        wire(k="regulator.record_alert", source="kernel", code=7, detail=""),
    ]
    for data in bad:
        with pytest.raises(ConditionFailed):
            decode(data, RegulatorCommand)  # type: ignore[arg-type]
    good = wire(k="regulator.grant_licence", institution_id="b", role=2, reason="r")
    assert decode(good, RegulatorCommand) == GrantLicence("b", Role.BROKER, "r")  # type: ignore[arg-type]


SRC = Path(seawall.regulator.__file__).resolve().parent
BANNED_MODULES = {"time", "random", "secrets", "uuid", "socket", "threading", "asyncio", "datetime"}


def test_the_package_imports_only_core_and_the_standard_library() -> None:
    allowed_roots = {"seawall", "msgspec", "__future__", "enum", "typing", "itertools", "re"}
    for path in sorted(SRC.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
            elif isinstance(node, ast.Import):
                module = node.names[0].name
            else:
                continue
            root = module.split(".")[0]
            assert root in allowed_roots, f"{path.name} imports {module}"
            if root == "seawall":
                assert module.startswith(("seawall.core", "seawall.regulator")), (path, module)


def test_the_package_uses_no_clock_randomness_float_or_unsorted_set_iteration() -> None:
    problems: list[str] = []
    for path in sorted(SRC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                problems += [
                    f"{where} imports {n}"
                    for n in names
                    if n.split(".")[0] in BANNED_MODULES | {"os"}
                ]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"hash", "float"}
            ):
                problems.append(f"{where} calls {node.func.id}()")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                problems.append(f"{where} float literal")
            if isinstance(node, ast.Name) and node.id == "float":
                problems.append(f"{where} names float")
            if isinstance(node, ast.For | ast.comprehension):
                iterable = node.iter
                if isinstance(iterable, ast.Set | ast.SetComp) or (
                    isinstance(iterable, ast.Call)
                    and isinstance(iterable.func, ast.Name)
                    and iterable.func.id in {"set", "frozenset"}
                ):
                    problems.append(f"{where} iterates a set unsorted")
                if isinstance(iterable, ast.Attribute) and iterable.attr in {
                    "break_keys",
                    "_ROLE_VALUES",
                    "_BREAK_KIND_VALUES",
                }:
                    problems.append(f"{where} iterates a set unsorted")
    assert problems == []
