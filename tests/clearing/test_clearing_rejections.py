"""Every clearing rejection code, provoked by bad input. Each case asserts the code and its name,
and that the state hash did not change (``kit.refused``)."""

from __future__ import annotations

from typing import Any

import pytest

from seawall.clearing import (
    ClearingCommand,
    ClearingRejection,
    CloseCycle,
    Configure,
    ConfirmSettlement,
    CosignWithdrawal,
    FailSettlement,
    Party,
    RecordTrade,
    RegisterMarket,
    SettlementMode,
)
from seawall.core import limits

R = ClearingRejection
MAX = limits.amount_minor_max
KERNEL = "kernel"
OPERATOR = "clearing"


def party(
    broker_id: str = "b1",
    account_id: str = "alice",
    order: str = "o10",
    fee_bps: Any = 0,
    hold_id: str | None = None,
) -> Party:
    return Party(
        broker_id, account_id, order, f"order:{order}" if hold_id is None else hold_id, fee_bps
    )


BUYER = party()
SELLER = party("b2", "bob", "o11")


def trade(
    trade_id: Any = 10,
    buyer: Party = BUYER,
    seller: Party = SELLER,
    price_ticks: Any = 100,
    quantity_lots: Any = 10,
    symbol: str = "XYZHKD",
    maker_side: Any = 2,
) -> RecordTrade:
    return RecordTrade(symbol, trade_id, price_ticks, quantity_lots, buyer, seller, maker_side)


def market(**changes: Any) -> RegisterMarket:
    fields: dict[str, Any] = {
        "symbol": "NEWHKD",
        "base_asset": "NEW",
        "quote_asset": "HKD",
        "base_decimals": 0,
        "quote_decimals": 2,
        "tick_size": "0.01",
        "lot_size": "1",
    }
    fields.update(changes)
    return RegisterMarket(**fields)


def cosign(
    withdrawal_id: str = "wd-2",
    broker_id: str = "b1",
    account_id: str = "carol",
    asset: str = "HKD",
    amount: Any = 100,
) -> CosignWithdrawal:
    return CosignWithdrawal(withdrawal_id, broker_id, account_id, asset, amount)


