"""Seeded simulation runs: the market, background agents, scripted manipulators, surveillance
watching the public stream, and fault injection. One seed reproduces a run exactly.

A run (``run(SimConfig(...))``):

1. opens a market on a journal store (memory, or ``data/journal.sqlite``), licenses every
   institution, lists the markets, onboards and funds every agent's accounts (a KYC record and
   salt per person, deposits from each person's own bank account and wallets, except where a
   scenario shares them), and lets the venue restrict the operator's accounts;
2. advances a simulated clock (``SimClock``) in steps of ``step_ns`` from 23:45 UTC (by
   default: ``start_before_close_s`` before the daily close at 00:00); each step
   every agent, in a fixed order, may send client commands through its broker; then the group is
   committed (the commands are acknowledged);
3. after each commit, projects the newly committed entries (``kernel.projection.Projector``)
   and feeds them to the agents' market data and to surveillance (``surveillance.engine``),
   whose alerts are submitted as ``RaiseAlert`` by ``surveillance`` and committed, when the
   market knows surveillance's commands (the kernel registers the institution); until then they
   are kept beside the run;
4. writes each manipulator's ground-truth labels.

Faults (``FaultPlan``), drawn from their own seeded generator:

* **crash**: at the given seconds into the run, the market process dies before committing the
  step: the pending group is lost, the market is recovered from the store (snapshot and tail),
  and the agents forget what was never acknowledged;
* **lost messages**: a client command is dropped before it reaches the market (the client gets
  no answer and gives up);
* **duplicated messages**: a client command arrives twice (the second is refused: a client order
  id is never reused; a cancel of a cancelled order is refused); an alert submitted twice is
  refused as DUPLICATE_ALERT;
* **surveillance crash**: surveillance loses its state and rebuilds it from the committed public
  stream, resubmitting only alerts not yet journaled.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import msgspec

from seawall.adapters.storage import MemoryJournalStore, open_store
from seawall.broker.commands import PlaceOrder, RequestCancel
from seawall.broker.state import OrderType, Side, StpMode, TimeInForce
from seawall.core.codec import encode
from seawall.core.ids import AccountId
from seawall.core.signing import SigningKey
from seawall.identity.commands import OnboardClient, RecordSuitability
from seawall.identity.kyc import account_id_for
from seawall.identity.state import ActorKind, InvestorClass
from seawall.journal import JournalStore
from seawall.kernel import Market
from seawall.kernel.pipeline import OWNERS
from seawall.kernel.projection import Projector
from seawall.public.schema import PublicEntry
from seawall.sim.agents import (
    Account,
    Agent,
    Institution,
    MarketData,
    MarketMaker,
    MeanReversionTrader,
    MomentumTrader,
    NoiseTrader,
    OwnOrder,
    SymbolSpec,
)
from seawall.sim.genesis import open_market
from seawall.sim.manipulators import CLOSE_NS, SCENARIOS, Manipulator
from seawall.sim.setup import configure_assets, create_markets, deposit, kyc_for, register_brokers
from seawall.surveillance.commands import RaiseAlert
from seawall.surveillance.engine import RAISE_ALERT_TAG, Surveillance
from seawall.surveillance.evaluate import GroundTruth
from seawall.venue.commands import RestrictAccount

__all__ = [
    "DEFAULT_SPECS",
    "Faults",
    "START_NS",
    "Cast",
    "FaultPlan",
    "RunResult",
    "SimClock",
    "SimConfig",
    "Simulation",
    "background_agents",
    "build_agents",
    "run",
]

_S: Final = 1_000_000_000
#: Runs start at 23:45:00 UTC on 2026-01-01, fifteen minutes before the daily close.
START_NS: Final = CLOSE_NS - 15 * 60 * _S

#: The simulated markets: a deep one and a thin one.
DEFAULT_SPECS: Final = {
    "BTCUSD": SymbolSpec("BTCUSD", "BTC", "USD", 100_000, 9_000_000, 0.7, 50),
    "LTCUSD": SymbolSpec("LTCUSD", "LTC", "USD", 1_000, 9_000, 0.3, 5_000),
}
#: What each account is funded with (minor units).
_FUNDING: Final = {"USD": 10_000_000_000, "BTC": 100_000_000_000, "LTC": 1_000_000_000_000}
_SURVEILLANCE: Final = "surveillance"


class SimClock:
    """Simulated time: ``now_ns`` reads ``time_ns`` until the runner moves it (the sequencer
    keeps entries strictly increasing by adding nanoseconds within one step)."""

    __slots__ = ("time_ns",)

    def __init__(self, start_ns: int) -> None:
        self.time_ns = start_ns

    def now_ns(self) -> int:
        return self.time_ns


@dataclass(frozen=True)
class FaultPlan:
    """Faults to inject (see the module docstring). Seconds are from the run's start."""

    crash_at_s: tuple[int, ...] = ()
    drop_permille: int = 0
    duplicate_permille: int = 0
    surveillance_crash_at_s: tuple[int, ...] = ()


