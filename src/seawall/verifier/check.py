"""The checks ``seawall verify`` runs against a published log, in order:

1. the checkpoint is signed by the log's key, and cosigned by every expected witness;
2. it is consistent with the last checkpoint this verifier saw (a smaller size is a rollback,
   the same size with another root is a fork, a failed consistency proof is a rewrite);
3. every tile and entry bundle authenticates against the checkpoint (the tile reader refuses
   any that does not);
4. replaying every public entry, in order, rebuilds the public state, which must equal the one
   published beside the log;
5. optionally, one entry's inclusion proof verifies against the checkpoint's root.

Any failure raises ``VerificationFailed`` with what failed and where.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seawall.core.errors import ConditionFailed, SeawallError
from seawall.public import PublicState, decode_public
from seawall.transparency.checkpoint import CosignatureV1Verifier, open_checkpoint
from seawall.transparency.merkle import leaf_hash, verify_consistency, verify_inclusion
from seawall.transparency.note import Ed25519Verifier, open_note
from seawall.transparency.tiles import CHECKPOINT_PATH, directory_fetch, open_static_log

__all__ = ["VerificationFailed", "VerifyResult", "fetcher_for", "verify_log"]

PUBLIC_STATE_PATH = "public-state.json"
Fetch = Callable[[str], bytes]


class VerificationFailed(SeawallError):  # noqa: N818 - reads as the outcome
    """The log or what is published beside it does not check out."""

    def __init__(self, what: str, detail: str) -> None:
        self.what = what
        super().__init__(f"{what}: {detail}")


@dataclass(frozen=True)
class VerifyResult:
    origin: str
    size: int
    root_hash: bytes
    cosigners: tuple[str, ...]
    previous_size: int
    public_state_hash: str
    inclusion_checked: int | None


def fetcher_for(source: str) -> Fetch:
    """Fetch files of a static log from a directory or an http(s) base URL."""
    if source.startswith(("http://", "https://")):
        base = source.rstrip("/") + "/"

        def fetch(relative: str) -> bytes:
            try:
                with urllib.request.urlopen(base + relative, timeout=30) as response:  # noqa: S310
                    data: bytes = response.read()
                    return data
            except urllib.error.URLError as exc:
                raise FileNotFoundError(f"{base}{relative}: {exc}") from exc

        return fetch
    return directory_fetch(Path(source))


def _load_state(path: Path | None) -> dict[str, Any]:
    if path is None or not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def verify_log(
    fetch: Fetch,
    log_key: str,
    witness_keys: list[str],
    state_file: Path | None = None,
    entry_index: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Run every check; save the verified checkpoint to ``state_file`` when all pass."""
    try:
        log_verifier = Ed25519Verifier.from_vkey(log_key)
        witnesses = [CosignatureV1Verifier.from_vkey(key) for key in witness_keys]
    except ConditionFailed as exc:
        raise VerificationFailed("keys", str(exc)) from exc
    try:
        note = fetch(CHECKPOINT_PATH)
    except (OSError, FileNotFoundError) as exc:
        raise VerificationFailed("checkpoint", f"cannot fetch: {exc}") from exc
    try:
        checkpoint, _ = open_checkpoint(note, [log_verifier])
        opened = open_note(note, [log_verifier, *witnesses])
    except ConditionFailed as exc:
        raise VerificationFailed("checkpoint signature", str(exc)) from exc
    signed_by = {signature.name for signature in opened.verified}
    missing = [w.name for w in witnesses if w.name not in signed_by]
    if missing:
        raise VerificationFailed("cosignatures", f"not cosigned by {', '.join(missing)}")
    size, root = checkpoint.size, checkpoint.root_hash

    saved = _load_state(state_file).get(checkpoint.origin)
    previous_size = 0
    try:
        _, reader = open_static_log(fetch, [log_verifier], origin=checkpoint.origin)
    except (ConditionFailed, OSError) as exc:
        raise VerificationFailed("tiles", str(exc)) from exc
    if saved is not None:
        previous_size, previous_root = saved["size"], bytes.fromhex(saved["root"])
        if size < previous_size:
            raise VerificationFailed(
                "rollback", f"size {size} is smaller than the {previous_size} seen before"
            )
        if size == previous_size and root != previous_root:
            raise VerificationFailed(
                "fork",
                f"size {size} now has root {root.hex()}, before {previous_root.hex()}",
            )
        if previous_size and size > previous_size:
            try:
                proof = reader.consistency_proof(previous_size, size)
                verify_consistency(previous_size, size, proof, previous_root, root)
            except ConditionFailed as exc:
                raise VerificationFailed(
                    "rewrite",
                    f"size {size} is not an extension of the size {previous_size} seen before: "
                    f"{exc}",
                ) from exc

    public = PublicState()
    try:
        for index in range(size):
            entry = decode_public(reader.entry(index))
            if entry.seq != index + 1:
                raise VerificationFailed("entries", f"leaf {index} holds seq {entry.seq}")
            public.apply(entry.seq, entry.events if entry.rejection is None else [])
            if progress is not None and (index + 1) % 4096 == 0:
                progress(index + 1, size)
    except (ConditionFailed, OSError, KeyError, ValueError) as exc:
        raise VerificationFailed("entries", str(exc)) from exc
    try:
        published = json.loads(fetch(PUBLIC_STATE_PATH))
    except (OSError, ValueError) as exc:
        raise VerificationFailed("public state", f"cannot fetch: {exc}") from exc
    ours = public.state_hash().hex()
    if published.get("last_seq") != size or published.get("state_hash") != ours:
        raise VerificationFailed(
            "public state",
            f"replaying {size} entries gives state {ours}, the publisher says "
            f"{published.get('state_hash')} at seq {published.get('last_seq')}",
        )

    if entry_index is not None:
        if not 0 <= entry_index < size:
            raise VerificationFailed("inclusion", f"entry {entry_index} is not in 0..{size - 1}")
        try:
            proof = reader.inclusion_proof(entry_index, size)
            verify_inclusion(leaf_hash(reader.entry(entry_index)), entry_index, size, proof, root)
        except ConditionFailed as exc:
            raise VerificationFailed("inclusion", f"entry {entry_index}: {exc}") from exc

    if state_file is not None:
        state = _load_state(state_file)
        state[checkpoint.origin] = {"size": size, "root": root.hex()}
        state_file.write_text(json.dumps(state, indent=2) + "\n")
    return VerifyResult(
        checkpoint.origin,
        size,
        root,
        tuple(sorted(signed_by)),
        previous_size,
        ours,
        entry_index,
    )
