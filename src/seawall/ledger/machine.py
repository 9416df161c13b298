"""The ledger's state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore`` and the read helpers ``balance``, ``held`` and
``available``.

``decide`` checks a command in a fixed order and returns the first rejection that applies
(``reference.py`` follows the same order, and the property tests hold the two to it):

* ``DefineAsset``: code well-formed (INVALID_ASSET), not defined (ASSET_EXISTS), decimals in
  range (INVALID_ASSET), room (LEDGER_FULL).
* ``OpenAccount``: id well-formed (INVALID_ID), not opened (ACCOUNT_EXISTS), kind
  (INVALID_ACCOUNT_KIND), asset ``""`` or defined (UNKNOWN_ASSET), room (LEDGER_FULL).
* ``FreezeAccount`` / ``UnfreezeAccount``: the account (INVALID_ID, UNKNOWN_ACCOUNT), then
  ACCOUNT_FROZEN / ACCOUNT_NOT_FROZEN.
* ``Transfer``: transfer id (INVALID_ID, DUPLICATE_TRANSFER_ID), memo (MEMO_TOO_LONG), then the
  postings (below).
* ``CreateHold``: hold id (INVALID_ID, DUPLICATE_HOLD_ID), memo, the account (INVALID_ID,
  UNKNOWN_ACCOUNT), asset (UNKNOWN_ASSET, ASSET_MISMATCH), ACCOUNT_FROZEN, amount
  (INVALID_AMOUNT), held total (BALANCE_OVERFLOW), available (INSUFFICIENT_AVAILABLE), room
  (LEDGER_FULL).
* ``PostHold``: hold count (NO_HOLDS, TOO_MANY_HOLDS); each hold id in order (INVALID_ID,
  DUPLICATE_HOLD_ID, UNKNOWN_HOLD, HOLD_NOT_PENDING); transfer id; memo; then the postings,
  with the holds' reservations released.
* ``VoidHold``: hold id (INVALID_ID, UNKNOWN_HOLD, HOLD_NOT_PENDING).

Postings: count (NO_POSTINGS, TOO_MANY_POSTINGS); each posting in order: account (INVALID_ID,
UNKNOWN_ACCOUNT), asset (UNKNOWN_ASSET, ASSET_MISMATCH), ACCOUNT_FROZEN, amount (INVALID_AMOUNT);
each asset in order of first appearance sums to zero (POSTINGS_DO_NOT_BALANCE); for a post, each
held ``(account, asset)`` in order of first appearance among the holds gives up at most what was
released (HOLD_AMOUNT_EXCEEDED); each ``(account, asset)`` in order of first appearance among the
postings: new balance within ``amount_minor_max`` (BALANCE_OVERFLOW), then, if the account is
constrained, available not below zero (INSUFFICIENT_AVAILABLE).
"""

from __future__ import annotations

from typing import Any, Final

from seawall.core import limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import check_asset_code, check_id
from seawall.core.machine import Context, Rejection, reject, require_sorted_unique
from seawall.ledger.commands import (
    CreateHold,
    DefineAsset,
    FreezeAccount,
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
    HOLD_TRANSITIONS,
    NORMAL_SIGN,
    STATE_HASH_DOMAIN,
    Account,
    AccountKind,
    AccountRecord,
    AssetRecord,
    BalanceRecord,
    Hold,
    HoldRecord,
    HoldStatus,
    LedgerSnapshot,
    LedgerState,
)

__all__ = [
    "STATE_HASH_DOMAIN",
    "available",
    "balance",
    "canonical",
    "check_invariants",
    "decide",
    "evolve",
    "held",
    "restore",
    "snapshot",
    "state_hash",
]

_AMOUNT_MAX: Final = limits.amount_minor_max
_AMOUNT_MIN: Final = -limits.amount_minor_max


# --- decide ---------------------------------------------------------------------------------------


