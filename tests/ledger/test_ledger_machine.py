"""The ledger's behaviour on accepted commands: custody deposits, holds posted in part or voided,
an atomic delivery-versus-payment post of two holds, freezing; and its guards: ``evolve`` and
``check_invariants`` crash on what cannot happen, the wire format round-trips, and the package
imports nothing but ``seawall.core``."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import seawall.ledger
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.machine import Context, Rejection
from seawall.ledger import (
    COMMANDS,
    EVENTS,
    AccountKind,
    CreateHold,
    DefineAsset,
    FreezeAccount,
    HoldPosted,
    HoldStatus,
    HoldVoided,
    LedgerCommand,
    LedgerEvent,
    LedgerRejection,
    LedgerState,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    TransferPosted,
    UnfreezeAccount,
    VoidHold,
    available,
    balance,
    check_invariants,
    decide,
    evolve,
    held,
    state_hash,
)

CTX = Context(seq=7, timestamp_ns=0, submitter="test")


def run(state: LedgerState, command: LedgerCommand) -> list[LedgerEvent] | Rejection:
    outcome = decide(state, command, CTX)
    if isinstance(outcome, list):
        for event in outcome:
            evolve(state, event)
    check_invariants(state)
    return outcome


def ok(state: LedgerState, command: LedgerCommand) -> list[LedgerEvent]:
    outcome = run(state, command)
    assert isinstance(outcome, list), outcome
    return outcome


def test_the_world_reads_as_expected(fast_world: LedgerState) -> None:
    # Balances read on the account's normal side: a funded wallet and a funded client are > 0.
    assert balance(fast_world, "wallet", "BTC") == 500_000_000
    assert balance(fast_world, "nostro", "USD") == 105_000
    assert balance(fast_world, "alice", "USD") == 99_000
    assert held(fast_world, "alice", "USD") == 30_000
    assert available(fast_world, "alice", "USD") == 69_000
    assert balance(fast_world, "house", "USD") == 1_000
    assert balance(fast_world, "bob", "BTC") == 0
    with pytest.raises(ConditionFailed):
        balance(fast_world, "nobody", "USD")


def test_a_withdrawal_leaves_the_wallet(fast_world: LedgerState) -> None:
    ok(
        fast_world,
        Transfer(
            "wd-1", (Posting("alice", "BTC", -100_000_000), Posting("wallet", "BTC", 100_000_000))
        ),
    )
    assert balance(fast_world, "wallet", "BTC") == 400_000_000
    assert balance(fast_world, "alice", "BTC") == 400_000_000


def test_a_hold_posted_in_part_releases_the_rest(fast_world: LedgerState) -> None:
    events = ok(
        fast_world,
        PostHold(
            ("h-pending",),
            "settle-1",
            (Posting("alice", "USD", -20_000), Posting("bob", "USD", 20_000)),
            memo="order 1",
        ),
    )
    assert [type(e) for e in events] == [HoldPosted, TransferPosted]
    assert fast_world.holds["h-pending"].status is HoldStatus.POSTED
    assert fast_world.holds["h-pending"].transfer_id == "settle-1"
    assert held(fast_world, "alice", "USD") == 0
    assert balance(fast_world, "alice", "USD") == 79_000
    assert available(fast_world, "alice", "USD") == 79_000
    assert balance(fast_world, "bob", "USD") == 20_000


def test_a_voided_hold_releases_everything(fast_world: LedgerState) -> None:
    assert ok(fast_world, VoidHold("h-pending")) == [HoldVoided(hold_id="h-pending")]
    assert available(fast_world, "alice", "USD") == 99_000
    again = run(fast_world, VoidHold("h-pending"))
    assert isinstance(again, Rejection)
    assert again.code == LedgerRejection.HOLD_NOT_PENDING


def test_delivery_versus_payment_posts_two_holds_atomically(fast_world: LedgerState) -> None:
    """Bob buys 1 BTC from Alice for 500.00 USD: bob's cash and alice's coin are both held,
    then one post moves both legs."""
    ok(
        fast_world,
        Transfer("dep-bob", (Posting("nostro", "USD", -60_000), Posting("bob", "USD", 60_000))),
    )
    ok(fast_world, OpenAccount("bob-btc", AccountKind.CLIENT, "BTC"))
    ok(fast_world, CreateHold("buy-cash", "bob", "USD", 60_000))
    ok(fast_world, CreateHold("sell-coin", "alice", "BTC", 100_000_000))
    legs = (
        Posting("bob", "USD", -50_000),
        Posting("alice", "USD", 50_000),
        Posting("alice", "BTC", -100_000_000),
        Posting("bob-btc", "BTC", 100_000_000),
    )
    # The coin leg asks for more than the hold: the whole post is refused, nothing moves.
    before = state_hash(fast_world)
    greedy = (
        *legs[:2],
        Posting("alice", "BTC", -100_000_001),
        Posting("bob-btc", "BTC", 100_000_001),
    )
    refused = run(fast_world, PostHold(("buy-cash", "sell-coin"), "dvp-1", greedy))
    assert isinstance(refused, Rejection)
    assert refused.code == LedgerRejection.HOLD_AMOUNT_EXCEEDED
    assert state_hash(fast_world) == before
    ok(fast_world, PostHold(("buy-cash", "sell-coin"), "dvp-1", legs))
    assert balance(fast_world, "bob", "USD") == 10_000
    assert available(fast_world, "bob", "USD") == 10_000
    assert balance(fast_world, "bob-btc", "BTC") == 100_000_000
    assert balance(fast_world, "alice", "BTC") == 400_000_000
    assert balance(fast_world, "alice", "USD") == 149_000


def test_a_hold_on_a_custody_wallet_reserves_what_may_leave(fast_world: LedgerState) -> None:
    ok(fast_world, CreateHold("wd-hold", "wallet", "BTC", 200_000_000))
    assert available(fast_world, "wallet", "BTC") == 300_000_000
    refused = run(
        fast_world,
        Transfer(
            "wd-2", (Posting("alice", "BTC", -400_000_000), Posting("wallet", "BTC", 400_000_000))
        ),
    )
    assert isinstance(refused, Rejection)
    assert refused.code == LedgerRejection.INSUFFICIENT_AVAILABLE
    # Posting the wallet hold: the wallet is credited (coin leaves), alice is debited.
    ok(
        fast_world,
        PostHold(
            ("wd-hold",),
            "wd-2",
            (Posting("wallet", "BTC", 200_000_000), Posting("alice", "BTC", -200_000_000)),
        ),
    )
    assert balance(fast_world, "wallet", "BTC") == 300_000_000


def test_freeze_blocks_postings_and_unfreeze_lifts_it(fast_world: LedgerState) -> None:
    ok(fast_world, FreezeAccount("alice"))
    refused = run(
        fast_world, Transfer("x", (Posting("alice", "USD", -1), Posting("bob", "USD", 1)))
    )
    assert isinstance(refused, Rejection)
    assert refused.code == LedgerRejection.ACCOUNT_FROZEN
    ok(fast_world, VoidHold("h-pending"))  # releasing a reservation is allowed while frozen
    ok(fast_world, UnfreezeAccount("alice"))
    ok(fast_world, Transfer("x", (Posting("alice", "USD", -1), Posting("bob", "USD", 1))))


def test_evolve_crashes_on_what_decide_would_never_emit(fast_world: LedgerState) -> None:
    impossible: list[Any] = [
        TransferPosted(transfer_id="dep-usd", postings=(), memo=""),
        TransferPosted(transfer_id="new", postings=(Posting("ghost", "USD", 1),), memo=""),
        TransferPosted(transfer_id="new", postings=(Posting("alice", "USD", 1),), memo=""),
        HoldPosted(hold_id="h-voided", transfer_id="t"),
        HoldVoided(hold_id="nope"),
    ]
    for event in impossible:
        with pytest.raises(InvariantViolation):
            evolve(fast_world, event)
    with pytest.raises(InvariantViolation):
        decide(fast_world, "not a command", CTX)  # type: ignore[arg-type]


def test_check_invariants_catches_corruption(fast_world: LedgerState) -> None:
    check_invariants(fast_world)
    fast_world.accounts["bob"].balances["USD"] = 1
    with pytest.raises(InvariantViolation, match="sum to"):
        check_invariants(fast_world)
    fast_world.accounts["bob"].balances["USD"] = 0
    fast_world.accounts["alice"].held["USD"] += 1
    with pytest.raises(InvariantViolation, match="held"):
        check_invariants(fast_world)


def test_an_overdrawn_constrained_account_is_a_violation() -> None:
    state = LedgerState()
    ok(state, DefineAsset("USD", 2))
    ok(state, OpenAccount("house", AccountKind.HOUSE))
    ok(state, OpenAccount("ext", AccountKind.EXTERNAL))
    state.accounts["house"].balances["USD"] = -1
    state.accounts["ext"].balances["USD"] = 1
    with pytest.raises(InvariantViolation, match="negative available"):
        check_invariants(state)


@pytest.mark.parametrize(
    "message",
    [
        DefineAsset("USD", 2),
        OpenAccount("alice", AccountKind.CLIENT, "USD"),
        Transfer("t", (Posting("a", "USD", -1), Posting("b", "USD", 1)), "memo"),
        PostHold(("h1", "h2"), "t", (Posting("a", "USD", -1), Posting("b", "USD", 1))),
        CreateHold("h", "a", "USD", 5),
        VoidHold("h"),
        FreezeAccount("a"),
        UnfreezeAccount("a"),
    ],
    ids=lambda m: type(m).__name__,
)
def test_commands_round_trip_the_wire(message: Any) -> None:
    data = encode(message)
    assert decode(data, seawall.ledger.LedgerCommand) == message  # type: ignore[arg-type]
    assert type(message).__struct_config__.tag.startswith("ledger.")


def test_every_event_is_tagged_and_decodes(fast_world: LedgerState) -> None:
    outcome = decide(
        fast_world,
        PostHold(("h-pending",), "p", (Posting("alice", "USD", -5), Posting("bob", "USD", 5))),
        CTX,
    )
    assert isinstance(outcome, list)
    data = encode(outcome)
    assert decode(data, list[seawall.ledger.LedgerEvent]) == outcome  # type: ignore[arg-type]
    for kind in (*COMMANDS, *EVENTS):
        assert kind.__struct_config__.tag.startswith("ledger.")  # type: ignore[union-attr]
        assert kind.__struct_config__.tag_field == "k"
        assert kind.__struct_config__.frozen


def test_floats_are_refused_on_the_wire() -> None:
    data = encode(
        {
            "k": "ledger.create_hold",
            "hold_id": "h",
            "account_id": "a",
            "asset": "USD",
            "amount_minor": 1.5,
            "memo": "",
        }
    )
    with pytest.raises(ConditionFailed):
        decode(data, seawall.ledger.LedgerCommand)  # type: ignore[arg-type]


def test_the_package_imports_only_core() -> None:
    root = Path(seawall.ledger.__file__).parent
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                if name.startswith("seawall"):
                    assert name.startswith(("seawall.core", "seawall.ledger")), (path.name, name)


def test_keep_remainder_posts_a_partial_fill_and_keeps_the_rest_held() -> None:
    from seawall.core.machine import Context
    from seawall.ledger import machine
    from seawall.ledger.commands import (
        CreateHold,
        DefineAsset,
        HoldId,
        OpenAccount,
        PostHold,
        Posting,
        Transfer,
    )
    from seawall.ledger.events import HoldPosted, HoldReduced
    from seawall.ledger.state import AccountKind, LedgerState

    state = LedgerState()
    ctx = Context(seq=1, timestamp_ns=1, submitter="t")

    def run(command: object) -> list[object]:
        outcome = machine.decide(state, command, ctx)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            machine.evolve(state, event)
        return outcome

    run(DefineAsset("USD", 2))
    run(DefineAsset("BTC", 8))
    run(OpenAccount("bank", AccountKind.ASSET))
    for name in ("buyer", "seller"):
        run(OpenAccount(name, AccountKind.CLIENT))
    run(Transfer("f1", (Posting("bank", "USD", -10_000), Posting("buyer", "USD", 10_000))))
    run(Transfer("f2", (Posting("bank", "BTC", -100), Posting("seller", "BTC", 100))))
    run(CreateHold(HoldId("hb"), "buyer", "USD", 10_000))
    run(CreateHold(HoldId("hs"), "seller", "BTC", 100))
    fill = (
        Posting("buyer", "USD", -4_000),
        Posting("seller", "USD", 4_000),
        Posting("seller", "BTC", -40),
        Posting("buyer", "BTC", 40),
    )
    events = run(PostHold((HoldId("hb"), HoldId("hs")), "fill-1", fill, "", True))
    assert events[:2] == [HoldReduced("hb", "fill-1", 6_000), HoldReduced("hs", "fill-1", 60)]
    assert machine.held(state, "buyer", "USD") == 6_000
    assert machine.available(state, "seller", "BTC") == 0
    last = (
        Posting("buyer", "USD", -6_000),
        Posting("seller", "USD", 6_000),
        Posting("seller", "BTC", -60),
        Posting("buyer", "BTC", 60),
    )
    events = run(PostHold((HoldId("hb"), HoldId("hs")), "fill-2", last, "", True))
    assert events[:2] == [HoldPosted("hb", "fill-2"), HoldPosted("hs", "fill-2")]
    assert machine.held(state, "buyer", "USD") == 0
    machine.check_invariants(state)
