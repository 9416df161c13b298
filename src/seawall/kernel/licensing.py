"""Stage 20 of the pipeline: licences. Every command submitted from outside acts for one
institution under one role; the submitter must be that institution, and the regulator must hold
an active licence for it (``regulator.machine.authorise``). Commands the kernel derives from
events (submitter ``kernel``) were authorised when their flow began.

| commands of | act for | role |
|---|---|---|
| identity | ``identity`` | IDENTITY |
| custody, ledger (the custodian's books) | ``custody`` | CUSTODY |
| broker | the command's ``broker_id`` | BROKER |
| venue | ``venue`` | VENUE |
| clearing | ``clearing`` | CLEARING |
| regulator | the regulator itself, which checks its own submitter | none |

Orders reach the venue only from brokers, through the kernel: ``venue.PlaceOrder``,
``CancelOrder`` and ``AmendOrder`` from anyone else (the venue operator included) are refused.
The venue only matches; it has no way to trade.
"""

from __future__ import annotations

from typing import Any, Final

from seawall.core.machine import KERNEL_SUBMITTER, Rejection, reject
from seawall.regulator.machine import authorise
from seawall.regulator.rejections import RegulatorRejection
from seawall.regulator.state import Role

__all__ = ["ROLE_OF_INSTITUTION", "check_licence"]

#: Which role each institution's commands act under, and for whom (``None``: the command's
#: ``broker_id`` field names the institution).
ROLE_OF_INSTITUTION: Final[dict[str, tuple[Role, str | None]]] = {
    "identity": (Role.IDENTITY, "identity"),
    "custody": (Role.CUSTODY, "custody"),
    "ledger": (Role.CUSTODY, "custody"),
    "broker": (Role.BROKER, None),
    "venue": (Role.VENUE, "venue"),
    "clearing": (Role.CLEARING, "clearing"),
}


#: Commands no institution may submit directly (they are derived by the kernel from a flow).
_KERNEL_ONLY: Final[dict[str, tuple[str, ...]]] = {
    "venue": ("PlaceOrder", "CancelOrder", "AmendOrder"),
}


def check_licence(
    states: dict[str, Any], owner: str, command: Any, submitter: str
) -> Rejection | None:
    """The licence stage's verdict on ``command`` (owned by ``owner``) from ``submitter``."""
    if submitter == KERNEL_SUBMITTER:
        return None
    acting = ROLE_OF_INSTITUTION.get(owner)
    if acting is None:
        return None
    if type(command).__name__ in _KERNEL_ONLY.get(owner, ()):
        return reject(
            RegulatorRejection.WRONG_SUBMITTER,
            f"{type(command).__name__} reaches the {owner} only through the kernel, "
            f"not from {submitter!r}",
        )
    role, institution_id = acting
    if institution_id is None:
        institution_id = getattr(command, "broker_id", "")
    if submitter != institution_id:
        return reject(
            RegulatorRejection.WRONG_SUBMITTER,
            f"{submitter!r} cannot submit a {owner} command acting for {institution_id!r}",
        )
    return authorise(states["regulator"], institution_id, role)
