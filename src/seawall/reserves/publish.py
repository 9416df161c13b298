"""What custody journals for a snapshot: the pure helper that builds the ``PublishReserves``
command's fields from a snapshot, so the root is anchored in the journal (and so in the public
transparency log) and a ratio below 100 % becomes a journaled regulator alert.

The command itself belongs to custody (``custody.commands.PublishReserves``, added by the kernel's
owner); until it exists this module gives its fields as ``ReservesPublication``, whose encoding
is the command's minus the tag:

``PublishReserves(snapshot_id: str, liabilities_root: bytes,
ratios: tuple[tuple[asset, liabilities_minor, reserves_minor, ratio_bps], ...])``.

Every amount must fit the journal's integers (``amount_minor_max``, a signed 64-bit value); a
total beyond that is refused here rather than wrapped.
"""

from __future__ import annotations

from typing import Final

import msgspec

from seawall.core import limits
from seawall.core.errors import ConditionFailed
from seawall.reserves.reserves import RATIO_BPS_FULL
from seawall.reserves.snapshot import PorSnapshot

__all__ = ["ALERT_CODE", "ReservesPublication", "publication_for", "shortfall_detail"]

#: The regulator alert code the kernel's route raises when any ratio is below 100 %.
ALERT_CODE: Final = "RESERVES_BELOW_LIABILITIES"


class ReservesPublication(msgspec.Struct, frozen=True):
    """The fields of custody's ``PublishReserves``: one row per asset,
    ``(asset, liabilities_minor, reserves_minor, ratio_bps)``."""

    snapshot_id: str
    liabilities_root: bytes
    ratios: tuple[tuple[str, int, int, int], ...]

    @property
    def below_full(self) -> tuple[tuple[str, int, int, int], ...]:
        """The rows whose ratio is below 100 % (reserves short of liabilities)."""
        return tuple(row for row in self.ratios if row[3] < RATIO_BPS_FULL)


def publication_for(snapshot: PorSnapshot) -> ReservesPublication:
    """The ``PublishReserves`` fields of ``snapshot``."""
    rows = []
    for row in snapshot.coverage:
        for amount in (row.liabilities_minor, row.reserves_minor):
            if amount > limits.amount_minor_max:
                raise ConditionFailed(
                    f"{row.asset} total {amount} exceeds amount_minor_max: it cannot be journaled"
                )
        rows.append((row.asset, row.liabilities_minor, row.reserves_minor, row.ratio_bps))
    return ReservesPublication(snapshot.snapshot_id, snapshot.root, tuple(rows))


def shortfall_detail(publication: ReservesPublication) -> str:
    """The alert's detail text (what the kernel's route would put in ``RecordAlert.detail``)."""
    parts = [
        f"{asset} reserves {reserves} < liabilities {liabilities} ({ratio} bps)"
        for asset, liabilities, reserves, ratio in publication.below_full
    ]
    detail = f"snapshot {publication.snapshot_id}: " + "; ".join(parts)
    return detail[: limits.regulator_detail_length_max]
