"""Every custody rejection code, provoked by bad input against the ``world`` fixture. Each case
asserts the code and its name, a message, and that the state hash did not change (the fixture's
``driver.rejected`` checks all of that, and that ``decide`` touched nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from seawall.core import hk_rules, limits
from seawall.core.codec import encode
from seawall.custody import (
    AddDestination,
    AssetKind,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    CustodyRejection,
    CustodyState,
    ExecuteWithdrawal,
    FailWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    Party,
    Rebalance,
    RequestWithdrawal,
    WalletKind,
    WithdrawalStatus,
    restore,
)
from seawall.custody.state import (
    AssetRecord,
    ClientRecord,
    CustodySnapshot,
    DestinationRecord,
    FlowRecord,
    WalletRecord,
    WithdrawalRecord,
)

R = CustodyRejection
MAX = limits.amount_minor_max
T0 = 1_700_000_000_000_000_000
COOLING_OFF = hk_rules.WITHDRAWAL_DESTINATION_COOLING_OFF_NS
#: The world's BTC price: 1 BTC = HK$500,000, so 1 HKD cent is 2 satoshi.
SATS_AT_THRESHOLD = hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR * 10**8 // 50_000_000
FULL = Party("Alice Chan", "acct-alice", "Seawall")
LONG = "x" * (limits.custody_party_field_length_max + 1)


def dep(
    deposit_id: str = "dep-new",
    broker_id: str = "broker-1",
    account_id: str = "acct-alice",
    asset: str = "BTC",
    amount: Any = 1_000,
    origin: str = "bc1qalice",
    confirmations: Any = 3,
) -> ConfirmDeposit:
    return ConfirmDeposit(deposit_id, broker_id, account_id, asset, amount, origin, confirmations)


def wd(
    withdrawal_id: str = "wd-new",
    broker_id: str = "broker-1",
    account_id: str = "acct-alice",
    asset: str = "BTC",
    amount: Any = 1_000,
    destination: str = "bc1qalice",
    originator: Any = None,
    beneficiary: Any = None,
) -> RequestWithdrawal:
    return RequestWithdrawal(
        withdrawal_id, broker_id, account_id, asset, amount, destination, originator, beneficiary
    )


def add(
    destination: str = "bc1qfresh",
    ref: str = "kyc-case-9",
    broker_id: str = "broker-1",
    account_id: str = "acct-alice",
    asset: str = "BTC",
) -> AddDestination:
    return AddDestination(broker_id, account_id, asset, destination, ref)


def asset(
    code: str = "ETH",
    decimals: Any = 18,
    kind: Any = AssetKind.VIRTUAL,
    rate: Any = 2_000_000,
    confirmations: Any = 12,
) -> ConfigureAsset:
    return ConfigureAsset(code, decimals, kind, rate, confirmations)


#: (name, command, code, submitter or None for the driver's default)
CASES: list[tuple[str, CustodyCommand, CustodyRejection, str | None]] = [
    # --- INVALID_ID
    ("empty broker id", OpenClientAccount("", "acct-x"), R.INVALID_ID, None),
    ("broker id with a colon", OpenClientAccount("broker:1", "acct-x"), R.INVALID_ID, None),
    ("account id with a space", OpenClientAccount("broker-1", "acct x"), R.INVALID_ID, None),
    (
        "ledger account name too long",
        OpenClientAccount("broker-1", "a" * (limits.account_id_length_max - 8)),
        R.INVALID_ID,
        None,
    ),
    ("non-string account id", OpenClientAccount("broker-1", 7), R.INVALID_ID, None),  # type: ignore[arg-type]
    (
        "deposit id too long",
        dep(deposit_id="d" * (limits.custody_deposit_id_length_max + 1)),
        R.INVALID_ID,
        None,
    ),
    ("deposit for a malformed client", dep(account_id="acct/alice"), R.INVALID_ID, None),
    ("malformed withdrawal id", wd(withdrawal_id="wd 1"), R.INVALID_ID, None),
    ("execute a malformed withdrawal id", ExecuteWithdrawal(""), R.INVALID_ID, None),
    ("mark a malformed withdrawal id", MarkWithdrawalHeld("wd!"), R.INVALID_ID, None),
    ("malformed verification reference", add(ref="case 9"), R.INVALID_ID, None),
    # --- INVALID_AMOUNT
    ("zero deposit", dep(amount=0), R.INVALID_AMOUNT, None),
    ("negative deposit", dep(amount=-5), R.INVALID_AMOUNT, None),
    ("deposit over max", dep(amount=MAX + 1), R.INVALID_AMOUNT, None),
    ("deposit amount as a bool", dep(amount=True), R.INVALID_AMOUNT, None),
    ("zero withdrawal", wd(amount=0), R.INVALID_AMOUNT, None),
    ("withdrawal over max", wd(amount=MAX + 1), R.INVALID_AMOUNT, None),
    # --- assets
    ("configure BTC again", asset(code="BTC"), R.ASSET_EXISTS, None),
    ("deposit in an unconfigured asset", dep(asset="ETH"), R.UNKNOWN_ASSET, None),
    ("deposit in a malformed asset", dep(asset="btc"), R.UNKNOWN_ASSET, None),
    ("withdraw an unconfigured asset", wd(asset="ETH"), R.UNKNOWN_ASSET, None),
    ("destination for an unconfigured asset", add(asset="ETH"), R.UNKNOWN_ASSET, None),
    ("rebalance an unconfigured asset", Rebalance("ETH"), R.UNKNOWN_ASSET, None),
    ("lower-case code", asset(code="eth"), R.INVALID_ASSET_CONFIG, None),
    ("empty code", asset(code=""), R.INVALID_ASSET_CONFIG, None),
    (
        "too many decimals",
        asset(decimals=limits.asset_decimals_max + 1),
        R.INVALID_ASSET_CONFIG,
        None,
    ),
    ("negative decimals", asset(decimals=-1), R.INVALID_ASSET_CONFIG, None),
    ("unknown kind", asset(kind="bond"), R.INVALID_ASSET_CONFIG, None),
    ("zero HKD rate", asset(rate=0), R.INVALID_ASSET_CONFIG, None),
    ("HKD rate as a bool", asset(rate=True), R.INVALID_ASSET_CONFIG, None),
    ("virtual asset without confirmations", asset(confirmations=0), R.INVALID_ASSET_CONFIG, None),
    (
        "too many confirmations",
        asset(confirmations=limits.custody_confirmations_required_max + 1),
        R.INVALID_ASSET_CONFIG,
        None,
    ),
    (
        "fiat with negative confirmations",
        asset("HKD", 2, AssetKind.FIAT, 100, -1),
        R.INVALID_ASSET_CONFIG,
        None,
    ),
    # --- client accounts
    (
        "open alice again",
        OpenClientAccount("broker-1", "acct-alice"),
        R.CLIENT_ACCOUNT_EXISTS,
        None,
    ),
    ("deposit for a stranger", dep(account_id="acct-zed"), R.UNKNOWN_CLIENT_ACCOUNT, None),
    (
        "deposit for alice at the wrong broker",
        dep(broker_id="broker-2"),
        R.UNKNOWN_CLIENT_ACCOUNT,
        None,
    ),
    ("withdraw for a stranger", wd(account_id="acct-zed"), R.UNKNOWN_CLIENT_ACCOUNT, None),
    ("destination for a stranger", add(account_id="acct-zed"), R.UNKNOWN_CLIENT_ACCOUNT, None),
    # --- deposits
    ("two confirmations of three", dep(confirmations=2), R.INSUFFICIENT_CONFIRMATIONS, None),
    ("negative confirmations", dep(confirmations=-1), R.INSUFFICIENT_CONFIRMATIONS, None),
    ("confirmations as text", dep(confirmations="6"), R.INSUFFICIENT_CONFIRMATIONS, None),
    ("deposit dep-1 again", dep(deposit_id="dep-1"), R.DUPLICATE_DEPOSIT, None),
    ("malformed origin", dep(origin="bc1 q"), R.INVALID_DESTINATION, None),
    ("empty origin", dep(origin=""), R.INVALID_DESTINATION, None),
    (
        "origin too long",
        dep(origin="b" * (limits.custody_destination_length_max + 1)),
        R.INVALID_DESTINATION,
        None,
    ),
    ("deposit past max in wallets", dep(amount=MAX), R.BALANCE_OVERFLOW, None),
    # --- destinations
    (
        "withdraw to an unknown address",
        wd(destination="bc1qother"),
        R.DESTINATION_NOT_VERIFIED,
        None,
    ),
    (
        "withdraw BTC to the client's USD origin",
        wd(destination="HK-ALICE-001"),
        R.DESTINATION_NOT_VERIFIED,
        None,
    ),
    (
        "withdraw to another client's origin",
        wd(account_id="acct-bob", destination="bc1qalice"),
        R.DESTINATION_NOT_VERIFIED,
        None,
    ),
    (
        "withdraw to a malformed destination",
        wd(destination="bc1q alice"),
        R.INVALID_DESTINATION,
        None,
    ),
    ("add a malformed destination", add(destination=""), R.INVALID_DESTINATION, None),
    ("withdraw during cooling-off", wd(destination="bc1qnew"), R.DESTINATION_COOLING_OFF, None),
    ("add a deposit origin", add(destination="bc1qalice"), R.DESTINATION_EXISTS, None),
    ("add an added destination again", add(destination="bc1qnew"), R.DESTINATION_EXISTS, None),
    ("add without verification", add(ref=""), R.VERIFICATION_REQUIRED, None),
    # --- the travel rule
    (
        "at the threshold without parties",
        wd(amount=SATS_AT_THRESHOLD),
        R.TRAVEL_RULE_DATA_MISSING,
        None,
    ),
    (
        "at the threshold without a beneficiary",
        wd(amount=SATS_AT_THRESHOLD, originator=FULL),
        R.TRAVEL_RULE_DATA_MISSING,
        None,
    ),
    (
        "at the threshold, a beneficiary without a name",
        wd(amount=SATS_AT_THRESHOLD, originator=FULL, beneficiary=Party("", "bc1qalice", "self")),
        R.TRAVEL_RULE_DATA_MISSING,
        None,
    ),
    (
        "a party field with surrounding blanks",
        wd(originator=Party(" Alice", "acct-alice", "Seawall")),
        R.INVALID_PARTY,
        None,
    ),
    (
        "a party field with a control character",
        wd(amount=SATS_AT_THRESHOLD, originator=FULL, beneficiary=Party("A\nB", "x", "y")),
        R.INVALID_PARTY,
        None,
    ),
    (
        "a party field too long",
        wd(amount=SATS_AT_THRESHOLD, originator=Party(LONG, "x", "y"), beneficiary=FULL),
        R.INVALID_PARTY,
        None,
    ),
    ("a party that is not a Party", wd(originator={"name": "Alice"}), R.INVALID_PARTY, None),
    (
        "below the threshold, a party with an empty field",
        wd(beneficiary=Party("Alice", "", "Seawall")),
        R.INVALID_PARTY,
        None,
    ),
    # --- withdrawals
    ("withdrawal id reused", wd(withdrawal_id="wd-failed"), R.DUPLICATE_WITHDRAWAL, None),
    ("execute an unknown withdrawal", ExecuteWithdrawal("wd-nope"), R.UNKNOWN_WITHDRAWAL, None),
    ("hold an unknown withdrawal", MarkWithdrawalHeld("wd-nope"), R.UNKNOWN_WITHDRAWAL, None),
    ("fail an unknown withdrawal", FailWithdrawal("wd-nope", 1, "x"), R.UNKNOWN_WITHDRAWAL, None),
    ("hold twice", MarkWithdrawalHeld("wd-held"), R.WITHDRAWAL_WRONG_STATUS, None),
    (
        "co-sign before the hold",
        CosignWithdrawal("wd-req", "clearing"),
        R.WITHDRAWAL_WRONG_STATUS,
        None,
    ),
    ("co-sign twice", CosignWithdrawal("wd-cosigned", "clearing"), R.WITHDRAWAL_WRONG_STATUS, None),
    ("execute twice", ExecuteWithdrawal("wd-done"), R.WITHDRAWAL_WRONG_STATUS, None),
    ("execute a failed one", ExecuteWithdrawal("wd-failed"), R.WITHDRAWAL_WRONG_STATUS, None),
    ("fail an executed one", FailWithdrawal("wd-done", 1, "x"), R.WITHDRAWAL_WRONG_STATUS, None),
    ("fail twice", FailWithdrawal("wd-failed", 1, "x"), R.WITHDRAWAL_WRONG_STATUS, None),
    ("hold a failed one", MarkWithdrawalHeld("wd-failed"), R.WITHDRAWAL_WRONG_STATUS, None),
    ("execute a requested one", ExecuteWithdrawal("wd-req"), R.NOT_COSIGNED, None),
    ("execute a held one", ExecuteWithdrawal("wd-held"), R.NOT_COSIGNED, None),
    ("co-signed by a broker", CosignWithdrawal("wd-held", "broker-1"), R.INVALID_COSIGNER, None),
    (
        "co-signed by custody itself",
        CosignWithdrawal("wd-held", "custody"),
        R.INVALID_COSIGNER,
        None,
    ),
    ("fail with code zero", FailWithdrawal("wd-req", 0, "x"), R.INVALID_FAILURE, None),
    ("fail with a bool code", FailWithdrawal("wd-req", True, "x"), R.INVALID_FAILURE, None),
    ("fail with a non-text reason", FailWithdrawal("wd-req", 5, 7), R.INVALID_FAILURE, None),  # type: ignore[arg-type]
    # --- rebalancing
    ("rebalance within the band", Rebalance("BTC"), R.NOTHING_TO_REBALANCE, None),
    ("rebalance fiat", Rebalance("USD"), R.NOT_VIRTUAL_ASSET, None),
    # --- kernel-only commands
    ("a broker marks a hold", MarkWithdrawalHeld("wd-req"), R.NOT_AUTHORISED, "broker-1"),
    (
        "clearing co-signs without the kernel",
        CosignWithdrawal("wd-held", "clearing"),
        R.NOT_AUTHORISED,
        "clearing",
    ),
    ("custody fails a withdrawal", FailWithdrawal("wd-req", 1, "x"), R.NOT_AUTHORISED, "custody"),
    (
        "not authorised comes before unknown",
        MarkWithdrawalHeld("wd-nope"),
        R.NOT_AUTHORISED,
        "Kernel",
    ),
]


@pytest.mark.parametrize(
    ("command", "code", "submitter"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rejection(
    driver: Any,
    world: CustodyState,
    command: CustodyCommand,
    code: CustodyRejection,
    submitter: str | None,
) -> None:
    driver.rejected(world, command, code, submitter)


def test_every_code_is_provoked() -> None:
    # CUSTODY_FULL: tests below; WALLET_INSUFFICIENT: test_custody_machine (needs its own state)
    provoked = {code for _, _, code, _ in CASES} | {
        R.CUSTODY_FULL,
        R.WALLET_INSUFFICIENT,
        R.INVALID_RESERVES,  # test_custody_machine: reserves
        R.RESERVES_ALREADY_PUBLISHED,
    }
    assert provoked == set(CustodyRejection)


def test_codes_are_in_the_custody_range() -> None:
    assert all(5000 <= code <= 5999 for code in CustodyRejection)


def test_every_code_is_documented() -> None:
    import seawall.custody.rejections as module

    doc = module.__doc__ or ""
    for code in CustodyRejection:
        assert f" {int(code)}   {code.name} " in doc, code


def test_the_travel_rule_starts_exactly_at_the_threshold(driver: Any, world: CustodyState) -> None:
    driver.ok(world, wd("just-below", amount=SATS_AT_THRESHOLD - 1))
    driver.ok(world, wd("at", amount=SATS_AT_THRESHOLD, originator=FULL, beneficiary=FULL))


def test_a_destination_takes_effect_after_cooling_off(driver: Any, world: CustodyState) -> None:
    driver.rejected(
        world,
        wd(destination="bc1qnew"),
        R.DESTINATION_COOLING_OFF,
        timestamp_ns=T0 + COOLING_OFF - 1,
    )
    driver.ok(world, wd(destination="bc1qnew"), timestamp_ns=T0 + COOLING_OFF)


def test_the_client_flow_cannot_pass_minus_max(driver: Any) -> None:
    """A client who bought far more than they ever deposited (on the ledger, which custody does
    not see) and withdrew it has a very negative flow; it may not pass -amount_minor_max."""
    btc = AssetRecord(
        "BTC",
        8,
        AssetKind.VIRTUAL,
        50_000_000,
        1,
        (WalletRecord(WalletKind.COLD, 0), WalletRecord(WalletKind.HOT, 2)),
    )
    seller = ClientRecord(
        "b", "seller", (FlowRecord("BTC", -MAX + 1),), (DestinationRecord("BTC", "bc1qs", 0),)
    )
    whales = [
        ClientRecord("b", name, (FlowRecord("BTC", f),), ()) for name, f in (("w1", MAX), ("w2", 1))
    ]
    request = WithdrawalRecord(
        "w1",
        "b",
        "seller",
        "BTC",
        2,
        "bc1qs",
        None,
        None,
        WithdrawalStatus.COSIGNED,
        ("clearing",),
        0,
        "",
    )
    snap = CustodySnapshot((btc,), (seller, *whales), (), (request,))
    state = restore(encode(snap))
    driver.rejected(state, ExecuteWithdrawal("w1"), R.BALANCE_OVERFLOW)


# --- CUSTODY_FULL: each capacity, pushed past -----------------------------------------------------


def test_assets_max(driver: Any, world: CustodyState, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "assets_max", 2)
    driver.rejected(world, asset(), R.CUSTODY_FULL)


def test_client_accounts_max(
    driver: Any, world: CustodyState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "custody_client_accounts_max", 3)
    driver.rejected(world, OpenClientAccount("broker-2", "acct-dave"), R.CUSTODY_FULL)


def test_destinations_per_asset_max(
    driver: Any, world: CustodyState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "custody_destinations_per_asset_max", 2)
    driver.rejected(world, add(), R.CUSTODY_FULL)
    driver.rejected(world, dep(origin="bc1qfresh"), R.CUSTODY_FULL)
    # A deposit from a known origin adds no destination, so it still goes through.
    driver.ok(world, dep(origin="bc1qalice"))


def test_withdrawals_open_max(
    driver: Any, world: CustodyState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "custody_withdrawals_open_max", 4)
    driver.rejected(world, wd(), R.CUSTODY_FULL)
    # Ending one withdrawal makes room for another.
    driver.ok(world, FailWithdrawal("wd-req", 6005, "ledger refused the hold"))
    driver.ok(world, wd())
