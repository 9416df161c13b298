"""The public projection of a journal entry: personal data out, client accounts pseudonymous.

Every field name of every command and event is classified here, once: ``PRIVATE_FIELDS`` are
replaced by ``"h:" + keyed hash`` of their value (so equal values stay linkable by the regulator
but reveal nothing), everything else is public. A test fails when an institution adds a field
that is in neither set, so nothing new can leak by default.

Client account ids (``acct-`` + 16 hex digits, as identity issues them) are replaced, wherever
they appear in a string, by a pseudonym: ``p`` + 24 hex digits of HMAC-SHA256 under the
projection key. Only holders of that key (identity, and the regulator through a warrant) can map
a pseudonym back to an account.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Final

import msgspec

from seawall.core.codec import encode
from seawall.journal import Entry, entry_hash
from seawall.public.schema import PROJECTION_VERSION, PublicEntry, PublicRejection

__all__ = ["PRIVATE_FIELDS", "PRIVATE_IN", "PUBLIC_FIELDS", "Projector"]

#: Fields whose values are personal or secret: never published, only as a keyed hash.
PRIVATE_FIELDS: Final = frozenset(
    {
        "kyc",
        "kyc_salt",
        "full_name",
        "document_type",
        "document_number",
        "nationality",
        "date_of_birth",
        "address",
        "originator",
        "beneficiary",
        "evidence_ref",
        "assessment_ref",
        "verification_ref",
        "destination",
        "origin",
        "api_key_id",
        "officer",
        "document_hash",
        "kyc_commitment",
        "account_ref",
        "name",
        "institution",
        "portfolio_hkd_minor",
        "score",
        "passed",
        "suitability_passed",
        "blocked",
        "investigator",
        "accessor",
        "purpose",
        "analyst",
        "author",
        "note",
    }
)

#: Fields private only in some commands and events (by tag): a warrant's or a block's reason
#: may describe a person; a licence's or a halt's reason is public.
PRIVATE_IN: Final[dict[str, frozenset[str]]] = {
    "regulator.issue_warrant": frozenset({"reason"}),
    "regulator.warrant_issued": frozenset({"reason"}),
    "identity.disclose": frozenset({"reason"}),
    "identity.block_account": frozenset({"reason"}),
    "identity.account_blocked": frozenset({"reason"}),
    "identity.block_person": frozenset({"reason"}),
    "identity.person_blocked": frozenset({"reason"}),
    # A client's own label for an order is free text; the venue's copy is the broker's order id.
    "broker.place_order": frozenset({"client_order_id"}),
    "broker.order_accepted": frozenset({"client_order_id"}),
    "broker.request_cancel": frozenset({"client_order_id"}),
    # A case's reasons may describe a person; alerts themselves stay public.
    **{
        tag: frozenset({"reason"})
        for tag in (
            "surveillance.open_case",
            "surveillance.case_opened",
            "surveillance.share_case",
            "surveillance.case_shared",
            "surveillance.revoke_share",
            "surveillance.share_revoked",
            "surveillance.close_case",
            "surveillance.case_closed",
            "surveillance.assign_case",
            "surveillance.case_assigned",
            "surveillance.escalate_case",
            "surveillance.case_escalated",
        )
    },
}

_ACCOUNT_PATTERN: Final = re.compile(r"acct-[0-9a-f]{16}")


class Projector:
    """Turns journal entries into public entries under one projection key."""

    __slots__ = ("_cache", "_key")

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the projection key must be at least 32 bytes")
        self._key = bytes(key)
        self._cache: dict[str, str] = {}

    def pseudonym(self, account_id: str) -> str:
        """The public name of a client account."""
        cached = self._cache.get(account_id)
        if cached is None:
            digest = hmac.new(self._key, b"account\x00" + account_id.encode(), hashlib.sha256)
            cached = "p" + digest.hexdigest()[:24]
            self._cache[account_id] = cached
        return cached

    def private_hash(self, value: object) -> str:
        digest = hmac.new(self._key, b"private\x00" + encode(value), hashlib.sha256)
        return "h:" + digest.hexdigest()[:32]

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, dict):
            private = PRIVATE_IN.get(value.get("k", ""), frozenset()) | PRIVATE_FIELDS
            return {
                key: self.private_hash(item) if key in private else self._scrub(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._scrub(item) for item in value]
        if isinstance(value, str):
            return _ACCOUNT_PATTERN.sub(lambda match: self.pseudonym(match.group(0)), value)
        return value

    def project(self, body: bytes) -> PublicEntry:
        """The public entry for one journal entry's canonical bytes."""
        entry = Entry.decode(body)
        try:
            command = msgspec.msgpack.decode(entry.command) if entry.command else {}
        except msgspec.DecodeError:
            command = None
        if not isinstance(command, dict):
            command = {
                "k": "kernel.undecodable",
                "sha256": hashlib.sha256(entry.command).hexdigest(),
            }
        events = msgspec.msgpack.decode(entry.events) if entry.events else []
        rejection = entry.rejection
        return PublicEntry(
            projection_version=PROJECTION_VERSION,
            seq=entry.seq,
            timestamp_ns=entry.timestamp_ns,
            logic_version=entry.logic_version,
            submitter=self._scrub(entry.submitter),
            command=self._scrub(command),
            events=self._scrub(events),
            rejection=None
            if rejection is None
            else PublicRejection(rejection.code, rejection.name, self._scrub(rejection.message)),
            entry_hash=entry_hash(body),
        )


