"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, byte for byte.

Checkpoints, cosignatures and witness traffic are all signed notes, and the tools that check
them (golang.org/x/mod/sumdb/note, transparency-dev/formats, sigsum, Tessera clients) are strict
about every byte, so this module follows the spec and the Go reference exactly:

* a note is UTF-8 text with no ASCII control character but newline; its text ends in a
  newline, then comes one blank line, then one or more lines
  ``"— " <key name> " " base64(4-byte key ID || signature) "\\n"`` (em dash U+2014, space);
  the text is split from the signatures at the *last* blank line;
* key names are non-empty, without Unicode spaces or ``+``;
* key ID = ``SHA-256(name || 0x0A || signature type || public key)[:4]``; Ed25519 is type
  ``0x01`` and signs the note text (final newline included);
* a verifier key is ``<name>+<8 hex digits key ID>+<base64(type || public key)>`` (the base64
  may itself contain ``+``: split on the first two only);
* opening a note: signatures from unknown keys (name *and* key ID not both known) are ignored,
  a known key whose signature fails rejects the whole note, and a note with no verified
  signature is rejected (``UnverifiedNote``). Repeated signatures by one key count once.

Signing is deterministic (Ed25519), so signing the same text with the same key reproduces a
published note exactly; the conformance tests check that against golang.org/x/mod's vectors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

from seawall.core.errors import ConditionFailed, condition
from seawall.core.limits import note_bytes_max, note_signatures_max
from seawall.core.signing import SIGNATURE_SIZE, SigningKey, VerifyKey
from seawall.transparency.errors import (
    InvalidNoteSignature,
    InvalidVerifierKey,
    MalformedNote,
    UnverifiedNote,
)

__all__ = [
    "ED25519_SIGNATURE_TYPE",
    "SIGNATURE_LINE_PREFIX",
    "Ed25519Signer",
    "Ed25519Verifier",
    "Note",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "VerifierKeyParts",
    "add_signatures",
    "decode_base64",
    "format_note",
    "is_valid_key_name",
    "key_id",
    "open_note",
    "parse_note",
    "sign_note",
    "split_verifier_key",
]

#: Signature type byte of plain Ed25519 note signatures.
ED25519_SIGNATURE_TYPE: Final = 0x01
#: Every signature line starts with an em dash and a space.
SIGNATURE_LINE_PREFIX: Final = "\u2014 "

_KEY_ID_SIZE: Final = 4
_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")
#: Go's unicode.IsSpace: these code points, plus categories Zs, Zl and Zp.
_GO_SPACES: Final = frozenset("\t\n\v\f\r \x85\xa0")


def decode_base64(text: str) -> bytes:
    """Standard base64 (RFC 4648 section 4) with padding; anything else raises ``ValueError``."""
    if len(text) % 4:
        raise ValueError("base64 length is not a multiple of 4")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"not standard base64: {exc}") from exc


def _encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def is_valid_key_name(name: str) -> bool:
    """Non-empty, and no Unicode space (as Go's ``unicode.IsSpace``) and no ``+``."""
    return (
        bool(name)
        and "+" not in name
        and not any(c in _GO_SPACES or unicodedata.category(c) in ("Zs", "Zl", "Zp") for c in name)
    )


def _has_control_character(text: str) -> bool:
    return any(c < " " and c != "\n" for c in text)


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || signature_type || public_key)[:4]``."""
    condition(0 <= signature_type <= 0xFF, f"signature type {signature_type} is not a byte")
    digest = hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key
    ).digest()
    return digest[:_KEY_ID_SIZE]


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: the key name, the 4-byte key ID and the algorithm's signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        condition(is_valid_key_name(self.name), f"invalid key name {self.name!r}")
        condition(len(self.key_id) == _KEY_ID_SIZE, "a key ID is 4 bytes")
        condition(len(self.signature) >= 1, "a signature is not empty")

    @property
    def line(self) -> str:
        """``"— <name> <base64(key ID || signature)>\\n"``."""
        return (
            f"{SIGNATURE_LINE_PREFIX}{self.name} {_encode_base64(self.key_id + self.signature)}\n"
        )


@runtime_checkable
class NoteVerifier(Protocol):
    """A known key: its name and key ID, and how to check a signature over a note text."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True if ``signature`` (the bytes after the key ID) is valid over ``text``."""
        ...


