"""Proof of reserves through the trading API, and the day-end snapshots of a served market.

Two ``SIGNED`` endpoints (``X-MBX-APIKEY``, ``timestamp``, HMAC-SHA256 or Ed25519 ``signature``,
exactly as the other signed endpoints: ``Rest`` wraps them, so the same key and signature
checks, request weights and ``{"code", "msg"}`` errors apply):

* ``GET /sapi/v1/seawall/por/proof[?snapshot=ID|YYYY-MM-DD]``: the caller's own inclusion proof
  in a snapshot (default: the latest; a date names the day-end snapshot closing that day), byte
  for byte the ``proof.json`` that ``seawall por verify`` checks offline. The account is the
  signing key's, and the endpoint takes no other: a proof for another account cannot be asked
  for (any parameter but ``snapshot`` is refused, -1104).
* ``GET /sapi/v1/seawall/por/snapshots[?limit=N]``: the newest snapshots kept (oldest first),
  each with its root, status, ratio per asset and the transparency-log index of the journal
  entry that anchors it.

Errors: a malformed ``snapshot`` is -1100; no such snapshot (or none yet), or no proof for the
caller in it (an account opened after it), is -1130 with a message that says which.

``mount_por`` points the endpoints at a data directory's snapshots (``DATA/por``; without it they
answer that no snapshot has been taken) and, given a day-end schedule, runs the day-end
scheduler (``node.day_end``) for as long as the app is served, anchoring each snapshot through
the served market's single writer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import msgspec
from starlette.routing import Route

from seawall.api import errors as e
from seawall.api.params import limit
from seawall.api.rest import SIGNED, Call, Endpoint, Rest
from seawall.api.service import MarketService, ServiceUnavailableError
from seawall.core.clock import Clock
from seawall.core.errors import ConditionFailed, OperatingError
from seawall.core.units import format_fixed
from seawall.custody.commands import PublishReserves
from seawall.custody.state import client_ledger_account
from seawall.kernel import Outcome
from seawall.node.day_end import DayEndScheduler
from seawall.node.day_end_schedule import DayEndSchedule, parse_day
from seawall.node.por import Anchor
from seawall.node.por_archive import SnapshotArchive, SnapshotNotFound, SnapshotRecord
from seawall.reserves.format import check_snapshot_id
from seawall.reserves.tree import PrivacyPolicy

if TYPE_CHECKING:
    from seawall.api.app import Api

__all__ = [
    "POR_ENDPOINTS",
    "POR_PARAMETERS",
    "POR_PARAMS",
    "POR_RESPONSES",
    "PorApi",
    "mount_por",
    "service_anchor",
]

POR_ENDPOINTS: Final = (
    Endpoint(
        "GET",
        "/sapi/v1/seawall/por/proof",
        SIGNED,
        10,
        "por_proof",
        "Your proof of liabilities in a proof-of-reserves snapshot",
    ),
    Endpoint(
        "GET",
        "/sapi/v1/seawall/por/snapshots",
        SIGNED,
        10,
        "por_snapshots",
        "Proof-of-reserves snapshots: roots, ratios, anchors",
    ),
)
#: Snapshots listed by default, and at most.
snapshots_listed_default: Final = 100
snapshots_listed_max: Final = 1000
#: Seconds the day-end scheduler waits for the writer to journal an anchor.
anchor_timeout_s: Final = 60.0

_SNAPSHOT_RE: Final = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
_SIGNED_NAMES: Final = frozenset({"timestamp", "recvWindow", "signature"})
_ACCEPTED: Final[dict[str, frozenset[str]]] = {
    "por_proof": frozenset({"snapshot"}),
    "por_snapshots": frozenset({"limit"}),
}

# --- the OpenAPI description (``openapi`` adds these to its document) ----------------------------

#: Each handler's query parameters (``*``: required), as ``openapi._PARAMS``.
POR_PARAMS: Final[dict[str, tuple[str, ...]]] = {
    "por_proof": ("snapshot",),
    "por_snapshots": ("limit",),
}
POR_PARAMETERS: Final[dict[str, dict[str, Any]]] = {
    "snapshot": {"type": "string", "pattern": _SNAPSHOT_RE},
}
_TEXT: Final = {"type": "string"}
_HEX32: Final = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_MINOR: Final = {"type": "string", "pattern": "^-?[0-9]+$"}
_INT: Final = {"type": "integer", "format": "int64"}
_BALANCES: Final = {"type": "array", "items": _MINOR}
_NODE: Final = {
    "type": "object",
    "required": ["hash", "balances"],
    "properties": {"hash": _HEX32, "balances": _BALANCES},
}
_ASSET: Final = {
    "type": "object",
    "required": ["code", "decimals"],
    "properties": {"code": _TEXT, "decimals": {"type": "integer", "minimum": 0}},
}
_PROOF: Final = {
    "type": "object",
    "description": "seawall-por-proof/1: what `seawall por verify proof.json` checks",
    "required": ["format", "snapshot", "assets", "leaf_count", "root", "tree_root", "account"],
    "properties": {
        "format": {"type": "string", "const": "seawall-por-proof/1"},
        "snapshot": _TEXT,
        "assets": {"type": "array", "items": _ASSET},
        "leaf_count": _INT,
        "root": _HEX32,
        "tree_root": _NODE,
        "account": {
            "type": "object",
            "required": ["id", "nonce", "balances"],
            "properties": {"id": _TEXT, "nonce": _HEX32, "balances": _BALANCES},
        },
        "leaves": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["part", "index", "balances", "path"],
                "properties": {
                    "part": _INT,
                    "index": _INT,
                    "balances": _BALANCES,
                    "path": {"type": "array", "items": _NODE},
                },
            },
        },
    },
}
_NULLABLE_INT: Final = {"anyOf": [_INT, {"type": "null"}]}
_RATIO: Final = {
    "type": "object",
    "required": ["asset", "liabilities", "reserves", "ratioBps", "covered"],
    "properties": {
        "asset": _TEXT,
        "liabilities": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
        "reserves": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
        "ratioBps": _INT,
        "covered": {"type": "boolean"},
    },
}
_SNAPSHOT: Final = {
    "type": "object",
    "required": [
        "snapshotId",
        "day",
        "cutoffTime",
        "journalSeq",
        "time",
        "status",
        "root",
        "ratios",
        "alerts",
        "anchored",
        "anchorSeq",
        "anchorLogIndex",
    ],
    "properties": {
        "snapshotId": _TEXT,
        "day": {
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                {"type": "null"},
            ]
        },
        "cutoffTime": _NULLABLE_INT,
        "journalSeq": _INT,
        "time": _INT,
        "status": {"type": "string", "enum": ["COVERED", "SHORTFALL"]},
        "root": _HEX32,
        "ratios": {"type": "array", "items": _RATIO},
        "alerts": {"type": "array", "items": _TEXT},
        "anchored": {"type": "boolean"},
        "anchorSeq": _NULLABLE_INT,
        "anchorLogIndex": _NULLABLE_INT,
    },
}
POR_RESPONSES: Final[dict[str, dict[str, Any]]] = {
    "por_proof": _PROOF,
    "por_snapshots": {"type": "array", "items": _SNAPSHOT},
}


def _refuse_other_parameters(handler: str, params: dict[str, str]) -> None:
    """Binance's -1104 for any parameter the endpoint does not read (an ``account``, say)."""
    accepted = _ACCEPTED[handler]
    sent = [name for name in params if name not in _SIGNED_NAMES]
    unread = [name for name in sent if name not in accepted]
    if unread:
        read = len(params) - len(unread)
        raise e.ApiError(
            e.BinanceError(-1104, "Not all sent parameters were read."),
            f"Not all sent parameters were read; read '{read}' parameter(s) but was sent "
            f"'{len(params)}'.",
        )


