"""The service that owns the live market in the API process: one writer, group commit.

Every command from the API goes through one asyncio queue to a single writer task. The writer
drains the queue (up to ``batch_max`` requests), submits each command through the kernel (every
institution, each follow-on its own journal entry), then commits the whole batch once (one seal,
one fsync: group commit), and only then resolves each request's future: a request is
acknowledged only once it is durable, and throughput is not one fsync per order. The commit runs
in a worker thread so that the event loop keeps parsing the next requests meanwhile; nothing
else touches the market while it runs (the writer awaits it).

The entries of a batch (``Market.listeners``) reach the read models and the streams after the
commit, so that nothing uncommitted is ever published. ``exclusive`` runs any function against
the market the same way (onboarding a client, say).

``bootstrap`` lists the standard market (custody's assets, the brokers, the markets of
``seawall.sim.setup.MARKETS``) on a new journal; ``create_account`` onboards a client through
identity, funds it through custody's confirmed deposits, and gives it an API key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import Any, Final, NamedTuple, TypeVar

import msgspec

from seawall.adapters.clock import SystemClock
from seawall.api.keys import ApiKey, KeyStore
from seawall.api.readmodels import Changes, ReadModels
from seawall.broker import machine as broker
from seawall.core.errors import ConditionFailed
from seawall.identity.state import InvestorClass
from seawall.journal import JournalStore
from seawall.journal.entry import Entry
from seawall.kernel import Market, Outcome
from seawall.kernel.market import Sequenced
from seawall.kernel.pipeline import Command
from seawall.kernel.registry import INSTITUTIONS
from seawall.sim.genesis import BROKERS
from seawall.sim.setup import (
    ASSETS,
    configure_assets,
    create_markets,
    deposit,
    onboard,
    register_brokers,
)

__all__ = [
    "MarketService",
    "account_json",
    "ServiceUnavailableError",
    "Submitted",
    "SystemClock",
    "bootstrap",
    "create_account",
    "parse_funds",
    "rebuild_read_models",
]

T = TypeVar("T")

#: Decimals of each asset custody holds.
ASSET_DECIMALS: Final = {code: decimals for code, decimals, *_ in ASSETS}


class ServiceUnavailableError(Exception):
    """The writer is stopped or broken (a commit failed): nothing more is accepted."""


class Submitted(NamedTuple):
    """A command's outcome, and every entry it caused (itself first), all committed."""

    outcome: Outcome
    entries: list[Sequenced]


class _Job:
    __slots__ = ("first", "future", "last", "run")

    def __init__(self, run: Callable[[Market], Any], future: asyncio.Future[Any]) -> None:
        self.run = run
        self.future = future
        self.first = 0
        self.last = 0


class MarketService:
    """The market, its read models, and the writer task that serialises every change."""

    def __init__(
        self,
        market: Market,
        keys: KeyStore,
        *,
        models: ReadModels | None = None,
        batch_max: int = 1024,
        rebuild: bool = True,
    ) -> None:
        self.market = market
        self.keys = keys
        self.models = models or ReadModels()
        if rebuild:
            rebuild_read_models(market.store, self.models)
        self.batch_max = batch_max
        self.on_changes: list[Callable[[Changes], None]] = []
        self._entries: list[Sequenced] = []
        market.listeners.append(self._entries.append)
        self._queue: asyncio.Queue[_Job] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seawall-commit")
        self._broken: BaseException | None = None
        self.batches = 0
        self.jobs = 0
        self._job_entries: dict[int, list[Sequenced]] = {}

    # --- life ------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._writer is not None:
            return
        self._queue = asyncio.Queue()
        self._writer = asyncio.get_running_loop().create_task(self._write(), name="writer")

    async def stop(self) -> None:
        writer = self._writer
        self._writer = None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        self._executor.shutdown(wait=True)
        self.market.commit()

    @property
    def running(self) -> bool:
        return self._writer is not None and self._broken is None

    @staticmethod
    def now_ms() -> int:
        return time.time_ns() // 1_000_000

    # --- requests ----------------------------------------------------------------------------

    async def submit(self, command: object, submitter: str, auth: bytes = b"") -> Submitted:
        """Submit ``command`` as ``submitter``; returns once its batch is committed."""

        def run(market: Market) -> Outcome:
            return market.submit(command, submitter, auth)

        job = await self._enqueue(run)
        outcome: Outcome = await job.future
        return Submitted(outcome, self._job_entries.pop(id(job), []))

    async def exclusive(self, run: Callable[[Market], T]) -> T:
        """Run ``run(market)`` in the writer, alone, and return once it is committed."""
        job = await self._enqueue(run)
        result: T = await job.future
        self._job_entries.pop(id(job), None)
        return result

    async def _enqueue(self, run: Callable[[Market], Any]) -> _Job:
        if self._broken is not None or self._queue is None:
            raise ServiceUnavailableError("the market writer is not running")
        job = _Job(run, asyncio.get_running_loop().create_future())
        self._queue.put_nowait(job)
        return job

    async def _write(self) -> None:
        assert self._queue is not None
        queue = self._queue
        loop = asyncio.get_running_loop()
        market = self.market
        while True:
            batch = [await queue.get()]
            while len(batch) < self.batch_max and not queue.empty():
                batch.append(queue.get_nowait())
            results: list[tuple[bool, Any]] = []
            entries = self._entries
            for job in batch:
                job.first = len(entries)
                try:
                    results.append((True, job.run(market)))
                except Exception as exc:
                    results.append((False, exc))
                job.last = len(entries)
            try:
                await loop.run_in_executor(self._executor, market.commit)
            except BaseException as exc:
                self._broken = exc
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(ServiceUnavailableError(f"commit failed: {exc}"))
                raise
            committed = list(entries)
            entries.clear()
            try:
                changes = self.models.apply_all(committed)
                for callback in self.on_changes:
                    callback(changes)
            except Exception:  # a read model bug must not stop the writer
                logging.getLogger("seawall.api").exception("publishing a committed batch failed")
            self.batches += 1
            self.jobs += len(batch)
            for job, (ok, value) in zip(batch, results, strict=True):
                if job.future.done():
                    continue
                if ok:
                    self._job_entries[id(job)] = committed[job.first : job.last]
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)


