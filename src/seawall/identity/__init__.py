"""The identity institution: who may trade, as a broker's know-your-customer desk and the
regulator's rules decide it.

A broker onboards each client with a KYC record and a 32-byte salt; identity keeps the record
private and publishes only a salted commitment and the account id derived from it
(``acct-`` + 16 hex digits), so the venue, clearing and the public log see a pseudonym. Identity
also keeps the client's investor class (retail, professional, institutional, with the Cap. 571D
minimums), its suitability assessment (retail must pass one to trade), whether its orders come
from people or from an approved algorithm (with an accountable human owner at the same broker
and whitelisted API keys), block lists (accounts, and persons by document hash), travel-rule
screening of transfers, and disclosures made under regulator warrants (the only way personal
data leaves identity).

The package imports only ``seawall.core``. Its shape is every institution's: ``commands``,
``events``, ``rejections`` (1xxx), ``state``, ``machine`` (``decide``, ``evolve``,
``state_hash``, ``check_invariants``, ``snapshot``, ``restore`` and read helpers), plus ``kyc``:
the KYC record, its field checks and the commitment, account id and document hashes.
"""

from __future__ import annotations

from seawall.identity.commands import (
    COMMANDS,
    BlockAccount,
    BlockPerson,
    Disclose,
    IdentityCommand,
    OnboardClient,
    Party,
    RecordSuitability,
    RegisterAlgorithmKey,
    RevokeAlgorithmKey,
    ScreenTransfer,
    UnblockAccount,
    UnblockPerson,
)
from seawall.identity.events import (
    EVENTS,
    AccountBlocked,
    AccountUnblocked,
    AlgorithmKeyRegistered,
    AlgorithmKeyRevoked,
    ClientOnboarded,
    IdentityDisclosed,
    IdentityEvent,
    PersonBlocked,
    PersonUnblocked,
    SuitabilityRecorded,
    TransferScreened,
)
from seawall.identity.kyc import (
    KYC_SALT_BYTES,
    KycRecord,
    account_id_for,
    document_hash,
    kyc_commitment_for,
)
from seawall.identity.machine import (
    DISCLOSURE_SUBMITTER,
    account_for_api_key,
    can_trade,
    canonical,
    check_invariants,
    client,
    decide,
    disclosure,
    evolve,
    is_person_blocked,
    kyc_commitment,
    restore,
    snapshot,
    state_hash,
    why_cannot_trade,
)
from seawall.identity.rejections import IdentityRejection
from seawall.identity.state import (
    STATE_HASH_DOMAIN,
    AccountStatus,
    ActorKind,
    ClientInfo,
    IdentitySnapshot,
    IdentityState,
    InvestorClass,
)

__all__ = [
    "COMMANDS",
    "DISCLOSURE_SUBMITTER",
    "EVENTS",
    "KYC_SALT_BYTES",
    "STATE_HASH_DOMAIN",
    "AccountBlocked",
    "AccountStatus",
    "AccountUnblocked",
    "ActorKind",
    "AlgorithmKeyRegistered",
    "AlgorithmKeyRevoked",
    "BlockAccount",
    "BlockPerson",
    "ClientInfo",
    "ClientOnboarded",
    "Disclose",
    "IdentityCommand",
    "IdentityDisclosed",
    "IdentityEvent",
    "IdentityRejection",
    "IdentitySnapshot",
    "IdentityState",
    "InvestorClass",
    "KycRecord",
    "OnboardClient",
    "Party",
    "PersonBlocked",
    "PersonUnblocked",
    "RecordSuitability",
    "RegisterAlgorithmKey",
    "RevokeAlgorithmKey",
    "ScreenTransfer",
    "SuitabilityRecorded",
    "TransferScreened",
    "UnblockAccount",
    "UnblockPerson",
    "account_for_api_key",
    "account_id_for",
    "can_trade",
    "canonical",
    "check_invariants",
    "client",
    "decide",
    "disclosure",
    "document_hash",
    "evolve",
    "is_person_blocked",
    "kyc_commitment",
    "kyc_commitment_for",
    "restore",
    "snapshot",
    "state_hash",
    "why_cannot_trade",
]
