"""The public entry: one journal entry with personal data removed and accounts pseudonymous.

Encoding is the canonical MessagePack of ``core.codec``; the bytes of a ``PublicEntry`` are the
leaf of the RFC 6962 transparency log. Fields:

* ``seq``, ``timestamp_ns``, ``logic_version``: as in the journal;
* ``submitter``: an institution's id as is; a client's replaced by its pseudonym;
* ``command`` and ``events``: the command and its events as maps (tag in ``"k"``), with every
  private field replaced by ``"h:" + keyed hash`` of its value and every client account id, in
  any string, replaced by its pseudonym (``p`` + 24 hex digits, a keyed HMAC: only identity,
  and the regulator by a journaled warrant, can say whose it is);
* ``rejection``: code, name and message, or nil;
* ``entry_hash``: the hash of the private journal entry, so a regulator or auditor holding the
  journal can check that this public entry stands for it.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from seawall.core.codec import decode, encode

__all__ = ["PROJECTION_VERSION", "PublicEntry", "PublicRejection", "decode_public", "encode_public"]

#: Bumped when the projection's rules or shape change.
PROJECTION_VERSION: Final = 1


class PublicRejection(msgspec.Struct, frozen=True):
    code: int
    name: str
    message: str


class PublicEntry(msgspec.Struct, frozen=True):
    projection_version: int
    seq: int
    timestamp_ns: int
    logic_version: int
    submitter: str
    command: dict[str, Any]
    events: list[dict[str, Any]]
    rejection: PublicRejection | None
    entry_hash: bytes


def encode_public(entry: PublicEntry) -> bytes:
    """The canonical bytes of a public entry: a transparency-log leaf."""
    return encode(entry)


def decode_public(data: bytes) -> PublicEntry:
    return decode(data, PublicEntry)
