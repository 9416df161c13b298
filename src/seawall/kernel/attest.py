"""State attestations: at each checkpoint every institution signs its own state hash, together
with the checkpoint (the seq and chain head it describes), with its own Ed25519 key.

No state can then be published in an institution's name that it did not produce: an auditor who
replays the journal to that seq recomputes each institution's state hash and checks it against
the institution's signature, so a forged or altered state shows exactly whose books disagree.

The signed message is ``"seawall/state-attestation/v1" || 0x00 || name || 0x00 || u64be(seq) ||
head_hash || state_hash``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from seawall.core.signing import SigningKey, VerifyKey
from seawall.kernel.registry import INSTITUTIONS

__all__ = ["ATTESTATION_DOMAIN", "Attestation", "attest", "attestation_message", "verify"]

ATTESTATION_DOMAIN: Final = b"seawall/state-attestation/v1\x00"


class Attestation(msgspec.Struct, frozen=True):
    institution: str
    seq: int
    head_hash: bytes
    state_hash: bytes
    public_key: bytes
    signature: bytes


def attestation_message(institution: str, seq: int, head_hash: bytes, state_hash: bytes) -> bytes:
    return (
        ATTESTATION_DOMAIN
        + institution.encode("ascii")
        + b"\x00"
        + seq.to_bytes(8, "big")
        + head_hash
        + state_hash
    )


def attest(
    states: dict[str, Any], seq: int, head_hash: bytes, keys: Mapping[str, SigningKey]
) -> list[Attestation]:
    """Each institution with a key signs its state hash at ``seq`` (in registry order)."""
    attestations = []
    for institution in INSTITUTIONS:
        key = keys.get(institution.name)
        if key is None:
            continue
        state_hash = institution.state_hash(states[institution.name])
        message = attestation_message(institution.name, seq, head_hash, state_hash)
        attestations.append(
            Attestation(
                institution.name, seq, head_hash, state_hash, key.verify_key.raw, key.sign(message)
            )
        )
    return attestations


def verify(attestation: Attestation, trusted: VerifyKey, state_hash: bytes | None = None) -> bool:
    """The signature is ``trusted``'s over the attestation (and, if given, the state hash is
    the one a replay computed)."""
    if state_hash is not None and state_hash != attestation.state_hash:
        return False
    message = attestation_message(
        attestation.institution, attestation.seq, attestation.head_hash, attestation.state_hash
    )
    return trusted.raw == attestation.public_key and trusted.verify(attestation.signature, message)