def decide(
    state: LedgerState, command: LedgerCommand, ctx: Context
) -> list[LedgerEvent] | Rejection:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, Transfer):
        return _decide_transfer(state, command)
    if isinstance(command, CreateHold):
        return _decide_create_hold(state, command)
    if isinstance(command, PostHold):
        return _decide_post_hold(state, command)
    if isinstance(command, VoidHold):
        return _decide_void_hold(state, command)
    if isinstance(command, OpenAccount):
        return _decide_open_account(state, command)
    if isinstance(command, DefineAsset):
        return _decide_define_asset(state, command)
    if isinstance(command, FreezeAccount):
        return _decide_freeze(state, command)
    if isinstance(command, UnfreezeAccount):
        return _decide_unfreeze(state, command)
    raise InvariantViolation(f"ledger.decide given a non-ledger command {type(command).__name__}")


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    """``INVALID_ID`` if ``value`` is not a well-formed id, else ``None``."""
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _bad_memo(memo: str) -> Rejection | None:
    if len(memo) > limits.memo_length_max:
        return reject(
            R.MEMO_TOO_LONG, f"memo has {len(memo)} characters, over {limits.memo_length_max}"
        )
    return None


def _missing_account(account_id: str) -> Rejection:
    """Why ``account_id``, not found among the open accounts, is refused."""
    bad = _bad_id(account_id, "account id", limits.account_id_length_max)
    if bad is not None:
        return bad
    return reject(R.UNKNOWN_ACCOUNT, f"account {account_id!r} is not open")


def _find_account(state: LedgerState, account_id: str) -> Account | Rejection:
    account = state.accounts.get(account_id)
    if account is None:
        return _missing_account(account_id)
    return account


def _find_hold(state: LedgerState, hold_id: str) -> Hold | Rejection:
    hold = state.holds.get(hold_id)
    if hold is None:
        bad = _bad_id(hold_id, "hold id", limits.hold_id_length_max)
        if bad is not None:
            return bad
        return reject(R.UNKNOWN_HOLD, f"hold {hold_id!r} does not exist")
    return hold


def _check_asset_for(
    state: LedgerState, account: Account, account_id: str, asset: str
) -> Rejection | None:
    if asset not in state.assets:
        return reject(R.UNKNOWN_ASSET, f"asset {asset!r} is not defined")
    if account.asset and account.asset != asset:
        return reject(
            R.ASSET_MISMATCH, f"account {account_id!r} holds only {account.asset}, not {asset}"
        )
    if account.frozen:
        return reject(R.ACCOUNT_FROZEN, f"account {account_id!r} is frozen")
    return None


def _check_postings(
    state: LedgerState,
    postings: tuple[Posting, ...],
    released: dict[tuple[str, str], int] | None,
) -> Rejection | None:
    """``None`` if ``postings`` may be applied, once the ``released`` reservations are freed."""
    count = len(postings)
    if count == 0:
        return reject(R.NO_POSTINGS, "a transfer needs postings")
    if count > limits.postings_per_transfer_max:
        return reject(
            R.TOO_MANY_POSTINGS,
            f"{count} postings, over postings_per_transfer_max {limits.postings_per_transfer_max}",
        )
    accounts = state.accounts
    assets = state.assets
    net: dict[tuple[str, str], int] = {}
    per_asset: dict[str, int] = {}
    for posting in postings:
        account_id = posting.account_id
        account = accounts.get(account_id)
        if account is None:
            return _missing_account(account_id)
        asset = posting.asset
        if asset not in assets or (account.asset and account.asset != asset) or account.frozen:
            return _check_asset_for(state, account, account_id, asset)
        amount = posting.amount_minor
        if type(amount) is not int or amount == 0 or not _AMOUNT_MIN <= amount <= _AMOUNT_MAX:
            return reject(
                R.INVALID_AMOUNT,
                f"posting amount_minor must be a non-zero integer within amount_minor_max, "
                f"got {amount!r}",
            )
        key = (account_id, asset)
        net[key] = net.get(key, 0) + amount
        per_asset[asset] = per_asset.get(asset, 0) + amount
    for code, total in per_asset.items():
        if total != 0:
            return reject(R.POSTINGS_DO_NOT_BALANCE, f"{code} postings sum to {total}, not zero")
    if released is not None:
        for held_key, released_minor in released.items():
            taken = -accounts[held_key[0]].sign * net.get(held_key, 0)
            if taken > released_minor:
                return reject(
                    R.HOLD_AMOUNT_EXCEEDED,
                    f"postings take {taken} {held_key[1]} from {held_key[0]!r}, "
                    f"but the holds reserve only {released_minor}",
                )
    for pair, delta in net.items():
        account = accounts[pair[0]]
        new_balance = account.balances.get(pair[1], 0) + delta
        if not _AMOUNT_MIN <= new_balance <= _AMOUNT_MAX:
            return reject(
                R.BALANCE_OVERFLOW,
                f"{pair[1]} balance of {pair[0]!r} would exceed amount_minor_max",
            )
        if account.constrained:
            held_minor = account.held.get(pair[1], 0)
            if released is not None:
                held_minor -= released.get(pair, 0)
            if account.sign * new_balance - held_minor < 0:
                available_minor = account.sign * account.balances.get(pair[1], 0) - held_minor
                return reject(
                    R.INSUFFICIENT_AVAILABLE,
                    f"{pair[0]!r} has {available_minor} {pair[1]} available, "
                    f"the transfer needs {-account.sign * delta}",
                )
    return None