@dataclass(frozen=True)
class SimConfig:
    """One run. ``scenario`` names manipulators from ``manipulators.SCENARIOS``; ``add_agents`` adds
    agents built by the caller (``(seed, specs, start_ns, end_ns, institution) -> agents``)."""

    seed: int = 1
    scenario: str = "clean"
    duration_s: int = 30 * 60
    #: the run starts this long before the daily close (00:00 UTC on 2026-01-02)
    start_before_close_s: int = 15 * 60
    step_ns: int = 100_000_000
    noise_traders: int = 16
    momentum_traders: int = 3
    mean_reversion_traders: int = 3
    faults: FaultPlan = FaultPlan()
    surveil: bool = True
    keep_public: bool = False
    add_agents: Callable[..., list[Agent]] | None = None


@dataclass
class RunResult:
    """What a run produced."""

    config: SimConfig
    labels: list[GroundTruth]
    alerts: list[RaiseAlert]
    #: per alert: its journal time when journaled, else the time it was observed
    alert_ns: list[int]
    journaled: bool
    last_seq: int
    head_hash: bytes
    state_hash: bytes
    public_events: int
    accounts: dict[str, dict[str, str]]
    faults: dict[str, int]
    #: every public entry, in seq order (only with ``SimConfig.keep_public``)
    public: list[PublicEntry] = field(default_factory=list)


def background_agents(
    config: SimConfig, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int
) -> tuple[list[Agent], Institution]:
    """The market without manipulators: makers, noise, momentum, mean reversion, one
    institution working large orders in the deep market."""
    seed = config.seed
    agents: list[Agent] = [
        MarketMaker("maker-btc-1", seed, "broker-a", "BTCUSD"),
        MarketMaker("maker-btc-2", seed, "broker-b", "BTCUSD", half_spread_bps=5.0),
        MarketMaker(
            "maker-ltc-1", seed, "broker-a", "LTCUSD", half_spread_bps=8.0, level_gap_bps=6.0
        ),
    ]
    brokers = ("broker-a", "broker-b")
    agents += [NoiseTrader(f"noise-{i}", seed, brokers[i % 2]) for i in range(config.noise_traders)]
    agents += [
        MomentumTrader(f"momentum-{i}", seed, brokers[i % 2])
        for i in range(config.momentum_traders)
    ]
    agents += [
        MeanReversionTrader(f"reverter-{i}", seed, brokers[i % 2])
        for i in range(config.mean_reversion_traders)
    ]
    institution = Institution("pension-fund", seed, "broker-a", "BTCUSD", start_ns, end_ns)
    agents.append(institution)
    return agents, institution


@dataclass
class Cast:
    """Every agent of a run, in the order they act each step (background agents, then agents
    the caller added, then manipulators); the manipulators among them; the institution."""

    agents: list[Agent]
    manipulators: list[Manipulator]
    institution: Institution


def build_agents(
    config: SimConfig, specs: dict[str, SymbolSpec], start_ns: int, end_ns: int
) -> Cast:
    """The agents of ``config``'s run: the background market, the scenario's manipulators and
    ``config.add_agents``. Any driver of the agents (this runner, ``seawall.simhttp``) builds
    them here, so that one seed gives every driver the same agents acting in the same order."""
    agents, institution = background_agents(config, specs, start_ns, end_ns)
    scenario = SCENARIOS[config.scenario]
    manipulators = scenario.build(config.seed, specs, start_ns, end_ns, institution)
    extra = (
        config.add_agents(config.seed, specs, start_ns, end_ns, institution)
        if config.add_agents is not None
        else []
    )
    manipulators += [agent for agent in extra if isinstance(agent, Manipulator)]
    everyone = agents + [agent for agent in extra if not isinstance(agent, Manipulator)]
    return Cast([*everyone, *manipulators], manipulators, institution)


