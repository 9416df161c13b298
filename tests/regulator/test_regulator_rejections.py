"""Every regulator rejection code, provoked by bad input against a small register. Each case
asserts the code and its name, that the message says something, and that the state hash did not
change; the licence stage's codes (7001-7003) are checked through ``authorise`` too."""

from __future__ import annotations

from typing import Any

import pytest

from seawall.core import limits
from seawall.core.machine import Context, Rejection
from seawall.regulator import (
    AdmitForRetail,
    BreakKind,
    GrantLicence,
    HaltMarket,
    IssueWarrant,
    RecordAlert,
    RecordBreak,
    RegulatorCommand,
    RegulatorRejection,
    RegulatorState,
    ReinstateLicence,
    ResumeMarket,
    RevokeLicence,
    Role,
    RunReconciliation,
    SuspendLicence,
    WithdrawRetailAdmission,
    authorise,
    decide,
    state_hash,
)

R = RegulatorRejection
MAX = limits.amount_minor_max
PSEUDONYM = "acct-0123456789abcdef"
WHY = "suspected wash trading between linked accounts"
LONG_REASON = "r" * (limits.regulator_reason_length_max + 1)


def brk(
    cycle: Any = 1,
    kind: Any = BreakKind.CLIENT_BALANCE,
    broker_id: Any = "broker-1",
    account_id: Any = "acct-2",
    asset: Any = "USD",
    figures: tuple[Any, ...] = (100, 90, 0, 100, 10),
    detail: Any = "",
) -> RecordBreak:
    return RecordBreak(cycle, kind, broker_id, account_id, asset, *figures, detail=detail)


def warrant(
    warrant_id: Any = "w-2", account_id: Any = PSEUDONYM, reason: Any = WHY, officer: Any = "Lee"
) -> IssueWarrant:
    return IssueWarrant(warrant_id, account_id, reason, officer)


