"""``seawall por ...``: proof of reserves and liabilities from a data directory's journal.

* ``seawall por snapshot --data DIR``: recover the market from ``DIR/journal.sqlite``, build the
  liabilities tree over every client account, read custody's wallets on the chain adapter (the
  in-memory chain, mirrored from custody's book; ``--drain`` plays the FTX insider on it), have
  each wallet sign the snapshot's challenge, and write ``DIR/por/<snapshot>/snapshot.json``
  (public), ``publication.json`` (the custody command that anchors it) and one proof per client
  under ``proofs/<broker>/<account>.json`` (private: each goes to its client only). A ratio below
  100 % is printed as a shortfall and the snapshot's status is ``SHORTFALL``.
* ``seawall por proof --data DIR --account ACCT``: one client's proof.json (printed or written).
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
from seawall.adapters.storage import open_store
from seawall.core import limits
from seawall.core.errors import ConditionFailed, SeawallError
from seawall.core.ids import check_asset_code
from seawall.core.units import Asset, format_fixed, parse_amount
from seawall.journal.verify import decode_entry
from seawall.kernel.replay import recover
from seawall.node.keys import load_keys
from seawall.reserves import okx
from seawall.reserves.format import AssetSpec
from seawall.reserves.proof import (
    AccountProof,
    ProofRejected,
    proof_from_json,
    proof_to_json,
    verify_proof,
)
from seawall.reserves.publish import publication_for
from seawall.reserves.reserves import AssetCoverage, WalletBook
from seawall.reserves.snapshot import (
    STATUS_SHORTFALL,
    PorSnapshot,
    SnapshotRejected,
    build_snapshot,
    custody_wallets,
    liabilities_from_ledger,
    mirror_wallets,
    snapshot_document,
    snapshot_seed,
    verify_snapshot_document,
)
from seawall.reserves.tree import PrivacyPolicy

__all__ = ["DRAIN_ADDRESS", "register", "take_snapshot"]

#: Where ``--drain`` sends the coins it takes: an address nobody at custody controls.
DRAIN_ADDRESS: Final = ADDRESS_PREFIX + "0" * 40

console = Console()
err_console = Console(stderr=True)


def _percent(ratio_bps: int) -> str:
    return f"{ratio_bps // 100}.{ratio_bps % 100:02d} %"


def _proof_path(directory: Path, account_id: str) -> Path:
    _, broker_id, account = account_id.split(":", 2)
    return directory / "proofs" / broker_id / f"{account}.json"


def _last_timestamp_ns(data: Path, seq: int) -> int:
    if seq == 0:
        return 0
    with open_store(data / "journal.sqlite", create=False) as store:
        for stored_seq, body in store.read(seq, seq):
            return decode_entry(body, stored_seq).timestamp_ns
    return 0


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


def take_snapshot(
    data: Path,
    snapshot_id: str | None = None,
    policy: PrivacyPolicy | None = None,
    drains: list[str] | None = None,
    write_proofs: bool = True,
) -> tuple[PorSnapshot, Path]:
    """Build the snapshot of ``data``'s journal and write its files; returns it and its folder."""
    keys = load_keys(data)
    custody_key = keys.signing("custody")
    with open_store(data / "journal.sqlite", create=False) as store:
        states, seq = recover(store)
    ident = snapshot_id or f"seq-{seq}"
    liabilities = liabilities_from_ledger(states["ledger"])
    wallets = custody_wallets(states["custody"], states["ledger"], custody_key)
    chain = MemoryChain()
    mirror_wallets(chain, custody_key, wallets)
    decimals = {a.code: a.decimals for a in liabilities.assets}
    for spec in drains or []:
        code = spec.partition("=")[0]
        if code not in decimals:
            raise ConditionFailed(f"--drain {spec!r}: no asset {code!r} on the ledger")
        _drain(chain, wallets, spec, decimals[code])
    snapshot = build_snapshot(
        ident,
        seq,
        _last_timestamp_ns(data, seq),
        liabilities,
        wallets,
        chain,
        snapshot_seed(custody_key, ident),
        policy,
    )
    folder = data / "por" / ident
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "snapshot.json").write_text(json.dumps(snapshot_document(snapshot), indent=1) + "\n")
    publication = publication_for(snapshot)
    (folder / "publication.json").write_text(
        json.dumps(
            {
                "command": "custody.publish_reserves",
                "snapshot_id": publication.snapshot_id,
                "liabilities_root": publication.liabilities_root.hex(),
                "ratios": [list(row) for row in publication.ratios],
                "journaled": False,
            },
            indent=1,
        )
        + "\n"
    )
    if write_proofs:
        for account_id in snapshot.tree.account_ids:
            path = _proof_path(folder, account_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(proof_to_json(snapshot.tree.proof(account_id)))
    (data / "por" / "latest").write_text(ident + "\n")
    return snapshot, folder


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


def _latest(data: Path) -> str:
    marker = data / "por" / "latest"
    if not marker.exists():
        err_console.print(f"[red]no snapshot in {data / 'por'}: run seawall por snapshot[/red]")
        raise typer.Exit(2)
    return marker.read_text().strip()


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
    """Submit custody's ``PublishReserves`` for ``snapshot`` to the market in ``data``; return
    the seq it was journaled at. ``ConditionFailed`` if custody refused it."""
    from seawall.adapters.clock import SystemClock
    from seawall.custody.commands import PublishReserves
    from seawall.kernel import Market

    publication = publication_for(snapshot)
    command = PublishReserves(
        publication.snapshot_id, publication.liabilities_root, publication.ratios
    )
    keys = load_keys(data)
    with open_store(data / "journal.sqlite", create=False) as store:
        market = Market(store, keys.signing("sequencer"), SystemClock())
        outcome = market.submit(command, "custody")
        market.commit()
    if outcome.rejection is not None:
        rejection = outcome.rejection
        raise ConditionFailed(f"not anchored: {rejection.name}: {rejection.message}")
    return outcome.seq


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

    @por_app.command("proof")
    def proof_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
        account: str = typer.Option(
            ..., "--account", help="acct-..., broker:acct-... or client:broker:acct-..."
        ),
        snapshot_id: str | None = typer.Option(None, "--snapshot", help="Default: the latest."),
        out: Path | None = typer.Option(None, "--out", help="Write proof.json here."),
    ) -> None:
        """Print (or write) one client's proof.json from a snapshot."""
        ident = snapshot_id or _latest(data)
        folder = data / "por" / ident
        if not folder.exists():
            err_console.print(f"[red]no snapshot {ident!r} in {data / 'por'}[/red]")
            raise typer.Exit(2)
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
