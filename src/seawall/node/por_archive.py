"""Every proof-of-reserves snapshot kept, so that a client can prove a past balance.

One folder per snapshot under a data directory's ``por/``:

* ``<id>/snapshot.json``: the public document (``snapshot.snapshot_document``), with a
  ``day_end`` object (``day``, ``cutoff_ns``, ``schedule``) when it closes a business day;
* ``<id>/publication.json``: custody's ``PublishReserves`` fields, and once anchored
  ``journal_seq`` (the entry that anchors the root) and ``log_index`` (its leaf in the
  transparency log: entry ``seq`` is leaf ``seq - 1``);
* ``<id>/proofs/<broker>/<account>.json``: each client's proof (private: it goes to that client);
* ``latest``: the id of the snapshot written last.

A snapshot is written under ``.building/`` and renamed into place, so a folder with a
``snapshot.json`` is always complete (a crash leaves no half snapshot that would pass for one).
Snapshots are looked up by id or, for day-end ones, by the date they close (``resolve``).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any, Final

import msgspec

from seawall.core.errors import ConditionFailed
from seawall.node.day_end_schedule import day_snapshot_id, parse_day
from seawall.reserves.format import check_snapshot_id
from seawall.reserves.proof import proof_to_json
from seawall.reserves.publish import publication_for
from seawall.reserves.snapshot import PorSnapshot, snapshot_document

__all__ = [
    "LATEST_FILE",
    "PUBLICATION_FILE",
    "SNAPSHOT_FILE",
    "ProofNotFound",
    "SnapshotArchive",
    "SnapshotNotFound",
    "SnapshotRecord",
    "proof_path",
]

SNAPSHOT_FILE: Final = "snapshot.json"
PUBLICATION_FILE: Final = "publication.json"
LATEST_FILE: Final = "latest"
#: Where a snapshot is written before it is renamed into place (out of ``*/snapshot.json``'s
#: reach, so that no listing ever meets a half-written one).
_BUILDING: Final = ".building"


class SnapshotNotFound(ConditionFailed):
    """No snapshot has that id (or closes that day), or none has been taken yet; ``detail`` is
    the message without the ``Condition failed:`` prefix, for an API error."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class ProofNotFound(SnapshotNotFound):
    """The snapshot holds no proof for that account (it was opened after the snapshot)."""


class SnapshotRecord(msgspec.Struct, frozen=True):
    """One kept snapshot as listed: what it covers, its root, coverage and anchoring."""

    snapshot_id: str
    journal_seq: int
    timestamp_ns: int
    status: str
    root: str
    #: ``[{"code", "decimals"}]`` in the snapshot's asset order.
    assets: list[dict[str, Any]]
    #: ``[{"asset", "liabilities_minor", "reserves_minor", "ratio_bps", "covered", ...}]``.
    coverage: list[dict[str, Any]]
    alerts: list[str]
    #: The business day it closes (``YYYY-MM-DD``) and that day's cut-off; None on demand.
    day: str | None
    cutoff_ns: int | None
    #: The journal entry that anchors its root, or None while not anchored.
    anchor_seq: int | None

    @property
    def log_index(self) -> int | None:
        """The anchoring entry's leaf index in the transparency log."""
        return None if self.anchor_seq is None else self.anchor_seq - 1


def proof_path(folder: Path, account_id: str) -> Path:
    """Where a snapshot folder keeps the proof of ``client:<broker>:<account>``."""
    parts = account_id.split(":")
    if len(parts) != 3 or parts[0] != "client" or not all(parts):
        raise ConditionFailed(f"{account_id!r} is not a client account id")
    for part in parts[1:]:
        if "/" in part or part.startswith("."):
            raise ConditionFailed(f"{account_id!r} is not a client account id")
    return folder / "proofs" / parts[1] / f"{parts[2]}.json"


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


