"""Signed requests as Binance defines them: ``X-MBX-APIKEY``, ``timestamp`` + ``recvWindow``, and
a ``signature`` over the request's parameters (HMAC-SHA256 in hex, or Ed25519 in base64).

The signed payload is the query string followed by the request body, exactly as sent, with the
``signature`` parameter taken out (Binance's ``totalParams``). Nothing is re-encoded: a client
that signs what it sends always verifies. The WebSocket API signs its parameters sorted by name
and joined as ``name=value&...`` (``ws_payload``).

The raw signed request (method, path, key, query and body) becomes the journal entry's ``auth``,
so that the client's instruction can be proven later without trusting Seawall.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache
from typing import Final, NamedTuple
from urllib.parse import parse_qsl, unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from seawall.api import errors as e
from seawall.api.keys import API_KEY_LENGTH, ApiKey, KeyStore
from seawall.api.params import is_digits
from seawall.core import limits

__all__ = [
    "RECV_WINDOW_DEFAULT_MS",
    "RECV_WINDOW_MAX_MS",
    "Signed",
    "authenticate",
    "check_timestamp",
    "find_key",
    "parse_params",
    "split_signature",
    "verify_signature",
    "ws_payload",
]

RECV_WINDOW_DEFAULT_MS: Final = 5_000
RECV_WINDOW_MAX_MS: Final = 60_000
#: How far ahead of the server's clock a timestamp may be.
AHEAD_MAX_MS: Final = 1_000


class Signed(NamedTuple):
    """A request whose key and signature checked out."""

    key: ApiKey
    params: dict[str, str]
    #: The raw signed request as received, for the journal entry's ``auth``.
    auth: bytes


def parse_params(query: bytes, body: bytes) -> dict[str, str]:
    """Query and (form) body parameters; a name given twice is refused (-1101)."""
    params: dict[str, str] = {}
    for raw in (query, body):
        if not raw:
            continue
        try:
            pairs = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise e.ApiError(e.ILLEGAL_CHARS) from exc
        for name, value in pairs:
            if name in params:
                raise e.ApiError(e.TOO_MANY_PARAMETERS, f"Duplicate values for parameter '{name}'.")
            params[name] = value
    return params


def split_signature(raw: bytes) -> tuple[bytes, str | None]:
    """``raw`` without its ``signature=`` pair, and that signature (percent-decoded)."""
    if b"signature=" not in raw:
        return raw, None
    kept: list[bytes] = []
    signature: str | None = None
    for pair in raw.split(b"&"):
        if pair.startswith(b"signature="):
            signature = unquote(pair[10:].decode("ascii", "replace"))
        else:
            kept.append(pair)
    return b"&".join(kept), signature


@lru_cache(maxsize=4096)
def _public_key(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_signature(key: ApiKey, payload: bytes, signature: str) -> bool:
    """Whether ``signature`` signs ``payload`` with ``key``'s credential."""
    if key.hmac_secret is not None:
        expected = hmac.new(key.hmac_secret.encode(), payload, hashlib.sha256).hexdigest()
        # As bytes: ``compare_digest`` refuses str with non-ASCII characters.
        return hmac.compare_digest(expected.encode(), signature.lower().encode())
    if key.ed25519_public_key is not None:
        try:
            raw = base64.b64decode(signature.replace(" ", "+"), validate=True)
            _public_key(key.ed25519_public_key).verify(raw, payload)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True
    return False


def find_key(keys: KeyStore, api_key: str | None) -> ApiKey:
    """The key named by ``X-MBX-APIKEY`` (-2014 when missing or malformed, -2015 unknown)."""
    if not api_key or len(api_key) != API_KEY_LENGTH or not api_key.isalnum():
        raise e.ApiError(e.API_KEY_FORMAT_INVALID)
    key = keys.get(api_key)
    if key is None:
        raise e.ApiError(e.INVALID_API_KEY)
    return key


def check_timestamp(params: dict[str, str], now_ms: int) -> None:
    """``timestamp`` within ``recvWindow`` of the server's clock (-1021), or -1102 / -1131."""
    raw = params.get("timestamp")
    if not raw or not is_digits(raw) or len(raw) > 16:
        raise e.mandatory_missing("timestamp")
    timestamp_ms = int(raw)
    window = params.get("recvWindow")
    window_ms = RECV_WINDOW_DEFAULT_MS
    if window is not None:
        whole = window.split(".", 1)[0]
        if not is_digits(whole) or len(whole) > 9:
            raise e.illegal_characters("recvWindow", "^[0-9]{1,20}$")
        window_ms = int(whole)
        if window_ms > RECV_WINDOW_MAX_MS:
            raise e.ApiError(e.RECV_WINDOW_TOO_LARGE)
    if timestamp_ms > now_ms + AHEAD_MAX_MS:
        raise e.ApiError(e.TIMESTAMP_AHEAD)
    if now_ms - timestamp_ms > window_ms:
        raise e.ApiError(e.TIMESTAMP_OUTSIDE_RECV_WINDOW)


def authenticate(
    keys: KeyStore,
    api_key: str | None,
    method: str,
    path: str,
    query: bytes,
    body: bytes,
    now_ms: int,
) -> Signed:
    """Check a signed REST request: key, signature, then timestamp (Binance's order)."""
    key = find_key(keys, api_key)
    query_unsigned, signature_q = split_signature(query)
    body_unsigned, signature_b = split_signature(body)
    signature = signature_q if signature_q is not None else signature_b
    if not signature:
        raise e.mandatory_missing("signature")
    params = parse_params(query_unsigned, body_unsigned)
    if not verify_signature(key, query_unsigned + body_unsigned, signature):
        raise e.ApiError(e.BAD_SIGNATURE)
    check_timestamp(params, now_ms)
    auth = b"%s %s\n%s\n%s\n%s" % (
        method.encode(),
        path.encode(),
        key.api_key.encode(),
        query,
        body,
    )
    if len(auth) > limits.auth_bytes_max:
        raise e.ApiError(e.TOO_MANY_PARAMETERS, "Request too large.")
    return Signed(key, params, auth)


def ws_payload(params: dict[str, object]) -> bytes:
    """The WebSocket API's signed payload: parameters but ``signature``, sorted by name."""
    return "&".join(
        f"{name}={_ws_text(value)}" for name, value in sorted(params.items()) if name != "signature"
    ).encode()


def _ws_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