@runtime_checkable
class NoteSigner(Protocol):
    """A private key that signs note texts under a name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def sign(self, text: bytes) -> bytes:
        """The signature bytes (without the key ID) over ``text``."""
        ...


@dataclass(frozen=True, slots=True)
class VerifierKeyParts:
    """A verifier key string taken apart: name, key ID, signature type and public key bytes."""

    name: str
    key_id: bytes
    signature_type: int
    public_key: bytes


def split_verifier_key(vkey: str) -> VerifierKeyParts:
    """Parse ``<name>+<hex key ID>+<base64(type || public key)>`` and check the key ID.

    Splits on the first two ``+`` only. Raises ``InvalidVerifierKey``.
    """
    name, _, rest = vkey.partition("+")
    hex_id, _, material_b64 = rest.partition("+")
    if not is_valid_key_name(name):
        raise InvalidVerifierKey(f"invalid key name {name!r}")
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise InvalidVerifierKey(f"key ID {hex_id!r} is not 8 hexadecimal digits")
    try:
        material = decode_base64(material_b64)
    except ValueError as exc:
        raise InvalidVerifierKey(f"key material: {exc}") from exc
    if not material:
        raise InvalidVerifierKey("empty key material")
    expected = hashlib.sha256(name.encode("utf-8") + b"\n" + material).digest()[:_KEY_ID_SIZE]
    if bytes.fromhex(hex_id) != expected:
        raise InvalidVerifierKey(
            f"key ID {hex_id} does not match the key (expected {expected.hex()})"
        )
    return VerifierKeyParts(name, expected, material[0], material[1:])


def _format_key(name: str, key_id_bytes: bytes, signature_type: int, public_key: bytes) -> str:
    return f"{name}+{key_id_bytes.hex()}+{_encode_base64(bytes([signature_type]) + public_key)}"


class Ed25519Verifier:
    """An Ed25519 note verifier (signature type 0x01)."""

    __slots__ = ("_key_id", "_name", "public_key")

    def __init__(self, name: str, public_key: VerifyKey) -> None:
        condition(is_valid_key_name(name), f"invalid key name {name!r}")
        self._name = name
        self.public_key = public_key
        self._key_id = key_id(name, ED25519_SIGNATURE_TYPE, public_key.raw)

    @classmethod
    def from_vkey(cls, vkey: str) -> Ed25519Verifier:
        """From a verifier key string (signature type 0x01)."""
        parts = split_verifier_key(vkey)
        if parts.signature_type != ED25519_SIGNATURE_TYPE:
            raise InvalidVerifierKey(
                f"signature type 0x{parts.signature_type:02x} is not Ed25519 (0x01)"
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
        """The verifier key string ``<name>+<key ID>+<base64(0x01 || public key)>``."""
        return _format_key(self._name, self._key_id, ED25519_SIGNATURE_TYPE, self.public_key.raw)

    def verify(self, text: bytes, signature: bytes) -> bool:
        return len(signature) == SIGNATURE_SIZE and self.public_key.verify(signature, text)

    def __repr__(self) -> str:
        return f"Ed25519Verifier({self.vkey!r})"


class Ed25519Signer:
    """An Ed25519 note signer (signature type 0x01)."""

    __slots__ = ("_key", "_key_id", "_name")

    def __init__(self, name: str, key: SigningKey) -> None:
        condition(is_valid_key_name(name), f"invalid key name {name!r}")
        self._name = name
        self._key = key
        self._key_id = key_id(name, ED25519_SIGNATURE_TYPE, key.verify_key.raw)

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        """From Go's private key string ``PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || seed)>``."""
        private, _, rest = skey.partition("+")
        key_word, _, rest = rest.partition("+")
        name, _, rest = rest.partition("+")
        hex_id, _, seed_b64 = rest.partition("+")
        if private != "PRIVATE" or key_word != "KEY":
            raise InvalidVerifierKey("a signer key starts with PRIVATE+KEY+")
        if not is_valid_key_name(name) or not _HEX_KEY_ID.fullmatch(hex_id):
            raise InvalidVerifierKey("malformed signer key name or key ID")
        try:
            material = decode_base64(seed_b64)
        except ValueError as exc:
            raise InvalidVerifierKey(f"signer key material: {exc}") from exc
        if len(material) != 33 or material[0] != ED25519_SIGNATURE_TYPE:
            raise InvalidVerifierKey("an Ed25519 signer key is 0x01 and a 32-byte seed")
        signer = cls(name, SigningKey(material[1:]))
        if signer.key_id != bytes.fromhex(hex_id):
            raise InvalidVerifierKey(f"key ID {hex_id} does not match the key")
        return signer

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    @property
    def verifier(self) -> Ed25519Verifier:
        """The matching verifier."""
        return Ed25519Verifier(self._name, self._key.verify_key)

    def sign(self, text: bytes) -> bytes:
        return self._key.sign(text)

    def __repr__(self) -> str:
        return f"Ed25519Signer(name={self._name!r}, key_id={self._key_id.hex()})"


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed, *unverified* note: never act on ``text`` before ``open_note`` accepts it."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def to_text(self) -> str:
        """The note serialised again (identical to what was parsed)."""
        return format_note(self.text, self.signatures)


