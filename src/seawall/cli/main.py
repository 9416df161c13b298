"""``seawall``: the command line (typer + rich).

Exit codes: 0 success; 1 a verification or replay found a problem (the message names the seq);
2 bad usage.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from seawall.adapters.storage import open_store
from seawall.cli import api_commands, log_commands, por_commands, surveil_commands
from seawall.cli.progress import counting_progress
from seawall.core.errors import JournalCorrupt, JournalGap, SeawallError, StorageError
from seawall.kernel import ReplayDivergence, replay

__all__ = ["app"]

app = typer.Typer(
    name="seawall",
    help="Seawall: a virtual-asset market with separated duties and a verifiable journal.",
    no_args_is_help=True,
    add_completion=False,
)
journal_app = typer.Typer(help="Inspect and verify a journal.", no_args_is_help=True)
app.add_typer(journal_app, name="journal")
log_commands.register(app)
api_commands.register(app)
por_commands.register(app)
surveil_commands.register(app)

console = Console()
err_console = Console(stderr=True)


@journal_app.command("verify")
def journal_verify(
    path: Path = typer.Argument(..., help="The journal file (journal.sqlite)."),
) -> None:
    """Check the hash chain and every seal's signature; exit 1 naming the first bad seq."""
    from seawall.journal import verify_journal

    try:
        with (
            open_store(_checked(path), create=False) as store,
            counting_progress(console, "verifying") as progress,
        ):
            report = verify_journal(store, progress=progress)
    except (JournalCorrupt, JournalGap) as exc:
        err_console.print(f"[red]FAILED[/red] {exc}")
        raise typer.Exit(1) from exc
    except StorageError as exc:
        err_console.print(f"[red]FAILED[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(
        f"[green]OK[/green] {report.entries} entries in {report.seals} sealed groups, "
        f"last seq {report.last_seq}\n"
        f"head {report.head_hash.hex()}\n"
        f"sequencer key {report.sequencer_key.hex()}"
    )


@app.command("replay")
def replay_command(
    path: Path = typer.Argument(..., help="The journal file (journal.sqlite)."),
    from_snapshot: bool = typer.Option(
        False, "--from-snapshot", help="Start from the latest snapshot instead of from empty."
    ),
) -> None:
    """Replay the journal, re-deciding every command, and print the market's state hash."""
    try:
        with (
            open_store(_checked(path), create=False) as store,
            counting_progress(console, "replaying") as progress,
        ):
            result = replay(store, use_snapshot=from_snapshot, progress=progress)
    except (JournalCorrupt, JournalGap, ReplayDivergence, StorageError) as exc:
        err_console.print(f"[red]FAILED[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(
        f"replayed {result.entries_replayed} entries"
        + (f" after snapshot {result.from_snapshot_seq}" if result.from_snapshot_seq else "")
        + f", last seq {result.last_seq}"
    )
    console.print(f"state hash {result.state_hash.hex()}")


def _checked(path: Path) -> Path:
    if not path.exists():
        err_console.print(f"[red]no journal at {path}[/red]")
        raise typer.Exit(2)
    return path


@app.command("status")
def status_command(
    data: Path = typer.Option(Path("data/demo"), "--data", help="The data directory."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """The market's last seq, chain head and state hash, recovered from the journal (latest
    snapshot + tail): what an outside check compares with a clean replay."""
    import json

    from seawall.kernel.replay import recover
    from seawall.kernel.state import market_state_hash

    path = _checked(data / "journal.sqlite")
    try:
        with open_store(path, create=False) as store:
            states, seq = recover(store)
            seal = store.last_seal()
            snapshot = store.latest_snapshot()
    except (JournalCorrupt, JournalGap, ReplayDivergence, StorageError) as exc:
        err_console.print(f"[red]FAILED[/red] {exc}")
        raise typer.Exit(1) from exc
    status = {
        "last_seq": seq,
        "head_hash": (seal.head_hash if seal is not None else bytes(32)).hex(),
        "state_hash": market_state_hash(states).hex(),
        "snapshot_seq": 0 if snapshot is None else snapshot.seq,
    }
    if as_json:
        console.print_json(json.dumps(status))
    else:
        for key, value in status.items():
            console.print(f"{key:>12}  {value}")


@app.command("demo")
def demo_command(
    data: Path = typer.Option(Path("data/demo"), "--data", help="Where the journal is written."),
    fresh: bool = typer.Option(True, "--fresh/--keep", help="Start from an empty journal."),
    ftx: bool = typer.Option(
        False, "--ftx", help="Then play the FTX insider and watch the institutions catch it."
    ),
    simulate: bool = typer.Option(
        False,
        "--simulate",
        help="Also run the seeded simulator with manipulators and show surveillance's alerts.",
    ),
    serve: bool = typer.Option(
        False, "--serve", help="Then serve the market through the Binance-compatible API."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Where --serve listens."),
    port: int = typer.Option(8000, "--port", help="Where --serve listens."),
    duration: float | None = typer.Option(
        None, "--duration", help="With --serve: stop after this many seconds (else Ctrl-C)."
    ),
) -> None:
    """Run the market with every institution end to end and show where to check it."""
    from seawall.cli.demo import run_demo

    try:
        run_demo(console, data, fresh, ftx)
        if simulate:
            import shutil

            from seawall.cli.surveil_commands import simulate as run_simulation

            shutil.rmtree(data.parent / "sim", ignore_errors=True)
            run_simulation(console, data.parent / "sim")
        if serve:
            from seawall.cli.demo_serve import serve_demo

            serve_demo(console, data, host, port, duration)
    except SeawallError as exc:
        err_console.print(f"[red]demo failed[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command("bench")
def bench_command(
    name: str = typer.Argument(
        ..., help="Which benchmark: api, durable, journal, log, match, por, surveillance; or all."
    ),
    quick: bool = typer.Option(False, "--quick", help="A smaller run (for smoke tests)."),
    out: Path = typer.Option(
        Path("bench/results"), "--out", help="Where results (JSON and Markdown) are written."
    ),
) -> None:
    """Run a benchmark, print our figures beside the peers', and record them under bench/."""
    from seawall.bench.runner import BENCHMARKS, run_benchmark

    names = sorted(BENCHMARKS) if name == "all" else [name]
    for each in names:
        if each not in BENCHMARKS:
            err_console.print(f"unknown benchmark {each!r}; known: {', '.join(sorted(BENCHMARKS))}")
            raise typer.Exit(2)
    for each in names:
        run_benchmark(each, console, out, quick)
