"""The transparency log: RFC 6962 Merkle tree, C2SP signed notes, checkpoints, cosignatures,
a witness, and the c2sp.org/tlog-tiles static layout.

Every journal entry's public projection is a leaf of one append-only Merkle tree; checkpoints
of that tree are Ed25519-signed notes; witnesses cosign them only if each is consistent with
the last; the tree is published as static tiles that any third-party tlog client can read.
Everything here follows the published texts byte for byte (RFC 9162, c2sp.org/signed-note,
tlog-checkpoint, tlog-cosignature, tlog-tiles) and is checked against the shared conformance
vectors in ``../shared/vectors``.

Modules: ``merkle`` (hashing, ``MerkleTree``, proofs, verifiers), ``store`` (the node-store
port: memory and SQLite), ``note`` (signed notes), ``checkpoint`` (checkpoint bodies and
cosignature/v1), ``witness``, ``tiles`` (static layout writer and tile-based reader),
``errors`` and ``bench`` (not imported here: it measures against a peer).
"""

from __future__ import annotations

from seawall.transparency.checkpoint import (
    COSIGNATURE_V1_SIGNATURE_TYPE,
    Checkpoint,
    CosignatureV1Signer,
    CosignatureV1Verifier,
    cosignature_timestamp,
    cosignature_v1_message,
    open_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
)
from seawall.transparency.errors import (
    InvalidNoteSignature,
    InvalidProof,
    InvalidTile,
    InvalidVerifierKey,
    MalformedCheckpoint,
    MalformedNote,
    RefusalReason,
    UnverifiedNote,
    WitnessRefused,
)
from seawall.transparency.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from seawall.transparency.note import (
    ED25519_SIGNATURE_TYPE,
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    OpenedNote,
    add_signatures,
    key_id,
    open_note,
    parse_note,
    sign_note,
)
from seawall.transparency.store import MemoryNodeStore, NodeStore, SqliteNodeStore
from seawall.transparency.tiles import (
    TileId,
    TileReader,
    directory_fetch,
    open_static_log,
    tile_path,
    write_static_log,
)
from seawall.transparency.witness import CosignedTreeHead, Witness

__all__ = [
    "COSIGNATURE_V1_SIGNATURE_TYPE",
    "ED25519_SIGNATURE_TYPE",
    "EMPTY_ROOT",
    "Checkpoint",
    "CosignatureV1Signer",
    "CosignatureV1Verifier",
    "CosignedTreeHead",
    "Ed25519Signer",
    "Ed25519Verifier",
    "InvalidNoteSignature",
    "InvalidProof",
    "InvalidTile",
    "InvalidVerifierKey",
    "MalformedCheckpoint",
    "MalformedNote",
    "MemoryNodeStore",
    "MerkleTree",
    "NodeStore",
    "Note",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "RefusalReason",
    "SqliteNodeStore",
    "TileId",
    "TileReader",
    "UnverifiedNote",
    "Witness",
    "WitnessRefused",
    "add_signatures",
    "cosignature_timestamp",
    "cosignature_v1_message",
    "directory_fetch",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "open_static_log",
    "parse_note",
    "parse_verifier_key",
    "sign_checkpoint",
    "sign_note",
    "tile_path",
    "verify_consistency",
    "verify_inclusion",
    "write_static_log",
]
