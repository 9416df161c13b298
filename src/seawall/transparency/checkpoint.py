"""Checkpoints (c2sp.org/tlog-checkpoint) and Ed25519 cosignatures (c2sp.org/tlog-cosignature).

A checkpoint is the signed-note text that states a tree head::

    <origin>\\n
    <tree size, ASCII decimal, no leading zero>\\n
    <base64 root hash>\\n
    [<extension line>\\n ...]

Every line is non-empty; the origin is the log's identity (it SHOULD look like a schema-less
URL, but clients must not assume so). Seawall signs its checkpoints with Ed25519 note keys
(``note.Ed25519Signer``, type 0x01).

A *cosignature* (v1, Ed25519, signature type ``0x04``) is a witness's note signature on a
checkpoint. Its key ID is ``SHA-256(name || "\\n" || 0x04 || public key)[:4]``; its signature
bytes are ``timestamp (uint64 big-endian, POSIX seconds) || Ed25519 signature`` and the signed
message is::

    cosignature/v1\\n
    time <timestamp, ASCII decimal, no leading zero>\\n
    <the whole checkpoint text, final newline included>

It states that, as of that time, this is the largest consistent tree head the cosigner has seen
for that origin. The timestamp is passed in by the caller (domain code reads no clock) and must
not exceed ``2**63 - 1``.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from seawall.core.errors import condition
from seawall.core.hashing import DIGEST_SIZE
from seawall.core.limits import cosignature_timestamp_s_max, tree_size_max
from seawall.core.signing import SIGNATURE_SIZE, SigningKey, VerifyKey
from seawall.transparency.errors import InvalidVerifierKey, MalformedCheckpoint
from seawall.transparency.note import (
    ED25519_SIGNATURE_TYPE,
    Ed25519Verifier,
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    OpenedNote,
    decode_base64,
    is_valid_key_name,
    key_id,
    open_note,
    sign_note,
    split_verifier_key,
)

__all__ = [
    "COSIGNATURE_V1_SIGNATURE_TYPE",
    "Checkpoint",
    "CosignatureV1Signer",
    "CosignatureV1Verifier",
    "cosignature_timestamp",
    "cosignature_v1_message",
    "open_checkpoint",
    "parse_verifier_key",
    "sign_checkpoint",
]

#: Signature type byte of timestamped Ed25519 witness cosignatures.
COSIGNATURE_V1_SIGNATURE_TYPE: Final = 0x04

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_TIMESTAMP_SIZE: Final = 8


def _encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _check_line(line: str, what: str) -> None:
    if not line:
        raise MalformedCheckpoint(f"{what} is empty")
    if any(c < " " for c in line):
        raise MalformedCheckpoint(f"{what} contains a control character")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: origin, size (leaves) and RFC 6962 root hash, plus opaque extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        if not (isinstance(self.size, int) and 0 <= self.size <= tree_size_max):
            raise MalformedCheckpoint(f"tree size {self.size!r} is outside 0..2**64-1")
        if len(self.root_hash) != DIGEST_SIZE:
            raise MalformedCheckpoint(f"root hash is {len(self.root_hash)} bytes, not 32")
        for number, line in enumerate(self.extensions, start=1):
            _check_line(line, f"extension line {number}")

    def to_text(self) -> str:
        """The checkpoint note text (the body that is signed)."""
        lines = [self.origin, str(self.size), _encode_base64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str | bytes) -> Checkpoint:
        """Parse a checkpoint note text (as returned by ``open_note``)."""
        if isinstance(text, bytes | bytearray):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedCheckpoint("not valid UTF-8") from exc
        if not text.endswith("\n"):
            raise MalformedCheckpoint("the text does not end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedCheckpoint(f"{len(lines)} lines, a checkpoint has at least 3")
        origin, size_text, root_text, *extensions = lines
        if not _DECIMAL.fullmatch(size_text):
            raise MalformedCheckpoint(f"tree size {size_text!r} is not a canonical decimal")
        try:
            root_hash = decode_base64(root_text)
        except ValueError as exc:
            raise MalformedCheckpoint(f"root hash: {exc}") from exc
        return cls(origin, int(size_text), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[NoteSigner]) -> str:
    """The checkpoint as a signed note."""
    return sign_note(checkpoint.to_text(), signers)


def open_checkpoint(
    note: str | bytes, verifiers: Iterable[NoteVerifier], *, origin: str | None = None
) -> tuple[Checkpoint, OpenedNote]:
    """Verify a signed checkpoint and parse it; with ``origin``, require that origin too."""
    opened = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise MalformedCheckpoint(f"origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint, opened


# --- cosignature/v1 -----------------------------------------------------------------------------


def cosignature_v1_message(checkpoint_text: str | bytes, timestamp_s: int) -> bytes:
    """``"cosignature/v1\\ntime <timestamp_s>\\n" || checkpoint text``: what a cosigner signs."""
    condition(
        isinstance(timestamp_s, int) and 0 <= timestamp_s <= cosignature_timestamp_s_max,
        f"timestamp {timestamp_s!r} is outside 0..2**63-1",
    )
    body = checkpoint_text.encode("utf-8") if isinstance(checkpoint_text, str) else checkpoint_text
    return b"cosignature/v1\ntime " + str(timestamp_s).encode("ascii") + b"\n" + bytes(body)


def cosignature_timestamp(signature: NoteSignature) -> int:
    """The timestamp (POSIX seconds) inside a cosignature/v1 signature."""
    condition(
        len(signature.signature) == _TIMESTAMP_SIZE + SIGNATURE_SIZE,
        "a cosignature/v1 signature is an 8-byte timestamp and a 64-byte Ed25519 signature",
    )
    (timestamp_s,) = struct.unpack(">Q", signature.signature[:_TIMESTAMP_SIZE])
    return int(timestamp_s)


class CosignatureV1Verifier:
    """Checks cosignature/v1 signatures (type 0x04) by one cosigner over checkpoints."""

    __slots__ = ("_key_id", "_name", "public_key")

    def __init__(self, name: str, public_key: VerifyKey) -> None:
        condition(is_valid_key_name(name), f"invalid key name {name!r}")
        self._name = name
        self.public_key = public_key
        self._key_id = key_id(name, COSIGNATURE_V1_SIGNATURE_TYPE, public_key.raw)

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureV1Verifier:
        """From a verifier key string of signature type 0x04."""
        parts = split_verifier_key(vkey)
        if parts.signature_type != COSIGNATURE_V1_SIGNATURE_TYPE:
            raise InvalidVerifierKey(
                f"signature type 0x{parts.signature_type:02x} is not cosignature/v1 (0x04)"
            )
        if len(parts.public_key) != 32:
            raise InvalidVerifierKey(f"an Ed25519 key is 32 bytes, got {len(parts.public_key)}")
        try:
            return cls(parts.name, VerifyKey(parts.public_key))
        except ValueError as exc:
            raise InvalidVerifierKey(f"not an Ed25519 public key: {exc}") from exc

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    @property
    def vkey(self) -> str:
        """``<name>+<key ID>+<base64(0x04 || public key)>``."""
        material = bytes([COSIGNATURE_V1_SIGNATURE_TYPE]) + self.public_key.raw
        return f"{self._name}+{self._key_id.hex()}+{_encode_base64(material)}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != _TIMESTAMP_SIZE + SIGNATURE_SIZE:
            return False
        (timestamp_s,) = struct.unpack(">Q", signature[:_TIMESTAMP_SIZE])
        if timestamp_s > cosignature_timestamp_s_max:
            return False
        try:
            Checkpoint.parse(text)
        except MalformedCheckpoint:
            return False
        message = cosignature_v1_message(text, timestamp_s)
        return self.public_key.verify(signature[_TIMESTAMP_SIZE:], message)

    def __repr__(self) -> str:
        return f"CosignatureV1Verifier({self.vkey!r})"


class CosignatureV1Signer:
    """A cosigner's Ed25519 key, producing cosignature/v1 signatures at a given time."""

    __slots__ = ("_key", "_key_id", "_name")

    def __init__(self, name: str, key: SigningKey) -> None:
        condition(is_valid_key_name(name), f"invalid key name {name!r}")
        self._name = name
        self._key = key
        self._key_id = key_id(name, COSIGNATURE_V1_SIGNATURE_TYPE, key.verify_key.raw)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    @property
    def verifier(self) -> CosignatureV1Verifier:
        return CosignatureV1Verifier(self._name, self._key.verify_key)

    def cosign(self, checkpoint_text: str, timestamp_s: int) -> NoteSignature:
        """The cosignature line over ``checkpoint_text`` at ``timestamp_s`` (POSIX seconds)."""
        Checkpoint.parse(checkpoint_text)
        message = cosignature_v1_message(checkpoint_text, timestamp_s)
        signature = struct.pack(">Q", timestamp_s) + self._key.sign(message)
        return NoteSignature(self._name, self._key_id, signature)

    def __repr__(self) -> str:
        return f"CosignatureV1Signer(name={self._name!r}, key_id={self._key_id.hex()})"


def parse_verifier_key(vkey: str) -> Ed25519Verifier | CosignatureV1Verifier:
    """A verifier from its key string: type 0x01 (Ed25519) or 0x04 (cosignature/v1)."""
    parts = split_verifier_key(vkey)
    if parts.signature_type == ED25519_SIGNATURE_TYPE:
        return Ed25519Verifier.from_vkey(vkey)
    if parts.signature_type == COSIGNATURE_V1_SIGNATURE_TYPE:
        return CosignatureV1Verifier.from_vkey(vkey)
    raise InvalidVerifierKey(f"unsupported signature type 0x{parts.signature_type:02x}")
