"""What ``seawall verify`` can find wrong, each kind with its own exit code.

``VerificationFailed.what`` names the kind; ``FAILURES`` gives each kind its exit code and a
line for ``seawall verify --help``. Exit code 0 means every check passed, 1 is left to errors
nobody expected (a bug), 2 is bad usage, as for every ``seawall`` command.
"""

from __future__ import annotations

from typing import Final

from seawall.core.errors import SeawallError, invariant

__all__ = ["EXIT_CODES", "FAILURES", "VerificationFailed"]

#: ``(what, exit code, what it means)``, in the order the checks run.
FAILURES: Final = (
    ("keys", 3, "a verifier key is malformed"),
    ("checkpoint", 4, "the checkpoint cannot be fetched"),
    ("checkpoint signature", 5, "the checkpoint is not signed by the log's key"),
    ("cosignatures", 6, "a witness did not cosign the checkpoint"),
    ("rollback", 7, "the log is smaller than a checkpoint verified before"),
    ("fork", 8, "the same size as before has another root"),
    ("rewrite", 9, "the log is not an extension of the checkpoint verified before"),
    ("tiles", 10, "the tiles do not authenticate against the checkpoint"),
    ("entries", 11, "an entry is missing, altered or out of order"),
    ("public state", 12, "public-state.json differs from the replayed public state"),
    ("inclusion", 13, "the entry's inclusion proof fails"),
    ("api", 14, "the API cannot be read, or does not say which log size it reflects"),
    ("unsettled", 15, "no checkpoint covered the API's figures in the time allowed"),
    ("markets", 16, "the API lists a market the log does not have"),
    ("depth", 17, "the API's order book differs from the replayed one"),
    ("trades", 18, "the API's recent trades differ from the replayed ones"),
)
EXIT_CODES: Final = {what: code for what, code, _ in FAILURES}


class VerificationFailed(SeawallError):  # noqa: N818 - reads as the outcome
    """The log, or what is published beside it or by the API, does not check out."""

    def __init__(self, what: str, detail: str) -> None:
        invariant(what in EXIT_CODES, f"unknown verification failure {what!r}")
        self.what = what
        self.detail = detail
        super().__init__(f"{what}: {detail}")

    @property
    def exit_code(self) -> int:
        """The exit code ``seawall verify`` ends with for this failure."""
        return EXIT_CODES[self.what]
