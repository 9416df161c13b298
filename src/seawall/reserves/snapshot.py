"""A proof-of-reserves snapshot of the market: liabilities from the ledger, reserves on chain.

* **Liabilities**: every ``client:<broker>:<account>`` account on the custodian's ledger, its
  balance per asset (``ledger.machine.balance``: what the firm owes that client, held funds
  included), in a Merkle sum tree (``tree``).
* **Reserves**: every custody wallet (``custody:cold|hot|bank:<ASSET>``), its balance on the
  chain adapter, and its proof of control over this snapshot's root (``reserves``).
* **Coverage**: per asset, reserves / liabilities in basis points; a snapshot whose reserves fall
  short in any asset has status ``SHORTFALL`` (the FTX case) and says so in its public document.

The public document (``snapshot_document``) is what custody publishes (and anchors in the
journal, see ``publish``); ``verify_snapshot_document`` is what anyone runs on it: the root
commitment, every wallet's proof of control, and the ratios recomputed.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from enum import StrEnum, unique
from typing import Any, Final, NamedTuple

import msgspec
import numpy as np
import numpy.typing as npt

from seawall.adapters.chain import MemoryChain, address_for
from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey
from seawall.custody import machine as custody_machine
from seawall.custody.state import WALLET_KINDS, CustodyState
from seawall.ledger import machine as ledger_machine
from seawall.ledger.state import AccountKind, LedgerState
from seawall.reserves.format import (
    DIGEST_SIZE,
    AssetSpec,
    check_assets,
    check_snapshot_id,
    root_commitment,
)
from seawall.reserves.reserves import (
    AssetCoverage,
    WalletBook,
    WalletReserve,
    attest_wallets,
    control_problem,
    coverage,
    wallet_key,
)
from seawall.reserves.tree import LiabilityTree, PrivacyPolicy, Progress, build_tree

__all__ = [
    "SEED_TAG",
    "SNAPSHOT_FORMAT",
    "STATUS_COVERED",
    "STATUS_SHORTFALL",
    "Liabilities",
    "PorSnapshot",
    "SnapshotProblem",
    "SnapshotRejected",
    "SnapshotSummary",
    "build_snapshot",
    "custody_wallets",
    "liabilities_from_ledger",
    "mirror_wallets",
    "snapshot_document",
    "snapshot_seed",
    "verify_snapshot_document",
]

SNAPSHOT_FORMAT: Final = "seawall-por-snapshot/1"
SEED_TAG: Final = b"seawall.por.snapshot-seed.v1\x00"
STATUS_COVERED: Final = "COVERED"
STATUS_SHORTFALL: Final = "SHORTFALL"


class Liabilities(NamedTuple):
    """Every client account and what it is owed, per asset (an ``(accounts, assets)`` int64
    array, rows in the order of ``account_ids``)."""

    assets: tuple[AssetSpec, ...]
    account_ids: list[str]
    balances_minor: npt.NDArray[np.int64]


def liabilities_from_ledger(ledger_state: LedgerState) -> Liabilities:
    """The ledger's client accounts (sorted by id) and their balances in every defined asset."""
    assets = tuple(
        AssetSpec(code, decimals) for code, decimals in sorted(ledger_state.assets.items())
    )
    ids = sorted(
        account_id
        for account_id, account in ledger_state.accounts.items()
        if account.kind is AccountKind.CLIENT
    )
    balances = np.zeros((len(ids), len(assets)), dtype=np.int64)
    for row, account_id in enumerate(ids):
        for column, asset in enumerate(assets):
            balances[row, column] = ledger_machine.balance(ledger_state, account_id, asset.code)
    return Liabilities(assets, ids, balances)


def custody_wallets(
    custody_state: CustodyState, ledger_state: LedgerState, custody_key: SigningKey
) -> list[WalletBook]:
    """Custody's wallets (per asset, sorted; cold then hot, or the bank), each at the address of
    its derived key, with custody's book and the ledger's ``custody:*`` account beside it."""
    books = []
    for asset in sorted(custody_state.assets):
        config = custody_state.assets[asset]
        for kind in WALLET_KINDS[config.kind]:
            account = custody_machine.wallet_account(asset, kind)
            ledger_minor = (
                ledger_machine.balance(ledger_state, account, asset)
                if account in ledger_state.accounts
                else 0
            )
            key = wallet_key(custody_key, asset, kind.value)
            books.append(
                WalletBook(
                    asset=asset,
                    kind=kind.value,
                    address=address_for(key.verify_key.raw),
                    book_minor=custody_machine.wallet_balance(custody_state, asset, kind),
                    ledger_minor=ledger_minor,
                )
            )
    return books


def mirror_wallets(
    chain: MemoryChain, custody_key: SigningKey, wallets: Sequence[WalletBook]
) -> None:
    """Put custody's wallets on the in-memory chain holding what custody's book says (the
    stand-in for a real chain, where the balances are whatever the chain says)."""
    for wallet in wallets:
        address = chain.import_wallet(wallet_key(custody_key, wallet.asset, wallet.kind))
        if address != wallet.address:
            raise ConditionFailed(f"wallet {wallet.asset} {wallet.kind} has another key")
        chain.set_balance(address, wallet.asset, wallet.book_minor)