def _decide_transfer(state: LedgerState, command: Transfer) -> list[LedgerEvent] | Rejection:
    transfer_id = command.transfer_id
    if transfer_id in state.transfer_ids:
        return reject(R.DUPLICATE_TRANSFER_ID, f"transfer {transfer_id!r} was already posted")
    rejection = (
        _bad_id(transfer_id, "transfer id", limits.transfer_id_length_max)
        or _bad_memo(command.memo)
        or _check_postings(state, command.postings, None)
    )
    if rejection is not None:
        return rejection
    return [TransferPosted(transfer_id=transfer_id, postings=command.postings, memo=command.memo)]


def _decide_create_hold(state: LedgerState, command: CreateHold) -> list[LedgerEvent] | Rejection:
    hold_id = command.hold_id
    if hold_id in state.holds:
        return reject(R.DUPLICATE_HOLD_ID, f"hold id {hold_id!r} was already used")
    rejection = _bad_id(hold_id, "hold id", limits.hold_id_length_max) or _bad_memo(command.memo)
    if rejection is not None:
        return rejection
    account = _find_account(state, command.account_id)
    if isinstance(account, Rejection):
        return account
    asset = command.asset
    rejection = _check_asset_for(state, account, command.account_id, asset)
    if rejection is not None:
        return rejection
    amount = command.amount_minor
    if type(amount) is not int or not 0 < amount <= _AMOUNT_MAX:
        return reject(
            R.INVALID_AMOUNT,
            f"hold amount_minor must be a positive integer within amount_minor_max, got {amount!r}",
        )
    held_minor = account.held.get(asset, 0)
    if held_minor + amount > _AMOUNT_MAX:
        return reject(R.BALANCE_OVERFLOW, f"held {asset} would exceed amount_minor_max")
    if account.constrained:
        available_minor = account.sign * account.balances.get(asset, 0) - held_minor
        if available_minor < amount:
            return reject(
                R.INSUFFICIENT_AVAILABLE,
                f"{command.account_id!r} has {available_minor} {asset} available, "
                f"the hold needs {amount}",
            )
    if state.holds_pending >= limits.holds_pending_max:
        return reject(R.LEDGER_FULL, f"holds_pending_max {limits.holds_pending_max} reached")
    return [
        HoldCreated(
            hold_id=hold_id,
            account_id=command.account_id,
            asset=asset,
            amount_minor=amount,
            memo=command.memo,
        )
    ]