#: (name, submitter, command, code)
CASES: list[tuple[str, str, RegulatorCommand, RegulatorRejection]] = [
    ("grant by a broker", "broker-1", GrantLicence("b9", Role.BROKER, "ok"), R.WRONG_SUBMITTER),
    ("halt by the kernel", "kernel", HaltMarket("ETHUSDT", "why"), R.WRONG_SUBMITTER),
    ("warrant by identity", "identity-1", warrant(), R.WRONG_SUBMITTER),
    ("reconcile by a client", "alice", RunReconciliation(2), R.WRONG_SUBMITTER),
    ("break by the regulator", "regulator", brk(), R.WRONG_SUBMITTER),
    ("alert by surveillance", "surveillance", RecordAlert("s", "c"), R.WRONG_SUBMITTER),
    ("grant to a malformed id", "regulator", GrantLicence("b 9", Role.BROKER, "ok"), R.INVALID_ID),
    ("grant to an empty id", "regulator", GrantLicence("", Role.BROKER, "ok"), R.INVALID_ID),
    (
        "grant to a long id",
        "regulator",
        GrantLicence("b" * (limits.regulator_institution_id_length_max + 1), Role.BROKER, "ok"),
        R.INVALID_ID,
    ),
    ("suspend a malformed id", "regulator", SuspendLicence("-b", "why"), R.INVALID_ID),
    ("malformed warrant id", "regulator", warrant(warrant_id="w/2"), R.INVALID_ID),
    ("malformed account id", "regulator", warrant(account_id="acct 1"), R.INVALID_ID),
    ("non-string account id", "regulator", warrant(account_id=7), R.INVALID_ID),
    ("break with no broker", "kernel", brk(broker_id=""), R.INVALID_ID),
    ("break with a bad account", "kernel", brk(account_id="a b"), R.INVALID_ID),
    (
        "wallet break with a bad broker",
        "kernel",
        brk(kind=BreakKind.WALLET, broker_id="x y", figures=(5, 4, 0, 0, 1)),
        R.INVALID_ID,
    ),
    ("alert from a malformed source", "kernel", RecordAlert("", "c"), R.INVALID_ID),
    ("alert with a malformed code", "kernel", RecordAlert("kernel", "a code"), R.INVALID_ID),
    ("halt a lower-case symbol", "regulator", HaltMarket("btcusdt", "why"), R.INVALID_SYMBOL),
    ("halt an empty symbol", "regulator", HaltMarket("", "why"), R.INVALID_SYMBOL),
    (
        "halt a long symbol",
        "regulator",
        HaltMarket("B" * (limits.venue_symbol_length_max + 1), "why"),
        R.INVALID_SYMBOL,
    ),
    ("resume a bad symbol", "regulator", ResumeMarket("BTC/USDT", "why"), R.INVALID_SYMBOL),
    ("admit a bad symbol", "regulator", AdmitForRetail("-ETH", "why"), R.INVALID_SYMBOL),
    ("withdraw a bad symbol", "regulator", WithdrawRetailAdmission(" ", "w"), R.INVALID_SYMBOL),
    ("grant an unknown role", "regulator", GrantLicence("b9", 9, "ok"), R.INVALID_ROLE),  # type: ignore[arg-type]
    ("grant role zero", "regulator", GrantLicence("b9", 0, "ok"), R.INVALID_ROLE),  # type: ignore[arg-type]
    ("grant a bool role", "regulator", GrantLicence("b9", True, "ok"), R.INVALID_ROLE),  # type: ignore[arg-type]
    ("grant a text role", "regulator", GrantLicence("b9", "broker", "ok"), R.INVALID_ROLE),  # type: ignore[arg-type]
    ("reason not a string", "regulator", HaltMarket("ETHUSDT", 5), R.INVALID_TEXT),  # type: ignore[arg-type]
    ("reason with a NUL", "regulator", HaltMarket("ETHUSDT", "why\x00"), R.INVALID_TEXT),
    ("reason with an escape", "regulator", SuspendLicence("broker-1", "\x1b[2J"), R.INVALID_TEXT),
    ("officer with a tab", "regulator", warrant(officer="Lee\tHo"), R.INVALID_TEXT),
    ("detail with a C1 control", "kernel", brk(detail="short\x85"), R.INVALID_TEXT),
    ("alert detail not text", "kernel", RecordAlert("kernel", "c", None), R.INVALID_TEXT),  # type: ignore[arg-type]
    ("grant without reason", "regulator", GrantLicence("b9", Role.BROKER, ""), R.REASON_REQUIRED),
    ("suspend with blanks", "regulator", SuspendLicence("broker-1", "  \n"), R.REASON_REQUIRED),
    ("reinstate without", "regulator", ReinstateLicence("broker-2", ""), R.REASON_REQUIRED),
    ("revoke without", "regulator", RevokeLicence("broker-1", ""), R.REASON_REQUIRED),
    ("halt without reason", "regulator", HaltMarket("ETHUSDT", ""), R.REASON_REQUIRED),
    ("resume without reason", "regulator", ResumeMarket("BTCUSDT", " "), R.REASON_REQUIRED),
    ("admit without reason", "regulator", AdmitForRetail("SOLUSDT", ""), R.REASON_REQUIRED),
    ("withdraw without", "regulator", WithdrawRetailAdmission("ETHUSDT", ""), R.REASON_REQUIRED),
    ("warrant without reason", "regulator", warrant(reason=""), R.REASON_REQUIRED),
    ("warrant on a hunch", "regulator", warrant(reason="looks odd"), R.REASON_TOO_SHORT),
    (
        "warrant reason padded to length",
        "regulator",
        warrant(reason="   looks odd to me      "),
        R.INVALID_TEXT,
    ),
    ("reason on two lines", "regulator", HaltMarket("ETHUSDT", "one\ntwo"), R.INVALID_TEXT),
    ("officer with a trailing blank", "regulator", warrant(officer="Lee "), R.INVALID_TEXT),
    (
        "warrant one short",
        "regulator",
        warrant(reason="x" * (limits.regulator_warrant_reason_length_min - 1)),
        R.REASON_TOO_SHORT,
    ),
    ("reason too long", "regulator", HaltMarket("ETHUSDT", LONG_REASON), R.TEXT_TOO_LONG),
    (
        "officer too long",
        "regulator",
        warrant(officer="o" * (limits.regulator_officer_length_max + 1)),
        R.TEXT_TOO_LONG,
    ),
    (
        "break detail too long",
        "kernel",
        brk(detail="d" * (limits.regulator_detail_length_max + 1)),
        R.TEXT_TOO_LONG,
    ),
    (
        "alert detail too long",
        "kernel",
        RecordAlert("kernel", "c", "d" * (limits.regulator_detail_length_max + 1)),
        R.TEXT_TOO_LONG,
    ),
    ("grant twice", "regulator", GrantLicence("broker-1", Role.BROKER, "again"), R.LICENCE_EXISTS),
    (
        "grant a second role",
        "regulator",
        GrantLicence("broker-1", Role.CUSTODY, "also custody"),
        R.LICENCE_EXISTS,
    ),
    (
        "grant over a suspension",
        "regulator",
        GrantLicence("broker-2", Role.BROKER, "fresh start"),
        R.LICENCE_EXISTS,
    ),
    ("suspend the unlicensed", "regulator", SuspendLicence("nobody", "why"), R.UNKNOWN_LICENCE),
    ("reinstate the unlicensed", "regulator", ReinstateLicence("nobody", "w"), R.UNKNOWN_LICENCE),
    ("revoke the unlicensed", "regulator", RevokeLicence("nobody", "why"), R.UNKNOWN_LICENCE),
    ("suspend twice", "regulator", SuspendLicence("broker-2", "again"), R.LICENCE_NOT_ACTIVE),
    (
        "reinstate the active",
        "regulator",
        ReinstateLicence("broker-1", "why"),
        R.LICENCE_NOT_SUSPENDED,
    ),
    ("suspend the revoked", "regulator", SuspendLicence("broker-3", "why"), R.LICENCE_REVOKED),
    ("reinstate the revoked", "regulator", ReinstateLicence("broker-3", "w"), R.LICENCE_REVOKED),
    ("revoke twice", "regulator", RevokeLicence("broker-3", "again"), R.LICENCE_REVOKED),
    (
        "relicense the revoked",
        "regulator",
        GrantLicence("broker-3", Role.BROKER, "reformed"),
        R.LICENCE_REVOKED,
    ),
    ("halt twice", "regulator", HaltMarket("BTCUSDT", "again"), R.MARKET_ALREADY_HALTED),
    ("resume a trading market", "regulator", ResumeMarket("ETHUSDT", "w"), R.MARKET_NOT_HALTED),
    ("admit twice", "regulator", AdmitForRetail("ETHUSDT", "again"), R.ALREADY_ADMITTED),
    (
        "withdraw the unadmitted",
        "regulator",
        WithdrawRetailAdmission("BTCUSDT", "why"),
        R.NOT_ADMITTED,
    ),
    ("warrant id reused", "regulator", warrant(warrant_id="w-1"), R.DUPLICATE_WARRANT),
    ("warrant without officer", "regulator", warrant(officer=""), R.OFFICER_REQUIRED),
    ("warrant with blank officer", "regulator", warrant(officer="   "), R.OFFICER_REQUIRED),
    ("cycle zero", "regulator", RunReconciliation(0), R.INVALID_CYCLE),
    ("negative cycle", "regulator", RunReconciliation(-3), R.INVALID_CYCLE),
    ("cycle as a bool", "regulator", RunReconciliation(True), R.INVALID_CYCLE),
    (
        "cycle past the max",
        "regulator",
        RunReconciliation(limits.regulator_cycle_max + 1),
        R.INVALID_CYCLE,
    ),
    ("break of cycle zero", "kernel", brk(cycle=0), R.INVALID_CYCLE),
    ("cycle run again", "regulator", RunReconciliation(1), R.CYCLE_NOT_INCREASING),
    ("break of a future cycle", "kernel", brk(cycle=2), R.UNKNOWN_CYCLE),
    ("break kind unknown", "kernel", brk(kind="house"), R.INVALID_BREAK_KIND),
    ("break kind not text", "kernel", brk(kind=1), R.INVALID_BREAK_KIND),
    ("break in a bad asset", "kernel", brk(asset="usd"), R.INVALID_ASSET),
    ("break in no asset", "kernel", brk(asset=""), R.INVALID_ASSET),
    ("break asset not text", "kernel", brk(asset=None), R.INVALID_ASSET),
    ("ledger figure too big", "kernel", brk(figures=(MAX + 1, 0, 0, 0, 1)), R.INVALID_AMOUNT),
    ("custody figure a bool", "kernel", brk(figures=(1, True, 0, 0, 1)), R.INVALID_AMOUNT),
    ("clearing figure text", "kernel", brk(figures=(1, 0, "1", 0, 1)), R.INVALID_AMOUNT),
    ("broker figure too small", "kernel", brk(figures=(1, 0, 0, -MAX - 1, 1)), R.INVALID_AMOUNT),
    ("difference too big", "kernel", brk(figures=(1, 0, 0, 0, MAX + 1)), R.INVALID_AMOUNT),
    ("books agree", "kernel", brk(figures=(100, 60, 40, 100, 0)), R.NOT_A_BREAK),
    (
        "wallets agree",
        "kernel",
        brk(kind=BreakKind.WALLET, broker_id="", account_id="", figures=(7, 7, 1, 2, 0)),
        R.NOT_A_BREAK,
    ),
    (
        "the same break twice",
        "kernel",
        brk(account_id=PSEUDONYM, figures=(1, 2, 3, 4, 5)),
        R.DUPLICATE_BREAK,
    ),
]


