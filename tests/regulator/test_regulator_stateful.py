"""Property test: random command streams (valid and invalid, from the right and the wrong
submitter) drive the regulator. After every step: ``decide`` did not touch the state, the state
passes ``check_invariants``, a snapshot round trip keeps the hash, and ``authorise`` answers as a
naive model of the licence register says it must."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from seawall.core import limits
from seawall.core.machine import Context, Rejection
from seawall.regulator import (
    AdmitForRetail,
    BreakKind,
    GrantLicence,
    HaltMarket,
    IssueWarrant,
    LicenceGranted,
    LicenceReinstated,
    LicenceRevoked,
    LicenceSuspended,
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
    check_invariants,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)

R = RegulatorRejection
MAX = limits.amount_minor_max


def mostly(common: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """Each of ``common`` four times as likely as each of ``rare`` (invalid or edge values)."""
    return st.sampled_from(common * 4 + rare)


INSTITUTIONS = ["broker-1", "broker-2", "venue-1", "custody-1", "clearing-1", "identity-1"]
institution_ids = mostly(INSTITUTIONS, ["", "bad id", "x" * 65])
roles: st.SearchStrategy[Any] = mostly(list(Role), [0, 6, True, "broker"])
reasons = mostly(
    ["routine", "capital below requirement"],
    ["", "  ", "bell\x07", "r" * limits.regulator_reason_length_max, "r" * 1025],
)
symbols = mostly(["BTCUSDT", "ETHUSDT", "SOLUSDT"], ["", "btcusdt", "B" * 25])
warrant_ids = mostly(["w-1", "w-2", "w-3", "w-4"], ["", "w 1"])
account_ids = mostly(["acct-0123456789abcdef", "acct-ffffffffffffffff"], ["", "a b"])
justifications = mostly(
    ["suspected wash trading between linked accounts", "x" * 20],
    ["", "too short", " " * 30, "x" * 19],
)
officers = mostly(["Officer Chan", "Insp. Lee"], ["", " ", "o" * 129, "tab\there"])
kinds: st.SearchStrategy[Any] = mostly(list(BreakKind), ["house", 3])
assets = mostly(["USD", "BTC"], ["", "usd"])
figures = st.integers(-1_000, 1_000) | mostly([0, 1, 100], [MAX, MAX + 1, -MAX - 1, True])
details = mostly(["", "short by 10"], ["d" * 1025, "nul\x00"])
#: Small capacities, so that REGISTER_FULL is reached too.
SMALL_LIMITS = {
    "regulator_licences_max": 5,
    "regulator_licence_changes_max": 4,
    "regulator_markets_max": 2,
    "regulator_warrants_max": 3,
    "regulator_breaks_max": 6,
    "regulator_alerts_max": 4,
}


class RegulatorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = RegulatorState()
        self.seq = 0
        #: institution id -> (role, status): the naive model of the licence register
        self.model: dict[str, tuple[Role, str]] = {}
        self.saved_limits = {name: getattr(limits, name) for name in SMALL_LIMITS}
        for name, value in SMALL_LIMITS.items():
            setattr(limits, name, value)

    def teardown(self) -> None:
        for name, value in self.saved_limits.items():
            setattr(limits, name, value)

    def run(self, command: RegulatorCommand, submitter: str = "regulator") -> None:
        self.seq += 1
        ctx = Context(seq=self.seq, timestamp_ns=1_000 * self.seq, submitter=submitter)
        before = state_hash(self.state)
        outcome = decide(self.state, command, ctx)
        assert state_hash(self.state) == before, "decide changed the state"
        if isinstance(outcome, Rejection):
            assert outcome.name == R(outcome.code).name
            assert outcome.message
            return
        assert len(outcome) == 1
        for event in outcome:
            evolve(self.state, event)
            self.follow(event)

    def follow(self, event: Any) -> None:
        if isinstance(event, LicenceGranted):
            self.model[event.institution_id] = (event.role, "active")
        elif isinstance(event, LicenceSuspended | LicenceReinstated | LicenceRevoked):
            role = self.model[event.institution_id][0]
            status = {
                LicenceSuspended: "suspended",
                LicenceReinstated: "active",
                LicenceRevoked: "revoked",
            }[type(event)]
            self.model[event.institution_id] = (role, status)

    @initialize()
    def open_the_register(self) -> None:
        self.run(GrantLicence("broker-1", Role.BROKER, "inspected"))
        self.run(GrantLicence("venue-1", Role.VENUE, "inspected"))
        self.run(GrantLicence("custody-1", Role.CUSTODY, "inspected"))
        self.run(RunReconciliation(1))

    @rule(
        institution_id=institution_ids,
        role=roles,
        reason=reasons,
        submitter=mostly(["regulator"] * 2, ["kernel", "broker-1"]),
    )
    def grant(self, institution_id: str, role: Any, reason: str, submitter: str) -> None:
        self.run(GrantLicence(institution_id, role, reason), submitter)

    @rule(
        institution_id=institution_ids,
        action=st.sampled_from([SuspendLicence, ReinstateLicence, ReinstateLicence, RevokeLicence]),
        reason=reasons,
        submitter=mostly(["regulator"], ["kernel"]),
    )
    def change_licence(self, institution_id: str, action: Any, reason: str, submitter: str) -> None:
        self.run(action(institution_id, reason), submitter)

    @rule(
        data=st.data(),
        action=mostly([SuspendLicence, ReinstateLicence, ReinstateLicence], [RevokeLicence]),
    )
    def change_a_licence_on_the_register(self, data: st.DataObject, action: Any) -> None:
        """Suspend, reinstate or (more rarely) revoke a licence on the register."""
        institution_id = data.draw(st.sampled_from(sorted(self.state.licences)))
        self.run(action(institution_id, "supervisory decision"))

    @rule(
        symbol=symbols,
        halt=st.booleans(),
        reason=reasons,
        submitter=mostly(["regulator"] * 2, ["venue-1"]),
    )
    def halt_or_resume(self, symbol: str, halt: bool, reason: str, submitter: str) -> None:
        self.run((HaltMarket if halt else ResumeMarket)(symbol, reason), submitter)

    @rule(
        symbol=symbols,
        admit=st.booleans(),
        reason=reasons,
        submitter=mostly(["regulator"] * 2, ["broker-1"]),
    )
    def admit_or_withdraw(self, symbol: str, admit: bool, reason: str, submitter: str) -> None:
        self.run((AdmitForRetail if admit else WithdrawRetailAdmission)(symbol, reason), submitter)

    @rule(
        warrant_id=warrant_ids,
        account_id=account_ids,
        reason=justifications,
        officer=officers,
        submitter=mostly(["regulator"], ["identity-1"]),
    )
    def issue_warrant(
        self, warrant_id: str, account_id: str, reason: str, officer: str, submitter: str
    ) -> None:
        self.run(IssueWarrant(warrant_id, account_id, reason, officer), submitter)

    @rule(step=mostly([1, 2], [0, -1, -5]), submitter=mostly(["regulator"] * 2, ["x"]))
    def run_reconciliation(self, step: int, submitter: str) -> None:
        self.run(RunReconciliation(self.state.last_cycle + step), submitter)

    @rule(
        data=st.data(),
        kind=kinds,
        broker_id=mostly(["broker-1", "broker-2"], ["", "b b"]),
        account_id=account_ids,
        asset=assets,
        detail=details,
        submitter=mostly(["kernel"] * 2, ["regulator"]),
    )
    def record_break(
        self,
        data: st.DataObject,
        kind: Any,
        broker_id: str,
        account_id: str,
        asset: str,
        detail: str,
        submitter: str,
    ) -> None:
        cycle = self.state.last_cycle + data.draw(mostly([0], [-1, 1]))
        values = [data.draw(figures) for _ in range(5)]
        if data.draw(st.integers(0, 5)) == 0:  # books that agree: not a break
            values[0] = values[3] = 100
            values[1], values[2] = 60, 40
        if kind == BreakKind.WALLET and data.draw(st.booleans()):
            broker_id, account_id = "", ""
        self.run(
            RecordBreak(cycle, kind, broker_id, account_id, asset, *values, detail=detail),
            submitter,
        )

    @rule(
        source=mostly(["kernel", "surveillance"], ["", "a b"]),
        code=mostly(["unknown_account_trade", "8001"], ["", "x y"]),
        detail=details,
        submitter=mostly(["kernel"], ["regulator"]),
    )
    def record_alert(self, source: str, code: str, detail: str, submitter: str) -> None:
        self.run(RecordAlert(source, code, detail), submitter)

    @rule(
        data=st.data(),
        kind=st.sampled_from(list(BreakKind)),
        broker_id=st.sampled_from(["broker-1", "broker-2"]),
        asset=st.sampled_from(["USD", "BTC"]),
    )
    def record_real_break(
        self, data: st.DataObject, kind: BreakKind, broker_id: str, asset: str
    ) -> None:
        """A well-formed break in the cycle in progress: mostly recorded, sometimes a duplicate,
        sometimes books that agree."""
        custody = data.draw(st.integers(0, 1_000))
        clearing = data.draw(st.integers(-100, 100))
        ledger = custody + clearing + data.draw(mostly([1, -3, 0], [0]))
        broker = ledger + data.draw(st.sampled_from([0, 0, 2]))
        account_id = "acct-0123456789abcdef"
        if kind is BreakKind.WALLET:
            broker_id, account_id, ledger = "", "", custody + data.draw(st.sampled_from([0, 5]))
        cycle = max(self.state.last_cycle, 1)
        self.run(
            RecordBreak(
                cycle, kind, broker_id, account_id, asset, ledger, custody, clearing, broker, 1
            ),
            "kernel",
        )

    @invariant()
    def invariants_hold_and_snapshots_round_trip(self) -> None:
        check_invariants(self.state)
        restored = restore(snapshot(self.state))
        assert state_hash(restored) == state_hash(self.state)
        assert restored.break_keys == self.state.break_keys

    @invariant()
    def authorise_follows_the_model(self) -> None:
        for institution_id in [*INSTITUTIONS, "nobody"]:
            for role in Role:
                answer = authorise(self.state, institution_id, role)
                held = self.model.get(institution_id)
                if held is None or held[0] != role or held[1] == "revoked":
                    expected: R | None = R.NOT_LICENSED
                elif held[1] == "suspended":
                    expected = R.LICENCE_SUSPENDED
                else:
                    expected = None
                got = None if answer is None else R(answer.code)
                assert got == expected, (institution_id, role, held, answer)


RegulatorMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_regulator_machine_properties = RegulatorMachine.TestCase
