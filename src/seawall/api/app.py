"""The Starlette application: REST under ``/api/v3``, market streams under ``/ws`` and
``/stream``, user data on ``/ws/<listenKey>``, the WebSocket API at ``/ws-api/v3``, the OpenAPI
document at ``/openapi.json``. Every error, an unknown path included, is Binance's
``{"code", "msg"}`` JSON body (a bare HTTP error makes clients such as CCXT think the exchange is
down)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from seawall.api import errors as e
from seawall.api.keys import ApiKey, KeyStore
from seawall.api.openapi import openapi_document
from seawall.api.por import PorApi
from seawall.api.ratelimit import LimitConfig, RateLimiter
from seawall.api.rest import Rest, error_response, json_response
from seawall.api.service import MarketService, account_json, create_account, parse_funds
from seawall.api.streams import StreamHub
from seawall.api.ws_api import WsApi
from seawall.core.errors import ConditionFailed
from seawall.identity.state import InvestorClass
from seawall.kernel import Market

__all__ = ["Api", "create_app"]


@dataclass
class Api:
    """Everything one served API holds."""

    app: Starlette
    service: MarketService
    hub: StreamHub
    keys: KeyStore
    limiter: RateLimiter
    rest: Rest
    por: PorApi
    #: Background work the server runs beside the writer (started after it, cancelled before
    #: it stops), e.g. live surveillance: ``api.tasks.append(lambda: coroutine)`` before serving.
    tasks: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)


def create_app(
    market: Market,
    keys: KeyStore,
    limits: LimitConfig | None = None,
    *,
    batch_max: int = 1024,
    service: MarketService | None = None,
    admin_token: str | None = None,
) -> Api:
    """The API over ``market`` (owned from now on by the returned service's writer).

    With ``admin_token``, ``POST /seawall/v1/accounts`` (from loopback, with the token in
    ``X-Seawall-Admin-Token``) onboards and funds a client while the market is served: what
    ``seawall accounts create`` uses when ``seawall serve`` holds the data directory."""
    service = service or MarketService(market, keys, batch_max=batch_max)
    limiter = RateLimiter(limits)
    hub = StreamHub(service)
    rest = Rest(service, keys, limiter, hub)
    ws_api = WsApi(service, keys, limiter, hub, rest.trading)
    por = PorApi(rest)

    async def openapi(request: Request) -> Response:
        return json_response(openapi_document(str(request.base_url)))

    async def ws_stream(ws: WebSocket) -> None:
        tail = ws.path_params.get("tail", "")
        now = service.now_ms()
        owner = hub.listen_key_owner(tail, now) if tail else None
        if owner is not None:
            await hub.serve(ws, combined=False, initial=[], user=owner)
            return
        await hub.serve(ws, combined=False, initial=[n for n in tail.split("/") if n])

    async def ws_combined(ws: WebSocket) -> None:
        streams = ws.query_params.get("streams", "")
        await hub.serve(ws, combined=True, initial=[n for n in streams.split("/") if n])

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 405:
            return error_response(
                e.ApiError(e.BinanceError(-1020, "This operation is not supported.", 405))
            )
        if status == 404:
            return error_response(e.ApiError(e.NOT_FOUND))
        return error_response(e.ApiError(e.UNKNOWN))

    async def admin_accounts(request: Request) -> Response:
        client = request.client
        token = request.headers.get("x-seawall-admin-token", "")
        if (
            admin_token is None
            or client is None
            or client.host not in ("127.0.0.1", "::1")
            or not secrets.compare_digest(token, admin_token)
        ):
            return error_response(e.ApiError(e.UNAUTHORIZED))
        try:
            spec = json.loads(await request.body())
            klass = InvestorClass(spec.get("class", "retail"))
            funds = parse_funds(str(spec.get("fund", "")))
            broker_id = str(spec["broker"])
            name = spec.get("name")
            tier = spec.get("tier")

            def run(market: Market) -> tuple[ApiKey, str]:
                return create_account(market, keys, broker_id, klass, funds, name=name, tier=tier)

            key, account_id = await service.exclusive(run)
        except (ValueError, KeyError, ConditionFailed) as exc:
            return error_response(e.ApiError(e.BAD_PARAMETER, str(exc)))
        return json_response(account_json(key, account_id, klass, funds))

    tasks: list[Callable[[], Coroutine[Any, Any, None]]] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        await hub.start()
        running = [asyncio.get_running_loop().create_task(start()) for start in tasks]
        try:
            yield
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            await hub.stop()
            await service.stop()

    routes: list[Route | WebSocketRoute] = [
        *rest.routes(),
        *por.routes(),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/seawall/v1/accounts", admin_accounts, methods=["POST"]),
        WebSocketRoute("/ws-api/v3", ws_api.serve),
        WebSocketRoute("/stream", ws_combined),
        WebSocketRoute("/ws", ws_stream),
        WebSocketRoute("/ws/{tail:path}", ws_stream),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={404: not_found, 405: not_found, 500: not_found},
        lifespan=lifespan,
    )
    return Api(app, service, hub, keys, limiter, rest, por, tasks)
