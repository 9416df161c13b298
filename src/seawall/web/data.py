"""What the pages read that the Binance API does not give: the published transparency log (status,
its verifier keys, an entry with its inclusion proof, a consistency proof, the checkpoints seen so
far), the proof of
reserves snapshots (ratio per asset, their history, a client's own liabilities proof), and the
regulator's registers (alerts, breaks, licences, halts, warrants).

Everything here is a plain function of files under the data directory or of institution state,
returning JSON-ready values; the routes in ``seawall.web.app`` call them. Proofs are computed from
the published tiles (``TileReader``), so they are exactly what any tlog client would compute:
the browser checks them against the signed checkpoint and never trusts these values.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path
from typing import Any, Final

import msgspec

from seawall.core.errors import ConditionFailed
from seawall.identity import machine as identity_machine
from seawall.regulator import machine as regulator_machine
from seawall.regulator.state import RegulatorState
from seawall.transparency.checkpoint import Checkpoint
from seawall.transparency.tiles import TileReader, directory_fetch

__all__ = [
    "CHECKPOINT_HISTORY_DIR",
    "alert_counts",
    "consistency",
    "entry_with_proof",
    "log_status",
    "proof_for_account",
    "public_summary",
    "regulator_overview",
    "remembered_checkpoints",
    "snapshots",
    "verifier_keys",
]

#: Under the data directory: every checkpoint the web pages have served, by tree size, so that a
#: visitor can check consistency between any two of them.
CHECKPOINT_HISTORY_DIR: Final = "web-checkpoints"
#: Under the data directory: the verifier keys ``seawall log publish`` writes (C2SP vkeys, the
#: log's first, then each witness's).
VERIFIER_KEYS_FILE: Final = "log.vkeys"
#: Verifier keys served, at most.
verifier_keys_max: Final = 16
#: Checkpoints kept in that history (the oldest go first).
checkpoint_history_max: Final = 256
#: Snapshots listed on the reserves page.
por_snapshots_max: Final = 256
#: Alerts and breaks returned to the console (the latest).
console_rows_max: Final = 500


def _checkpoint_text(log_dir: Path) -> str | None:
    path = log_dir / "checkpoint"
    return path.read_text() if path.exists() else None


def _cosigners(note_text: str) -> list[str]:
    """Names of the signature lines of a signed note (``— name base64``)."""
    _, _, signatures = note_text.partition("\n\n")
    names = []
    for line in signatures.splitlines():
        if line.startswith("\u2014 "):
            names.append(line[2:].rsplit(" ", 1)[0])
    return names


def _remember(data_dir: Path, checkpoint: Checkpoint, text: str) -> None:
    folder = data_dir / CHECKPOINT_HISTORY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{checkpoint.size:020d}.txt"
    if not path.exists():
        path.write_text(text)
    kept = sorted(folder.glob("*.txt"))
    for old in kept[: max(0, len(kept) - checkpoint_history_max)]:
        old.unlink()


def log_status(data_dir: Path) -> dict[str, Any]:
    """The latest published checkpoint (its text, for the browser to parse), size, root and
    cosigners; remembered in the checkpoint history."""
    log_dir = data_dir / "log"
    text = _checkpoint_text(log_dir)
    if text is None:
        return {"published": False}
    checkpoint = Checkpoint.parse(text.split("\n\n", 1)[0] + "\n")
    _remember(data_dir, checkpoint, text)
    return {
        "published": True,
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "root_hex": checkpoint.root_hash.hex(),
        "checkpoint": text,
        "signers": _cosigners(text),
    }


def verifier_keys(data_dir: Path) -> list[str]:
    """The published verifier keys, as written (the browser parses and checks each itself);
    empty before the log is first published."""
    path = data_dir / VERIFIER_KEYS_FILE
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line.strip()][:verifier_keys_max]


def remembered_checkpoints(data_dir: Path) -> list[dict[str, Any]]:
    """Every checkpoint seen so far, oldest first (text, size, root)."""
    folder = data_dir / CHECKPOINT_HISTORY_DIR
    rows = []
    for path in sorted(folder.glob("*.txt")) if folder.exists() else []:
        text = path.read_text()
        checkpoint = Checkpoint.parse(text.split("\n\n", 1)[0] + "\n")
        rows.append(
            {"size": checkpoint.size, "root_hex": checkpoint.root_hash.hex(), "checkpoint": text}
        )
    return rows


def _reader(data_dir: Path) -> TileReader:
    text = _checkpoint_text(data_dir / "log")
    if text is None:
        raise ConditionFailed("no log has been published yet")
    checkpoint = Checkpoint.parse(text.split("\n\n", 1)[0] + "\n")
    return TileReader(directory_fetch(data_dir / "log"), checkpoint.size, checkpoint.root_hash)


def _display(entry: bytes) -> Any:
    """The entry decoded for people (the browser hashes the raw bytes, not this)."""
    try:
        value = msgspec.msgpack.decode(entry)
        return json.loads(msgspec.json.encode(value, enc_hook=_bytes_hex))
    except (msgspec.DecodeError, TypeError, ValueError):
        return None


def _bytes_hex(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot show {type(value).__name__}")


def entry_with_proof(data_dir: Path, index: int) -> dict[str, Any]:
    """Entry ``index`` (base64 of its bytes) and its RFC 9162 inclusion proof in the tree of the
    latest checkpoint."""
    reader = _reader(data_dir)
    if not 0 <= index < reader.size:
        raise ConditionFailed(f"no entry {index}: the log has {reader.size}")
    entry = reader.entry(index)
    return {
        "index": index,
        "tree_size": reader.size,
        "entry_b64": base64.b64encode(entry).decode(),
        "proof_hex": [h.hex() for h in reader.inclusion_proof(index)],
        "decoded": _display(entry),
    }


def index_of_leaf_hash(data_dir: Path, leaf_hash_hex: str) -> int:
    """The index of the entry whose RFC 6962 leaf hash is ``leaf_hash_hex`` (a scan of the
    level-0 tiles, each authenticated against the checkpoint as it is read)."""
    try:
        wanted = bytes.fromhex(leaf_hash_hex)
    except ValueError as exc:
        raise ConditionFailed(f"not a hex leaf hash: {leaf_hash_hex!r}") from exc
    if len(wanted) != 32:
        raise ConditionFailed("a leaf hash is 32 bytes (64 hex digits)")
    reader = _reader(data_dir)
    for index in range(reader.size):
        if reader.leaf_hash_at(index) == wanted:
            return index
    raise ConditionFailed(f"no entry with leaf hash {leaf_hash_hex} in the log")


def consistency(data_dir: Path, size1: int, size2: int | None) -> dict[str, Any]:
    """The consistency proof from ``size1`` to ``size2`` (default: the latest size)."""
    reader = _reader(data_dir)
    target = reader.size if size2 is None else size2
    if not 0 < size1 <= target <= reader.size:
        raise ConditionFailed(f"sizes must be 0 < {size1} <= {target} <= {reader.size}")
    return {
        "size1": size1,
        "size2": target,
        # For display: a verifier compares against the roots of checkpoints it already holds.
        "root1_hex": reader.root(size1).hex(),
        "root2_hex": reader.root(target).hex(),
        "proof_hex": [h.hex() for h in reader.consistency_proof(size1, target)],
    }


def snapshots(data_dir: Path) -> list[dict[str, Any]]:
    """Every proof-of-reserves snapshot (oldest first): id, time, status, root, ratio per asset."""
    folder = data_dir / "por"
    rows = []
    for path in sorted(folder.glob("*/snapshot.json")) if folder.exists() else []:
        document = json.loads(path.read_text())
        rows.append(
            {
                "snapshot": document["snapshot"],
                "journal_seq": document["journal_seq"],
                "timestamp_ns": document["timestamp_ns"],
                "status": document["status"],
                "root": document["liabilities"]["root"],
                "assets": document["assets"],
                "coverage": document["coverage"],
                "alerts": document.get("alerts", []),
            }
        )
    rows.sort(key=lambda row: (row["journal_seq"], row["snapshot"]))
    return rows[-por_snapshots_max:]


def proof_for_account(data_dir: Path, snapshot_id: str, account_id: str) -> str:
    """The liabilities proof of ``account_id`` (the ledger's ``client:<broker>:<account>`` or the
    identity id ``<account>`` at a broker) in ``snapshot_id``, as published for that client."""
    base = data_dir / "por"
    if "/" in snapshot_id or snapshot_id.startswith(".") or not snapshot_id:
        raise ConditionFailed(f"bad snapshot id {snapshot_id!r}")
    parts = account_id.split(":")
    if len(parts) != 3 or any(not p or "/" in p or p.startswith(".") for p in parts):
        raise ConditionFailed(f"bad account id {account_id!r}")
    path = base / snapshot_id / "proofs" / parts[1] / f"{parts[2]}.json"
    if not path.exists():
        raise ConditionFailed(f"no proof for this account in snapshot {snapshot_id!r}")
    return path.read_text()


def alert_counts(state: RegulatorState) -> dict[str, int]:
    """How many alerts of each code (public: counts only, no detail)."""
    return dict(sorted(Counter(a.code for a in regulator_machine.alerts(state)).items()))


def public_summary(regulator: RegulatorState) -> dict[str, Any]:
    """Integrity figures anyone may see: alert counts by type, breaks, halted markets."""
    return {
        "alert_counts": alert_counts(regulator),
        "alerts": len(regulator_machine.alerts(regulator)),
        "breaks": len(regulator_machine.breaks(regulator)),
        "reconciliation_cycles": regulator_machine.last_cycle(regulator),
        "halted": [m.symbol for m in regulator_machine.halted_markets(regulator)],
    }


def _plain(value: Any) -> Any:
    return json.loads(msgspec.json.encode(value, enc_hook=_bytes_hex))


def regulator_overview(regulator: RegulatorState, identity: Any) -> dict[str, Any]:
    """The console's data: the alert queue (pseudonymous, as recorded), breaks, the licence
    register, halted markets and warrants (with what each disclosed, reachable only that way)."""
    warrants = []
    for warrant in regulator_machine.warrants(regulator):
        row = _plain(warrant)
        found = identity_machine.disclosure(identity, warrant.warrant_id)
        row["disclosed"] = None if found is None else _plain(found[1])
        warrants.append(row)
    return {
        "alerts": _plain(regulator_machine.alerts(regulator)[-console_rows_max:]),
        "alert_counts": alert_counts(regulator),
        "breaks": _plain(regulator_machine.breaks(regulator)[-console_rows_max:]),
        "licences": [
            {**_plain(licence), "role": licence.role.name.lower()}
            for licence in regulator_machine.licences(regulator)
        ],
        "halted": _plain(regulator_machine.halted_markets(regulator)),
        "warrants": warrants,
    }
