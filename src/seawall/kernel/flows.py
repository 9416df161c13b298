"""The flows between institutions (ADR 0004), declared in one table: which event becomes which
command, and which refused command tells whom. ``routes`` runs them; this file is the only place
where the walls between institutions are crossed.
"""

from __future__ import annotations

from typing import Any, Final

from seawall.clearing import commands as clc
from seawall.clearing import events as cle
from seawall.core import limits
from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.core.machine import Context, Rejection
from seawall.custody import commands as cc
from seawall.custody import events as ce
from seawall.custody import machine as custody_machine
from seawall.identity import commands as ic
from seawall.identity import events as ie
from seawall.kernel.reconcile import find_breaks
from seawall.ledger import commands as lc
from seawall.ledger import events as le
from seawall.ledger.state import AccountKind
from seawall.regulator import commands as rc
from seawall.regulator import events as re_
from seawall.regulator.state import BreakKind

__all__ = ["EVENT_ROUTES", "REJECTION_ROUTES_TABLE"]

States = dict[str, Any]
WITHDRAWAL_HOLD_PREFIX: Final = "wd:"


def _asset_configured(
    event: ce.AssetConfigured, ctx: Context, states: States, cause: Any
) -> list[Any]:
    code = AssetCode(event.code)
    commands: list[Any] = [lc.DefineAsset(code=code, decimals=event.decimals)]
    commands += [
        lc.OpenAccount(account_id=AccountId(wallet), kind=AccountKind.ASSET, asset=code)
        for wallet in event.wallet_accounts
    ]
    return commands


