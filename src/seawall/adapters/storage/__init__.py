"""Journal storage adapters behind ``seawall.journal.JournalStore``: memory and SQLite."""

from seawall.adapters.storage.memory import MemoryJournalStore
from seawall.adapters.storage.sqlite import SqliteJournalStore, open_store

__all__ = ["MemoryJournalStore", "SqliteJournalStore", "open_store"]