#: (what, command, expected code, submitter), against the ``world`` fixture.
CASES: list[tuple[str, ClearingCommand, ClearingRejection, str]] = [
    # NOT_AUTHORISED: every kernel-only command from someone else
    ("register from operator", market(), R.NOT_AUTHORISED, OPERATOR),
    ("trade from operator", trade(), R.NOT_AUTHORISED, OPERATOR),
    ("trade from a client", trade(), R.NOT_AUTHORISED, "alice"),
    ("confirm from operator", ConfirmSettlement("settle:3"), R.NOT_AUTHORISED, OPERATOR),
    ("fail from operator", FailSettlement("settle:3", 1, "X", ""), R.NOT_AUTHORISED, OPERATOR),
    ("cosign from operator", cosign(), R.NOT_AUTHORISED, OPERATOR),
    # INVALID_ID
    ("malformed symbol", market(symbol="bad sym"), R.INVALID_ID, KERNEL),
    ("symbol too long", market(symbol="S" * 25), R.INVALID_ID, KERNEL),
    ("trade in empty symbol", trade(symbol=""), R.INVALID_ID, KERNEL),
    ("malformed buyer broker", trade(buyer=party(broker_id="b 1")), R.INVALID_ID, KERNEL),
    ("broker id with a colon", trade(buyer=party(broker_id="b:1")), R.INVALID_ID, KERNEL),
    ("empty buyer account", trade(buyer=party(account_id="")), R.INVALID_ID, KERNEL),
    ("reserved account house", trade(seller=party("b2", "house")), R.INVALID_ID, KERNEL),
    (
        "ledger account too long",
        trade(buyer=party(account_id="a" * 60)),
        R.INVALID_ID,
        KERNEL,
    ),
    ("malformed order id", trade(buyer=party(order="o 1")), R.INVALID_ID, KERNEL),
    ("order id too long", trade(buyer=party(order="o" * 37)), R.INVALID_ID, KERNEL),
    ("empty hold id", trade(seller=party("b2", "bob", "o11", hold_id="")), R.INVALID_ID, KERNEL),
    ("malformed seller account", trade(seller=party("b2", "bo b")), R.INVALID_ID, KERNEL),
    ("malformed instruction id", ConfirmSettlement("settle 3"), R.INVALID_ID, KERNEL),
    ("empty instruction id", FailSettlement("", 1, "X", ""), R.INVALID_ID, KERNEL),
    ("malformed withdrawal id", cosign(withdrawal_id="w d"), R.INVALID_ID, KERNEL),
    ("withdrawal id too long", cosign(withdrawal_id="w" * 57), R.INVALID_ID, KERNEL),
    ("empty withdrawal broker", cosign(broker_id=""), R.INVALID_ID, KERNEL),
    ("malformed withdrawal account", cosign(account_id="a b"), R.INVALID_ID, KERNEL),
    # UNKNOWN_MARKET
    ("trade in unknown market", trade(symbol="ABCHKD"), R.UNKNOWN_MARKET, KERNEL),
    # MARKET_EXISTS
    ("register twice", market(symbol="XYZHKD"), R.MARKET_EXISTS, KERNEL),
    # INVALID_MARKET
    ("malformed base asset", market(base_asset="new"), R.INVALID_MARKET, KERNEL),
    ("non-string quote asset", market(quote_asset=12), R.INVALID_MARKET, KERNEL),
    ("same assets", market(base_asset="HKD"), R.INVALID_MARKET, KERNEL),
    ("base decimals over max", market(base_decimals=19), R.INVALID_MARKET, KERNEL),
    ("negative quote decimals", market(quote_decimals=-1), R.INVALID_MARKET, KERNEL),
    ("boolean decimals", market(base_decimals=True), R.INVALID_MARKET, KERNEL),
    ("zero tick", market(tick_size="0"), R.INVALID_MARKET, KERNEL),
    ("text tick", market(tick_size="abc"), R.INVALID_MARKET, KERNEL),
    ("exponent tick", market(tick_size="1e3"), R.INVALID_MARKET, KERNEL),
    ("non-string lot", market(lot_size=1), R.INVALID_MARKET, KERNEL),
    ("negative lot", market(lot_size="-1"), R.INVALID_MARKET, KERNEL),
    ("lot finer than base unit", market(lot_size="0.5"), R.INVALID_MARKET, KERNEL),
    # UNKNOWN_PARTY
    ("hidden buyer", trade(buyer=party(broker_id="")), R.UNKNOWN_PARTY, KERNEL),
    ("hidden seller", trade(seller=party("", "bob", "o11")), R.UNKNOWN_PARTY, KERNEL),
    # DUPLICATE_TRADE
    ("settled trade again", trade(trade_id=1), R.DUPLICATE_TRADE, KERNEL),
    ("failed trade again", trade(trade_id=2), R.DUPLICATE_TRADE, KERNEL),
    # INVALID_TRADE
    ("trade id zero", trade(trade_id=0), R.INVALID_TRADE, KERNEL),
    ("trade id negative", trade(trade_id=-1), R.INVALID_TRADE, KERNEL),
    ("trade id text", trade(trade_id="7"), R.INVALID_TRADE, KERNEL),
    ("price zero", trade(price_ticks=0), R.INVALID_TRADE, KERNEL),
    (
        "price over max",
        trade(price_ticks=limits.venue_price_ticks_max + 1),
        R.INVALID_TRADE,
        KERNEL,
    ),
    ("quantity zero", trade(quantity_lots=0), R.INVALID_TRADE, KERNEL),
    (
        "quantity over max",
        trade(quantity_lots=limits.venue_quantity_lots_max + 1),
        R.INVALID_TRADE,
        KERNEL,
    ),
    ("boolean quantity", trade(quantity_lots=True), R.INVALID_TRADE, KERNEL),
    ("maker side 3", trade(maker_side=3), R.INVALID_TRADE, KERNEL),
    ("maker side boolean", trade(maker_side=True), R.INVALID_TRADE, KERNEL),
    (
        "one hold for both sides",
        trade(seller=party("b2", "bob", "o11", hold_id="order:o10")),
        R.INVALID_TRADE,
        KERNEL,
    ),
    (
        "notional under one minor unit",
        trade(symbol="BTCUSDT", price_ticks=3, quantity_lots=3),
        R.INVALID_TRADE,
        KERNEL,
    ),
    # INVALID_FEE
    ("negative fee", trade(buyer=party(fee_bps=-1)), R.INVALID_FEE, KERNEL),
    ("fee over max", trade(seller=party("b2", "bob", "o11", 10_001)), R.INVALID_FEE, KERNEL),
    ("text fee", trade(buyer=party(fee_bps="10")), R.INVALID_FEE, KERNEL),
    # UNKNOWN_INSTRUCTION
    ("confirm unknown", ConfirmSettlement("settle:99"), R.UNKNOWN_INSTRUCTION, KERNEL),
    ("fail unknown", FailSettlement("settle:99", 1, "X", ""), R.UNKNOWN_INSTRUCTION, KERNEL),
    # INSTRUCTION_NOT_OPEN
    ("confirm settled", ConfirmSettlement("settle:1"), R.INSTRUCTION_NOT_OPEN, KERNEL),
    ("confirm failed", ConfirmSettlement("settle:2"), R.INSTRUCTION_NOT_OPEN, KERNEL),
    ("fail failed", FailSettlement("settle:2", 1, "X", ""), R.INSTRUCTION_NOT_OPEN, KERNEL),
    # CYCLE_MISMATCH
    ("close next cycle", CloseCycle(2), R.CYCLE_MISMATCH, OPERATOR),
    ("close cycle zero", CloseCycle(0), R.CYCLE_MISMATCH, OPERATOR),
    ("close text cycle", CloseCycle("1"), R.CYCLE_MISMATCH, OPERATOR),  # type: ignore[arg-type]
    # OBLIGATIONS_PENDING
    ("configure while open", Configure(SettlementMode.NETTED), R.OBLIGATIONS_PENDING, OPERATOR),
    # UNSETTLED_OBLIGATIONS
    ("buyer withdraws what it pays", cosign(account_id="alice"), R.UNSETTLED_OBLIGATIONS, KERNEL),
    (
        "seller withdraws what it delivers",
        cosign(broker_id="b2", account_id="bob", asset="XYZ"),
        R.UNSETTLED_OBLIGATIONS,
        KERNEL,
    ),
    # INVALID_MODE
    ("unknown mode", Configure("bogus"), R.INVALID_MODE, OPERATOR),  # type: ignore[arg-type]
    # INVALID_ASSET
    ("lower-case asset", cosign(asset="hkd"), R.INVALID_ASSET, KERNEL),
    ("empty asset", cosign(asset=""), R.INVALID_ASSET, KERNEL),
    # INVALID_AMOUNT
    ("zero amount", cosign(amount=0), R.INVALID_AMOUNT, KERNEL),
    ("negative amount", cosign(amount=-5), R.INVALID_AMOUNT, KERNEL),
    ("amount over max", cosign(amount=MAX + 1), R.INVALID_AMOUNT, KERNEL),
    ("text amount", cosign(amount="5"), R.INVALID_AMOUNT, KERNEL),
    # DUPLICATE_WITHDRAWAL
    ("cosign twice", cosign(withdrawal_id="wd-1"), R.DUPLICATE_WITHDRAWAL, KERNEL),
    # INVALID_FAILURE
    ("failure code zero", FailSettlement("settle:3", 0, "X", ""), R.INVALID_FAILURE, KERNEL),
    (
        "failure code text",
        FailSettlement("settle:3", "6005", "X", ""),  # type: ignore[arg-type]
        R.INVALID_FAILURE,
        KERNEL,
    ),
    ("malformed failure name", FailSettlement("settle:3", 1, "A B", ""), R.INVALID_FAILURE, KERNEL),
    ("empty failure name", FailSettlement("settle:3", 1, "", ""), R.INVALID_FAILURE, KERNEL),
    (
        "non-text failure message",
        FailSettlement("settle:3", 1, "X", 5),  # type: ignore[arg-type]
        R.INVALID_FAILURE,
        KERNEL,
    ),
]


