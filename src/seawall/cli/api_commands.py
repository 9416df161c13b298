"""``seawall serve`` and ``seawall accounts create``: the Binance-compatible API over a data
directory, and clients with API keys to trade on it.

``serve`` owns the directory's journal while it runs (``market.lock``): it opens (or creates and
lists) the market, serves REST and WebSocket on ``--host``/``--port``, and writes
``serve.json`` (address and a fresh admin token, readable only by its owner) so that
``accounts create`` can onboard clients through the running server. Unless ``--no-surveil``,
surveillance runs live beside it (``node.live_surveillance``): each alert is journaled as the
market commits the entries that show it, and printed. Without a running server,
``accounts create`` opens the journal itself. Either way the client is onboarded through
identity and funded by confirmed deposits at custody, each a journal entry like any other.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from seawall.core.errors import ConditionFailed, SeawallError

__all__ = ["SERVE_FILE", "register"]

SERVE_FILE = "serve.json"

console = Console()
err_console = Console(stderr=True)


def _create_locally(
    data: Path, broker: str, klass: str, fund: str, name: str | None, tier: str | None
) -> dict[str, Any]:
    from seawall.api.server import market_lock, open_served_market
    from seawall.api.service import account_json, create_account, parse_funds
    from seawall.identity.state import InvestorClass

    investor_class = InvestorClass(klass)
    funds = parse_funds(fund)
    with market_lock(data):
        store, market, keys = open_served_market(data)
        try:
            key, account_id = create_account(
                market, keys, broker, investor_class, funds, name=name, tier=tier
            )
            market.commit()
        finally:
            keys.close()
            store.close()
    return account_json(key, account_id, investor_class, funds)


def _create_remotely(
    data: Path, broker: str, klass: str, fund: str, name: str | None, tier: str | None
) -> dict[str, Any]:
    import httpx

    served = json.loads((data / SERVE_FILE).read_text())
    response = httpx.post(
        f"http://{served['host']}:{served['port']}/seawall/v1/accounts",
        json={"broker": broker, "class": klass, "fund": fund, "name": name, "tier": tier},
        headers={"X-Seawall-Admin-Token": served["admin_token"]},
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200:
        raise ConditionFailed(str(body.get("msg", body)))
    return body


def register(app: typer.Typer) -> None:
    accounts_app = typer.Typer(help="Clients and their API keys.", no_args_is_help=True)
    app.add_typer(accounts_app, name="accounts")

    @app.command("serve")
    def serve_command(
        data: Path = typer.Option(Path("data/api"), "--data", help="The data directory."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        log_level: str = typer.Option("warning", "--log-level", help="uvicorn's log level."),
        publish_every: float = typer.Option(
            5.0, "--publish-every", help="Seconds between cosigned transparency-log checkpoints."
        ),
        day_end: str = typer.Option(
            "00:00+08:00",
            "--day-end",
            help="Business day cut-off for day-end proof-of-reserves snapshots (local time and "
            "UTC offset, or 16:00Z), or 'off'.",
        ),
        surveil: bool = typer.Option(
            True,
            "--surveil/--no-surveil",
            help="Run surveillance's detectors live and journal their alerts as they fire.",
        ),
    ) -> None:
        """Serve the Binance-compatible API (REST + WebSocket) over a persistent market, run
        surveillance live (alerts journaled as they fire), and publish the transparency log
        (DATA/log) every --publish-every seconds."""
        from seawall.api.app import create_app
        from seawall.api.por import mount_por
        from seawall.api.server import limits_from, market_lock, open_served_market, serve
        from seawall.cli.surveil_commands import watch_live
        from seawall.node.day_end_schedule import DayEndSchedule
        from seawall.node.publishing import PeriodicPublisher
        from seawall.web import mount_web

        try:
            schedule = None if day_end == "off" else DayEndSchedule.parse(day_end)
            with market_lock(data):
                store, market, keys = open_served_market(data)
                token = secrets.token_hex(32)
                serve_file = data / SERVE_FILE
                serve_file.write_text(
                    json.dumps(
                        {"host": host, "port": port, "pid": os.getpid(), "admin_token": token}
                    )
                )
                serve_file.chmod(0o600)
                api = create_app(market, keys, limits_from(data), admin_token=token)
                mount_web(api, data, token)
                mount_por(api, data, schedule)
                console.print(
                    f"Seawall API on http://{host}:{port}/api/v3 (streams ws://{host}:{port}/ws), "
                    f"journal {data / 'journal.sqlite'}, {len(keys)} API keys, surveillance "
                    + ("live" if surveil else "off")
                )
                if surveil:
                    watch_live(api, data, console)
                try:
                    with PeriodicPublisher(data, publish_every):
                        serve(api, host, port, log_level)
                finally:
                    serve_file.unlink(missing_ok=True)
                    keys.close()
                    store.close()
        except SeawallError as exc:
            err_console.print(f"[red]cannot serve[/red] {exc}")
            raise typer.Exit(2) from exc

    @accounts_app.command("create")
    def create_command(
        broker: str = typer.Option(..., "--broker", help="The client's broker (broker-a, ...)."),
        klass: str = typer.Option(
            "retail", "--class", help="Investor class: retail or professional."
        ),
        fund: str = typer.Option("", "--fund", help="Confirmed deposits, e.g. BTC=1,USD=100000."),
        data: Path = typer.Option(Path("data/api"), "--data", help="The data directory."),
        name: str | None = typer.Option(None, "--name", help="A label for the client's KYC."),
        tier: str | None = typer.Option(
            None, "--tier", help="Request-limit tier (default: the investor class)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON, for scripts."),
    ) -> None:
        """Onboard a client (identity), fund it (custody), and print its API key and secret."""
        if klass not in ("retail", "professional", "institutional"):
            err_console.print("--class must be retail or professional")
            raise typer.Exit(2)
        try:
            try:
                result = _create_locally(data, broker, klass, fund, name, tier)
            except ConditionFailed as exc:
                if "another process" not in str(exc) or not (data / SERVE_FILE).exists():
                    raise
                result = _create_remotely(data, broker, klass, fund, name, tier)
        except (SeawallError, OSError, ValueError) as exc:
            err_console.print(f"[red]refused[/red] {exc}")
            raise typer.Exit(1) from exc
        if as_json:
            typer.echo(json.dumps(result))
            return
        console.print(
            f"account {result['accountId']} at {result['brokerId']} ({result['investorClass']})"
        )
        console.print(f"API key:    {result['apiKey']}")
        console.print(f"secret key: {result['secretKey']}")
        if result["funded"]:
            console.print(
                "funded: " + ", ".join(f"{a} {v}" for a, v in sorted(result["funded"].items()))
            )
