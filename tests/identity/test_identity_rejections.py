"""Every identity rejection code, provoked by bad input against the small world. Each case
asserts the code and its name, and that the state hash did not change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from seawall.core import hk_rules, limits
from seawall.core.machine import Context, Rejection
from seawall.identity import (
    ActorKind,
    BlockAccount,
    BlockPerson,
    Disclose,
    IdentityCommand,
    IdentityRejection,
    InvestorClass,
    Party,
    RecordSuitability,
    RegisterAlgorithmKey,
    RevokeAlgorithmKey,
    ScreenTransfer,
    UnblockAccount,
    UnblockPerson,
    account_id_for,
    decide,
    document_hash,
    state_hash,
    why_cannot_trade,
)

R = IdentityRejection
PRO_MIN = hk_rules.PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN
INST_MIN = hk_rules.INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN
THRESHOLD = hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR
LONG_TEXT = "x" * (limits.identity_text_length_max + 1)
PARTY = Party(name="Alice Chan", account_ref="0xabc123", institution="Seawall Custody")
ELSEWHERE = Party(name="Eve Lam", account_ref="bc1qxyz", institution="Other VASP")

#: (case name, command maker from (world, kit), submitter or None for the broker, code)
Case = tuple[str, Callable[[Any, Any], IdentityCommand], str | None, IdentityRejection]


def screen(amount: Any = THRESHOLD, origin: Any = PARTY, benef: Any = ELSEWHERE, acct: str = ""):
    return lambda w, k: ScreenTransfer("tr-1", acct or w.accounts["alice"], amount, origin, benef)


CASES: list[Case] = [
    # onboarding: the command's own fields
    (
        "malformed broker id",
        lambda w, k: k.onboard(k.kyc("N1"), 9, broker_id="bad id"),
        None,
        R.INVALID_ID,
    ),
    (
        "short salt",
        lambda w, k: _with(k.onboard(k.kyc("N1"), 9), kyc_salt=b"s" * 31),
        None,
        R.INVALID_SALT,
    ),
    (
        "salt not bytes",
        lambda w, k: _with(k.onboard(k.kyc("N1"), 9), kyc_salt="s" * 32),
        None,
        R.INVALID_SALT,
    ),
    ("empty name", lambda w, k: k.onboard(k.kyc("N1", ""), 9), None, R.INVALID_KYC),
    ("name too long", lambda w, k: k.onboard(k.kyc("N1", "n" * 201), 9), None, R.INVALID_KYC),
    (
        "control character in address",
        lambda w, k: k.onboard(k.kyc("N1", address="a\nb"), 9),
        None,
        R.INVALID_KYC,
    ),
    ("blank-padded name", lambda w, k: k.onboard(k.kyc("N1", " Ann"), 9), None, R.INVALID_KYC),
    (
        "upper-case document type",
        lambda w, k: k.onboard(k.kyc("N1", document_type="HKID"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "document number with odd characters",
        lambda w, k: k.onboard(k.kyc("N#1"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "document number without letters or digits",
        lambda w, k: k.onboard(k.kyc("--"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "nationality not ISO",
        lambda w, k: k.onboard(k.kyc("N1", nationality="hk"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "date not ISO",
        lambda w, k: k.onboard(k.kyc("N1", date_of_birth="28/02/1990"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "no 29 February in 1990",
        lambda w, k: k.onboard(k.kyc("N1", date_of_birth="1990-02-29"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "month 13",
        lambda w, k: k.onboard(k.kyc("N1", date_of_birth="1990-13-01"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "born before 1900",
        lambda w, k: k.onboard(k.kyc("N1", date_of_birth="1899-12-31"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "born after the sequencer's date",
        lambda w, k: k.onboard(k.kyc("N1", date_of_birth="2023-11-15"), 9),
        None,
        R.INVALID_KYC,
    ),
    (
        "kyc not a record",
        lambda w, k: _with(k.onboard(k.kyc("N1"), 9), kyc="Alice"),
        None,
        R.INVALID_KYC,
    ),
    (
        "bogus investor class",
        lambda w, k: k.onboard(k.kyc("N1"), 9, investor_class="whale"),
        None,
        R.INVALID_INVESTOR_CLASS,
    ),
    ("bogus actor", lambda w, k: k.onboard(k.kyc("N1"), 9, actor="robot"), None, R.INVALID_ACTOR),
    (
        "negative portfolio",
        lambda w, k: k.onboard(k.kyc("N1"), 9, portfolio_hkd_minor=-1),
        None,
        R.INVALID_AMOUNT,
    ),
    (
        "portfolio over max",
        lambda w, k: k.onboard(k.kyc("N1"), 9, portfolio_hkd_minor=limits.amount_minor_max + 1),
        None,
        R.INVALID_AMOUNT,
    ),
    (
        "portfolio is a bool",
        lambda w, k: k.onboard(k.kyc("N1"), 9, portfolio_hkd_minor=True),
        None,
        R.INVALID_AMOUNT,
    ),
    (
        "evidence too long",
        lambda w, k: k.onboard(k.kyc("N1"), 9, evidence_ref=LONG_TEXT),
        None,
        R.INVALID_TEXT,
    ),
    (
        "malformed owner id",
        lambda w, k: k.onboard(k.kyc("N1"), 9, actor=ActorKind.ALGORITHM, algorithm_owner="a b"),
        None,
        R.INVALID_ID,
    ),
    # onboarding: against the state
    (
        "blocked person",
        lambda w, k: k.onboard(k.kyc("D2222222", "Dave Ho"), 9, "broker-c"),
        None,
        R.PERSON_BLOCKED,
    ),
    (
        "blocked person, number written differently",
        lambda w, k: k.onboard(k.kyc("d-2222222", "Dave Ho"), 9),
        None,
        R.PERSON_BLOCKED,
    ),
    (
        "same kyc and salt twice",
        lambda w, k: k.onboard(w.kyc["alice"], 1),
        None,
        R.DUPLICATE_CLIENT,
    ),
    (
        "same document at the same broker",
        lambda w, k: k.onboard(k.kyc("A123456(7)", "Alice C."), 42),
        None,
        R.DUPLICATE_CLIENT,
    ),
    (
        "professional without evidence",
        lambda w, k: k.onboard(
            k.kyc("N1"), 9, investor_class=InvestorClass.PROFESSIONAL, portfolio_hkd_minor=PRO_MIN
        ),
        None,
        R.PROFESSIONAL_EVIDENCE_INSUFFICIENT,
    ),
    (
        "professional below the minimum",
        lambda w, k: k.onboard(
            k.kyc("N1"),
            9,
            investor_class=InvestorClass.PROFESSIONAL,
            portfolio_hkd_minor=PRO_MIN - 1,
            evidence_ref="statement",
        ),
        None,
        R.PROFESSIONAL_EVIDENCE_INSUFFICIENT,
    ),
    (
        "institution without evidence",
        lambda w, k: k.onboard(
            k.kyc("N1"), 9, investor_class=InvestorClass.INSTITUTIONAL, portfolio_hkd_minor=INST_MIN
        ),
        None,
        R.INSTITUTIONAL_EVIDENCE_INSUFFICIENT,
    ),
    (
        "institution below the minimum",
        lambda w, k: k.onboard(
            k.kyc("N1"),
            9,
            investor_class=InvestorClass.INSTITUTIONAL,
            portfolio_hkd_minor=INST_MIN - 1,
            evidence_ref="accounts",
        ),
        None,
        R.INSTITUTIONAL_EVIDENCE_INSUFFICIENT,
    ),
    (
        "human with an owner",
        lambda w, k: k.onboard(k.kyc("N1"), 9, algorithm_owner=w.accounts["alice"]),
        None,
        R.HUMAN_CANNOT_HAVE_OWNER,
    ),
    (
        "algorithm without an owner",
        lambda w, k: k.onboard(k.kyc("N1"), 9, actor=ActorKind.ALGORITHM),
        None,
        R.ALGORITHM_OWNER_REQUIRED,
    ),
    (
        "algorithm with an unknown owner",
        lambda w, k: k.onboard(
            k.kyc("N1"), 9, actor=ActorKind.ALGORITHM, algorithm_owner="acct-0000000000000000"
        ),
        None,
        R.ALGORITHM_OWNER_INVALID,
    ),
    (
        "algorithm owned by a blocked client",
        lambda w, k: k.onboard(
            k.kyc("N1"), 9, actor=ActorKind.ALGORITHM, algorithm_owner=w.accounts["carol"]
        ),
        None,
        R.ALGORITHM_OWNER_INVALID,
    ),
    (
        "algorithm owned by another broker's client",
        lambda w, k: k.onboard(
            k.kyc("N1"), 9, actor=ActorKind.ALGORITHM, algorithm_owner=w.accounts["inst"]
        ),
        None,
        R.ALGORITHM_OWNER_INVALID,
    ),
    (
        "algorithm owned by an algorithm",
        lambda w, k: k.onboard(
            k.kyc("N1"), 9, actor=ActorKind.ALGORITHM, algorithm_owner=w.accounts["bot"]
        ),
        None,
        R.ALGORITHM_OWNER_INVALID,
    ),
    # suitability
    (
        "suitability for a malformed account",
        lambda w, k: RecordSuitability("no such", True, 50, "a"),
        None,
        R.INVALID_ID,
    ),
    (
        "suitability for an unknown account",
        lambda w, k: RecordSuitability("acct-0000000000000000", True, 50, "a"),
        None,
        R.UNKNOWN_ACCOUNT,
    ),
    (
        "score over the maximum",
        lambda w, k: RecordSuitability(w.accounts["bob"], True, 101, "a"),
        None,
        R.INVALID_ASSESSMENT,
    ),
    (
        "negative score",
        lambda w, k: RecordSuitability(w.accounts["bob"], False, -1, "a"),
        None,
        R.INVALID_ASSESSMENT,
    ),
    (
        "passed not a bool",
        lambda w, k: RecordSuitability(w.accounts["bob"], 1, 50, "a"),
        None,
        R.INVALID_ASSESSMENT,
    ),
    (
        "assessment without reference",
        lambda w, k: RecordSuitability(w.accounts["bob"], True, 50, ""),
        None,
        R.REFERENCE_REQUIRED,
    ),
    (
        "assessment reference too long",
        lambda w, k: RecordSuitability(w.accounts["bob"], True, 50, LONG_TEXT),
        None,
        R.INVALID_TEXT,
    ),
    # algorithm keys
    (
        "key for a human",
        lambda w, k: RegisterAlgorithmKey(w.accounts["alice"], "key-9"),
        None,
        R.NOT_AN_ALGORITHM,
    ),
    (
        "revoke on a human",
        lambda w, k: RevokeAlgorithmKey(w.accounts["alice"], "key-1"),
        None,
        R.NOT_AN_ALGORITHM,
    ),
    (
        "key for an unknown account",
        lambda w, k: RegisterAlgorithmKey("acct-0000000000000000", "key-9"),
        None,
        R.UNKNOWN_ACCOUNT,
    ),
    (
        "malformed key id",
        lambda w, k: RegisterAlgorithmKey(w.accounts["bot"], "key 9"),
        None,
        R.INVALID_ID,
    ),
    (
        "active key id reused",
        lambda w, k: RegisterAlgorithmKey(w.accounts["bot"], "key-1"),
        None,
        R.DUPLICATE_API_KEY,
    ),
    (
        "revoked key id reused",
        lambda w, k: RegisterAlgorithmKey(w.accounts["bot"], "key-0"),
        None,
        R.DUPLICATE_API_KEY,
    ),
    (
        "revoke a revoked key",
        lambda w, k: RevokeAlgorithmKey(w.accounts["bot"], "key-0"),
        None,
        R.UNKNOWN_API_KEY,
    ),
    (
        "revoke a key never registered",
        lambda w, k: RevokeAlgorithmKey(w.accounts["bot"], "key-7"),
        None,
        R.UNKNOWN_API_KEY,
    ),
    # blocking
    (
        "block without a reason",
        lambda w, k: BlockAccount(w.accounts["alice"], ""),
        None,
        R.REASON_REQUIRED,
    ),
    (
        "block reason too long",
        lambda w, k: BlockAccount(w.accounts["alice"], LONG_TEXT),
        None,
        R.INVALID_TEXT,
    ),
    (
        "block a blocked account",
        lambda w, k: BlockAccount(w.accounts["carol"], "again"),
        None,
        R.ACCOUNT_BLOCKED,
    ),
    (
        "block an unknown account",
        lambda w, k: BlockAccount("acct-0000000000000000", "why"),
        None,
        R.UNKNOWN_ACCOUNT,
    ),
    (
        "unblock an active account",
        lambda w, k: UnblockAccount(w.accounts["alice"]),
        None,
        R.ACCOUNT_NOT_BLOCKED,
    ),
    (
        "unblock a blocked person's account",
        lambda w, k: UnblockAccount(w.accounts["dave"]),
        None,
        R.PERSON_BLOCKED,
    ),
    (
        "block a person twice",
        lambda w, k: BlockPerson(document_hash("hkid", "D2222222"), "again"),
        None,
        R.PERSON_ALREADY_BLOCKED,
    ),
    (
        "block a person without a reason",
        lambda w, k: BlockPerson(document_hash("hkid", "Z1"), ""),
        None,
        R.REASON_REQUIRED,
    ),
    (
        "block a short hash",
        lambda w, k: BlockPerson(b"\x00" * 31, "sanctions"),
        None,
        R.INVALID_DOCUMENT_HASH,
    ),
    (
        "unblock a short hash",
        lambda w, k: UnblockPerson(b"\x00" * 33),
        None,
        R.INVALID_DOCUMENT_HASH,
    ),
    (
        "unblock a person not blocked",
        lambda w, k: UnblockPerson(document_hash("hkid", "A1234567")),
        None,
        R.PERSON_NOT_BLOCKED,
    ),
    # travel rule
    (
        "transfer ref malformed",
        lambda w, k: ScreenTransfer("tr 1", w.accounts["alice"], 1, None, None),
        None,
        R.INVALID_ID,
    ),
    (
        "transfer for an unknown account",
        screen(acct="acct-0000000000000000"),
        None,
        R.UNKNOWN_ACCOUNT,
    ),
    ("zero transfer", screen(amount=0), None, R.INVALID_AMOUNT),
    ("transfer over max", screen(amount=limits.amount_minor_max + 1), None, R.INVALID_AMOUNT),
    (
        "transfer for a blocked account",
        lambda w, k: screen(acct=w.accounts["carol"])(w, k),
        None,
        R.ACCOUNT_BLOCKED,
    ),
    ("no originator at the threshold", screen(origin=None), None, R.TRAVEL_RULE_DATA_MISSING),
    (
        "no beneficiary above the threshold",
        screen(amount=THRESHOLD * 10, benef=None),
        None,
        R.TRAVEL_RULE_DATA_MISSING,
    ),
    (
        "empty institution at the threshold",
        screen(benef=Party(name="Eve", account_ref="bc1q", institution="")),
        None,
        R.TRAVEL_RULE_DATA_MISSING,
    ),
    (
        "party field too long",
        screen(origin=Party(name="n" * 201, account_ref="0xabc", institution="Seawall")),
        None,
        R.INVALID_PARTY,
    ),
    (
        "incomplete party below the threshold",
        screen(amount=THRESHOLD - 1, origin=Party(name="", account_ref="0x1", institution="S")),
        None,
        R.INVALID_PARTY,
    ),
    # disclosure
    (
        "disclosure by a broker",
        lambda w, k: Disclose("warrant-2", w.accounts["alice"], "inquiry"),
        None,
        R.NOT_AUTHORISED,
    ),
    (
        "disclosure by the regulator directly",
        lambda w, k: Disclose("warrant-2", w.accounts["alice"], "inquiry"),
        "regulator",
        R.NOT_AUTHORISED,
    ),
    (
        "warrant reused",
        lambda w, k: Disclose("warrant-1", w.accounts["alice"], "inquiry"),
        "kernel",
        R.ALREADY_DISCLOSED,
    ),
    (
        "malformed warrant id",
        lambda w, k: Disclose("warrant 2", w.accounts["alice"], "inquiry"),
        "kernel",
        R.INVALID_ID,
    ),
    (
        "disclosure without a reason",
        lambda w, k: Disclose("warrant-2", w.accounts["alice"], ""),
        "kernel",
        R.REASON_REQUIRED,
    ),
    (
        "disclosure of an unknown account",
        lambda w, k: Disclose("warrant-2", "acct-0000000000000000", "inquiry"),
        "kernel",
        R.UNKNOWN_ACCOUNT,
    ),
]


def _with(command: Any, **changes: Any) -> Any:
    """``command`` with some fields replaced, bypassing type checks (malformed input)."""
    return msgspec.structs.replace(command, **changes)


@pytest.mark.parametrize(("name", "make", "submitter", "code"), CASES, ids=[c[0] for c in CASES])
def test_rejection(
    world: Any,
    kit: Any,
    name: str,
    make: Callable[[Any, Any], IdentityCommand],
    submitter: str | None,
    code: IdentityRejection,
) -> None:
    command = make(world, kit)
    ctx = (
        kit.ctx
        if submitter is None
        else Context(seq=9, timestamp_ns=kit.ctx.timestamp_ns, submitter=submitter)
    )
    before = state_hash(world.state)
    outcome = decide(world.state, command, ctx)
    assert isinstance(outcome, Rejection), (name, outcome)
    assert outcome.code == int(code), (name, outcome)
    assert outcome.name == code.name
    assert outcome.message
    assert state_hash(world.state) == before


def test_capacity_limits(world: Any, kit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    acc = world.accounts
    cases: list[tuple[str, IdentityCommand, Context]] = [
        ("identity_clients_max", kit.onboard(kit.kyc("N1"), 9), kit.ctx),
        ("identity_blocked_documents_max", BlockPerson(document_hash("hkid", "Z1"), "s"), kit.ctx),
        ("identity_api_keys_max", RegisterAlgorithmKey(acc["bot"], "key-2"), kit.ctx),
        ("identity_disclosures_max", Disclose("warrant-2", acc["alice"], "i"), kit.kernel_ctx),
    ]
    for limit, command, ctx in cases:
        with monkeypatch.context() as patch:
            patch.setattr(limits, limit, 0)
            before = state_hash(world.state)
            outcome = decide(world.state, command, ctx)
            assert isinstance(outcome, Rejection), limit
            assert (outcome.code, outcome.name) == (int(R.IDENTITY_FULL), "IDENTITY_FULL")
            assert state_hash(world.state) == before
        assert not isinstance(decide(world.state, command, ctx), Rejection), limit


def test_too_many_api_keys(world: Any, kit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "identity_api_keys_per_account_max", 1)
    before = state_hash(world.state)
    outcome = decide(world.state, RegisterAlgorithmKey(world.accounts["bot"], "key-2"), kit.ctx)
    assert isinstance(outcome, Rejection)
    assert (outcome.code, outcome.name) == (int(R.TOO_MANY_API_KEYS), "TOO_MANY_API_KEYS")
    assert state_hash(world.state) == before


def test_key_for_a_blocked_algorithm(world: Any, kit: Any) -> None:
    kit.apply_ok(world.state, BlockAccount(world.accounts["alice"], "owner under review"))
    for command in (
        RegisterAlgorithmKey(world.accounts["bot"], "key-2"),
        ScreenTransfer("tr-2", world.accounts["bot"], 100, None, None),
    ):
        before = state_hash(world.state)
        outcome = decide(world.state, command, kit.ctx)
        assert isinstance(outcome, Rejection)
        assert (outcome.code, outcome.name) == (int(R.ACCOUNT_BLOCKED), "ACCOUNT_BLOCKED")
        assert "owner" in outcome.message
        assert state_hash(world.state) == before


def test_suitability_required_is_the_trading_reason(world: Any, kit: Any) -> None:
    reason = why_cannot_trade(world.state, world.accounts["bob"])
    assert reason is None  # professional: no assessment needed
    kit.apply_ok(world.state, kit.onboard(kit.kyc("N1", "Nina"), 9))
    nina = account_id_for(kit.kyc("N1", "Nina"), kit.salt(9))
    reason = why_cannot_trade(world.state, nina)
    assert isinstance(reason, Rejection)
    assert (reason.code, reason.name) == (int(R.SUITABILITY_REQUIRED), "SUITABILITY_REQUIRED")


def test_every_code_is_exercised() -> None:
    covered = {code for *_, code in CASES} | {
        R.IDENTITY_FULL,
        R.TOO_MANY_API_KEYS,
        R.SUITABILITY_REQUIRED,
    }
    assert covered == set(IdentityRejection)


def test_codes_are_in_identitys_range() -> None:
    assert all(1000 <= code <= 1999 for code in IdentityRejection)
