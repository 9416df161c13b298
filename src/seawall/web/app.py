"""The web pages' routes, mounted into the API application under ``/web``: the static pages
(public explorer, reserves, client, regulator console), the published log's files at
``/web/log/...``, and small JSON endpoints under ``/web/api/...`` for what the Binance API does
not give.

Public: ``GET /web/api/log/status``, ``/web/api/log/keys`` (the log's and witnesses' verifier
keys, for the browser's signature check), ``/web/api/log/checkpoints``,
``/web/api/log/entry/{index}``, ``/web/api/log/consistency?from=N[&to=M]``,
``/web/api/por/snapshots``, ``/web/api/summary``.
Client (signed like a Binance ``SIGNED`` request: ``X-MBX-APIKEY`` header, ``timestamp`` and an
HMAC ``signature`` of the query): ``GET /web/api/por/proof?snapshot=ID``, the caller's own
liabilities proof. Regulator (header ``X-Seawall-Console-Token``: the API's admin token; every
call refused with 403 when the app was built without one): ``GET /web/api/regulator/overview``
(with surveillance's alerts and the case queue), ``POST /web/api/regulator/halt``, ``/resume``,
``/warrant``, and the case desk (``seawall.web.cases``): ``/case/open``, ``/case/read``,
``/case/assign``, ``/case/escalate``, ``/case/note``, ``/case/close`` (JSON bodies; each a
command the market journals with submitter ``regulator``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from seawall.api import errors as api_errors
from seawall.api.app import Api
from seawall.api.auth import authenticate
from seawall.core.errors import ConditionFailed
from seawall.kernel import Market
from seawall.regulator.commands import HaltMarket, IssueWarrant, ResumeMarket
from seawall.surveillance import machine as surveillance_machine
from seawall.web import cases, data
from seawall.web.logfiles import LogFiles

__all__ = ["CONSOLE_TOKEN_HEADER", "STATIC_DIR", "mount_web", "web_routes"]

STATIC_DIR: Final = Path(__file__).parent / "static"
CONSOLE_TOKEN_HEADER: Final = "x-seawall-console-token"  # noqa: S105 - a header name
#: A console request body, at most.
console_body_bytes_max: Final = 4096


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _outcome_json(outcome: Any) -> dict[str, Any]:
    rejection = outcome.rejection
    return {
        "seq": outcome.seq,
        "accepted": rejection is None,
        "rejection": None
        if rejection is None
        else {"code": rejection.code, "name": rejection.name, "message": rejection.message},
    }


def web_routes(api: Api, data_dir: Path, admin_token: str | None = None) -> list[BaseRoute]:
    """The routes to add to ``api.app`` (see ``mount_web``): ``/`` redirects to ``/web/``."""
    service = api.service

    async def read(run: Callable[[Market], Any]) -> Any:
        return await service.exclusive(run)

    async def log_status(request: Request) -> Response:
        return JSONResponse(data.log_status(data_dir))

    async def log_keys(request: Request) -> Response:
        return JSONResponse({"keys": data.verifier_keys(data_dir)})

    async def log_checkpoints(request: Request) -> Response:
        data.log_status(data_dir)
        return JSONResponse(data.remembered_checkpoints(data_dir))

    async def log_entry(request: Request) -> Response:
        try:
            return JSONResponse(data.entry_with_proof(data_dir, int(request.path_params["index"])))
        except (ConditionFailed, ValueError) as exc:
            return _error(404, str(exc))

    async def log_entry_by_hash(request: Request) -> Response:
        try:
            index = data.index_of_leaf_hash(data_dir, str(request.path_params["leaf_hash"]))
            return JSONResponse(data.entry_with_proof(data_dir, index))
        except (ConditionFailed, ValueError) as exc:
            return _error(404, str(exc))

    async def log_consistency(request: Request) -> Response:
        try:
            size1 = int(request.query_params.get("from", ""))
            raw_to = request.query_params.get("to")
            size2 = int(raw_to) if raw_to else None
            return JSONResponse(data.consistency(data_dir, size1, size2))
        except (ConditionFailed, ValueError) as exc:
            return _error(400, str(exc))

    async def por_snapshots(request: Request) -> Response:
        return JSONResponse(data.snapshots(data_dir))

    async def por_proof(request: Request) -> Response:
        try:
            signed = authenticate(
                api.keys,
                request.headers.get("x-mbx-apikey"),
                "GET",
                request.url.path,
                request.url.query.encode(),
                b"",
                service.now_ms(),
            )
        except api_errors.ApiError as exc:
            return _error(401, str(exc))
        key = signed.key
        account_id = key.account_id
        if not account_id.startswith("client:"):
            account_id = f"client:{key.broker_id}:{account_id}"
        try:
            text = data.proof_for_account(data_dir, signed.params.get("snapshot", ""), account_id)
        except ConditionFailed as exc:
            return _error(404, str(exc))
        return Response(text, media_type="application/json")

    async def summary(request: Request) -> Response:
        return JSONResponse(await read(lambda m: data.public_summary(m.state("regulator"))))

    def console_allowed(request: Request) -> bool:
        token = request.headers.get(CONSOLE_TOKEN_HEADER, "")
        return admin_token is not None and secrets.compare_digest(token, admin_token)

    async def console_body(request: Request) -> dict[str, Any]:
        body = await request.body()
        if len(body) > console_body_bytes_max:
            raise ValueError("request body too large")
        value = json.loads(body or b"{}")
        if not isinstance(value, dict):
            raise ValueError("a JSON object is expected")
        return value

    async def regulator_overview(request: Request) -> Response:
        if not console_allowed(request):
            return _error(403, "the regulator console needs its token")

        def overview(market: Market) -> dict[str, Any]:
            result = data.regulator_overview(market.state("regulator"), market.state("identity"))
            result["surveillance"] = cases.case_desk(market.state("surveillance"))
            return result

        return JSONResponse(await read(overview))

    async def regulator_halt(request: Request) -> Response:
        if not console_allowed(request):
            return _error(403, "the regulator console needs its token")
        try:
            body = await console_body(request)
            symbol = str(body["symbol"]).upper()
            reason = str(body.get("reason", ""))
        except (KeyError, ValueError) as exc:
            return _error(400, f"bad request: {exc}")
        command: HaltMarket | ResumeMarket = (
            ResumeMarket(symbol=symbol, reason=reason)
            if request.url.path.endswith("/resume")
            else HaltMarket(symbol=symbol, reason=reason)
        )
        outcome = await read(lambda m: m.submit(command, "regulator"))
        return JSONResponse(_outcome_json(outcome))

    async def regulator_warrant(request: Request) -> Response:
        if not console_allowed(request):
            return _error(403, "the regulator console needs its token")
        try:
            body = await console_body(request)
            account_id = str(body["account_id"])
            reason = str(body.get("reason", ""))
            officer = str(body.get("officer", ""))
        except (KeyError, ValueError) as exc:
            return _error(400, f"bad request: {exc}")
        if not reason.strip():
            return _error(400, "a warrant needs a reason")
        warrant_id = f"w-{secrets.token_hex(6)}"
        command = IssueWarrant(
            warrant_id=warrant_id, account_id=account_id, reason=reason, officer=officer
        )

        def run(market: Market) -> dict[str, Any]:
            outcome = market.submit(command, "regulator")
            result = _outcome_json(outcome)
            result["warrant_id"] = warrant_id
            overview = data.regulator_overview(market.state("regulator"), market.state("identity"))
            result["warrant"] = next(
                (w for w in overview["warrants"] if w["warrant_id"] == warrant_id), None
            )
            return result

        return JSONResponse(await read(run))

    def case_reply(market: Market, command: Any, case_id: str) -> dict[str, Any]:
        """Submit ``command`` as the regulator; with the case file if it was accepted."""
        outcome = market.submit(command, "regulator")
        result = _outcome_json(outcome)
        result["case_id"] = case_id
        record = surveillance_machine.case(market.state("surveillance"), case_id)
        result["case"] = (
            cases.case_detail(record) if outcome.rejection is None and record is not None else None
        )
        return result

    async def case_open(request: Request) -> Response:
        if not console_allowed(request):
            return _error(403, "the regulator console needs its token")
        case_id = f"case-{secrets.token_hex(4)}"
        try:
            command = cases.new_case_command(await console_body(request), case_id)
        except (KeyError, ValueError) as exc:
            return _error(400, f"bad request: {exc}")
        return JSONResponse(await read(lambda m: case_reply(m, command, case_id)))

    async def case_action(request: Request) -> Response:
        if not console_allowed(request):
            return _error(403, "the regulator console needs its token")
        try:
            body = await console_body(request)
            command = cases.case_command(str(request.path_params["action"]), body)
        except (KeyError, ValueError) as exc:
            return _error(400, f"bad request: {exc}")
        case_id = str(body["case_id"])
        return JSONResponse(await read(lambda m: case_reply(m, command, case_id)))

    async def home(request: Request) -> Response:
        return RedirectResponse("/web/", status_code=307)

    api_routes = [
        Route("/log/status", log_status, methods=["GET"]),
        Route("/log/keys", log_keys, methods=["GET"]),
        Route("/log/checkpoints", log_checkpoints, methods=["GET"]),
        Route("/log/entry/{index:int}", log_entry, methods=["GET"]),
        Route("/log/leaf/{leaf_hash}", log_entry_by_hash, methods=["GET"]),
        Route("/log/consistency", log_consistency, methods=["GET"]),
        Route("/por/snapshots", por_snapshots, methods=["GET"]),
        Route("/por/proof", por_proof, methods=["GET"]),
        Route("/summary", summary, methods=["GET"]),
        Route("/regulator/overview", regulator_overview, methods=["GET"]),
        Route("/regulator/halt", regulator_halt, methods=["POST"]),
        Route("/regulator/resume", regulator_halt, methods=["POST"]),
        Route("/regulator/warrant", regulator_warrant, methods=["POST"]),
        Route("/regulator/case/open", case_open, methods=["POST"]),
        Route("/regulator/case/{action}", case_action, methods=["POST"]),
    ]
    log_dir = data_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    return [
        Route("/", home, methods=["GET"]),
        Mount(
            "/web",
            routes=[
                Mount("/api", routes=api_routes),
                Mount("/log", app=LogFiles(directory=log_dir, check_dir=False)),
                Mount("/", app=StaticFiles(directory=STATIC_DIR, html=True)),
            ],
        ),
    ]


def mount_web(api: Api, data_dir: Path, admin_token: str | None = None) -> None:
    """Add the pages to ``api.app`` (before its routes start serving)."""
    api.app.router.routes.extend(web_routes(api, data_dir, admin_token))
