"""A data directory's journal as its public stream: the committed entries, projected
(``kernel.projection.Projector`` under the directory's projection key) into the public entries
that surveillance reads (pseudonyms only, personal data hashed).

Shared by the two readers that must see the same stream: ``seawall surveil`` (offline, a seq
range at once) and the serving node's live surveillance (``node.live_surveillance``, in bounded
batches as the market commits). Only committed (sealed) entries are read, so what either sees
is a prefix of what the market acknowledged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from seawall.adapters.storage import open_store
from seawall.journal import JournalStore
from seawall.kernel.projection import Projector
from seawall.node.keys import load_keys
from seawall.public.schema import PublicEntry

__all__ = ["committed_seq", "public_entries", "read_public"]


def committed_seq(store: JournalStore) -> int:
    """The last seq of ``store``'s last sealed group (0 for an empty journal)."""
    seal = store.last_seal()
    return 0 if seal is None else seal.last_seq


def read_public(
    store: JournalStore, projector: Projector, first_seq: int, last_seq: int
) -> Iterator[PublicEntry]:
    """The public entries ``first_seq..last_seq`` of ``store``, in seq order."""
    for stored in store.read(first_seq, last_seq):
        yield projector.project(stored.body)


def public_entries(data: Path, to_seq: int | None = None) -> list[PublicEntry]:
    """The public projection of ``data/journal.sqlite`` (up to ``to_seq``), under the data
    directory's projection key (``keys.json``)."""
    projector = Projector(load_keys(data).projection_key)
    with open_store(data / "journal.sqlite", create=False) as store:
        last = committed_seq(store)
        if to_seq is not None:
            last = min(last, to_seq)
        if last == 0:
            return []
        return list(read_public(store, projector, 1, last))