def _client_onboarded(
    event: ie.ClientOnboarded, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [cc.OpenClientAccount(broker_id=event.broker_id, account_id=event.account_id)]


def _client_account_opened(
    event: ce.ClientAccountOpened, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [lc.OpenAccount(account_id=AccountId(event.ledger_account), kind=AccountKind.CLIENT)]


def _deposit_confirmed(
    event: ce.DepositConfirmed, ctx: Context, states: States, cause: Any
) -> list[Any]:
    asset = AssetCode(event.asset)
    return [
        lc.Transfer(
            transfer_id=TransferId(f"dep:{event.deposit_id}"),
            postings=(
                lc.Posting(AccountId(event.wallet), asset, -event.amount_minor),
                lc.Posting(AccountId(event.ledger_account), asset, event.amount_minor),
            ),
            memo="deposit",
        )
    ]


def _withdrawal_requested(
    event: ce.WithdrawalRequested, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [
        lc.CreateHold(
            hold_id=lc.HoldId(event.hold_id),
            account_id=AccountId(event.ledger_account),
            asset=AssetCode(event.asset),
            amount_minor=event.amount_minor,
            memo="withdrawal",
        )
    ]


def _hold_created(event: le.HoldCreated, ctx: Context, states: States, cause: Any) -> list[Any]:
    if event.hold_id.startswith(WITHDRAWAL_HOLD_PREFIX):
        withdrawal_id = event.hold_id[len(WITHDRAWAL_HOLD_PREFIX) :]
        return [cc.MarkWithdrawalHeld(withdrawal_id=withdrawal_id)]
    return []


def _hold_refused(
    command: lc.CreateHold, rejection: Rejection, ctx: Context, states: States
) -> list[Any]:
    if command.hold_id.startswith(WITHDRAWAL_HOLD_PREFIX):
        withdrawal_id = command.hold_id[len(WITHDRAWAL_HOLD_PREFIX) :]
        return [cc.FailWithdrawal(withdrawal_id, rejection.code, rejection.message)]
    return []


def _withdrawal_held(
    event: ce.WithdrawalHeld, ctx: Context, states: States, cause: Any
) -> list[Any]:
    record = custody_machine.withdrawal(states["custody"], event.withdrawal_id)
    return [
        clc.CosignWithdrawal(
            withdrawal_id=event.withdrawal_id,
            broker_id=record.broker_id,
            account_id=record.account_id,
            asset=record.asset,
            amount_minor=record.amount_minor,
        )
    ]


def _clearing_cosigned(
    event: cle.WithdrawalCosigned, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [cc.CosignWithdrawal(withdrawal_id=event.withdrawal_id, cosigner="clearing")]


def _cosign_refused(
    command: clc.CosignWithdrawal, rejection: Rejection, ctx: Context, states: States
) -> list[Any]:
    return [cc.FailWithdrawal(command.withdrawal_id, rejection.code, rejection.message)]


def _withdrawal_cosigned(
    event: ce.WithdrawalCosigned, ctx: Context, states: States, cause: Any
) -> list[Any]:
    # Custody's own co-signature: the second of the two every withdrawal needs.
    return [cc.ExecuteWithdrawal(withdrawal_id=event.withdrawal_id)]


def _withdrawal_executed(
    event: ce.WithdrawalExecuted, ctx: Context, states: States, cause: Any
) -> list[Any]:
    asset = AssetCode(event.asset)
    client = AccountId(f"client:{event.broker_id}:{event.account_id}")
    return [
        lc.PostHold(
            hold_ids=(lc.HoldId(event.hold_id),),
            transfer_id=TransferId(event.hold_id),
            postings=(
                lc.Posting(client, asset, -event.amount_minor),
                lc.Posting(AccountId(event.wallet_ledger_account), asset, event.amount_minor),
            ),
            memo="withdrawal",
        )
    ]


def _withdrawal_failed(
    event: ce.WithdrawalFailed, ctx: Context, states: States, cause: Any
) -> list[Any]:
    if event.release_hold:
        return [lc.VoidHold(hold_id=lc.HoldId(event.hold_id))]
    return []


def _wallets_rebalanced(
    event: ce.WalletsRebalanced, ctx: Context, states: States, cause: Any
) -> list[Any]:
    asset = AssetCode(event.asset)
    return [
        lc.Transfer(
            transfer_id=TransferId(f"rebalance:{ctx.seq}"),
            postings=(
                lc.Posting(AccountId(event.from_wallet), asset, event.amount_minor),
                lc.Posting(AccountId(event.to_wallet), asset, -event.amount_minor),
            ),
            memo="cold/hot rebalancing",
        )
    ]


def _warrant_issued(
    event: re_.WarrantIssued, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [
        ic.Disclose(warrant_id=event.warrant_id, account_id=event.account_id, reason=event.reason)
    ]


def _reconciliation_started(
    event: re_.ReconciliationStarted, ctx: Context, states: States, cause: Any
) -> list[Any]:
    return [
        rc.RecordBreak(
            cycle=event.cycle,
            kind=BreakKind(found.kind),
            broker_id=found.broker_id,
            account_id=found.account_id,
            asset=found.asset,
            ledger_minor=found.ledger_minor,
            custody_minor=found.custody_minor,
            clearing_minor=found.clearing_minor,
            broker_minor=found.broker_minor,
            difference_minor=found.difference_minor
            if found.kind == "client_balance"
            else found.ledger_minor - found.custody_minor,
            detail=_describe(found.kind, found.ledger_minor, found.custody_minor),
        )
        for found in find_breaks(states)
    ]


def _describe(kind: str, ledger_minor: int, custody_minor: int) -> str:
    if kind == "wallet":
        return f"ledger wallet holds {ledger_minor}, custody's wallet book says {custody_minor}"
    return "the ledger's client balance differs from what custody, clearing and the broker record"


def _reserves_published(
    event: ce.ReservesPublished, ctx: Context, states: States, cause: Any
) -> list[Any]:
    """Reserves below liabilities in a published snapshot is the FTX signal: an alert."""
    short = [row for row in event.ratios if row[3] < 10_000]
    if not short:
        return []
    detail = f"snapshot {event.snapshot_id}: " + "; ".join(
        f"{asset} reserves {held} < liabilities {owed} ({bps} bps)"
        for asset, owed, held, bps in short
    )
    return [
        rc.RecordAlert(
            source="custody",
            code="RESERVES_BELOW_LIABILITIES",
            detail=detail[: limits.regulator_detail_length_max],
        )
    ]


#: Event type -> the commands it causes.
EVENT_ROUTES: Final[dict[type[Any], Any]] = {
    ie.ClientOnboarded: _client_onboarded,
    ce.AssetConfigured: _asset_configured,
    ce.ClientAccountOpened: _client_account_opened,
    ce.DepositConfirmed: _deposit_confirmed,
    ce.WithdrawalRequested: _withdrawal_requested,
    le.HoldCreated: _hold_created,
    ce.WithdrawalHeld: _withdrawal_held,
    cle.WithdrawalCosigned: _clearing_cosigned,
    ce.WithdrawalCosigned: _withdrawal_cosigned,
    ce.WithdrawalExecuted: _withdrawal_executed,
    ce.WithdrawalFailed: _withdrawal_failed,
    ce.WalletsRebalanced: _wallets_rebalanced,
    re_.WarrantIssued: _warrant_issued,
    re_.ReconciliationStarted: _reconciliation_started,
    ce.ReservesPublished: _reserves_published,
}

#: Command type -> the commands its refusal causes (for kernel-derived commands in a flow).
REJECTION_ROUTES_TABLE: Final[dict[type[Any], Any]] = {
    lc.CreateHold: _hold_refused,
    clc.CosignWithdrawal: _cosign_refused,
}
