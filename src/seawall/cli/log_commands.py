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
from seawall.verifier import VerificationFailed, verify_log
from seawall.verifier.check import fetcher_for

__all__ = ["ATTESTATIONS_PATH", "publish_log", "register"]

#: Beside the checkpoint: each institution's signature over its own state hash at that seq.
ATTESTATIONS_PATH = "attestations.json"

console = Console()
err_console = Console(stderr=True)


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

    @app.command("verify")
    def verify_command(
        source: str = typer.Argument(..., help="A published log: a directory or an http(s) URL."),
        keys: Path = typer.Option(
            ..., "--keys", help="Verifier keys: the log's first line, then each witness's."
        ),
        state: Path | None = typer.Option(
            None, "--state", help="Remembers the last verified checkpoint, to catch forks."
        ),
        entry: int | None = typer.Option(
            None, "--entry", help="Also check this entry's inclusion proof (0-based index)."
        ),
    ) -> None:
        """Independently check a published log: signatures, consistency, tiles, public state."""
        lines = [line.strip() for line in keys.read_text().splitlines() if line.strip()]
        if not lines:
            err_console.print("[red]no keys[/red]")
            raise typer.Exit(2)
        try:
            result = verify_log(fetcher_for(source), lines[0], lines[1:], state, entry)
        except VerificationFailed as exc:
            err_console.print(f"[red]FAILED[/red] {exc}")
            raise typer.Exit(1) from exc
        console.print(
            f"[green]OK[/green] {result.origin}: {result.size} entries, root "
            f"{result.root_hash.hex()[:16]}..., cosigned by {', '.join(result.cosigners)}"
        )
        if result.previous_size:
            console.print(f"consistent with the {result.previous_size} entries verified before")
        console.print(f"public state {result.public_state_hash} rebuilt and matches")
        if result.inclusion_checked is not None:
            console.print(f"entry {result.inclusion_checked} is included (proof verified)")
