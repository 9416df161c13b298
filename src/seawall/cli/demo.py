"""``seawall demo``: the market with every institution, end to end, then the checks anyone can run.

Licences, custody's assets, two brokers, twelve markets, four clients; deposits, a market
maker's quotes, trades settled delivery-versus-payment, a cancel, refusals, withdrawals (one back
to its origin, one to an unverified address refused), a clearing cycle closed and the books
reconciled. ``--ftx`` then plays the insider: client BTC moved on the custodian's ledger with no
instruction, and a hidden account's order slipped into the venue's book; the next reconciliation
and the first trade against the hidden order raise journaled alerts. Finally the journal is
verified and replayed, and published as a transparency log that ``seawall verify`` checks.
Same seed, same clock, same keys: every run prints the same hashes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console
from rich.table import Table

from seawall.adapters.storage import open_store
from seawall.broker import machine as broker
from seawall.broker.state import Side
from seawall.cli.log_commands import publish_log
from seawall.cli.por_commands import anchor_reserves, take_snapshot
from seawall.core.clock import StepClock
from seawall.core.units import format_fixed
from seawall.custody import machine as custody
from seawall.journal import verify_journal
from seawall.kernel import Market, Outcome, ReplayDivergence, replay
from seawall.ledger import machine as ledger
from seawall.node.keys import load_keys
from seawall.regulator import machine as regulator
from seawall.regulator.commands import RunReconciliation
from seawall.reserves.tree import PrivacyPolicy
from seawall.sim.genesis import open_market
from seawall.sim.market_scenario import (
    BTC_PRICE,
    CLIENTS,
    build_market,
    hidden_account_order,
    insider_theft,
)
from seawall.sim.setup import place
from seawall.venue import commands as vc

__all__ = ["run_demo"]

_DECIMALS = {"USD": 2, "BTC": 8}


def _describe(outcome: Outcome | None) -> str:
    if outcome is None:
        return "[green]ok[/green]"
    if outcome.rejection is not None:
        rejection = outcome.rejection
        return f"[yellow]refused {rejection.code} {rejection.name}[/yellow]: {rejection.message}"
    return f"[green]ok[/green] (seq {outcome.seq})"


def run_demo(console: Console, data: Path, fresh: bool, ftx: bool = False) -> None:
    if fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    path = data / "journal.sqlite"
    keys = load_keys(data, deterministic_label="seawall-demo")
    console.rule("[bold]Seawall demo: separated institutions, one journal")
    with open_store(path) as store:
        market = open_market(store, keys.signing("sequencer"), StepClock())
        accounts, steps = build_market(market)
        for number, (label, outcome) in enumerate(steps, start=1):
            console.print(f"{number:>2}. {label}: {_describe(outcome)}")
        garbage = market.submit_bytes(b"\x81\xa1k\xadledger.teleport", "custody")
        console.print(f"    bytes that are no command: {_describe(garbage)}")
        if ftx:
            _play_ftx(console, market, accounts)
        market.commit()
        market.check_invariants()
        _print_books(console, market, accounts)
        _print_supervision(console, market)
        snapshot = market.take_snapshot()
        live_hash = market.state_hash()
        report = verify_journal(store, keys.signing("sequencer").verify_key)
        if ftx:
            try:
                replay(store)
            except ReplayDivergence as exc:
                console.print(
                    f"[bold red]REPLAY[/bold red] {exc}: the live state was changed outside the "
                    "journal, so deciding the journaled commands again no longer gives the "
                    "outcomes the live market recorded"
                )
            _finish(console, data, path)
            return
        from_empty = replay(store)
        from_snapshot = replay(store, use_snapshot=True)
    console.print(
        f"journal verified: {report.entries} entries, {report.seals} signed group(s), "
        f"head {report.head_hash.hex()[:16]}..."
    )
    console.print(f"live state hash        {live_hash.hex()}")
    console.print(f"replayed from empty    {from_empty.state_hash.hex()}")
    console.print(
        f"replayed from snapshot {from_snapshot.state_hash.hex()} (at seq {snapshot.seq})"
    )
    same = live_hash == from_empty.state_hash == from_snapshot.state_hash
    if same:
        console.print("[bold green]replay matches the live market[/bold green]")
    else:
        console.print("[bold red]REPLAY DIVERGED[/bold red]")
    _finish(console, data, path)
    if not same:
        raise SystemExit(1)


def _finish(console: Console, data: Path, path: Path) -> None:
    snapshot, folder = take_snapshot(data, None, PrivacyPolicy(), [], True)
    anchored = anchor_reserves(data, snapshot)
    ratios = ", ".join(
        f"{row.asset} {row.ratio_bps / 100:.2f} %" for row in snapshot.coverage if row.asset
    )
    console.print(
        f"proof of reserves {snapshot.snapshot_id}: {snapshot.status}; reserves / liabilities "
        f"{ratios}; anchored at seq {anchored}; client proofs in {folder / 'proofs'}"
    )
    note, log_dir, vkeys = publish_log(data)
    checkpoint_line = " ".join(note.split("\n")[:2])
    console.print(f"transparency log published: {checkpoint_line} (cosigned by custody, regulator)")
    console.rule("where to look")
    console.print(f"journal:  {path}")
    console.print(f"verify:   .venv/bin/seawall journal verify {path}")
    console.print(f"replay:   .venv/bin/seawall replay {path}")
    console.print(f"log:      {log_dir} (C2SP tlog-tiles: serve it with any web server)")
    console.print(f"check it: .venv/bin/seawall verify {log_dir} --keys {vkeys} --entry 0")


def _play_ftx(console: Console, market: Market, accounts: dict[str, str]) -> None:
    console.rule("[bold red]--ftx: an insider at work")
    insider_theft(market, "broker-b", accounts["bob"], "BTC", 50_000_000)
    console.print(
        "the insider moved 0.5 BTC of bob's on the custodian's ledger: no command, no entry"
    )
    # Between the best bid (89,900) and bob's resting ask (89,950): it rests, and it is the best
    # offer when alice buys.
    price = BTC_PRICE - 6_000
    hidden_account_order(market, "BTCUSD", vc.Side.SELL, price, 10_000)
    console.print("the insider slipped a hidden account's sell order into the venue's book")
    alice = accounts["alice"]
    outcome = place(market, "broker-a", alice, "BTCUSD", Side.BUY, price, 10_000, "alice-2")
    console.print(f"alice buys 0.1 BTC, meeting the hidden order: {_describe(outcome)}")
    cycle = regulator.last_cycle(market.state("regulator")) + 1
    outcome = market.submit(RunReconciliation(cycle), "regulator")
    console.print(f"the regulator runs reconciliation cycle {cycle}: {_describe(outcome)}")


def _print_books(console: Console, market: Market, accounts: dict[str, str]) -> None:
    table = Table(title="client books: the custodian's ledger beside each broker's own book")
    table.add_column("client")
    table.add_column("broker")
    table.add_column("account (pseudonym)")
    for asset in _DECIMALS:
        table.add_column(f"{asset} ledger", justify="right")
        table.add_column(f"{asset} broker", justify="right")
    for name, broker_id, _ in CLIENTS:
        account = accounts[name]
        cells = [name, broker_id, account]
        for asset, decimals in _DECIMALS.items():
            on_ledger = ledger.balance(
                market.state("ledger"), f"client:{broker_id}:{account}", asset
            )
            in_book, _held = broker.book_balance(market.state("broker"), broker_id, account, asset)
            cells += [format_fixed(on_ledger, decimals), format_fixed(in_book, decimals)]
        table.add_row(*cells)
    console.print(table)


def _print_supervision(console: Console, market: Market) -> None:
    state = market.state("regulator")
    breaks = list(regulator.breaks(state))
    alerts = list(regulator.alerts(state))
    cold_bps = custody.cold_ratio_bps(market.state("custody"), "BTC")
    console.print(f"custody: {cold_bps / 100:.2f} % of client BTC in cold storage (rule: >= 98 %)")
    if not breaks and not alerts:
        console.print("[green]reconciliation: every book agrees; no supervisory alert[/green]")
        return
    for found in breaks:
        console.print(
            f"[bold red]BREAK[/bold red] cycle {found.cycle} {found.kind} {found.asset} "
            f"{found.broker_id} {found.account_id}: ledger {found.ledger_minor}, custody "
            f"{found.custody_minor}, clearing {found.clearing_minor}, broker {found.broker_minor} "
            f"(difference {found.difference_minor})"
        )
    for alert in alerts:
        console.print(f"[bold red]ALERT[/bold red] {alert.source} {alert.code}: {alert.detail}")
