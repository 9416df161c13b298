"""Shared fixtures: journal stores for every adapter, so contract suites run against each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seawall.adapters.storage import MemoryJournalStore, SqliteJournalStore
from seawall.journal import JournalStore

STORE_KINDS = ["memory", "sqlite"]


def make_store(kind: str, directory: Path) -> JournalStore:
    if kind == "memory":
        return MemoryJournalStore()
    if kind == "sqlite":
        return SqliteJournalStore(directory / "journal.sqlite")
    raise AssertionError(kind)


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JournalStore]:
    journal = make_store(request.param, tmp_path)
    yield journal
    journal.close()
