"""Shared fixtures: journal stores for every adapter, so contract suites run against each.

PostgreSQL (127.0.0.1:5432, database ``test``) and NATS JetStream (127.0.0.1:4222) are real
services: when ``CI=true`` a missing service fails the tests; elsewhere they are skipped with a
message saying what is missing."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from seawall.adapters.storage import MemoryJournalStore, SqliteJournalStore
from seawall.core.errors import StorageError
from seawall.journal import JournalStore

STORE_KINDS = ["memory", "sqlite", "postgres", "nats"]
POSTGRES_DSN = os.environ.get(
    "SEAWALL_TEST_POSTGRES", "host=127.0.0.1 port=5432 dbname=test user=postgres"
)
NATS_URL = os.environ.get("SEAWALL_TEST_NATS", "nats://127.0.0.1:4222")


def _unavailable(service: str, exc: Exception) -> None:
    message = f"{service} is not reachable ({exc}); it is required when CI=true"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _journal_name(directory: Path) -> str:
    return "t" + hashlib.sha256(str(directory).encode()).hexdigest()[:16]


def make_store(kind: str, directory: Path) -> JournalStore:
    if kind == "memory":
        return MemoryJournalStore()
    if kind == "sqlite":
        return SqliteJournalStore(directory / "journal.sqlite")
    if kind == "postgres":
        from seawall.adapters.storage.postgres import PostgresJournalStore

        try:
            store = PostgresJournalStore(POSTGRES_DSN, _journal_name(directory))
        except StorageError as exc:
            _unavailable("PostgreSQL", exc)
        store.drop()
        return PostgresJournalStore(POSTGRES_DSN, _journal_name(directory))
    if kind == "nats":
        from seawall.adapters.storage.nats import NatsJournalStore

        try:
            nats_store = NatsJournalStore(NATS_URL, _journal_name(directory))
        except StorageError as exc:
            _unavailable("NATS JetStream", exc)
        nats_store.drop()
        nats_store.close()
        return NatsJournalStore(NATS_URL, _journal_name(directory))
    raise AssertionError(kind)


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JournalStore]:
    journal = make_store(request.param, tmp_path)
    yield journal
    drop = getattr(journal, "drop", None)
    if drop is not None and request.param in ("postgres", "nats"):
        with contextlib.suppress(StorageError):
            drop()
    with contextlib.suppress(StorageError):
        journal.close()
