"""``seawall por ...``: proof of reserves and liabilities from a data directory's journal.

* ``seawall por snapshot --data DIR``: recover the market from ``DIR/journal.sqlite``, build the
  liabilities tree over every client account, read custody's wallets on the chain adapter (the
  in-memory chain, mirrored from custody's book; ``--drain`` plays the FTX insider on it), have
  each wallet sign the snapshot's challenge, and write ``DIR/por/<snapshot>/snapshot.json``
  (public), ``publication.json`` (the custody command that anchors it) and one proof per client
  under ``proofs/<broker>/<account>.json`` (private: each goes to its client only). A ratio below
  100 % is printed as a shortfall and the snapshot's status is ``SHORTFALL``.
* ``seawall por proof --data DIR --account ACCT [--snapshot ID|YYYY-MM-DD]``: one client's
  proof.json (printed or written), from the latest snapshot or a past one.
* ``seawall por list --data DIR``: every snapshot kept, with its root, ratios and anchor.
* ``seawall por day-end --data DIR [--day YYYY-MM-DD]``: take the day-end snapshot now due (the
  latest business day closed, ``--day-end 00:00+08:00``), or a missed past day's, when no
  ``seawall serve`` is taking them.
* ``seawall por verify proof.json [--root HEX | --published snapshot.json]``: offline check;
  exit 1 with the reason on failure.
* ``seawall por okx-verify DIR``: OKX's v1/v2 sample files, with the verdict OKX's tool gives.

Exit codes: 0 success; 1 a proof, a snapshot or an OKX file failed (or, with
``--fail-on-shortfall``, reserves fell short); 2 bad usage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import typer
from rich.console import Console
from rich.table import Table

from seawall.adapters.chain import ADDRESS_PREFIX, MemoryChain
from seawall.core import limits
from seawall.core.errors import ConditionFailed, SeawallError
from seawall.core.ids import check_asset_code
from seawall.core.units import Asset, format_fixed, parse_amount
from seawall.node import por as node_por
from seawall.node.day_end_schedule import HONG_KONG, DayEndSchedule, day_of_snapshot_id, parse_day
from seawall.node.por import ChainHook
from seawall.node.por_archive import SnapshotRecord
from seawall.reserves import okx
from seawall.reserves.format import AssetSpec
from seawall.reserves.proof import (
    AccountProof,
    ProofRejected,
    proof_from_json,
    verify_proof,
)
from seawall.reserves.reserves import AssetCoverage, WalletBook
from seawall.reserves.snapshot import (
    STATUS_SHORTFALL,
    PorSnapshot,
    SnapshotRejected,
    verify_snapshot_document,
)
from seawall.reserves.tree import PrivacyPolicy

__all__ = ["DRAIN_ADDRESS", "anchor_reserves", "register", "take_snapshot"]

#: Where ``--drain`` sends the coins it takes: an address nobody at custody controls.
DRAIN_ADDRESS: Final = ADDRESS_PREFIX + "0" * 40

console = Console()
err_console = Console(stderr=True)


def _percent(ratio_bps: int) -> str:
    return f"{ratio_bps // 100}.{ratio_bps % 100:02d} %"


def _drain(chain: MemoryChain, wallets: list[WalletBook], spec: str, decimals: int) -> None:
    """Move ``ASSET=AMOUNT`` out of custody's wallets (hot first, then cold, then the bank)."""
    code, _, text = spec.partition("=")
    asset = Asset(check_asset_code(code, limits.asset_code_length_max), decimals)
    amount = parse_amount(asset, text)
    order = {"hot": 0, "cold": 1, "bank": 2}
    for wallet in sorted((w for w in wallets if w.asset == code), key=lambda w: order[w.kind]):
        take = min(amount, chain.balance_minor(wallet.address, code))
        if take:
            chain.transfer(wallet.address, DRAIN_ADDRESS, code, take)
            amount -= take
    if amount:
        raise ConditionFailed(f"custody's {code} wallets hold less than {text} {code}")


