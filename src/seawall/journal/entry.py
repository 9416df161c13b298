"""A journal entry, the seal that ends each commit group, and how both are hashed and signed.

An entry's hash is ``SHA-256("seawall/entry/v1" || 0x00 || bytes)`` where ``bytes`` is the
entry's canonical encoding (``core.codec``), which includes the previous entry's hash: change any
byte of any entry and every later hash changes. The first entry links to 32 zero bytes.

A commit group is the run of entries written in one storage transaction. Its seal is the
sequencer's Ed25519 signature over ``"seawall/journal-seal/v1" || 0x00 || u64be(last_seq) ||
head_hash``: one signature per group rather than per entry, since Ed25519 costs tens of
microseconds and the journal aims at hundreds of thousands of entries per second.
"""

from __future__ import annotations

import hashlib
from typing import Final

import msgspec

from seawall.core.codec import decode, encode
from seawall.core.machine import Rejection

__all__ = ["ENTRY_DOMAIN", "SEAL_DOMAIN", "Entry", "Seal", "entry_hash", "seal_message"]

ENTRY_DOMAIN: Final = b"seawall/entry/v1\x00"
SEAL_DOMAIN: Final = b"seawall/journal-seal/v1\x00"


class Entry(msgspec.Struct, frozen=True):
    """One command and its outcome, as sequenced.

    ``command`` and ``events`` are canonical bytes the kernel produced (the journal does not
    interpret them); ``auth`` is the submitter's own request authentication exactly as received
    (for an API order: the signed query and its signature), so that the submitter's intent can
    be proven later without trusting Seawall. Exactly one of ``events`` (non-empty list
    encoding) and ``rejection`` describes the outcome.
    """

    seq: int
    timestamp_ns: int
    logic_version: int
    submitter: str
    auth: bytes
    command: bytes
    events: bytes
    rejection: Rejection | None
    prev_hash: bytes

    def encode(self) -> bytes:
        return encode(self)

    @staticmethod
    def decode(data: bytes) -> Entry:
        return decode(data, Entry)


class Seal(msgspec.Struct, frozen=True):
    """The sequencer's signature over the chain head at the end of a commit group."""

    last_seq: int
    head_hash: bytes
    signature: bytes


def entry_hash(entry_bytes: bytes) -> bytes:
    """The chain hash of one entry's canonical bytes."""
    return hashlib.sha256(ENTRY_DOMAIN + entry_bytes).digest()


def seal_message(last_seq: int, head_hash: bytes) -> bytes:
    """The exact bytes the sequencer signs for a seal."""
    return SEAL_DOMAIN + last_seq.to_bytes(8, "big") + head_hash