@pytest.mark.parametrize(
    ("command", "code", "submitter"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_refused(
    world: Any, command: ClearingCommand, code: ClearingRejection, submitter: str
) -> None:
    world.refused(command, code, submitter)


def test_amount_overflow_of_the_quote(kit: Any) -> None:
    kit.ok(
        market(
            symbol="BIGUSD", base_asset="BIG", quote_asset="USD", quote_decimals=18, tick_size="1"
        )
    )
    big = trade(symbol="BIGUSD", price_ticks=9, quantity_lots=1)
    kit.ok(big)  # 9 * 10**18 fits
    kit.refused(
        trade(trade_id=11, symbol="BIGUSD", price_ticks=10, quantity_lots=1), R.AMOUNT_OVERFLOW
    )
    with_fee = trade(trade_id=12, symbol="BIGUSD", price_ticks=9, buyer=party(fee_bps=500))
    kit.refused(with_fee, R.AMOUNT_OVERFLOW)


def test_amount_overflow_of_the_base(kit: Any) -> None:
    kit.ok(market(symbol="WEIHKD", base_asset="WEI", base_decimals=18, lot_size="100"))
    kit.refused(trade(symbol="WEIHKD", price_ticks=1, quantity_lots=1), R.AMOUNT_OVERFLOW)


def test_clearing_full_of_markets(world: Any, small_limits: None) -> None:
    world.refused(market(), R.CLEARING_FULL)


def test_clearing_full_of_open_obligations(world: Any, small_limits: None) -> None:
    world.ok(trade(trade_id=4))  # the second open obligation, with XYZHKD:3
    world.refused(trade(trade_id=5), R.CLEARING_FULL)


def test_every_code_is_exercised() -> None:
    extra = {R.AMOUNT_OVERFLOW, R.CLEARING_FULL}
    assert {case[2] for case in CASES} | extra == set(ClearingRejection)


def test_codes_are_in_clearings_range() -> None:
    assert all(4000 <= int(code) <= 4999 for code in ClearingRejection)
