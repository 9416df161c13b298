"""Identity's state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore``, and the read helpers other institutions reach
through the kernel (``client``, ``can_trade``, ``why_cannot_trade``, ``kyc_commitment``,
``account_for_api_key``, ``is_person_blocked``) and the regulator's console (``disclosure``).

``decide`` checks a command in a fixed order and returns the first rejection that applies:

* ``OnboardClient``: broker id (INVALID_ID), salt (INVALID_SALT), KYC fields, with a date of
  birth no later than the sequencer's date (INVALID_KYC), investor class
  (INVALID_INVESTOR_CLASS), actor (INVALID_ACTOR), portfolio ``0..amount_minor_max``
  (INVALID_AMOUNT), evidence reference (INVALID_TEXT), owner id when given (INVALID_ID); then
  the document not blocked (PERSON_BLOCKED); the account id not taken, and for a human the
  document not already behind a human account at this broker (DUPLICATE_CLIENT); the class's
  minimum and evidence (PROFESSIONAL_ / INSTITUTIONAL_EVIDENCE_INSUFFICIENT); the actor's owner
  (HUMAN_CANNOT_HAVE_OWNER, ALGORITHM_OWNER_REQUIRED, ALGORITHM_OWNER_INVALID: the owner must be
  an active human-operated client of the same broker); room (IDENTITY_FULL).
* ``RecordSuitability``: the account (INVALID_ID, UNKNOWN_ACCOUNT), ``passed`` a bool and the
  score in range (INVALID_ASSESSMENT), the reference (REFERENCE_REQUIRED, INVALID_TEXT).
* ``RegisterAlgorithmKey``: the account, NOT_AN_ALGORITHM, ACCOUNT_BLOCKED (the account or its
  owner), key id (INVALID_ID, DUPLICATE_API_KEY), TOO_MANY_API_KEYS, room (IDENTITY_FULL).
* ``RevokeAlgorithmKey``: the account, NOT_AN_ALGORITHM, key id (INVALID_ID), UNKNOWN_API_KEY.
* ``BlockAccount``: the account, the reason (REASON_REQUIRED, INVALID_TEXT), ACCOUNT_BLOCKED.
* ``UnblockAccount``: the account, ACCOUNT_NOT_BLOCKED, PERSON_BLOCKED (its document).
* ``BlockPerson``: the hash (INVALID_DOCUMENT_HASH), the reason, PERSON_ALREADY_BLOCKED, room.
* ``UnblockPerson``: the hash (INVALID_DOCUMENT_HASH), PERSON_NOT_BLOCKED.
* ``ScreenTransfer``: transfer ref (INVALID_ID), the account, the amount (INVALID_AMOUNT),
  ACCOUNT_BLOCKED (the account or its owner); at or above the travel-rule threshold both parties
  present with every field filled (TRAVEL_RULE_DATA_MISSING); each party given well-formed
  (INVALID_PARTY).
* ``Disclose``: submitted by the kernel (NOT_AUTHORISED, checked first, so that nobody else
  learns even whether an account exists), warrant id (INVALID_ID, ALREADY_DISCLOSED), the
  reason, the account, room (IDENTITY_FULL).

"The account" is INVALID_ID for a malformed id, then UNKNOWN_ACCOUNT.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from seawall.core import hk_rules, limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, invariant
from seawall.core.hashing import DIGEST_SIZE, state_digest
from seawall.core.ids import check_id
from seawall.core.machine import Context, Rejection, reject, require_sorted_unique
from seawall.identity.commands import (
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
    NS_PER_DAY,
    KycRecord,
    account_id_for,
    account_id_for_commitment,
    document_hash,
    document_problem,
    kyc_commitment_for,
    kyc_problem,
    text_problem,
)
from seawall.identity.rejections import IdentityRejection as R
from seawall.identity.state import (
    ACCOUNT_TRANSITIONS,
    STATE_HASH_DOMAIN,
    AccountStatus,
    ActorKind,
    ApiKeyRecord,
    BlockedDocumentRecord,
    Client,
    ClientInfo,
    ClientRecord,
    DisclosureRecord,
    IdentitySnapshot,
    IdentityState,
    InvestorClass,
)

__all__ = [
    "DISCLOSURE_SUBMITTER",
    "STATE_HASH_DOMAIN",
    "account_for_api_key",
    "account_id_for",
    "can_trade",
    "canonical",
    "check_invariants",
    "client",
    "decide",
    "disclosure",
    "evolve",
    "is_person_blocked",
    "kyc_commitment",
    "restore",
    "snapshot",
    "state_hash",
    "why_cannot_trade",
]

#: The only submitter whose ``Disclose`` is accepted: the kernel, deriving it from a regulator's
#: journaled warrant (``kernel.routes.KERNEL_SUBMITTER``; identity does not import the kernel).
DISCLOSURE_SUBMITTER: Final = "kernel"

_Key = TypeVar("_Key", str, bytes)

_INVESTOR_CLASSES: Final = {member.value: member for member in InvestorClass}
_ACTORS: Final = {member.value: member for member in ActorKind}


# --- decide ---------------------------------------------------------------------------------------


def decide(
    state: IdentityState, command: IdentityCommand, ctx: Context
) -> list[IdentityEvent] | Rejection:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, OnboardClient):
        return _decide_onboard(state, command, ctx)
    if isinstance(command, RecordSuitability):
        return _decide_suitability(state, command)
    if isinstance(command, RegisterAlgorithmKey):
        return _decide_register_key(state, command)
    if isinstance(command, RevokeAlgorithmKey):
        return _decide_revoke_key(state, command)
    if isinstance(command, BlockAccount):
        return _decide_block_account(state, command)
    if isinstance(command, UnblockAccount):
        return _decide_unblock_account(state, command)
    if isinstance(command, BlockPerson):
        return _decide_block_person(state, command)
    if isinstance(command, UnblockPerson):
        return _decide_unblock_person(state, command)
    if isinstance(command, ScreenTransfer):
        return _decide_screen_transfer(state, command)
    if isinstance(command, Disclose):
        return _decide_disclose(state, command, ctx)
    raise InvariantViolation(
        f"identity.decide given a non-identity command {type(command).__name__}"
    )


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    """``INVALID_ID`` if ``value`` is not a well-formed id, else ``None``."""
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _find_client(state: IdentityState, account_id: object) -> Client | Rejection:
    found = state.clients.get(account_id) if isinstance(account_id, str) else None
    if found is not None:
        return found
    bad = _bad_id(account_id, "account id", limits.account_id_length_max)
    if bad is not None:
        return bad
    return reject(R.UNKNOWN_ACCOUNT, f"account {account_id!r} was never onboarded")


def _bad_reason(reason: object) -> Rejection | None:
    if isinstance(reason, str) and not reason:
        return reject(R.REASON_REQUIRED, "a reason is required")
    problem = text_problem(reason, "reason", limits.identity_text_length_max)
    if problem is not None:
        return reject(R.INVALID_TEXT, problem)
    return None


def _is_amount(value: object, minimum: int) -> bool:
    return type(value) is int and minimum <= value <= limits.amount_minor_max


def _blocked_message(state: IdentityState, account_id: str, found: Client) -> str | None:
    """Why ``found`` may not act (it, or the owner of its algorithm, is blocked), or ``None``."""
    if found.status is AccountStatus.BLOCKED:
        return f"account {account_id!r} is blocked: {found.block_reason}"
    if found.actor is ActorKind.ALGORITHM:
        owner = state.clients[found.algorithm_owner]
        if owner.status is AccountStatus.BLOCKED:
            return f"the owner {found.algorithm_owner!r} of algorithm {account_id!r} is blocked"
    return None


def _decide_onboard(
    state: IdentityState, command: OnboardClient, ctx: Context
) -> list[IdentityEvent] | Rejection:
    rejection = _bad_id(command.broker_id, "broker id", limits.account_id_length_max)
    if rejection is not None:
        return rejection
    salt = command.kyc_salt
    if not isinstance(salt, bytes) or len(salt) != KYC_SALT_BYTES:
        size = len(salt) if isinstance(salt, bytes) else type(salt).__name__
        return reject(
            R.INVALID_SALT, f"kyc_salt must be exactly {KYC_SALT_BYTES} bytes, got {size}"
        )
    kyc = command.kyc
    problem = kyc_problem(kyc, ctx.timestamp_ns // NS_PER_DAY)
    if problem is not None:
        return reject(R.INVALID_KYC, problem)
    raw_class: object = command.investor_class
    investor_class = _INVESTOR_CLASSES.get(raw_class) if isinstance(raw_class, str) else None
    if investor_class is None:
        return reject(
            R.INVALID_INVESTOR_CLASS,
            f"investor class {command.investor_class!r} is not one of InvestorClass",
        )
    raw_actor: object = command.actor
    actor = _ACTORS.get(raw_actor) if isinstance(raw_actor, str) else None
    if actor is None:
        return reject(R.INVALID_ACTOR, f"actor {command.actor!r} is not one of ActorKind")
    portfolio = command.portfolio_hkd_minor
    if not _is_amount(portfolio, 0):
        return reject(
            R.INVALID_AMOUNT,
            f"portfolio_hkd_minor must be an integer 0..amount_minor_max, got {portfolio!r}",
        )
    problem = text_problem(
        command.evidence_ref, "evidence_ref", limits.identity_text_length_max, required=False
    )
    if problem is not None:
        return reject(R.INVALID_TEXT, problem)
    owner_id = command.algorithm_owner
    if not isinstance(owner_id, str) or owner_id:
        rejection = _bad_id(owner_id, "algorithm owner", limits.account_id_length_max)
        if rejection is not None:
            return rejection

    document = document_hash(kyc.document_type, kyc.document_number)
    if document in state.blocked_documents:
        return reject(R.PERSON_BLOCKED, "the client's document is blocked")
    commitment = kyc_commitment_for(kyc, salt)
    account_id = account_id_for_commitment(commitment)
    if account_id in state.clients:
        return reject(R.DUPLICATE_CLIENT, f"account {account_id!r} is already onboarded")
    if actor is ActorKind.HUMAN:
        for other_id in sorted(state.documents.get(document, ())):
            other = state.clients[other_id]
            if other.broker_id == command.broker_id and other.actor is ActorKind.HUMAN:
                return reject(
                    R.DUPLICATE_CLIENT,
                    f"the document already backs account {other_id!r} at broker "
                    f"{command.broker_id!r}",
                )

    evidence_missing = not command.evidence_ref
    if investor_class is InvestorClass.PROFESSIONAL and (
        evidence_missing or portfolio < hk_rules.PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN
    ):
        return reject(
            R.PROFESSIONAL_EVIDENCE_INSUFFICIENT,
            f"a professional investor needs evidence of a portfolio of at least "
            f"{hk_rules.PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN} HKD minor, got {portfolio} "
            f"with evidence_ref {command.evidence_ref!r}",
        )
    if investor_class is InvestorClass.INSTITUTIONAL and (
        evidence_missing or portfolio < hk_rules.INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN
    ):
        return reject(
            R.INSTITUTIONAL_EVIDENCE_INSUFFICIENT,
            f"an institution needs evidence of total assets of at least "
            f"{hk_rules.INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN} HKD minor, got {portfolio} "
            f"with evidence_ref {command.evidence_ref!r}",
        )

    if actor is ActorKind.HUMAN and owner_id:
        return reject(
            R.HUMAN_CANNOT_HAVE_OWNER,
            f"a human client has no algorithm owner, got {owner_id!r}",
        )
    if actor is ActorKind.ALGORITHM:
        rejection = _bad_owner(state, owner_id, command.broker_id)
        if rejection is not None:
            return rejection
    if len(state.clients) >= limits.identity_clients_max:
        return reject(
            R.IDENTITY_FULL, f"identity_clients_max {limits.identity_clients_max} reached"
        )
    return [
        ClientOnboarded(
            account_id=account_id,
            broker_id=command.broker_id,
            investor_class=investor_class,
            actor=actor,
            algorithm_owner=owner_id,
            kyc_commitment=commitment,
            kyc=kyc,
            kyc_salt=salt,
        )
    ]


def _bad_owner(state: IdentityState, owner_id: str, broker_id: str) -> Rejection | None:
    """Why ``owner_id`` may not own an algorithm of ``broker_id``, or ``None``."""
    if not owner_id:
        return reject(
            R.ALGORITHM_OWNER_REQUIRED, "an algorithm needs an accountable owner's account id"
        )
    owner = state.clients.get(owner_id)
    if owner is None:
        return reject(R.ALGORITHM_OWNER_INVALID, f"owner {owner_id!r} was never onboarded")
    if owner.status is not AccountStatus.ACTIVE:
        return reject(R.ALGORITHM_OWNER_INVALID, f"owner {owner_id!r} is blocked")
    if owner.broker_id != broker_id:
        return reject(
            R.ALGORITHM_OWNER_INVALID,
            f"owner {owner_id!r} is a client of broker {owner.broker_id!r}, not {broker_id!r}",
        )
    if owner.actor is not ActorKind.HUMAN:
        return reject(R.ALGORITHM_OWNER_INVALID, f"owner {owner_id!r} is itself an algorithm")
    return None


def _decide_suitability(
    state: IdentityState, command: RecordSuitability
) -> list[IdentityEvent] | Rejection:
    found = _find_client(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    score = command.score
    if type(command.passed) is not bool or not (
        type(score) is int and 0 <= score <= limits.identity_suitability_score_max
    ):
        return reject(
            R.INVALID_ASSESSMENT,
            f"passed must be a bool and score 0..{limits.identity_suitability_score_max}, "
            f"got {command.passed!r} and {score!r}",
        )
    reference = command.assessment_ref
    if isinstance(reference, str) and not reference:
        return reject(R.REFERENCE_REQUIRED, "an assessment needs its reference")
    problem = text_problem(reference, "assessment_ref", limits.identity_text_length_max)
    if problem is not None:
        return reject(R.INVALID_TEXT, problem)
    return [
        SuitabilityRecorded(
            account_id=command.account_id,
            passed=command.passed,
            score=score,
            assessment_ref=reference,
        )
    ]


def _find_algorithm(state: IdentityState, account_id: str) -> Client | Rejection:
    found = _find_client(state, account_id)
    if isinstance(found, Rejection):
        return found
    if found.actor is not ActorKind.ALGORITHM:
        return reject(R.NOT_AN_ALGORITHM, f"account {account_id!r} is not an algorithm")
    return found


def _decide_register_key(
    state: IdentityState, command: RegisterAlgorithmKey
) -> list[IdentityEvent] | Rejection:
    found = _find_algorithm(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    message = _blocked_message(state, command.account_id, found)
    if message is not None:
        return reject(R.ACCOUNT_BLOCKED, message)
    key_id = command.api_key_id
    rejection = _bad_id(key_id, "api key id", limits.identity_api_key_id_length_max)
    if rejection is not None:
        return rejection
    holder = state.api_keys.get(key_id)
    if holder is not None:
        return reject(R.DUPLICATE_API_KEY, f"api key id {key_id!r} was registered before")
    if len(found.api_key_ids) >= limits.identity_api_keys_per_account_max:
        return reject(
            R.TOO_MANY_API_KEYS,
            f"account {command.account_id!r} has "
            f"identity_api_keys_per_account_max {limits.identity_api_keys_per_account_max} keys",
        )
    if len(state.api_keys) >= limits.identity_api_keys_max:
        return reject(
            R.IDENTITY_FULL, f"identity_api_keys_max {limits.identity_api_keys_max} reached"
        )
    return [AlgorithmKeyRegistered(account_id=command.account_id, api_key_id=key_id)]


def _decide_revoke_key(
    state: IdentityState, command: RevokeAlgorithmKey
) -> list[IdentityEvent] | Rejection:
    found = _find_algorithm(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    key_id = command.api_key_id
    rejection = _bad_id(key_id, "api key id", limits.identity_api_key_id_length_max)
    if rejection is not None:
        return rejection
    if key_id not in found.api_key_ids:
        return reject(
            R.UNKNOWN_API_KEY,
            f"api key id {key_id!r} is not active on account {command.account_id!r}",
        )
    return [AlgorithmKeyRevoked(account_id=command.account_id, api_key_id=key_id)]


def _decide_block_account(
    state: IdentityState, command: BlockAccount
) -> list[IdentityEvent] | Rejection:
    found = _find_client(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    rejection = _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    if AccountStatus.BLOCKED not in ACCOUNT_TRANSITIONS[found.status]:
        return reject(R.ACCOUNT_BLOCKED, f"account {command.account_id!r} is already blocked")
    return [AccountBlocked(account_id=command.account_id, reason=command.reason)]


def _decide_unblock_account(
    state: IdentityState, command: UnblockAccount
) -> list[IdentityEvent] | Rejection:
    found = _find_client(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    if AccountStatus.ACTIVE not in ACCOUNT_TRANSITIONS[found.status]:
        return reject(R.ACCOUNT_NOT_BLOCKED, f"account {command.account_id!r} is not blocked")
    if found.document_hash in state.blocked_documents:
        return reject(
            R.PERSON_BLOCKED,
            f"account {command.account_id!r} belongs to a blocked person; unblock the person first",
        )
    return [AccountUnblocked(account_id=command.account_id)]


def _bad_document_hash(value: object) -> Rejection | None:
    if not isinstance(value, bytes) or len(value) != DIGEST_SIZE:
        return reject(
            R.INVALID_DOCUMENT_HASH,
            f"a document hash is {DIGEST_SIZE} bytes (identity.document_hash), got {value!r}",
        )
    return None


def _decide_block_person(
    state: IdentityState, command: BlockPerson
) -> list[IdentityEvent] | Rejection:
    document = command.document_hash
    rejection = _bad_document_hash(document) or _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    if document in state.blocked_documents:
        return reject(R.PERSON_ALREADY_BLOCKED, "the document is already blocked")
    if len(state.blocked_documents) >= limits.identity_blocked_documents_max:
        return reject(
            R.IDENTITY_FULL,
            f"identity_blocked_documents_max {limits.identity_blocked_documents_max} reached",
        )
    events: list[IdentityEvent] = [PersonBlocked(document_hash=document, reason=command.reason)]
    for account_id in sorted(state.documents.get(document, ())):
        if state.clients[account_id].status is AccountStatus.ACTIVE:
            events.append(AccountBlocked(account_id=account_id, reason=command.reason))
    return events


def _decide_unblock_person(
    state: IdentityState, command: UnblockPerson
) -> list[IdentityEvent] | Rejection:
    document = command.document_hash
    rejection = _bad_document_hash(document)
    if rejection is not None:
        return rejection
    if document not in state.blocked_documents:
        return reject(R.PERSON_NOT_BLOCKED, "the document is not blocked")
    return [PersonUnblocked(document_hash=document)]


_PARTY_FIELDS: Final = ("name", "account_ref", "institution")


def _party_incomplete(party: object) -> bool:
    """Absent, or a party with an empty field: what the travel rule does not accept."""
    return not isinstance(party, Party) or any(
        getattr(party, field) == "" for field in _PARTY_FIELDS
    )


def _party_problem(party: object, role: str) -> str | None:
    if not isinstance(party, Party):
        return f"{role} must be a Party, got {type(party).__name__}"
    for field in _PARTY_FIELDS:
        problem = text_problem(
            getattr(party, field), f"{role}.{field}", limits.identity_party_field_length_max
        )
        if problem is not None:
            return problem
    return None


def _decide_screen_transfer(
    state: IdentityState, command: ScreenTransfer
) -> list[IdentityEvent] | Rejection:
    rejection = _bad_id(command.transfer_ref, "transfer ref", limits.transfer_id_length_max)
    if rejection is not None:
        return rejection
    found = _find_client(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    amount = command.amount_hkd_minor
    if not _is_amount(amount, 1):
        return reject(
            R.INVALID_AMOUNT,
            f"amount_hkd_minor must be an integer 1..amount_minor_max, got {amount!r}",
        )
    message = _blocked_message(state, command.account_id, found)
    if message is not None:
        return reject(R.ACCOUNT_BLOCKED, message)
    applies = amount >= hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR
    parties = (("originator", command.originator), ("beneficiary", command.beneficiary))
    if applies:
        for role, party in parties:
            if _party_incomplete(party):
                return reject(
                    R.TRAVEL_RULE_DATA_MISSING,
                    f"a transfer of {amount} HKD minor (travel-rule threshold "
                    f"{hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR}) needs a complete {role}",
                )
    for role, party in parties:
        if party is not None:
            problem = _party_problem(party, role)
            if problem is not None:
                return reject(R.INVALID_PARTY, problem)
    return [
        TransferScreened(
            transfer_ref=command.transfer_ref,
            account_id=command.account_id,
            amount_hkd_minor=amount,
            travel_rule_applied=applies,
        )
    ]


def _decide_disclose(
    state: IdentityState, command: Disclose, ctx: Context
) -> list[IdentityEvent] | Rejection:
    if ctx.submitter != DISCLOSURE_SUBMITTER:
        return reject(
            R.NOT_AUTHORISED,
            f"only the kernel, on a regulator's warrant, may disclose; submitter "
            f"{ctx.submitter!r} may not",
        )
    warrant_id = command.warrant_id
    rejection = _bad_id(warrant_id, "warrant id", limits.identity_warrant_id_length_max)
    if rejection is not None:
        return rejection
    if warrant_id in state.disclosures:
        return reject(R.ALREADY_DISCLOSED, f"warrant {warrant_id!r} has already disclosed")
    rejection = _bad_reason(command.reason)
    if rejection is not None:
        return rejection
    found = _find_client(state, command.account_id)
    if isinstance(found, Rejection):
        return found
    if len(state.disclosures) >= limits.identity_disclosures_max:
        return reject(
            R.IDENTITY_FULL, f"identity_disclosures_max {limits.identity_disclosures_max} reached"
        )
    return [
        IdentityDisclosed(
            warrant_id=warrant_id,
            account_id=command.account_id,
            kyc_commitment=found.kyc_commitment,
        )
    ]


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: IdentityState, event: IdentityEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    if isinstance(event, ClientOnboarded):
        _evolve_onboarded(state, event)
    elif isinstance(event, SuitabilityRecorded):
        found = _client_of(state, event.account_id, "SuitabilityRecorded")
        found.suitability_assessed = True
        found.suitability_passed = event.passed
        found.suitability_score = event.score
        found.assessment_ref = event.assessment_ref
    elif isinstance(event, AlgorithmKeyRegistered):
        found = _client_of(state, event.account_id, "AlgorithmKeyRegistered")
        invariant(found.actor is ActorKind.ALGORITHM, "AlgorithmKeyRegistered for a human")
        invariant(event.api_key_id not in state.api_keys, "AlgorithmKeyRegistered key reused")
        state.api_keys[event.api_key_id] = event.account_id
        found.api_key_ids.add(event.api_key_id)
    elif isinstance(event, AlgorithmKeyRevoked):
        found = _client_of(state, event.account_id, "AlgorithmKeyRevoked")
        invariant(event.api_key_id in found.api_key_ids, "AlgorithmKeyRevoked for no active key")
        found.api_key_ids.remove(event.api_key_id)
    elif isinstance(event, AccountBlocked):
        found = _client_of(state, event.account_id, "AccountBlocked")
        _move(found, AccountStatus.BLOCKED, event.account_id)
        invariant(event.reason != "", "AccountBlocked without a reason")
        found.block_reason = event.reason
    elif isinstance(event, AccountUnblocked):
        found = _client_of(state, event.account_id, "AccountUnblocked")
        _move(found, AccountStatus.ACTIVE, event.account_id)
        found.block_reason = ""
    elif isinstance(event, PersonBlocked):
        invariant(event.document_hash not in state.blocked_documents, "PersonBlocked twice")
        state.blocked_documents[event.document_hash] = event.reason
    elif isinstance(event, PersonUnblocked):
        invariant(event.document_hash in state.blocked_documents, "PersonUnblocked not blocked")
        del state.blocked_documents[event.document_hash]
    elif isinstance(event, TransferScreened):
        _client_of(state, event.account_id, "TransferScreened")
    elif isinstance(event, IdentityDisclosed):
        found = _client_of(state, event.account_id, "IdentityDisclosed")
        invariant(event.warrant_id not in state.disclosures, "IdentityDisclosed warrant reused")
        invariant(
            event.kyc_commitment == found.kyc_commitment, "IdentityDisclosed commitment differs"
        )
        state.disclosures[event.warrant_id] = event.account_id
    else:
        raise InvariantViolation(
            f"identity.evolve given a non-identity event {type(event).__name__}"
        )


def _client_of(state: IdentityState, account_id: str, what: str) -> Client:
    found = state.clients.get(account_id)
    if found is None:
        raise InvariantViolation(f"{what} for account {account_id!r}, never onboarded")
    return found


def _move(found: Client, status: AccountStatus, account_id: str) -> None:
    if status not in ACCOUNT_TRANSITIONS[found.status]:
        raise InvariantViolation(f"account {account_id!r} cannot move {found.status} -> {status}")
    found.status = status


def _evolve_onboarded(state: IdentityState, event: ClientOnboarded) -> None:
    account_id = event.account_id
    invariant(account_id not in state.clients, f"ClientOnboarded twice for {account_id!r}")
    invariant(
        event.actor is ActorKind.HUMAN or event.algorithm_owner in state.clients,
        f"ClientOnboarded algorithm {account_id!r} with an unknown owner",
    )
    kyc = event.kyc
    invariant(len(event.kyc_salt) == KYC_SALT_BYTES, f"ClientOnboarded {account_id!r} salt size")
    invariant(
        account_id_for(kyc, event.kyc_salt) == account_id
        and kyc_commitment_for(kyc, event.kyc_salt) == event.kyc_commitment,
        f"ClientOnboarded {account_id!r} does not follow from its KYC record and salt",
    )
    invariant(
        document_problem(kyc.document_type, kyc.document_number) is None,
        f"ClientOnboarded {account_id!r} with a malformed document",
    )
    document = document_hash(kyc.document_type, kyc.document_number)
    state.clients[account_id] = Client(
        event.broker_id,
        event.investor_class,
        event.actor,
        event.algorithm_owner,
        event.kyc_commitment,
        event.kyc_salt,
        event.kyc,
        document,
    )
    state.documents.setdefault(document, set()).add(account_id)


# --- reading --------------------------------------------------------------------------------------


def client(state: IdentityState, account_id: str) -> ClientInfo | None:
    """What other institutions may know about ``account_id`` (no personal data), or ``None``."""
    found = state.clients.get(account_id)
    if found is None:
        return None
    return ClientInfo(
        account_id=account_id,
        broker_id=found.broker_id,
        investor_class=found.investor_class,
        actor=found.actor,
        algorithm_owner=found.algorithm_owner,
        status=found.status,
        block_reason=found.block_reason,
        suitability_assessed=found.suitability_assessed,
        suitability_passed=found.suitability_passed,
        suitability_score=found.suitability_score,
        api_key_ids=tuple(sorted(found.api_key_ids)),
        kyc_commitment=found.kyc_commitment,
    )


def why_cannot_trade(state: IdentityState, account_id: str) -> Rejection | None:
    """Why ``account_id`` may not trade now (UNKNOWN_ACCOUNT, INVALID_ID, ACCOUNT_BLOCKED for it
    or its algorithm's owner, SUITABILITY_REQUIRED for retail without a passed assessment), or
    ``None`` if it may."""
    found = _find_client(state, account_id)
    if isinstance(found, Rejection):
        return found
    message = _blocked_message(state, account_id, found)
    if message is not None:
        return reject(R.ACCOUNT_BLOCKED, message)
    if (
        hk_rules.RETAIL_NEEDS_SUITABILITY_ASSESSMENT
        and found.investor_class is InvestorClass.RETAIL
        and not found.suitability_passed
    ):
        return reject(
            R.SUITABILITY_REQUIRED,
            f"retail account {account_id!r} has not passed the suitability assessment",
        )
    return None


def can_trade(state: IdentityState, account_id: str) -> bool:
    """Whether ``account_id`` may trade now; ``why_cannot_trade`` says why not."""
    return why_cannot_trade(state, account_id) is None


def kyc_commitment(state: IdentityState, account_id: str) -> bytes:
    """The account's salted KYC commitment. Raises ``ConditionFailed`` for an unknown account."""
    found = state.clients.get(account_id)
    if found is None:
        raise ConditionFailed(f"account {account_id!r} was never onboarded")
    return found.kyc_commitment


def disclosure(state: IdentityState, warrant_id: str) -> tuple[str, KycRecord] | None:
    """The account and KYC record that ``warrant_id`` disclosed, or ``None``: for the regulator's
    console, which reaches personal data only through a journaled warrant."""
    account_id = state.disclosures.get(warrant_id)
    if account_id is None:
        return None
    return account_id, state.clients[account_id].kyc


def account_for_api_key(state: IdentityState, api_key_id: str) -> str | None:
    """The algorithm account an *active* API key belongs to, or ``None``."""
    account_id = state.api_keys.get(api_key_id)
    if account_id is None or api_key_id not in state.clients[account_id].api_key_ids:
        return None
    return account_id


def is_person_blocked(state: IdentityState, document: bytes) -> bool:
    """Whether the document (``kyc.document_hash``) is blocked."""
    return document in state.blocked_documents


# --- hashing, snapshots, invariants ---------------------------------------------------------------


def canonical(state: IdentityState) -> IdentitySnapshot:
    """The state in canonical form: every list sorted by its key."""
    clients = tuple(
        ClientRecord(
            account_id=account_id,
            broker_id=found.broker_id,
            investor_class=found.investor_class,
            actor=found.actor,
            algorithm_owner=found.algorithm_owner,
            status=found.status,
            block_reason=found.block_reason,
            suitability_assessed=found.suitability_assessed,
            suitability_passed=found.suitability_passed,
            suitability_score=found.suitability_score,
            assessment_ref=found.assessment_ref,
            api_key_ids=tuple(sorted(found.api_key_ids)),
            kyc_commitment=found.kyc_commitment,
            kyc_salt=found.kyc_salt,
            kyc=found.kyc,
        )
        for account_id, found in sorted(state.clients.items())
    )
    return IdentitySnapshot(
        clients=clients,
        blocked_documents=tuple(
            BlockedDocumentRecord(document_hash=document, reason=reason)
            for document, reason in sorted(state.blocked_documents.items())
        ),
        api_keys=tuple(
            ApiKeyRecord(api_key_id=key_id, account_id=account_id)
            for key_id, account_id in sorted(state.api_keys.items())
        ),
        disclosures=tuple(
            DisclosureRecord(warrant_id=warrant_id, account_id=account_id)
            for warrant_id, account_id in sorted(state.disclosures.items())
        ),
    )


def state_hash(state: IdentityState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: IdentityState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> IdentityState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, IdentitySnapshot)
    _require_sorted_unique([r.account_id for r in snap.clients], "clients")
    _require_sorted_unique([r.document_hash for r in snap.blocked_documents], "blocked documents")
    _require_sorted_unique([r.api_key_id for r in snap.api_keys], "api keys")
    _require_sorted_unique([r.warrant_id for r in snap.disclosures], "disclosures")
    state = IdentityState()
    for record in snap.clients:
        _require_sorted_unique(list(record.api_key_ids), "a client's api key ids")
        problem = document_problem(record.kyc.document_type, record.kyc.document_number)
        if problem is not None:
            raise ConditionFailed(f"identity snapshot client {record.account_id!r}: {problem}")
        document = document_hash(record.kyc.document_type, record.kyc.document_number)
        found = Client(
            record.broker_id,
            record.investor_class,
            record.actor,
            record.algorithm_owner,
            record.kyc_commitment,
            record.kyc_salt,
            record.kyc,
            document,
        )
        found.status = record.status
        found.block_reason = record.block_reason
        found.suitability_assessed = record.suitability_assessed
        found.suitability_passed = record.suitability_passed
        found.suitability_score = record.suitability_score
        found.assessment_ref = record.assessment_ref
        found.api_key_ids.update(record.api_key_ids)
        state.clients[record.account_id] = found
        state.documents.setdefault(document, set()).add(record.account_id)
    for blocked in snap.blocked_documents:
        state.blocked_documents[blocked.document_hash] = blocked.reason
    for key in snap.api_keys:
        state.api_keys[key.api_key_id] = key.account_id
    for disclosed in snap.disclosures:
        state.disclosures[disclosed.warrant_id] = disclosed.account_id
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"identity snapshot is inconsistent: {violation}")
    return state


