"""A snapshot of the demo market: liabilities from the ledger's client accounts, reserves from
custody's wallets on the in-memory chain with proofs of control, ratios per asset; the public
document checks out; the FTX case (reserves below liabilities) is plain to see; and the command
that would anchor it in the journal."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from seawall.adapters.chain import MemoryChain, address_for
from seawall.broker import machine as broker
from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey, VerifyKey
from seawall.custody import machine as custody
from seawall.kernel import Market
from seawall.ledger import machine as ledger
from seawall.reserves import (
    RATIO_BPS_FULL,
    PorSnapshot,
    PrivacyPolicy,
    SnapshotProblem,
    SnapshotRejected,
    build_snapshot,
    control_challenge,
    custody_wallets,
    liabilities_from_ledger,
    mirror_wallets,
    publication_for,
    ratio_bps,
    snapshot_document,
    snapshot_seed,
    verify_proof,
    verify_snapshot_document,
    wallet_key,
)
from seawall.reserves.publish import ALERT_CODE, shortfall_detail
from seawall.reserves.reserves import coverage
from seawall.sim.market_scenario import insider_theft

POLICY = PrivacyPolicy(split_parts=2, leaves_min=64)


def _snapshot(
    market: Market, key: SigningKey, ident: str = "day-1", drain: dict[str, int] | None = None
) -> tuple[PorSnapshot, MemoryChain]:
    states = market.states
    wallets = custody_wallets(states["custody"], states["ledger"], key)
    chain = MemoryChain()
    mirror_wallets(chain, key, wallets)
    for asset, amount in (drain or {}).items():
        cold = next(w for w in wallets if w.asset == asset and w.kind == "cold")
        chain.transfer(cold.address, "swc1" + "0" * 40, asset, amount)
    liabilities = liabilities_from_ledger(states["ledger"])
    seed = snapshot_seed(key, ident)
    snapshot = build_snapshot(ident, market.last_seq, 0, liabilities, wallets, chain, seed, POLICY)
    return snapshot, chain


def test_liabilities_are_the_ledger_client_accounts(demo_market: tuple[Market, Any]) -> None:
    market, accounts = demo_market
    state = market.state("ledger")
    liabilities = liabilities_from_ledger(state)
    assert [a.code for a in liabilities.assets] == sorted(state.assets)
    assert len(liabilities.account_ids) == len(accounts) == 4
    assert all(a.startswith("client:") for a in liabilities.account_ids)
    for row, account_id in enumerate(liabilities.account_ids):
        for column, asset in enumerate(liabilities.assets):
            expected = ledger.balance(state, account_id, asset.code)
            assert liabilities.balances_minor[row, column] == expected


def test_a_healthy_market_is_covered_and_every_client_can_check(
    demo_market: tuple[Market, dict[str, str]], custody_key: SigningKey
) -> None:
    market, accounts = demo_market
    snapshot, _ = _snapshot(market, custody_key)
    assert snapshot.status == "COVERED" and not snapshot.shortfalls
    assert all(row.ratio_bps >= RATIO_BPS_FULL for row in snapshot.coverage)
    custody_state, ledger_state = market.state("custody"), market.state("ledger")
    for row in snapshot.coverage:
        book = sum(r.book_minor for r in snapshot.reserves if r.asset == row.asset)
        assert row.reserves_minor == book  # the in-memory chain mirrors custody's book
        owed = sum(
            ledger.balance(ledger_state, f"client:{b}:{a}", row.asset)
            for b, a in custody.clients(custody_state)
        )
        assert row.liabilities_minor == owed
    broker_state = market.state("broker")
    for name, account in accounts.items():
        broker_id = {"alice": "broker-a", "maker": "broker-a"}.get(name, "broker-b")
        result = verify_proof(snapshot.tree.proof(f"client:{broker_id}:{account}"), snapshot.root)
        for asset, held in zip(result.assets, result.balances_minor, strict=True):
            in_book, _ = broker.book_balance(broker_state, broker_id, account, asset.code)
            assert held == in_book, f"{name}'s proof agrees with their broker's statement"


def test_wallets_prove_control_over_this_snapshot_only(
    demo_market: tuple[Market, Any], custody_key: SigningKey
) -> None:
    market, _ = demo_market
    snapshot, _ = _snapshot(market, custody_key)
    assert len(snapshot.reserves) == 6 * 2 + 2  # cold and hot per coin, a bank per currency
    for reserve in snapshot.reserves:
        assert address_for(reserve.public_key) == reserve.address
        key = wallet_key(custody_key, reserve.asset, reserve.kind)
        assert key.verify_key.raw == reserve.public_key
        mine = control_challenge(
            snapshot.snapshot_id, snapshot.root, reserve.asset, reserve.address
        )
        other = control_challenge("day-2", snapshot.root, reserve.asset, reserve.address)
        assert VerifyKey(reserve.public_key).verify(reserve.signature, mine)
        assert not VerifyKey(reserve.public_key).verify(reserve.signature, other)
        assert reserve.book_minor == reserve.ledger_minor


def test_the_snapshot_is_reproducible_and_new_each_time(
    demo_market: tuple[Market, Any], custody_key: SigningKey
) -> None:
    market, _ = demo_market
    first, _ = _snapshot(market, custody_key, "day-1")
    again, _ = _snapshot(market, custody_key, "day-1")
    other, _ = _snapshot(market, custody_key, "day-2")
    assert snapshot_document(first) == snapshot_document(again)
    assert first.root != other.root
    account = first.tree.account_ids[0]
    assert first.tree.leaf_positions(account) != other.tree.leaf_positions(account)


def test_the_public_document_checks_out_and_tampering_is_named(
    demo_market: tuple[Market, Any], custody_key: SigningKey
) -> None:
    market, _ = demo_market
    snapshot, _ = _snapshot(market, custody_key)
    doc = snapshot_document(snapshot)
    summary = verify_snapshot_document(doc)
    assert summary.root == snapshot.root and summary.status == "COVERED"
    assert summary.wallets == 14

    def rejected(change: Any, problem: SnapshotProblem) -> None:
        bad = copy.deepcopy(doc)
        change(bad)
        with pytest.raises(SnapshotRejected) as caught:
            verify_snapshot_document(bad)
        assert caught.value.problem is problem, caught.value

    def flip(text: str) -> str:
        return ("0" if text[0] != "0" else "1") + text[1:]

    rejected(lambda d: d["liabilities"].update(root=flip(d["liabilities"]["root"])),
             SnapshotProblem.TAMPERED)  # fmt: skip
    rejected(lambda d: d["liabilities"]["tree_root"]["balances"].__setitem__(2, "1"),
             SnapshotProblem.TAMPERED)  # fmt: skip
    rejected(lambda d: d["reserves"]["wallets"][3].update(signature="00" * 64),
             SnapshotProblem.BAD_CONTROL_PROOF)  # fmt: skip
    rejected(lambda d: d["reserves"]["wallets"][3].update(address="swc1" + "1" * 40),
             SnapshotProblem.BAD_CONTROL_PROOF)  # fmt: skip
    rejected(lambda d: d["reserves"]["wallets"][4].update(balance_minor="1"),
             SnapshotProblem.INCONSISTENT)  # fmt: skip
    rejected(lambda d: d["coverage"][2].update(ratio_bps=20_000), SnapshotProblem.INCONSISTENT)
    rejected(lambda d: d.update(status="SHORTFALL"), SnapshotProblem.INCONSISTENT)
    rejected(lambda d: d.update(format="x"), SnapshotProblem.MALFORMED)
    rejected(lambda d: d["assets"].pop(), SnapshotProblem.MALFORMED)


def test_signatures_of_another_snapshot_do_not_carry_over(
    demo_market: tuple[Market, Any], custody_key: SigningKey
) -> None:
    market, _ = demo_market
    today = snapshot_document(_snapshot(market, custody_key, "day-1")[0])
    tomorrow = snapshot_document(_snapshot(market, custody_key, "day-2")[0])
    tomorrow["reserves"] = today["reserves"]
    with pytest.raises(SnapshotRejected) as caught:
        verify_snapshot_document(tomorrow)
    assert caught.value.problem is SnapshotProblem.BAD_CONTROL_PROOF
    assert "day-2" in caught.value.detail


def test_ftx_reserves_below_liabilities_show_plainly(
    demo_market: tuple[Market, Any], custody_key: SigningKey
) -> None:
    market, _ = demo_market
    snapshot, _ = _snapshot(market, custody_key, "ftx", drain={"BTC": 300_000_000})
    assert snapshot.status == "SHORTFALL"
    (short,) = snapshot.shortfalls
    assert short.asset == "BTC" and short.ratio_bps < RATIO_BPS_FULL
    assert short.shortfall_minor == short.liabilities_minor - short.reserves_minor
    doc = snapshot_document(snapshot)
    assert doc["status"] == "SHORTFALL" and doc["alerts"][0].startswith("BTC: reserves")
    assert verify_snapshot_document(doc).status == "SHORTFALL"
    publication = publication_for(snapshot)
    assert [row[0] for row in publication.below_full] == ["BTC"]
    assert publication.liabilities_root == snapshot.root
    assert "BTC reserves" in shortfall_detail(publication) and ALERT_CODE.startswith("RESERVES")


def test_the_publication_holds_every_asset_ratio(
    demo_market: tuple[Market, Any], custody_key: SigningKey
) -> None:
    market, _ = demo_market
    snapshot, _ = _snapshot(market, custody_key)
    publication = publication_for(snapshot)
    assert publication.snapshot_id == "day-1"
    assert [row[0] for row in publication.ratios] == [a.code for a in snapshot.tree.assets]
    assert all(row[3] >= RATIO_BPS_FULL for row in publication.ratios)
    assert publication.below_full == ()


def test_an_insider_move_on_the_ledger_shows_in_the_victim_proof(
    demo_market: tuple[Market, dict[str, str]], custody_key: SigningKey
) -> None:
    """The demo's FTX insider moves 0.5 BTC of bob's to the hot wallet on the ledger: reserves
    still cover the (now smaller) liabilities, but bob's proof no longer matches his broker's
    statement, and bob can see it."""
    market, accounts = demo_market
    bob = f"client:broker-b:{accounts['bob']}"
    insider_theft(market, "broker-b", accounts["bob"], "BTC", 50_000_000)
    snapshot, _ = _snapshot(market, custody_key)
    result = verify_proof(snapshot.tree.proof(bob), snapshot.root)
    btc = [a.code for a in result.assets].index("BTC")
    statement, _ = broker.book_balance(market.state("broker"), "broker-b", accounts["bob"], "BTC")
    assert statement - result.balances_minor[btc] == 50_000_000
    disagreeing = [r for r in snapshot.reserves if r.ledger_minor != r.book_minor]
    assert [r.asset for r in disagreeing] == ["BTC"], "the snapshot shows the books disagree"


def test_ratios_are_integer_basis_points_rounded_down() -> None:
    assert ratio_bps(100, 100) == 10_000
    assert ratio_bps(99_999, 100_000) == 9_999
    assert ratio_bps(150, 100) == 15_000
    assert ratio_bps(5, 0) == RATIO_BPS_FULL
    with pytest.raises(ConditionFailed):
        ratio_bps(-1, 10)
    rows = coverage(["BTC"], {"BTC": 10}, [])
    assert rows[0].ratio_bps == 0 and rows[0].shortfall_minor == 10 and not rows[0].covered
