"""The keys of a data directory: ``keys.json`` holds each key's 32-byte seed by role.

Roles: ``sequencer`` (seals the journal), ``log`` (signs checkpoints), ``projection`` (the HMAC
key behind public pseudonyms), and each institution's own key (it signs its state hash at every
checkpoint; ``custody`` and ``regulator`` also cosign checkpoints as witnesses). A new
directory gets fresh random keys; ``seawall demo`` writes deterministic ones so its output is
reproducible. The file is private: it never goes into the published log.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from seawall.core.signing import SigningKey
from seawall.kernel.publish import LogKeys

__all__ = ["INSTITUTION_KEYS", "ROLES", "DataKeys", "load_keys"]

#: The sequencer, the log, the pseudonym key, and one key per institution (each signs its own
#: state at every checkpoint; custody and the regulator also cosign the log as witnesses).
INSTITUTION_KEYS = (
    "regulator",
    "identity",
    "custody",
    "clearing",
    "broker",
    "venue",
    "ledger",
    "surveillance",
)
ROLES = ("sequencer", "log", "projection", *INSTITUTION_KEYS)
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

    def institution_keys(self) -> dict[str, SigningKey]:
        return {name: self.signing(name) for name in INSTITUTION_KEYS}

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
    """Read ``data/keys.json``, adding any missing role's key (deterministic from a label, or
    random) and keeping every key already there: a journal's sequencer key never changes."""
    path = data / "keys.json"
    raw: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    seeds = {role: bytes.fromhex(value) for role, value in raw.items()}
    missing = [role for role in ROLES if role not in seeds]
    for role in missing:
        if deterministic_label is not None:
            seeds[role] = SigningKey.from_label(f"{deterministic_label}/{role}").seed
        else:
            seeds[role] = secrets.token_bytes(32)
    if missing:
        data.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({role: seed.hex() for role, seed in seeds.items()}, indent=2))
        path.chmod(0o600)
    return DataKeys(seeds)