def assert_rejected(
    state: RegulatorState, command: RegulatorCommand, code: RegulatorRejection, submitter: str
) -> Rejection:
    before = state_hash(state)
    ctx = Context(seq=99, timestamp_ns=1, submitter=submitter)
    outcome = decide(state, command, ctx)
    assert isinstance(outcome, Rejection), outcome
    assert (outcome.code, outcome.name) == (int(code), code.name), outcome
    assert outcome.message
    assert state_hash(state) == before
    return outcome


@pytest.mark.parametrize(
    ("submitter", "command", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rejection(
    world: RegulatorState, submitter: str, command: RegulatorCommand, code: RegulatorRejection
) -> None:
    assert_rejected(world, command, code, submitter)


def test_every_code_is_provoked() -> None:
    provoked = {code for *_, code in CASES}
    # NOT_LICENSED and LICENCE_SUSPENDED come from authorise; REGISTER_FULL from the tests below.
    provoked |= {R.NOT_LICENSED, R.LICENCE_SUSPENDED, R.REGISTER_FULL}
    assert provoked == set(RegulatorRejection)


def test_codes_are_in_the_regulator_range_and_the_licence_stage_codes_are_fixed() -> None:
    assert all(7000 <= code <= 7999 for code in RegulatorRejection)
    assert (R.NOT_LICENSED, R.LICENCE_SUSPENDED, R.WRONG_SUBMITTER) == (7001, 7002, 7003)


@pytest.mark.parametrize(
    ("institution_id", "role", "code"),
    [
        ("nobody", Role.BROKER, R.NOT_LICENSED),
        ("venue-1", Role.BROKER, R.NOT_LICENSED),
        ("broker-1", Role.CUSTODY, R.NOT_LICENSED),
        ("broker-3", Role.BROKER, R.NOT_LICENSED),
        ("broker-2", Role.BROKER, R.LICENCE_SUSPENDED),
        ("broker-2", Role.VENUE, R.NOT_LICENSED),
        ("broker-1", 42, R.NOT_LICENSED),
    ],
)
def test_authorise_refuses(
    world: RegulatorState, institution_id: str, role: Role, code: RegulatorRejection
) -> None:
    before = state_hash(world)
    outcome = authorise(world, institution_id, role)
    assert isinstance(outcome, Rejection)
    assert (outcome.code, outcome.name) == (int(code), code.name)
    assert institution_id in outcome.message
    assert state_hash(world) == before


def test_licences_max(world: RegulatorState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "regulator_licences_max", 7)
    assert_rejected(
        world, GrantLicence("broker-9", Role.BROKER, "ok"), R.REGISTER_FULL, "regulator"
    )


def test_licence_changes_max_keeps_a_slot_for_revocation(
    world: RegulatorState, monkeypatch: pytest.MonkeyPatch
) -> None:
    # broker-2's history is grant + suspension: 2 changes. With room for 3, reinstating would
    # take the slot kept for revocation.
    monkeypatch.setattr(limits, "regulator_licence_changes_max", 3)
    assert_rejected(world, ReinstateLicence("broker-2", "why"), R.REGISTER_FULL, "regulator")
    monkeypatch.setattr(limits, "regulator_licence_changes_max", 2)
    assert_rejected(world, SuspendLicence("broker-1", "why"), R.REGISTER_FULL, "regulator")
    outcome = decide(world, RevokeLicence("broker-2", "why"), Context(1, 1, submitter="regulator"))
    assert isinstance(outcome, list)


def test_markets_max(world: RegulatorState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "regulator_markets_max", 1)
    assert_rejected(world, HaltMarket("ETHUSDT", "why"), R.REGISTER_FULL, "regulator")
    assert_rejected(world, AdmitForRetail("BTCUSDT", "why"), R.REGISTER_FULL, "regulator")


def test_warrants_max(world: RegulatorState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "regulator_warrants_max", 1)
    assert_rejected(world, warrant(), R.REGISTER_FULL, "regulator")


def test_breaks_max(world: RegulatorState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "regulator_breaks_max", 1)
    assert_rejected(world, brk(), R.REGISTER_FULL, "kernel")


def test_alerts_max(world: RegulatorState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "regulator_alerts_max", 1)
    assert_rejected(world, RecordAlert("kernel", "c"), R.REGISTER_FULL, "kernel")


def test_no_break_before_the_first_cycle() -> None:
    assert_rejected(RegulatorState(), brk(), R.UNKNOWN_CYCLE, "kernel")