def _decide_post_hold(state: LedgerState, command: PostHold) -> list[LedgerEvent] | Rejection:
    hold_ids = command.hold_ids
    if not hold_ids:
        return reject(R.NO_HOLDS, "a post needs at least one hold")
    if len(hold_ids) > limits.holds_per_post_max:
        return reject(
            R.TOO_MANY_HOLDS,
            f"{len(hold_ids)} holds, over holds_per_post_max {limits.holds_per_post_max}",
        )
    released: dict[tuple[str, str], int] = {}
    seen: set[str] = set()
    for hold_id in hold_ids:
        hold = state.holds.get(hold_id)
        if hold is None:
            bad = _bad_id(hold_id, "hold id", limits.hold_id_length_max)
            if bad is not None:
                return bad
        if hold_id in seen:
            return reject(R.DUPLICATE_HOLD_ID, f"hold {hold_id!r} is named twice")
        seen.add(hold_id)
        if hold is None:
            return reject(R.UNKNOWN_HOLD, f"hold {hold_id!r} does not exist")
        if HoldStatus.POSTED not in HOLD_TRANSITIONS[hold.status]:
            return reject(R.HOLD_NOT_PENDING, f"hold {hold_id!r} is {hold.status}, not pending")
        key = (hold.account_id, hold.asset)
        released[key] = released.get(key, 0) + hold.amount_minor
    transfer_id = command.transfer_id
    rejection = _bad_id(transfer_id, "transfer id", limits.transfer_id_length_max)
    if rejection is not None:
        return rejection
    if transfer_id in state.transfer_ids:
        return reject(R.DUPLICATE_TRANSFER_ID, f"transfer {transfer_id!r} was already posted")
    rejection = _bad_memo(command.memo) or _check_postings(state, command.postings, released)
    if rejection is not None:
        return rejection
    if command.keep_remainder:
        if len(released) != len(hold_ids):
            return reject(
                R.HOLDS_SHARE_ACCOUNT,
                "keep_remainder needs each hold on its own account and asset",
            )
        events = _partial_posts(state, command)
    else:
        events = [HoldPosted(hold_id=hold_id, transfer_id=transfer_id) for hold_id in hold_ids]
    events.append(
        TransferPosted(transfer_id=transfer_id, postings=command.postings, memo=command.memo)
    )
    return events


def _partial_posts(state: LedgerState, command: PostHold) -> list[LedgerEvent]:
    """Per hold: what the postings take from its account and asset, on the normal side, and the
    event that leaves the rest held (``HoldReduced``) or closes it (``HoldPosted``); a hold the
    postings do not touch gets no event."""
    events: list[LedgerEvent] = []
    for hold_id in command.hold_ids:
        hold = state.holds[hold_id]
        sign = NORMAL_SIGN[state.accounts[hold.account_id].kind]
        net_minor = sum(
            p.amount_minor
            for p in command.postings
            if p.account_id == hold.account_id and p.asset == hold.asset
        )
        taken_minor = max(0, -net_minor * sign)
        remaining_minor = hold.amount_minor - taken_minor
        if remaining_minor == hold.amount_minor:
            continue  # untouched: it stays held as it was
        if remaining_minor > 0:
            events.append(HoldReduced(hold_id, command.transfer_id, remaining_minor))
        else:
            events.append(HoldPosted(hold_id=hold_id, transfer_id=command.transfer_id))
    return events


def _decide_void_hold(state: LedgerState, command: VoidHold) -> list[LedgerEvent] | Rejection:
    hold = _find_hold(state, command.hold_id)
    if isinstance(hold, Rejection):
        return hold
    if HoldStatus.VOIDED not in HOLD_TRANSITIONS[hold.status]:
        return reject(R.HOLD_NOT_PENDING, f"hold {command.hold_id!r} is {hold.status}, not pending")
    return [HoldVoided(hold_id=command.hold_id)]


def _decide_open_account(state: LedgerState, command: OpenAccount) -> list[LedgerEvent] | Rejection:
    account_id = command.account_id
    rejection = _bad_id(account_id, "account id", limits.account_id_length_max)
    if rejection is not None:
        return rejection
    if account_id in state.accounts:
        return reject(R.ACCOUNT_EXISTS, f"account {account_id!r} is already open")
    kind = command.kind
    if not isinstance(kind, str) or kind not in NORMAL_SIGN:
        return reject(R.INVALID_ACCOUNT_KIND, f"account kind {kind!r} is not one of AccountKind")
    asset = command.asset
    if asset and asset not in state.assets:
        return reject(R.UNKNOWN_ASSET, f"asset {asset!r} is not defined")
    if len(state.accounts) >= limits.accounts_max:
        return reject(R.LEDGER_FULL, f"accounts_max {limits.accounts_max} reached")
    return [AccountOpened(account_id=account_id, kind=AccountKind(kind), asset=asset)]


