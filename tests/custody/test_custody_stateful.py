"""Property test: random command streams, valid and invalid, from random submitters at a clock
that moves forward, drive custody. After every step ``decide`` must not have touched the state,
a rejection must be one of custody's codes, the state must pass ``check_invariants`` (wallets
never negative and equal to the clients' external flows; the withdrawal lifecycle obeyed) and
survive a snapshot round trip with the same hash; an accepted ``Rebalance`` must leave at least
``COLD_STORAGE_MIN_BPS`` of the asset cold; events must round-trip on the wire."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from seawall.core import hk_rules, limits
from seawall.core.codec import decode, encode
from seawall.core.machine import Context, Rejection
from seawall.custody import (
    WITHDRAWAL_TRANSITIONS,
    AddDestination,
    AssetKind,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    CustodyEvent,
    CustodyRejection,
    CustodyState,
    ExecuteWithdrawal,
    FailWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    Party,
    Rebalance,
    RequestWithdrawal,
    WithdrawalStatus,
    check_invariants,
    cold_ratio_bps,
    decide,
    evolve,
    restore,
    snapshot,
    state_hash,
)

MAX = limits.amount_minor_max
COOLING_OFF = hk_rules.WITHDRAWAL_DESTINATION_COOLING_OFF_NS
CODES = {int(code) for code in CustodyRejection}
#: Small capacities, so that CUSTODY_FULL is reached too.
SMALL_LIMITS = {
    "assets_max": 4,
    "custody_client_accounts_max": 5,
    "custody_destinations_per_asset_max": 3,
    "custody_withdrawals_open_max": 6,
}


def mostly(common: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """Each of ``common`` four times as likely as each of ``rare`` (invalid or edge values)."""
    return st.sampled_from(common * 4 + rare)


CLIENTS = [("b1", "a1"), ("b1", "a2"), ("b2", "a1")]
clients_st = mostly(CLIENTS, [("b1", "zz"), ("b:1", "a1"), ("", "a1"), ("b3", "a 1")])
assets_st = mostly(["BTC", "BTC", "ETH", "USD"], ["XRP", "btc", ""])
amounts = st.integers(1, 3_000_000) | mostly([1, 100, 10_000], [0, -1, MAX, MAX + 1])
places = mostly(["bc1qa", "bc1qb", "bc1qc", "0xabc", "HK-1"], ["", "bad place"])
deposit_ids = mostly([f"d{n}" for n in range(25)], ["", "d 1", "d" * 60])
withdrawal_ids = mostly([f"w{n}" for n in range(25)], ["", "w 1", "w" * 60])
submitters = mostly(["kernel"], ["broker-1", "clearing", "custody"])
complete = Party("Alice Chan", "acct-1", "Seawall")
parties = mostly(
    [complete, None],
    [Party("", "acct-1", "Seawall"), Party(" Alice", "x", "y"), Party("x" * 300, "y", "z")],
)


class CustodyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = CustodyState()
        self.now_ns = 1_700_000_000_000_000_000
        self.seq = 0
        self.saved_limits = {name: getattr(limits, name) for name in SMALL_LIMITS}
        for name, value in SMALL_LIMITS.items():
            setattr(limits, name, value)

    def teardown(self) -> None:
        for name, value in self.saved_limits.items():
            setattr(limits, name, value)

    def run(self, command: CustodyCommand, submitter: str = "broker-1") -> None:
        self.seq += 1
        ctx = Context(seq=self.seq, timestamp_ns=self.now_ns, submitter=submitter)
        before = state_hash(self.state)
        statuses = {w: r.status for w, r in self.state.withdrawals.items()}
        outcome = decide(self.state, command, ctx)
        assert state_hash(self.state) == before, ("decide changed the state", command)
        if isinstance(outcome, Rejection):
            assert outcome.code in CODES, outcome
            assert CustodyRejection(outcome.code).name == outcome.name
            return
        assert outcome, command
        for event in outcome:
            assert decode(encode(event), CustodyEvent) == event  # type: ignore[arg-type]
            evolve(self.state, event)
        for withdrawal_id, status in statuses.items():
            now = self.state.withdrawals[withdrawal_id].status
            assert now is status or now in WITHDRAWAL_TRANSITIONS[status], (status, now)
        if isinstance(command, Rebalance):
            assert cold_ratio_bps(self.state, command.asset) >= hk_rules.COLD_STORAGE_MIN_BPS

    @initialize()
    def open_custody(self) -> None:
        for command in (
            ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, 50_000_000, 2),
            ConfigureAsset("ETH", 18, AssetKind.VIRTUAL, 2_000_000, 12),
            ConfigureAsset("USD", 2, AssetKind.FIAT, 780, 0),
            *(OpenClientAccount(*client) for client in CLIENTS),
        ):
            self.run(command)
        assert len(self.state.clients) == 3

    @rule(
        code=mostly(["SOL", "HKD"], ["BTC", "sol", ""]),
        decimals=st.integers(-1, limits.asset_decimals_max + 1),
        kind=mostly(list(AssetKind), ["bond"]),
        rate=mostly([1, 780, 10**8], [0, -1]),
        confirmations=st.integers(-1, 20),
    )
    def configure_asset(
        self, code: str, decimals: int, kind: Any, rate: int, confirmations: int
    ) -> None:
        self.run(ConfigureAsset(code, decimals, kind, rate, confirmations))

    @rule(client=clients_st | mostly([("b3", "a9"), ("b2", "a2")], []))
    def open_client_account(self, client: tuple[str, str]) -> None:
        self.run(OpenClientAccount(*client))

    @rule(
        deposit_id=deposit_ids,
        client=clients_st,
        asset=assets_st,
        amount=amounts | st.integers(10**8, 10**10),
        origin=places,
        confirmations=mostly([2, 12, 30], [0, 1, -1]),
    )
    def confirm_deposit(
        self,
        deposit_id: str,
        client: tuple[str, str],
        asset: str,
        amount: int,
        origin: str,
        confirmations: int,
    ) -> None:
        self.run(ConfirmDeposit(deposit_id, *client, asset, amount, origin, confirmations))

    @rule(
        client=clients_st,
        asset=assets_st,
        destination=places,
        ref=mostly(["case-1"], ["", "case 1"]),
    )
    def add_destination(
        self, client: tuple[str, str], asset: str, destination: str, ref: str
    ) -> None:
        self.run(AddDestination(*client, asset, destination, ref))

    @rule(
        withdrawal_id=withdrawal_ids,
        client=clients_st,
        asset=assets_st,
        amount=amounts,
        destination=places,
        originator=parties,
        beneficiary=parties,
    )
    def request_withdrawal(
        self,
        withdrawal_id: str,
        client: tuple[str, str],
        asset: str,
        amount: int,
        destination: str,
        originator: Party | None,
        beneficiary: Party | None,
    ) -> None:
        self.run(
            RequestWithdrawal(
                withdrawal_id, *client, asset, amount, destination, originator, beneficiary
            )
        )

    @rule(data=st.data(), withdrawal_id=withdrawal_ids, with_parties=st.booleans())
    def withdraw_to_a_known_destination(
        self, data: st.DataObject, withdrawal_id: str, with_parties: bool
    ) -> None:
        """A request to a destination the client has: mostly accepted (unless cooling off)."""
        known = sorted(
            (key, asset, destination)
            for key, client in self.state.clients.items()
            for asset, places in client.destinations.items()
            for destination in places
        )
        if not known:
            return
        (broker_id, account_id), asset, destination = data.draw(st.sampled_from(known))
        amount = data.draw(st.integers(1, 5_000_000))
        party = complete if with_parties else None
        self.run(
            RequestWithdrawal(
                withdrawal_id, broker_id, account_id, asset, amount, destination, party, party
            )
        )
        # Often the flow goes on at once, as the kernel's routes would carry it.
        record = self.state.withdrawals.get(withdrawal_id)
        if record is None or record.status is not WithdrawalStatus.REQUESTED:
            return
        follow_ons: list[tuple[CustodyCommand, str]] = [
            (MarkWithdrawalHeld(withdrawal_id), "kernel"),
            (CosignWithdrawal(withdrawal_id, "clearing"), "kernel"),
            (ExecuteWithdrawal(withdrawal_id), "custody"),
        ]
        for command, submitter in follow_ons[: data.draw(st.integers(0, 3))]:
            self.run(command, submitter)

    @rule(data=st.data(), submitter=submitters, step=st.sampled_from(["hold", "cosign", "fail"]))
    def kernel_step(self, data: st.DataObject, submitter: str, step: str) -> None:
        """Move a withdrawal along (or not: a wrong status, a wrong submitter or cosigner)."""
        known = sorted(self.state.withdrawals)
        withdrawal_id = data.draw(st.sampled_from(known) if known else withdrawal_ids)
        command: CustodyCommand
        if step == "hold":
            command = MarkWithdrawalHeld(withdrawal_id)
        elif step == "cosign":
            command = CosignWithdrawal(withdrawal_id, data.draw(mostly(["clearing"], ["broker"])))
        else:
            command = FailWithdrawal(withdrawal_id, data.draw(mostly([6005, 4001], [0])), "refused")
        self.run(command, submitter)

    @rule(data=st.data())
    def advance_withdrawal(self, data: st.DataObject) -> None:
        """The natural next step of an open withdrawal, as the kernel and custody would take it:
        hold, co-sign, execute (refused while the hot wallet is short)."""
        open_ids = sorted(
            w
            for w, r in self.state.withdrawals.items()
            if WITHDRAWAL_TRANSITIONS[r.status] - {WithdrawalStatus.FAILED}
        )
        if not open_ids:
            return
        withdrawal_id = data.draw(st.sampled_from(open_ids))
        status = self.state.withdrawals[withdrawal_id].status
        if status is WithdrawalStatus.REQUESTED:
            self.run(MarkWithdrawalHeld(withdrawal_id), "kernel")
        elif status is WithdrawalStatus.HELD:
            self.run(CosignWithdrawal(withdrawal_id, "clearing"), "kernel")
        else:
            self.run(ExecuteWithdrawal(withdrawal_id), "custody")

    @rule(data=st.data(), submitter=st.sampled_from(["custody", "kernel", "broker-1"]))
    def execute_withdrawal(self, data: st.DataObject, submitter: str) -> None:
        cosigned = sorted(
            w for w, r in self.state.withdrawals.items() if r.status is WithdrawalStatus.COSIGNED
        )
        pool = cosigned or sorted(self.state.withdrawals) or ["w0"]
        self.run(ExecuteWithdrawal(data.draw(mostly(pool, ["nope", ""]))), submitter)

    @rule(asset=assets_st)
    def rebalance(self, asset: str) -> None:
        self.run(Rebalance(asset))

    @rule(step_ns=mostly([1, 10**9, COOLING_OFF // 2, COOLING_OFF], [0]))
    def advance_time(self, step_ns: int) -> None:
        self.now_ns += step_ns

    @invariant()
    def invariants_hold_and_snapshots_round_trip(self) -> None:
        check_invariants(self.state)
        for asset in self.state.assets.values():
            assert all(balance >= 0 for balance in asset.wallets.values())
        restored = restore(snapshot(self.state))
        assert state_hash(restored) == state_hash(self.state)


CustodyMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_custody_stateful = CustodyMachine.TestCase
