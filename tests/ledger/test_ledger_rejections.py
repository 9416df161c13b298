"""Every ledger rejection code, provoked by bad input, in both the fast machine and the reference
twin. Each case asserts the code and its name, and that the state hash did not change."""

from __future__ import annotations

from typing import Any

import pytest

from seawall.core import limits
from seawall.core.machine import Rejection
from seawall.ledger import (
    AccountKind,
    CreateHold,
    DefineAsset,
    FreezeAccount,
    LedgerCommand,
    LedgerRejection,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    UnfreezeAccount,
    VoidHold,
)

R = LedgerRejection


def p(account_id: str, asset: str, amount_minor: Any) -> Posting:
    return Posting(account_id=account_id, asset=asset, amount_minor=amount_minor)


MAX = limits.amount_minor_max
LONG_MEMO = "m" * (limits.memo_length_max + 1)
PAY = (p("alice", "USD", -100), p("bob", "USD", 100))


def pay(transfer_id: str = "pay-1", *postings: Any, memo: str = "") -> Transfer:
    return Transfer(transfer_id=transfer_id, postings=postings or PAY, memo=memo)


def hold(hold_id: str = "h-new", account_id: str = "alice", asset: str = "USD", amount: Any = 100):
    return CreateHold(hold_id=hold_id, account_id=account_id, asset=asset, amount_minor=amount)


def post(hold_ids: tuple[str, ...] = ("h-pending",), *postings: Any, transfer_id: str = "post-1"):
    return PostHold(hold_ids=hold_ids, transfer_id=transfer_id, postings=postings or PAY)


