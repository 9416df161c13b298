"""Identity's happy paths: onboarding (ids and commitments derived from the command), investor
classes, algorithms and their keys, suitability and the trading check, blocks of accounts and
persons, travel-rule screening, disclosure under a warrant, and the read helpers."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from seawall.core import hk_rules
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.machine import Rejection
from seawall.identity import (
    COMMANDS,
    EVENTS,
    AccountBlocked,
    AccountStatus,
    AccountUnblocked,
    ActorKind,
    AlgorithmKeyRegistered,
    AlgorithmKeyRevoked,
    BlockAccount,
    BlockPerson,
    ClientOnboarded,
    Disclose,
    IdentityCommand,
    IdentityDisclosed,
    IdentityEvent,
    IdentityState,
    InvestorClass,
    Party,
    PersonBlocked,
    PersonUnblocked,
    RecordSuitability,
    RegisterAlgorithmKey,
    RevokeAlgorithmKey,
    ScreenTransfer,
    SuitabilityRecorded,
    TransferScreened,
    UnblockAccount,
    UnblockPerson,
    account_for_api_key,
    account_id_for,
    can_trade,
    check_invariants,
    client,
    decide,
    disclosure,
    document_hash,
    evolve,
    is_person_blocked,
    kyc_commitment,
    kyc_commitment_for,
    state_hash,
    why_cannot_trade,
)

THRESHOLD = hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR
ORIGIN = Party(name="Alice Chan", account_ref="0xabc123", institution="Seawall Custody")
BENEF = Party(name="Eve Lam", account_ref="bc1qxyz", institution="Other VASP")


def test_onboarding_derives_commitment_and_account_id(kit: Any) -> None:
    state = IdentityState()
    kyc = kit.kyc()
    salt = kit.salt(7)
    events = kit.apply_ok(state, kit.onboard(kyc, 7))
    commitment = hashlib.sha256(b"seawall/kyc-commitment/v1\x00" + salt + encode(kyc)).digest()
    account_id = "acct-" + hashlib.sha256(b"seawall/account/v1\x00" + commitment).hexdigest()[:16]
    assert events == [
        ClientOnboarded(
            account_id=account_id,
            broker_id="broker-a",
            investor_class=InvestorClass.RETAIL,
            actor=ActorKind.HUMAN,
            algorithm_owner="",
            kyc_commitment=commitment,
            kyc=kyc,
            kyc_salt=salt,
        )
    ]
    assert account_id_for(kyc, salt) == account_id
    assert kyc_commitment_for(kyc, salt) == commitment
    assert kyc_commitment(state, account_id) == commitment
    check_invariants(state)


def test_the_account_id_reveals_nothing_of_the_kyc(kit: Any) -> None:
    kyc = kit.kyc()
    one, two = account_id_for(kyc, kit.salt(1)), account_id_for(kyc, kit.salt(2))
    assert one != two
    for text in (one, two):
        assert text.startswith("acct-")
        assert len(text) == 21
        assert "A1234567" not in text


def test_kyc_commitment_needs_a_32_byte_salt(kit: Any) -> None:
    with pytest.raises(ConditionFailed):
        kyc_commitment_for(kit.kyc(), b"short")


def test_the_same_person_may_open_one_account_per_broker(kit: Any) -> None:
    state = IdentityState()
    kit.apply_ok(state, kit.onboard(kit.kyc(), 1, broker_id="broker-a"))
    kit.apply_ok(state, kit.onboard(kit.kyc(), 2, broker_id="broker-b"))
    again = kit.apply(state, kit.onboard(kit.kyc(), 3, broker_id="broker-a"))
    assert isinstance(again, Rejection)
    assert again.name == "DUPLICATE_CLIENT"


def test_document_hash_normalises_the_number() -> None:
    assert document_hash("hkid", "A123456(7)") == document_hash("hkid", "a1234567")
    assert document_hash("hkid", "A1234567") != document_hash("passport", "A1234567")
    assert len(document_hash("hkid", "A1234567")) == 32
    with pytest.raises(ConditionFailed):
        document_hash("HKID", "A1")


def test_professional_and_institutional_classes(world: Any) -> None:
    bob = client(world.state, world.accounts["bob"])
    inst = client(world.state, world.accounts["inst"])
    assert bob is not None
    assert inst is not None
    assert bob.investor_class is InvestorClass.PROFESSIONAL
    assert inst.investor_class is InvestorClass.INSTITUTIONAL
    assert inst.broker_id == "broker-b"
    assert can_trade(world.state, world.accounts["bob"])
    assert can_trade(world.state, world.accounts["inst"])


def test_retail_trades_only_after_passing_suitability(kit: Any) -> None:
    state = IdentityState()
    kit.apply_ok(state, kit.onboard(kit.kyc(), 1))
    account = account_id_for(kit.kyc(), kit.salt(1))
    assert not can_trade(state, account)
    events = kit.apply_ok(state, RecordSuitability(account, False, 30, "assess-1"))
    assert events == [SuitabilityRecorded(account, False, 30, "assess-1")]
    assert not can_trade(state, account)
    kit.apply_ok(state, RecordSuitability(account, True, 75, "assess-2"))
    assert can_trade(state, account)
    assert why_cannot_trade(state, account) is None
    info = client(state, account)
    assert info is not None
    assert (info.suitability_assessed, info.suitability_passed, info.suitability_score) == (
        True,
        True,
        75,
    )


def test_algorithm_accounts_and_keys(world: Any, kit: Any) -> None:
    bot = world.accounts["bot"]
    info = client(world.state, bot)
    assert info is not None
    assert info.actor is ActorKind.ALGORITHM
    assert info.algorithm_owner == world.accounts["alice"]
    assert info.api_key_ids == ("key-1",)
    assert account_for_api_key(world.state, "key-1") == bot
    assert account_for_api_key(world.state, "key-0") is None  # revoked
    assert account_for_api_key(world.state, "nope") is None
    assert kit.apply_ok(world.state, RegisterAlgorithmKey(bot, "key-2")) == [
        AlgorithmKeyRegistered(bot, "key-2")
    ]
    assert kit.apply_ok(world.state, RevokeAlgorithmKey(bot, "key-1")) == [
        AlgorithmKeyRevoked(bot, "key-1")
    ]
    assert account_for_api_key(world.state, "key-2") == bot
    assert account_for_api_key(world.state, "key-1") is None
    check_invariants(world.state)


def test_a_blocked_owner_stops_its_algorithm(world: Any, kit: Any) -> None:
    bot, alice = world.accounts["bot"], world.accounts["alice"]
    assert can_trade(world.state, bot)
    kit.apply_ok(world.state, BlockAccount(alice, "review"))
    reason = why_cannot_trade(world.state, bot)
    assert isinstance(reason, Rejection)
    assert reason.name == "ACCOUNT_BLOCKED"
    kit.apply_ok(world.state, UnblockAccount(alice))
    assert can_trade(world.state, bot)


def test_block_and_unblock_an_account(world: Any, kit: Any) -> None:
    alice = world.accounts["alice"]
    assert kit.apply_ok(world.state, BlockAccount(alice, "suspicious login")) == [
        AccountBlocked(alice, "suspicious login")
    ]
    info = client(world.state, alice)
    assert info is not None
    assert (info.status, info.block_reason) == (AccountStatus.BLOCKED, "suspicious login")
    assert not can_trade(world.state, alice)
    assert kit.apply_ok(world.state, UnblockAccount(alice)) == [AccountUnblocked(alice)]
    info = client(world.state, alice)
    assert info is not None
    assert (info.status, info.block_reason) == (AccountStatus.ACTIVE, "")
    assert can_trade(world.state, alice)


def test_blocking_a_person_blocks_all_their_accounts_in_order(kit: Any) -> None:
    state = IdentityState()
    kyc = kit.kyc("P1234567", "Pat Ng")
    accounts = []
    for salt, broker in ((1, "broker-a"), (2, "broker-b"), (3, "broker-c")):
        kit.apply_ok(state, kit.onboard(kyc, salt, broker_id=broker))
        accounts.append(account_id_for(kyc, kit.salt(salt)))
    kit.apply_ok(state, BlockAccount(accounts[1], "earlier block"))
    document = document_hash("hkid", "P1234567")
    events = kit.apply_ok(state, BlockPerson(document, "sanctions"))
    still_active = sorted(a for a in accounts if a != accounts[1])
    assert events == [
        PersonBlocked(document, "sanctions"),
        *(AccountBlocked(a, "sanctions") for a in still_active),
    ]
    assert is_person_blocked(state, document)
    assert all(not can_trade(state, a) for a in accounts)
    # Unblocking the person lifts the document block only; accounts are unblocked one by one.
    assert kit.apply_ok(state, UnblockPerson(document)) == [PersonUnblocked(document)]
    assert not is_person_blocked(state, document)
    info = client(state, accounts[0])
    assert info is not None
    assert info.status is AccountStatus.BLOCKED
    kit.apply_ok(state, UnblockAccount(accounts[0]))
    check_invariants(state)


def test_a_blocked_person_cannot_be_onboarded_anywhere(world: Any, kit: Any) -> None:
    outcome = kit.apply(world.state, kit.onboard(kit.kyc("X9999999", document_type="passport"), 9))
    assert isinstance(outcome, Rejection)
    assert outcome.name == "PERSON_BLOCKED"


@pytest.mark.parametrize(
    ("amount", "origin", "benef", "applied"),
    [
        (THRESHOLD - 1, None, None, False),
        (THRESHOLD - 1, ORIGIN, None, False),
        (THRESHOLD, ORIGIN, BENEF, True),
        (THRESHOLD * 100, ORIGIN, BENEF, True),
    ],
)
def test_travel_rule_screening(
    world: Any, kit: Any, amount: int, origin: Any, benef: Any, applied: bool
) -> None:
    alice = world.accounts["alice"]
    before = state_hash(world.state)
    events = kit.apply_ok(world.state, ScreenTransfer("wd-1", alice, amount, origin, benef))
    assert events == [TransferScreened("wd-1", alice, amount, applied)]
    assert state_hash(world.state) == before


def test_disclosure_under_a_warrant(world: Any, kit: Any) -> None:
    alice = world.accounts["alice"]
    events = kit.apply_ok(world.state, Disclose("warrant-7", alice, "inquiry"), kit.kernel_ctx)
    assert events == [IdentityDisclosed("warrant-7", alice, kyc_commitment(world.state, alice))]
    assert disclosure(world.state, "warrant-7") == (alice, world.kyc["alice"])
    assert disclosure(world.state, "warrant-1") == (world.accounts["bob"], world.kyc["bob"])
    assert disclosure(world.state, "warrant-404") is None
    # The same account may be disclosed again under another warrant.
    kit.apply_ok(world.state, Disclose("warrant-8", alice, "follow-up"), kit.kernel_ctx)
    check_invariants(world.state)


def test_the_disclosure_event_and_client_view_hold_no_personal_data(world: Any) -> None:
    info = client(world.state, world.accounts["alice"])
    encoded = encode(info)
    assert b"Alice" not in encoded
    assert b"A1234567" not in encoded
    assert client(world.state, "acct-0000000000000000") is None


def test_kyc_commitment_of_an_unknown_account_fails() -> None:
    with pytest.raises(ConditionFailed):
        kyc_commitment(IdentityState(), "acct-0000000000000000")


def test_why_cannot_trade_an_unknown_or_malformed_account() -> None:
    for account, name in (("acct-0000000000000000", "UNKNOWN_ACCOUNT"), ("a b", "INVALID_ID")):
        reason = why_cannot_trade(IdentityState(), account)
        assert isinstance(reason, Rejection)
        assert reason.name == name


def test_the_world_passes_its_invariants(world: Any) -> None:
    check_invariants(world.state)


def test_commands_and_events_round_trip_through_the_codec(world: Any, kit: Any) -> None:
    commands: list[IdentityCommand] = [
        kit.onboard(kit.kyc(), 1),
        ScreenTransfer("wd-1", "acct-1", THRESHOLD, ORIGIN, BENEF),
        BlockPerson(document_hash("hkid", "A1"), "s"),
    ]
    for command in commands:
        assert decode(encode(command), IdentityCommand) == command  # type: ignore[arg-type]
    assert len(COMMANDS) == len(set(COMMANDS)) == 10
    assert len(EVENTS) == len(set(EVENTS)) == 10
    tags = [t.__struct_config__.tag for t in (*COMMANDS, *EVENTS)]
    assert all(isinstance(tag, str) and tag.startswith("identity.") for tag in tags)
    assert len(set(tags)) == len(tags)


def test_foreign_commands_and_events_are_bugs(kit: Any) -> None:
    state = IdentityState()
    with pytest.raises(InvariantViolation):
        decide(state, object(), kit.ctx)  # type: ignore[arg-type]
    with pytest.raises(InvariantViolation):
        evolve(state, object())  # type: ignore[arg-type]


def test_evolve_asserts_what_decide_guaranteed(world: Any) -> None:
    bad: list[IdentityEvent] = [
        AccountUnblocked(world.accounts["alice"]),
        AccountBlocked(world.accounts["carol"], "again"),
        AlgorithmKeyRegistered(world.accounts["alice"], "key-9"),
        AlgorithmKeyRegistered(world.accounts["bot"], "key-0"),
        AlgorithmKeyRevoked(world.accounts["bot"], "key-0"),
        SuitabilityRecorded("acct-0000000000000000", True, 1, "a"),
        IdentityDisclosed("warrant-1", world.accounts["bob"], b"\x00" * 32),
        PersonUnblocked(b"\x00" * 32),
        ClientOnboarded(
            account_id="acct-0000000000000000",
            broker_id="broker-a",
            investor_class=InvestorClass.RETAIL,
            actor=ActorKind.HUMAN,
            algorithm_owner="",
            kyc_commitment=b"\x00" * 32,
            kyc=world.kyc["alice"],
            kyc_salt=b"\x01" * 32,
        ),
    ]
    for event in bad:
        with pytest.raises(InvariantViolation):
            evolve(world.state, event)