def snapshot_seed(custody_key: SigningKey, snapshot_id: str) -> bytes:
    """The snapshot's secret seed (nonces, splits, padding, order), derived from custody's key so
    that the same snapshot always rebuilds the same tree."""
    return hmac.digest(custody_key.seed, SEED_TAG + snapshot_id.encode(), "sha256")


class PorSnapshot:
    """One snapshot: the liabilities tree, the wallets' reserves and the coverage per asset."""

    def __init__(
        self,
        seq: int,
        timestamp_ns: int,
        tree: LiabilityTree,
        chain_name: str,
        reserves: list[WalletReserve],
    ) -> None:
        self.seq = seq
        self.timestamp_ns = timestamp_ns
        self.tree = tree
        self.chain_name = chain_name
        self.reserves = reserves
        owed = dict(zip((a.code for a in tree.assets), tree.totals_minor, strict=True))
        self.coverage = coverage([a.code for a in tree.assets], owed, reserves)

    @property
    def snapshot_id(self) -> str:
        return self.tree.snapshot_id

    @property
    def root(self) -> bytes:
        return self.tree.root

    @property
    def shortfalls(self) -> list[AssetCoverage]:
        return [row for row in self.coverage if not row.covered]

    @property
    def status(self) -> str:
        return STATUS_SHORTFALL if self.shortfalls else STATUS_COVERED


def build_snapshot(
    snapshot_id: str,
    seq: int,
    timestamp_ns: int,
    liabilities: Liabilities,
    wallets: Sequence[WalletBook],
    chain: Any,
    seed: bytes,
    policy: PrivacyPolicy | None = None,
    progress: Progress | None = None,
) -> PorSnapshot:
    """Build the tree, then read and attest every wallet against its root."""
    tree = build_tree(
        snapshot_id,
        liabilities.assets,
        liabilities.account_ids,
        liabilities.balances_minor,
        seed,
        policy,
        progress,
    )
    reserves = attest_wallets(chain, wallets, snapshot_id, tree.root)
    return PorSnapshot(seq, timestamp_ns, tree, str(chain.name), reserves)


def _alert_line(row: AssetCoverage) -> str:
    return (
        f"{row.asset}: reserves {row.reserves_minor} below liabilities {row.liabilities_minor} "
        f"(ratio {row.ratio_bps} bps, short {row.shortfall_minor} minor units)"
    )


def snapshot_document(snapshot: PorSnapshot) -> dict[str, Any]:
    """The snapshot's public document (JSON-ready; amounts as decimal strings of minor units)."""
    tree = snapshot.tree
    return {
        "format": SNAPSHOT_FORMAT,
        "snapshot": snapshot.snapshot_id,
        "journal_seq": snapshot.seq,
        "timestamp_ns": snapshot.timestamp_ns,
        "status": snapshot.status,
        "alerts": [_alert_line(row) for row in snapshot.shortfalls],
        "assets": [{"code": a.code, "decimals": a.decimals} for a in tree.assets],
        "liabilities": {
            "root": tree.root.hex(),
            "tree_root": {
                "hash": tree.tree_root_hash.hex(),
                "balances": [str(v) for v in tree.totals_minor],
            },
            "leaf_count": tree.leaf_count,
            "depth": tree.depth,
            "split_parts": tree.policy.split_parts,
        },
        "reserves": {
            "chain": snapshot.chain_name,
            "wallets": [
                {
                    "asset": r.asset,
                    "kind": r.kind,
                    "address": r.address,
                    "public_key": r.public_key.hex(),
                    "balance_minor": str(r.balance_minor),
                    "book_minor": str(r.book_minor),
                    "ledger_minor": str(r.ledger_minor),
                    "signature": r.signature.hex(),
                }
                for r in snapshot.reserves
            ],
        },
        "coverage": [
            {
                "asset": row.asset,
                "liabilities_minor": str(row.liabilities_minor),
                "reserves_minor": str(row.reserves_minor),
                "ratio_bps": row.ratio_bps,
                "covered": row.covered,
                "shortfall_minor": str(row.shortfall_minor),
            }
            for row in snapshot.coverage
        ],
    }


# --- checking a published document ---------------------------------------------------------------


@unique
class SnapshotProblem(StrEnum):
    MALFORMED = "malformed"
    TAMPERED = "tampered"
    BAD_CONTROL_PROOF = "bad_control_proof"
    INCONSISTENT = "inconsistent"


class SnapshotRejected(ConditionFailed):
    """A snapshot document that does not check out; ``problem`` says which check refused it."""

    def __init__(self, problem: SnapshotProblem, detail: str) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"{problem.value}: {detail}")


class SnapshotSummary(msgspec.Struct, frozen=True):
    """A checked snapshot document: its id, root, status and coverage."""

    snapshot_id: str
    root: bytes
    status: str
    coverage: tuple[AssetCoverage, ...]
    wallets: int