CASES: list[tuple[str, LedgerCommand, LedgerRejection]] = [
    (
        "open existing account",
        OpenAccount(account_id="alice", kind=AccountKind.CLIENT),
        R.ACCOUNT_EXISTS,
    ),
    (
        "post to unopened account",
        pay("t", p("alice", "USD", -1), p("nobody", "USD", 1)),
        R.UNKNOWN_ACCOUNT,
    ),
    ("hold on unopened account", hold(account_id="nobody"), R.UNKNOWN_ACCOUNT),
    ("freeze unopened account", FreezeAccount(account_id="nobody"), R.UNKNOWN_ACCOUNT),
    ("unfreeze unopened account", UnfreezeAccount(account_id="nobody"), R.UNKNOWN_ACCOUNT),
    (
        "post in undefined asset",
        pay("t", p("ext", "EUR", -1), p("alice", "EUR", 1)),
        R.UNKNOWN_ASSET,
    ),
    (
        "post in malformed asset",
        pay("t", p("ext", "usd", -1), p("alice", "usd", 1)),
        R.UNKNOWN_ASSET,
    ),
    (
        "open for undefined asset",
        OpenAccount(account_id="new", kind=AccountKind.CLIENT, asset="EUR"),
        R.UNKNOWN_ASSET,
    ),
    ("hold in undefined asset", hold(asset="EUR"), R.UNKNOWN_ASSET),
    (
        "unbalanced",
        pay("t", p("alice", "USD", -100), p("bob", "USD", 99)),
        R.POSTINGS_DO_NOT_BALANCE,
    ),
    (
        "balanced across assets only",
        pay("t", p("ext", "USD", -5), p("alice", "BTC", 5)),
        R.POSTINGS_DO_NOT_BALANCE,
    ),
    (
        "spend the held part",
        pay("t", p("alice", "USD", -69_001), p("bob", "USD", 69_001)),
        R.INSUFFICIENT_AVAILABLE,
    ),
    (
        "house overdraft",
        pay("t", p("house", "USD", -1_001), p("bob", "USD", 1_001)),
        R.INSUFFICIENT_AVAILABLE,
    ),
    (
        "wallet pays out more than it holds",
        pay("t", p("wallet", "BTC", 500_000_001), p("ext", "BTC", -500_000_001)),
        R.INSUFFICIENT_AVAILABLE,
    ),
    ("hold beyond available", hold(amount=69_001), R.INSUFFICIENT_AVAILABLE),
    ("hold on empty client", hold(account_id="bob", amount=1), R.INSUFFICIENT_AVAILABLE),
    ("transfer id reused", pay("dep-usd"), R.DUPLICATE_TRANSFER_ID),
    ("transfer id reused by a post", post(transfer_id="dep-usd"), R.DUPLICATE_TRANSFER_ID),
    ("void unknown hold", VoidHold(hold_id="nope"), R.UNKNOWN_HOLD),
    ("post unknown hold", post(("nope",)), R.UNKNOWN_HOLD),
    ("void posted hold", VoidHold(hold_id="h-posted"), R.HOLD_NOT_PENDING),
    ("void voided hold", VoidHold(hold_id="h-voided"), R.HOLD_NOT_PENDING),
    ("post voided hold", post(("h-voided",)), R.HOLD_NOT_PENDING),
    ("post posted hold", post(("h-pending", "h-posted")), R.HOLD_NOT_PENDING),
    ("zero posting", pay("t", p("alice", "USD", 0), p("bob", "USD", 0)), R.INVALID_AMOUNT),
    (
        "posting over max",
        pay("t", p("ext", "USD", -MAX - 1), p("alice", "USD", MAX + 1)),
        R.INVALID_AMOUNT,
    ),
    ("posting as a bool", pay("t", p("alice", "USD", True), p("bob", "USD", -1)), R.INVALID_AMOUNT),
    ("zero hold", hold(amount=0), R.INVALID_AMOUNT),
    ("negative hold", hold(amount=-5), R.INVALID_AMOUNT),
    ("hold over max", hold(account_id="ext", amount=MAX + 1), R.INVALID_AMOUNT),
    ("empty transfer id", pay(""), R.INVALID_ID),
    ("transfer id with a space", pay("pay 1"), R.INVALID_ID),
    ("transfer id too long", pay("t" * (limits.transfer_id_length_max + 1)), R.INVALID_ID),
    (
        "malformed account to open",
        OpenAccount(account_id="-alice", kind=AccountKind.CLIENT),
        R.INVALID_ID,
    ),
    (
        "malformed account in posting",
        pay("t", p("alice", "USD", -1), p("b/b", "USD", 1)),
        R.INVALID_ID,
    ),
    ("malformed hold id", hold(hold_id="h!"), R.INVALID_ID),
    ("malformed hold id to void", VoidHold(hold_id=""), R.INVALID_ID),
    ("malformed hold id to post", post(("h-pending", " ")), R.INVALID_ID),
    ("malformed transfer id to post", post(transfer_id="x y"), R.INVALID_ID),
    ("malformed account to freeze", FreezeAccount(account_id="a b"), R.INVALID_ID),
    (
        "too many postings",
        pay("t", *[p("ext", "USD", -1), p("alice", "USD", 1)] * 9),
        R.TOO_MANY_POSTINGS,
    ),
    (
        "BTC to a USD-only client",
        pay("t", p("alice", "BTC", -1), p("bob", "BTC", 1)),
        R.ASSET_MISMATCH,
    ),
    ("BTC hold on a USD-only client", hold(account_id="bob", asset="BTC"), R.ASSET_MISMATCH),
    (
        "USD into the BTC wallet",
        pay("t", p("wallet", "USD", -1), p("alice", "USD", 1)),
        R.ASSET_MISMATCH,
    ),
    (
        "pay from a frozen account",
        pay("t", p("carol", "USD", -1), p("bob", "USD", 1)),
        R.ACCOUNT_FROZEN,
    ),
    (
        "pay into a frozen account",
        pay("t", p("alice", "USD", -1), p("carol", "USD", 1)),
        R.ACCOUNT_FROZEN,
    ),
    ("hold on a frozen account", hold(account_id="carol"), R.ACCOUNT_FROZEN),
    ("freeze twice", FreezeAccount(account_id="carol"), R.ACCOUNT_FROZEN),
    ("transfer memo too long", pay("t", memo=LONG_MEMO), R.MEMO_TOO_LONG),
    (
        "hold memo too long",
        CreateHold(hold_id="h", account_id="alice", asset="USD", amount_minor=1, memo=LONG_MEMO),
        R.MEMO_TOO_LONG,
    ),
    (
        "post memo too long",
        PostHold(hold_ids=("h-pending",), transfer_id="t", postings=PAY, memo=LONG_MEMO),
        R.MEMO_TOO_LONG,
    ),
    ("define USD again", DefineAsset(code="USD", decimals=2), R.ASSET_EXISTS),
    ("lower-case asset", DefineAsset(code="eth", decimals=18), R.INVALID_ASSET),
    ("empty asset", DefineAsset(code="", decimals=2), R.INVALID_ASSET),
    (
        "asset code too long",
        DefineAsset(code="A" * (limits.asset_code_length_max + 1), decimals=2),
        R.INVALID_ASSET,
    ),
    (
        "too many decimals",
        DefineAsset(code="ETH", decimals=limits.asset_decimals_max + 1),
        R.INVALID_ASSET,
    ),
    ("negative decimals", DefineAsset(code="ETH", decimals=-1), R.INVALID_ASSET),
    ("unknown account kind", OpenAccount(account_id="new", kind="bogus"), R.INVALID_ACCOUNT_KIND),
    ("no postings", Transfer(transfer_id="t", postings=()), R.NO_POSTINGS),
    (
        "post with no postings",
        PostHold(hold_ids=("h-pending",), transfer_id="t", postings=()),
        R.NO_POSTINGS,
    ),
    ("hold id reused", hold(hold_id="h-voided"), R.DUPLICATE_HOLD_ID),
    ("hold named twice in a post", post(("h-pending", "h-pending")), R.DUPLICATE_HOLD_ID),
    ("post of no hold", post(()), R.NO_HOLDS),
    (
        "post of too many holds",
        post(tuple(f"h{i}" for i in range(limits.holds_per_post_max + 1))),
        R.TOO_MANY_HOLDS,
    ),
    (
        "post more than held",
        post(("h-pending",), p("alice", "USD", -30_001), p("bob", "USD", 30_001)),
        R.HOLD_AMOUNT_EXCEEDED,
    ),
    (
        "post net more than held",
        post(
            ("h-pending",),
            p("alice", "USD", -30_000),
            p("alice", "USD", -1),
            p("bob", "USD", 30_001),
        ),
        R.HOLD_AMOUNT_EXCEEDED,
    ),
    (
        "balance past max",
        pay("t", p("ext", "USD", -MAX), p("alice", "USD", MAX)),
        R.BALANCE_OVERFLOW,
    ),
    ("unfreeze an active account", UnfreezeAccount(account_id="alice"), R.ACCOUNT_NOT_FROZEN),
]


