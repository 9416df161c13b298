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
    "command_bytes_max",
    "commit_group_entries_max",
    "consistency_proof_hashes_max",
    "cosignature_timestamp_s_max",
    "entry_bytes_max",
    "follow_on_commands_max",
    "hold_id_length_max",
    "holds_pending_max",
    "holds_per_post_max",
    "inclusion_proof_hashes_max",
    "memo_length_max",
    "note_bytes_max",
    "note_signatures_max",
    "postings_per_transfer_max",
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