def _decide_define_asset(state: LedgerState, command: DefineAsset) -> list[LedgerEvent] | Rejection:
    code = command.code
    try:
        check_asset_code(code, limits.asset_code_length_max)
    except (ConditionFailed, TypeError) as exc:
        return reject(R.INVALID_ASSET, str(exc))
    if code in state.assets:
        return reject(R.ASSET_EXISTS, f"asset {code} is already defined")
    decimals = command.decimals
    if type(decimals) is not int or not 0 <= decimals <= limits.asset_decimals_max:
        return reject(
            R.INVALID_ASSET,
            f"{code} decimals must be 0..{limits.asset_decimals_max}, got {decimals!r}",
        )
    if len(state.assets) >= limits.assets_max:
        return reject(R.LEDGER_FULL, f"assets_max {limits.assets_max} reached")
    return [AssetDefined(code=code, decimals=decimals)]


def _decide_freeze(state: LedgerState, command: FreezeAccount) -> list[LedgerEvent] | Rejection:
    account = _find_account(state, command.account_id)
    if isinstance(account, Rejection):
        return account
    if account.frozen:
        return reject(R.ACCOUNT_FROZEN, f"account {command.account_id!r} is already frozen")
    return [AccountFrozen(account_id=command.account_id)]


def _decide_unfreeze(state: LedgerState, command: UnfreezeAccount) -> list[LedgerEvent] | Rejection:
    account = _find_account(state, command.account_id)
    if isinstance(account, Rejection):
        return account
    if not account.frozen:
        return reject(R.ACCOUNT_NOT_FROZEN, f"account {command.account_id!r} is not frozen")
    return [AccountUnfrozen(account_id=command.account_id)]


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: LedgerState, event: LedgerEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    if isinstance(event, TransferPosted):
        _evolve_transfer(state, event)
    elif isinstance(event, HoldCreated):
        account = state.accounts.get(event.account_id)
        if account is None or event.hold_id in state.holds or event.amount_minor <= 0:
            raise InvariantViolation(f"HoldCreated {event.hold_id!r} does not follow the state")
        state.holds[event.hold_id] = Hold(
            event.account_id, event.asset, event.amount_minor, event.memo
        )
        account.held[event.asset] = account.held.get(event.asset, 0) + event.amount_minor
        state.holds_pending += 1
    elif isinstance(event, HoldPosted):
        hold = _release(state, event.hold_id, HoldStatus.POSTED)
        hold.transfer_id = event.transfer_id
    elif isinstance(event, HoldReduced):
        hold = state.holds[event.hold_id]
        invariant(hold.status is HoldStatus.PENDING, "HoldReduced for a pending hold")
        invariant(0 < event.amount_minor < hold.amount_minor, "HoldReduced reduces the hold")
        state.accounts[hold.account_id].held[hold.asset] -= hold.amount_minor - event.amount_minor
        hold.amount_minor = event.amount_minor
    elif isinstance(event, HoldVoided):
        _release(state, event.hold_id, HoldStatus.VOIDED)
    elif isinstance(event, AccountOpened):
        invariant(event.account_id not in state.accounts, "AccountOpened for an open account")
        invariant(event.asset == "" or event.asset in state.assets, "AccountOpened asset unknown")
        state.accounts[event.account_id] = Account(event.kind, event.asset)
    elif isinstance(event, AssetDefined):
        invariant(event.code not in state.assets, "AssetDefined for a defined asset")
        state.assets[event.code] = event.decimals
    elif isinstance(event, AccountFrozen):
        account = state.accounts[event.account_id]
        invariant(not account.frozen, "AccountFrozen for a frozen account")
        account.frozen = True
    elif isinstance(event, AccountUnfrozen):
        account = state.accounts[event.account_id]
        invariant(account.frozen, "AccountUnfrozen for an account not frozen")
        account.frozen = False
    else:
        raise InvariantViolation(f"ledger.evolve given a non-ledger event {type(event).__name__}")


