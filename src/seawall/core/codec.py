"""Canonical encoding: the same value always gives the same bytes.

The format is MessagePack (a public, language-neutral format) as written by ``msgspec`` with
``order="deterministic"``. Its rules, which every hash and signature in Seawall depends on:

* integers take the smallest MessagePack form that holds them (so ``5`` is one byte whatever
  its Python origin); money is always an integer in minor units, never a float;
* a ``msgspec.Struct`` is a map whose keys are its field names in declaration order; tagged
  unions carry their tag in the field ``"k"`` first; fields equal to their default are still
  written (``omit_defaults`` is off), so adding a field is a schema change with a new
  ``logic_version`` and an upcaster, never a silent change of bytes;
* dict keys and set members are sorted; ``bytes`` are MessagePack ``bin``; strings are UTF-8;
* floats are refused at the boundary by the types themselves: no domain struct declares one.

Decoding is strict about types: a wrong type, a missing field or trailing bytes raise
``ConditionFailed``. Unknown fields are skipped by the decoder itself; the kernel then requires
the command to re-encode to exactly the bytes it received, so a command with unknown fields or
in any non-canonical form is refused (kernel rejection 101) before an institution sees it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from seawall.core.errors import ConditionFailed

__all__ = ["decode", "encode", "encode_into_hash_input"]

T = TypeVar("T")

_encoder = msgspec.msgpack.Encoder(order="deterministic")
_decoders: dict[Any, msgspec.msgpack.Decoder[Any]] = {}


def encode(value: object) -> bytes:
    """The canonical bytes of ``value``."""
    return _encoder.encode(value)


def encode_into_hash_input(domain: bytes, value: object) -> bytes:
    """``domain || 0x00 || encode(value)``: bytes to hash, separated by purpose."""
    return domain + b"\x00" + _encoder.encode(value)


def decode(data: bytes, kind: type[T]) -> T:
    """Decode canonical bytes into ``kind``; any mismatch is a ``ConditionFailed``."""
    decoder = _decoders.get(kind)
    if decoder is None:
        decoder = msgspec.msgpack.Decoder(kind)
        _decoders[kind] = decoder
    try:
        result: T = decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ConditionFailed(f"cannot decode {getattr(kind, '__name__', kind)}: {exc}") from exc
    return result
