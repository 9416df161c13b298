"""Exceptions of the transparency log: what a third-party verifier would report, with a reason.

Every one of them is bad input at a boundary (a proof, a note, a key, a tile received from
someone else), so every one is a ``ConditionFailed`` and its message starts with
``Condition failed:``. Callers that only need "reject" catch ``ConditionFailed``; callers that
need to tell a fork from a typo read the subclass and its ``reason``.

::

    ConditionFailed (seawall.core.errors)
    ├── InvalidProof           an inclusion or consistency proof does not verify (``reason``)
    ├── MalformedNote          a signed note that breaks the c2sp.org/signed-note grammar
    ├── InvalidVerifierKey     a verifier or signer key string that does not parse or match
    ├── InvalidNoteSignature   a signature from a *known* key that does not verify
    ├── UnverifiedNote         no signature from a known key (the text must then be ignored)
    ├── MalformedCheckpoint    a note text that is not a c2sp.org/tlog-checkpoint body
    ├── WitnessRefused         the witness will not cosign (``reason``: fork, rollback, ...)
    └── InvalidTile            a tile or entry bundle of the wrong size or content
"""

from __future__ import annotations

from enum import StrEnum

from seawall.core.errors import ConditionFailed

__all__ = [
    "InvalidNoteSignature",
    "InvalidProof",
    "InvalidTile",
    "InvalidVerifierKey",
    "MalformedCheckpoint",
    "MalformedNote",
    "RefusalReason",
    "UnverifiedNote",
    "WitnessRefused",
]


class InvalidProof(ConditionFailed):
    """A Merkle proof that does not verify. ``reason`` says which check failed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid proof: {reason}")


class MalformedNote(ConditionFailed):
    """A signed note that does not follow the c2sp.org/signed-note format."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"malformed note: {reason}")


class InvalidVerifierKey(ConditionFailed):
    """A verifier (or signer) key string that is malformed or whose key ID does not match."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid verifier key: {reason}")


class InvalidNoteSignature(ConditionFailed):
    """A signature line from a known key (name and key ID match) that fails to verify."""

    def __init__(self, name: str, key_id: bytes) -> None:
        self.name = name
        self.key_id = key_id
        super().__init__(f"invalid signature for key {name}+{key_id.hex()}")


class UnverifiedNote(ConditionFailed):
    """A well-formed note with no signature from any known key."""

    def __init__(self) -> None:
        super().__init__("note has no signature from a known key")


class MalformedCheckpoint(ConditionFailed):
    """A note text that is not a c2sp.org/tlog-checkpoint body."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"malformed checkpoint: {reason}")


class RefusalReason(StrEnum):
    """Why a witness refused to cosign a checkpoint."""

    UNKNOWN_LOG = "unknown-log"
    """No verifier key is configured for the checkpoint's origin."""
    UNVERIFIED = "unverified"
    """The checkpoint is malformed or not signed by the log's key."""
    CONFLICT = "conflict"
    """The caller's idea of the witness's previous size is not the witness's."""
    ROLLBACK = "rollback"
    """The checkpoint is smaller than one the witness already cosigned."""
    FORK = "fork"
    """Same size as the cosigned checkpoint, different root hash: a split view."""
    INCONSISTENT = "inconsistent"
    """The consistency proof from the cosigned checkpoint does not verify."""
    TIME_WENT_BACK = "time-went-back"
    """The cosignature time is earlier than the witness's previous cosignature."""


class WitnessRefused(ConditionFailed):
    """The witness will not cosign. ``reason`` is a ``RefusalReason``; ``detail`` explains."""

    def __init__(self, reason: RefusalReason, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"witness refused ({reason.value}): {detail}")


class InvalidTile(ConditionFailed):
    """A tile or entry bundle whose size or content does not match what the tree needs."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"invalid tile {path}: {reason}")
