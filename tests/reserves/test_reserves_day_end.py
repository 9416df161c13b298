"""Day-end snapshots by the market's clock: crossing the cut-off takes exactly one snapshot per
business day, covering what was journaled before the cut-off; a restart takes nothing twice; a
missed day-end is taken once on the next start; every snapshot is kept, anchored, and a client
proves a past balance from it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from seawall.core.errors import OperatingError
from seawall.custody.commands import PublishReserves
from seawall.kernel import Outcome
from seawall.ledger import machine as ledger_machine
from seawall.node.day_end import DayEndScheduler
from seawall.node.day_end_schedule import DayEndSchedule
from seawall.node.por import archive_of
from seawall.reserves.proof import proof_from_json, verify_proof
from seawall.reserves.tree import PrivacyPolicy
from seawall.sim.setup import deposit

SMALL = PrivacyPolicy(split_parts=2, leaves_min=16)


def scheduler(day_market: Any, **kwargs: Any) -> DayEndScheduler:
    anchor = kwargs.pop("anchor", day_market.anchor)
    return DayEndScheduler(day_market.data, day_market.clock, anchor, policy=SMALL, **kwargs)


def at(day_market: Any, *fields: int) -> None:
    day_market.clock.set(datetime(*fields, tzinfo=UTC))  # type: ignore[misc]


def alice_usd(day_market: Any) -> int:
    account = f"client:broker-a:{day_market.accounts['alice']}"
    return ledger_machine.balance(day_market.market.state("ledger"), account, "USD")


def fund_alice(day_market: Any, deposit_id: str, amount_minor: int) -> None:
    outcome = deposit(
        day_market.market,
        deposit_id,
        "broker-a",
        day_market.accounts["alice"],
        "USD",
        amount_minor,
        "HK-BANK-ALICE",
    )
    assert outcome.rejection is None, outcome.rejection
    day_market.market.commit()


def proven_usd(day_market: Any, snapshot_id: str) -> int:
    """Alice's USD in a kept snapshot, as her proof (checked against the kept root) says."""
    archive = archive_of(day_market.data)
    alice = f"client:broker-a:{day_market.accounts['alice']}"
    proof = proof_from_json(archive.proof_text(snapshot_id, alice))
    root = bytes.fromhex(archive.record(snapshot_id).root)
    verified = verify_proof(proof, root, snapshot_id, alice)
    return verified.balances_minor[[a.code for a in verified.assets].index("USD")]


def anchors(day_market: Any) -> dict[str, bytes]:
    published: dict[str, bytes] = day_market.market.state("custody").reserves_published
    return published


def day_ids(day_market: Any) -> list[str]:
    return [r.snapshot_id for r in archive_of(day_market.data).records() if r.day is not None]


def test_crossing_the_cutoff_takes_exactly_one_snapshot_per_day(day_market: Any) -> None:
    days = scheduler(day_market)
    assert days.tick() is None  # 10:00 in Hong Kong: the day is open, and the market is younger
    at(day_market, 2026, 3, 2, 15, 59)
    assert days.tick() is None
    at(day_market, 2026, 3, 2, 16, 0)  # midnight in Hong Kong: 2 March ends
    before_cutoff_seq = day_market.market.last_seq
    usd_at_cutoff = alice_usd(day_market)
    fund_alice(day_market, "dep-alice-after-midnight", 1_000_00)  # the next day's business
    day_market.market.take_snapshot()  # a journal snapshot after the cut-off is not used
    first = days.tick()
    assert first is not None
    assert (first.snapshot_id, first.day, first.status) == (
        "day-2026-03-02",
        date(2026, 3, 2),
        "COVERED",
    )
    assert first.journal_seq == before_cutoff_seq
    assert proven_usd(day_market, "day-2026-03-02") == usd_at_cutoff
    assert days.tick() is None
    at(day_market, 2026, 3, 3, 9, 0)
    assert days.tick() is None
    at(day_market, 2026, 3, 3, 16, 0)
    second = days.tick()
    assert second is not None and second.snapshot_id == "day-2026-03-03"
    assert second.journal_seq > before_cutoff_seq + 1
    assert days.tick() is None
    assert day_ids(day_market) == ["day-2026-03-02", "day-2026-03-03"]
    assert [r.snapshot_id for r in days.taken] == ["day-2026-03-02", "day-2026-03-03"]
    assert sorted(anchors(day_market)) == ["day-2026-03-02", "day-2026-03-03"]


