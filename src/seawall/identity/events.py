"""What identity decided: immutable events, tagged ``"identity.<name>"``.

``machine.decide`` returns a list of these; ``machine.evolve`` applies them one at a time and
never refuses one. ``BlockPerson`` gives a ``PersonBlocked`` followed by one ``AccountBlocked``
per active account under the document, in account id order.

Private data: ``ClientOnboarded.kyc`` and ``kyc_salt`` (they ride in the event so that
``evolve`` can store them) and ``PersonBlocked`` / ``PersonUnblocked``'s document hash; the
public projection strips them. ``IdentityDisclosed`` carries no personal data: only that the
warrant disclosed the account, and the commitment the disclosed record opens.
"""

from __future__ import annotations

import msgspec

from seawall.identity.kyc import KycRecord
from seawall.identity.state import ActorKind, InvestorClass

__all__ = [
    "EVENTS",
    "AccountBlocked",
    "AccountUnblocked",
    "AlgorithmKeyRegistered",
    "AlgorithmKeyRevoked",
    "ClientOnboarded",
    "IdentityDisclosed",
    "IdentityEvent",
    "PersonBlocked",
    "PersonUnblocked",
    "SuitabilityRecorded",
    "TransferScreened",
]


class ClientOnboarded(msgspec.Struct, frozen=True, tag="identity.client_onboarded", tag_field="k"):
    account_id: str
    broker_id: str
    investor_class: InvestorClass
    actor: ActorKind
    algorithm_owner: str
    kyc_commitment: bytes
    kyc: KycRecord
    kyc_salt: bytes


class SuitabilityRecorded(
    msgspec.Struct, frozen=True, tag="identity.suitability_recorded", tag_field="k"
):
    account_id: str
    passed: bool
    score: int
    assessment_ref: str


class AlgorithmKeyRegistered(
    msgspec.Struct, frozen=True, tag="identity.algorithm_key_registered", tag_field="k"
):
    account_id: str
    api_key_id: str


class AlgorithmKeyRevoked(
    msgspec.Struct, frozen=True, tag="identity.algorithm_key_revoked", tag_field="k"
):
    account_id: str
    api_key_id: str


class AccountBlocked(msgspec.Struct, frozen=True, tag="identity.account_blocked", tag_field="k"):
    account_id: str
    reason: str


class AccountUnblocked(
    msgspec.Struct, frozen=True, tag="identity.account_unblocked", tag_field="k"
):
    account_id: str


class PersonBlocked(msgspec.Struct, frozen=True, tag="identity.person_blocked", tag_field="k"):
    document_hash: bytes
    reason: str


class PersonUnblocked(msgspec.Struct, frozen=True, tag="identity.person_unblocked", tag_field="k"):
    document_hash: bytes


class TransferScreened(
    msgspec.Struct, frozen=True, tag="identity.transfer_screened", tag_field="k"
):
    """The transfer may proceed; ``travel_rule_applied`` says whether the parties were required
    (and checked). Identity keeps no state for it: the journaled command holds the parties."""

    transfer_ref: str
    account_id: str
    amount_hkd_minor: int
    travel_rule_applied: bool


class IdentityDisclosed(
    msgspec.Struct, frozen=True, tag="identity.identity_disclosed", tag_field="k"
):
    warrant_id: str
    account_id: str
    kyc_commitment: bytes


#: Every identity event, decodable by its ``"k"`` tag.
IdentityEvent = (
    ClientOnboarded
    | SuitabilityRecorded
    | AlgorithmKeyRegistered
    | AlgorithmKeyRevoked
    | AccountBlocked
    | AccountUnblocked
    | PersonBlocked
    | PersonUnblocked
    | TransferScreened
    | IdentityDisclosed
)

EVENTS: tuple[type[IdentityEvent], ...] = (
    ClientOnboarded,
    SuitabilityRecorded,
    AlgorithmKeyRegistered,
    AlgorithmKeyRevoked,
    AccountBlocked,
    AccountUnblocked,
    PersonBlocked,
    PersonUnblocked,
    TransferScreened,
    IdentityDisclosed,
)
