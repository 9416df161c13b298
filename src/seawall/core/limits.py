"""Every bound in Seawall, in one place, each named ``*_max`` (or ``*_min``).

A limit exists so that no input can make a state machine grow without bound or a loop run
forever. Validation code refers to these names; tests push past each one.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "account_id_length_max",
    "accounts_max",
    "amount_minor_max",
    "asset_code_length_max",
    "asset_decimals_max",
    "assets_max",
    "auth_bytes_max",
    "broker_clients_max",
    "broker_fee_bps_max",
    "broker_id_length_max",
    "broker_open_orders_per_client_max",
    "broker_orders_max",
    "brokers_max",
    "clearing_failure_message_length_max",
    "clearing_fee_bps_max",
    "clearing_markets_max",
    "clearing_open_obligations_max",
    "command_bytes_max",
    "commit_group_entries_max",
    "consistency_proof_hashes_max",
    "cosignature_timestamp_s_max",
    "custody_client_accounts_max",
    "custody_confirmations_required_max",
    "custody_deposit_id_length_max",
    "custody_destination_length_max",
    "custody_destinations_per_asset_max",
    "custody_failure_reason_length_max",
    "custody_party_field_length_max",
    "custody_reserves_published_max",
    "custody_verification_ref_length_max",
    "custody_withdrawal_id_length_max",
    "custody_withdrawals_open_max",
    "entry_bytes_max",
    "follow_on_commands_max",
    "hold_id_length_max",
    "holds_pending_max",
    "holds_per_post_max",
    "identity_address_length_max",
    "identity_api_key_id_length_max",
    "identity_api_keys_max",
    "identity_api_keys_per_account_max",
    "identity_birth_year_min",
    "identity_blocked_documents_max",
    "identity_clients_max",
    "identity_disclosures_max",
    "identity_document_number_length_max",
    "identity_document_type_length_max",
    "identity_name_length_max",
    "identity_party_field_length_max",
    "identity_suitability_score_max",
    "identity_text_length_max",
    "identity_warrant_id_length_max",
    "inclusion_proof_hashes_max",
    "memo_length_max",
    "note_bytes_max",
    "note_signatures_max",
    "postings_per_transfer_max",
    "regulator_alert_code_length_max",
    "regulator_alerts_max",
    "regulator_breaks_max",
    "regulator_cycle_max",
    "regulator_detail_length_max",
    "regulator_institution_id_length_max",
    "regulator_licence_changes_max",
    "regulator_licences_max",
    "regulator_markets_max",
    "regulator_officer_length_max",
    "regulator_reason_length_max",
    "regulator_warrant_id_length_max",
    "regulator_warrant_reason_length_min",
    "regulator_warrants_max",
    "snapshot_interval_entries_max",
    "submitter_length_max",
    "tile_level_max",
    "tile_reader_cached_tiles_max",
    "tlog_entry_bytes_max",
    "transfer_id_length_max",
    "tree_size_max",
    "venue_client_order_id_length_max",
    "venue_market_restricted_accounts_max",
    "venue_markets_max",
    "venue_orders_per_market_max",
    "venue_price_band_bps_max",
    "venue_price_ticks_max",
    "venue_quantity_lots_max",
    "venue_quote_quantity_max",
    "venue_restricted_accounts_max",
    "venue_stp_group_length_max",
    "venue_symbol_length_max",
]

#: Largest amount in minor units: 2**63 - 1, so every amount fits a signed 64-bit integer
#: (SQLite INTEGER, PostgreSQL BIGINT, msgpack int64).
amount_minor_max: Final = 2**63 - 1
#: Most decimals an asset may declare (ETH has 18).
asset_decimals_max: Final = 18
#: Asset codes are short upper-case tickers.
asset_code_length_max: Final = 12
#: Account ids, transfer ids and submitter names are bounded strings.
account_id_length_max: Final = 64
transfer_id_length_max: Final = 64
submitter_length_max: Final = 64
memo_length_max: Final = 140
#: Postings in one transfer (a DvP settlement needs four; fees add a few).
postings_per_transfer_max: Final = 16
#: Ledger capacity: assets defined, accounts opened, holds pending at once (all accounts).
assets_max: Final = 4096
accounts_max: Final = 10_000_000
holds_pending_max: Final = 10_000_000
#: Hold ids are bounded strings; one post may consume this many holds (a DvP needs two).
hold_id_length_max: Final = 64
holds_per_post_max: Final = 16
#: The request authentication stored as received (an HMAC or Ed25519 signature and its headers).
auth_bytes_max: Final = 1024
#: One encoded command, and one encoded journal entry (command + outcome + header).
command_bytes_max: Final = 16 * 1024
entry_bytes_max: Final = 64 * 1024
#: Entries sealed by one signature. Bounded so a crash loses at most one unacknowledged group.
commit_group_entries_max: Final = 8192
#: Follow-on commands the kernel may derive from one submitted command (a bound on every flow).
follow_on_commands_max: Final = 1024
#: Snapshots are taken at most this many entries apart.
snapshot_interval_entries_max: Final = 1_000_000

#: Venue: markets listed at once, and a market's symbol (``BTCUSDT``) length.
venue_markets_max: Final = 1024
venue_symbol_length_max: Final = 24
#: Venue: a client order id (Binance allows 36 characters) and a self-trade-prevention group.
venue_client_order_id_length_max: Final = 36
venue_stp_group_length_max: Final = 36
#: Venue: a price in ticks and a quantity in lots. A level's total stays below 2**63 because
#: ``venue_orders_per_market_max * venue_quantity_lots_max`` is 10**18.
venue_price_ticks_max: Final = 10**12
venue_quantity_lots_max: Final = 10**12
#: Venue: a market order sized in quote (in tick-lots, ``price_ticks * quantity_lots``).
venue_quote_quantity_max: Final = 2**63 - 1
#: Venue: resting orders in one market's book (both sides together).
venue_orders_per_market_max: Final = 1_000_000
#: Venue: operator and affiliate accounts barred from trading, venue-wide and per market.
venue_restricted_accounts_max: Final = 4096
venue_market_restricted_accounts_max: Final = 64
#: Venue: widest price band around the last price, in basis points (10_000 = 100 %).
venue_price_band_bps_max: Final = 10_000

# The transparency log (RFC 6962, C2SP signed-note, tlog-tiles, tlog-cosignature).
#: Tree sizes and leaf indexes are uint64 in every format we speak (checkpoints, tiles, proofs).
tree_size_max: Final = 2**64 - 1
#: A tree of at most 2**64 - 1 leaves is at most 64 levels deep: an inclusion proof has at most
#: one hash per level; a consistency proof may add one subtree hash to that.
inclusion_proof_hashes_max: Final = 64
consistency_proof_hashes_max: Final = 65
#: A signed note, whole. The spec asks verifiers to accept at least 16 signatures of up to ~5 kB.
note_bytes_max: Final = 256 * 1024
#: Signature lines in one note (golang.org/x/mod/sumdb/note stops at 100 too).
note_signatures_max: Final = 100
#: c2sp.org/tlog-cosignature: "It MUST NOT exceed 2^63 - 1".
cosignature_timestamp_s_max: Final = 2**63 - 1
#: c2sp.org/tlog-tiles: each entry in a bundle is prefixed by a big-endian uint16 length.
tlog_entry_bytes_max: Final = 2**16 - 1
#: c2sp.org/tlog-tiles: "<L> ... MUST be a decimal ASCII integer between 0 and 63".
tile_level_max: Final = 63
#: Tiles a ``TileReader`` keeps in memory (8 KiB each).
tile_reader_cached_tiles_max: Final = 1024

#: Identity: a client's name (a person's or an institution's), an address, and a document's type
#: (``passport``, ``hkid``, ``business_registration``) and number.
identity_name_length_max: Final = 200
identity_address_length_max: Final = 400
identity_document_type_length_max: Final = 32
identity_document_number_length_max: Final = 64
#: Identity: the earliest year of birth (or incorporation) a KYC record may state.
identity_birth_year_min: Final = 1900
#: Identity: free text (a reason, an evidence or assessment reference) and each travel-rule party
#: field (name, account reference, institution).
identity_text_length_max: Final = 280
identity_party_field_length_max: Final = 200
#: Identity: a suitability assessment's score runs from 0 to this.
identity_suitability_score_max: Final = 100
#: Identity: an algorithm's API key id and a warrant id are bounded ids.
identity_api_key_id_length_max: Final = 64
identity_warrant_id_length_max: Final = 64
#: Identity capacity: clients onboarded, blocked documents, warrants disclosed, API key ids ever
#: registered (revoked ones stay reserved), and active keys on one algorithm account.
identity_clients_max: Final = 10_000_000
identity_blocked_documents_max: Final = 1_000_000
identity_disclosures_max: Final = 1_000_000
identity_api_keys_max: Final = 1_000_000
identity_api_keys_per_account_max: Final = 16

# The regulator (licences, halts, warrants, reconciliation breaks, supervisory alerts).
#: Institution ids (``broker-1``), warrant ids and alert codes are bounded ids.
regulator_institution_id_length_max: Final = 64
regulator_warrant_id_length_max: Final = 64
regulator_alert_code_length_max: Final = 64
#: A reason for a licence decision, halt or admission; a warrant's justification; an officer's
#: name; the detail of a break or alert (characters). A reason is no longer than identity's
#: ``identity_text_length_max``, so that a warrant's justification always fits the disclosure.
regulator_reason_length_max: Final = 280
regulator_officer_length_max: Final = 128
regulator_detail_length_max: Final = 1024
#: A warrant to reveal who is behind a pseudonym needs a real justification, not a word.
regulator_warrant_reason_length_min: Final = 20
#: Institutions on the licence register, and entries in one licence's history (the grant
#: included; the last slot is kept for a revocation, which is always possible).
regulator_licences_max: Final = 65_536
regulator_licence_changes_max: Final = 4096
#: Markets halted at once, and markets admitted for retail at once (each register).
regulator_markets_max: Final = 4096
#: Warrants issued, reconciliation breaks and supervisory alerts recorded, over all time.
regulator_warrants_max: Final = 1_000_000
regulator_breaks_max: Final = 10_000_000
regulator_alerts_max: Final = 10_000_000
#: Reconciliation cycle numbers are positive and fit a signed 64-bit integer.
regulator_cycle_max: Final = 2**63 - 1

# Custody (the custodian bank's operations book).
#: Deposit and withdrawal ids: short enough that the ledger ids the kernel derives from them
#: (``wd:<withdrawal_id>`` as a hold id, ``dep:<deposit_id>`` as a transfer id) stay within
#: ``hold_id_length_max`` / ``transfer_id_length_max`` with room for a prefix.
custody_deposit_id_length_max: Final = 56
custody_withdrawal_id_length_max: Final = 56
#: A withdrawal destination or deposit origin: a chain address (a bech32 address is at most 90
#: characters) or a bank account reference (an IBAN is at most 34).
custody_destination_length_max: Final = 128
#: The reference of the check that verified a new destination (a ticket or case id).
custody_verification_ref_length_max: Final = 64
#: Each travel-rule party field (name, account reference, institution).
custody_party_field_length_max: Final = 200
#: A withdrawal's failure reason as recorded (longer reasons are cut to this length).
custody_failure_reason_length_max: Final = 280
#: Segregated client accounts custody keeps (one per broker client).
custody_client_accounts_max: Final = 10_000_000
#: Verified destinations (added or deposit origins) per client and asset.
custody_destinations_per_asset_max: Final = 1024
#: Withdrawals not yet executed or failed, over all clients.
custody_withdrawals_open_max: Final = 1_000_000
#: Most block confirmations an asset may require before a deposit is credited.
custody_confirmations_required_max: Final = 10_000

# Clearing (the clearing house).
#: Markets clearing knows (registered from the venue's listings).
clearing_markets_max: Final = 1024
#: A fee rate in basis points: at most the whole notional (10_000 = 100 %).
clearing_fee_bps_max: Final = 10_000
#: Obligations not yet settled or failed, over all markets. A netted cycle's close derives
#: several commands per obligation (the ledger post, its confirmation, a fill per side) in one
#: flow bounded by ``follow_on_commands_max``, so a cycle may hold only this many.
clearing_open_obligations_max: Final = 128
#: A failed settlement's message as recorded (longer messages are cut to this length).
clearing_failure_message_length_max: Final = 280

# The brokers (order entry, pre-trade checks, client books; one book per broker).
#: A broker id. A broker order id is ``f"{broker_id}-{n:08d}"`` and is the venue's client order
#: id, so ``broker_id_length_max + 9 <= venue_client_order_id_length_max``; the ledger hold id
#: ``order:<broker order id>`` then fits ``hold_id_length_max`` too.
broker_id_length_max: Final = 24
#: Brokers registered, clients per broker, and orders per broker over all time (order numbers
#: keep eight digits).
brokers_max: Final = 1024
broker_clients_max: Final = 1_000_000
broker_orders_max: Final = 99_999_999
#: Orders of one client still holding funds at once (Binance allows 200 per symbol).
broker_open_orders_per_client_max: Final = 1000
#: A broker's maker or taker fee rate in basis points (1_000 = 10 %).
broker_fee_bps_max: Final = 1_000

#: Proof-of-reserves snapshots custody anchors in the journal (one a day for centuries).
custody_reserves_published_max: Final = 1_000_000
