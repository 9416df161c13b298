"""Identity test fixtures. ``kit`` carries the helpers (a KYC record maker, ``apply``, contexts)
and ``world`` a small identity state built with them: retail, professional and institutional
clients at two brokers, an algorithm with keys, a blocked account, a blocked person, and a
disclosure.

Tests run under ``--import-mode=importlib``, so test modules cannot import this file: they get
what they need through the fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from seawall.core import hk_rules
from seawall.core.machine import Context, Rejection
from seawall.identity import (
    ActorKind,
    BlockAccount,
    BlockPerson,
    Disclose,
    IdentityCommand,
    IdentityEvent,
    IdentityState,
    InvestorClass,
    KycRecord,
    OnboardClient,
    RecordSuitability,
    RegisterAlgorithmKey,
    RevokeAlgorithmKey,
    account_id_for,
    decide,
    document_hash,
    evolve,
)

#: 2023-11-14 in the sequencer's time: dates of birth may not be later.
TIMESTAMP_NS = 1_700_000_000_000_000_000
BROKER_CTX = Context(seq=1, timestamp_ns=TIMESTAMP_NS, submitter="broker-a")
KERNEL_CTX = Context(seq=2, timestamp_ns=TIMESTAMP_NS, submitter="kernel")


@dataclass(frozen=True)
class Kit:
    """Helpers shared by the identity tests."""

    ctx: Context = BROKER_CTX
    kernel_ctx: Context = KERNEL_CTX

    @staticmethod
    def kyc(number: str = "A1234567", name: str = "Alice Chan", **changes: str) -> KycRecord:
        values = {
            "full_name": name,
            "document_type": "hkid",
            "document_number": number,
            "nationality": "HK",
            "date_of_birth": "1990-02-28",
            "address": "1 Queen's Road Central, Hong Kong",
        }
        values.update(changes)
        return KycRecord(**values)

    @staticmethod
    def salt(n: int) -> bytes:
        return bytes([n]) * 32

    def onboard(
        self,
        kyc: KycRecord,
        salt: int,
        broker_id: str = "broker-a",
        investor_class: InvestorClass = InvestorClass.RETAIL,
        portfolio_hkd_minor: int = 0,
        evidence_ref: str = "",
        actor: ActorKind = ActorKind.HUMAN,
        algorithm_owner: str = "",
    ) -> OnboardClient:
        return OnboardClient(
            broker_id=broker_id,
            kyc=kyc,
            kyc_salt=self.salt(salt),
            investor_class=investor_class,
            portfolio_hkd_minor=portfolio_hkd_minor,
            evidence_ref=evidence_ref,
            actor=actor,
            algorithm_owner=algorithm_owner,
        )

    def apply(
        self, state: IdentityState, command: IdentityCommand, ctx: Context | None = None
    ) -> list[IdentityEvent] | Rejection:
        """Decide ``command`` and, if accepted, evolve every event."""
        outcome = decide(state, command, ctx or self.ctx)
        if not isinstance(outcome, Rejection):
            for event in outcome:
                evolve(state, event)
        return outcome

    def apply_ok(
        self, state: IdentityState, command: IdentityCommand, ctx: Context | None = None
    ) -> list[IdentityEvent]:
        outcome = self.apply(state, command, ctx)
        assert not isinstance(outcome, Rejection), outcome
        return outcome


@dataclass
class World:
    """The world's state and the account ids in it."""

    state: IdentityState
    accounts: dict[str, str] = field(default_factory=dict)
    kyc: dict[str, KycRecord] = field(default_factory=dict)


KIT = Kit()
PRO_MIN = hk_rules.PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN
INST_MIN = hk_rules.INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN


def build_world() -> World:
    k = KIT
    world = World(IdentityState())
    people = {
        "alice": (k.kyc("A1234567", "Alice Chan"), 1, "broker-a", InvestorClass.RETAIL, 0, ""),
        "bob": (
            k.kyc("B7654321", "Bob Lee"),
            2,
            "broker-a",
            InvestorClass.PROFESSIONAL,
            PRO_MIN,
            "statement-2023-q3",
        ),
        "inst": (
            k.kyc(
                "12345678",
                "Harbour Capital Ltd",
                document_type="business_registration",
                nationality="HKG",
                date_of_birth="2001-07-01",
            ),
            3,
            "broker-b",
            InvestorClass.INSTITUTIONAL,
            INST_MIN,
            "audited-accounts-2022",
        ),
        "carol": (k.kyc("C1111111", "Carol Wong"), 4, "broker-a", InvestorClass.RETAIL, 0, ""),
        "dave": (k.kyc("D2222222", "Dave Ho"), 5, "broker-b", InvestorClass.RETAIL, 0, ""),
    }
    for name, (kyc, salt, broker, cls, portfolio, evidence) in people.items():
        k.apply_ok(world.state, k.onboard(kyc, salt, broker, cls, portfolio, evidence))
        world.accounts[name] = account_id_for(kyc, k.salt(salt))
        world.kyc[name] = kyc
    bot_kyc = k.kyc("ALG-0001", "Alice Chan Market Maker", document_type="algorithm")
    k.apply_ok(
        world.state,
        k.onboard(bot_kyc, 6, actor=ActorKind.ALGORITHM, algorithm_owner=world.accounts["alice"]),
    )
    world.accounts["bot"] = account_id_for(bot_kyc, k.salt(6))
    world.kyc["bot"] = bot_kyc
    acc = world.accounts
    for command, ctx in (
        (RecordSuitability(acc["alice"], True, 80, "assess-1"), None),
        (RecordSuitability(acc["bot"], True, 70, "assess-2"), None),
        (RegisterAlgorithmKey(acc["bot"], "key-0"), None),
        (RegisterAlgorithmKey(acc["bot"], "key-1"), None),
        (RevokeAlgorithmKey(acc["bot"], "key-0"), None),
        (BlockAccount(acc["carol"], "fraud review"), None),
        (BlockPerson(document_hash("hkid", "D2222222"), "sanctions list"), None),
        (BlockPerson(document_hash("passport", "X9999999"), "sanctions list"), None),
        (Disclose("warrant-1", acc["bob"], "market manipulation inquiry"), k.kernel_ctx),
        (Disclose("warrant-0", acc["dave"], "sanctions inquiry"), k.kernel_ctx),
    ):
        k.apply_ok(world.state, command, ctx)
    return world


@pytest.fixture
def kit() -> Kit:
    return KIT


@pytest.fixture
def world() -> World:
    """A fresh copy of the small world (see the module docstring)."""
    return build_world()