def _drains(specs: list[str]) -> ChainHook:
    def drain(chain: MemoryChain, wallets: list[WalletBook], decimals: dict[str, int]) -> None:
        for spec in specs:
            code = spec.partition("=")[0]
            if code not in decimals:
                raise ConditionFailed(f"--drain {spec!r}: no asset {code!r} on the ledger")
            _drain(chain, wallets, spec, decimals[code])

    return drain


def take_snapshot(
    data: Path,
    snapshot_id: str | None = None,
    policy: PrivacyPolicy | None = None,
    drains: list[str] | None = None,
    write_proofs: bool = True,
) -> tuple[PorSnapshot, Path]:
    """Build the snapshot of ``data``'s journal and keep it; returns it and its folder."""
    if snapshot_id is not None and day_of_snapshot_id(snapshot_id) is not None:
        raise ConditionFailed(
            f"{snapshot_id!r}: ids day-YYYY-MM-DD are kept for day-end snapshots (por day-end)"
        )
    return node_por.take_snapshot(
        data, snapshot_id, policy, _drains(drains) if drains else None, write_proofs
    )


def _coverage_table(
    assets: dict[str, int], rows: list[AssetCoverage], books: dict[str, int]
) -> Table:
    table = Table(title="reserves against liabilities, per asset")
    for column in ("asset", "liabilities", "reserves (chain)", "custody book", "ratio", ""):
        table.add_column(column, justify="left" if column in ("asset", "") else "right")
    idle = 0
    for row in rows:
        if not (row.liabilities_minor or row.reserves_minor or books.get(row.asset, 0)):
            idle += 1
            continue
        decimals = assets.get(row.asset, 0)
        table.add_row(
            row.asset,
            format_fixed(row.liabilities_minor, decimals),
            format_fixed(row.reserves_minor, decimals),
            format_fixed(books.get(row.asset, 0), decimals),
            _percent(row.ratio_bps) if row.liabilities_minor else "nothing owed",
            "[green]covered[/green]" if row.covered else "[bold red]SHORTFALL[/bold red]",
        )
    if idle:
        table.caption = f"{idle} more assets: nothing owed, nothing held"
    return table


def _print_shortfalls(rows: list[AssetCoverage], assets: dict[str, int]) -> None:
    for row in rows:
        if row.covered:
            continue
        decimals = assets.get(row.asset, 0)
        console.print(
            f"[bold red]RESERVES BELOW LIABILITIES[/bold red] {row.asset}: custody holds "
            f"{format_fixed(row.reserves_minor, decimals)} on chain against "
            f"{format_fixed(row.liabilities_minor, decimals)} owed to clients: short "
            f"{format_fixed(row.shortfall_minor, decimals)} (ratio {_percent(row.ratio_bps)}, "
            f"{row.ratio_bps} bps)"
        )


def _resolve(data: Path, wanted: str | None) -> str:
    """The snapshot id ``wanted`` names (an id, a day-end date, or the latest)."""
    try:
        return node_por.archive_of(data).resolve(wanted)
    except ConditionFailed as exc:
        hint = "" if wanted else ": run seawall por snapshot"
        err_console.print(f"[red]{exc} in {data / 'por'}{hint}[/red]")
        raise typer.Exit(2) from exc


def _find_proof(folder: Path, account: str) -> Path:
    parts = account.split(":")
    if parts[0] == "client" and len(parts) == 3:
        candidates = [folder / "proofs" / parts[1] / f"{parts[2]}.json"]
    elif len(parts) == 2:
        candidates = [folder / "proofs" / parts[0] / f"{parts[1]}.json"]
    else:
        candidates = sorted((folder / "proofs").glob(f"*/{account}.json"))
    found = [path for path in candidates if path.exists()]
    if not found:
        err_console.print(f"[red]no proof for {account!r} in {folder}[/red]")
        raise typer.Exit(2)
    if len(found) > 1:
        brokers = ", ".join(path.parent.name for path in found)
        err_console.print(
            f"[red]{account!r} is a client of several brokers ({brokers}): "
            "give broker:account[/red]"
        )
        raise typer.Exit(2)
    return found[0]


