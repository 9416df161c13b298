"""Clearing's happy paths: amounts and fees, per-trade instructions with their exact legs,
confirmation into positions, failure with nothing applied, netting per cycle and its split,
withdrawal co-signing, the read helpers and the invariant checks."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from seawall.clearing import (
    ClearingState,
    CloseCycle,
    Configure,
    Configured,
    ConfirmSettlement,
    CosignWithdrawal,
    CycleClosed,
    FailSettlement,
    InstructionStatus,
    MarketRegistered,
    ObligationCreated,
    ObligationSettled,
    ObligationStatus,
    PositionRecord,
    SettlementConfirmed,
    SettlementFailed,
    SettlementInstructed,
    SettlementLeg,
    SettlementMode,
    Side,
    WithdrawalCosigned,
    amounts,
    check_invariants,
    client_ledger_account,
    evolve,
    fee_minor,
    house_ledger_account,
    instruction,
    market,
    obligation,
    pending_obligations,
    position,
    positions,
    unsettled_obligations,
)
from seawall.core import limits
from seawall.core.errors import InvariantViolation

OPERATOR = "clearing"


def leg(account: str, asset: str, amount_minor: int) -> SettlementLeg:
    return SettlementLeg(ledger_account=account, asset=asset, amount_minor=amount_minor)


def per_asset_sums(postings: tuple[SettlementLeg, ...]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for posting in postings:
        sums[posting.asset] = sums.get(posting.asset, 0) + posting.amount_minor
    return sums


def netted(kit: Any, markets: Any) -> Any:
    for registration in markets:
        kit.ok(registration)
    kit.ok(Configure(SettlementMode.NETTED), OPERATOR)
    return kit


# --- names, amounts and fees ----------------------------------------------------------------------


def test_ledger_account_names() -> None:
    assert client_ledger_account("b1", "acct-00ff") == "client:b1:acct-00ff"
    assert house_ledger_account("b1") == "house:b1"


def test_amounts_are_exact_for_whole_minor_units(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    xyz = market(kit.state, "XYZHKD")
    assert amounts(xyz, 12_345, 7) == (7, 86_415)


def test_quote_amounts_round_down(kit: Any, markets: Any) -> None:
    kit.ok(markets[1])
    btc = market(kit.state, "BTCUSDT")
    # 65 000.00 USDT for 0.001 BTC (100 lots) = 65 USDT exactly.
    assert amounts(btc, 6_500_000, 100) == (100_000, 65_000_000)
    # 0.07 USDT per BTC for 0.00003 BTC = 0.0000021 USDT: 2.1 micro-USDT, rounded down to 2.
    assert amounts(btc, 7, 3) == (3_000, 2)
    assert amounts(btc, 9, 1) == (1_000, 0)


def test_fees_round_up() -> None:
    assert fee_minor(10_000, 10) == 10
    assert fee_minor(10_001, 10) == 11
    assert fee_minor(1, 1) == 1
    assert fee_minor(12_345, 0) == 0
    assert fee_minor(500, 10_000) == 500


def test_market_registered_event(kit: Any, markets: Any) -> None:
    events = kit.ok(markets[1])
    assert events == [MarketRegistered("BTCUSDT", "BTC", "USDT", 8, 6, "0.01", "0.00001")]


# --- per trade ---------------------------------------------------------------------------------


def test_a_trade_is_instructed_at_once_with_the_six_legs(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    buyer = kit.party("b1", "alice", "o1", fee_bps=10)
    seller = kit.party("b2", "bob", "o2", fee_bps=25)
    events = kit.ok(kit.trade(7, buyer, seller, price_ticks=1_234, quantity_lots=10))
    quote_minor = 12_340
    buyer_fee, seller_fee = 12, 31  # floor(12.34) from the buyer's hold, ceil(30.85)
    assert events == [
        ObligationCreated(
            obligation_id="XYZHKD:7",
            symbol="XYZHKD",
            trade_id=7,
            price_ticks=1_234,
            quantity_lots=10,
            maker_side=Side.SELL,
            buyer=buyer,
            seller=seller,
            base_asset="XYZ",
            quote_asset="HKD",
            base_minor=10,
            quote_minor=quote_minor,
            buyer_fee_minor=buyer_fee,
            seller_fee_minor=seller_fee,
            cycle=1,
        ),
        SettlementInstructed(
            instruction_id="settle:1",
            obligation_ids=("XYZHKD:7",),
            hold_ids=("order:o1", "order:o2"),
            postings=(
                leg("client:b1:alice", "HKD", -(quote_minor + buyer_fee)),
                leg("client:b2:bob", "HKD", quote_minor - seller_fee),
                leg("house:b1", "HKD", buyer_fee),
                leg("house:b2", "HKD", seller_fee),
                leg("client:b2:bob", "XYZ", -10),
                leg("client:b1:alice", "XYZ", 10),
            ),
        ),
    ]
    assert per_asset_sums(events[1].postings) == {"HKD": 0, "XYZ": 0}
    record = obligation(kit.state, "XYZHKD:7")
    assert record is not None
    assert (record.status, record.instruction_id) == (ObligationStatus.INSTRUCTED, "settle:1")
    assert [ob.obligation_id for ob in unsettled_obligations(kit.state)] == ["XYZHKD:7"]
    assert pending_obligations(kit.state) == ()


def test_one_broker_gets_one_house_leg_and_no_fee_no_leg(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    buyer = kit.party("b1", "alice", "o1", fee_bps=10)
    seller = kit.party("b1", "carol", "o2", fee_bps=0)
    events = kit.ok(kit.trade(1, buyer, seller, price_ticks=1_000, quantity_lots=1))
    assert events[1].postings == (
        leg("client:b1:alice", "HKD", -1_001),
        leg("client:b1:carol", "HKD", 1_000),
        leg("house:b1", "HKD", 1),
        leg("client:b1:carol", "XYZ", -1),
        leg("client:b1:alice", "XYZ", 1),
    )


def test_a_self_trade_with_fees_posts_only_the_fees(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    buyer = kit.party("b1", "alice", "o1", fee_bps=10)
    seller = kit.party("b1", "alice", "o2", fee_bps=10)
    events = kit.ok(kit.trade(1, buyer, seller, price_ticks=1_000, quantity_lots=1))
    instructed = events[1]
    assert instructed.postings == (leg("client:b1:alice", "HKD", -2), leg("house:b1", "HKD", 2))
    # Nothing is taken from the seller's XYZ, so its hold is not named.
    assert instructed.hold_ids == ("order:o1",)


def test_a_self_trade_without_fees_settles_at_once(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    alice_buys = kit.party("b1", "alice", "o1")
    alice_sells = kit.party("b1", "alice", "o2")
    events = kit.ok(kit.trade(1, alice_buys, alice_sells))
    assert [type(event) for event in events] == [
        ObligationCreated,
        SettlementInstructed,
        SettlementConfirmed,
        ObligationSettled,
    ]
    assert (events[1].postings, events[1].hold_ids) == ((), ())
    found = instruction(kit.state, "settle:1")
    assert found is not None and found.status is InstructionStatus.SETTLED
    assert positions(kit.state) == ()
    assert unsettled_obligations(kit.state) == ()


def test_confirmation_settles_and_books_positions(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    buyer = kit.party("b1", "alice", "o1", fee_bps=10)
    seller = kit.party("b2", "bob", "o2", fee_bps=20)
    kit.ok(kit.trade(1, buyer, seller, price_ticks=1_000, quantity_lots=10))
    events = kit.ok(ConfirmSettlement("settle:1"))
    assert events[0] == SettlementConfirmed("settle:1", ("XYZHKD:1",))
    settled = events[1]
    assert isinstance(settled, ObligationSettled)
    assert (settled.obligation_id, settled.instruction_id) == ("XYZHKD:1", "settle:1")
    assert (settled.buyer, settled.seller, settled.maker_side) == (buyer, seller, Side.SELL)
    assert (settled.base_minor, settled.quote_minor) == (10, 10_000)
    assert (settled.buyer_fee_minor, settled.seller_fee_minor) == (10, 20)
    assert positions(kit.state) == (
        PositionRecord("b1", "alice", "HKD", -10_010),
        PositionRecord("b1", "alice", "XYZ", 10),
        PositionRecord("b1", "house", "HKD", 10),
        PositionRecord("b2", "bob", "HKD", 9_980),
        PositionRecord("b2", "bob", "XYZ", -10),
        PositionRecord("b2", "house", "HKD", 20),
    )
    assert position(kit.state, "b1", "alice", "XYZ") == 10
    assert position(kit.state, "b9", "nobody", "XYZ") == 0
    found = obligation(kit.state, "XYZHKD:1")
    assert found is not None and found.status is ObligationStatus.SETTLED
    assert unsettled_obligations(kit.state) == ()


def test_positions_that_return_to_zero_are_dropped(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    alice = kit.party("b1", "alice", "o1")
    bob = kit.party("b2", "bob", "o2")
    kit.ok(kit.trade(1, alice, bob))
    kit.ok(ConfirmSettlement("settle:1"))
    kit.ok(kit.trade(2, kit.party("b2", "bob", "o3"), kit.party("b1", "alice", "o4")))
    kit.ok(ConfirmSettlement("settle:2"))
    assert positions(kit.state) == ()


def test_failure_applies_nothing(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    kit.ok(kit.trade(1, kit.party("b1", "alice", "o1", 10), kit.party("b2", "bob", "o2", 10)))
    long_message = "m" * (limits.clearing_failure_message_length_max + 50)
    events = kit.ok(FailSettlement("settle:1", 6005, "INSUFFICIENT_AVAILABLE", long_message))
    assert events == [
        SettlementFailed(
            "settle:1",
            ("XYZHKD:1",),
            6005,
            "INSUFFICIENT_AVAILABLE",
            "m" * limits.clearing_failure_message_length_max,
        )
    ]
    found = obligation(kit.state, "XYZHKD:1")
    assert found is not None and found.status is ObligationStatus.FAILED
    failed = instruction(kit.state, "settle:1")
    assert failed is not None
    assert (failed.status, failed.failure_code, failed.failure_name) == (
        InstructionStatus.FAILED,
        6005,
        "INSUFFICIENT_AVAILABLE",
    )
    assert positions(kit.state) == ()
    assert unsettled_obligations(kit.state) == ()


def test_per_trade_close_cycle_only_advances(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    kit.ok(kit.trade(1, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    assert kit.ok(CloseCycle(1), OPERATOR) == [CycleClosed(1)]
    events = kit.ok(kit.trade(2, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    assert events[0].cycle == 2
    assert kit.state.cycle == 2


# --- netted ---------------------------------------------------------------------------------------


def test_configure(kit: Any) -> None:
    assert kit.ok(Configure(SettlementMode.NETTED), OPERATOR) == [Configured(SettlementMode.NETTED)]
    assert kit.state.mode is SettlementMode.NETTED
    kit.ok(Configure(SettlementMode.PER_TRADE), "kernel")
    assert kit.state.mode is SettlementMode.PER_TRADE


def test_netted_trades_wait_for_the_cycle(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    events = kit.ok(kit.trade(1, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    assert [type(event) for event in events] == [ObligationCreated]
    assert [ob.obligation_id for ob in pending_obligations(kit.state)] == ["XYZHKD:1"]


def test_netting_offsets_opposite_trades(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    # alice buys 10 XYZ from bob at 1.00 HKD, then sells 4 back at 1.10; fees 1 %.
    kit.ok(
        kit.trade(1, kit.party("b1", "alice", "a-buy", 100), kit.party("b2", "bob", "b-sell", 100))
    )
    kit.ok(
        kit.trade(
            2,
            kit.party("b2", "bob", "b-buy", 100),
            kit.party("b1", "alice", "a-sell", 100),
            price_ticks=110,
            quantity_lots=4,
        )
    )
    events = kit.ok(CloseCycle(1), OPERATOR)
    assert events[0] == CycleClosed(1)
    assert len(events) == 2
    instructed = events[1]
    assert instructed.obligation_ids == ("XYZHKD:1", "XYZHKD:2")
    # alice: -(1000 + 10) + (440 - 5) HKD, +10 - 4 XYZ; bob: (1000 - 10) - (440 + 4); a buyer's
    # fee rounds down (it comes out of a hold sized once), a seller's up: houses 10+5 and 10+4.
    assert instructed.postings == (
        leg("client:b1:alice", "HKD", -575),
        leg("client:b2:bob", "HKD", 546),
        leg("house:b1", "HKD", 15),
        leg("house:b2", "HKD", 14),
        leg("client:b2:bob", "XYZ", -6),
        leg("client:b1:alice", "XYZ", 6),
    )
    # Only the holds something is taken from: alice's buy (HKD) and bob's sell (XYZ).
    assert instructed.hold_ids == ("order:a-buy", "order:b-sell")
    assert kit.state.cycle == 2
    assert pending_obligations(kit.state) == ()
    kit.ok(ConfirmSettlement(instructed.instruction_id))
    assert position(kit.state, "b1", "alice", "HKD") == -575
    assert position(kit.state, "b1", "house", "HKD") == 15


def test_netting_never_cancels_an_instruction_out(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    kit.ok(kit.trade(1, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    kit.ok(kit.trade(2, kit.party("b2", "bob", "o3"), kit.party("b1", "alice", "o4")))
    events = kit.ok(CloseCycle(1), OPERATOR)
    instructed = [event for event in events if isinstance(event, SettlementInstructed)]
    assert [event.obligation_ids for event in instructed] == [("XYZHKD:1",), ("XYZHKD:2",)]
    assert all(event.postings for event in instructed)


def test_two_holds_on_one_account_go_to_two_instructions(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    kit.ok(kit.trade(1, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    kit.ok(kit.trade(2, kit.party("b1", "alice", "o3"), kit.party("b2", "bob", "o2")))
    kit.ok(kit.trade(3, kit.party("b1", "alice", "o1"), kit.party("b2", "carol", "o5")))
    events = kit.ok(CloseCycle(1), OPERATOR)
    instructed = [event for event in events if isinstance(event, SettlementInstructed)]
    # First fit: trade 3 uses alice's o1 hold again, so it joins trade 1's instruction.
    assert [event.obligation_ids for event in instructed] == [
        ("XYZHKD:1", "XYZHKD:3"),
        ("XYZHKD:2",),
    ]
    assert instructed[0].hold_ids == ("order:o1", "order:o2", "order:o5")
    for event in instructed:
        assert set(per_asset_sums(event.postings).values()) == {0}


def test_netting_splits_at_postings_per_transfer_max(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    count = 20
    for n in range(1, count + 1):
        buyer, seller = (
            kit.party("b1", f"buyer{n}", f"b{n}"),
            kit.party("b2", f"seller{n}", f"s{n}"),
        )
        kit.ok(kit.trade(n, buyer, seller))
    events = kit.ok(CloseCycle(1), OPERATOR)
    instructed = [event for event in events if isinstance(event, SettlementInstructed)]
    # Without fees each trade posts four legs of its own: four trades fill an instruction.
    assert [event.instruction_id for event in instructed] == [f"settle:{n}" for n in range(1, 6)]
    assert [len(event.obligation_ids) for event in instructed] == [4, 4, 4, 4, 4]
    covered = [ob for event in instructed for ob in event.obligation_ids]
    assert covered == [f"XYZHKD:{n}" for n in range(1, count + 1)]
    for event in instructed:
        assert len(event.postings) == limits.postings_per_transfer_max
        assert len(event.hold_ids) <= limits.holds_per_post_max
        assert set(per_asset_sums(event.postings).values()) == {0}


def test_netting_splits_at_holds_per_post_max(
    kit: Any, markets: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "holds_per_post_max", 4)
    netted(kit, markets)
    for n in range(1, 7):
        buyer, seller = (
            kit.party("b1", f"buyer{n}", f"b{n}"),
            kit.party("b2", f"seller{n}", f"s{n}"),
        )
        kit.ok(kit.trade(n, buyer, seller))
    events = kit.ok(CloseCycle(1), OPERATOR)
    instructed = [event for event in events if isinstance(event, SettlementInstructed)]
    assert [len(event.obligation_ids) for event in instructed] == [2, 2, 2]
    assert all(len(event.hold_ids) == 4 for event in instructed)


def test_netting_is_deterministic_in_trade_order(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    # Trade 10 sorts after trade 9 by number, not as text.
    for n in (10, 9):
        kit.ok(kit.trade(n, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    events = kit.ok(CloseCycle(1), OPERATOR)
    assert events[1].obligation_ids == ("XYZHKD:9", "XYZHKD:10")


def test_empty_netted_cycle_just_closes(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    assert kit.ok(CloseCycle(1), OPERATOR) == [CycleClosed(1)]
    assert kit.ok(CloseCycle(2), "kernel") == [CycleClosed(2)]


def test_failed_netted_instruction_fails_all_its_obligations(kit: Any, markets: Any) -> None:
    netted(kit, markets)
    kit.ok(kit.trade(1, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    kit.ok(kit.trade(2, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    kit.ok(CloseCycle(1), OPERATOR)
    events = kit.ok(FailSettlement("settle:1", 6022, "HOLD_AMOUNT_EXCEEDED", "too much"))
    assert events[0].obligation_ids == ("XYZHKD:1", "XYZHKD:2")
    assert all(
        ob is not None and ob.status is ObligationStatus.FAILED
        for ob in (obligation(kit.state, "XYZHKD:1"), obligation(kit.state, "XYZHKD:2"))
    )
    assert positions(kit.state) == ()
    # With nothing open, the mode may change again.
    kit.ok(Configure(SettlementMode.PER_TRADE), OPERATOR)


def test_instruction_numbers_continue_across_modes(kit: Any, markets: Any) -> None:
    kit.ok(markets[0])
    kit.ok(kit.trade(1, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    kit.ok(ConfirmSettlement("settle:1"))
    kit.ok(Configure(SettlementMode.NETTED), OPERATOR)
    kit.ok(kit.trade(2, kit.party("b1", "alice", "o1"), kit.party("b2", "bob", "o2")))
    events = kit.ok(CloseCycle(1), OPERATOR)
    assert events[1].instruction_id == "settle:2"


# --- withdrawals ----------------------------------------------------------------------------------


def test_cosign(world: Any) -> None:
    command = CosignWithdrawal("wd-2", "b1", "carol", "HKD", 100)
    assert world.ok(command) == [WithdrawalCosigned("wd-2", "b1", "carol", "HKD", 100)]
    assert world.state.withdrawals["wd-2"].amount_minor == 100


def test_cosign_ignores_assets_the_account_receives(world: Any) -> None:
    # alice is buying XYZ (receives it) and bob is selling it (receives HKD): neither blocks.
    world.ok(CosignWithdrawal("wd-a", "b1", "alice", "XYZ", 1))
    world.ok(CosignWithdrawal("wd-b", "b2", "bob", "HKD", 1))
    # The same account id at another broker is another account.
    world.ok(CosignWithdrawal("wd-c", "b9", "alice", "HKD", 1))


def test_cosign_once_settled(world: Any) -> None:
    world.ok(ConfirmSettlement("settle:3"))
    world.ok(CosignWithdrawal("wd-2", "b1", "alice", "HKD", 100))


# --- read helpers and guards ----------------------------------------------------------------------


def test_read_helpers_on_unknowns(world: Any) -> None:
    assert obligation(world.state, "XYZHKD:99") is None
    assert instruction(world.state, "settle:99") is None
    assert market(world.state, "NOPE") is None


def test_evolve_and_decide_refuse_foreign_messages(world: Any) -> None:
    with pytest.raises(InvariantViolation):
        evolve(world.state, object())  # type: ignore[arg-type]
    with pytest.raises(InvariantViolation):
        world.decide(object())


def test_evolve_asserts_the_lifecycle(world: Any) -> None:
    with pytest.raises(InvariantViolation):
        evolve(world.state, SettlementConfirmed("settle:1", ("XYZHKD:1",)))
    with pytest.raises(InvariantViolation):
        evolve(world.state, CycleClosed(5))


def test_check_invariants_catches_a_forged_position(world: Any) -> None:
    check_invariants(world.state)
    world.state.positions["b1", "alice", "HKD"] += 1
    with pytest.raises(InvariantViolation, match="positions"):
        check_invariants(world.state)


def test_check_invariants_catches_a_forged_status(world: Any) -> None:
    ob = world.state.obligations["XYZHKD:3"]
    world.state.obligations["XYZHKD:3"] = msgspec.structs.replace(
        ob, status=ObligationStatus.SETTLED
    )
    with pytest.raises(InvariantViolation):
        check_invariants(world.state)


def test_check_invariants_catches_unbalanced_postings(world: Any) -> None:
    found = world.state.instructions["settle:3"]
    postings = (*found.postings[:-1], leg("client:b1:alice", "XYZ", 11))
    world.state.instructions["settle:3"] = msgspec.structs.replace(found, postings=postings)
    with pytest.raises(InvariantViolation, match="postings"):
        check_invariants(world.state)


def test_a_new_state_is_per_trade_in_cycle_one() -> None:
    state = ClearingState()
    assert (state.mode, state.cycle, state.next_instruction) == (SettlementMode.PER_TRADE, 1, 1)
    check_invariants(state)
