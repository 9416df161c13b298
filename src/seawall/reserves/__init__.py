"""Proof of reserves and liabilities that each client can check.

For each snapshot of the market, Seawall publishes what it owes every client (a Merkle sum tree
over the ledger's client accounts, ``tree``) and what it holds (custody's wallets on the chain
adapter, each proving control by signing a challenge that names the snapshot, ``reserves``),
with the reserve ratio per asset (``snapshot``). Every client can check their own part offline
(``proof.verify_proof``; ``seawall por verify proof.json``). OKX's published proof format is
checked the way OKX's own tool checks it (``okx``). ``publish`` builds the custody command that
anchors a snapshot in the journal. Keeping every snapshot (``node.por_archive``) and deciding
when a business day ends (``node.day_end_schedule``, used by ``node.day_end``) belong to the
node: they touch files, threads and the calendar, which this package must not.
``docs/proof-of-reserves.md`` explains the format, how it relates to OKX's and Binance's, what a
path reveals and how that is mitigated.
"""

from seawall.reserves.format import AssetSpec, root_commitment
from seawall.reserves.okx import verify_okx_dir, verify_okx_user_info, verify_okx_v1
from seawall.reserves.proof import (
    PROOF_FORMAT,
    AccountProof,
    ProofProblem,
    ProofRejected,
    VerifiedProof,
    proof_from_json,
    proof_to_json,
    verify_proof,
)
from seawall.reserves.publish import ReservesPublication, publication_for
from seawall.reserves.reserves import (
    RATIO_BPS_FULL,
    AssetCoverage,
    WalletBook,
    WalletReserve,
    control_challenge,
    ratio_bps,
    wallet_key,
)
from seawall.reserves.snapshot import (
    SNAPSHOT_FORMAT,
    Liabilities,
    PorSnapshot,
    SnapshotProblem,
    SnapshotRejected,
    build_snapshot,
    custody_wallets,
    liabilities_from_ledger,
    mirror_wallets,
    snapshot_document,
    snapshot_seed,
    verify_snapshot_document,
)
from seawall.reserves.tree import LiabilityTree, PrivacyPolicy, build_tree

__all__ = [
    "PROOF_FORMAT",
    "RATIO_BPS_FULL",
    "SNAPSHOT_FORMAT",
    "AccountProof",
    "AssetCoverage",
    "AssetSpec",
    "Liabilities",
    "LiabilityTree",
    "PorSnapshot",
    "PrivacyPolicy",
    "ProofProblem",
    "ProofRejected",
    "ReservesPublication",
    "SnapshotProblem",
    "SnapshotRejected",
    "VerifiedProof",
    "WalletBook",
    "WalletReserve",
    "build_snapshot",
    "build_tree",
    "control_challenge",
    "custody_wallets",
    "liabilities_from_ledger",
    "mirror_wallets",
    "proof_from_json",
    "proof_to_json",
    "publication_for",
    "ratio_bps",
    "root_commitment",
    "snapshot_document",
    "snapshot_seed",
    "verify_okx_dir",
    "verify_okx_user_info",
    "verify_okx_v1",
    "verify_proof",
    "verify_snapshot_document",
    "wallet_key",
]