# --- rebuilding the read models from the journal ---------------------------------------------

_command_decoder: Final = msgspec.msgpack.Decoder(Command)


def rebuild_read_models(store: JournalStore, models: ReadModels) -> int:
    """Feed every journal entry to ``models``; return how many were read."""
    decoders: dict[str, msgspec.msgpack.Decoder[Any]] = {}
    owners = {command_type: inst for inst in INSTITUTIONS for command_type in inst.commands}
    count = 0
    changes = Changes()
    for stored in store.read(1):
        entry = Entry.decode(stored.body)
        count += 1
        if entry.rejection is not None or not entry.events or not entry.command:
            models.last_seq = entry.seq
            continue
        command = _command_decoder.decode(entry.command)
        owner = owners[type(command)]
        if owner.name not in ("broker", "venue"):
            models.last_seq = entry.seq
            continue
        decoder = decoders.get(owner.name)
        if decoder is None:
            decoder = msgspec.msgpack.Decoder(list[_union(owner.events)])  # type: ignore[misc]
            decoders[owner.name] = decoder
        events = decoder.decode(entry.events)
        models.apply(
            Sequenced(entry.seq, entry.timestamp_ns, entry.submitter, command, events, None),
            changes,
        )
    return count


def _union(types: tuple[type[Any], ...]) -> Any:
    from typing import Union

    return Union[types]  # noqa: UP007 - a union built from a runtime tuple


# --- setting up a market and its clients -------------------------------------------------------


def bootstrap(market: Market) -> bool:
    """List the standard market on a journal that has none; return whether anything was done."""
    done = False
    if not market.state("ledger").assets:
        configure_assets(market)
        done = True
    missing = tuple(b for b in BROKERS if broker.broker_info(market.state("broker"), b) is None)
    if missing:
        register_brokers(market, missing)
        done = True
    if not broker.markets(market.state("broker")):
        create_markets(market)
        done = True
    if done:
        market.commit()
    return done


def parse_funds(text: str) -> dict[str, int]:
    """``"BTC=1,USD=100000"`` -> amounts in minor units; ``ConditionFailed`` if malformed."""
    funds: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        asset, _, amount = part.partition("=")
        asset = asset.strip().upper()
        if asset not in ASSET_DECIMALS:
            raise ConditionFailed(f"unknown asset {asset!r}; known: {', '.join(ASSET_DECIMALS)}")
        try:
            value = Decimal(amount.strip()).scaleb(ASSET_DECIMALS[asset])
        except InvalidOperation as exc:
            raise ConditionFailed(f"bad amount {amount!r} for {asset}") from exc
        if value <= 0 or value != value.to_integral_value():
            raise ConditionFailed(f"bad amount {amount!r} for {asset}")
        funds[asset] = funds.get(asset, 0) + int(value)
    return funds


def create_account(
    market: Market,
    keys: KeyStore,
    broker_id: str,
    investor_class: InvestorClass = InvestorClass.RETAIL,
    funds: dict[str, int] | None = None,
    *,
    name: str | None = None,
    tier: str | None = None,
    ed25519_public_key: bytes | None = None,
) -> tuple[ApiKey, str]:
    """Onboard a client at ``broker_id`` through identity (KYC, suitability), credit ``funds``
    through custody's confirmed deposits, commit, and register an API key. Returns the key
    and the client's account id. Raises ``ConditionFailed`` when an institution refuses."""
    if broker.broker_info(market.state("broker"), broker_id) is None:
        raise ConditionFailed(f"no broker {broker_id!r}; known: {', '.join(BROKERS)}")
    label = name or f"api-client-{secrets.token_hex(8)}"
    try:
        account_id = onboard(market, broker_id, label, investor_class)
    except AssertionError as exc:
        raise ConditionFailed(str(exc)) from exc
    for number, (asset, amount_minor) in enumerate(sorted((funds or {}).items()), start=1):
        outcome = deposit(
            market,
            f"dep-{account_id}-{number}-{secrets.token_hex(4)}",
            broker_id,
            account_id,
            asset,
            amount_minor,
            f"origin-{account_id}-{asset.lower()}",
            confirmations=100,
        )
        if outcome.rejection is not None:
            raise ConditionFailed(f"deposit of {asset} refused: {outcome.rejection}")
    market.commit()
    key = keys.add(
        broker_id,
        account_id,
        tier=tier or investor_class.value,
        ed25519_public_key=ed25519_public_key,
        created_ms=time.time_ns() // 1_000_000,
    )
    return key, account_id


def account_json(
    key: ApiKey, account_id: str, investor_class: InvestorClass, funds: dict[str, int]
) -> dict[str, Any]:
    """What ``seawall accounts create --json`` prints."""
    from seawall.api.formatting import amount_text

    return {
        "apiKey": key.api_key,
        "secretKey": key.hmac_secret,
        "brokerId": key.broker_id,
        "accountId": account_id,
        "investorClass": investor_class.value,
        "tier": key.tier,
        "funded": {
            asset: amount_text(amount, ASSET_DECIMALS[asset]) for asset, amount in funds.items()
        },
    }