def _account_id(proof: AccountProof, account: str | None) -> str | None:
    """The full id the client means: ``acct-...`` and ``broker:acct-...`` name the proof's own
    account when they are its tail; anything else is compared as given."""
    if account is None or account.startswith("client:"):
        return account
    if proof.account_id.endswith(":" + account):
        return proof.account_id
    return account


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]FAILED[/red] cannot read {path}: {exc}")
        raise typer.Exit(1) from exc


def anchor_reserves(data: Path, snapshot: PorSnapshot) -> int:
    """Submit custody's ``PublishReserves`` for ``snapshot`` to the market in ``data`` (opened
    here: nothing else may be serving it) and note the anchor beside the snapshot; return the
    seq it was journaled at. ``ConditionFailed`` if custody refused it."""
    return node_por.publish_snapshot(data, snapshot, node_por.anchor_offline(data))


def _record_json(record: SnapshotRecord) -> dict[str, Any]:
    return {
        "snapshot": record.snapshot_id,
        "day": record.day,
        "cutoff_ns": record.cutoff_ns,
        "journal_seq": record.journal_seq,
        "timestamp_ns": record.timestamp_ns,
        "status": record.status,
        "root": record.root,
        "coverage": record.coverage,
        "anchor_seq": record.anchor_seq,
        "log_index": record.log_index,
    }


