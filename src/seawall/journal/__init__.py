"""The journal: one append-only, hash-chained, signed sequence of every command and its outcome.

The journal does not know what a command means: it stores the canonical bytes of the command
and of its outcome, as the kernel hands them over. That keeps it below every institution in the
import order and lets any tool verify a journal without the institutions' code.
"""

from seawall.journal.entry import Entry, Seal, entry_hash, seal_message
from seawall.journal.sequencer import Sequencer
from seawall.journal.store import JournalStore, Snapshot, StoredEntry
from seawall.journal.verify import VerifyReport, verify_journal

__all__ = [
    "Entry",
    "JournalStore",
    "Seal",
    "Sequencer",
    "Snapshot",
    "StoredEntry",
    "VerifyReport",
    "entry_hash",
    "seal_message",
    "verify_journal",
]
