"""Publishing the journal as a transparency log: project each sealed entry, append it to the
RFC 6962 tree, sign a C2SP checkpoint with the log key, have witnesses (custody, the regulator)
cosign it after checking consistency with what they cosigned before, and lay the log out as
static tlog-tiles files with the public state at that size beside it.

Directory layout (servable by any web server): ``checkpoint``, ``tile/...``, ``tile/entries/...``
(the tlog-tiles spec), and ``public-state.json`` (the public state at the checkpoint's size, which
``seawall verify`` rebuilds from the entries and compares). The publisher's own working state
(the node store, the witnesses' memory) is under ``.publisher/`` and is not part of the log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from seawall.core.signing import SigningKey
from seawall.journal import JournalStore
from seawall.kernel.projection import Projector
from seawall.public import PublicState, encode_public
from seawall.transparency.checkpoint import Checkpoint, CosignatureV1Signer, sign_checkpoint
from seawall.transparency.merkle import MerkleTree
from seawall.transparency.note import Ed25519Signer, add_signatures
from seawall.transparency.store import SqliteNodeStore
from seawall.transparency.tiles import write_static_log
from seawall.transparency.witness import CosignedTreeHead, Witness

__all__ = ["LogKeys", "LogPublisher", "PUBLIC_STATE_PATH"]

PUBLIC_STATE_PATH = "public-state.json"


@dataclass(frozen=True)
class LogKeys:
    """The log's signing key and its witnesses' cosigning keys, by key name."""

    origin: str
    log_name: str
    log_key: SigningKey
    witnesses: tuple[tuple[str, SigningKey], ...]

    def verifier_keys(self) -> list[str]:
        """Verifier key strings (C2SP vkey format): the log's first, then each witness's."""
        keys = [Ed25519Signer(self.log_name, self.log_key).verifier.vkey]
        keys += [CosignatureV1Signer(name, key).verifier.vkey for name, key in self.witnesses]
        return keys


class LogPublisher:
    """Publishes a journal into ``directory`` (incrementally: only what is new)."""

    def __init__(self, directory: Path, keys: LogKeys, projector: Projector) -> None:
        self.directory = directory
        self.keys = keys
        self.projector = projector
        work = directory / ".publisher"
        work.mkdir(parents=True, exist_ok=True)
        self._tree = MerkleTree(SqliteNodeStore(work / "nodes.sqlite"))
        self._signer = Ed25519Signer(keys.log_name, keys.log_key)
        self._witness_file = work / "witnesses.json"
        self._witnesses = [
            Witness(
                CosignatureV1Signer(name, key),
                {keys.origin: [self._signer.verifier]},
                state=self._load_witness_state(name),
            )
            for name, key in keys.witnesses
        ]
        self._leaves: list[bytes] = []
        self._public = PublicState()

    def _load_witness_state(self, name: str) -> dict[str, CosignedTreeHead]:
        if not self._witness_file.exists():
            return {}
        saved = json.loads(self._witness_file.read_text()).get(name)
        if saved is None:
            return {}
        head = CosignedTreeHead(saved["size"], bytes.fromhex(saved["root"]), saved["timestamp_s"])
        return {self.keys.origin: head}

    def _save_witness_state(self) -> None:
        saved = {}
        for (name, _), witness in zip(self.keys.witnesses, self._witnesses, strict=True):
            head = witness.latest(self.keys.origin)
            if head is not None:
                saved[name] = {
                    "size": head.size,
                    "root": head.root_hash.hex(),
                    "timestamp_s": head.timestamp_s,
                }
        _replace_text(self._witness_file, json.dumps(saved, indent=2) + "\n")

    @property
    def size(self) -> int:
        return self._tree.size

    def publish(self, journal: JournalStore) -> str:
        """Append every sealed entry not yet in the log; sign, cosign and write. Returns the
        cosigned checkpoint note."""
        seal = journal.last_seal()
        last_seq = 0 if seal is None else seal.last_seq
        since_size = self._tree.size
        # Leaves already in the tree are projected again (not appended) to serve partial tiles
        # and to carry the public state forward; new ones are appended.
        timestamp_ns = 0
        for seq, body in journal.read(len(self._leaves) + 1, last_seq):
            public = self.projector.project(body)
            leaf = encode_public(public)
            if seq > since_size:
                self._tree.append(leaf)
            self._leaves.append(leaf)
            self._public.apply(seq, public.events if public.rejection is None else [])
            timestamp_ns = public.timestamp_ns
        self._tree.flush()
        size = self._tree.size
        checkpoint = Checkpoint(self.keys.origin, size, self._tree.root())
        note = sign_checkpoint(checkpoint, [self._signer])
        timestamp_s = max(timestamp_ns // 1_000_000_000, 1)
        cosignatures = []
        for witness in self._witnesses:
            latest = witness.latest(self.keys.origin)
            old_size = 0 if latest is None else latest.size
            proof = self._tree.consistency_proof(old_size, size) if 0 < old_size < size else []
            when = max(timestamp_s, 0 if latest is None else latest.timestamp_s)
            cosignatures.append(witness.add_checkpoint(note, proof, when))
        note = add_signatures(note, cosignatures)
        write_static_log(self.directory, self._tree, self._leaves, note, since_size=since_size)
        state = self._public.canonical()
        state["state_hash"] = self._public.state_hash().hex()
        _replace_text(self.directory / PUBLIC_STATE_PATH, json.dumps(state, indent=1) + "\n")
        self._save_witness_state()
        return note

    def close(self) -> None:
        self._tree.store.close()


def _replace_text(target: Path, text: str) -> None:
    """Write ``target`` whole or not at all: readers (the web server, a verifier fetching it)
    see the old file or the new one, never a half-written one."""
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(text)
    temporary.replace(target)