def _get(data: Any, key: str, kind: type[Any] | tuple[type[Any], ...], where: str) -> Any:
    if not isinstance(data, dict) or key not in data or not isinstance(data[key], kind):
        raise SnapshotRejected(SnapshotProblem.MALFORMED, f"{where}.{key} is missing or ill-typed")
    return data[key]


def _num(text: Any, where: str) -> int:
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        raise SnapshotRejected(SnapshotProblem.MALFORMED, f"{where} must be a decimal integer")
    return int(text)


def _bytes(text: Any, where: str, size: int | None = None) -> bytes:
    try:
        value = bytes.fromhex(text) if isinstance(text, str) else None
    except ValueError:
        value = None
    if value is None or (size is not None and len(value) != size):
        raise SnapshotRejected(SnapshotProblem.MALFORMED, f"{where} must be hex")
    return value


def verify_snapshot_document(doc: Any) -> SnapshotSummary:
    """Check a published snapshot: its root commitment, each wallet's proof of control, and the
    coverage and status recomputed from the totals and the wallets' balances."""
    if not isinstance(doc, dict) or doc.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotRejected(SnapshotProblem.MALFORMED, f"format must be {SNAPSHOT_FORMAT!r}")
    snapshot_id = _get(doc, "snapshot", str, "snapshot")
    try:
        check_snapshot_id(snapshot_id)
        assets = check_assets(
            [
                AssetSpec(_get(a, "code", str, "asset"), _get(a, "decimals", int, "asset"))
                for a in _get(doc, "assets", list, "snapshot")
            ]
        )
    except SnapshotRejected:
        raise
    except ConditionFailed as exc:
        raise SnapshotRejected(SnapshotProblem.MALFORMED, str(exc)) from exc
    liabilities = _get(doc, "liabilities", dict, "snapshot")
    tree_root = _get(liabilities, "tree_root", dict, "liabilities")
    totals = [_num(v, "tree_root.balances") for v in _get(tree_root, "balances", list, "tree_root")]
    if len(totals) != len(assets):
        raise SnapshotRejected(SnapshotProblem.MALFORMED, "one total per asset")
    root = _bytes(_get(liabilities, "root", str, "liabilities"), "root", DIGEST_SIZE)
    computed = root_commitment(
        snapshot_id,
        assets,
        _get(liabilities, "leaf_count", int, "liabilities"),
        _bytes(_get(tree_root, "hash", str, "tree_root"), "tree_root.hash", DIGEST_SIZE),
        totals,
    )
    if computed != root:
        raise SnapshotRejected(
            SnapshotProblem.TAMPERED,
            f"the tree root, totals, assets and id commit to {computed.hex()}, not {root.hex()}",
        )
    reserves = []
    for number, wallet in enumerate(
        _get(_get(doc, "reserves", dict, "snapshot"), "wallets", list, "reserves")
    ):
        where = f"wallets[{number}]"
        reserve = WalletReserve(
            asset=_get(wallet, "asset", str, where),
            kind=_get(wallet, "kind", str, where),
            address=_get(wallet, "address", str, where),
            public_key=_bytes(_get(wallet, "public_key", str, where), f"{where}.public_key"),
            balance_minor=_num(_get(wallet, "balance_minor", str, where), f"{where}.balance"),
            book_minor=_num(_get(wallet, "book_minor", str, where), f"{where}.book"),
            ledger_minor=_num(_get(wallet, "ledger_minor", str, where), f"{where}.ledger"),
            signature=_bytes(_get(wallet, "signature", str, where), f"{where}.signature"),
        )
        problem = control_problem(reserve, snapshot_id, root)
        if problem is not None:
            raise SnapshotRejected(SnapshotProblem.BAD_CONTROL_PROOF, problem)
        reserves.append(reserve)
    owed = dict(zip((a.code for a in assets), totals, strict=True))
    rows = coverage([a.code for a in assets], owed, reserves)
    stated = _get(doc, "coverage", list, "snapshot")
    restated = [
        (
            _get(row, "asset", str, "coverage"),
            _num(_get(row, "liabilities_minor", str, "coverage"), "liabilities_minor"),
            _num(_get(row, "reserves_minor", str, "coverage"), "reserves_minor"),
            _get(row, "ratio_bps", int, "coverage"),
        )
        for row in stated
    ]
    expected = [(r.asset, r.liabilities_minor, r.reserves_minor, r.ratio_bps) for r in rows]
    if restated != expected:
        raise SnapshotRejected(
            SnapshotProblem.INCONSISTENT,
            f"the coverage stated is {restated}, the totals and wallets give {expected}",
        )
    status = STATUS_SHORTFALL if any(not r.covered for r in rows) else STATUS_COVERED
    if doc.get("status") != status:
        raise SnapshotRejected(
            SnapshotProblem.INCONSISTENT, f"status says {doc.get('status')!r}, the figures {status}"
        )
    return SnapshotSummary(snapshot_id, root, status, tuple(rows), len(reserves))
