"""The Seawall exception hierarchy, in one place.

Errors come in three kinds that are never mixed:

* **rejections** are expected business outcomes. They are *values*, never exceptions: each
  institution declares an ``IntEnum`` of codes in its own range (identity 1xxx, broker 2xxx,
  venue 3xxx, clearing 4xxx, custody 5xxx, ledger 6xxx, regulator 7xxx, surveillance 8xxx,
  governance 9xxx, the kernel's own command checks 100-999) and the journal records them.
* **operating errors** come from the outside world (disk, database, network, a corrupt file).
  Adapters catch foreign exceptions and raise one of ours, ``raise ... from exc``.
* **invariant violations** are bugs: the process must crash, restart and replay.

::

    SeawallError
    ├── ConditionFailed          bad input at an API boundary ("Condition failed: ...")
    │   └── UnitError            a conversion that would lose precision, a bad amount
    ├── OperatingError           raised only by adapters
    │   ├── StorageError
    │   │   └── JournalCorrupt   a stored entry, link or signature does not verify (names the seq)
    │   └── JournalGap           entries are missing or out of order (names the seq)
    └── InvariantViolation       a bug ("Invariant: ..."); never caught in domain code
"""

from __future__ import annotations

__all__ = [
    "ConditionFailed",
    "InvariantViolation",
    "JournalCorrupt",
    "JournalGap",
    "OperatingError",
    "SeawallError",
    "StorageError",
    "UnitError",
    "condition",
    "invariant",
]


class SeawallError(Exception):
    """Root of every exception Seawall raises on purpose."""


class ConditionFailed(SeawallError, ValueError):  # noqa: N818 - the name is the house phrase
    """Bad input at a boundary. The message starts with ``Condition failed:``."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Condition failed: {message}")


class UnitError(ConditionFailed):
    """An amount, price or quantity that cannot be represented exactly in its unit."""


class OperatingError(SeawallError):
    """A failure of the world outside the domain: disk, database, network."""


class StorageError(OperatingError):
    """A storage adapter could not read or write."""


class JournalCorrupt(StorageError):  # noqa: N818 - reads as a state, like the message
    """A stored journal does not verify. ``seq`` is the first entry found bad."""

    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        self.reason = reason
        super().__init__(f"journal corrupt at seq {seq}: {reason}")


class JournalGap(OperatingError):  # noqa: N818
    """Entries are missing or out of order. ``seq`` is the first one expected and not found."""

    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        self.reason = reason
        super().__init__(f"journal gap at seq {seq}: {reason}")


class InvariantViolation(SeawallError, AssertionError):  # noqa: N818
    """A bug. The message starts with ``Invariant:``. Never caught in domain code."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Invariant: {message}")


def condition(ok: bool, message: str) -> None:
    """Raise ``ConditionFailed(message)`` unless ``ok``: for input checks at boundaries."""
    if not ok:
        raise ConditionFailed(message)


def invariant(ok: bool, message: str) -> None:
    """Raise ``InvariantViolation(message)`` unless ``ok``: for what must hold if the code is right.

    Unlike ``assert`` it survives ``python -O``.
    """
    if not ok:
        raise InvariantViolation(message)