class Faults:
    """Lost and duplicated client messages (and the crash counters), from the run's seeded
    generator: the same seed loses and duplicates the same messages, in process or over HTTP."""

    def __init__(self, plan: FaultPlan, seed: int) -> None:
        self.plan = plan
        self.rng = random.Random(f"{seed}:faults")
        self.counts = {"dropped": 0, "duplicated": 0, "crashes": 0, "surveillance_crashes": 0}

    def copies(self) -> int:
        """How many times the next client message arrives (0: lost, 2: duplicated)."""
        plan = self.plan
        if not plan.drop_permille and not plan.duplicate_permille:
            return 1
        roll = self.rng.randrange(1000)
        if roll < plan.drop_permille:
            self.counts["dropped"] += 1
            return 0
        if roll < plan.drop_permille + plan.duplicate_permille:
            self.counts["duplicated"] += 1
            return 2
        return 1


class Simulation:
    """The running market as agents see it (``agents.SimMarket``), and the runner's loop."""

    def __init__(
        self,
        config: SimConfig,
        store: JournalStore,
        sequencer_key: SigningKey,
        projection_key: bytes,
        specs: dict[str, SymbolSpec] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.key = sequencer_key
        self.projector = Projector(projection_key)
        self.specs = dict(specs or DEFAULT_SPECS)
        self.start_ns = CLOSE_NS - config.start_before_close_s * _S
        self.end_ns = self.start_ns + config.duration_s * _S
        self.clock = SimClock(self.start_ns - 120 * _S)
        self.market: Market = open_market(store, sequencer_key, self.clock)
        self.data = MarketData(self.specs)
        self.faults = Faults(config.faults, config.seed)
        self.surveillance_enabled = config.surveil
        self.journal_alerts = RaiseAlert in OWNERS
        self.surveillance = Surveillance()
        self.alerts: list[RaiseAlert] = []
        self.alert_ns: list[int] = []
        self._alerted_ids: set[str] = set()
        self._outbox: list[RaiseAlert] = []
        self._read_seq = 0
        self._client_ids: dict[str, int] = {}
        self._unacked: list[str] = []
        self.public: list[PublicEntry] = []
        self.public_events = 0
        cast = build_agents(config, self.specs, self.start_ns, self.end_ns)
        self.agents: list[Agent] = cast.agents
        self.manipulators: list[Manipulator] = cast.manipulators
        self.institution = cast.institution
        self.accounts: dict[str, dict[str, str]] = {}

    @property
    def now_ns(self) -> int:
        return self.clock.time_ns

    @property
    def step_ns(self) -> int:
        return self.config.step_ns

    def spec(self, symbol: str) -> SymbolSpec:
        return self.specs[symbol]

    # --- set-up ------------------------------------------------------------------------------

    def setup(self) -> None:
        market = self.market
        configure_assets(market)
        register_brokers(market)
        create_markets(market, tuple(sorted(self.specs)))
        for agent in self.agents:
            for index, (person, broker_id, salt_label, owner_index) in enumerate(agent.people):
                owner = agent.accounts[owner_index].account_id if owner_index >= 0 else ""
                account_id = self._onboard(person, broker_id, salt_label, owner)
                account = Account(
                    salt_label, broker_id, account_id, self.projector.pseudonym(account_id)
                )
                agent.accounts.append(account)
                self.accounts[account.pseudonym] = {
                    "agent": agent.name,
                    "role": agent.role,
                    "person": person,
                    "broker_id": broker_id,
                    "account_id": account_id,
                }
                self._fund(agent, index, account)
            if isinstance(agent, Manipulator):
                for index, role in agent.restricted:
                    outcome = market.submit(
                        RestrictAccount(AccountId(agent.accounts[index].account_id), role), "venue"
                    )
                    _require(outcome.rejection is None, f"restricting: {outcome.rejection}")
        market.commit()
        self._read_committed()

    def _onboard(self, person: str, broker_id: str, salt_label: str, owner: str) -> str:
        kyc, _ = kyc_for(person)
        salt = hashlib.sha256(b"seawall-sim-salt:" + salt_label.encode()).digest()
        command = OnboardClient(
            broker_id=broker_id,
            kyc=kyc,
            kyc_salt=salt,
            investor_class=InvestorClass.PROFESSIONAL,
            portfolio_hkd_minor=50_000_000_00,
            evidence_ref="bank-statement-2026",
            actor=ActorKind.ALGORITHM if owner else ActorKind.HUMAN,
            algorithm_owner=owner,
        )
        outcome = self.market.submit(command, "identity")
        _require(outcome.rejection is None, f"onboarding {salt_label}: {outcome.rejection}")
        account_id = account_id_for(kyc, salt)
        assessed = RecordSuitability(account_id, True, 80, "assessment-2026")
        outcome = self.market.submit(assessed, "identity")
        _require(outcome.rejection is None, f"suitability of {salt_label}: {outcome.rejection}")
        return account_id

    def _fund(self, agent: Agent, index: int, account: Account) -> None:
        assets = sorted(
            {a for spec in self.specs.values() for a in (spec.base_asset, spec.quote_asset)}
        )
        label = account.name.upper().replace("#", "-")
        for asset in assets:
            origin = (
                agent.origins.get(index, f"HK-BANK-{label}")
                if asset in ("USD", "HKD")
                else f"{asset.lower()}1q{label.lower()}"
            )
            outcome = deposit(
                self.market,
                f"dep-{account.account_id[5:]}-{asset}",
                account.broker_id,
                account.account_id,
                asset,
                _FUNDING.get(asset, 10**12),
                origin,
            )
            _require(outcome.rejection is None, f"funding {account.name}: {outcome.rejection}")

    # --- what agents may do ------------------------------------------------------------------

    def _submit(self, command: object, submitter: str) -> Any:
        copies = self.faults.copies()
        first = None
        for _ in range(copies):
            outcome = self.market.submit(command, submitter)
            if first is None:
                first = outcome
        return first

    def place(
        self,
        account: Account,
        symbol: str,
        side: Side,
        price_ticks: int,
        quantity_lots: int,
        order_type: OrderType = OrderType.LIMIT,
        time_in_force: TimeInForce = TimeInForce.GTC,
        stp_mode: StpMode = StpMode.EXPIRE_TAKER,
    ) -> OwnOrder | None:
        if price_ticks <= 0 or quantity_lots <= 0:
            return None
        number = self._client_ids.get(account.account_id, 0) + 1
        self._client_ids[account.account_id] = number
        client_order_id = f"c{number}"
        command = PlaceOrder(
            broker_id=account.broker_id,
            account_id=account.account_id,
            client_order_id=client_order_id,
            symbol=symbol,
            side=side,
            order_type=order_type,
            time_in_force=time_in_force,
            price_ticks=price_ticks,
            quantity_lots=quantity_lots,
            stp_mode=stp_mode,
        )
        outcome = self._submit(command, account.broker_id)
        if outcome is None or outcome.rejection is not None or not outcome.events:
            return None
        broker_order_id: str = outcome.events[0].broker_order_id
        order = OwnOrder(
            broker_order_id,
            client_order_id,
            symbol,
            side,
            price_ticks,
            quantity_lots,
            self.now_ns,
            quantity_lots,
        )
        if time_in_force == TimeInForce.GTC:
            self.data.track(account.pseudonym, order)
            self._unacked.append(broker_order_id)
        return order

    def cancel(self, account: Account, order: OwnOrder) -> None:
        self.data.forget(order.broker_order_id)
        self._submit(
            RequestCancel(account.broker_id, account.account_id, order.broker_order_id),
            account.broker_id,
        )

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> RunResult:
        self.setup()
        crashes = sorted(self.start_ns + s * _S for s in self.config.faults.crash_at_s)
        surveillance_crashes = sorted(
            self.start_ns + s * _S for s in self.config.faults.surveillance_crash_at_s
        )
        step = self.config.step_ns
        now = self.start_ns
        while now < self.end_ns:
            self.clock.time_ns = now
            for agent in self.agents:
                agent.step(self)
            if crashes and now >= crashes[0]:
                crashes.pop(0)
                self._crash()
            else:
                self._commit()
            if surveillance_crashes and now >= surveillance_crashes[0]:
                surveillance_crashes.pop(0)
                self._surveillance_crash()
            self._surveil()
            now += step
        self.clock.time_ns = self.end_ns
        for manipulator in self.manipulators:
            manipulator.finish()
        self._commit()
        self._surveil()
        labels = [label for m in self.manipulators for label in m.labels]
        seal = self.store.last_seal()
        return RunResult(
            config=self.config,
            labels=labels,
            alerts=list(self.alerts),
            alert_ns=list(self.alert_ns),
            journaled=self.journal_alerts,
            last_seq=self.market.last_seq,
            head_hash=seal.head_hash if seal is not None else bytes(32),
            state_hash=self.market.state_hash(),
            public_events=self.public_events,
            accounts=self.accounts,
            faults=dict(self.faults.counts),
            public=self.public,
        )

    def _commit(self) -> None:
        self.market.commit()
        self._unacked = []
        self._read_committed()

    def _crash(self) -> None:
        """The market process dies before committing: what was pending is lost."""
        self.faults.counts["crashes"] += 1
        for broker_order_id in self._unacked:
            self.data.forget(broker_order_id)
        self._unacked = []
        self.market = Market(self.store, self.key, self.clock)
        self._read_committed()

    def _surveillance_crash(self) -> None:
        """Surveillance loses its state and rebuilds it from the committed public stream."""
        self.faults.counts["surveillance_crashes"] += 1
        rebuilt = Surveillance(run_from_seq=self.surveillance.run_from_seq)
        for entry in self._public_range(1, self._read_seq):
            for alert in rebuilt.feed(entry):
                if alert.alert_id not in self._alerted_ids:
                    self._outbox.append(alert)
        self.surveillance = rebuilt

    def _public_range(self, first: int, last: int) -> list[PublicEntry]:
        if self.public and len(self.public) >= last:
            return self.public[first - 1 : last]
        return [self.projector.project(stored.body) for stored in self.store.read(first, last)]

    def _read_committed(self) -> None:
        """Project the newly committed entries; feed market data and surveillance."""
        seal = self.store.last_seal()
        last = seal.last_seq if seal is not None else 0
        if last <= self._read_seq:
            return
        surveil = self.surveillance_enabled
        for stored in self.store.read(self._read_seq + 1, last):
            entry = self.projector.project(stored.body)
            if self.config.keep_public:
                self.public.append(entry)
            self.data.apply(entry.timestamp_ns, entry.events)
            self.public_events += len(entry.events)
            if entry.command.get("k") == RAISE_ALERT_TAG:
                self._journaled(entry)
            if surveil:
                self._outbox += self.surveillance.feed(entry)
        self._read_seq = last

    def _journaled(self, entry: PublicEntry) -> None:
        alert_id = entry.command.get("alert_id", "")
        if entry.rejection is None:
            self.alerts.append(msgspec.convert(entry.command, RaiseAlert))
            self.alert_ns.append(entry.timestamp_ns)
        self._alerted_ids.add(alert_id)

    def _surveil(self) -> None:
        """Submit what surveillance found (journaled when the market knows surveillance)."""
        if not self._outbox:
            return
        outbox, self._outbox = self._outbox, []
        if not self.journal_alerts:
            for alert in outbox:
                if alert.alert_id not in self._alerted_ids:
                    self._alerted_ids.add(alert.alert_id)
                    self.alerts.append(alert)
                    self.alert_ns.append(alert.observed_ns)
            return
        for alert in outbox:
            if alert.alert_id in self._alerted_ids:
                continue
            copies = self.faults.copies()
            for _ in range(copies):
                self.market.submit(alert, _SURVEILLANCE)
            if copies == 0:
                self._outbox.append(alert)
        self._commit()


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def run(
    config: SimConfig,
    data: Path | None = None,
    sequencer_key: SigningKey | None = None,
    projection_key: bytes | None = None,
) -> RunResult:
    """Run ``config`` on a memory journal, or on ``data/journal.sqlite`` (a fresh directory)
    writing ``labels.json``, ``alerts.json`` and ``run.json`` beside it. Keys default to ones
    derived from the seed, so the same seed gives the same journal, byte for byte."""
    label = f"seawall-sim/{config.seed}"
    sequencer_key = sequencer_key or SigningKey.from_label(f"{label}/sequencer")
    if projection_key is None:
        projection_key = hashlib.sha256(f"{label}/projection".encode()).digest()
    if data is None:
        return Simulation(config, MemoryJournalStore(), sequencer_key, projection_key).run()
    data.mkdir(parents=True, exist_ok=True)
    with open_store(data / "journal.sqlite") as store:
        result = Simulation(config, store, sequencer_key, projection_key).run()
    write_outputs(data, result)
    return result


def write_outputs(data: Path, result: RunResult) -> None:
    """``labels.json`` (ground truth, with the private account behind each pseudonym: keep it
    private), ``alerts.json`` and ``run.json``."""
    labels = [msgspec.to_builtins(label) for label in result.labels]
    (data / "labels.json").write_text(
        json.dumps({"labels": labels, "accounts": result.accounts}, indent=1, sort_keys=True) + "\n"
    )
    alerts = [
        {**msgspec.to_builtins(alert), "alert_ns": when}
        for alert, when in zip(result.alerts, result.alert_ns, strict=True)
    ]
    (data / "alerts.json").write_text(json.dumps(alerts, indent=1, sort_keys=True) + "\n")
    summary = {
        "seed": result.config.seed,
        "scenario": result.config.scenario,
        "duration_s": result.config.duration_s,
        "last_seq": result.last_seq,
        "head_hash": result.head_hash.hex(),
        "state_hash": result.state_hash.hex(),
        "public_events": result.public_events,
        "alerts": len(result.alerts),
        "alerts_journaled": result.journaled,
        "labels": len(result.labels),
        "faults": result.faults,
        "alerts_sha256": hashlib.sha256(
            b"".join(encode(alert) for alert in result.alerts)
        ).hexdigest(),
    }
    (data / "run.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
