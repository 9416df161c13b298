"""Seeded simulation runs against a served market, over its REST API.

The agents are those of an in-process run of the same ``SimConfig`` (``sim.runner.build_agents``:
the background market, the scenario's manipulators, ``add_agents``), each trading through its
own client account and API key (``accounts``). A run:

1. reads the markets' tick and lot sizes (``exchangeInfo``) and where the books stand;
2. advances simulated time in steps of ``step_ns`` from the same start as in process; each step
   every agent, in the same fixed order, may place and cancel orders (``market.HttpMarket``, one
   REST call each, sent one at a time), then the step's changes are read back;
3. at the end, lets each manipulator write its ground-truth labels and reads the final books.

Agents' decisions depend only on the seed and the server's replies, and the replies of a fresh
server depend only on the requests, so two runs of one seed against two fresh servers send the
same requests (``HttpRunResult.requests``) and leave the same books. Time on the server is its
own clock, not the simulated one: a run goes as fast as the server answers, and journal
timestamps are wall-clock times. Labels name the accounts by account id (the private identity;
the public stream's pseudonyms are derived from it with the operator's projection key) and the
episodes by simulated time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import msgspec

from seawall.core.errors import ConditionFailed
from seawall.sim.agents import Account
from seawall.sim.manipulators import CLOSE_NS, GroundTruth
from seawall.sim.runner import DEFAULT_SPECS, SimConfig, build_agents
from seawall.simhttp.accounts import Needed, needed
from seawall.simhttp.client import ApiClient, Credentials
from seawall.simhttp.market import Book, HttpMarket, Refused, read_steps

__all__ = ["HttpRunResult", "HttpSimulation", "write_outputs"]

_S: Final = 1_000_000_000


@dataclass
class HttpRunResult:
    """What a run over HTTP did and left behind."""

    config: SimConfig
    url: str
    run_id: str
    labels: list[GroundTruth]
    #: account id -> agent, role, person, broker, label
    accounts: dict[str, dict[str, str]]
    #: every request the run meant to send, in order (``client.ApiClient.log``, from the run's
    #: first: creating accounts is not part of it)
    requests: list[str]
    #: HTTP requests sent, resends after request limits included
    http_requests: int
    throttled: int
    #: placed, accepted, cancels, cancelled
    counts: dict[str, int]
    refused: list[Refused]
    #: trades printed per market during the run
    trades: dict[str, int]
    books: dict[str, Book]
    faults: dict[str, int]

    @property
    def requests_sha256(self) -> str:
        return hashlib.sha256("\n".join(self.requests).encode()).hexdigest()

    @property
    def books_sha256(self) -> str:
        return hashlib.sha256(msgspec.json.encode(sorted(self.books.items()))).hexdigest()

    def refused_by_code(self) -> dict[str, int]:
        """How many refusals of each Binance error (``"<code> <msg>"``)."""
        counts: dict[str, int] = {}
        for each in self.refused:
            name = f"{each.code} {each.msg}"
            counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))


class HttpSimulation:
    """One seeded run of ``config``'s agents against the server ``client`` talks to."""

    def __init__(
        self,
        config: SimConfig,
        client: ApiClient,
        *,
        run_id: str | None = None,
        refresh_every_steps: int = 50,
    ) -> None:
        faults = config.faults
        if faults.crash_at_s or faults.surveillance_crash_at_s:
            raise ConditionFailed(
                "over HTTP the client cannot crash the server: stage crashes on the server "
                "(kill `seawall serve` and start it again), or run in process"
            )
        self.config = config
        self.client = client
        self.specs = dict(DEFAULT_SPECS)
        self.run_id = run_id or f"s{config.seed}"
        self.refresh_every_steps = refresh_every_steps
        self.start_ns = CLOSE_NS - config.start_before_close_s * _S
        self.end_ns = self.start_ns + config.duration_s * _S
        cast = build_agents(config, self.specs, self.start_ns, self.end_ns)
        self.agents = cast.agents
        self.manipulators = cast.manipulators
        self._ran = False

    @property
    def steps_total(self) -> int:
        """How many steps the run takes."""
        return -(-(self.end_ns - self.start_ns) // self.config.step_ns)

    def accounts(self) -> list[Needed]:
        """The accounts the agents trade through (for ``accounts.provision``)."""
        return needed(self.agents)

    def assets(self) -> list[str]:
        """The assets the simulated markets trade."""
        return sorted(
            {asset for spec in self.specs.values() for asset in (spec.base_asset, spec.quote_asset)}
        )

    def run(
        self,
        keys: dict[str, Credentials],
        progress: Callable[[int, int], None] | None = None,
    ) -> HttpRunResult:
        """Run once with the accounts of ``keys`` (by label); ``progress(steps_done,
        steps_total)`` after each step."""
        if self._ran:
            raise ConditionFailed("an HttpSimulation runs once")
        self._ran = True
        missing = [each.label for each in self.accounts() if each.label not in keys]
        if missing:
            raise ConditionFailed(f"the keys lack accounts for {', '.join(missing)}")
        config = self.config
        client = self.client
        logged, sent, throttled = len(client.log), client.sent, client.throttled
        market = HttpMarket(
            self.client,
            self.specs,
            read_steps(self.client, self.specs),
            start_ns=self.start_ns,
            step_ns=config.step_ns,
            run_id=self.run_id,
            seed=config.seed,
            faults=config.faults,
            refresh_every_steps=self.refresh_every_steps,
        )
        accounts = self._bind(market, keys)
        market.start()
        step = config.step_ns
        total = self.steps_total
        now = self.start_ns
        done = 0
        while now < self.end_ns:
            market.time_ns = now
            for agent in self.agents:
                agent.step(market)
            market.observe()
            done += 1
            if progress is not None:
                progress(done, total)
            now += step
        market.time_ns = self.end_ns
        for manipulator in self.manipulators:
            manipulator.finish()
        market.observe()
        books = market.books()
        return HttpRunResult(
            config=config,
            url=self.client.base_url,
            run_id=self.run_id,
            labels=[label for each in self.manipulators for label in each.labels],
            accounts=accounts,
            requests=client.log[logged:],
            http_requests=client.sent - sent,
            throttled=client.throttled - throttled,
            counts=dict(market.counts),
            refused=list(market.refused),
            trades=dict(market.trades),
            books=books,
            faults={kind: market.deliveries.counts[kind] for kind in ("dropped", "duplicated")},
        )

    def _bind(self, market: HttpMarket, keys: dict[str, Credentials]) -> dict[str, dict[str, str]]:
        accounts: dict[str, dict[str, str]] = {}
        for agent in self.agents:
            for person, broker_id, label, _ in agent.people:
                credentials = keys[label]
                if credentials.broker_id != broker_id:
                    raise ConditionFailed(
                        f"{label} trades at {broker_id}, but its key is {credentials.broker_id}'s"
                    )
                account_id = credentials.account_id
                account = Account(label, broker_id, account_id, account_id)
                agent.accounts.append(account)
                market.bind(account, credentials)
                accounts[account_id] = {
                    "agent": agent.name,
                    "role": agent.role,
                    "person": person,
                    "broker_id": broker_id,
                    "label": label,
                }
        return accounts


def write_outputs(data: Path, result: HttpRunResult) -> None:
    """``labels.json`` (ground truth, and the account behind each subject: keep it private),
    ``refused.json`` (every refusal), ``requests.txt`` (one request a line: diff two runs'),
    and ``run.json`` (the summary)."""
    data.mkdir(parents=True, exist_ok=True)
    labels = [msgspec.to_builtins(label) for label in result.labels]
    (data / "labels.json").write_text(
        json.dumps({"labels": labels, "accounts": result.accounts}, indent=1, sort_keys=True) + "\n"
    )
    refused = [each._asdict() for each in result.refused]
    (data / "refused.json").write_text(json.dumps(refused, indent=1) + "\n")
    (data / "requests.txt").write_text("".join(line + "\n" for line in result.requests))
    summary = {
        "api": result.url,
        "run_id": result.run_id,
        "seed": result.config.seed,
        "scenario": result.config.scenario,
        "duration_s": result.config.duration_s,
        "requests": len(result.requests),
        "requests_sha256": result.requests_sha256,
        "http_requests": result.http_requests,
        "throttled": result.throttled,
        "orders": result.counts,
        "refused": result.refused_by_code(),
        "trades": result.trades,
        "books_sha256": result.books_sha256,
        "labels": len(result.labels),
        "faults": result.faults,
    }
    (data / "run.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