def snapshot_json(record: SnapshotRecord) -> dict[str, Any]:
    """One snapshot as ``/sapi/v1/seawall/por/snapshots`` lists it."""
    decimals = {asset["code"]: asset["decimals"] for asset in record.assets}
    return {
        "snapshotId": record.snapshot_id,
        "day": record.day,
        "cutoffTime": None if record.cutoff_ns is None else record.cutoff_ns // 1_000_000,
        "journalSeq": record.journal_seq,
        "time": record.timestamp_ns // 1_000_000,
        "status": record.status,
        "root": record.root,
        "ratios": [
            {
                "asset": row["asset"],
                "liabilities": format_fixed(int(row["liabilities_minor"]), decimals[row["asset"]]),
                "reserves": format_fixed(int(row["reserves_minor"]), decimals[row["asset"]]),
                "ratioBps": row["ratio_bps"],
                "covered": row["covered"],
            }
            for row in record.coverage
        ],
        "alerts": record.alerts,
        "anchored": record.anchor_seq is not None,
        "anchorSeq": record.anchor_seq,
        "anchorLogIndex": record.log_index,
    }


class PorApi:
    """The proof-of-reserves endpoints of one API, over the snapshots in ``archive`` (none until
    ``mount_por`` gives it a data directory's)."""

    def __init__(self, rest: Rest, archive: SnapshotArchive | None = None) -> None:
        self.rest = rest
        self.archive = archive
        #: The day-end scheduler while the app is served with one (``mount_por``).
        self.scheduler: DayEndScheduler | None = None

    def routes(self) -> list[Route]:
        """The endpoints, each wrapped as ``Rest`` wraps its own (signature, weight, errors)."""
        return [
            Route(
                endpoint.path,
                self.rest._wrap(endpoint, getattr(self, endpoint.handler)),
                methods=[endpoint.method],
            )
            for endpoint in POR_ENDPOINTS
        ]

    def por_proof(self, call: Call) -> msgspec.Raw:
        _refuse_other_parameters("por_proof", call.params)
        wanted = call.params.get("snapshot") or None
        if wanted is not None and parse_day(wanted) is None:
            try:
                check_snapshot_id(wanted)
            except ConditionFailed as exc:
                raise e.illegal_characters("snapshot", _SNAPSHOT_RE) from exc
        key = call.client
        account_id = client_ledger_account(key.broker_id, key.account_id)
        try:
            if self.archive is None:
                raise SnapshotNotFound("no snapshot has been taken yet")
            ident = self.archive.resolve(wanted)
            text = self.archive.proof_text(ident, account_id)
        except SnapshotNotFound as exc:
            raise e.ApiError(e.BAD_PARAMETER, f"Invalid snapshot: {exc.detail}.") from exc
        return msgspec.Raw(text.strip().encode())

    def por_snapshots(self, call: Call) -> list[dict[str, Any]]:
        _refuse_other_parameters("por_snapshots", call.params)
        count = limit(call.params, snapshots_listed_default, snapshots_listed_max)
        records = [] if self.archive is None else self.archive.records()
        return [snapshot_json(record) for record in records[-count:]]