def _evolve_transfer(state: LedgerState, event: TransferPosted) -> None:
    transfer_id = event.transfer_id
    if transfer_id in state.transfer_ids:
        raise InvariantViolation(f"transfer {transfer_id!r} posted twice")
    accounts = state.accounts
    total = 0
    for posting in event.postings:
        account = accounts.get(posting.account_id)
        if account is None:
            raise InvariantViolation(f"posting to unopened account {posting.account_id!r}")
        balances = account.balances
        amount = posting.amount_minor
        balances[posting.asset] = balances.get(posting.asset, 0) + amount
        total += amount
    if total != 0:
        raise InvariantViolation(f"transfer {transfer_id!r} postings sum to {total}")
    state.transfer_ids.add(transfer_id)


def _release(state: LedgerState, hold_id: str, status: HoldStatus) -> Hold:
    hold = state.holds.get(hold_id)
    if hold is None or status not in HOLD_TRANSITIONS[hold.status]:
        raise InvariantViolation(f"hold {hold_id!r} cannot become {status}")
    hold.status = status
    account = state.accounts[hold.account_id]
    account.held[hold.asset] -= hold.amount_minor
    state.holds_pending -= 1
    return hold


# --- reading --------------------------------------------------------------------------------------


def _account(state: LedgerState, account_id: str) -> Account:
    account = state.accounts.get(account_id)
    if account is None:
        raise ConditionFailed(f"account {account_id!r} is not open")
    return account


def balance(state: LedgerState, account_id: str, asset: str) -> int:
    """The account's balance in ``asset`` on its normal side (a funded wallet or client > 0)."""
    account = _account(state, account_id)
    return account.sign * account.balances.get(asset, 0)


def held(state: LedgerState, account_id: str, asset: str) -> int:
    """The sum of the account's pending holds in ``asset``."""
    return _account(state, account_id).held.get(asset, 0)


def available(state: LedgerState, account_id: str, asset: str) -> int:
    """``balance - held``: what a debit or a new hold may take (never < 0 if constrained)."""
    account = _account(state, account_id)
    return account.sign * account.balances.get(asset, 0) - account.held.get(asset, 0)


# --- hashing, snapshots, invariants ---------------------------------------------------------------


def canonical(state: LedgerState) -> LedgerSnapshot:
    """The state in canonical form: sorted by id, zero ``(account, asset)`` pairs left out."""
    assets = tuple(
        AssetRecord(code=code, decimals=state.assets[code]) for code in sorted(state.assets)
    )
    accounts = tuple(
        AccountRecord(
            account_id=account_id,
            kind=account.kind,
            asset=account.asset,
            frozen=account.frozen,
            balances=_balance_records(account),
        )
        for account_id, account in sorted(state.accounts.items())
    )
    holds = tuple(
        HoldRecord(
            hold_id=hold_id,
            account_id=hold.account_id,
            asset=hold.asset,
            amount_minor=hold.amount_minor,
            memo=hold.memo,
            status=hold.status,
            transfer_id=hold.transfer_id,
        )
        for hold_id, hold in sorted(state.holds.items())
    )
    return LedgerSnapshot(
        assets=assets,
        accounts=accounts,
        holds=holds,
        transfer_ids=tuple(sorted(state.transfer_ids)),
    )


def _balance_records(account: Account) -> tuple[BalanceRecord, ...]:
    records = []
    for asset in sorted(account.balances.keys() | account.held.keys()):
        balance_minor = account.balances.get(asset, 0)
        held_minor = account.held.get(asset, 0)
        if balance_minor or held_minor:
            records.append(
                BalanceRecord(asset=asset, balance_minor=balance_minor, held_minor=held_minor)
            )
    return tuple(records)


