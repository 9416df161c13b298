"""Routes: an event becomes another command, journaled as its own entry by ``kernel``, in the
same commit group; replay re-derives follow-ons and refuses a forged or missing one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.clock import StepClock
from seawall.core.errors import ConditionFailed
from seawall.core.ids import AccountId, AssetCode
from seawall.core.machine import Context
from seawall.core.signing import SigningKey
from seawall.journal import Entry
from seawall.kernel import ReplayDivergence, replay
from seawall.kernel.routes import ROUTES
from seawall.ledger.commands import DefineAsset, OpenAccount
from seawall.ledger.events import AssetDefined
from seawall.ledger.state import AccountKind
from seawall.sim.genesis import licence_commands, open_market

KEY = SigningKey.from_label("routes")
G = len(licence_commands())


def _fees_account(event: Any, ctx: Context, states: Any, cause: Any = None) -> list[Any]:
    return [OpenAccount(AccountId(f"fees-{event.code.lower()}"), AccountKind.HOUSE, event.code)]


@pytest.fixture
def route() -> Iterator[None]:
    ROUTES[AssetDefined] = _fees_account
    yield
    del ROUTES[AssetDefined]


def test_an_event_becomes_a_kernel_entry_right_after_its_cause(route: None) -> None:
    store = MemoryJournalStore()
    market = open_market(store, KEY, StepClock())
    outcome = market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
    market.submit(DefineAsset(AssetCode("USD"), 2), "custody")  # rejected: no follow-on
    market.commit()
    assert outcome.accepted and outcome.seq == G + 1
    entries = [Entry.decode(body) for _, body in store.read(G + 1)]
    assert [(e.seq - G, e.submitter) for e in entries] == [
        (1, "custody"),
        (2, "kernel"),
        (3, "custody"),
    ]
    assert entries[1].rejection is None
    assert [s.last_seq for s in store.seals()][-1] == G + 3
    assert replay(store).state_hash == market.state_hash()


def test_nobody_else_may_submit_as_the_kernel(route: None) -> None:
    market = open_market(MemoryJournalStore(), KEY, StepClock())
    with pytest.raises(ConditionFailed):
        market.submit(DefineAsset(AssetCode("USD"), 2), "kernel")


def test_replay_refuses_a_kernel_entry_no_route_derived(route: None) -> None:
    store = MemoryJournalStore()
    market = open_market(store, KEY, StepClock())
    market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
    market.commit()
    del ROUTES[AssetDefined]
    with pytest.raises(ReplayDivergence) as caught:
        replay(store)
    assert caught.value.seq == G + 2
    ROUTES[AssetDefined] = _fees_account


def test_replay_refuses_a_journal_missing_a_follow_on(route: None) -> None:
    store = MemoryJournalStore()
    market = open_market(store, KEY, StepClock())
    market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
    market.commit()
    ROUTES[AssetDefined] = lambda event, ctx, states, cause: [
        *_fees_account(event, ctx, states),
        *_fees_account(event, ctx, states),
    ]
    with pytest.raises(ReplayDivergence, match="follow-ons missing"):
        replay(store)
    ROUTES[AssetDefined] = _fees_account


def test_a_rejected_follow_on_takes_its_rejection_route(route: None) -> None:
    from seawall.core.machine import Rejection
    from seawall.kernel.routes import REJECTION_ROUTES
    from seawall.ledger.commands import FreezeAccount

    def tell(command: Any, rejection: Rejection, ctx: Context, states: Any) -> list[Any]:
        return [FreezeAccount(AccountId(f"fees-{command.asset.lower()}"))]

    store = MemoryJournalStore()
    market = open_market(store, KEY, StepClock())
    market.submit(OpenAccount(AccountId("fees-usd"), AccountKind.HOUSE), "custody")
    REJECTION_ROUTES[OpenAccount] = tell
    try:
        market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
        market.commit()
        entries = [Entry.decode(body) for _, body in store.read(G + 1)]
        # 2 defines USD; 3 (kernel) fails to open fees-usd again; 4 (kernel) freezes it.
        assert [e.submitter for e in entries] == ["custody", "custody", "kernel", "kernel"]
        assert entries[2].rejection is not None and entries[2].rejection.name == "ACCOUNT_EXISTS"
        assert entries[3].rejection is None
        assert replay(store).state_hash == market.state_hash()
    finally:
        del REJECTION_ROUTES[OpenAccount]


def test_listeners_see_every_entry_and_commits_are_announced() -> None:
    from seawall.kernel.market import Sequenced

    store = MemoryJournalStore()
    market = open_market(store, KEY, StepClock())
    seen: list[Sequenced] = []
    committed: list[int] = []
    market.listeners.append(seen.append)
    market.on_commit.append(committed.append)
    market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
    market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
    assert committed == []
    market.commit()
    assert [entry.seq for entry in seen] == [G + 1, G + 2]
    assert seen[0].events and seen[1].rejection is not None
    assert isinstance(seen[0].command, DefineAsset)
    assert committed == [G + 2]