def service_anchor(
    service: MarketService, loop: asyncio.AbstractEventLoop, timeout_s: float = anchor_timeout_s
) -> Anchor:
    """Anchor from another thread through ``service``'s writer (running on ``loop``), as
    submitter ``custody``; waits until the entry is committed."""

    def anchor(command: PublishReserves) -> Outcome:
        future = asyncio.run_coroutine_threadsafe(service.submit(command, "custody"), loop)
        try:
            return future.result(timeout=timeout_s).outcome
        except ServiceUnavailableError as exc:
            raise OperatingError(f"the market writer is not running: {exc}") from exc

    return anchor


def mount_por(
    api: Api,
    data: Path,
    day_end: DayEndSchedule | None = None,
    *,
    clock: Clock | None = None,
    policy: PrivacyPolicy | None = None,
    check_every_s: float = 1.0,
) -> PorApi:
    """Serve ``data``'s snapshots on ``api`` (a ``create_app`` result); with ``day_end``, also
    take the day-end snapshots while the app is served, by ``clock`` (the market's: the served
    market's sequencer reads the system clock, the default)."""
    from seawall.adapters.clock import SystemClock

    por = api.por
    por.archive = SnapshotArchive(data / "por")
    if day_end is None:
        return por
    schedule = day_end
    market_clock: Clock = clock or SystemClock()
    service = api.service
    router = api.app.router
    served = router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        async with served(app) as state:
            anchor = service_anchor(service, asyncio.get_running_loop())
            scheduler = DayEndScheduler(
                data, market_clock, anchor, schedule, policy, check_every_s=check_every_s
            )
            por.scheduler = scheduler.start()
            try:
                yield state
            finally:
                await asyncio.to_thread(scheduler.stop)

    router.lifespan_context = lifespan
    return por
