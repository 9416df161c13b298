"""A naive ledger, obviously correct, used as the oracle for the fast one in property tests.

It keeps the whole history (every transfer's postings, every hold ever made, in lists) and
recomputes each balance by summing postings whenever it needs one. It is slow on purpose: each
rule of ``machine.decide`` is written out here as plainly as possible, in the same order, over
data shaped as differently as possible, so that a bug in the fast machine's caches or indexes
shows up as a different outcome or a different ``state_hash``.

``decide``, ``evolve`` and ``state_hash`` have the fast machine's signatures and, for the same
history, the same results: the same events, the same rejection codes, the same hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seawall.core import limits
from seawall.core.errors import ConditionFailed, InvariantViolation
from seawall.core.hashing import state_digest
from seawall.core.ids import check_asset_code, check_id
from seawall.core.machine import Context, Rejection, reject
from seawall.ledger.commands import (
    CreateHold,
    DefineAsset,
    FreezeAccount,
    HoldId,
    LedgerCommand,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    UnfreezeAccount,
    VoidHold,
)
from seawall.ledger.events import (
    AccountFrozen,
    AccountOpened,
    AccountUnfrozen,
    AssetDefined,
    HoldCreated,
    HoldPosted,
    HoldReduced,
    HoldVoided,
    LedgerEvent,
    TransferPosted,
)
from seawall.ledger.rejections import LedgerRejection as R
from seawall.ledger.state import (
    CONSTRAINED_KINDS,
    NORMAL_SIGN,
    STATE_HASH_DOMAIN,
    AccountKind,
    AccountRecord,
    AssetRecord,
    BalanceRecord,
    HoldRecord,
    HoldStatus,
    LedgerSnapshot,
)

__all__ = ["ReferenceState", "decide", "evolve", "state_hash"]


@dataclass
class _Account:
    account_id: str
    kind: AccountKind
    asset: str
    frozen: bool = False


@dataclass
class _Hold:
    hold_id: str
    account_id: str
    asset: str
    amount_minor: int
    memo: str
    status: HoldStatus = HoldStatus.PENDING
    transfer_id: str = ""


@dataclass
class ReferenceState:
    """The whole history, in lists."""

    assets: list[tuple[str, int]] = field(default_factory=list)
    accounts: list[_Account] = field(default_factory=list)
    transfers: list[tuple[str, tuple[Posting, ...]]] = field(default_factory=list)
    holds: list[_Hold] = field(default_factory=list)


# --- naive reads ----------------------------------------------------------------------------------


def _is_asset(state: ReferenceState, code: str) -> bool:
    return any(c == code for c, _ in state.assets)


def _account(state: ReferenceState, account_id: str) -> _Account | None:
    for account in state.accounts:
        if account.account_id == account_id:
            return account
    return None


def _hold(state: ReferenceState, hold_id: str) -> _Hold | None:
    for hold in state.holds:
        if hold.hold_id == hold_id:
            return hold
    return None


def _is_transfer(state: ReferenceState, transfer_id: str) -> bool:
    return any(t == transfer_id for t, _ in state.transfers)


def _balance(state: ReferenceState, account_id: str, asset: str) -> int:
    """Credit-positive balance: the sum of every posting ever made to the pair."""
    return sum(
        p.amount_minor
        for _, postings in state.transfers
        for p in postings
        if p.account_id == account_id and p.asset == asset
    )


def _held(state: ReferenceState, account_id: str, asset: str) -> int:
    return sum(
        h.amount_minor
        for h in state.holds
        if h.status is HoldStatus.PENDING and h.account_id == account_id and h.asset == asset
    )


def _id_ok(value: object, length_max: int) -> bool:
    if not isinstance(value, str):
        return False
    try:
        check_id(value, "id", length_max)
    except ConditionFailed:
        return False
    return True


def _first_appearances(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# --- decide ---------------------------------------------------------------------------------------


def decide(
    state: ReferenceState, command: LedgerCommand, ctx: Context
) -> list[LedgerEvent] | Rejection:
    """The same outcome as ``machine.decide``, computed naively."""
    if isinstance(command, DefineAsset):
        try:
            check_asset_code(command.code, limits.asset_code_length_max)
        except (ConditionFailed, TypeError):
            return reject(R.INVALID_ASSET, "bad code")
        if _is_asset(state, command.code):
            return reject(R.ASSET_EXISTS, "exists")
        if type(command.decimals) is not int or not (
            0 <= command.decimals <= limits.asset_decimals_max
        ):
            return reject(R.INVALID_ASSET, "bad decimals")
        if len(state.assets) >= limits.assets_max:
            return reject(R.LEDGER_FULL, "full")
        return [AssetDefined(code=command.code, decimals=command.decimals)]

    if isinstance(command, OpenAccount):
        if not _id_ok(command.account_id, limits.account_id_length_max):
            return reject(R.INVALID_ID, "bad id")
        if _account(state, command.account_id) is not None:
            return reject(R.ACCOUNT_EXISTS, "exists")
        if command.kind not in [k.value for k in AccountKind]:
            return reject(R.INVALID_ACCOUNT_KIND, "bad kind")
        if command.asset != "" and not _is_asset(state, command.asset):
            return reject(R.UNKNOWN_ASSET, "unknown asset")
        if len(state.accounts) >= limits.accounts_max:
            return reject(R.LEDGER_FULL, "full")
        return [
            AccountOpened(
                account_id=command.account_id,
                kind=AccountKind(command.kind),
                asset=command.asset,
            )
        ]

    if isinstance(command, FreezeAccount | UnfreezeAccount):
        if not _id_ok(command.account_id, limits.account_id_length_max):
            return reject(R.INVALID_ID, "bad id")
        account = _account(state, command.account_id)
        if account is None:
            return reject(R.UNKNOWN_ACCOUNT, "unknown")
        if isinstance(command, FreezeAccount):
            if account.frozen:
                return reject(R.ACCOUNT_FROZEN, "frozen")
            return [AccountFrozen(account_id=command.account_id)]
        if not account.frozen:
            return reject(R.ACCOUNT_NOT_FROZEN, "not frozen")
        return [AccountUnfrozen(account_id=command.account_id)]

    if isinstance(command, Transfer):
        if not _id_ok(command.transfer_id, limits.transfer_id_length_max):
            return reject(R.INVALID_ID, "bad id")
        if _is_transfer(state, command.transfer_id):
            return reject(R.DUPLICATE_TRANSFER_ID, "duplicate")
        if len(command.memo) > limits.memo_length_max:
            return reject(R.MEMO_TOO_LONG, "memo")
        rejection = _check_postings(state, command.postings, [])
        if rejection is not None:
            return rejection
        return [
            TransferPosted(
                transfer_id=command.transfer_id, postings=command.postings, memo=command.memo
            )
        ]

    if isinstance(command, CreateHold):
        if not _id_ok(command.hold_id, limits.hold_id_length_max):
            return reject(R.INVALID_ID, "bad id")
        if _hold(state, command.hold_id) is not None:
            return reject(R.DUPLICATE_HOLD_ID, "duplicate")
        if len(command.memo) > limits.memo_length_max:
            return reject(R.MEMO_TOO_LONG, "memo")
        rejection = _check_account_and_asset(state, command.account_id, command.asset)
        if rejection is not None:
            return rejection
        amount = command.amount_minor
        if type(amount) is not int or amount <= 0 or amount > limits.amount_minor_max:
            return reject(R.INVALID_AMOUNT, "amount")
        account = _account(state, command.account_id)
        assert account is not None
        held_minor = _held(state, command.account_id, command.asset)
        if held_minor + amount > limits.amount_minor_max:
            return reject(R.BALANCE_OVERFLOW, "overflow")
        normal = NORMAL_SIGN[account.kind] * _balance(state, command.account_id, command.asset)
        if account.kind in CONSTRAINED_KINDS and normal - held_minor - amount < 0:
            return reject(R.INSUFFICIENT_AVAILABLE, "insufficient")
        pending = sum(1 for h in state.holds if h.status is HoldStatus.PENDING)
        if pending >= limits.holds_pending_max:
            return reject(R.LEDGER_FULL, "full")
        return [
            HoldCreated(
                hold_id=command.hold_id,
                account_id=command.account_id,
                asset=command.asset,
                amount_minor=amount,
                memo=command.memo,
            )
        ]

    if isinstance(command, PostHold):
        if len(command.hold_ids) == 0:
            return reject(R.NO_HOLDS, "no holds")
        if len(command.hold_ids) > limits.holds_per_post_max:
            return reject(R.TOO_MANY_HOLDS, "too many holds")
        holds: list[_Hold] = []
        for i, hold_id in enumerate(command.hold_ids):
            if not _id_ok(hold_id, limits.hold_id_length_max):
                return reject(R.INVALID_ID, "bad id")
            if hold_id in command.hold_ids[:i]:
                return reject(R.DUPLICATE_HOLD_ID, "duplicate")
            hold = _hold(state, hold_id)
            if hold is None:
                return reject(R.UNKNOWN_HOLD, "unknown")
            if hold.status is not HoldStatus.PENDING:
                return reject(R.HOLD_NOT_PENDING, "not pending")
            holds.append(hold)
        if not _id_ok(command.transfer_id, limits.transfer_id_length_max):
            return reject(R.INVALID_ID, "bad id")
        if _is_transfer(state, command.transfer_id):
            return reject(R.DUPLICATE_TRANSFER_ID, "duplicate")
        if len(command.memo) > limits.memo_length_max:
            return reject(R.MEMO_TOO_LONG, "memo")
        rejection = _check_postings(state, command.postings, holds)
        if rejection is not None:
            return rejection
        pairs = [(h.account_id, h.asset) for h in holds]
        if command.keep_remainder and len(set(pairs)) != len(pairs):
            return reject(R.HOLDS_SHARE_ACCOUNT, "shared")
        events: list[LedgerEvent] = []
        for hold in holds:
            account = _account(state, hold.account_id)
            assert account is not None
            taken = -NORMAL_SIGN[account.kind] * sum(
                p.amount_minor
                for p in command.postings
                if (p.account_id, p.asset) == (hold.account_id, hold.asset)
            )
            left = hold.amount_minor - max(taken, 0)
            if command.keep_remainder and left == hold.amount_minor:
                continue
            if command.keep_remainder and left > 0:
                events.append(HoldReduced(HoldId(hold.hold_id), command.transfer_id, left))
            else:
                events.append(
                    HoldPosted(hold_id=HoldId(hold.hold_id), transfer_id=command.transfer_id)
                )
        return [
            *events,
            TransferPosted(
                transfer_id=command.transfer_id, postings=command.postings, memo=command.memo
            ),
        ]

    if isinstance(command, VoidHold):
        if not _id_ok(command.hold_id, limits.hold_id_length_max):
            return reject(R.INVALID_ID, "bad id")
        hold = _hold(state, command.hold_id)
        if hold is None:
            return reject(R.UNKNOWN_HOLD, "unknown")
        if hold.status is not HoldStatus.PENDING:
            return reject(R.HOLD_NOT_PENDING, "not pending")
        return [HoldVoided(hold_id=command.hold_id)]

    raise InvariantViolation(f"reference decide given {type(command).__name__}")


def _check_account_and_asset(
    state: ReferenceState, account_id: str, asset: str
) -> Rejection | None:
    if not _id_ok(account_id, limits.account_id_length_max):
        return reject(R.INVALID_ID, "bad id")
    account = _account(state, account_id)
    if account is None:
        return reject(R.UNKNOWN_ACCOUNT, "unknown")
    if not _is_asset(state, asset):
        return reject(R.UNKNOWN_ASSET, "unknown asset")
    if account.asset not in ("", asset):
        return reject(R.ASSET_MISMATCH, "mismatch")
    if account.frozen:
        return reject(R.ACCOUNT_FROZEN, "frozen")
    return None


def _check_postings(
    state: ReferenceState, postings: tuple[Posting, ...], holds: list[_Hold]
) -> Rejection | None:
    if len(postings) == 0:
        return reject(R.NO_POSTINGS, "none")
    if len(postings) > limits.postings_per_transfer_max:
        return reject(R.TOO_MANY_POSTINGS, "too many")
    for p in postings:
        rejection = _check_account_and_asset(state, p.account_id, p.asset)
        if rejection is not None:
            return rejection
        amount = p.amount_minor
        if type(amount) is not int or amount == 0 or abs(amount) > limits.amount_minor_max:
            return reject(R.INVALID_AMOUNT, "amount")
    assets_in_order: list[str] = []
    for p in postings:
        if p.asset not in assets_in_order:
            assets_in_order.append(p.asset)
    for asset in assets_in_order:
        if sum(p.amount_minor for p in postings if p.asset == asset) != 0:
            return reject(R.POSTINGS_DO_NOT_BALANCE, "unbalanced")

    def net(pair: tuple[str, str]) -> int:
        return sum(p.amount_minor for p in postings if (p.account_id, p.asset) == pair)

    def released(pair: tuple[str, str]) -> int:
        return sum(h.amount_minor for h in holds if (h.account_id, h.asset) == pair)

    def sign(account_id: str) -> int:
        account = _account(state, account_id)
        assert account is not None
        return NORMAL_SIGN[account.kind]

    for pair in _first_appearances([(h.account_id, h.asset) for h in holds]):
        if -sign(pair[0]) * net(pair) > released(pair):
            return reject(R.HOLD_AMOUNT_EXCEEDED, "exceeded")
    for pair in _first_appearances([(p.account_id, p.asset) for p in postings]):
        new_balance = _balance(state, *pair) + net(pair)
        if abs(new_balance) > limits.amount_minor_max:
            return reject(R.BALANCE_OVERFLOW, "overflow")
        account = _account(state, pair[0])
        assert account is not None
        if account.kind in CONSTRAINED_KINDS:
            available_minor = sign(pair[0]) * new_balance - (_held(state, *pair) - released(pair))
            if available_minor < 0:
                return reject(R.INSUFFICIENT_AVAILABLE, "insufficient")
    return None


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: ReferenceState, event: LedgerEvent) -> None:
    """Record ``event`` in the history."""
    if isinstance(event, AssetDefined):
        state.assets.append((event.code, event.decimals))
    elif isinstance(event, AccountOpened):
        state.accounts.append(_Account(event.account_id, event.kind, event.asset))
    elif isinstance(event, AccountFrozen | AccountUnfrozen):
        account = _account(state, event.account_id)
        assert account is not None
        account.frozen = isinstance(event, AccountFrozen)
    elif isinstance(event, TransferPosted):
        state.transfers.append((event.transfer_id, event.postings))
    elif isinstance(event, HoldCreated):
        state.holds.append(
            _Hold(event.hold_id, event.account_id, event.asset, event.amount_minor, event.memo)
        )
    elif isinstance(event, HoldReduced):
        hold = _hold(state, event.hold_id)
        assert hold is not None and hold.status is HoldStatus.PENDING
        hold.amount_minor = event.amount_minor
    elif isinstance(event, HoldPosted | HoldVoided):
        hold = _hold(state, event.hold_id)
        assert hold is not None
        assert hold.status is HoldStatus.PENDING
        if isinstance(event, HoldPosted):
            hold.status = HoldStatus.POSTED
            hold.transfer_id = event.transfer_id
        else:
            hold.status = HoldStatus.VOIDED
    else:
        raise InvariantViolation(f"reference evolve given {type(event).__name__}")


# --- hash -----------------------------------------------------------------------------------------


def state_hash(state: ReferenceState) -> bytes:
    """The same canonical form as ``machine.canonical``, rebuilt from the history."""
    accounts = []
    for account in sorted(state.accounts, key=lambda a: a.account_id):
        touched = {
            p.asset for _, ps in state.transfers for p in ps if p.account_id == account.account_id
        } | {h.asset for h in state.holds if h.account_id == account.account_id}
        records = []
        for asset in sorted(touched):
            balance_minor = _balance(state, account.account_id, asset)
            held_minor = _held(state, account.account_id, asset)
            if balance_minor != 0 or held_minor != 0:
                records.append(BalanceRecord(asset, balance_minor, held_minor))
        accounts.append(
            AccountRecord(
                account.account_id, account.kind, account.asset, account.frozen, tuple(records)
            )
        )
    snap = LedgerSnapshot(
        assets=tuple(AssetRecord(code, decimals) for code, decimals in sorted(state.assets)),
        accounts=tuple(accounts),
        holds=tuple(
            HoldRecord(
                h.hold_id, h.account_id, h.asset, h.amount_minor, h.memo, h.status, h.transfer_id
            )
            for h in sorted(state.holds, key=lambda h: h.hold_id)
        ),
        transfer_ids=tuple(sorted(t for t, _ in state.transfers)),
    )
    return state_digest(STATE_HASH_DOMAIN, snap)
