"""Reconciliation: compare every book that should agree, and name each break.

Per (broker, client, asset): the ledger's client balance (the custodian's core books) must
equal custody's record of that client's external flows (deposits minus withdrawals) plus
clearing's settled trade position, and equal the broker's own book of the client. Per asset and
wallet: the ledger's wallet account must equal custody's wallet book. A difference is a break,
which the kernel journals as a regulator ``RecordBreak`` (ADR 0004).

An insider who moves client money by writing to one book directly (the FTX pattern) cannot also
make the other institutions' books agree: the next cycle names the account, the asset and the
amount.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from seawall.clearing import machine as clearing
from seawall.custody import machine as custody
from seawall.custody.state import WalletKind
from seawall.ledger import machine as ledger

__all__ = ["Break", "find_breaks"]


class Break(NamedTuple):
    kind: str  # "client_balance" or "wallet"
    broker_id: str
    account_id: str
    asset: str
    ledger_minor: int
    custody_minor: int
    clearing_minor: int
    broker_minor: int

    @property
    def difference_minor(self) -> int:
        """How far the ledger is from what the other books say it should hold."""
        return self.ledger_minor - (self.custody_minor + self.clearing_minor)


def _assets(custody_state: Any) -> list[str]:
    return sorted(custody_state.assets)


def find_breaks(states: dict[str, Any]) -> list[Break]:
    """Every break between the books, in a deterministic order."""
    custody_state, ledger_state = states["custody"], states["ledger"]
    clearing_position = _clearing_positions(states)
    broker_balance = _broker_balances(states)
    breaks: list[Break] = []
    for broker_id, account_id in custody.clients(custody_state):
        account = custody.client_ledger_account(broker_id, account_id)
        for asset in _assets(custody_state):
            ledger_minor = _ledger_balance(ledger_state, account, asset)
            custody_minor = custody.external_flow(custody_state, broker_id, account_id, asset)
            clearing_minor = clearing_position(broker_id, account_id, asset)
            expected = custody_minor + clearing_minor
            broker_minor = broker_balance(broker_id, account_id, asset, expected)
            if not ledger_minor == expected == broker_minor:
                breaks.append(
                    Break(
                        "client_balance",
                        broker_id,
                        account_id,
                        asset,
                        ledger_minor,
                        custody_minor,
                        clearing_minor,
                        broker_minor,
                    )
                )
    for asset in _assets(custody_state):
        for kind in (WalletKind.COLD, WalletKind.HOT, WalletKind.BANK):
            try:
                custody_minor = custody.wallet_balance(custody_state, asset, kind)
            except ValueError:
                continue
            account = custody.wallet_account(asset, kind)
            ledger_minor = _ledger_balance(ledger_state, account, asset)
            if ledger_minor != custody_minor:
                breaks.append(
                    Break("wallet", "", account, asset, ledger_minor, custody_minor, 0, 0)
                )
    return breaks


def _ledger_balance(ledger_state: Any, account: str, asset: str) -> int:
    if account not in ledger_state.accounts:
        return 0
    return ledger.balance(ledger_state, account, asset)


def _clearing_positions(states: dict[str, Any]) -> Callable[[str, str, str], int]:
    """Clearing's settled position per client and asset."""
    clearing_state = states["clearing"]

    def position(broker_id: str, account_id: str, asset: str) -> int:
        return clearing.position(clearing_state, broker_id, account_id, asset)

    return position


def _broker_balances(states: dict[str, Any]) -> Callable[[str, str, str, int], int]:
    """The broker's book per client and asset (what the others say, until brokers are wired)."""
    return lambda broker_id, account_id, asset, expected: expected
