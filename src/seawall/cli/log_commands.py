"""``seawall log publish`` and ``seawall verify``: publish the journal as a transparency log, and
check a published log independently."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from seawall.adapters.storage import open_store
from seawall.kernel.attest import attest
from seawall.kernel.projection import Projector
from seawall.kernel.publish import LogPublisher
from seawall.kernel.replay import recover
from seawall.node.keys import load_keys
from seawall.verifier import FAILURES, ApiReader, VerificationFailed, verify_log
from seawall.verifier.check import fetcher_for

__all__ = ["ATTESTATIONS_PATH", "publish_log", "register"]

#: Beside the checkpoint: each institution's signature over its own state hash at that seq.
ATTESTATIONS_PATH = "attestations.json"

console = Console()
err_console = Console(stderr=True)

_VERIFY_HELP = (
    "Independently check a published log: signatures, consistency, tiles, public state; with "
    "--url, also what a running Seawall's API publishes (each response says the log size it "
    "reflects; the log is replayed to exactly that size and compared).\n\n"
    "Exit codes:\n\b\n0   every check passed\n2   bad usage\n"
    + "\n".join(f"{code:<3} {what}: {meaning}" for what, code, meaning in FAILURES)
)


def publish_log(data: Path) -> tuple[str, Path, Path]:
    """Publish ``data/journal.sqlite`` into ``data/log``; write ``data/log.vkeys``.

    Returns the cosigned checkpoint, the log directory and the keys file.
    """
    keys = load_keys(data)
    log_keys = keys.log_keys()
    log_dir = data / "log"
    publisher = LogPublisher(log_dir, log_keys, Projector(keys.projection_key))
    try:
        with open_store(data / "journal.sqlite", create=False) as store:
            note = publisher.publish(store)
            states, seq = recover(store)
            seal = store.last_seal()
            head = seal.head_hash if seal is not None else bytes(32)
    finally:
        publisher.close()
    attestations = attest(states, seq, head, keys.institution_keys())
    (log_dir / ATTESTATIONS_PATH).write_text(
        json.dumps(
            [
                {
                    "institution": a.institution,
                    "seq": a.seq,
                    "head_hash": a.head_hash.hex(),
                    "state_hash": a.state_hash.hex(),
                    "public_key": a.public_key.hex(),
                    "signature": a.signature.hex(),
                }
                for a in attestations
            ],
            indent=1,
        )
        + "\n"
    )
    vkeys = data / "log.vkeys"
    vkeys.write_text("\n".join(log_keys.verifier_keys()) + "\n")
    return note, log_dir, vkeys


def register(app: typer.Typer) -> None:
    log_app = typer.Typer(help="Publish the journal as a transparency log.", no_args_is_help=True)
    app.add_typer(log_app, name="log")

    @log_app.command("publish")
    def publish_command(
        data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
    ) -> None:
        """Project new journal entries, append them to the log, sign and cosign a checkpoint."""
        if not (data / "journal.sqlite").exists():
            err_console.print(f"[red]no journal in {data}[/red]")
            raise typer.Exit(2)
        note, log_dir, vkeys = publish_log(data)
        console.print(note.split("\n\n")[0])
        console.print(f"log: {log_dir}  keys: {vkeys}")

    @app.command("verify", help=_VERIFY_HELP)
    def verify_command(
        source: str | None = typer.Argument(
            None,
            help="A published log: a directory or an http(s) URL (default with --url: "
            "URL/web/log).",
        ),
        keys: Path = typer.Option(
            ..., "--keys", help="Verifier keys: the log's first line, then each witness's."
        ),
        url: str | None = typer.Option(
            None,
            "--url",
            help="A running Seawall (http://host:port): compare its API's markets, order "
            "books and recent trades with the log.",
        ),
        wait_s: float = typer.Option(
            30.0,
            "--wait",
            min=0.0,
            help="Seconds to wait for a checkpoint that covers the API's figures.",
        ),
        state: Path | None = typer.Option(
            None, "--state", help="Remembers the last verified checkpoint, to catch forks."
        ),
        entry: int | None = typer.Option(
            None, "--entry", help="Also check this entry's inclusion proof (0-based index)."
        ),
    ) -> None:
        lines = [line.strip() for line in keys.read_text().splitlines() if line.strip()]
        if not lines:
            err_console.print("[red]no keys[/red]")
            raise typer.Exit(2)
        if source is None and url is None:
            err_console.print("[red]name a published log, or a running Seawall with --url[/red]")
            raise typer.Exit(2)
        log_source = source if source is not None else f"{str(url).rstrip('/')}/web/log"
        try:
            result = verify_log(
                fetcher_for(log_source),
                lines[0],
                lines[1:],
                state,
                entry,
                api=None if url is None else ApiReader(url),
                wait_s=wait_s,
            )
        except VerificationFailed as exc:
            err_console.print(f"[red]FAILED[/red] {exc}", highlight=False, markup=False)
            raise typer.Exit(exc.exit_code) from exc
        console.print(
            f"[green]OK[/green] {result.origin}: {result.size} entries, root "
            f"{result.root_hash.hex()[:16]}..., cosigned by {', '.join(result.cosigners)}"
        )
        if result.previous_size:
            console.print(f"consistent with the {result.previous_size} entries verified before")
        console.print(f"public state {result.public_state_hash} rebuilt from the entries")
        for line in result.compared:
            console.print(f"  {line}", highlight=False, markup=False)
        if result.inclusion_checked is not None:
            console.print(f"entry {result.inclusion_checked} is included (proof verified)")
