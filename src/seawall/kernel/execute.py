"""Stages 10, 20, 30 and 50 of the pipeline as pure functions over the institutions' states.

``decide_command`` admits and decides; ``apply_decision`` evolves. The live market and replay
both call exactly these, which is what makes a replay reach the same state hash.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec

from seawall.core import limits
from seawall.core.codec import encode
from seawall.core.hashing import sha256
from seawall.core.machine import Context, Rejection, reject
from seawall.kernel.institution import Institution
from seawall.kernel.licensing import check_licence
from seawall.kernel.pipeline import Command, owner_of
from seawall.kernel.rejections import KernelRejection

__all__ = ["Decision", "apply_decision", "decide_command", "journaled_command"]

#: One decoder for the whole command union (decoders are built once: building one per call, or
#: hashing the union type to find one, costs more than the decoding).
_command_decoder = msgspec.msgpack.Decoder(Command)


class Decision(NamedTuple):
    """What stage 30 produced for one command."""

    owner: Institution | None
    command: Any
    events: list[Any]
    events_bytes: bytes
    rejection: Rejection | None


def journaled_command(command_bytes: bytes) -> bytes:
    """The command bytes as the journal keeps them: an oversized command is not stored whole."""
    if len(command_bytes) > limits.command_bytes_max:
        return b""
    return command_bytes


def decide_command(states: dict[str, Any], command_bytes: bytes, ctx: Context) -> Decision:
    """Stage 10 (admit) and stage 30 (decide). Reads ``states``, never changes them."""
    if len(command_bytes) > limits.command_bytes_max:
        return Decision(
            None,
            None,
            [],
            b"",
            reject(
                KernelRejection.COMMAND_TOO_LARGE,
                f"command of {len(command_bytes)} bytes exceeds {limits.command_bytes_max} "
                f"(sha256 {sha256(command_bytes).hex()})",
            ),
        )
    try:
        command = _command_decoder.decode(command_bytes)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return Decision(
            None,
            None,
            [],
            b"",
            reject(KernelRejection.MALFORMED_COMMAND, f"Condition failed: cannot decode: {exc}"),
        )
    if encode(command) != command_bytes:
        return Decision(
            None,
            None,
            [],
            b"",
            reject(
                KernelRejection.MALFORMED_COMMAND,
                "command bytes are not canonical (unknown fields, or another encoding of it)",
            ),
        )
    owner = owner_of(command)
    refused = check_licence(states, owner.name, command, ctx.submitter)
    if refused is not None:
        return Decision(owner, command, [], b"", refused)
    outcome = owner.decide(states[owner.name], command, ctx)
    if isinstance(outcome, Rejection):
        return Decision(owner, command, [], b"", outcome)
    return Decision(owner, command, outcome, encode(outcome), None)


def apply_decision(states: dict[str, Any], decision: Decision) -> None:
    """Stage 50 (evolve): apply an accepted decision's events to its owner's state."""
    owner = decision.owner
    if owner is None or decision.rejection is not None:
        return
    state = states[owner.name]
    evolve = owner.evolve
    for event in decision.events:
        evolve(state, event)