class SnapshotArchive:
    """The snapshots kept under ``root`` (a data directory's ``por/``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[int, int], SnapshotRecord]] = {}

    def folder(self, snapshot_id: str) -> Path:
        """The folder of ``snapshot_id`` (whether or not it exists)."""
        return self.root / check_snapshot_id(snapshot_id)

    def has(self, snapshot_id: str) -> bool:
        return (self.folder(snapshot_id) / SNAPSHOT_FILE).exists()

    # --- writing ------------------------------------------------------------------------------

    def write(
        self,
        snapshot: PorSnapshot,
        *,
        write_proofs: bool = True,
        day_end: dict[str, Any] | None = None,
    ) -> Path:
        """Keep ``snapshot`` (its document, publication fields and, by default, every client's
        proof); a snapshot kept before under the same id is replaced. Returns its folder."""
        final = self.folder(snapshot.snapshot_id)
        building = self.root / _BUILDING / snapshot.snapshot_id
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        document = snapshot_document(snapshot)
        if day_end is not None:
            document["day_end"] = day_end
        (building / SNAPSHOT_FILE).write_text(json.dumps(document, indent=1) + "\n")
        publication = publication_for(snapshot)
        (building / PUBLICATION_FILE).write_text(
            json.dumps(
                {
                    "command": "custody.publish_reserves",
                    "snapshot_id": publication.snapshot_id,
                    "liabilities_root": publication.liabilities_root.hex(),
                    "ratios": [list(row) for row in publication.ratios],
                    "journaled": False,
                },
                indent=1,
            )
            + "\n"
        )
        if write_proofs:
            for account_id in snapshot.tree.account_ids:
                path = proof_path(building, account_id)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(proof_to_json(snapshot.tree.proof(account_id)))
        if final.exists():
            shutil.rmtree(final)
        os.replace(building, final)
        _write_atomic(self.root / LATEST_FILE, snapshot.snapshot_id + "\n")
        return final

    def record_anchor(self, snapshot_id: str, journal_seq: int) -> None:
        """Note that the entry at ``journal_seq`` anchors ``snapshot_id``'s root."""
        if journal_seq < 1:
            raise ConditionFailed(f"an anchor is a journal seq, got {journal_seq}")
        path = self.folder(snapshot_id) / PUBLICATION_FILE
        publication = json.loads(path.read_text())
        publication.update(journaled=True, journal_seq=journal_seq, log_index=journal_seq - 1)
        _write_atomic(path, json.dumps(publication, indent=1) + "\n")

    # --- reading ------------------------------------------------------------------------------

    def latest_id(self) -> str | None:
        marker = self.root / LATEST_FILE
        if not marker.exists():
            return None
        ident = marker.read_text().strip()
        return ident if ident and self.has(ident) else None

    def resolve(self, wanted: str | None) -> str:
        """The id of the snapshot ``wanted`` names: an id, a date (the day-end snapshot that
        closes it), or nothing (the latest). ``SnapshotNotFound`` if there is none."""
        if not wanted:
            latest = self.latest_id()
            if latest is None:
                raise SnapshotNotFound("no snapshot has been taken yet")
            return latest
        day = parse_day(wanted)
        ident = day_snapshot_id(day) if day is not None else wanted
        check_snapshot_id(ident)
        if not self.has(ident):
            what = f"day-end snapshot for {wanted}" if day is not None else f"snapshot {wanted!r}"
            raise SnapshotNotFound(f"no {what}")
        return ident

    def document(self, snapshot_id: str) -> dict[str, Any]:
        """The public document of a kept snapshot."""
        path = self.folder(snapshot_id) / SNAPSHOT_FILE
        if not path.exists():
            raise SnapshotNotFound(f"no snapshot {snapshot_id!r}")
        document: dict[str, Any] = json.loads(path.read_text())
        return document

    def proof_text(self, snapshot_id: str, account_id: str) -> str:
        """The proof file of ``account_id`` in ``snapshot_id``, as written."""
        folder = self.folder(snapshot_id)
        if not (folder / SNAPSHOT_FILE).exists():
            raise SnapshotNotFound(f"no snapshot {snapshot_id!r}")
        path = proof_path(folder, account_id)
        if not path.exists():
            raise ProofNotFound(
                f"snapshot {snapshot_id!r} holds no proof for this account "
                "(it was opened after the snapshot, or its proofs were not written)"
            )
        return path.read_text()

    def record(self, snapshot_id: str) -> SnapshotRecord:
        """The listing row of one kept snapshot (cached until its files change)."""
        folder = self.folder(snapshot_id)
        try:
            stamp = (
                (folder / SNAPSHOT_FILE).stat().st_mtime_ns,
                (folder / PUBLICATION_FILE).stat().st_mtime_ns,
            )
        except FileNotFoundError as exc:
            raise SnapshotNotFound(f"no snapshot {snapshot_id!r}") from exc
        with self._lock:
            cached = self._cache.get(snapshot_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        document = self.document(snapshot_id)
        publication = json.loads((folder / PUBLICATION_FILE).read_text())
        day_end = document.get("day_end") or {}
        record = SnapshotRecord(
            snapshot_id=document["snapshot"],
            journal_seq=document["journal_seq"],
            timestamp_ns=document["timestamp_ns"],
            status=document["status"],
            root=document["liabilities"]["root"],
            assets=document["assets"],
            coverage=document["coverage"],
            alerts=document.get("alerts", []),
            day=day_end.get("day"),
            cutoff_ns=day_end.get("cutoff_ns"),
            anchor_seq=publication.get("journal_seq"),
        )
        with self._lock:
            self._cache[snapshot_id] = (stamp, record)
        return record

    def records(self) -> list[SnapshotRecord]:
        """Every kept snapshot, oldest first (by the journal seq it covers, then id)."""
        if not self.root.exists():
            return []
        rows = [
            self.record(path.parent.name)
            for path in self.root.glob(f"*/{SNAPSHOT_FILE}")
            if not path.parent.name.startswith(".")
        ]
        rows.sort(key=lambda row: (row.journal_seq, row.snapshot_id))
        return rows
