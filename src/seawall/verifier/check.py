"""The checks ``seawall verify`` runs against a published log, in order:

1. what is published is read first: ``public-state.json`` beside the log and, with an
   ``ApiReader``, the API's markets, order books and recent trades, each with the log size it
   reflects (``published``);
2. the checkpoint is signed by the log's key, and cosigned by every expected witness; when it
   does not yet cover every figure read in step 1 (the API is ahead of the last publication),
   a newer one is awaited, for ``wait_s`` seconds at most;
3. it is consistent with the last checkpoint this verifier saw (a smaller size is a rollback,
   the same size with another root is a fork, a failed consistency proof is a rewrite);
4. every tile and entry bundle authenticates against the checkpoint (the tile reader refuses
   any that does not);
5. replaying every public entry, in order, rebuilds the public state; when the replay reaches
   the log size a published figure reflects, the figure must equal the replayed state there
   (``compare``): so a market that moved on while the figures were read is compared at exactly
   the point each figure shows;
6. optionally, one entry's inclusion proof verifies against the checkpoint's root.

Any failure raises ``VerificationFailed`` with what failed and where; its ``exit_code`` is the
exit code of ``seawall verify`` (``errors.FAILURES``).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from seawall.core.errors import ConditionFailed, InvariantViolation, invariant
from seawall.public import decode_public
from seawall.transparency.checkpoint import Checkpoint, CosignatureV1Verifier, open_checkpoint
from seawall.transparency.merkle import leaf_hash, verify_consistency, verify_inclusion
from seawall.transparency.note import Ed25519Verifier, open_note
from seawall.transparency.tiles import CHECKPOINT_PATH, TileReader, directory_fetch
from seawall.verifier.compare import check
from seawall.verifier.errors import VerificationFailed
from seawall.verifier.published import (
    RECENT_TRADES,
    ApiReader,
    Published,
    PublishedState,
    published_state,
)
from seawall.verifier.replay import Replay

__all__ = ["VerificationFailed", "VerifyResult", "fetcher_for", "verify_log"]

PUBLIC_STATE_PATH: Final = "public-state.json"
#: Seconds between two fetches of the checkpoint while waiting for one that covers the API.
checkpoint_poll_s: Final = 0.5
#: Reads of public-state.json before one that is not valid JSON is taken as published.
public_state_reads_max: Final = 3
Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class VerifyResult:
    origin: str
    size: int
    root_hash: bytes
    cosigners: tuple[str, ...]
    previous_size: int
    public_state_hash: str
    inclusion_checked: int | None
    #: One line per published figure compared with the replayed log (what matched, where).
    compared: tuple[str, ...] = ()


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


def _signed_checkpoint(
    fetch: Fetch, log_verifier: Ed25519Verifier, witnesses: list[CosignatureV1Verifier]
) -> tuple[Checkpoint, tuple[str, ...]]:
    """The checkpoint, its log signature and every witness's cosignature checked."""
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
    return checkpoint, tuple(sorted(signed_by))


def _published(
    fetch: Fetch, api: ApiReader | None, sleep: Callable[[float], None]
) -> list[Published]:
    """The API's figures (first: they are the furthest ahead), then public-state.json.

    The publisher rewrites public-state.json after each checkpoint: a copy caught half written
    is read again, a few times at most."""
    figures = [] if api is None else api.read()
    for attempt in range(1, public_state_reads_max + 1):
        try:
            state = fetch(PUBLIC_STATE_PATH)
        except (OSError, FileNotFoundError) as exc:
            raise VerificationFailed("public state", f"cannot fetch: {exc}") from exc
        try:
            figures.append(published_state(state, PUBLIC_STATE_PATH))
            return figures
        except VerificationFailed:
            if attempt == public_state_reads_max:
                raise
            sleep(checkpoint_poll_s)
    raise InvariantViolation("public-state.json was neither read nor refused")


def _covering_checkpoint(
    fetch: Fetch,
    log_verifier: Ed25519Verifier,
    witnesses: list[CosignatureV1Verifier],
    figures: list[Published],
    wait_s: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> tuple[Checkpoint, tuple[str, ...]]:
    """The first signed checkpoint at least as large as every figure's log size."""
    deadline = clock() + wait_s
    while True:
        checkpoint, signed_by = _signed_checkpoint(fetch, log_verifier, witnesses)
        ahead = [f for f in figures if f.log_size > checkpoint.size]
        if not ahead:
            return checkpoint, signed_by
        if clock() >= deadline:
            break
        sleep(checkpoint_poll_s)
    furthest = max(ahead, key=lambda f: f.log_size)
    if isinstance(furthest, PublishedState):
        raise VerificationFailed(
            "public state",
            f"{furthest.source} is at seq {furthest.log_size}, beyond the checkpoint's "
            f"{checkpoint.size} entries",
        )
    raise VerificationFailed(
        "unsettled",
        f"{furthest.source} reflects log size {furthest.log_size}, but the newest checkpoint "
        f"has {checkpoint.size} entries after waiting {wait_s:g} s (is the log published?)",
    )


def verify_log(
    fetch: Fetch,
    log_key: str,
    witness_keys: list[str],
    state_file: Path | None = None,
    entry_index: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    api: ApiReader | None = None,
    wait_s: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> VerifyResult:
    """Run every check; save the verified checkpoint to ``state_file`` when all pass.

    With ``api``, the API's published figures are compared too, and a checkpoint that covers
    them is awaited for ``wait_s`` seconds at most.
    """
    try:
        log_verifier = Ed25519Verifier.from_vkey(log_key)
        witnesses = [CosignatureV1Verifier.from_vkey(key) for key in witness_keys]
    except ConditionFailed as exc:
        raise VerificationFailed("keys", str(exc)) from exc
    figures = _published(fetch, api, sleep)
    checkpoint, signed_by = _covering_checkpoint(
        fetch, log_verifier, witnesses, figures, wait_s, sleep, clock
    )
    size, root = checkpoint.size, checkpoint.root_hash

    saved = _load_state(state_file).get(checkpoint.origin)
    previous_size = 0
    try:
        # The reader authenticates every tile against this checkpoint, not a newer one that
        # the publisher may have written since it was fetched.
        reader = TileReader(fetch, size, root)
        reader.verify()
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

    waiting = sorted(figures, key=lambda f: f.log_size)
    compared: list[str] = []
    replay = Replay(RECENT_TRADES)

    def compare_due() -> None:
        while waiting and waiting[0].log_size == replay.last_seq:
            compared.append(check(waiting.pop(0), replay))

    compare_due()
    try:
        for index in range(size):
            entry = decode_public(reader.entry(index))
            if entry.seq != index + 1:
                raise VerificationFailed("entries", f"leaf {index} holds seq {entry.seq}")
            replay.apply(entry)
            compare_due()
            if progress is not None and (index + 1) % 4096 == 0:
                progress(index + 1, size)
    except (ConditionFailed, OSError, KeyError, ValueError) as exc:
        raise VerificationFailed("entries", str(exc)) from exc
    invariant(not waiting, f"{len(waiting)} published figures beyond the replayed log")

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
        signed_by,
        previous_size,
        replay.state.state_hash().hex(),
        entry_index,
        tuple(compared),
    )