#: Documented for readers: every other field name is public. The completeness test lists them.
PUBLIC_FIELDS: Final = frozenset(
    {
        "k",
        "code",
        "decimals",
        "account_id",
        "kind",
        "asset",
        "transfer_id",
        "postings",
        "amount_minor",
        "memo",
        "hold_id",
        "hold_ids",
        "keep_remainder",
        "actor",
        "algorithm_owner",
        "amount_hkd_minor",
        "broker_id",
        "broker_minor",
        "clearing_minor",
        "confirmations",
        "confirmations_required",
        "cosigner",
        "custody_minor",
        "cycle",
        "deposit_id",
        "detail",
        "difference_minor",
        "effective_from_ns",
        "from_wallet",
        "hkd_per_unit_minor",
        "institution_id",
        "investor_class",
        "issued_timestamp_ns",
        "ledger_account",
        "ledger_minor",
        "origin_effective_from_ns",
        "reason",
        "release_hold",
        "role",
        "seq",
        "source",
        "symbol",
        "timestamp_ns",
        "to_wallet",
        "transfer_ref",
        "travel_rule_applied",
        "wallet",
        "wallet_accounts",
        "wallet_ledger_account",
        "warrant_id",
        "withdrawal_id",
        "base_asset",
        "base_decimals",
        "base_minor",
        "broker_order_id",
        "buyer",
        "buyer_fee_minor",
        "fee_bps",
        "instruction_id",
        "lot_size",
        "maker_side",
        "message",
        "mode",
        "obligation_id",
        "obligation_ids",
        "price_ticks",
        "quantity_lots",
        "quote_asset",
        "quote_decimals",
        "quote_minor",
        "seller",
        "seller_fee_minor",
        "tick_size",
        "trade_id",
        "admitted",
        "aggressor_side",
        "balance_minor",
        "client_order_id",
        "delta_minor",
        "exposure_limit_minor",
        "fee_asset",
        "fee_minor",
        "hold_amount_minor",
        "hold_asset",
        "is_maker",
        "limit_minor",
        "maker_account_id",
        "maker_fee_bps",
        "maker_order_id",
        "min_notional_tick_lots",
        "open_quantity_lots",
        "order_id",
        "order_type",
        "price_band_bps",
        "priority_kept",
        "quote_quantity_minor",
        "quote_quantity_tick_lots",
        "reference_price_ticks",
        "released_minor",
        "restricted_accounts",
        "side",
        "status",
        "stp_group",
        "stp_mode",
        "taker_account_id",
        "taker_fee_bps",
        "taker_order_id",
        "time_in_force",
        "update_seq",
        "venue_order_id",
        "snapshot_id",
        "liabilities_root",
        "ratios",
        "alert_id",
        "alert_ids",
        "alert_type",
        "detector",
        "detector_version",
        "parameters",
        "seq_from",
        "seq_to",
        "observed_ns",
        "subjects",
        "subject",
        "evidence",
        "case_id",
        "agency",
        "outcome",
    }
)