def state_hash(state: LedgerState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: LedgerState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> LedgerState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, LedgerSnapshot)
    _require_sorted_unique([r.code for r in snap.assets], "assets")
    _require_sorted_unique([r.account_id for r in snap.accounts], "accounts")
    _require_sorted_unique([r.hold_id for r in snap.holds], "holds")
    _require_sorted_unique(list(snap.transfer_ids), "transfer ids")
    state = LedgerState()
    for asset_record in snap.assets:
        state.assets[asset_record.code] = asset_record.decimals
    for account_record in snap.accounts:
        account = Account(account_record.kind, account_record.asset)
        account.frozen = account_record.frozen
        _require_sorted_unique([b.asset for b in account_record.balances], "balances")
        for record in account_record.balances:
            if record.balance_minor == 0 and record.held_minor == 0:
                raise ConditionFailed("ledger snapshot lists a zero balance")
            account.balances[record.asset] = record.balance_minor
            account.held[record.asset] = record.held_minor
        state.accounts[account_record.account_id] = account
    for hold_record in snap.holds:
        hold = Hold(
            hold_record.account_id, hold_record.asset, hold_record.amount_minor, hold_record.memo
        )
        hold.status = hold_record.status
        hold.transfer_id = hold_record.transfer_id
        state.holds[hold_record.hold_id] = hold
        if hold.status is HoldStatus.PENDING:
            state.holds_pending += 1
    state.transfer_ids.update(snap.transfer_ids)
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"ledger snapshot is inconsistent: {violation}")
    return state


def _require_sorted_unique(keys: list[Any], what: str) -> None:
    require_sorted_unique(keys, what, "ledger")


def check_invariants(state: LedgerState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


def _find_violation(state: LedgerState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``. Checks, in order: every posting
    balanced (so each asset's balances sum to zero); balances within bounds, in defined assets
    the account may hold; constrained accounts' available balance >= 0; held totals equal to the
    pending holds; holds well-formed, posted ones naming a posted transfer."""
    totals: dict[str, int] = {}
    pending: dict[tuple[str, str], int] = {}
    pending_count = 0
    for hold_id, hold in sorted(state.holds.items()):
        account = state.accounts.get(hold.account_id)
        if account is None or hold.asset not in state.assets:
            return f"hold {hold_id!r} names an unknown account or asset"
        if not 0 < hold.amount_minor <= _AMOUNT_MAX:
            return f"hold {hold_id!r} amount {hold.amount_minor} out of range"
        if hold.status not in HOLD_TRANSITIONS:
            return f"hold {hold_id!r} has status {hold.status!r}"
        if (hold.status is HoldStatus.POSTED) != (hold.transfer_id in state.transfer_ids):
            return f"hold {hold_id!r} is {hold.status} with transfer {hold.transfer_id!r}"
        if hold.status is not HoldStatus.POSTED and hold.transfer_id:
            return f"hold {hold_id!r} is {hold.status} with transfer {hold.transfer_id!r}"
        if hold.status is HoldStatus.PENDING:
            key = (hold.account_id, hold.asset)
            pending[key] = pending.get(key, 0) + hold.amount_minor
            pending_count += 1
    if pending_count != state.holds_pending:
        return f"holds_pending is {state.holds_pending}, {pending_count} holds are pending"
    for account_id, account in sorted(state.accounts.items()):
        if account.kind not in NORMAL_SIGN or account.sign != NORMAL_SIGN[account.kind]:
            return f"account {account_id!r} has kind {account.kind!r}, sign {account.sign}"
        if account.asset and account.asset not in state.assets:
            return f"account {account_id!r} is for unknown asset {account.asset!r}"
        for asset in sorted(account.balances.keys() | account.held.keys()):
            balance_minor = account.balances.get(asset, 0)
            held_minor = account.held.get(asset, 0)
            if not (balance_minor or held_minor):
                continue
            if asset not in state.assets or (account.asset and account.asset != asset):
                return f"account {account_id!r} holds {asset!r}, which it may not"
            if not -_AMOUNT_MAX <= balance_minor <= _AMOUNT_MAX or held_minor > _AMOUNT_MAX:
                return f"account {account_id!r} {asset} balance out of range"
            if held_minor != pending.pop((account_id, asset), 0):
                return f"account {account_id!r} {asset} held {held_minor} != its pending holds"
            if account.constrained and account.sign * balance_minor - held_minor < 0:
                return f"constrained account {account_id!r} has negative available {asset}"
            totals[asset] = totals.get(asset, 0) + balance_minor
    if pending:
        return f"pending holds on {sorted(pending)} are not counted as held"
    for asset, total in sorted(totals.items()):
        if total != 0:
            return f"{asset} balances sum to {total}, not zero"
    return None
