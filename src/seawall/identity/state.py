"""Identity's state: who may trade, and what identity may reveal only under a warrant.

For each client, keyed by its account id: the broker that onboarded it, its investor class,
whether orders come from people or an algorithm (and the algorithm's accountable owner), its
suitability assessment, its algorithm API keys, its status, and the KYC record with its salt and
commitment. Besides the clients: the documents blocked (a sanctioned or banned person, whatever
account they hold or try to open), every API key id ever registered (ids are never reused), and
the warrants under which an identity was disclosed.

Account status follows an explicit transition table: ``active <-> blocked``. A client whose
document is blocked is always blocked (``BlockPerson`` blocks every account under it, onboarding
and unblocking under it are refused).

Private data: ``Client.kyc``, ``kyc_salt`` and ``document_hash`` never leave identity except
through ``machine.disclosure`` after a warrant. They are part of the state hash (a SHA-256 over
salted data reveals nothing) so that replay proves them too.

The canonical form (``IdentitySnapshot``) lists everything sorted by its key. The document index
(``IdentityState.documents``) is derived from the clients and rebuilt on restore.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import Final

import msgspec

from seawall.identity.kyc import KycRecord

__all__ = [
    "ACCOUNT_TRANSITIONS",
    "STATE_HASH_DOMAIN",
    "AccountStatus",
    "ActorKind",
    "ApiKeyRecord",
    "BlockedDocumentRecord",
    "Client",
    "ClientInfo",
    "ClientRecord",
    "DisclosureRecord",
    "IdentitySnapshot",
    "IdentityState",
    "InvestorClass",
]


@unique
class InvestorClass(StrEnum):
    """The investor classes of the SFC's rules, which decide what a client may trade.

    ``PROFESSIONAL`` is an individual professional investor (portfolio of at least
    ``hk_rules.PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN``); ``INSTITUTIONAL`` a corporation with
    total assets of at least ``hk_rules.INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN``.
    """

    RETAIL = "retail"
    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


@unique
class ActorKind(StrEnum):
    """Who enters the account's orders: people (an individual, or an institution's staff), or
    an approved algorithm, which must name an accountable ``HUMAN`` owner at the same broker."""

    HUMAN = "human"
    ALGORITHM = "algorithm"


@unique
class AccountStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


#: The account lifecycle: which statuses each status may move to.
ACCOUNT_TRANSITIONS: Final[dict[AccountStatus, frozenset[AccountStatus]]] = {
    AccountStatus.ACTIVE: frozenset({AccountStatus.BLOCKED}),
    AccountStatus.BLOCKED: frozenset({AccountStatus.ACTIVE}),
}


class Client:
    """One onboarded client. ``block_reason`` is ``""`` unless blocked; the suitability fields
    are ``False, False, 0, ""`` until an assessment is recorded (the latest one counts);
    ``api_key_ids`` are the algorithm's active keys."""

    __slots__ = (
        "actor",
        "algorithm_owner",
        "api_key_ids",
        "assessment_ref",
        "block_reason",
        "broker_id",
        "document_hash",
        "investor_class",
        "kyc",
        "kyc_commitment",
        "kyc_salt",
        "status",
        "suitability_assessed",
        "suitability_passed",
        "suitability_score",
    )

    def __init__(
        self,
        broker_id: str,
        investor_class: InvestorClass,
        actor: ActorKind,
        algorithm_owner: str,
        kyc_commitment: bytes,
        kyc_salt: bytes,
        kyc: KycRecord,
        document_hash: bytes,
    ) -> None:
        self.broker_id = broker_id
        self.investor_class = investor_class
        self.actor = actor
        self.algorithm_owner = algorithm_owner
        self.kyc_commitment = kyc_commitment
        self.kyc_salt = kyc_salt
        self.kyc = kyc
        self.document_hash = document_hash
        self.status = AccountStatus.ACTIVE
        self.block_reason = ""
        self.suitability_assessed = False
        self.suitability_passed = False
        self.suitability_score = 0
        self.assessment_ref = ""
        self.api_key_ids: set[str] = set()


class IdentityState:
    """Everything identity knows. Mutated only by ``machine.evolve``."""

    __slots__ = ("api_keys", "blocked_documents", "clients", "disclosures", "documents")

    def __init__(self) -> None:
        #: account id -> client
        self.clients: dict[str, Client] = {}
        #: document hash -> the accounts onboarded under it (derived from ``clients``)
        self.documents: dict[bytes, set[str]] = {}
        #: blocked document hash -> why
        self.blocked_documents: dict[bytes, str] = {}
        #: every API key id ever registered -> its account (revoked ids stay, never reused)
        self.api_keys: dict[str, str] = {}
        #: warrant id -> the account whose identity it disclosed
        self.disclosures: dict[str, str] = {}


class ClientInfo(msgspec.Struct, frozen=True):
    """What ``machine.client`` tells other institutions (through the kernel) about a client:
    everything but the private KYC record, its salt and its document hash."""

    account_id: str
    broker_id: str
    investor_class: InvestorClass
    actor: ActorKind
    algorithm_owner: str
    status: AccountStatus
    block_reason: str
    suitability_assessed: bool
    suitability_passed: bool
    suitability_score: int
    api_key_ids: tuple[str, ...]
    kyc_commitment: bytes


# --- canonical form: the snapshot and the input of state_hash ------------------------------------

#: Domain label of identity's state hash (``core.hashing.state_digest``).
STATE_HASH_DOMAIN: Final = "seawall.identity.state.v1"


class ClientRecord(msgspec.Struct, frozen=True):
    account_id: str
    broker_id: str
    investor_class: InvestorClass
    actor: ActorKind
    algorithm_owner: str
    status: AccountStatus
    block_reason: str
    suitability_assessed: bool
    suitability_passed: bool
    suitability_score: int
    assessment_ref: str
    api_key_ids: tuple[str, ...]
    kyc_commitment: bytes
    kyc_salt: bytes
    kyc: KycRecord


class BlockedDocumentRecord(msgspec.Struct, frozen=True):
    document_hash: bytes
    reason: str


class ApiKeyRecord(msgspec.Struct, frozen=True):
    api_key_id: str
    account_id: str


class DisclosureRecord(msgspec.Struct, frozen=True):
    warrant_id: str
    account_id: str


class IdentitySnapshot(msgspec.Struct, frozen=True, tag="identity.snapshot", tag_field="k"):
    """The whole state, canonically: every list sorted by its key."""

    clients: tuple[ClientRecord, ...]
    blocked_documents: tuple[BlockedDocumentRecord, ...]
    api_keys: tuple[ApiKeyRecord, ...]
    disclosures: tuple[DisclosureRecord, ...]
