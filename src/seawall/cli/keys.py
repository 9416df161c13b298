"""The keys of a data directory: ``keys.json`` holds each key's 32-byte seed by role.

Roles: ``sequencer`` (seals the journal), ``log`` (signs checkpoints), ``custody`` and
``regulator`` (cosign checkpoints as witnesses), ``projection`` (the HMAC key behind public
pseudonyms). A new directory gets fresh random keys; ``seawall demo`` writes deterministic ones so
its output is reproducible. The file is private: it never goes into the published log.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from seawall.core.signing import SigningKey
from seawall.kernel.publish import LogKeys

__all__ = ["ROLES", "DataKeys", "load_keys"]

ROLES = ("sequencer", "log", "custody", "regulator", "projection")
LOG_ORIGIN = "seawall.local/journal"


class DataKeys:
    """The seeds of one data directory."""

    def __init__(self, seeds: dict[str, bytes]) -> None:
        self.seeds = seeds

    def signing(self, role: str) -> SigningKey:
        return SigningKey(self.seeds[role])

    @property
    def projection_key(self) -> bytes:
        return self.seeds["projection"]

    def log_keys(self) -> LogKeys:
        return LogKeys(
            origin=LOG_ORIGIN,
            log_name="seawall-log",
            log_key=self.signing("log"),
            witnesses=(
                ("seawall-custody", self.signing("custody")),
                ("seawall-regulator", self.signing("regulator")),
            ),
        )


def load_keys(data: Path, deterministic_label: str | None = None) -> DataKeys:
    """Read ``data/keys.json``, creating it if missing (deterministic from a label, or random)."""
    path = data / "keys.json"
    if path.exists():
        raw = json.loads(path.read_text())
        return DataKeys({role: bytes.fromhex(raw[role]) for role in ROLES})
    if deterministic_label is not None:
        seeds = {
            role: SigningKey.from_label(f"{deterministic_label}/{role}").seed for role in ROLES
        }
    else:
        seeds = {role: secrets.token_bytes(32) for role in ROLES}
    data.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({role: seed.hex() for role, seed in seeds.items()}, indent=2))
    path.chmod(0o600)
    return DataKeys(seeds)