def register(app: typer.Typer) -> None:
    por_app = typer.Typer(
        help="Proof of reserves and liabilities: snapshots, client proofs, offline checks.",
        no_args_is_help=True,
    )
    app.add_typer(por_app, name="por")

    @por_app.command("snapshot")
    def snapshot_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
        snapshot_id: str | None = typer.Option(
            None, "--id", help="The snapshot's id (default: seq-<last journal seq>)."
        ),
        split_parts: int = typer.Option(2, "--split-parts", help="Leaves per account (1..16)."),
        pad_to: int = typer.Option(
            1024, "--pad-to", help="Least number of leaves (a power of two): hides the count."
        ),
        drain: list[str] = typer.Option(
            [],
            "--drain",
            help="FTX drill: move ASSET=AMOUNT out of custody's wallets on the in-memory chain "
            "before the snapshot (e.g. BTC=0.5).",
        ),
        proofs: bool = typer.Option(True, "--proofs/--no-proofs", help="Write client proofs."),
        fail_on_shortfall: bool = typer.Option(
            False, "--fail-on-shortfall", help="Exit 1 if reserves fall short in any asset."
        ),
        publish: bool = typer.Option(
            False,
            "--publish",
            help="Anchor the snapshot in the journal (custody's PublishReserves); a shortfall "
            "then becomes a journaled regulator alert.",
        ),
    ) -> None:
        """Build a snapshot: liabilities tree, reserves on chain, ratio per asset."""
        if not (data / "journal.sqlite").exists():
            err_console.print(f"[red]no journal in {data}[/red]")
            raise typer.Exit(2)
        policy = PrivacyPolicy(split_parts=split_parts, leaves_min=pad_to)
        try:
            policy.check()
            snapshot, folder = take_snapshot(data, snapshot_id, policy, drain, proofs)
        except SeawallError as exc:
            err_console.print(f"[red]snapshot failed[/red] {exc}")
            raise typer.Exit(2) from exc
        tree = snapshot.tree
        assets = {a.code: a.decimals for a in tree.assets}
        books: dict[str, int] = {}
        for reserve in snapshot.reserves:
            books[reserve.asset] = books.get(reserve.asset, 0) + reserve.book_minor
        console.print(
            f"snapshot {snapshot.snapshot_id} at journal seq {snapshot.seq}: "
            f"{tree.account_count} client accounts in {tree.leaf_count} leaves "
            f"(split {tree.policy.split_parts}, padded, shuffled)"
        )
        console.print(_coverage_table(assets, snapshot.coverage, books))
        _print_shortfalls(snapshot.coverage, assets)
        for reserve in snapshot.reserves:
            if reserve.ledger_minor != reserve.book_minor:
                decimals = assets.get(reserve.asset, 0)
                console.print(
                    f"[bold yellow]BOOKS DISAGREE[/bold yellow] custody:{reserve.kind}:"
                    f"{reserve.asset}: the ledger says "
                    f"{format_fixed(reserve.ledger_minor, decimals)}, custody's wallet book "
                    f"{format_fixed(reserve.book_minor, decimals)} (reconciliation will name it)"
                )
        colour = "bold red" if snapshot.status == STATUS_SHORTFALL else "bold green"
        console.print(f"status: [{colour}]{snapshot.status}[/{colour}]")
        console.print(f"liabilities root {snapshot.root.hex()}")
        console.print(f"{len(snapshot.reserves)} wallets signed the challenge for this snapshot")
        console.print(f"written: {folder / 'snapshot.json'}")
        if proofs:
            console.print(f"client proofs: {folder / 'proofs'} (give each client only their own)")
        console.print(
            f"anchor: {folder / 'publication.json'} holds custody's PublishReserves fields"
        )
        if publish:
            try:
                seq = anchor_reserves(data, snapshot)
            except ConditionFailed as exc:
                err_console.print(f"[red]{exc}[/red]")
                raise typer.Exit(1) from exc
            console.print(f"anchored in the journal at seq {seq} (and so in the transparency log)")
        if fail_on_shortfall and snapshot.status == STATUS_SHORTFALL:
            raise typer.Exit(1)

    @por_app.command("list")
    def list_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Every snapshot kept (day-end and on demand): root, ratio per asset, anchor."""
        records = node_por.archive_of(data).records()
        if as_json:
            typer.echo(json.dumps([_record_json(r) for r in records], indent=1))
            return
        if not records:
            console.print(f"no snapshot in {data / 'por'}")
            return
        table = Table(title=f"proof-of-reserves snapshots in {data / 'por'}")
        for column in ("snapshot", "day", "journal seq", "status", "root", "ratios", "anchor"):
            table.add_column(column)
        for record in records:
            ratios = ", ".join(
                f"{row['asset']} {_percent(row['ratio_bps'])}"
                for row in record.coverage
                if row["liabilities_minor"] != "0"
            )
            anchor = (
                "not anchored"
                if record.anchor_seq is None
                else f"seq {record.anchor_seq} (log index {record.log_index})"
            )
            table.add_row(
                record.snapshot_id,
                record.day or "on demand",
                str(record.journal_seq),
                record.status,
                record.root[:16] + "...",
                ratios or "nothing owed",
                anchor,
            )
        console.print(table)

    @por_app.command("day-end")
    def day_end_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
        day_end: str = typer.Option(
            HONG_KONG.text(),
            "--day-end",
            help="The business day's cut-off: local time and UTC offset (00:00+08:00 is "
            "midnight in Hong Kong) or UTC (16:00Z).",
        ),
        day: str | None = typer.Option(
            None,
            "--day",
            help="A past business day YYYY-MM-DD whose day-end was missed (default: the latest "
            "closed): the journal as it stood at that day's cut-off.",
        ),
    ) -> None:
        """Take the day-end snapshot now due (the latest business day closed), anchor it, and
        keep it; nothing if it is taken already. `seawall serve` does this by itself."""
        from seawall.adapters.clock import SystemClock
        from seawall.api.server import market_lock
        from seawall.core.clock import Clock, StepClock
        from seawall.node.day_end import DayEndScheduler

        if not (data / "journal.sqlite").exists():
            err_console.print(f"[red]no journal in {data}[/red]")
            raise typer.Exit(2)
        try:
            schedule = DayEndSchedule.parse(day_end)
            clock: Clock = SystemClock()
            if day is not None:
                closing = parse_day(day)
                if closing is None:
                    raise ConditionFailed(f"--day {day!r} must be a date YYYY-MM-DD")
                cutoff_ns = schedule.cutoff_of(closing)
                if cutoff_ns > clock.now_ns():
                    raise ConditionFailed(f"business day {day} has not ended yet")
                clock = StepClock(start_ns=cutoff_ns, step_ns=0)  # that day's cut-off
            with market_lock(data):
                scheduler = DayEndScheduler(data, clock, node_por.anchor_offline(data), schedule)
                result = scheduler.tick()
        except SeawallError as exc:
            err_console.print(f"[red]day-end failed[/red] {exc}")
            raise typer.Exit(2) from exc
        if result is None:
            console.print(
                "nothing to take: that day's snapshot is kept already, or nothing was journaled "
                "before its cut-off"
            )
            return
        colour = "bold red" if result.status == STATUS_SHORTFALL else "bold green"
        console.print(
            f"day-end {result.day} ({schedule.text()}): snapshot {result.snapshot_id} at journal "
            f"seq {result.journal_seq}, status [{colour}]{result.status}[/{colour}], anchored at "
            f"seq {result.anchor_seq} (log index {result.anchor_seq - 1})"
        )

    @por_app.command("proof")
    def proof_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
        account: str = typer.Option(
            ..., "--account", help="acct-..., broker:acct-... or client:broker:acct-..."
        ),
        snapshot_id: str | None = typer.Option(
            None, "--snapshot", help="An id, or a day-end's date YYYY-MM-DD (default: the latest)."
        ),
        out: Path | None = typer.Option(None, "--out", help="Write proof.json here."),
    ) -> None:
        """Print (or write) one client's proof.json from a snapshot."""
        ident = _resolve(data, snapshot_id)
        folder = data / "por" / ident
        text = _find_proof(folder, account).read_text()
        if out is None:
            typer.echo(text, nl=False)
            return
        out.write_text(text)
        console.print(f"proof of {account} in snapshot {ident} written to {out}")

    @por_app.command("verify")
    def verify_command(
        proof_file: Path = typer.Argument(..., help="A client's proof.json."),
        root: str | None = typer.Option(None, "--root", help="The published root (hex)."),
        snapshot_id: str | None = typer.Option(
            None, "--snapshot", help="The snapshot the proof must be for."
        ),
        published: Path | None = typer.Option(
            None, "--published", help="The published snapshot.json (root, reserves, ratios)."
        ),
        account: str | None = typer.Option(
            None, "--account", help="Your account: acct-..., broker:acct-... or client:..."
        ),
    ) -> None:
        """Check a proof offline: inclusion, no negative balance, the root; exit 1 on failure."""
        if not proof_file.exists():
            err_console.print(f"[red]no proof at {proof_file}[/red]")
            raise typer.Exit(2)
        expected_root: bytes | None = None
        if root is not None:
            try:
                expected_root = bytes.fromhex(root)
            except ValueError as exc:
                err_console.print("[red]--root must be hex[/red]")
                raise typer.Exit(2) from exc
        summary = None
        if published is not None:
            try:
                summary = verify_snapshot_document(_load_json(published))
            except SnapshotRejected as exc:
                err_console.print(
                    f"[red]FAILED[/red] published snapshot {exc.problem}: {exc.detail}"
                )
                raise typer.Exit(1) from exc
            expected_root = expected_root or summary.root
            snapshot_id = snapshot_id or summary.snapshot_id
        try:
            proof = proof_from_json(proof_file.read_bytes())
            result = verify_proof(proof, expected_root, snapshot_id, _account_id(proof, account))
        except ProofRejected as exc:
            err_console.print(f"[red]FAILED[/red] {exc.problem}: {exc.detail}")
            raise typer.Exit(1) from exc
        assets = {a.code: a.decimals for a in result.assets}
        held = ", ".join(
            f"{format_fixed(v, assets[a.code])} {a.code}"
            for a, v in zip(result.assets, result.balances_minor, strict=True)
            if v
        )
        console.print(
            f"[green]OK[/green] {result.account_id} is in snapshot {result.snapshot_id} "
            f"({result.parts} leaves of {result.leaf_count}), no negative balance on any path"
        )
        console.print(f"your balances: {held or 'none'}")
        console.print(f"root {result.root.hex()}")
        if expected_root is None:
            console.print("compare this root with the one custody published for the snapshot")
        else:
            console.print("the root is the published one")
        if summary is not None:
            _report_published(summary.status, list(summary.coverage), result.assets)

    @por_app.command("okx-verify")
    def okx_verify_command(
        path: Path = typer.Argument(
            ..., help="A directory with merkle_proof_file.json / user_info_file.json, or a file."
        ),
        merkle_file: Path | None = typer.Option(
            None, "--merkle-file", help="OKX's full liabilities tree file (v2 leaf search)."
        ),
        strict: bool = typer.Option(
            False, "--strict", help="Also fail on what OKX accepts and we do not (negatives)."
        ),
    ) -> None:
        """Check OKX-format proof files and print the verdict OKX's own tool gives."""
        if not path.exists():
            err_console.print(f"[red]nothing at {path}[/red]")
            raise typer.Exit(2)
        v1, v2 = okx.verify_okx_dir(path, merkle_file)
        if v1 is None and v2 is None:
            err_console.print(f"[red]no OKX proof files in {path}[/red]")
            raise typer.Exit(2)
        failed = False
        if v1 is not None:
            failed |= _report_okx_v1(v1, strict)
        if v2 is not None:
            failed |= _report_okx_v2(v2, strict)
        console.print(
            "note: OKX's parent hash commits only to the children's sum, not to each child's "
            "balance (the Maxwell construction, ePrint 2018/1139); see docs/proof-of-reserves.md"
        )
        if failed:
            raise typer.Exit(1)