def _require_sorted_unique(keys: list[Any], what: str) -> None:
    require_sorted_unique(keys, what, "identity")


def check_invariants(state: IdentityState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


def _find_violation(state: IdentityState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``. Checks, in order: the capacities; each
    client (its commitment opens to its KYC record and salt and gives its account id; its
    document hash; enums and status; the block reason; a blocked document's accounts blocked;
    the suitability fields; a human has no owner and no keys, an algorithm an active-or-not
    human owner at its broker; its keys registered to it); the document index; one human
    account per document and broker; every registered key, disclosure and blocked document
    well-formed and naming a client."""
    if len(state.clients) > limits.identity_clients_max:
        return f"{len(state.clients)} clients, over identity_clients_max"
    if len(state.blocked_documents) > limits.identity_blocked_documents_max:
        return f"{len(state.blocked_documents)} blocked documents, over the limit"
    if len(state.api_keys) > limits.identity_api_keys_max:
        return f"{len(state.api_keys)} api keys, over identity_api_keys_max"
    if len(state.disclosures) > limits.identity_disclosures_max:
        return f"{len(state.disclosures)} disclosures, over identity_disclosures_max"
    documents: dict[bytes, set[str]] = {}
    humans: set[tuple[str, bytes]] = set()
    for account_id, found in sorted(state.clients.items()):
        violation = _client_violation(state, account_id, found)
        if violation is not None:
            return f"client {account_id!r}: {violation}"
        documents.setdefault(found.document_hash, set()).add(account_id)
        if found.actor is ActorKind.HUMAN:
            key = (found.broker_id, found.document_hash)
            if key in humans:
                return f"client {account_id!r}: a second human account for its document"
            humans.add(key)
    if documents != state.documents:
        return "the document index does not match the clients"
    for key_id, account_id in sorted(state.api_keys.items()):
        if _bad_id(key_id, "api key id", limits.identity_api_key_id_length_max) is not None:
            return f"api key id {key_id!r} is malformed"
        if account_id not in state.clients:
            return f"api key {key_id!r} names unknown account {account_id!r}"
    for warrant_id, account_id in sorted(state.disclosures.items()):
        if _bad_id(warrant_id, "warrant id", limits.identity_warrant_id_length_max) is not None:
            return f"warrant id {warrant_id!r} is malformed"
        if account_id not in state.clients:
            return f"warrant {warrant_id!r} disclosed unknown account {account_id!r}"
    for document, reason in sorted(state.blocked_documents.items()):
        if len(document) != DIGEST_SIZE or not reason:
            return "a blocked document is malformed or has no reason"
    return None


def _client_violation(state: IdentityState, account_id: str, found: Client) -> str | None:
    if len(found.kyc_salt) != KYC_SALT_BYTES:
        return "the salt is not 32 bytes"
    if kyc_commitment_for(found.kyc, found.kyc_salt) != found.kyc_commitment:
        return "the commitment does not open to the KYC record and salt"
    if account_id_for_commitment(found.kyc_commitment) != account_id:
        return "the account id is not derived from the commitment"
    if document_problem(found.kyc.document_type, found.kyc.document_number) is not None:
        return "the KYC document is malformed"
    if document_hash(found.kyc.document_type, found.kyc.document_number) != found.document_hash:
        return "the document hash does not match the KYC record"
    if (
        found.investor_class not in _INVESTOR_CLASSES.values()
        or found.actor not in _ACTORS.values()
        or found.status not in ACCOUNT_TRANSITIONS
    ):
        return "an enum field is out of range"
    if (found.status is AccountStatus.BLOCKED) != (found.block_reason != ""):
        return f"status {found.status} with block reason {found.block_reason!r}"
    if found.document_hash in state.blocked_documents and found.status is AccountStatus.ACTIVE:
        return "active under a blocked document"
    if found.suitability_assessed:
        if not 0 <= found.suitability_score <= limits.identity_suitability_score_max:
            return f"suitability score {found.suitability_score} out of range"
        if not found.assessment_ref:
            return "an assessment without its reference"
    elif found.suitability_passed or found.suitability_score or found.assessment_ref:
        return "suitability fields set without an assessment"
    if found.actor is ActorKind.HUMAN:
        if found.algorithm_owner or found.api_key_ids:
            return "a human with an algorithm owner or API keys"
    else:
        owner = state.clients.get(found.algorithm_owner)
        if owner is None or owner.actor is not ActorKind.HUMAN:
            return f"algorithm owner {found.algorithm_owner!r} is not a human client"
        if owner.broker_id != found.broker_id:
            return "the algorithm's owner is at another broker"
    if len(found.api_key_ids) > limits.identity_api_keys_per_account_max:
        return "more active API keys than identity_api_keys_per_account_max"
    for key_id in sorted(found.api_key_ids):
        if state.api_keys.get(key_id) != account_id:
            return f"active key {key_id!r} is not registered to it"
    return None
