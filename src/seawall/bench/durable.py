"""``seawall bench durable``: acknowledged, durably journaled client orders per second, and the
acknowledgement latency at a fixed offered rate, for the embedded SQLite journal and for NATS
JetStream, each beside bare peers on the same medium measured in the same run.

What an order is here: a real ``broker.PlaceOrder`` (a client's GTC limit order through its
broker) submitted through ``MarketService``, the writer the API serves orders with: every
institution decides (the broker's checks, custody's hold, the venue's book, each follow-on its
own journal entry), whatever waits in the writer's queue is committed as one commit group (one
seal; one fsync, or one JetStream publish per message-sized part), and only then is each
submitter acknowledged. An order counts once its ``submit`` returned; afterwards the journal is
opened afresh, verified, and every acknowledged order must be in it (``lost`` in the table).

Subjects, per store:

* **seawall market**, closed loop: ``producers`` concurrent producers each submit an order, await
  its durable acknowledgement, and submit the next; workloads ``resting`` (bids below the
  market: broker, hold, venue, broker-open, no trade) and ``crossing`` (the crash test's mix of
  buys and sells around one price, so most orders trade and settle). Latency: submit to ack.
* **seawall market**, open loop: resting orders sent on a fixed schedule (``OFFERED_PER_S``,
  then half the closed-loop rate) whatever the acknowledgements do; latency runs from the
  *scheduled* send to the acknowledgement, so a stalled writer is charged for every order it
  delayed (no coordinated omission).
* **seawall journal only**: the very entries the resting orders produced, sequenced, chained,
  sealed and stored again through the same group-commit writer shape, nothing decided: what
  durability alone allows.
* peers. SQLite: a bare ``sqlite3`` loop inserting each order's entry bytes as one row, in
  transactions of as many orders as our groups held, WAL and ``synchronous=FULL`` as ours; and
  the same rows through a bare group-commit writer at ``OFFERED_PER_S``. NATS: bare nats-py
  JetStream publish-with-ack of the same bytes, one message per order and one per group in a
  loop, and one message per order at ``OFFERED_PER_S``.

Throughput against the number of venue shards is not measured (``SHARDS_NOTE``). Everything
runs in one process: the producers share the writer's event loop, as the API server's request
handlers do.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import os
import random
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, NamedTuple

import msgspec

from seawall.adapters.clock import SystemClock
from seawall.adapters.storage import SqliteJournalStore
from seawall.api.keys import KeyStore
from seawall.api.service import MarketService
from seawall.bench.stats import percentile_ns, rate_per_s, timer_ns
from seawall.broker.commands import PlaceOrder
from seawall.broker.state import Side
from seawall.core import limits
from seawall.core.errors import StorageError
from seawall.core.machine import KERNEL_SUBMITTER
from seawall.core.signing import SigningKey
from seawall.journal import Entry, JournalStore, Sequencer, verify_journal
from seawall.kernel import LOGIC_VERSION, Market
from seawall.kernel.pipeline import Command
from seawall.sim.genesis import open_market
from seawall.sim.setup import configure_assets, create_markets, deposit, onboard, register_brokers

__all__ = [
    "FULL",
    "GOAL_ACK_P99_MS",
    "GOAL_ORDERS_PER_S",
    "NATS_URL",
    "OFFERED_PER_S",
    "QUICK",
    "SHARDS_NOTE",
    "Sizes",
    "run",
]

Progress = Callable[[float, str], None]
Submit = Callable[[int], Awaitable[None]]
Row = dict[str, Any]

GOAL_ORDERS_PER_S: Final = 100_000
GOAL_ACK_P99_MS: Final = 2.0
OFFERED_PER_S: Final = 10_000
NATS_URL: Final = os.environ.get("SEAWALL_BENCH_NATS", "nats://127.0.0.1:4222")
SHARDS_NOTE: Final = (
    "throughput against the number of venue shards: not measured. The market runs one venue "
    "per process, and sharding venues by market across processes (issue #17, item 2) is not "
    "built; a figure for N shards today would be N unrelated markets side by side, which says "
    "nothing about a sharded one"
)
KEY: Final = SigningKey.from_label("bench-durable")
SYMBOL: Final = "BTCUSD"
#: BTCUSD's reference price in ticks (``sim.setup.MARKETS``): crossing orders trade around it;
#: resting bids sit 5 % below it, inside the venue's 20 % price band.
REFERENCE_TICKS: Final = 9_000_000
RESTING_TICKS: Final = 8_550_000
TICK_STEP: Final = 100
FUNDS_MINOR: Final = 10**15


class Sizes(NamedTuple):
    """How much work each subject does."""

    orders: int  # resting orders per closed-loop run (the crossing run does half)
    producers: int  # concurrent closed-loop producers
    open_loop_s: float  # seconds of scheduled sends per open-loop run
    clients: int  # funded clients the orders go round over


QUICK: Final = Sizes(orders=600, producers=32, open_loop_s=0.1, clients=8)
FULL: Final = Sizes(orders=20_000, producers=64, open_loop_s=2.0, clients=16)


class _Load(NamedTuple):
    """Closed loop (``producers`` > 0) or open loop at ``offered_per_s``."""

    producers: int = 0
    offered_per_s: int = 0

    @property
    def label(self) -> str:
        if self.producers:
            return f"closed loop, {self.producers} producers"
        return f"open loop, {self.offered_per_s:,}/s"


# --- orders ------------------------------------------------------------------------------------


def _prepare(market: Market, clients: int) -> list[tuple[str, str]]:
    """List BTCUSD on a new market, onboard and fund ``clients`` clients, commit."""
    configure_assets(market)
    register_brokers(market)
    create_markets(market, (SYMBOL,))
    accounts = _onboard(market, clients, "base")
    market.commit()
    return accounts


def _onboard(market: Market, clients: int, tag: str) -> list[tuple[str, str]]:
    """Onboard and fund ``clients`` new clients (not committed)."""
    accounts = []
    for n in range(clients):
        broker_id = ("broker-a", "broker-b")[n % 2]
        account = onboard(market, broker_id, f"bench-durable-{tag}-{n}")
        for asset in ("USD", "BTC"):
            outcome = deposit(
                market,
                f"{asset}-{tag}-{n}",
                broker_id,
                account,
                asset,
                FUNDS_MINOR,
                f"o-{asset}-{tag}-{n}",
            )
            if outcome.rejection is not None:
                raise AssertionError(f"funding refused: {outcome.rejection}")
        accounts.append((broker_id, account))
    return accounts


def _clients_for(count: int, clients: int) -> int:
    """Enough clients that ``count`` orders round robin leave each at most half the broker's
    open-order limit: a phase must measure accepted orders, not ``TOO_MANY_OPEN_ORDERS``."""
    per_client = limits.broker_open_orders_per_client_max // 2
    return max(clients, -(-count // per_client))


async def _fresh_clients(
    service: MarketService, count: int, clients: int, tag: str
) -> list[tuple[str, str]]:
    """New funded clients for one phase, onboarded through the writer (committed)."""
    wanted = _clients_for(count, clients)
    return await service.exclusive(lambda market: _onboard(market, wanted, tag))


def _orders(
    workload: str, accounts: list[tuple[str, str]], count: int, tag: str
) -> list[PlaceOrder]:
    """``count`` orders round robin over ``accounts``, with unique client order ids."""
    rng = random.Random(f"{workload}-{tag}")  # noqa: S311 - a reproducible order mix
    orders = []
    for n in range(count):
        broker_id, account = accounts[n % len(accounts)]
        if workload == "resting":
            side, price, lots = Side.BUY, RESTING_TICKS - (n % 50) * TICK_STEP, 1
        else:
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            price = REFERENCE_TICKS + rng.randint(-50, 50) * TICK_STEP
            lots = rng.randint(1, 50)
        orders.append(
            PlaceOrder(
                broker_id,
                account,
                f"{tag}-{n}",
                SYMBOL,
                side,
                price_ticks=price,
                quantity_lots=lots,
            )
        )
    return orders


# --- load: closed and open loop ----------------------------------------------------------------


async def _drive(submit: Submit, count: int, load: _Load) -> tuple[list[int], int]:
    """Submit indexes ``0..count-1`` under ``load``; return each acknowledgement's latency and
    the elapsed time, both in nanoseconds."""
    latencies_ns: list[int] = []

    async def timed(index: int, since_ns: int) -> None:
        await submit(index)
        latencies_ns.append(timer_ns() - since_ns)

    start = timer_ns()
    if load.producers:
        indexes = iter(range(count))

        async def producer() -> None:
            for index in indexes:
                await timed(index, timer_ns())

        await asyncio.gather(*(producer() for _ in range(load.producers)))
        return latencies_ns, timer_ns() - start
    tasks = []
    for index in range(count):
        due_ns = start + index * 1_000_000_000 // load.offered_per_s
        wait_ns = due_ns - timer_ns()
        if wait_ns > 0:
            await asyncio.sleep(wait_ns / 1e9)
        tasks.append(asyncio.create_task(timed(index, due_ns)))
    await asyncio.gather(*tasks)
    return latencies_ns, timer_ns() - start


def _figures(count: int, latencies_ns: Sequence[int], elapsed_ns: int) -> Row:
    return {
        "orders_per_s": rate_per_s(count, elapsed_ns),
        "p50_ms": percentile_ns(latencies_ns, 0.50) / 1e6,
        "p99_ms": percentile_ns(latencies_ns, 0.99) / 1e6,
        "max_ms": max(latencies_ns, default=0) / 1e6,
    }


class _GroupWriter:
    """``MarketService``'s writer shape without the kernel, for the journal-only subject and the
    SQLite peer: submitters queue items; the writer takes what waits (up to ``batch_max``),
    hands it to ``write`` in a worker thread (one commit), then acknowledges each submitter."""

    def __init__(self, write: Callable[[list[Any]], None], batch_max: int = 1024) -> None:
        self._write = write
        self._batch_max = batch_max
        self._queue: asyncio.Queue[tuple[Any, asyncio.Future[None]]] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-commit")
        self._task = asyncio.get_running_loop().create_task(self._writer())
        self.batches = 0

    async def submit(self, item: Any) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((item, future))
        await future

    async def _writer(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._batch_max and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await loop.run_in_executor(self._executor, self._write, [item for item, _ in batch])
            self.batches += 1
            for _, future in batch:
                future.set_result(None)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._executor.shutdown(wait=True)


# --- the journal read back ---------------------------------------------------------------------

_command_decoder: Final = msgspec.msgpack.Decoder(Command)


def _journaled_orders(store: JournalStore) -> set[tuple[str, str, str]]:
    """(broker, account, client order id) of every PlaceOrder a broker journaled."""
    found = set()
    for _, body in store.read():
        entry = Entry.decode(body)
        if entry.submitter == KERNEL_SUBMITTER or not entry.command:
            continue
        command = _command_decoder.decode(entry.command)
        if isinstance(command, PlaceOrder):
            found.add((command.broker_id, command.account_id, command.client_order_id))
    return found


def _order_entries(store: JournalStore, first_seq: int, last_seq: int) -> list[list[bytes]]:
    """The stored entries of ``first_seq..last_seq`` per client order: a flow's follow-ons are
    journaled right after the command that caused them, so each non-kernel entry starts the
    next order."""
    orders: list[list[bytes]] = []
    for _, body in store.read(first_seq, last_seq):
        if Entry.decode(body).submitter != KERNEL_SUBMITTER:
            orders.append([])
        orders[-1].append(body)
    return orders


# --- one medium --------------------------------------------------------------------------------


class _Media:
    """Where one store kind keeps its journals: open one by tag (again to reopen), drop all."""

    def __init__(self, kind: str, directory: Path, nats_url: str) -> None:
        self.kind = kind
        self.directory = directory
        self.nats_url = nats_url
        self._names: list[str] = []

    def open(self, tag: str) -> JournalStore:
        if self.kind == "sqlite":
            return SqliteJournalStore(self.directory / f"{tag}.sqlite", durable=True)
        from seawall.adapters.storage.nats import NatsJournalStore

        name = f"bench_durable_{os.getpid()}_{tag}"
        if name not in self._names:
            self._names.append(name)
        return NatsJournalStore(self.nats_url, name)

    def drop_all(self) -> None:
        """Delete every NATS stream, bucket and object store this run made."""
        from seawall.adapters.storage.nats import NatsJournalStore

        for name in self._names:
            with contextlib.suppress(StorageError):
                store = NatsJournalStore(self.nats_url, name)
                store.drop()
                store.close()


class _Phase(NamedTuple):
    workload: str
    load: _Load
    figures: Row
    acked: list[tuple[str, str, str]]
    entries_per_order: float
    orders_per_group: float
    rejected: int
    first_seq: int
    last_seq: int


async def _market_phase(
    service: MarketService, workload: str, orders: list[PlaceOrder], load: _Load
) -> _Phase:
    market = service.market
    first_seq, batches = market.last_seq + 1, service.batches
    acked: list[tuple[str, str, str]] = []
    rejected = 0

    async def submit(index: int) -> None:
        nonlocal rejected
        order = orders[index]
        done = await service.submit(order, order.broker_id)
        acked.append((order.broker_id, order.account_id, order.client_order_id))
        rejected += done.outcome.rejection is not None

    latencies_ns, elapsed_ns = await _drive(submit, len(orders), load)
    return _Phase(
        workload,
        load,
        _figures(len(acked), latencies_ns, elapsed_ns),
        acked,
        (market.last_seq + 1 - first_seq) / max(1, len(orders)),
        len(orders) / max(1, service.batches - batches),
        rejected,
        first_seq,
        market.last_seq,
    )


async def _run_phases(
    service: MarketService,
    accounts: list[tuple[str, str]],
    sizes: Sizes,
    say: Progress,
    at: float,
    kind: str,
) -> list[_Phase]:
    """Resting then crossing orders closed loop; resting orders open loop at ``OFFERED_PER_S``
    and at half the resting closed-loop rate."""
    closed = _Load(producers=sizes.producers)
    say(at + 0.02, f"{kind}: resting orders")
    rest = await _fresh_clients(service, sizes.orders, len(accounts), "rest")
    orders = _orders("resting", rest, sizes.orders, "rest")
    phases = [await _market_phase(service, "resting", orders, closed)]
    say(at + 0.08, f"{kind}: crossing orders")
    cross = await _fresh_clients(service, sizes.orders // 2, len(accounts), "cross")
    orders = _orders("crossing", cross, sizes.orders // 2, "cross")
    phases.append(await _market_phase(service, "crossing", orders, closed))
    half = max(100, int(phases[0].figures["orders_per_s"] / 2) // 100 * 100)
    for number, rate in enumerate((OFFERED_PER_S, half)):
        say(at + 0.14 + number * 0.08, f"{kind}: {rate:,} orders/s offered")
        count = max(1, int(rate * sizes.open_loop_s))
        fresh = await _fresh_clients(service, count, len(accounts), f"open{number}")
        orders = _orders("resting", fresh, count, f"open{number}")
        phases.append(await _market_phase(service, "resting", orders, _Load(offered_per_s=rate)))
    for phase in phases:
        if phase.workload == "resting" and phase.rejected:
            raise AssertionError(
                f"Invariant: {phase.rejected} resting orders refused ({phase.load.label}): "
                "the figures would measure refusals"
            )
    return phases


async def _market_phases(media: _Media, sizes: Sizes, say: Progress, at: float) -> list[_Phase]:
    """The market on a new journal: resting and crossing closed loops, then two open loops."""
    store = media.open("market")
    try:
        market = open_market(store, KEY, SystemClock())
        accounts = _prepare(market, sizes.clients)
        service = MarketService(market, KeyStore(), rebuild=False)
        await service.start()
        try:
            phases = await _run_phases(service, accounts, sizes, say, at, media.kind)
        finally:
            await service.stop()
    finally:
        store.close()
    return phases


async def _journal_only(media: _Media, orders: list[list[bytes]], count: int, load: _Load) -> Row:
    """``count`` orders' entries sequenced, sealed and stored again by the group-commit writer
    shape (order ``i`` takes the entries of ``orders[i % len(orders)]``)."""
    decoded = [[Entry.decode(body) for body in order] for order in orders]
    tag = f"journal_{load.producers}_{load.offered_per_s}"
    store = media.open(tag)
    try:
        sequencer = Sequencer(store, KEY, SystemClock(), LOGIC_VERSION)

        def write(batch: list[list[Entry]]) -> None:
            for order in batch:
                for entry in order:
                    ctx = sequencer.open(entry.submitter)
                    sequencer.append(ctx, entry.auth, entry.command, entry.events, entry.rejection)
            sequencer.commit()

        writer = _GroupWriter(write)

        async def submit(index: int) -> None:
            await writer.submit(decoded[index % len(decoded)])

        latencies_ns, elapsed_ns = await _drive(submit, count, load)
        await writer.close()
    finally:
        store.close()
    with contextlib.closing(media.open(tag)) as reopened:
        stored = verify_journal(reopened, KEY.verify_key).entries
    ends = itertools.accumulate(len(decoded[i % len(decoded)]) for i in range(count))
    return {
        "subject": f"seawall journal only ({media.kind})",
        "workload": "resting",
        "load": load.label,
        **_figures(count, latencies_ns, elapsed_ns),
        "orders_per_group": round(count / max(1, writer.batches), 1),
        "acked": count,
        "lost": sum(end > stored for end in ends),
    }


# --- peers -------------------------------------------------------------------------------------


def _sqlite_peer_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS orders (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    return db


def _sqlite_insert(db: sqlite3.Connection, first_seq: int, blobs: Sequence[bytes]) -> None:
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO orders VALUES (?, ?)",
        ((first_seq + offset, blob) for offset, blob in enumerate(blobs)),
    )
    db.execute("COMMIT")


def _fsync_floor(directory: Path, samples: int) -> Row:
    """The disk itself: ``samples`` appends of 4 KiB, each fsynced (no order is written; this is
    the latency floor every durable acknowledgement on this disk pays)."""
    path = directory / "fsync-probe"
    latencies_ns = []
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for _ in range(samples):
            os.write(descriptor, bytes(4096))
            start = timer_ns()
            os.fsync(descriptor)
            latencies_ns.append(timer_ns() - start)
    finally:
        os.close(descriptor)
        path.unlink()
    figures = _figures(samples, latencies_ns, sum(latencies_ns))
    del figures["orders_per_s"]
    return {
        "subject": "peer: fsync of a 4 KiB append (the disk)",
        "load": "one loop",
        **figures,
        "peer": True,
    }


async def _sqlite_peers(directory: Path, blobs: list[bytes], group: int, count: int) -> list[Row]:
    """A bare insert loop in transactions of ``group`` orders; then ``count`` orders offered at
    ``OFFERED_PER_S`` to a bare group-commit writer; and the disk's own fsync latency."""
    db = _sqlite_peer_db(directory / "peer-loop.sqlite")
    start = timer_ns()
    for first in range(0, len(blobs), group):
        _sqlite_insert(db, first + 1, blobs[first : first + group])
    loop_rate = rate_per_s(len(blobs), timer_ns() - start)
    db.close()
    db = _sqlite_peer_db(directory / "peer-offered.sqlite")
    next_seq = 1

    def write(batch: list[bytes]) -> None:
        nonlocal next_seq
        _sqlite_insert(db, next_seq, batch)
        next_seq += len(batch)

    writer = _GroupWriter(write)

    async def submit(index: int) -> None:
        await writer.submit(blobs[index % len(blobs)])

    offered = _Load(offered_per_s=OFFERED_PER_S)
    latencies_ns, elapsed_ns = await _drive(submit, count, offered)
    await writer.close()
    db.close()
    return [
        _fsync_floor(directory, max(50, min(500, count // 4))),
        {
            "subject": "peer: bare sqlite3 insert loop",
            "workload": "resting",
            "load": "one loop",
            "orders_per_s": loop_rate,
            "orders_per_group": group,
            "peer": True,
        },
        {
            "subject": "peer: bare sqlite3 group-commit writer",
            "workload": "resting",
            "load": offered.label,
            **_figures(count, latencies_ns, elapsed_ns),
            "orders_per_group": round(count / max(1, writer.batches), 1),
            "peer": True,
        },
    ]


async def _nats_peers(url: str, blobs: list[bytes], group: int, count: int) -> list[Row]:
    """Bare JetStream publish-with-ack loops (per order, per group of ``group`` orders), then
    ``count`` orders published one message each at ``OFFERED_PER_S``."""
    import nats
    from nats.js.api import StorageType, StreamConfig

    connection = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=3)
    js = connection.jetstream()
    stream, subject = f"BENCH_DURABLE_PEER_{os.getpid()}", f"bench.durable.peer.{os.getpid()}"
    await js.add_stream(StreamConfig(name=stream, subjects=[subject], storage=StorageType.FILE))
    try:
        start = timer_ns()
        for blob in blobs:
            await js.publish(subject, blob)
        per_order = rate_per_s(len(blobs), timer_ns() - start)
        start = timer_ns()
        for first in range(0, len(blobs), group):
            await js.publish(subject, b"".join(blobs[first : first + group]))
        per_group = rate_per_s(len(blobs), timer_ns() - start)

        async def submit(index: int) -> None:
            await js.publish(subject, blobs[index % len(blobs)])

        offered = _Load(offered_per_s=OFFERED_PER_S)
        latencies_ns, elapsed_ns = await _drive(submit, count, offered)
    finally:
        with contextlib.suppress(Exception):
            await js.delete_stream(stream)
        await connection.close()
    loop: Row = {"workload": "resting", "load": "one loop", "peer": True}
    return [
        {"subject": "peer: nats-py publish+ack per order", **loop, "orders_per_s": per_order},
        {
            "subject": "peer: nats-py publish+ack per group",
            **loop,
            "orders_per_s": per_group,
            "orders_per_group": group,
        },
        {
            "subject": "peer: nats-py publish+ack per order, concurrent",
            "workload": "resting",
            "load": offered.label,
            **_figures(count, latencies_ns, elapsed_ns),
            "orders_per_group": 1,
            "peer": True,
        },
    ]


# --- one store, all subjects -------------------------------------------------------------------


class _StoreResult(NamedTuple):
    rows: list[Row]
    ratios: list[Row]
    notes: list[str]
    figures: dict[str, float]


def _ratio(metric: str, ours: Row, peer: Row, figure: str) -> Row:
    theirs = float(peer.get(figure) or 0.0)
    return {
        "metric": metric,
        "ours": f"{ours['subject']}, {ours['load']}",
        "peer": f"{peer['subject']}, {peer['load']}",
        "ratio": float(ours.get(figure) or 0.0) / theirs if theirs else 0.0,
    }


async def _measure(media: _Media, sizes: Sizes, say: Progress, at: float) -> _StoreResult:
    """Every subject and peer on one medium."""
    kind = media.kind
    phases = await _market_phases(media, sizes, say, at)
    say(at + 0.28, f"{kind}: reading the journal back")
    with contextlib.closing(media.open("market")) as reopened:
        journaled = _journaled_orders(reopened)
        verified = verify_journal(reopened, KEY.verify_key).last_seq
        entries = _order_entries(reopened, phases[0].first_seq, phases[0].last_seq)
    market_rows = [
        {
            "subject": f"seawall market ({kind})",
            "workload": phase.workload,
            "load": phase.load.label,
            **phase.figures,
            "entries_per_order": round(phase.entries_per_order, 2),
            "orders_per_group": round(phase.orders_per_group, 1),
            "acked": len(phase.acked),
            "lost": sum(order not in journaled for order in phase.acked),
            "rejected": phase.rejected,
        }
        for phase in phases
    ]
    resting, _, offered, half = market_rows
    say(at + 0.32, f"{kind}: journal only")
    count = max(1, int(OFFERED_PER_S * sizes.open_loop_s))
    closed, open_loop = _Load(producers=sizes.producers), _Load(offered_per_s=OFFERED_PER_S)
    journal_closed = await _journal_only(media, entries, len(entries), closed)
    journal_offered = await _journal_only(media, entries, count, open_loop)
    say(at + 0.38, f"{kind}: peers")
    blobs = [b"".join(order) for order in entries]
    group = max(1, round(phases[0].orders_per_group))
    if kind == "sqlite":
        peers = await _sqlite_peers(media.directory, blobs, group, count)
        loop_peer = peers[1]
    else:
        peers = await _nats_peers(media.nats_url, blobs, group, count)
        loop_peer = peers[1]
    p99 = f"{kind} ack p99_ms at {OFFERED_PER_S:,}/s (lower is better)"
    ratios = [
        _ratio(f"{kind} orders_per_s", resting, loop_peer, "orders_per_s"),
        _ratio(f"{kind} orders_per_s", journal_closed, loop_peer, "orders_per_s"),
        _ratio(p99, offered, peers[-1], "p99_ms"),
        _ratio(p99, journal_offered, peers[-1], "p99_ms"),
    ]
    rows = [*market_rows, journal_closed, journal_offered, *peers]
    average = sum(map(len, blobs)) / max(1, len(blobs))
    notes = [
        f"{kind}: the market's journal verified through seq {verified:,}; {len(journaled):,} "
        "orders journaled, every acknowledged one among them"
        if all(row.get("lost", 0) == 0 for row in rows)
        else f"{kind}: ACKNOWLEDGED ORDERS MISSING after reopening the journal (see lost)",
        f"{kind}: the peers write the bytes our journal stored for each resting order "
        f"({average:,.0f} bytes on average), in batches of {group} orders (our mean group)",
    ]
    figures = {
        "fsync_p99_ms": float(peers[0].get("p99_ms", 0.0)) if kind == "sqlite" else 0.0,
        "market_per_s": resting["orders_per_s"],
        "market_p99_ms": offered["p99_ms"],
        "half_per_s": float(phases[3].load.offered_per_s),
        "half_p99_ms": half["p99_ms"],
        "journal_per_s": journal_closed["orders_per_s"],
        "journal_p99_ms": journal_offered["p99_ms"],
    }
    return _StoreResult(rows, ratios, notes, figures)


# --- the benchmark -----------------------------------------------------------------------------


def _nats_unreachable(url: str) -> str | None:
    """None when a NATS JetStream journal can be opened at ``url``, else why not."""
    from seawall.adapters.storage.nats import NatsJournalStore

    try:
        probe = NatsJournalStore(url, f"bench_durable_{os.getpid()}_probe")
    except StorageError as exc:
        return str(exc)
    with contextlib.suppress(StorageError):
        probe.drop()
        probe.close()
    return None


def _goal_notes(sqlite: dict[str, float]) -> list[str]:
    rate, p99, journal = sqlite["market_per_s"], sqlite["market_p99_ms"], sqlite["journal_per_s"]
    bound = (
        "so deciding (the kernel's pipeline), not durability, is what bounds the market"
        if journal >= 2 * rate
        else "so durability is a large share of the market's cost"
    )
    notes = [
        f"goal SQLite >= {GOAL_ORDERS_PER_S:,} orders/s with group commit: "
        f"{'met' if rate >= GOAL_ORDERS_PER_S else 'NOT met'}; the market acknowledged "
        f"{rate:,.0f} resting orders/s ({rate / GOAL_ORDERS_PER_S:.1%} of the goal); the journal "
        f"alone stored the same orders' entries at {journal:,.0f} orders/s, {bound}",
        f"goal ack p99 <= {GOAL_ACK_P99_MS} ms at {OFFERED_PER_S:,} orders/s: "
        f"{'met' if p99 <= GOAL_ACK_P99_MS else 'NOT met'}; the market's p99 {p99:,.1f} ms "
        f"(journal alone {sqlite['journal_p99_ms']:,.2f} ms); at {sqlite['half_per_s']:,.0f} "
        f"orders/s (half the market's closed-loop rate) its p99 is "
        f"{sqlite['half_p99_ms']:,.1f} ms; a bare fsync on this disk has a p99 of "
        f"{sqlite['fsync_p99_ms']:,.2f} ms",
    ]
    if rate < OFFERED_PER_S:
        notes.append(
            f"{OFFERED_PER_S:,} orders/s is more than the market acknowledges ({rate:,.0f}/s): "
            "its queue grows for the whole open-loop run, so that latency measures the run's "
            "length as much as the writer"
        )
    return notes


def run(
    progress: Progress | None = None,
    quick: bool = False,
    *,
    sizes: Sizes | None = None,
    nats_url: str = NATS_URL,
) -> dict[str, Any]:
    say = progress or (lambda fraction, label: None)
    sizes = sizes or (QUICK if quick else FULL)
    rows: list[Row] = []
    ratios: list[Row] = []
    notes = [
        "an order = a client's broker.PlaceOrder through MarketService (the API's writer): every "
        "institution decides, what waits in the queue is one commit group (one seal), and each "
        "submitter is acknowledged once its group is durable",
        f"{sizes.orders:,} resting and {sizes.orders // 2:,} crossing orders closed loop "
        f"({sizes.producers} producers; latency = submit to ack); open loop: "
        f"{sizes.open_loop_s:g} s of scheduled sends (latency = scheduled send to ack)",
        "sqlite = WAL with synchronous=FULL (one fsync per group); nats = JetStream, file "
        "storage, one replica, on this machine",
    ]
    figures: dict[str, dict[str, float]] = {}
    kinds = ["sqlite"]
    unreachable = _nats_unreachable(nats_url)
    if unreachable is None:
        kinds.append("nats")
    with tempfile.TemporaryDirectory(prefix="seawall-bench-durable-") as tmp:
        for number, kind in enumerate(kinds):
            media = _Media(kind, Path(tmp), nats_url)
            try:
                result = asyncio.run(_measure(media, sizes, say, number * 0.5))
            finally:
                media.drop_all()
            rows += result.rows
            ratios += result.ratios
            notes += result.notes
            figures[kind] = result.figures
    if "nats" in figures:
        ratios.append(
            {
                "metric": "orders_per_s, resting, closed loop",
                "ours": "seawall market (nats)",
                "peer": "seawall market (sqlite)",
                "ratio": figures["nats"]["market_per_s"] / figures["sqlite"]["market_per_s"],
            }
        )
    else:
        notes.append(f"NATS JetStream at {nats_url} is unreachable, so skipped: {unreachable}")
    notes += _goal_notes(figures["sqlite"])
    rows.append({"subject": "venue shards", "note": "not measured (see notes)"})
    notes.append(SHARDS_NOTE)
    if importlib.util.find_spec("matplotlib") is None:
        notes.append("no plot: matplotlib is not installed in .venv (not added as a dependency)")
    else:
        notes.append("no plot: the runner records tables (JSON and Markdown) only")
    say(1.0, "done")
    return {"rows": rows, "ratios": ratios, "notes": notes}
