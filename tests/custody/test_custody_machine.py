"""Custody's behaviour on accepted commands: configuring assets, opening segregated accounts,
confirmed deposits (return of origin), destinations with cooling-off, the withdrawal lifecycle
with both co-signatures, failures that release the hold, rebalancing to the SFC's cold share;
the read helpers; and the guards: ``evolve`` and ``check_invariants`` crash on what cannot
happen, the wire format round-trips, and the package imports nothing but ``seawall.core``."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import msgspec
import pytest

import seawall.custody
from seawall.core import hk_rules, limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.machine import Context
from seawall.custody import (
    COMMANDS,
    EVENTS,
    WITHDRAWAL_TRANSITIONS,
    AddDestination,
    AssetConfigured,
    AssetKind,
    ClientAccountOpened,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    CustodyEvent,
    CustodyRejection,
    CustodyState,
    DepositConfirmed,
    DestinationAdded,
    ExecuteWithdrawal,
    FailWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    Party,
    PublishReserves,
    Rebalance,
    RequestWithdrawal,
    ReservesPublished,
    WalletKind,
    WalletsRebalanced,
    WithdrawalCosigned,
    WithdrawalExecuted,
    WithdrawalFailed,
    WithdrawalHeld,
    WithdrawalRequested,
    WithdrawalStatus,
    check_invariants,
    client_ledger_account,
    clients,
    cold_ratio_bps,
    decide,
    destinations,
    evolve,
    external_flow,
    hkd_value_minor,
    hold_id_for,
    paying_wallet,
    wallet_account,
    wallet_balance,
    withdrawal,
)
from seawall.custody.machine import restore, snapshot, state_hash

T0 = 1_700_000_000_000_000_000
COOLING_OFF = hk_rules.WITHDRAWAL_DESTINATION_COOLING_OFF_NS
ALICE = Party("Alice Chan", "acct-alice", "Seawall")


def test_ledger_account_names_follow_adr_4() -> None:
    assert client_ledger_account("broker-1", "acct-00ff") == "client:broker-1:acct-00ff"
    assert wallet_account("BTC", WalletKind.COLD) == "custody:cold:BTC"
    assert wallet_account("BTC", WalletKind.HOT) == "custody:hot:BTC"
    assert wallet_account("USD", WalletKind.BANK) == "custody:bank:USD"
    assert hold_id_for("w-1") == "wd:w-1"


def test_configuring_assets_names_their_wallet_accounts(driver: Any) -> None:
    state = CustodyState()
    [btc] = driver.ok(state, ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, 50_000_000, 3))
    assert btc == AssetConfigured(
        code="BTC",
        decimals=8,
        kind=AssetKind.VIRTUAL,
        hkd_per_unit_minor=50_000_000,
        confirmations_required=3,
        wallet_accounts=("custody:cold:BTC", "custody:hot:BTC"),
    )
    [usd] = driver.ok(state, ConfigureAsset("USD", 2, AssetKind.FIAT, 780, 0))
    assert isinstance(usd, AssetConfigured)
    assert usd.wallet_accounts == ("custody:bank:USD",)
    assert wallet_balance(state, "BTC", WalletKind.COLD) == 0
    assert wallet_balance(state, "USD", WalletKind.BANK) == 0
    with pytest.raises(ConditionFailed):
        wallet_balance(state, "USD", WalletKind.HOT)
    with pytest.raises(ConditionFailed):
        wallet_balance(state, "ETH", WalletKind.HOT)


def test_client_accounts_are_segregated_per_broker_client(driver: Any) -> None:
    state = CustodyState()
    [opened] = driver.ok(state, OpenClientAccount("broker-1", "acct-1"))
    assert opened == ClientAccountOpened("broker-1", "acct-1", "client:broker-1:acct-1")
    # The same account id at another broker is another client, with its own account.
    driver.ok(state, OpenClientAccount("broker-2", "acct-1"))
    driver.ok(state, OpenClientAccount("broker-1", "acct-0"))
    assert clients(state) == [
        ("broker-1", "acct-0"),
        ("broker-1", "acct-1"),
        ("broker-2", "acct-1"),
    ]


def test_a_confirmed_deposit_lands_in_the_hot_wallet(driver: Any, world: CustodyState) -> None:
    hot = wallet_balance(world, "BTC", WalletKind.HOT)
    [event] = driver.ok(
        world,
        ConfirmDeposit("dep-9", "broker-1", "acct-bob", "BTC", 5_000, "bc1qbob", 3),
        timestamp_ns=T0 + 5,
    )
    assert event == DepositConfirmed(
        deposit_id="dep-9",
        broker_id="broker-1",
        account_id="acct-bob",
        asset="BTC",
        amount_minor=5_000,
        origin="bc1qbob",
        confirmations=3,
        wallet="custody:hot:BTC",
        ledger_account="client:broker-1:acct-bob",
        origin_effective_from_ns=T0 + 5,
    )
    assert wallet_balance(world, "BTC", WalletKind.HOT) == hot + 5_000
    assert external_flow(world, "broker-1", "acct-bob", "BTC") == 5_000
    # Return of origin: the deposit's origin is a destination at once.
    assert destinations(world, "broker-1", "acct-bob", "BTC") == [("bc1qbob", T0 + 5)]
    driver.ok(
        world,
        RequestWithdrawal("wd-bob", "broker-1", "acct-bob", "BTC", 5_000, "bc1qbob"),
        timestamp_ns=T0 + 5,
    )


def test_a_fiat_deposit_lands_in_the_bank(driver: Any, world: CustodyState) -> None:
    [event] = driver.ok(
        world, ConfirmDeposit("dep-usd", "broker-1", "acct-bob", "USD", 250, "HK-BOB", 0)
    )
    assert isinstance(event, DepositConfirmed)
    assert event.wallet == "custody:bank:USD"
    assert wallet_balance(world, "USD", WalletKind.BANK) == 1_000_000 - 100_000 + 250


def test_a_deposit_from_an_added_origin_ends_its_cooling_off(
    driver: Any, world: CustodyState
) -> None:
    assert destinations(world, "broker-1", "acct-alice", "BTC") == [
        ("bc1qalice", T0),
        ("bc1qnew", T0 + COOLING_OFF),
    ]
    later = T0 + 60 * 10**9
    driver.ok(
        world,
        ConfirmDeposit("dep-new", "broker-1", "acct-alice", "BTC", 1, "bc1qnew", 3),
        timestamp_ns=later,
    )
    assert dict(destinations(world, "broker-1", "acct-alice", "BTC"))["bc1qnew"] == later
    driver.ok(
        world,
        RequestWithdrawal("wd-x", "broker-1", "acct-alice", "BTC", 1, "bc1qnew"),
        timestamp_ns=later,
    )
    # A later deposit from an origin never moves its effective time back.
    driver.ok(
        world,
        ConfirmDeposit("dep-again", "broker-1", "acct-alice", "BTC", 1, "bc1qnew", 3),
        timestamp_ns=later + 1,
    )
    assert dict(destinations(world, "broker-1", "acct-alice", "BTC"))["bc1qnew"] == later


def test_an_added_destination_waits_out_its_cooling_off(driver: Any, world: CustodyState) -> None:
    [event] = driver.ok(
        world, AddDestination("broker-1", "acct-bob", "USD", "HK-BOB-2", "case-1"), timestamp_ns=T0
    )
    assert event == DestinationAdded(
        "broker-1", "acct-bob", "USD", "HK-BOB-2", "case-1", T0 + COOLING_OFF
    )
    assert COOLING_OFF == 24 * 3600 * 10**9


def test_the_full_withdrawal_lifecycle(driver: Any, world: CustodyState) -> None:
    cold = wallet_balance(world, "BTC", WalletKind.COLD)
    hot = wallet_balance(world, "BTC", WalletKind.HOT)
    flow = external_flow(world, "broker-1", "acct-alice", "BTC")
    command = RequestWithdrawal(
        "wd-1", "broker-1", "acct-alice", "BTC", 2_000_000, "bc1qalice", ALICE, ALICE
    )
    [requested] = driver.ok(world, command)
    assert requested == WithdrawalRequested(
        withdrawal_id="wd-1",
        broker_id="broker-1",
        account_id="acct-alice",
        asset="BTC",
        amount_minor=2_000_000,
        destination="bc1qalice",
        originator=ALICE,
        beneficiary=ALICE,
        hold_id="wd:wd-1",
        ledger_account="client:broker-1:acct-alice",
    )
    assert withdrawal(world, "wd-1").status is WithdrawalStatus.REQUESTED
    assert driver.ok(world, MarkWithdrawalHeld("wd-1")) == [WithdrawalHeld("wd-1")]
    assert withdrawal(world, "wd-1").status is WithdrawalStatus.HELD
    assert driver.ok(world, CosignWithdrawal("wd-1", "clearing")) == [
        WithdrawalCosigned("wd-1", "clearing")
    ]
    # Custody's own co-signature is the execution; any submitter may ask for it.
    [executed] = driver.ok(world, ExecuteWithdrawal("wd-1"), submitter="custody")
    assert executed == WithdrawalExecuted(
        withdrawal_id="wd-1",
        broker_id="broker-1",
        account_id="acct-alice",
        asset="BTC",
        amount_minor=2_000_000,
        destination="bc1qalice",
        wallet_ledger_account="custody:hot:BTC",
        hold_id="wd:wd-1",
    )
    record = withdrawal(world, "wd-1")
    assert record.status is WithdrawalStatus.EXECUTED
    assert record.cosigners == ("clearing", "custody")
    assert wallet_balance(world, "BTC", WalletKind.HOT) == hot - 2_000_000
    assert wallet_balance(world, "BTC", WalletKind.COLD) == cold
    assert external_flow(world, "broker-1", "acct-alice", "BTC") == flow - 2_000_000


def test_a_fiat_withdrawal_pays_from_the_bank(world: CustodyState) -> None:
    record = withdrawal(world, "wd-done")
    assert record.status is WithdrawalStatus.EXECUTED
    assert wallet_balance(world, "USD", WalletKind.BANK) == 900_000
    assert external_flow(world, "broker-1", "acct-alice", "USD") == 900_000
    assert paying_wallet(world, "USD") is WalletKind.BANK
    assert paying_wallet(world, "BTC") is WalletKind.HOT


@pytest.mark.parametrize(
    ("withdrawal_id", "release_hold"),
    [("wd-req", False), ("wd-held", True), ("wd-cosigned", True)],
)
def test_a_failure_says_whether_the_hold_must_be_voided(
    driver: Any, world: CustodyState, withdrawal_id: str, release_hold: bool
) -> None:
    before = withdrawal(world, withdrawal_id)
    [event] = driver.ok(world, FailWithdrawal(withdrawal_id, 6005, "ledger refused"))
    assert event == WithdrawalFailed(
        withdrawal_id, 6005, "ledger refused", hold_id_for(withdrawal_id), release_hold
    )
    after = withdrawal(world, withdrawal_id)
    assert after.status is WithdrawalStatus.FAILED
    assert (after.failure_code, after.failure_reason) == (6005, "ledger refused")
    assert after.cosigners == before.cosigners


def test_a_long_failure_reason_is_cut(driver: Any, world: CustodyState) -> None:
    reason = "r" * (limits.custody_failure_reason_length_max + 50)
    [event] = driver.ok(world, FailWithdrawal("wd-req", 6005, reason))
    assert isinstance(event, WithdrawalFailed)
    assert event.reason == reason[: limits.custody_failure_reason_length_max]


def test_a_withdrawal_larger_than_the_hot_wallet_is_paid_from_cold(
    driver: Any, world: CustodyState
) -> None:
    """wd-big needs 0.5 BTC; the hot wallet, kept near 2 %, has 0.08: cold storage pays it."""
    hot = wallet_balance(world, "BTC", WalletKind.HOT)
    cold = wallet_balance(world, "BTC", WalletKind.COLD)
    assert hot == 8_000_000 and cold >= 50_000_000
    [executed] = driver.ok(world, ExecuteWithdrawal("wd-big"))
    assert isinstance(executed, WithdrawalExecuted)
    assert executed.wallet_ledger_account == "custody:cold:BTC"
    assert wallet_balance(world, "BTC", WalletKind.HOT) == hot
    assert wallet_balance(world, "BTC", WalletKind.COLD) == cold - 50_000_000


def test_a_withdrawal_beyond_every_wallet_is_refused(driver: Any) -> None:
    state = CustodyState()
    driver.ok(state, ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, 50_000_000, 1))
    driver.ok(state, OpenClientAccount("b", "a"))
    driver.ok(state, ConfirmDeposit("d", "b", "a", "BTC", 1_000, "bc1qa", 1))
    driver.ok(state, RequestWithdrawal("w", "b", "a", "BTC", 5_000, "bc1qa"))
    driver.ok(state, MarkWithdrawalHeld("w"))
    driver.ok(state, CosignWithdrawal("w", "clearing"))
    driver.rejected(state, ExecuteWithdrawal("w"), CustodyRejection.WALLET_INSUFFICIENT)


def test_rebalance_sends_the_excess_hot_to_cold(driver: Any) -> None:
    state = CustodyState()
    driver.ok(state, ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, 50_000_000, 1))
    driver.ok(state, OpenClientAccount("b", "a"))
    driver.ok(state, ConfirmDeposit("d", "b", "a", "BTC", 1_000_001, "bc1qa", 1))
    assert cold_ratio_bps(state, "BTC") == 0
    [moved] = driver.ok(state, Rebalance("BTC"))
    # target = 1_000_001 * 200 // 10_000 = 20_000
    assert moved == WalletsRebalanced("BTC", "custody:hot:BTC", "custody:cold:BTC", 980_001)
    assert wallet_balance(state, "BTC", WalletKind.HOT) == 20_000
    assert cold_ratio_bps(state, "BTC") >= hk_rules.COLD_STORAGE_MIN_BPS


def test_rebalance_tops_up_a_drained_hot_wallet(driver: Any, world: CustodyState) -> None:
    # Drain the hot wallet (0.08 BTC) with co-signed withdrawals: 0.03, then 0.05 more.
    driver.ok(world, ExecuteWithdrawal("wd-cosigned"))
    for command in (
        RequestWithdrawal(
            "wd-c2", "broker-2", "acct-carol", "BTC", 4_900_000, "bc1qcarol", ALICE, ALICE
        ),
        MarkWithdrawalHeld("wd-c2"),
        CosignWithdrawal("wd-c2", "clearing"),
        ExecuteWithdrawal("wd-c2"),
    ):
        driver.ok(world, command)
    cold = wallet_balance(world, "BTC", WalletKind.COLD)
    hot = wallet_balance(world, "BTC", WalletKind.HOT)
    assert hot == 100_000
    total = cold + hot
    target = total * hk_rules.HOT_STORAGE_MAX_BPS // 10_000
    [moved] = driver.ok(world, Rebalance("BTC"))
    assert moved == WalletsRebalanced("BTC", "custody:cold:BTC", "custody:hot:BTC", target - hot)
    assert wallet_balance(world, "BTC", WalletKind.HOT) == target
    assert wallet_balance(world, "BTC", WalletKind.COLD) == total - target
    assert cold_ratio_bps(world, "BTC") >= hk_rules.COLD_STORAGE_MIN_BPS


def test_cold_ratio_and_hkd_value(world: CustodyState) -> None:
    assert cold_ratio_bps(world, "BTC") == 392_000_000 * 10_000 // 400_000_000
    with pytest.raises(ConditionFailed):
        cold_ratio_bps(world, "USD")
    assert cold_ratio_bps(_empty_btc_state(), "BTC") == 10_000
    assert hkd_value_minor(world, "BTC", 100_000_000) == 50_000_000
    assert hkd_value_minor(world, "BTC", 1) == 0  # rounded down
    assert hkd_value_minor(world, "USD", 100) == 780
    with pytest.raises(ConditionFailed):
        hkd_value_minor(world, "ETH", 1)


def _empty_btc_state() -> CustodyState:
    state = CustodyState()
    outcome = decide(state, ConfigureAsset("BTC", 8, AssetKind.VIRTUAL, 1, 1), Context(1, T0, "t"))
    assert isinstance(outcome, list)
    for event in outcome:
        evolve(state, event)
    return state


def test_read_helpers_refuse_what_does_not_exist(world: CustodyState) -> None:
    with pytest.raises(ConditionFailed):
        external_flow(world, "broker-9", "acct-alice", "BTC")
    with pytest.raises(ConditionFailed):
        external_flow(world, "broker-1", "acct-alice", "ETH")
    assert external_flow(world, "broker-1", "acct-bob", "BTC") == 0
    with pytest.raises(ConditionFailed):
        withdrawal(world, "wd-nope")
    with pytest.raises(ConditionFailed):
        destinations(world, "broker-1", "acct-nope", "BTC")
    with pytest.raises(ConditionFailed):
        paying_wallet(world, "ETH")


def test_withdrawal_returns_a_frozen_copy(world: CustodyState) -> None:
    record = withdrawal(world, "wd-held")
    with pytest.raises(AttributeError):
        record.status = WithdrawalStatus.FAILED  # type: ignore[misc]
    assert world.withdrawals["wd-held"].status is WithdrawalStatus.HELD


def test_the_lifecycle_is_a_transition_table() -> None:
    expected = {
        WithdrawalStatus.REQUESTED: {WithdrawalStatus.HELD, WithdrawalStatus.FAILED},
        WithdrawalStatus.HELD: {WithdrawalStatus.COSIGNED, WithdrawalStatus.FAILED},
        WithdrawalStatus.COSIGNED: {WithdrawalStatus.EXECUTED, WithdrawalStatus.FAILED},
        WithdrawalStatus.EXECUTED: set(),
        WithdrawalStatus.FAILED: set(),
    }
    assert expected == WITHDRAWAL_TRANSITIONS


# --- guards -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        AssetConfigured("BTC", 8, AssetKind.VIRTUAL, 1, 1, ()),
        ClientAccountOpened("broker-1", "acct-alice", "client:broker-1:acct-alice"),
        DepositConfirmed(
            "dep-1", "broker-1", "acct-alice", "BTC", 1, "bc1qalice", 6, "custody:hot:BTC", "", 0
        ),
        DepositConfirmed(
            "dep-x", "broker-1", "acct-alice", "BTC", 1, "bc1qalice", 6, "custody:cold:BTC", "", 0
        ),
        DestinationAdded("broker-1", "acct-alice", "BTC", "bc1qnew", "ref", 0),
        WithdrawalRequested("wd-req", "broker-1", "acct-alice", "BTC", 1, "d", None, None, "", ""),
        WithdrawalHeld("wd-held"),
        WithdrawalHeld("wd-nope"),
        WithdrawalCosigned("wd-req", "clearing"),
        WithdrawalExecuted("wd-held", "broker-1", "acct-alice", "BTC", 2_000_000, "d", "h", "x"),
        WithdrawalExecuted(
            "wd-big", "b", "a", "BTC", 50_000_000, "bc1qcarol", "custody:hot:BTC", "wd:wd-big"
        ),
        WithdrawalFailed("wd-done", 1, "x", "wd:wd-done", True),
        WalletsRebalanced("BTC", "custody:hot:BTC", "custody:cold:BTC", 8_000_001),
        WalletsRebalanced("BTC", "custody:hot:BTC", "custody:hot:BTC", 1),
        WalletsRebalanced("USD", "custody:bank:USD", "custody:hot:USD", 1),
    ],
    ids=lambda event: type(event).__name__,
)
def test_evolve_crashes_on_what_decide_would_never_emit(
    world: CustodyState, event: CustodyEvent
) -> None:
    with pytest.raises((InvariantViolation, KeyError)):
        evolve(world, event)


def test_decide_and_evolve_refuse_foreign_messages(world: CustodyState) -> None:
    with pytest.raises(InvariantViolation):
        decide(world, "not a command", Context(1, T0, "t"))  # type: ignore[arg-type]
    with pytest.raises(InvariantViolation):
        evolve(world, "not an event")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("corrupt", "needle"),
    [
        (lambda s: s.assets["BTC"].wallets.__setitem__(WalletKind.HOT, -1), "wallet"),
        (lambda s: s.assets["BTC"].wallets.__setitem__(WalletKind.COLD, 1), "flows sum"),
        (lambda s: s.clients[("broker-1", "acct-bob")].flows.__setitem__("BTC", 5), "flows sum"),
        (lambda s: s.clients[("broker-1", "acct-bob")].flows.__setitem__("ETH", 5), "flow"),
        (lambda s: setattr(s, "withdrawals_open", 0), "withdrawals_open"),
        (lambda s: setattr(s.withdrawals["wd-held"], "cosigners", ("clearing",)), "cosigners"),
        (lambda s: setattr(s.withdrawals["wd-done"], "cosigners", ("clearing",)), "cosigners"),
        (lambda s: setattr(s.withdrawals["wd-failed"], "failure_code", 0), "failed"),
        (lambda s: setattr(s.withdrawals["wd-req"], "failure_reason", "x"), "cosigners"),
        (lambda s: setattr(s.withdrawals["wd-req"], "status", "lost"), "status"),
        (lambda s: setattr(s.withdrawals["wd-req"], "amount_minor", 0), "amount"),
        (lambda s: setattr(s.withdrawals["wd-req"], "asset", "ETH"), "unconfigured"),
        (lambda s: setattr(s.withdrawals["wd-req"], "account_id", "acct-zed"), "no client"),
        (lambda s: setattr(s.assets["BTC"], "confirmations_required", 0), "configuration"),
        (lambda s: setattr(s.assets["BTC"], "kind", AssetKind.FIAT), "wallets"),
        (lambda s: s.deposit_ids.add("bad id"), "deposit id"),
        (
            lambda s: s.clients[("broker-1", "acct-bob")].destinations.__setitem__(
                "BTC", {"bad dest": 0}
            ),
            "bad dest",
        ),
    ],
)
def test_check_invariants_catches_corruption(
    world: CustodyState, corrupt: Any, needle: str
) -> None:
    check_invariants(world)
    corrupt(world)
    with pytest.raises(InvariantViolation, match=needle):
        check_invariants(world)


def test_every_command_and_event_round_trips_on_the_wire(world: CustodyState) -> None:
    commands: list[CustodyCommand] = [
        ConfigureAsset("ETH", 18, AssetKind.VIRTUAL, 2_000_000, 12),
        OpenClientAccount("broker-1", "acct-1"),
        ConfirmDeposit("d", "broker-1", "acct-1", "ETH", 1, "0xabc", 12),
        AddDestination("broker-1", "acct-1", "ETH", "0xdef", "case-1"),
        RequestWithdrawal("w", "broker-1", "acct-1", "ETH", 1, "0xabc", ALICE, None),
        MarkWithdrawalHeld("w"),
        CosignWithdrawal("w", "clearing"),
        ExecuteWithdrawal("w"),
        FailWithdrawal("w", 6005, "no funds"),
        Rebalance("ETH"),
        PublishReserves("por-1", b"r" * 32, (("ETH", 10, 10, 10_000),)),
    ]
    assert {type(c) for c in commands} == set(COMMANDS)
    for command in commands:
        data = encode(command)
        assert decode(data, CustodyCommand) == command  # type: ignore[arg-type]
        assert msgspec.msgpack.decode(data)["k"] == command.__struct_config__.tag
    events: list[CustodyEvent] = []
    state = CustodyState()
    driver_ctx = Context(1, T0, "kernel")
    for command in commands[:-3]:
        outcome = decide(state, command, driver_ctx)
        assert isinstance(outcome, list), (command, outcome)
        for event in outcome:
            evolve(state, event)
        events += outcome
    events += [WithdrawalFailed("w", 1, "x", "wd:w", True), WalletsRebalanced("E", "a", "b", 1)]
    events.append(ReservesPublished("por-1", b"r" * 32, (("ETH", 10, 10, 10_000),)))
    assert {type(e) for e in events} == set(EVENTS)
    for event in events:
        assert decode(encode(event), CustodyEvent) == event  # type: ignore[arg-type]


def test_tags_are_in_the_custody_namespace() -> None:
    for kind in (*COMMANDS, *EVENTS):
        tag = kind.__struct_config__.tag
        assert isinstance(tag, str) and tag.startswith("custody."), kind
    assert Party.__struct_config__.tag is None


def test_a_float_amount_is_refused_at_decoding() -> None:
    data = msgspec.msgpack.encode(
        {
            "k": "custody.confirm_deposit",
            "deposit_id": "d",
            "broker_id": "b",
            "account_id": "a",
            "asset": "BTC",
            "amount_minor": 1.5,
            "origin": "o",
            "confirmations": 3,
        }
    )
    with pytest.raises(ConditionFailed):
        decode(data, CustodyCommand)  # type: ignore[arg-type]


# --- the package's walls -------------------------------------------------------------------------

PACKAGE = Path(seawall.custody.__file__).parent
ALLOWED_ROOTS = {"__future__", "enum", "itertools", "typing", "msgspec", "seawall"}
BANNED_CALLS = {"hash", "float"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def test_custody_imports_only_core_and_the_standard_library() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED_ROOTS, (path.name, name)
                if name.startswith("seawall."):
                    assert name.startswith(("seawall.core", "seawall.custody")), (path.name, name)


def test_custody_uses_no_clock_randomness_float_or_unsorted_set() -> None:
    """The checks of docs/DETERMINISM.md, applied to this package."""
    problems: list[str] = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in BANNED_CALLS
            ):
                problems.append(f"{where} calls {node.func.id}()")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                problems.append(f"{where} float literal")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id == "os" or node.attr in {"environ", "getenv", "urandom"})
            ):
                problems.append(f"{where} reads the environment")
            if isinstance(node, ast.AnnAssign) and ast.unparse(node.annotation) == "float":
                problems.append(f"{where} a float-typed name")
            if isinstance(node, ast.For | ast.comprehension):
                iterable = node.iter
                if isinstance(iterable, ast.Set | ast.SetComp):
                    problems.append(f"{where} iterates a set literal")
                if (
                    isinstance(iterable, ast.Call)
                    and isinstance(iterable.func, ast.Name)
                    and iterable.func.id in {"set", "frozenset"}
                ):
                    problems.append(f"{where} iterates a set unsorted")
                # The one set in custody's state: iterate it only through sorted().
                if (
                    isinstance(iterable, ast.Attribute)
                    and isinstance(iterable.value, ast.Name)
                    and iterable.value.id == "state"
                    and iterable.attr == "deposit_ids"
                ):
                    problems.append(f"{where} iterates state.deposit_ids unsorted")
    assert problems == []


def test_reserves_are_anchored_once_with_honest_ratios(driver: Any) -> None:
    state = CustodyState()
    root = b"\x01" * 32
    short = PublishReserves("por-1", root, (("BTC", 400, 300, 7_500), ("USD", 0, 5, 10_000)))
    (event,) = driver.ok(state, short)
    assert isinstance(event, ReservesPublished) and event.ratios[0][3] == 7_500
    assert state.reserves_published == {"por-1": root}
    driver.rejected(state, short, CustodyRejection.RESERVES_ALREADY_PUBLISHED)
    for bad in (
        PublishReserves("por-2", root, (("BTC", 400, 300, 9_000),)),  # a flattering ratio
        PublishReserves("por-2", b"short", (("BTC", 1, 1, 10_000),)),
        PublishReserves("por-2", root, ()),
        PublishReserves("por-2", root, (("BTC", 1, 1, 10_000), ("BTC", 1, 1, 10_000))),
        PublishReserves("por-2", root, (("BTC", -1, 1, 10_000),)),
        PublishReserves("bad id!", root, (("BTC", 1, 1, 10_000),)),
    ):
        driver.rejected(state, bad, CustodyRejection.INVALID_RESERVES)
    assert state_hash(restore(snapshot(state))) == state_hash(state)
