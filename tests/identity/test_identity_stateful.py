"""Property test: random streams of valid and invalid identity commands. After every step the
state passes ``check_invariants``, ``decide`` has not touched it (same hash before and after),
a rejection leaves it as it was, accepted onboardings open ``account_id_for(kyc, salt)``, the
read helpers answer for every account, and a snapshot restores to the same hash.

Capacities are shrunk so that IDENTITY_FULL and TOO_MANY_API_KEYS are reached too."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from seawall.core import hk_rules, limits
from seawall.core.machine import Context, Rejection
from seawall.identity import (
    ActorKind,
    BlockAccount,
    BlockPerson,
    ClientOnboarded,
    Disclose,
    IdentityCommand,
    IdentityState,
    InvestorClass,
    KycRecord,
    OnboardClient,
    Party,
    RecordSuitability,
    RegisterAlgorithmKey,
    RevokeAlgorithmKey,
    ScreenTransfer,
    UnblockAccount,
    UnblockPerson,
    account_id_for,
    can_trade,
    check_invariants,
    client,
    decide,
    disclosure,
    document_hash,
    evolve,
    restore,
    snapshot,
    state_hash,
    why_cannot_trade,
)

TIMESTAMP_NS = 1_700_000_000_000_000_000
THRESHOLD = hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR
PRO_MIN = hk_rules.PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN
INST_MIN = hk_rules.INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN
SMALL_LIMITS = {
    "identity_clients_max": 9,
    "identity_blocked_documents_max": 3,
    "identity_api_keys_max": 5,
    "identity_api_keys_per_account_max": 2,
    "identity_disclosures_max": 3,
}


def mostly(common: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """Each of ``common`` four times as likely as each of ``rare`` (invalid or edge values)."""
    return st.sampled_from(common * 4 + rare)


#: Five people; the last two documents are written two ways (same document once normalised).
PEOPLE = [
    ("Alice Chan", "hkid", "A1234567"),
    ("Bob Lee", "hkid", "B7654321"),
    ("Harbour Capital Ltd", "business_registration", "12345678"),
    ("Dave Ho", "passport", "K0000001"),
    ("Dave Ho", "passport", "k-0000001"),
]
BAD_KYC = [
    {"full_name": ""},
    {"date_of_birth": "2030-01-01"},
    {"date_of_birth": "1990-02-30"},
    {"nationality": "Hong Kong"},
    {"document_number": "###"},
    {"address": "x" * (limits.identity_address_length_max + 1)},
]
DOCUMENTS = [document_hash(doc_type, number) for _, doc_type, number in PEOPLE[:4]] + [
    document_hash("passport", "Z9999999")
]
brokers = mostly(["broker-a", "broker-b"], ["bad id"])
classes = mostly(list(InvestorClass), ["whale"])
actors = mostly(list(ActorKind), ["robot"])
portfolios = mostly([0, PRO_MIN, INST_MIN, PRO_MIN - 1], [-1, limits.amount_minor_max + 1])
evidence = mostly(["", "evidence-1"], ["x" * (limits.identity_text_length_max + 1)])
key_ids = mostly([f"key-{n}" for n in range(6)], ["key 1", ""])
warrants = mostly([f"warrant-{n}" for n in range(5)], ["warrant 1"])
reasons = mostly(["review", "sanctions"], ["", " padded "])
submitters = mostly(["kernel"], ["broker-a", "regulator"])
amounts = mostly([1, THRESHOLD - 1, THRESHOLD, THRESHOLD * 3], [0, -5, limits.amount_minor_max + 1])
parties = mostly(
    [Party("Alice Chan", "0xabc", "Seawall Custody"), Party("Eve Lam", "bc1qxyz", "Other VASP")],
    [None, Party("Eve", "", "Other VASP"), Party("n" * 201, "0x1", "S")],
)


class IdentityMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = IdentityState()
        self.saved_limits = {name: getattr(limits, name) for name in SMALL_LIMITS}
        for name, value in SMALL_LIMITS.items():
            setattr(limits, name, value)

    def teardown(self) -> None:
        for name, value in self.saved_limits.items():
            setattr(limits, name, value)

    def known_accounts(self) -> list[str]:
        """Onboarded accounts, each four times as likely as an unknown or malformed id."""
        return [*sorted(self.state.clients) * 4, "acct-0000000000000000", "no such"]

    def algorithms(self) -> list[str]:
        return [
            account_id
            for account_id, found in sorted(self.state.clients.items())
            if found.actor is ActorKind.ALGORITHM
        ]

    def run(self, command: IdentityCommand, submitter: str = "broker-a") -> None:
        ctx = Context(seq=1, timestamp_ns=TIMESTAMP_NS, submitter=submitter)
        before = state_hash(self.state)
        outcome = decide(self.state, command, ctx)
        assert state_hash(self.state) == before, "decide changed the state"
        if isinstance(outcome, Rejection):
            assert 1000 <= outcome.code <= 1999
            return
        assert outcome, command
        for event in outcome:
            evolve(self.state, event)
            if isinstance(event, ClientOnboarded):
                assert isinstance(command, OnboardClient)
                assert event.account_id == account_id_for(command.kyc, command.kyc_salt)

    @initialize()
    def onboard_a_first_client(self) -> None:
        kyc = KycRecord("Olive Owner", "hkid", "O1111111", "HK", "1980-01-01", "2 Owner Street")
        self.run(OnboardClient("broker-a", kyc, b"\x00" * 32, InvestorClass.RETAIL, 0, "", "human"))

    @rule(
        person=st.integers(0, len(PEOPLE) - 1),
        salt=st.integers(0, 3),
        broker_id=brokers,
        investor_class=classes,
        portfolio=portfolios,
        evidence_ref=evidence,
        actor=actors,
        data=st.data(),
    )
    def onboard(
        self,
        person: int,
        salt: int,
        broker_id: str,
        investor_class: Any,
        portfolio: int,
        evidence_ref: str,
        actor: Any,
        data: st.DataObject,
    ) -> None:
        name, doc_type, number = PEOPLE[person]
        fields = {
            "full_name": name,
            "document_type": doc_type,
            "document_number": number,
            "nationality": "HK",
            "date_of_birth": "1985-06-15",
            "address": "1 Harbour Road",
        }
        if data.draw(st.integers(0, 9)) == 0:
            fields.update(data.draw(st.sampled_from(BAD_KYC)))
        owner = data.draw(mostly(["", *sorted(self.state.clients)], ["a b", "acct-unknown"]))
        salt_bytes = data.draw(mostly([bytes([salt]) * 32], [b"\x01" * 31]))
        self.run(
            OnboardClient(
                broker_id,
                KycRecord(**fields),
                salt_bytes,
                investor_class,
                portfolio,
                evidence_ref,
                actor,
                owner,
            )
        )

    @rule(data=st.data(), n=st.integers(0, 7), broker_id=brokers, investor_class=classes)
    def onboard_algorithm(
        self, data: st.DataObject, n: int, broker_id: str, investor_class: Any
    ) -> None:
        """An algorithm owned by an existing client (mostly a valid owner)."""
        owner = data.draw(st.sampled_from(self.known_accounts()))
        kyc = KycRecord(f"Bot {n}", "algorithm", f"ALG-{n}", "HK", "2020-01-01", "1 Bot Lane")
        self.run(
            OnboardClient(
                broker_id, kyc, bytes([n]) * 32, investor_class, INST_MIN, "e", "algorithm", owner
            )
        )

    @rule(
        data=st.data(),
        passed=mostly([True, False], [1, None]),
        score=mostly([0, 50, 100], [-1, 101]),
        ref=evidence,
    )
    def record_suitability(self, data: st.DataObject, passed: bool, score: int, ref: str) -> None:
        account = data.draw(st.sampled_from(self.known_accounts()))
        self.run(RecordSuitability(account, passed, score, ref))

    @rule(data=st.data(), key_id=key_ids, revoke=st.booleans())
    def algorithm_key(self, data: st.DataObject, key_id: str, revoke: bool) -> None:
        account = data.draw(st.sampled_from(self.algorithms() * 4 + self.known_accounts()))
        command = RevokeAlgorithmKey if revoke else RegisterAlgorithmKey
        self.run(command(account, key_id))

    @rule(data=st.data(), reason=reasons, block=st.booleans())
    def block_or_unblock_account(self, data: st.DataObject, reason: str, block: bool) -> None:
        account = data.draw(st.sampled_from(self.known_accounts()))
        self.run(BlockAccount(account, reason) if block else UnblockAccount(account))

    @rule(
        document=mostly(DOCUMENTS, [b"\x00" * 31]),
        reason=reasons,
        block=st.booleans(),
    )
    def block_or_unblock_person(self, document: bytes, reason: str, block: bool) -> None:
        self.run(BlockPerson(document, reason) if block else UnblockPerson(document))

    @rule(
        data=st.data(),
        ref=mostly(["tr-1", "tr-2"], ["tr 1"]),
        amount=amounts,
        origin=parties,
        benef=parties,
    )
    def screen_transfer(
        self, data: st.DataObject, ref: str, amount: int, origin: Any, benef: Any
    ) -> None:
        account = data.draw(st.sampled_from(self.known_accounts()))
        self.run(ScreenTransfer(ref, account, amount, origin, benef))

    @rule(data=st.data(), warrant_id=warrants, reason=reasons, submitter=submitters)
    def disclose(self, data: st.DataObject, warrant_id: str, reason: str, submitter: str) -> None:
        account = data.draw(st.sampled_from(self.known_accounts()))
        self.run(Disclose(warrant_id, account, reason), submitter)

    @invariant()
    def invariants_hold_and_snapshots_round_trip(self) -> None:
        check_invariants(self.state)
        restored = restore(snapshot(self.state))
        assert state_hash(restored) == state_hash(self.state)
        for account_id in sorted(self.state.clients):
            info = client(self.state, account_id)
            assert info is not None
            assert can_trade(self.state, account_id) == (
                why_cannot_trade(self.state, account_id) is None
            )
        for warrant_id in sorted(self.state.disclosures):
            disclosed = disclosure(self.state, warrant_id)
            assert disclosed is not None
            account_id, kyc = disclosed
            found = self.state.clients[account_id]
            assert account_id_for(kyc, found.kyc_salt) == account_id


IdentityMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_identity_machine_properties = IdentityMachine.TestCase
