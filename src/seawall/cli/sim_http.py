"""``seawall sim run --api URL``: the seeded simulator driving a served market over its REST API
(``seawall.simhttp``), with a progress bar and a summary.

The agents' accounts come from a keys file (``--keys``). Those it lacks are created through the
running server, as ``seawall accounts create`` does, when ``--server-data`` names the server's
data directory (its ``serve.json`` holds the loopback admin token, and the address when
``--api`` is left out); the keys file is then updated, so later runs reuse the accounts.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from seawall.cli.api_commands import SERVE_FILE
from seawall.core.errors import ConditionFailed
from seawall.sim.runner import SimConfig
from seawall.simhttp import ApiClient, HttpRunResult, HttpSimulation, write_outputs
from seawall.simhttp.accounts import links, load_keys, provision, save_keys

__all__ = ["resolve_server", "run_over_api"]


def resolve_server(api: str | None, server_data: Path | None) -> tuple[str, str | None]:
    """The API's base URL and, with ``server_data``, the server's admin token."""
    if server_data is None:
        if api is None:
            raise ConditionFailed("give --api URL, or --server-data DIR of a running server")
        return api, None
    path = server_data / SERVE_FILE
    if not path.exists():
        raise ConditionFailed(f"no {path}: is `seawall serve --data {server_data}` running?")
    served = json.loads(path.read_text())
    return api or f"http://{served['host']}:{served['port']}", str(served["admin_token"])


def run_over_api(
    out: Console,
    config: SimConfig,
    data: Path,
    url: str | None,
    keys_path: Path,
    server_data: Path | None = None,
    run_id: str | None = None,
) -> HttpRunResult:
    """Provision what ``keys_path`` lacks (through the server of ``server_data``), run
    ``config`` against ``url`` (``--api``, or the address in ``server_data``), write the
    outputs under ``data`` and print what happened."""
    url, admin_token = resolve_server(url, server_data)
    with ApiClient(url) as client:
        simulation = HttpSimulation(config, client, run_id=run_id)
        keys = load_keys(keys_path)
        missing = [each for each in simulation.accounts() if each.label not in keys]
        if missing:
            if admin_token is None:
                raise ConditionFailed(
                    f"{keys_path} lacks {len(missing)} accounts ({missing[0].label}, ...): give "
                    "--server-data DIR to create them through the running server"
                )
            reasons = links(simulation.agents)
            if reasons:
                raise ConditionFailed(
                    f"scenario {config.scenario!r} needs linked accounts that the accounts "
                    f"endpoint cannot create ({'; '.join(reasons)}): run it in process"
                )
            with out.status(f"creating {len(missing)} funded accounts through {url}"):
                keys |= provision(client, admin_token, missing, simulation.assets())
            save_keys(keys_path, keys)
            out.print(f"created {len(missing)} accounts; their API keys are in {keys_path}")
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} steps"),
            TimeElapsedColumn(),
            console=out,
            transient=True,
        ) as bar:
            minutes = config.duration_s / 60
            task = bar.add_task(
                f"simulating {minutes:g} minutes ({config.scenario}, seed {config.seed}) "
                f"over {url}",
                total=simulation.steps_total,
            )

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = simulation.run(keys, progress)
    write_outputs(data, result)
    _report(out, result, data, server_data)
    return result


def _report(out: Console, result: HttpRunResult, data: Path, server_data: Path | None) -> None:
    counts = result.counts
    out.print(
        f"[green]done[/green] {len(result.requests):,} requests ({result.http_requests:,} sent, "
        f"{result.throttled:,} resent after request limits): {counts['accepted']:,} of "
        f"{counts['placed']:,} orders accepted, {counts['cancelled']:,} of {counts['cancels']:,} "
        "cancels done"
    )
    out.print(
        "trades: " + ", ".join(f"{symbol} {n:,}" for symbol, n in sorted(result.trades.items()))
    )
    if any(result.faults.values()):
        out.print(f"faults: {result.faults}")
    refused = result.refused_by_code()
    if refused:
        table = Table(title="refused (Binance error)")
        table.add_column("count", justify="right")
        table.add_column("code and message")
        for name, count in refused.items():
            table.add_row(f"{count:,}", name)
        out.print(table)
    for symbol, book in sorted(result.books.items()):
        bid = f"{book.bids[0][1]} lots at {book.bids[0][0]}" if book.bids else "none"
        ask = f"{book.asks[0][1]} lots at {book.asks[0][0]}" if book.asks else "none"
        out.print(f"{symbol} book: best bid {bid}, best ask {ask} (ticks)")
    out.print(
        f"{len(result.labels)} labels; requests sha256 {result.requests_sha256[:16]}..., "
        f"books sha256 {result.books_sha256[:16]}... (written to {data})"
    )
    where = server_data if server_data is not None else Path("SERVER_DATA")
    out.print(
        f"check it: seawall journal verify {where / 'journal.sqlite'}; "
        f"seawall surveil --data {where} --from-seq 1"
    )
