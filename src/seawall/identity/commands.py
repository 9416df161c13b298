"""What may be asked of identity: immutable commands, tagged ``"identity.<name>"``.

Identity knows who may trade. A broker onboards a client (``OnboardClient``) with a KYC record,
a salt, an investor class and whether the account is a person's or an approved algorithm's;
later records the client's suitability assessment and, for an algorithm, the API keys it trades
with. Compliance blocks accounts or whole persons (by document hash). Custody asks identity to
screen each transfer against the travel rule. The kernel, on a regulator's warrant, asks for a
disclosure.

Private data: ``OnboardClient.kyc`` and ``kyc_salt``, ``ScreenTransfer``'s parties and
``BlockPerson`` / ``UnblockPerson``'s document hash are personal data; the public projection
strips them. Money is ``int`` HKD minor units (cents); no command has a float. Commands are
checked by ``machine.decide``, not on construction, so that a malformed command is journaled
with its rejection rather than lost.
"""

from __future__ import annotations

import msgspec

from seawall.identity.kyc import KycRecord
from seawall.identity.state import ActorKind, InvestorClass

__all__ = [
    "COMMANDS",
    "BlockAccount",
    "BlockPerson",
    "Disclose",
    "IdentityCommand",
    "OnboardClient",
    "Party",
    "RecordSuitability",
    "RegisterAlgorithmKey",
    "RevokeAlgorithmKey",
    "ScreenTransfer",
    "UnblockAccount",
    "UnblockPerson",
]


class Party(msgspec.Struct, frozen=True):
    """A travel-rule party: who sends or receives, their account there (an account number or a
    wallet address), and the institution (VASP or bank) that holds it."""

    name: str
    account_ref: str
    institution: str


class OnboardClient(msgspec.Struct, frozen=True, tag="identity.onboard_client", tag_field="k"):
    """Onboard a client of ``broker_id``; its account id is ``kyc.account_id_for(kyc, kyc_salt)``.

    ``portfolio_hkd_minor`` is the portfolio (professional) or total assets (institutional) the
    ``evidence_ref`` proves; ``algorithm_owner`` is the owning client's account id, for an
    algorithm only.
    """

    broker_id: str
    kyc: KycRecord
    kyc_salt: bytes
    investor_class: InvestorClass
    portfolio_hkd_minor: int
    evidence_ref: str
    actor: ActorKind
    algorithm_owner: str = ""


class RecordSuitability(
    msgspec.Struct, frozen=True, tag="identity.record_suitability", tag_field="k"
):
    """Record a knowledge and suitability assessment (the latest one counts)."""

    account_id: str
    passed: bool
    score: int
    assessment_ref: str


class RegisterAlgorithmKey(
    msgspec.Struct, frozen=True, tag="identity.register_algorithm_key", tag_field="k"
):
    """Whitelist an API key id an algorithm account trades with; key ids are never reused."""

    account_id: str
    api_key_id: str


class RevokeAlgorithmKey(
    msgspec.Struct, frozen=True, tag="identity.revoke_algorithm_key", tag_field="k"
):
    """Withdraw an algorithm's API key; its id stays reserved."""

    account_id: str
    api_key_id: str


class BlockAccount(msgspec.Struct, frozen=True, tag="identity.block_account", tag_field="k"):
    account_id: str
    reason: str


class UnblockAccount(msgspec.Struct, frozen=True, tag="identity.unblock_account", tag_field="k"):
    account_id: str


class BlockPerson(msgspec.Struct, frozen=True, tag="identity.block_person", tag_field="k"):
    """Block a document (``kyc.document_hash``): every account under it, and any new one."""

    document_hash: bytes
    reason: str


class UnblockPerson(msgspec.Struct, frozen=True, tag="identity.unblock_person", tag_field="k"):
    """Lift a document block. Its accounts stay blocked until each is unblocked on its own."""

    document_hash: bytes


class ScreenTransfer(msgspec.Struct, frozen=True, tag="identity.screen_transfer", tag_field="k"):
    """Screen a virtual-asset transfer of ``amount_hkd_minor`` for ``account_id`` (the travel
    rule: at or above ``hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR`` both parties are required)."""

    transfer_ref: str
    account_id: str
    amount_hkd_minor: int
    originator: Party | None = None
    beneficiary: Party | None = None


class Disclose(msgspec.Struct, frozen=True, tag="identity.disclose", tag_field="k"):
    """Disclose an account's KYC record under a regulator's warrant. Only the kernel submits it
    (derived from the regulator's journaled ``IssueWarrant``)."""

    warrant_id: str
    account_id: str
    reason: str


#: Every identity command, decodable by its ``"k"`` tag.
IdentityCommand = (
    OnboardClient
    | RecordSuitability
    | RegisterAlgorithmKey
    | RevokeAlgorithmKey
    | BlockAccount
    | UnblockAccount
    | BlockPerson
    | UnblockPerson
    | ScreenTransfer
    | Disclose
)

COMMANDS: tuple[type[IdentityCommand], ...] = (
    OnboardClient,
    RecordSuitability,
    RegisterAlgorithmKey,
    RevokeAlgorithmKey,
    BlockAccount,
    UnblockAccount,
    BlockPerson,
    UnblockPerson,
    ScreenTransfer,
    Disclose,
)