def test_each_day_end_is_kept_anchored_and_proves_a_past_balance(day_market: Any) -> None:
    days = scheduler(day_market)
    at(day_market, 2026, 3, 2, 16, 0)
    then_usd = alice_usd(day_market)
    first = days.tick()
    fund_alice(day_market, "dep-alice-next-day", 2_500_00)
    at(day_market, 2026, 3, 3, 16, 0)
    days.tick()
    assert first is not None and alice_usd(day_market) == then_usd + 2_500_00
    archive = archive_of(day_market.data)
    record = archive.record(archive.resolve("2026-03-02"))
    assert record.anchor_seq == first.anchor_seq and record.log_index == first.anchor_seq - 1
    assert anchors(day_market)["day-2026-03-02"].hex() == record.root
    assert record.day == "2026-03-02" and record.cutoff_ns == day_market.clock.now - 86_400 * 10**9
    for wanted, usd in (("2026-03-02", then_usd), ("day-2026-03-03", then_usd + 2_500_00)):
        assert proven_usd(day_market, archive.resolve(wanted)) == usd
    document = json.loads((archive.folder("day-2026-03-02") / "snapshot.json").read_text())
    assert document["day_end"] == {
        "day": "2026-03-02",
        "cutoff_ns": record.cutoff_ns,
        "schedule": "00:00+08:00",
    }
    assert archive.latest_id() == "day-2026-03-03"


def test_a_restart_takes_nothing_twice(day_market: Any) -> None:
    at(day_market, 2026, 3, 2, 16, 0)
    assert scheduler(day_market).tick() is not None
    folder = archive_of(day_market.data).folder("day-2026-03-02")
    kept = (folder / "snapshot.json").read_bytes()
    restarted = scheduler(day_market)
    at(day_market, 2026, 3, 2, 18, 0)
    assert restarted.tick() is None
    assert restarted.tick() is None
    assert (folder / "snapshot.json").read_bytes() == kept
    assert list(anchors(day_market)) == ["day-2026-03-02"]


def test_a_missed_day_end_is_taken_once_on_the_next_start(day_market: Any) -> None:
    last_seq = day_market.market.last_seq
    at(day_market, 2026, 3, 5, 3, 0)  # down over three cut-offs: 2, 3 and 4 March
    restarted = scheduler(day_market)
    taken = restarted.tick()
    assert taken is not None
    assert (taken.snapshot_id, taken.journal_seq) == ("day-2026-03-04", last_seq)
    assert restarted.tick() is None
    assert scheduler(day_market).tick() is None
    assert day_ids(day_market) == ["day-2026-03-04"]


def test_a_snapshot_kept_but_not_anchored_is_anchored_after_a_crash(day_market: Any) -> None:
    def down(command: PublishReserves) -> Outcome:
        raise OperatingError("the market writer is not running")

    at(day_market, 2026, 3, 2, 16, 0)
    with pytest.raises(OperatingError):
        scheduler(day_market, anchor=down).tick()
    archive = archive_of(day_market.data)
    assert archive.record("day-2026-03-02").anchor_seq is None and not anchors(day_market)
    kept = (archive.folder("day-2026-03-02") / "snapshot.json").read_bytes()
    taken = scheduler(day_market).tick()
    assert taken is not None and archive.record("day-2026-03-02").anchor_seq == taken.anchor_seq
    assert anchors(day_market)["day-2026-03-02"].hex() == archive.record("day-2026-03-02").root
    assert (archive.folder("day-2026-03-02") / "snapshot.json").read_bytes() == kept


def test_an_anchor_journaled_but_not_noted_is_found_not_repeated(day_market: Any) -> None:
    at(day_market, 2026, 3, 2, 16, 0)
    taken = scheduler(day_market).tick()
    assert taken is not None
    publication = archive_of(day_market.data).folder("day-2026-03-02") / "publication.json"
    fields = json.loads(publication.read_text())
    for name in ("journal_seq", "log_index"):
        del fields[name]
    publication.write_text(json.dumps(fields))  # as if the node died right after anchoring
    last_seq = day_market.market.last_seq
    again = scheduler(day_market).tick()
    assert again is not None and again.anchor_seq == taken.anchor_seq
    assert day_market.market.last_seq == last_seq + 1  # the refused second anchor, journaled
    assert list(anchors(day_market)) == ["day-2026-03-02"]


def test_the_cutoff_is_configurable(day_market: Any) -> None:
    days = scheduler(day_market, schedule=DayEndSchedule.parse("17:00+08:00"))
    at(day_market, 2026, 3, 2, 8, 59)  # 16:59 in Hong Kong
    assert days.tick() is None
    at(day_market, 2026, 3, 2, 9, 0)
    taken = days.tick()
    assert taken is not None and taken.snapshot_id == "day-2026-03-02"
    document = json.loads(
        (archive_of(day_market.data).folder(taken.snapshot_id) / "snapshot.json").read_text()
    )
    assert document["day_end"]["schedule"] == "17:00+08:00"


def test_a_commit_group_across_the_cutoff_belongs_to_the_next_day(day_market: Any) -> None:
    at(day_market, 2026, 3, 2, 15, 59)
    before = day_market.market.last_seq
    usd = alice_usd(day_market)
    market, alice = day_market.market, day_market.accounts["alice"]
    deposit(market, "dep-late-1", "broker-a", alice, "USD", 100, "HK-BANK-ALICE")
    at(day_market, 2026, 3, 2, 16, 0)
    deposit(market, "dep-late-2", "broker-a", alice, "USD", 100, "HK-BANK-ALICE")
    market.commit()  # one group: sequenced before and after midnight, acknowledged after
    taken = scheduler(day_market).tick()
    assert taken is not None and taken.journal_seq == before
    assert proven_usd(day_market, taken.snapshot_id) == usd
