"""Taking a proof-of-reserves snapshot of a data directory's market, and anchoring it.

What ``seawall por snapshot`` does on demand and the day-end scheduler (``node.day_end``) does at
every cut-off, in one place so that both build, keep and anchor a snapshot the same way:

1. the market's state at a point of its journal (``journal_point``): the end of the last commit
   group sealed before a cut-off, or the whole journal; recovered from this directory's own
   read connection (``states_at``), so a served market keeps running meanwhile;
2. the snapshot built from it (``build_data_snapshot``): liabilities from the ledger, custody's
   wallets mirrored on the in-memory chain, each signing the snapshot's challenge;
3. kept in ``DATA/por`` (``node.por_archive``);
4. anchored: custody's ``PublishReserves`` submitted to the market (``publish_snapshot``) through
   whatever owns it, an ``Anchor``: the served market's writer, or the journal opened here
   (``anchor_offline``) when nothing serves it. The anchoring entry's seq (and so its
   transparency-log index) is noted beside the snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from seawall.adapters.chain import MemoryChain
from seawall.adapters.storage import open_store
from seawall.core.errors import ConditionFailed
from seawall.custody.commands import PublishReserves
from seawall.custody.rejections import CustodyRejection
from seawall.journal import JournalStore, Seal, Snapshot, StoredEntry
from seawall.journal.verify import decode_entry
from seawall.kernel import Market, Outcome
from seawall.kernel.replay import recover
from seawall.node.keys import load_keys
from seawall.node.por_archive import SnapshotArchive
from seawall.reserves.publish import publication_for
from seawall.reserves.reserves import WalletBook
from seawall.reserves.snapshot import (
    PorSnapshot,
    build_snapshot,
    custody_wallets,
    liabilities_from_ledger,
    mirror_wallets,
    snapshot_seed,
)
from seawall.reserves.tree import PrivacyPolicy

__all__ = [
    "Anchor",
    "ChainHook",
    "JournalPoint",
    "anchor_command",
    "anchor_offline",
    "archive_of",
    "build_data_snapshot",
    "journal_point",
    "publish_snapshot",
    "states_at",
    "take_snapshot",
]

#: Submits custody's ``PublishReserves`` to the market and returns its committed outcome.
Anchor = Callable[[PublishReserves], Outcome]
#: Called with the chain and custody's wallets before they sign (the CLI's FTX drill drains them).
ChainHook = Callable[[MemoryChain, list[WalletBook], dict[str, int]], None]


class JournalPoint(NamedTuple):
    """A prefix of the journal: it ends with the commit group sealed by ``seal``, whose last
    entry was sequenced at ``timestamp_ns``."""

    seal: Seal
    timestamp_ns: int

    @property
    def seq(self) -> int:
        return self.seal.last_seq


def archive_of(data: Path) -> SnapshotArchive:
    """The snapshots kept in the data directory ``data``."""
    return SnapshotArchive(data / "por")


def _timestamp_ns(store: JournalStore, seq: int) -> int:
    for stored_seq, body in store.read(seq, seq):
        return decode_entry(body, stored_seq).timestamp_ns
    raise ConditionFailed(f"the journal has no entry {seq}")


def journal_point(store: JournalStore, before_ns: int | None = None) -> JournalPoint | None:
    """The journal up to its last seal, or, with ``before_ns``, up to the last commit group whose
    every entry was sequenced before ``before_ns`` (a group that straddles a cut-off was
    acknowledged after it, so it belongs to the next day). None if there is no such group."""
    last = store.last_seal()
    if last is None:
        return None
    last_ns = _timestamp_ns(store, last.last_seq)
    if before_ns is None or last_ns < before_ns:
        return JournalPoint(last, last_ns)
    low, high = 0, last.last_seq  # the last seq sequenced before ``before_ns``, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if _timestamp_ns(store, middle) < before_ns:
            low = middle
        else:
            high = middle - 1
    found: Seal | None = None
    for seal in store.seals():
        if seal.last_seq > low:
            break
        found = seal
    if found is None:
        return None
    return JournalPoint(found, _timestamp_ns(store, found.last_seq))


class _Prefix(JournalStore):
    """A read-only view of ``store`` that ends at ``seal``: what the journal was then."""

    def __init__(self, store: JournalStore, seal: Seal) -> None:
        self._store = store
        self._seal = seal

    def append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        raise ConditionFailed("a journal prefix is read-only")

    def read(self, from_seq: int = 1, to_seq: int | None = None) -> Iterator[StoredEntry]:
        last = self._seal.last_seq
        return self._store.read(from_seq, last if to_seq is None else min(to_seq, last))

    def seals(self) -> Iterator[Seal]:
        for seal in self._store.seals():
            if seal.last_seq > self._seal.last_seq:
                return
            yield seal

    def last_seal(self) -> Seal | None:
        return self._seal

    def put_snapshot(self, snapshot: Snapshot) -> None:
        raise ConditionFailed("a journal prefix is read-only")

    def latest_snapshot(self, at_most_seq: int | None = None) -> Snapshot | None:
        last = self._seal.last_seq
        return self._store.latest_snapshot(last if at_most_seq is None else min(at_most_seq, last))

    def get_meta(self, key: str) -> bytes | None:
        return self._store.get_meta(key)

    def put_meta(self, key: str, value: bytes) -> None:
        raise ConditionFailed("a journal prefix is read-only")

    def close(self) -> None:
        """The view owns nothing; its store is closed by whoever opened it."""


def states_at(store: JournalStore, point: JournalPoint) -> dict[str, Any]:
    """Every institution's state after ``point``: the latest journal snapshot at or before it,
    then the entries up to it replayed (each decided again, as recovery does)."""
    states, seq = recover(_Prefix(store, point.seal))
    if seq != point.seq:
        raise ConditionFailed(f"recovery reached seq {seq}, not {point.seq}")
    return states


def build_data_snapshot(
    data: Path,
    states: dict[str, Any],
    point: JournalPoint,
    snapshot_id: str,
    policy: PrivacyPolicy | None = None,
    chain_hook: ChainHook | None = None,
) -> PorSnapshot:
    """The snapshot ``snapshot_id`` of the market in ``states`` (at ``point``): liabilities from
    the ledger, custody's wallets on the in-memory chain, each signing the challenge."""
    custody_key = load_keys(data).signing("custody")
    liabilities = liabilities_from_ledger(states["ledger"])
    wallets = custody_wallets(states["custody"], states["ledger"], custody_key)
    chain = MemoryChain()
    mirror_wallets(chain, custody_key, wallets)
    if chain_hook is not None:
        chain_hook(chain, wallets, {a.code: a.decimals for a in liabilities.assets})
    return build_snapshot(
        snapshot_id,
        point.seq,
        point.timestamp_ns,
        liabilities,
        wallets,
        chain,
        snapshot_seed(custody_key, snapshot_id),
        policy,
    )


