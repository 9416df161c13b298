"""A witness: a cosigner that never signs two inconsistent checkpoints of one log.

Split views are the attack a transparency log must make impossible: a log that shows one tree
to the regulator and another to a client. A witness defeats it by remembering, per log origin,
the latest tree head it cosigned, and cosigning a new checkpoint only if

* the checkpoint verifies under the log's configured key and parses (else ``UNVERIFIED``);
* it is not smaller than the remembered one (``ROLLBACK``);
* at the same size, it has the same root (``FORK``: two roots for one size is proof of a
  misbehaving log) and comes with an empty proof;
* at a larger size, the RFC 9162 consistency proof from the remembered head verifies
  (``INCONSISTENT``); the first checkpoint of a log (nothing remembered) needs no proof;
* the caller's ``old_size``, when given, is the remembered size (``CONFLICT``, as the
  c2sp.org/tlog-witness ``add-checkpoint`` call does);
* its time is not earlier than the previous cosignature's (``TIME_WENT_BACK``), because a
  cosignature states "as of this time, this is the largest tree I have seen".

The state is updated only after every check passed, so a refused call changes nothing. The
witness reads no clock: the caller passes ``timestamp_s``. It keeps its state in memory; pass
``state`` back in (from ``Witness.state``) to resume after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from seawall.core.errors import ConditionFailed, condition
from seawall.core.hashing import DIGEST_SIZE
from seawall.transparency.checkpoint import (
    Checkpoint,
    CosignatureV1Signer,
    open_checkpoint,
)
from seawall.transparency.errors import InvalidProof, RefusalReason, WitnessRefused
from seawall.transparency.merkle import EMPTY_ROOT, verify_consistency
from seawall.transparency.note import NoteSignature, NoteVerifier, parse_note

__all__ = ["CosignedTreeHead", "Witness"]


@dataclass(frozen=True, slots=True)
class CosignedTreeHead:
    """The latest tree head a witness cosigned for one log, and when."""

    size: int
    root_hash: bytes
    timestamp_s: int

    def __post_init__(self) -> None:
        condition(self.size >= 0, "a tree size is not negative")
        condition(len(self.root_hash) == DIGEST_SIZE, "a root hash is 32 bytes")
        condition(self.timestamp_s >= 0, "a timestamp is not negative")


class Witness:
    """Cosigns checkpoints of the configured logs, refusing any fork or rollback."""

    __slots__ = ("_cosigner", "_logs", "_state")

    def __init__(
        self,
        cosigner: CosignatureV1Signer,
        logs: Mapping[str, Sequence[NoteVerifier]],
        state: Mapping[str, CosignedTreeHead] | None = None,
    ) -> None:
        condition(all(logs.values()), "every log needs at least one verifier key")
        self._cosigner = cosigner
        self._logs = {origin: tuple(verifiers) for origin, verifiers in logs.items()}
        self._state: dict[str, CosignedTreeHead] = dict(state or {})
        condition(
            set(self._state) <= set(self._logs), "the state names a log that is not configured"
        )

    @property
    def cosigner(self) -> CosignatureV1Signer:
        return self._cosigner

    @property
    def state(self) -> dict[str, CosignedTreeHead]:
        """A copy of the latest cosigned tree head per origin."""
        return dict(self._state)

    def latest(self, origin: str) -> CosignedTreeHead | None:
        """The latest tree head cosigned for ``origin``, if any."""
        return self._state.get(origin)

    def add_checkpoint(
        self,
        signed_checkpoint: str | bytes,
        proof: Sequence[bytes],
        timestamp_s: int,
        *,
        old_size: int | None = None,
    ) -> NoteSignature:
        """Cosign ``signed_checkpoint`` at ``timestamp_s`` or raise ``WitnessRefused``.

        ``proof`` is the consistency proof from the witness's latest cosigned size (or from
        ``old_size``, which must equal it) to the checkpoint's size.
        """
        checkpoint, text = self._verified(signed_checkpoint)
        previous = self._state.get(checkpoint.origin)
        previous_size = 0 if previous is None else previous.size
        if old_size is not None and old_size != previous_size:
            raise WitnessRefused(
                RefusalReason.CONFLICT,
                f"old size {old_size} is not the latest cosigned size {previous_size}",
            )
        if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
            raise WitnessRefused(
                RefusalReason.INCONSISTENT, "an empty tree's root is SHA-256 of nothing"
            )
        if previous is None or previous.size == 0:
            if proof:
                raise WitnessRefused(
                    RefusalReason.INCONSISTENT, "a proof from the empty tree must be empty"
                )
        elif checkpoint.size < previous.size:
            raise WitnessRefused(
                RefusalReason.ROLLBACK,
                f"size {checkpoint.size} is smaller than the cosigned size {previous.size}",
            )
        elif checkpoint.size == previous.size:
            if checkpoint.root_hash != previous.root_hash:
                raise WitnessRefused(
                    RefusalReason.FORK,
                    f"size {checkpoint.size} was cosigned with root"
                    f" {previous.root_hash.hex()}, not {checkpoint.root_hash.hex()}",
                )
            if proof:
                raise WitnessRefused(RefusalReason.INCONSISTENT, "equal sizes need an empty proof")
        else:
            try:
                verify_consistency(
                    previous.size, checkpoint.size, proof, previous.root_hash, checkpoint.root_hash
                )
            except InvalidProof as exc:
                raise WitnessRefused(
                    RefusalReason.INCONSISTENT,
                    f"no consistency from size {previous.size} to {checkpoint.size}: {exc.reason}",
                ) from exc
        if previous is not None and timestamp_s < previous.timestamp_s:
            raise WitnessRefused(
                RefusalReason.TIME_WENT_BACK,
                f"time {timestamp_s} is before the previous cosignature's {previous.timestamp_s}",
            )
        cosignature = self._cosigner.cosign(text, timestamp_s)
        self._state[checkpoint.origin] = CosignedTreeHead(
            checkpoint.size, checkpoint.root_hash, timestamp_s
        )
        return cosignature

    def _verified(self, signed_checkpoint: str | bytes) -> tuple[Checkpoint, str]:
        """The checkpoint and its exact note text (what the cosignature must cover)."""
        try:
            origin = Checkpoint.parse(parse_note(signed_checkpoint).text).origin
        except ConditionFailed as exc:
            raise WitnessRefused(RefusalReason.UNVERIFIED, str(exc)) from exc
        verifiers = self._logs.get(origin)
        if verifiers is None:
            raise WitnessRefused(RefusalReason.UNKNOWN_LOG, f"no key configured for {origin!r}")
        try:
            checkpoint, opened = open_checkpoint(signed_checkpoint, verifiers, origin=origin)
        except ConditionFailed as exc:
            raise WitnessRefused(RefusalReason.UNVERIFIED, str(exc)) from exc
        return checkpoint, opened.text
