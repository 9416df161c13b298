"""``seawall bench api``: signed orders per second over loopback through every institution, beside
the ceiling of the same server stack, and WebSocket fan-out.

* **orders**: ``POST /api/v3/order`` with HMAC-signed GTC limit bids from many clients, each a
  real order: signature and timestamp checked, request weight and order counts charged, the
  broker's pre-trade checks, the custodian's hold, the venue's book, every step a journal entry,
  committed durably (SQLite WAL, ``synchronous=FULL``) by group commit before the reply.
* **ceiling** (the peer): a bare Starlette endpoint on the same uvicorn stack that reads the
  same requests, checks the HMAC and answers ``{}``: what this server stack can do at all.
* **fan-out**: N WebSocket subscribers to ``<symbol>@depth@100ms`` while orders change the book;
  delivery latency is the client's receive time minus the event's ``E`` (same machine clock).
  The subscribers are thin probes (``fanout_probe``) reading frames off the socket, so that one
  process can hold a thousand of them without becoming the bottleneck it measures.

The load generator is ``wrk`` (Debian's package) when it is installed, with a Lua script that
replays pre-signed requests (each signature made once, before the run, so the generator does no
HMAC work); without wrk, a multi-process Python client of ``http.client`` connections, and the
notes say so. The server runs in its own process, the load in others.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

__all__ = ["run"]

Progress = Callable[[float, str], None]
CONNECTIONS: Final = 32
_SERVE: Final = "from seawall.api.bench import serve_for_bench as s; import sys; s(sys.argv[1:])"


def serve_for_bench(argv: list[str]) -> None:
    """Child process: serve the market in ``argv[1]`` (``market``) or the bare HMAC endpoint
    (``bare``) on ``argv[2]``."""
    mode, data, port = argv[0], Path(argv[1]), int(argv[2])
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from seawall.api.app import create_app
    from seawall.api.auth import split_signature
    from seawall.api.keys import DEFAULT_TIERS
    from seawall.api.ratelimit import LimitConfig
    from seawall.api.server import market_lock, open_served_market, serve

    with market_lock(data):
        _store, market, keys = open_served_market(data)
        if mode == "market":
            limits = LimitConfig(ip_weight_per_minute=10**9, tiers=dict(DEFAULT_TIERS))
            serve(create_app(market, keys, limits), "127.0.0.1", port, "error")
            return
        secrets_by_key = {k: keys.get(k).hmac_secret for k in _key_names(keys)}  # type: ignore[union-attr]

        async def bare(request: Request) -> Response:
            body = await request.body()
            unsigned, signature = split_signature(body)
            secret = secrets_by_key.get(request.headers.get("x-mbx-apikey", ""))
            if secret is None or signature is None:
                return Response(b'{"code":-2015}', 401, media_type="application/json")
            expected = hmac.new(secret.encode(), unsigned, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                return Response(b'{"code":-1022}', 400, media_type="application/json")
            return Response(b"{}", media_type="application/json")

        app = Starlette(routes=[Route("/api/v3/order", bare, methods=["POST"])])
        serve_app(app, port)


def serve_app(app: Any, port: int) -> None:
    import uvicorn

    uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")).run()


def _key_names(keys: Any) -> list[str]:
    return list(keys._keys)


def _prepare(data: Path, clients: int) -> list[tuple[str, str]]:
    """A market in ``data`` with ``clients`` funded clients on the load-test tier."""
    from seawall.api.server import open_served_market
    from seawall.api.service import create_account
    from seawall.identity.state import InvestorClass

    store, market, keys = open_served_market(data)
    credentials = []
    for n in range(clients):
        key, _ = create_account(
            market,
            keys,
            "broker-a" if n % 2 else "broker-b",
            InvestorClass.PROFESSIONAL,
            {"USD": 10**13},
            name=f"bench-{n}",
            tier="load_test",
        )
        assert key.hmac_secret is not None
        credentials.append((key.api_key, key.hmac_secret))
    market.commit()
    keys.close()
    store.close()
    return credentials


def _bodies(credentials: list[tuple[str, str]], count: int, tag: str) -> list[tuple[str, str]]:
    """``count`` signed new-order bodies, round robin over the clients, unique client ids."""
    now = int(time.time() * 1000)
    bodies = []
    for n in range(count):
        api_key, secret = credentials[n % len(credentials)]
        price = 72_000 + (n * 7919) % 17_999
        query = urlencode(
            {
                "symbol": "BTCUSD",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.001",
                "price": f"{price}.{n % 100:02d}",
                "newClientOrderId": f"{tag}{n}",
                "newOrderRespType": "ACK",
                "recvWindow": 60000,
                "timestamp": now,
            }
        )
        signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
        bodies.append((api_key, f"{query}&signature={signature}"))
    return bodies


_LUA: Final = """
local bodies = {}
for line in io.lines("%s") do
  local tab = line:find("\\t")
  bodies[#bodies + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
end
local i = 0
local bad = 0
request = function()
  i = i + 1
  local entry = bodies[(i - 1) %% #bodies + 1]
  return wrk.format("POST", "/api/v3/order",
    {["X-MBX-APIKEY"] = entry[1], ["Content-Type"] = "application/x-www-form-urlencoded"},
    entry[2])
end
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), bad))
end
"""


def _wrk(port: int, bodies_path: Path, seconds: int) -> dict[str, float]:
    script = bodies_path.with_suffix(".lua")
    script.write_text(_LUA % bodies_path)
    out = subprocess.run(  # noqa: S603 - our own arguments
        [  # noqa: S607 - wrk from PATH, as installed by apt
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(row for row in out.splitlines() if row.startswith("RESULT"))
    requests, duration_us, p50_us, p99_us, bad = (int(x) for x in line.split()[1:])
    return {
        "per_s": requests / (duration_us / 1e6),
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
        "requests": requests,
        "non_200": bad,
    }


def _python_worker(port: int, bodies: list[tuple[str, str]], out: Any) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port)
    latencies = []
    bad = 0
    for api_key, body in bodies:
        start = time.perf_counter()
        connection.request(
            "POST",
            "/api/v3/order",
            body,
            {"X-MBX-APIKEY": api_key, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        bad += response.status != 200
    out.put((latencies, bad))


def _python_load(port: int, bodies: list[tuple[str, str]], processes: int) -> dict[str, float]:
    import multiprocessing

    queue: Any = multiprocessing.Queue()
    shares = [bodies[n::processes] for n in range(processes)]
    workers = [
        multiprocessing.Process(target=_python_worker, args=(port, share, queue))
        for share in shares
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    elapsed = time.perf_counter() - start
    for worker in workers:
        worker.join()
    latencies = sorted(x for result in results for x in result[0])
    return {
        "per_s": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "requests": len(latencies),
        "non_200": sum(result[1] for result in results),
    }


def _start_server(mode: str, data: Path, port: int) -> subprocess.Popen[bytes]:
    import httpx

    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", _SERVE, mode, str(data), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/api/v3/order", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the {mode} server did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


async def _fan_out(
    port: int, subscribers: int, seconds: float, feed: Callable[[], None]
) -> list[float]:
    from seawall.api.fanout_probe import DepthProbe

    delays: list[float] = []
    loop = asyncio.get_running_loop()
    probes: list[DepthProbe] = []
    for _ in range(subscribers):
        _, probe = await loop.create_connection(
            lambda: DepthProbe("127.0.0.1", port, "/ws/btcusd@depth@100ms", delays),
            "127.0.0.1",
            port,
        )
        probes.append(probe)
    await asyncio.gather(*(probe.ready for probe in probes))
    await asyncio.sleep(1.0)
    feeding = loop.run_in_executor(None, feed)
    await asyncio.sleep(seconds)
    for probe in probes:
        probe.close()
    await feeding
    return delays


def run(progress: Progress | None = None, quick: bool = False) -> dict[str, Any]:
    """Measure; return rows, ratios and notes (see ``seawall.bench.runner``)."""
    from seawall.api.server import free_port

    say = progress or (lambda fraction, label: None)
    seconds = 3 if quick else 10
    clients = 40 if quick else 120
    subscribers = 100 if quick else 1000
    wrk = shutil.which("wrk")
    notes = [
        f"server: uvicorn (asyncio loop, h11) + Starlette, one process; load on the other core(s); "
        f"{os.cpu_count()} CPUs",
        "orders: HMAC-signed LIMIT GTC bids (ACK responses) from "
        f"{clients} clients over {CONNECTIONS} keep-alive connections; each order is ~4 journal "
        "entries (broker, ledger hold, venue, broker open), committed durably by group commit",
        "load generator: "
        + (
            "wrk (replays pre-signed requests from a Lua script)"
            if wrk
            else "wrk NOT installed (apt-get install wrk); multi-process Python http.client "
            "instead, which is slower than the server and so understates both rates"
        ),
    ]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="seawall-bench-api-") as tmp:
        data = Path(tmp) / "market"
        say(0.05, "preparing clients")
        credentials = _prepare(data, clients)
        count = (120_000 if wrk else 20_000) if not quick else (30_000 if wrk else 4_000)
        bodies_path = Path(tmp) / "bodies.tsv"

        def measure(mode: str, tag: str) -> dict[str, float]:
            bodies = _bodies(credentials, count, tag)
            bodies_path.write_text("".join(f"{k}\t{b}\n" for k, b in bodies))
            port = free_port()
            server = _start_server(mode, data, port)
            try:
                if wrk:
                    return _wrk(port, bodies_path, seconds)
                return _python_load(port, bodies, max(2, (os.cpu_count() or 2) - 1))
            finally:
                _stop(server)

        say(0.2, "bare HMAC endpoint (ceiling)")
        bare = measure("bare", "b")
        say(0.45, "orders through every institution")
        orders = measure("market", "o")
        rows.append(
            {
                "subject": "bare HMAC endpoint (ceiling)",
                "peer": True,
                "requests_per_s": round(bare["per_s"]),
                "p50_ms": round(bare["p50_ms"], 2),
                "p99_ms": round(bare["p99_ms"], 2),
                "non_200": bare["non_200"],
            }
        )
        rows.append(
            {
                "subject": "signed orders through every institution",
                "requests_per_s": round(orders["per_s"]),
                "p50_ms": round(orders["p50_ms"], 2),
                "p99_ms": round(orders["p99_ms"], 2),
                "non_200": orders["non_200"],
            }
        )
        say(0.7, f"fan-out to {subscribers} subscribers")
        port = free_port()
        server = _start_server("market", data, port)
        try:
            feed_bodies = _bodies(credentials, 400 if quick else 1_000, "f")

            def feed() -> None:
                import http.client

                connection = http.client.HTTPConnection("127.0.0.1", port)
                for api_key, body in feed_bodies:
                    connection.request(
                        "POST",
                        "/api/v3/order",
                        body,
                        {
                            "X-MBX-APIKEY": api_key,
                            "Content-Type": "application/x-www-form-urlencoded",
                        },
                    )
                    connection.getresponse().read()
                    time.sleep(0.005)

            delays = asyncio.run(_fan_out(port, subscribers, 6.0 if quick else 10.0, feed))
        finally:
            _stop(server)
        delays.sort()
        rows.append(
            {
                "subject": f"depth diffs to {subscribers} WebSocket subscribers",
                "deliveries": len(delays),
                "p50_ms": round(statistics.median(delays), 2) if delays else None,
                "p99_ms": round(delays[int(len(delays) * 0.99)], 2) if delays else None,
            }
        )
    ratio = orders["per_s"] / bare["per_s"] if bare["per_s"] else 0.0
    notes.append(
        f"orders reach {ratio:.0%} of the bare endpoint's rate on the same stack "
        "(goal: 60 % and 7k orders/s)"
    )
    say(1.0, "done")
    return {
        "rows": rows,
        "ratios": [
            {
                "metric": "requests_per_s",
                "ours": round(orders["per_s"]),
                "peer": round(bare["per_s"]),
                "ratio": round(ratio, 3),
            }
        ],
        "notes": notes,
    }