@dataclass(frozen=True, slots=True)
class OpenedNote:
    """A note whose ``verified`` signatures come from known keys and verified."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def _check_text(text: str) -> None:
    condition(isinstance(text, str), "a note text is a str")
    condition(text.endswith("\n"), "a note text ends with a newline")
    condition(not _has_control_character(text), "a note has no control character but newline")


def format_note(text: str, signatures: Sequence[NoteSignature]) -> str:
    """``text``, a blank line, then one line per signature."""
    _check_text(text)
    condition(len(signatures) >= 1, "a signed note has at least one signature")
    return text + "\n" + "".join(signature.line for signature in signatures)


def parse_note(note: str | bytes) -> Note:
    """Split a signed note into its text and signatures; verifies nothing."""
    if isinstance(note, str):
        try:
            data = note.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedNote("not valid UTF-8") from exc
    else:
        data = bytes(note)
    if len(data) > note_bytes_max:
        raise MalformedNote(f"{len(data)} bytes is more than {note_bytes_max}")
    try:
        whole = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedNote("not valid UTF-8") from exc
    if _has_control_character(whole):
        raise MalformedNote("contains an ASCII control character other than newline")
    split = whole.rfind("\n\n")
    if split < 0:
        raise MalformedNote("no blank line before the signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    if not block or not block.endswith("\n"):
        raise MalformedNote("the signature block is empty or does not end in a newline")
    lines = block[:-1].split("\n")
    if len(lines) > note_signatures_max:
        raise MalformedNote(f"{len(lines)} signatures is more than {note_signatures_max}")
    signatures: list[NoteSignature] = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith(SIGNATURE_LINE_PREFIX):
            raise MalformedNote(f"signature line {number} does not start with an em dash")
        name, _, encoded = line[len(SIGNATURE_LINE_PREFIX) :].partition(" ")
        if not is_valid_key_name(name):
            raise MalformedNote(f"signature line {number}: invalid key name {name!r}")
        try:
            raw = decode_base64(encoded)
        except ValueError as exc:
            raise MalformedNote(f"signature line {number}: {exc}") from exc
        if len(raw) < _KEY_ID_SIZE + 1:
            raise MalformedNote(f"signature line {number}: shorter than a key ID and signature")
        signatures.append(NoteSignature(name, raw[:_KEY_ID_SIZE], raw[_KEY_ID_SIZE:]))
    return Note(text, tuple(signatures))


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> OpenedNote:
    """Parse ``note`` and verify it against the known ``verifiers``.

    Unknown signatures are kept in ``unverified``; a known key's failed signature raises
    ``InvalidNoteSignature``; no verified signature raises ``UnverifiedNote``.
    """
    known: dict[tuple[str, bytes], NoteVerifier] = {}
    for candidate in verifiers:
        identity = (candidate.name, bytes(candidate.key_id))
        if identity in known:
            raise ConditionFailed(f"two verifiers share key {identity[0]}+{identity[1].hex()}")
        known[identity] = candidate
    parsed = parse_note(note)
    text = parsed.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    for signature in parsed.signatures:
        identity = (signature.name, signature.key_id)
        verifier = known.get(identity)
        if verifier is None:
            if signature not in unverified:
                unverified.append(signature)
            continue
        if identity in seen:
            continue
        seen.add(identity)
        if not verifier.verify(text, signature.signature):
            raise InvalidNoteSignature(signature.name, signature.key_id)
        verified.append(signature)
    if not verified:
        raise UnverifiedNote()
    return OpenedNote(parsed.text, tuple(verified), tuple(unverified))


def sign_note(
    text: str, signers: Sequence[NoteSigner], *, keep: Sequence[NoteSignature] = ()
) -> str:
    """Sign ``text`` with every signer; return the signed note.

    Signatures in ``keep`` (say, from an earlier ``open_note``) come first, except those by a
    key that signs again now; the new ones follow, in ``signers`` order (as Go's ``note.Sign``).
    """
    _check_text(text)
    condition(len(signers) + len(keep) >= 1, "a signed note needs at least one signature")
    message = text.encode("utf-8")
    fresh = [NoteSignature(s.name, bytes(s.key_id), s.sign(message)) for s in signers]
    replaced = {(s.name, s.key_id) for s in fresh}
    kept = [s for s in keep if (s.name, s.key_id) not in replaced]
    return format_note(text, [*kept, *fresh])


def add_signatures(note: str | bytes, signatures: Sequence[NoteSignature]) -> str:
    """``note`` with ``signatures`` appended (replacing any earlier line by the same key).

    Verifies nothing: this is how a witness's cosignature is attached to a log's checkpoint.
    """
    parsed = parse_note(note)
    added = {(s.name, s.key_id) for s in signatures}
    kept = [s for s in parsed.signatures if (s.name, s.key_id) not in added]
    return format_note(parsed.text, [*kept, *signatures])