def _report_published(status: str, rows: list[AssetCoverage], spec: tuple[AssetSpec, ...]) -> None:
    assets = {a.code: a.decimals for a in spec}
    if status == STATUS_SHORTFALL:
        _print_shortfalls(rows, assets)
        err_console.print(
            "[bold red]FAILED[/bold red] your balance is in the liabilities, but custody's "
            "reserves do not cover them"
        )
        raise typer.Exit(1)
    console.print(
        "reserves cover liabilities in every asset (wallet signatures checked): "
        + ", ".join(f"{r.asset} {_percent(r.ratio_bps)}" for r in rows if r.liabilities_minor)
    )


def _report_okx_v1(result: okx.OkxV1Result, strict: bool) -> bool:
    colour = "green" if result.valid else "red"
    console.print(f"v1 {okx.PROOF_FILE}: [{colour}]{result.message}[/{colour}]")
    if result.reason:
        console.print(f"  reason: {result.reason}")
    if result.computed_root is not None:
        hash_hex, balances, height = result.computed_root
        console.print(
            f"  root recomputed: {hash_hex} height {height} "
            f"BTC {balances[0]} ETH {balances[1]} USDT {balances[2]}"
        )
    for problem in result.strict_problems:
        console.print(f"  [yellow]OKX accepts, we would not[/yellow]: {problem}")
    return not result.valid or (strict and bool(result.strict_problems))


def _report_okx_v2(result: okx.OkxV2Result, strict: bool) -> bool:
    console.print(f"v2 {okx.USER_INFO_FILE}: OKX's tool says: {result.message}")
    check = "[green]passed[/green]" if result.self_check else "[red]failed[/red]"
    console.print(f"  user file self-check (leaf hashes, user hash, leaves add up): {check}")
    if result.reason:
        console.print(f"  {result.reason}")
    for leaf_hash, balances in result.leaves:
        console.print(f"  leaf {leaf_hash}: BTC {balances[0]} ETH {balances[1]} USDT {balances[2]}")
    if result.search is not None:
        total = result.search.all_total
        console.print(
            f"  found {result.search.found} of {len(result.leaves)} leaves; all users hold "
            f"BTC {total[0]} ETH {total[1]} USDT {total[2]}"
        )
    for problem in result.strict_problems:
        console.print(f"  [yellow]OKX accepts, we would not[/yellow]: {problem}")
    failed = not result.self_check or (result.search is not None and not result.valid)
    return failed or (strict and bool(result.strict_problems))