def take_snapshot(
    data: Path,
    snapshot_id: str | None = None,
    policy: PrivacyPolicy | None = None,
    chain_hook: ChainHook | None = None,
    write_proofs: bool = True,
) -> tuple[PorSnapshot, Path]:
    """Snapshot the whole journal of ``data`` now (id ``seq-<last seq>`` by default) and keep
    it; returns it and its folder. Not anchored: see ``publish_snapshot``."""
    with open_store(data / "journal.sqlite", create=False) as store:
        point = journal_point(store)
        if point is None:
            raise ConditionFailed(f"the journal in {data} is empty")
        states = states_at(store, point)
    ident = snapshot_id or f"seq-{point.seq}"
    snapshot = build_data_snapshot(data, states, point, ident, policy, chain_hook)
    folder = archive_of(data).write(snapshot, write_proofs=write_proofs)
    return snapshot, folder


def anchor_command(snapshot: PorSnapshot) -> PublishReserves:
    """Custody's command that anchors ``snapshot``'s root and ratios in the journal."""
    publication = publication_for(snapshot)
    return PublishReserves(
        publication.snapshot_id, publication.liabilities_root, publication.ratios
    )


def anchor_offline(data: Path) -> Anchor:
    """Anchor by opening ``data``'s journal here (only when no other process serves it)."""
    from seawall.adapters.clock import SystemClock

    def anchor(command: PublishReserves) -> Outcome:
        keys = load_keys(data)
        with open_store(data / "journal.sqlite", create=False) as store:
            market = Market(store, keys.signing("sequencer"), SystemClock())
            outcome = market.submit(command, "custody")
            market.commit()
        return outcome

    return anchor


_publish_decoder = msgspec.msgpack.Decoder(PublishReserves)


def _anchoring_seq(data: Path, snapshot: PorSnapshot) -> int | None:
    """The seq of the entry that anchored ``snapshot`` (after the seq it covers), if any."""
    with open_store(data / "journal.sqlite", create=False) as store:
        for seq, body in store.read(snapshot.seq + 1):
            entry = decode_entry(body, seq)
            if entry.submitter != "custody" or entry.rejection is not None:
                continue
            try:
                command = _publish_decoder.decode(entry.command)
            except msgspec.DecodeError:
                continue
            if command.snapshot_id == snapshot.snapshot_id:
                return seq if command.liabilities_root == snapshot.root else None
    return None


def publish_snapshot(data: Path, snapshot: PorSnapshot, anchor: Anchor) -> int:
    """Anchor ``snapshot`` through ``anchor`` and note the anchoring seq beside it; returns the
    seq. A snapshot anchored before (a restart between anchoring and noting it) is found in
    the journal, not anchored twice. ``ConditionFailed`` if custody refuses it."""
    outcome = anchor(anchor_command(snapshot))
    rejection = outcome.rejection
    seq = outcome.seq
    if rejection is not None:
        found = (
            _anchoring_seq(data, snapshot)
            if rejection.code == CustodyRejection.RESERVES_ALREADY_PUBLISHED
            else None
        )
        if found is None:
            raise ConditionFailed(f"not anchored: {rejection.name}: {rejection.message}")
        seq = found
    archive_of(data).record_anchor(snapshot.snapshot_id, seq)
    return seq
