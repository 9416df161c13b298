"""``seawall demo``: a small, deterministic market scenario, end to end.

A custodian's bank and wallet accounts, two clients, deposits, a trade settled
delivery-versus-payment from two holds in one atomic step, a fee to the house, a withdrawal,
and two bad commands that become journaled rejections. Then the journal is verified and replayed
(from empty and from a snapshot) to the same state hash as the live run. Same inputs, same
clock, same keys: every run prints the same hashes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console
from rich.table import Table

from seawall.adapters.storage import open_store
from seawall.cli.keys import load_keys
from seawall.cli.log_commands import publish_log
from seawall.core.clock import StepClock
from seawall.core.units import format_amount
from seawall.journal import verify_journal
from seawall.kernel import Market, Outcome, replay
from seawall.ledger import machine as ledger
from seawall.sim.genesis import open_market
from seawall.sim.scenarios import ACCOUNTS, ASSETS, dvp_scenario

__all__ = ["run_demo"]


def _describe(outcome: Outcome) -> str:
    if outcome.rejection is not None:
        rejection = outcome.rejection
        return f"[yellow]rejected {rejection.code} {rejection.name}[/yellow]: {rejection.message}"
    return "[green]ok[/green] " + ", ".join(type(event).__name__ for event in outcome.events)


def run_demo(console: Console, data: Path, fresh: bool) -> None:
    if fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    path = data / "journal.sqlite"
    keys = load_keys(data, deterministic_label="seawall-demo")
    key = keys.signing("sequencer")
    console.rule("[bold]Seawall demo: one journal, every command and its outcome")
    with open_store(path) as store:
        market = open_market(store, key, StepClock())
        for number, (label, command) in enumerate(dvp_scenario(), start=1):
            outcome = market.submit(command, "custody")
            console.print(f"{number:>2}. seq {outcome.seq:>3}  {label}: {_describe(outcome)}")
        garbage = market.submit_bytes(b"\x81\xa1k\xadledger.teleport", "custody")
        console.print(f"    seq {garbage.seq:>3}  bytes that are no command: {_describe(garbage)}")
        snapshot = market.take_snapshot()
        market.check_invariants()
        live_hash = market.state_hash()
        _print_balances(console, market)
        report = verify_journal(store, key.verify_key)
        from_empty = replay(store)
        from_snapshot = replay(store, use_snapshot=True)
    console.print(
        f"journal verified: {report.entries} entries, {report.seals} signed group(s), "
        f"head {report.head_hash.hex()[:16]}..."
    )
    console.print(f"live state hash       {live_hash.hex()}")
    console.print(f"replayed from empty   {from_empty.state_hash.hex()}")
    console.print(
        f"replayed from snapshot {from_snapshot.state_hash.hex()} (snapshot at seq {snapshot.seq})"
    )
    same = live_hash == from_empty.state_hash == from_snapshot.state_hash
    console.print(
        "[bold green]replay matches the live market[/bold green]"
        if same
        else "[bold red]REPLAY DIVERGED[/bold red]"
    )
    note, log_dir, vkeys = publish_log(data)
    checkpoint_line = " ".join(note.split("\n")[:2])
    console.print(f"transparency log published: {checkpoint_line} (cosigned by custody, regulator)")
    console.rule("where to look")
    console.print(f"journal:  {path}")
    console.print(f"verify:   seawall journal verify {path}")
    console.print(f"replay:   seawall replay {path}")
    console.print(f"log:      {log_dir} (C2SP tlog-tiles: serve it with any web server)")
    console.print(f"check it: seawall verify {log_dir} --keys {vkeys} --entry 0")
    if not same:
        raise SystemExit(1)


def _print_balances(console: Console, market: Market) -> None:
    state = market.state("ledger")
    table = Table(title="ledger balances (credit-normal positive; custody accounts debit-normal)")
    table.add_column("account")
    for asset in ASSETS:
        table.add_column(asset, justify="right")
    for account in ACCOUNTS:
        table.add_row(
            account,
            *(format_amount(a, ledger.balance(state, account, a.code)) for a in ASSETS.values()),
        )
    console.print(table)