def assert_rejected(impl: Any, state: Any, command: LedgerCommand, code: LedgerRejection) -> None:
    before = impl.state_hash(state)
    outcome = impl.decide(state, command, impl.ctx)
    assert isinstance(outcome, Rejection), outcome
    assert (outcome.code, outcome.name) == (int(code), code.name), outcome
    assert outcome.message
    assert impl.state_hash(state) == before


@pytest.mark.parametrize(("command", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejection(impl: Any, world: Any, command: LedgerCommand, code: LedgerRejection) -> None:
    assert_rejected(impl, world, command, code)


def test_every_code_is_provoked() -> None:
    # LEDGER_FULL and HOLDS_SHARE_ACCOUNT: tests below
    provoked = {code for _, _, code in CASES} | {R.LEDGER_FULL, R.HOLDS_SHARE_ACCOUNT}
    assert provoked == set(LedgerRejection)


def test_codes_are_in_the_ledger_range() -> None:
    assert all(6000 <= code <= 6999 for code in LedgerRejection)


def test_held_total_overflow(impl: Any, world: Any) -> None:
    """Holds on an unconstrained account are not limited by its balance, but by the held cap."""
    outcome = impl.decide(world, hold(hold_id="big", account_id="ext", amount=MAX), impl.ctx)
    assert not isinstance(outcome, Rejection)
    for event in outcome:
        impl.evolve(world, event)
    assert_rejected(
        impl, world, hold(hold_id="more", account_id="ext", amount=1), R.BALANCE_OVERFLOW
    )


def test_assets_max(impl: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "assets_max", 2)
    assert_rejected(impl, world, DefineAsset(code="ETH", decimals=18), R.LEDGER_FULL)


def test_accounts_max(impl: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "accounts_max", 7)
    assert_rejected(
        impl, world, OpenAccount(account_id="dave", kind=AccountKind.CLIENT), R.LEDGER_FULL
    )


def test_holds_pending_max(impl: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "holds_pending_max", 1)
    assert_rejected(impl, world, hold(), R.LEDGER_FULL)


def test_keep_remainder_refuses_two_holds_on_one_account_and_asset(impl: Any, world: Any) -> None:
    outcome = impl.decide(world, hold(hold_id="h-second", amount=10), impl.ctx)
    assert not isinstance(outcome, Rejection)
    for event in outcome:
        impl.evolve(world, event)
    command = PostHold(
        hold_ids=("h-pending", "h-second"),
        transfer_id="t-shared",
        postings=(p("alice", "USD", -5), p("bob", "USD", 5)),
        keep_remainder=True,
    )
    assert_rejected(impl, world, command, R.HOLDS_SHARE_ACCOUNT)
