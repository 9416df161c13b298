"""Surveillance test fixtures.

* ``driver``: decides and applies surveillance commands, each under the next journal ``seq``
  (the submitter chosen per command), checking invariants after each;
* ``alert``: a valid ``RaiseAlert`` with fields overridable;
* ``stream``: builds public entries (maps with pseudonyms, as ``kernel.projection`` writes them)
  for detectors, one entry per call, with a controllable clock;
* ``registered``: runs the test with surveillance registered in the kernel (as the kernel
  owner will register it), by patching the registry's tables for the test only; a no-op once
  the kernel knows surveillance.

Tests run under ``--import-mode=importlib``: modules cannot import this file, they get what they
need through the fixtures.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest

from seawall.core.machine import Context, Rejection
from seawall.public.schema import PROJECTION_VERSION, PublicEntry
from seawall.surveillance import (
    AlertType,
    RaiseAlert,
    SurveillanceCommand,
    SurveillanceEvent,
    SurveillanceState,
    check_invariants,
    decide,
    evolve,
)

START_NS = 1_767_225_600_000_000_000
P1 = "p" + "1" * 24
P2 = "p" + "2" * 24
P3 = "p" + "3" * 24


@dataclass
class Driver:
    """Runs commands against a state under increasing seqs."""

    seq: int = 100
    log: list[tuple[Context, SurveillanceCommand]] = field(default_factory=list)
    events: list[SurveillanceEvent] = field(default_factory=list)

    def ctx(self, submitter: str = "surveillance") -> Context:
        seq = self.seq + 1
        return Context(seq=seq, timestamp_ns=START_NS + seq * 1_000_000, submitter=submitter)

    def run(
        self,
        state: SurveillanceState,
        command: SurveillanceCommand,
        submitter: str = "surveillance",
    ) -> list[SurveillanceEvent] | Rejection:
        ctx = self.ctx(submitter)
        self.seq += 1
        self.log.append((ctx, command))
        outcome = decide(state, command, ctx)
        if not isinstance(outcome, Rejection):
            for event in outcome:
                evolve(state, event)
                self.events.append(event)
        check_invariants(state)
        return outcome

    def ok(
        self,
        state: SurveillanceState,
        command: SurveillanceCommand,
        submitter: str = "surveillance",
    ) -> list[SurveillanceEvent]:
        outcome = self.run(state, command, submitter)
        assert not isinstance(outcome, Rejection), outcome
        return outcome

    def code(
        self,
        state: SurveillanceState,
        command: SurveillanceCommand,
        submitter: str = "surveillance",
    ) -> int:
        outcome = self.run(state, command, submitter)
        assert isinstance(outcome, Rejection), f"accepted: {outcome}"
        return outcome.code


@pytest.fixture
def driver() -> Driver:
    return Driver()


@pytest.fixture
def alert() -> Callable[..., RaiseAlert]:
    def make(**overrides: Any) -> RaiseAlert:
        fields: dict[str, Any] = {
            "alert_id": "wash.same_owner-50-0",
            "alert_type": AlertType.WASH_TRADING,
            "detector": "wash.same_owner",
            "detector_version": 1,
            "parameters": {"cooldown_ns": 600_000_000_000},
            "seq_from": 1,
            "seq_to": 50,
            "observed_ns": START_NS + 50,
            "symbol": "BTCUSD",
            "subjects": (P1,),
            "evidence": {"link": "same_account", "trade_seqs": (48, 50)},
        }
        fields.update(overrides)
        return RaiseAlert(**fields)

    return make


class Stream:
    """Public entries for detectors, one per call (see the module docstring)."""

    def __init__(self) -> None:
        self.entries: list[PublicEntry] = []
        self.now_ns = START_NS
        self.next_order_id = 1
        self.next_trade_id = 1
        self.book: dict[int, dict[str, Any]] = {}
        self.levels: dict[str, dict[tuple[int, int], int]] = {}

    def _entry(self, command: dict[str, Any], events: list[dict[str, Any]]) -> PublicEntry:
        entry = PublicEntry(
            projection_version=PROJECTION_VERSION,
            seq=len(self.entries) + 1,
            timestamp_ns=self.now_ns,
            logic_version=5,
            submitter="kernel",
            command=command,
            events=events,
            rejection=None,
            entry_hash=bytes(32),
        )
        self.entries.append(entry)
        return entry

    def advance(self, seconds: float) -> None:
        self.now_ns += int(seconds * 1_000_000_000)

    def market(self, symbol: str = "BTCUSD", restricted: tuple[str, ...] = ()) -> None:
        event = {
            "k": "venue.market_created",
            "symbol": symbol,
            "base_asset": symbol[:3],
            "quote_asset": symbol[3:],
            "tick_size": "0.01",
            "lot_size": "0.00001",
            "min_notional_tick_lots": 0,
            "price_band_bps": 0,
            "reference_price_ticks": 9_000_000,
            "restricted_accounts": list(restricted),
        }
        self._entry({"k": "venue.create_market"}, [event])

    def onboard(
        self, account: str, broker: str = "broker-a", kyc: str = "", owner: str = ""
    ) -> None:
        event = {
            "k": "identity.client_onboarded",
            "account_id": account,
            "broker_id": broker,
            "investor_class": "professional",
            "actor": "algorithm" if owner else "human",
            "algorithm_owner": owner,
            "kyc_commitment": "h:" + account[1:17],
            "kyc": kyc or "h:kyc-" + account,
            "kyc_salt": "h:salt-" + account,
        }
        self._entry({"k": "identity.onboard_client"}, [event])

    def deposit(self, account: str, origin: str, broker: str = "broker-a") -> None:
        event = {
            "k": "custody.deposit_confirmed",
            "deposit_id": f"d-{len(self.entries)}",
            "broker_id": broker,
            "account_id": account,
            "asset": "USD",
            "amount_minor": 10**9,
            "origin": origin,
        }
        self._entry({"k": "custody.confirm_deposit"}, [event])

    def restrict(self, account: str, role: int = 1) -> None:
        event = {"k": "venue.account_restricted", "account_id": account, "role": role}
        self._entry({"k": "venue.restrict_account"}, [event])

    def order(
        self,
        account: str,
        side: int,
        price: int,
        lots: int,
        symbol: str = "BTCUSD",
        tif: int = 1,
    ) -> int:
        """A resting order (GTC limit), or an IOC that trades against the book first."""
        order_id = self.next_order_id
        self.next_order_id += 1
        events: list[dict[str, Any]] = [
            {
                "k": "venue.accepted",
                "symbol": symbol,
                "order_id": order_id,
                "account_id": account,
                "client_order_id": f"b-{order_id}",
                "side": side,
                "order_type": 1,
                "time_in_force": tif,
                "price_ticks": price,
                "quantity_lots": lots,
                "quote_quantity_tick_lots": 0,
                "stp_mode": 1,
                "stp_group": account,
            }
        ]
        left = lots
        makers = [
            (maker_id, maker)
            for maker_id, maker in self.book.items()
            if maker["side"] != side
            and maker["symbol"] == symbol
            and (maker["price"] <= price if side == 1 else maker["price"] >= price)
        ]
        sign = 1 if side == 1 else -1
        makers.sort(key=lambda item: (sign * item[1]["price"], item[0]))
        for maker_id, maker in makers:
            if not left:
                break
            traded = min(left, maker["open"])
            left -= traded
            maker["open"] -= traded
            events.append(
                {
                    "k": "venue.trade",
                    "symbol": symbol,
                    "trade_id": self.next_trade_id,
                    "price_ticks": maker["price"],
                    "quantity_lots": traded,
                    "aggressor_side": side,
                    "maker_order_id": maker_id,
                    "maker_account_id": maker["account"],
                    "taker_order_id": order_id,
                    "taker_account_id": account,
                }
            )
            self.next_trade_id += 1
            if not maker["open"]:
                del self.book[maker_id]
        if left and tif == 1:
            self.book[order_id] = {
                "account": account,
                "side": side,
                "price": price,
                "open": left,
                "symbol": symbol,
            }
        elif left:
            events.append(
                {
                    "k": "venue.expired",
                    "symbol": symbol,
                    "order_id": order_id,
                    "account_id": account,
                    "reason": 1,
                    "quantity_lots": left,
                    "quote_quantity_tick_lots": 0,
                }
            )
        events += self._deltas(symbol)
        self._entry({"k": "venue.place_order"}, events)
        return order_id

    def cancel(self, order_id: int) -> None:
        order = self.book.pop(order_id)
        events = [
            {
                "k": "venue.cancelled",
                "symbol": order["symbol"],
                "order_id": order_id,
                "account_id": order["account"],
                "reason": 1,
                "quantity_lots": order["open"],
            },
            *self._deltas(order["symbol"]),
        ]
        self._entry({"k": "venue.cancel_order"}, events)

    def _deltas(self, symbol: str) -> list[dict[str, Any]]:
        """One ``venue.book_delta`` per level whose total changed (0: the level is gone)."""
        levels: dict[tuple[int, int], int] = {}
        for order in self.book.values():
            if order["symbol"] == symbol:
                key = (order["side"], order["price"])
                levels[key] = levels.get(key, 0) + order["open"]
        before = self.levels.get(symbol, {})
        self.levels[symbol] = levels
        changed = sorted(set(levels) | set(before))
        return [
            {
                "k": "venue.book_delta",
                "symbol": symbol,
                "update_seq": 0,
                "side": side,
                "price_ticks": price,
                "quantity_lots": levels.get((side, price), 0),
            }
            for side, price in changed
            if levels.get((side, price), 0) != before.get((side, price), 0)
        ]


@pytest.fixture
def stream() -> Stream:
    return Stream()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Surveillance registered in the kernel for this test (see the module docstring)."""
    import importlib

    from seawall.kernel.institution import Institution
    from seawall.surveillance import commands, events, machine

    # ``seawall.kernel`` re-exports functions named like some of its modules: import by path.
    kernel = {
        name: importlib.import_module(f"seawall.kernel.{name}")
        for name in ("attest", "execute", "market", "pipeline", "registry", "replay", "state")
    }
    pipeline, execute, registry = kernel["pipeline"], kernel["execute"], kernel["registry"]
    if RaiseAlert in pipeline.OWNERS:
        yield
        return
    institution = Institution(
        name="surveillance",
        commands=commands.COMMANDS,
        events=events.EVENTS,
        new_state=machine.new_state,
        decide=machine.decide,
        evolve=machine.evolve,
        state_hash=machine.state_hash,
        check_invariants=machine.check_invariants,
        snapshot=machine.snapshot,
        restore=machine.restore,
    )
    everyone = (*registry.INSTITUTIONS, institution)
    for name in ("registry", "market", "replay", "state", "attest"):
        monkeypatch.setattr(kernel[name], "INSTITUTIONS", everyone)
    # The table is shared by name (the simulator holds it too): change it in place.
    for command_type in commands.COMMANDS:
        monkeypatch.setitem(pipeline.OWNERS, command_type, institution)
    union: Any = typing.Union[tuple(pipeline.OWNERS)]  # noqa: UP007
    monkeypatch.setattr(execute, "_command_decoder", msgspec.msgpack.Decoder(union))
    yield
