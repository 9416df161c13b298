"""Custody's state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore`` and the read helpers.

``decide`` checks a command in a fixed order and returns the first rejection that applies. First
of all, a kernel-only command (``commands.KERNEL_ONLY``) from any other submitter is
NOT_AUTHORISED. Then:

* ``ConfigureAsset``: code well-formed (INVALID_ASSET_CONFIG), not configured (ASSET_EXISTS);
  decimals in 0..``asset_decimals_max``, kind an ``AssetKind``, ``hkd_per_unit_minor`` in
  1..``amount_minor_max``, ``confirmations_required`` in 0..``custody_confirmations_required_max``
  and at least 1 for a virtual asset (INVALID_ASSET_CONFIG); room (CUSTODY_FULL).
* ``OpenClientAccount``: the client's ids (INVALID_ID), not open (CLIENT_ACCOUNT_EXISTS), room
  (CUSTODY_FULL).
* ``ConfirmDeposit``: deposit id (INVALID_ID, DUPLICATE_DEPOSIT), the client (INVALID_ID,
  UNKNOWN_CLIENT_ACCOUNT), asset (UNKNOWN_ASSET), amount (INVALID_AMOUNT), origin
  (INVALID_DESTINATION), confirmations (INSUFFICIENT_CONFIRMATIONS), the asset's wallets and the
  client's flow within ``amount_minor_max`` (BALANCE_OVERFLOW), room for a new origin
  (CUSTODY_FULL).
* ``AddDestination``: the client, asset, destination (INVALID_DESTINATION), not already there
  (DESTINATION_EXISTS), verification reference (VERIFICATION_REQUIRED if empty, INVALID_ID if
  malformed), room (CUSTODY_FULL).
* ``RequestWithdrawal``: withdrawal id (INVALID_ID, DUPLICATE_WITHDRAWAL), the client, asset,
  amount, destination (INVALID_DESTINATION, DESTINATION_NOT_VERIFIED, DESTINATION_COOLING_OFF),
  each party given (INVALID_PARTY), the travel rule (TRAVEL_RULE_DATA_MISSING; below the
  threshold a party given with an empty field is INVALID_PARTY), room (CUSTODY_FULL).
* ``MarkWithdrawalHeld``: the withdrawal (INVALID_ID, UNKNOWN_WITHDRAWAL), its status
  (WITHDRAWAL_WRONG_STATUS).
* ``CosignWithdrawal``: the withdrawal, the cosigner (INVALID_COSIGNER), its status.
* ``ExecuteWithdrawal``: the withdrawal, its status (NOT_COSIGNED before clearing co-signed,
  WITHDRAWAL_WRONG_STATUS once ended), the paying wallet (WALLET_INSUFFICIENT), the client's flow
  (BALANCE_OVERFLOW).
* ``FailWithdrawal``: the withdrawal, the code and reason (INVALID_FAILURE), its status.
* ``Rebalance``: asset (UNKNOWN_ASSET), virtual (NOT_VIRTUAL_ASSET), out of band
  (NOTHING_TO_REBALANCE).

The rebalancing rule (SFC: at least ``COLD_STORAGE_MIN_BPS`` of client virtual assets cold):
``target = (cold + hot) * HOT_STORAGE_MAX_BPS // 10_000``; a hot wallet above ``target`` sends
the excess to cold; one below ``target // 2`` is topped up from cold to ``target``; otherwise
nothing moves. Either way hot ends at ``target``, so cold ends at ``total - target``, which is at
least ``total * COLD_STORAGE_MIN_BPS / 10_000``.
"""

from __future__ import annotations

from typing import Any, Final

from seawall.core import hk_rules, limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import check_asset_code, check_id
from seawall.core.machine import Context, Rejection, reject, require_sorted_unique
from seawall.custody.commands import (
    KERNEL_ONLY,
    AddDestination,
    ConfigureAsset,
    ConfirmDeposit,
    CosignWithdrawal,
    CustodyCommand,
    ExecuteWithdrawal,
    FailWithdrawal,
    MarkWithdrawalHeld,
    OpenClientAccount,
    PublishReserves,
    Rebalance,
    RequestWithdrawal,
)
from seawall.custody.events import (
    AssetConfigured,
    ClientAccountOpened,
    CustodyEvent,
    DepositConfirmed,
    DestinationAdded,
    ReservesPublished,
    WalletsRebalanced,
    WithdrawalCosigned,
    WithdrawalExecuted,
    WithdrawalFailed,
    WithdrawalHeld,
    WithdrawalRequested,
)
from seawall.custody.rejections import CustodyRejection as R
from seawall.custody.state import (
    CLEARING_COSIGNER,
    CUSTODY_COSIGNER,
    KERNEL_SUBMITTER,
    STATE_HASH_DOMAIN,
    WALLET_KINDS,
    WITHDRAWAL_FINAL,
    WITHDRAWAL_TRANSITIONS,
    AssetConfig,
    AssetKind,
    AssetRecord,
    ClientAccount,
    ClientRecord,
    CustodySnapshot,
    CustodyState,
    DestinationRecord,
    FlowRecord,
    Party,
    WalletKind,
    WalletRecord,
    Withdrawal,
    WithdrawalRecord,
    WithdrawalStatus,
    client_ledger_account,
    hold_id_for,
    wallet_account,
)

__all__ = [
    "STATE_HASH_DOMAIN",
    "canonical",
    "check_invariants",
    "client_ledger_account",
    "clients",
    "cold_ratio_bps",
    "decide",
    "destinations",
    "evolve",
    "external_flow",
    "hkd_value_minor",
    "paying_wallet",
    "restore",
    "snapshot",
    "state_hash",
    "wallet_account",
    "wallet_balance",
    "withdrawal",
]

_AMOUNT_MAX: Final = limits.amount_minor_max
_BPS: Final = 10_000
_ORDINAL: Final = ("originator", "beneficiary")


# --- decide ---------------------------------------------------------------------------------------


def decide(
    state: CustodyState, command: CustodyCommand, ctx: Context
) -> list[CustodyEvent] | Rejection:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, KERNEL_ONLY) and ctx.submitter != KERNEL_SUBMITTER:
        return reject(
            R.NOT_AUTHORISED,
            f"{type(command).__name__} is submitted only by {KERNEL_SUBMITTER!r}, "
            f"not {ctx.submitter!r}",
        )
    if isinstance(command, ConfirmDeposit):
        return _decide_confirm_deposit(state, command, ctx)
    if isinstance(command, RequestWithdrawal):
        return _decide_request_withdrawal(state, command, ctx)
    if isinstance(command, MarkWithdrawalHeld):
        return _decide_mark_held(state, command)
    if isinstance(command, CosignWithdrawal):
        return _decide_cosign(state, command)
    if isinstance(command, ExecuteWithdrawal):
        return _decide_execute(state, command)
    if isinstance(command, FailWithdrawal):
        return _decide_fail(state, command)
    if isinstance(command, AddDestination):
        return _decide_add_destination(state, command, ctx)
    if isinstance(command, OpenClientAccount):
        return _decide_open_client_account(state, command)
    if isinstance(command, Rebalance):
        return _decide_rebalance(state, command)
    if isinstance(command, ConfigureAsset):
        return _decide_configure_asset(state, command)
    if isinstance(command, PublishReserves):
        return _decide_publish_reserves(state, command)
    raise InvariantViolation(f"custody.decide given a non-custody command {type(command).__name__}")


def _decide_publish_reserves(
    state: CustodyState, command: PublishReserves
) -> list[CustodyEvent] | Rejection:
    rejection = _bad_id(command.snapshot_id, "snapshot id", 64)
    if rejection is not None:
        return reject(R.INVALID_RESERVES, rejection.message)
    if not isinstance(command.liabilities_root, bytes) or len(command.liabilities_root) != 32:
        return reject(R.INVALID_RESERVES, "the liabilities root must be 32 bytes")
    ratios = command.ratios
    if not 0 < len(ratios) <= limits.assets_max:
        return reject(R.INVALID_RESERVES, f"1..{limits.assets_max} assets, got {len(ratios)}")
    seen: set[str] = set()
    for asset, owed, held, ratio_bps in ratios:
        if asset in seen:
            return reject(R.INVALID_RESERVES, f"asset {asset!r} is listed twice")
        seen.add(asset)
        amounts = (owed, held, ratio_bps)
        if any(type(x) is not int or not 0 <= x <= _AMOUNT_MAX for x in amounts):
            return reject(R.INVALID_RESERVES, f"{asset}: amounts must be in 0..amount_minor_max")
        expected = 10_000 if owed == 0 else held * 10_000 // owed
        if ratio_bps != expected:
            return reject(
                R.INVALID_RESERVES,
                f"{asset}: ratio {ratio_bps} bps, but {held} / {owed} is {expected} bps",
            )
    if command.snapshot_id in state.reserves_published:
        return reject(
            R.RESERVES_ALREADY_PUBLISHED, f"snapshot {command.snapshot_id!r} is already anchored"
        )
    if len(state.reserves_published) >= limits.custody_reserves_published_max:
        return reject(R.CUSTODY_FULL, "custody_reserves_published_max reached")
    return [ReservesPublished(command.snapshot_id, command.liabilities_root, command.ratios)]


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    """``INVALID_ID`` if ``value`` is not a well-formed id, else ``None``."""
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _bad_client_ids(broker_id: object, account_id: object) -> Rejection | None:
    """``INVALID_ID`` unless the pair names a client whose ledger account name is well-formed."""
    bad = _bad_id(broker_id, "broker id", limits.account_id_length_max) or _bad_id(
        account_id, "account id", limits.account_id_length_max
    )
    if bad is not None:
        return bad
    assert isinstance(broker_id, str) and isinstance(account_id, str)  # for mypy; checked above
    if ":" in broker_id:
        return reject(R.INVALID_ID, f"broker id {broker_id!r} must not contain ':'")
    name = client_ledger_account(broker_id, account_id)
    if len(name) > limits.account_id_length_max:
        return reject(
            R.INVALID_ID,
            f"ledger account {name!r} would be longer than "
            f"account_id_length_max {limits.account_id_length_max}",
        )
    return None


def _find_client(state: CustodyState, broker_id: str, account_id: str) -> ClientAccount | Rejection:
    both_strings = isinstance(broker_id, str) and isinstance(account_id, str)
    client = state.clients.get((broker_id, account_id)) if both_strings else None
    if client is None:
        bad = _bad_client_ids(broker_id, account_id)
        if bad is not None:
            return bad
        return reject(
            R.UNKNOWN_CLIENT_ACCOUNT,
            f"no custody account for client {account_id!r} of broker {broker_id!r}",
        )
    return client


def _find_asset(state: CustodyState, code: object) -> AssetConfig | Rejection:
    asset = state.assets.get(code) if isinstance(code, str) else None
    if asset is None:
        return reject(R.UNKNOWN_ASSET, f"asset {code!r} is not configured")
    return asset


def _find_withdrawal(state: CustodyState, withdrawal_id: str) -> Withdrawal | Rejection:
    found = state.withdrawals.get(withdrawal_id) if isinstance(withdrawal_id, str) else None
    if found is None:
        bad = _bad_id(withdrawal_id, "withdrawal id", limits.custody_withdrawal_id_length_max)
        if bad is not None:
            return bad
        return reject(R.UNKNOWN_WITHDRAWAL, f"withdrawal {withdrawal_id!r} was never requested")
    return found


def _bad_amount(amount: object) -> Rejection | None:
    if type(amount) is not int or not 0 < amount <= _AMOUNT_MAX:
        return reject(
            R.INVALID_AMOUNT,
            f"amount_minor must be an integer in 1..amount_minor_max, got {amount!r}",
        )
    return None


def _bad_destination(value: object, what: str) -> Rejection | None:
    if not isinstance(value, str):
        return reject(R.INVALID_DESTINATION, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, limits.custody_destination_length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_DESTINATION, str(exc))
    return None


def _wrong_status(record: Withdrawal, withdrawal_id: str, to: WithdrawalStatus) -> Rejection | None:
    if to not in WITHDRAWAL_TRANSITIONS[record.status]:
        return reject(
            R.WITHDRAWAL_WRONG_STATUS,
            f"withdrawal {withdrawal_id!r} is {record.status}; it cannot become {to}",
        )
    return None


def _decide_configure_asset(
    state: CustodyState, command: ConfigureAsset
) -> list[CustodyEvent] | Rejection:
    code = command.code
    try:
        check_asset_code(code, limits.asset_code_length_max)
    except (ConditionFailed, TypeError) as exc:
        return reject(R.INVALID_ASSET_CONFIG, str(exc))
    if code in state.assets:
        return reject(R.ASSET_EXISTS, f"asset {code} is already configured")
    decimals = command.decimals
    if type(decimals) is not int or not 0 <= decimals <= limits.asset_decimals_max:
        return reject(
            R.INVALID_ASSET_CONFIG,
            f"{code} decimals must be 0..{limits.asset_decimals_max}, got {decimals!r}",
        )
    kind = command.kind
    if not isinstance(kind, str) or kind not in WALLET_KINDS:
        return reject(R.INVALID_ASSET_CONFIG, f"{code} kind {kind!r} is not one of AssetKind")
    kind = AssetKind(kind)
    rate = command.hkd_per_unit_minor
    if type(rate) is not int or not 0 < rate <= _AMOUNT_MAX:
        return reject(
            R.INVALID_ASSET_CONFIG,
            f"{code} hkd_per_unit_minor must be an integer in 1..amount_minor_max, got {rate!r}",
        )
    confirmations = command.confirmations_required
    least = 1 if kind is AssetKind.VIRTUAL else 0
    if (
        type(confirmations) is not int
        or not least <= confirmations <= limits.custody_confirmations_required_max
    ):
        return reject(
            R.INVALID_ASSET_CONFIG,
            f"{code} ({kind}) confirmations_required must be "
            f"{least}..{limits.custody_confirmations_required_max}, got {confirmations!r}",
        )
    if len(state.assets) >= limits.assets_max:
        return reject(R.CUSTODY_FULL, f"assets_max {limits.assets_max} reached")
    return [
        AssetConfigured(
            code=code,
            decimals=decimals,
            kind=kind,
            hkd_per_unit_minor=rate,
            confirmations_required=confirmations,
            wallet_accounts=tuple(wallet_account(code, wallet) for wallet in WALLET_KINDS[kind]),
        )
    ]


def _decide_open_client_account(
    state: CustodyState, command: OpenClientAccount
) -> list[CustodyEvent] | Rejection:
    broker_id, account_id = command.broker_id, command.account_id
    bad = _bad_client_ids(broker_id, account_id)
    if bad is not None:
        return bad
    if (broker_id, account_id) in state.clients:
        return reject(
            R.CLIENT_ACCOUNT_EXISTS,
            f"client {account_id!r} of broker {broker_id!r} already has a custody account",
        )
    if len(state.clients) >= limits.custody_client_accounts_max:
        return reject(
            R.CUSTODY_FULL,
            f"custody_client_accounts_max {limits.custody_client_accounts_max} reached",
        )
    return [
        ClientAccountOpened(
            broker_id=broker_id,
            account_id=account_id,
            ledger_account=client_ledger_account(broker_id, account_id),
        )
    ]


def _receiving_wallet(asset: AssetConfig) -> WalletKind:
    """Where a deposit lands: the hot wallet for a virtual asset, the bank for fiat."""
    return WalletKind.HOT if asset.kind is AssetKind.VIRTUAL else WalletKind.BANK


def _room_for_destination(client: ClientAccount, asset_code: str) -> Rejection | None:
    if len(client.destinations.get(asset_code, {})) >= limits.custody_destinations_per_asset_max:
        return reject(
            R.CUSTODY_FULL,
            f"custody_destinations_per_asset_max {limits.custody_destinations_per_asset_max} "
            f"reached for {asset_code}",
        )
    return None


def _decide_confirm_deposit(
    state: CustodyState, command: ConfirmDeposit, ctx: Context
) -> list[CustodyEvent] | Rejection:
    deposit_id = command.deposit_id
    bad = _bad_id(deposit_id, "deposit id", limits.custody_deposit_id_length_max)
    if bad is not None:
        return bad
    if deposit_id in state.deposit_ids:
        return reject(R.DUPLICATE_DEPOSIT, f"deposit {deposit_id!r} was already confirmed")
    client = _find_client(state, command.broker_id, command.account_id)
    if isinstance(client, Rejection):
        return client
    asset = _find_asset(state, command.asset)
    if isinstance(asset, Rejection):
        return asset
    amount = command.amount_minor
    rejection = _bad_amount(amount) or _bad_destination(command.origin, "deposit origin")
    if rejection is not None:
        return rejection
    confirmations = command.confirmations
    if type(confirmations) is not int or confirmations < asset.confirmations_required:
        return reject(
            R.INSUFFICIENT_CONFIRMATIONS,
            f"deposit {deposit_id!r} has {confirmations!r} confirmations, "
            f"{command.asset} needs {asset.confirmations_required}",
        )
    if sum(asset.wallets.values()) + amount > _AMOUNT_MAX:
        return reject(
            R.BALANCE_OVERFLOW, f"{command.asset} held in wallets would exceed amount_minor_max"
        )
    if client.flows.get(command.asset, 0) + amount > _AMOUNT_MAX:
        return reject(
            R.BALANCE_OVERFLOW, f"the client's {command.asset} flow would exceed amount_minor_max"
        )
    if command.origin not in client.destinations.get(command.asset, {}):
        rejection = _room_for_destination(client, command.asset)
        if rejection is not None:
            return rejection
    return [
        DepositConfirmed(
            deposit_id=deposit_id,
            broker_id=command.broker_id,
            account_id=command.account_id,
            asset=command.asset,
            amount_minor=amount,
            origin=command.origin,
            confirmations=confirmations,
            wallet=wallet_account(command.asset, _receiving_wallet(asset)),
            ledger_account=client_ledger_account(command.broker_id, command.account_id),
            origin_effective_from_ns=ctx.timestamp_ns,
        )
    ]


def _decide_add_destination(
    state: CustodyState, command: AddDestination, ctx: Context
) -> list[CustodyEvent] | Rejection:
    client = _find_client(state, command.broker_id, command.account_id)
    if isinstance(client, Rejection):
        return client
    asset = _find_asset(state, command.asset)
    if isinstance(asset, Rejection):
        return asset
    destination = command.destination
    bad = _bad_destination(destination, "destination")
    if bad is not None:
        return bad
    if destination in client.destinations.get(command.asset, {}):
        return reject(
            R.DESTINATION_EXISTS,
            f"{destination!r} is already a {command.asset} destination of this client",
        )
    ref = command.verification_ref
    if ref == "":
        return reject(
            R.VERIFICATION_REQUIRED,
            f"a new destination {destination!r} needs the reference of its verification",
        )
    bad = _bad_id(ref, "verification reference", limits.custody_verification_ref_length_max)
    if bad is not None:
        return bad
    rejection = _room_for_destination(client, command.asset)
    if rejection is not None:
        return rejection
    return [
        DestinationAdded(
            broker_id=command.broker_id,
            account_id=command.account_id,
            asset=command.asset,
            destination=destination,
            verification_ref=ref,
            effective_from_ns=ctx.timestamp_ns + hk_rules.WITHDRAWAL_DESTINATION_COOLING_OFF_NS,
        )
    ]


def _party_problem(party: object, role: str) -> str | None:
    """Why a given party is malformed (a field too long, a control character, surrounding
    blanks), or ``None``. Empty fields are judged by the travel rule, not here."""
    if not isinstance(party, Party):
        return f"{role} must be a Party, got {type(party).__name__}"
    for field in ("name", "account_ref", "institution"):
        value = getattr(party, field)
        if not isinstance(value, str):
            return f"{role} {field} must be a string, got {type(value).__name__}"
        if len(value) > limits.custody_party_field_length_max:
            return (
                f"{role} {field} has {len(value)} characters, over "
                f"custody_party_field_length_max {limits.custody_party_field_length_max}"
            )
        if not value.isprintable():
            return f"{role} {field} contains a control character"
        if value.strip() != value:
            return f"{role} {field} has surrounding blanks"
    return None


def _incomplete(party: Party) -> str | None:
    for field in ("name", "account_ref", "institution"):
        if getattr(party, field) == "":
            return field
    return None


def _check_travel_rule(
    state: CustodyState, command: RequestWithdrawal, asset: AssetConfig
) -> Rejection | None:
    parties = (command.originator, command.beneficiary)
    for role, party in zip(_ORDINAL, parties, strict=True):
        if party is not None:
            problem = _party_problem(party, role)
            if problem is not None:
                return reject(R.INVALID_PARTY, problem)
    value_hkd_minor = _hkd_value(asset, command.amount_minor)
    required = value_hkd_minor >= hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR
    for role, party in zip(_ORDINAL, parties, strict=True):
        if party is None:
            if required:
                return reject(
                    R.TRAVEL_RULE_DATA_MISSING,
                    f"a withdrawal worth {value_hkd_minor} HKD cents (threshold "
                    f"{hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR}) needs the {role}",
                )
            continue
        empty = _incomplete(party)
        if empty is not None:
            if required:
                return reject(
                    R.TRAVEL_RULE_DATA_MISSING,
                    f"a withdrawal worth {value_hkd_minor} HKD cents (threshold "
                    f"{hk_rules.TRAVEL_RULE_THRESHOLD_HKD_MINOR}) needs the {role}'s {empty}",
                )
            return reject(R.INVALID_PARTY, f"{role} is given with an empty {empty}")
    return None


def _decide_request_withdrawal(
    state: CustodyState, command: RequestWithdrawal, ctx: Context
) -> list[CustodyEvent] | Rejection:
    withdrawal_id = command.withdrawal_id
    bad = _bad_id(withdrawal_id, "withdrawal id", limits.custody_withdrawal_id_length_max)
    if bad is not None:
        return bad
    if withdrawal_id in state.withdrawals:
        return reject(R.DUPLICATE_WITHDRAWAL, f"withdrawal id {withdrawal_id!r} was already used")
    client = _find_client(state, command.broker_id, command.account_id)
    if isinstance(client, Rejection):
        return client
    asset = _find_asset(state, command.asset)
    if isinstance(asset, Rejection):
        return asset
    rejection = _bad_amount(command.amount_minor) or _bad_destination(
        command.destination, "destination"
    )
    if rejection is not None:
        return rejection
    destination = command.destination
    effective_from_ns = client.destinations.get(command.asset, {}).get(destination)
    if effective_from_ns is None:
        return reject(
            R.DESTINATION_NOT_VERIFIED,
            f"{destination!r} is not a verified {command.asset} destination of this client "
            f"(return of origin: deposit from it, or add it with a verification)",
        )
    if effective_from_ns > ctx.timestamp_ns:
        return reject(
            R.DESTINATION_COOLING_OFF,
            f"{destination!r} takes effect at {effective_from_ns} ns, now is {ctx.timestamp_ns} ns",
        )
    rejection = _check_travel_rule(state, command, asset)
    if rejection is not None:
        return rejection
    if state.withdrawals_open >= limits.custody_withdrawals_open_max:
        return reject(
            R.CUSTODY_FULL,
            f"custody_withdrawals_open_max {limits.custody_withdrawals_open_max} reached",
        )
    return [
        WithdrawalRequested(
            withdrawal_id=withdrawal_id,
            broker_id=command.broker_id,
            account_id=command.account_id,
            asset=command.asset,
            amount_minor=command.amount_minor,
            destination=destination,
            originator=command.originator,
            beneficiary=command.beneficiary,
            hold_id=hold_id_for(withdrawal_id),
            ledger_account=client_ledger_account(command.broker_id, command.account_id),
        )
    ]


def _decide_mark_held(
    state: CustodyState, command: MarkWithdrawalHeld
) -> list[CustodyEvent] | Rejection:
    record = _find_withdrawal(state, command.withdrawal_id)
    if isinstance(record, Rejection):
        return record
    rejection = _wrong_status(record, command.withdrawal_id, WithdrawalStatus.HELD)
    if rejection is not None:
        return rejection
    return [WithdrawalHeld(withdrawal_id=command.withdrawal_id)]


def _decide_cosign(
    state: CustodyState, command: CosignWithdrawal
) -> list[CustodyEvent] | Rejection:
    record = _find_withdrawal(state, command.withdrawal_id)
    if isinstance(record, Rejection):
        return record
    if command.cosigner != CLEARING_COSIGNER:
        return reject(
            R.INVALID_COSIGNER,
            f"a withdrawal is co-signed by {CLEARING_COSIGNER!r}, not {command.cosigner!r}",
        )
    rejection = _wrong_status(record, command.withdrawal_id, WithdrawalStatus.COSIGNED)
    if rejection is not None:
        return rejection
    return [WithdrawalCosigned(withdrawal_id=command.withdrawal_id, cosigner=CLEARING_COSIGNER)]


def paying_wallet(state: CustodyState, asset: str) -> WalletKind:
    """The wallet a withdrawal of ``asset`` is paid from: hot (virtual) or bank (fiat)."""
    config = state.assets.get(asset)
    if config is None:
        raise ConditionFailed(f"asset {asset!r} is not configured")
    return _receiving_wallet(config)


def _decide_execute(
    state: CustodyState, command: ExecuteWithdrawal
) -> list[CustodyEvent] | Rejection:
    withdrawal_id = command.withdrawal_id
    record = _find_withdrawal(state, withdrawal_id)
    if isinstance(record, Rejection):
        return record
    if record.status in (WithdrawalStatus.REQUESTED, WithdrawalStatus.HELD):
        return reject(
            R.NOT_COSIGNED,
            f"withdrawal {withdrawal_id!r} is {record.status}: "
            f"{CLEARING_COSIGNER} has not co-signed it",
        )
    rejection = _wrong_status(record, withdrawal_id, WithdrawalStatus.EXECUTED)
    if rejection is not None:
        return rejection
    invariant(CLEARING_COSIGNER in record.cosigners, "a cosigned withdrawal lacks clearing")
    asset = state.assets[record.asset]
    kind = _paying_wallet(asset, record.amount_minor)
    in_wallet = asset.wallets[kind]
    if in_wallet < record.amount_minor:
        return reject(
            R.WALLET_INSUFFICIENT,
            f"the {kind} {record.asset} wallet holds {in_wallet}, withdrawal {withdrawal_id!r} "
            f"needs {record.amount_minor}: rebalance first",
        )
    flow = state.clients[(record.broker_id, record.account_id)].flows.get(record.asset, 0)
    if flow - record.amount_minor < -_AMOUNT_MAX:
        return reject(
            R.BALANCE_OVERFLOW, f"the client's {record.asset} flow would pass -amount_minor_max"
        )
    return [
        WithdrawalExecuted(
            withdrawal_id=withdrawal_id,
            broker_id=record.broker_id,
            account_id=record.account_id,
            asset=record.asset,
            amount_minor=record.amount_minor,
            destination=record.destination,
            wallet_ledger_account=wallet_account(record.asset, kind),
            hold_id=hold_id_for(withdrawal_id),
        )
    ]


def _decide_fail(state: CustodyState, command: FailWithdrawal) -> list[CustodyEvent] | Rejection:
    withdrawal_id = command.withdrawal_id
    record = _find_withdrawal(state, withdrawal_id)
    if isinstance(record, Rejection):
        return record
    code = command.code
    if type(code) is not int or not 0 < code <= _AMOUNT_MAX:
        return reject(R.INVALID_FAILURE, f"a failure code must be a positive integer, got {code!r}")
    if not isinstance(command.reason, str):
        return reject(
            R.INVALID_FAILURE,
            f"a failure reason must be a string, got {type(command.reason).__name__}",
        )
    rejection = _wrong_status(record, withdrawal_id, WithdrawalStatus.FAILED)
    if rejection is not None:
        return rejection
    return [
        WithdrawalFailed(
            withdrawal_id=withdrawal_id,
            code=code,
            reason=command.reason[: limits.custody_failure_reason_length_max],
            hold_id=hold_id_for(withdrawal_id),
            release_hold=record.status is not WithdrawalStatus.REQUESTED,
        )
    ]


def _decide_rebalance(state: CustodyState, command: Rebalance) -> list[CustodyEvent] | Rejection:
    code = command.asset
    asset = _find_asset(state, code)
    if isinstance(asset, Rejection):
        return asset
    if asset.kind is not AssetKind.VIRTUAL:
        return reject(R.NOT_VIRTUAL_ASSET, f"{code} is {asset.kind}: it has one bank account")
    cold = asset.wallets[WalletKind.COLD]
    hot = asset.wallets[WalletKind.HOT]
    target = (cold + hot) * hk_rules.HOT_STORAGE_MAX_BPS // _BPS
    if hot > target:
        source, sink, amount = WalletKind.HOT, WalletKind.COLD, hot - target
    elif hot < target // 2:
        source, sink, amount = WalletKind.COLD, WalletKind.HOT, target - hot
    else:
        return reject(
            R.NOTHING_TO_REBALANCE,
            f"{code} hot wallet holds {hot}, within {target // 2}..{target} "
            f"(of {cold + hot} in wallets): nothing to move",
        )
    return [
        WalletsRebalanced(
            asset=code,
            from_wallet=wallet_account(code, source),
            to_wallet=wallet_account(code, sink),
            amount_minor=amount,
        )
    ]


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: CustodyState, event: CustodyEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    if isinstance(event, DepositConfirmed):
        _evolve_deposit(state, event)
    elif isinstance(event, WithdrawalRequested):
        invariant(event.withdrawal_id not in state.withdrawals, "withdrawal requested twice")
        invariant((event.broker_id, event.account_id) in state.clients, "withdrawal of no client")
        invariant(event.asset in state.assets, "withdrawal of an unconfigured asset")
        state.withdrawals[event.withdrawal_id] = Withdrawal(
            event.broker_id,
            event.account_id,
            event.asset,
            event.amount_minor,
            event.destination,
            event.originator,
            event.beneficiary,
        )
        state.withdrawals_open += 1
    elif isinstance(event, WithdrawalHeld):
        _move(state, event.withdrawal_id, WithdrawalStatus.HELD)
    elif isinstance(event, WithdrawalCosigned):
        record = _move(state, event.withdrawal_id, WithdrawalStatus.COSIGNED)
        record.cosigners = (*record.cosigners, event.cosigner)
    elif isinstance(event, WithdrawalExecuted):
        _evolve_executed(state, event)
    elif isinstance(event, WithdrawalFailed):
        record = _move(state, event.withdrawal_id, WithdrawalStatus.FAILED)
        record.failure_code = event.code
        record.failure_reason = event.reason
        state.withdrawals_open -= 1
    elif isinstance(event, ReservesPublished):
        invariant(event.snapshot_id not in state.reserves_published, "ReservesPublished twice")
        state.reserves_published[event.snapshot_id] = event.liabilities_root
    elif isinstance(event, WalletsRebalanced):
        _evolve_rebalanced(state, event)
    elif isinstance(event, DestinationAdded):
        client = state.clients[(event.broker_id, event.account_id)]
        known = client.destinations.setdefault(event.asset, {})
        invariant(event.destination not in known, "DestinationAdded for a known destination")
        known[event.destination] = event.effective_from_ns
    elif isinstance(event, ClientAccountOpened):
        key = (event.broker_id, event.account_id)
        invariant(key not in state.clients, "ClientAccountOpened for an open client account")
        state.clients[key] = ClientAccount()
    elif isinstance(event, AssetConfigured):
        invariant(event.code not in state.assets, "AssetConfigured for a configured asset")
        state.assets[event.code] = AssetConfig(
            event.decimals, event.kind, event.hkd_per_unit_minor, event.confirmations_required
        )
    else:
        raise InvariantViolation(f"custody.evolve given a non-custody event {type(event).__name__}")


def _evolve_deposit(state: CustodyState, event: DepositConfirmed) -> None:
    invariant(event.deposit_id not in state.deposit_ids, "deposit credited twice")
    asset = state.assets[event.asset]
    kind = _receiving_wallet(asset)
    invariant(event.wallet == wallet_account(event.asset, kind), "deposit into the wrong wallet")
    invariant(event.amount_minor > 0, "deposit of a non-positive amount")
    client = state.clients[(event.broker_id, event.account_id)]
    asset.wallets[kind] += event.amount_minor
    client.flows[event.asset] = client.flows.get(event.asset, 0) + event.amount_minor
    known = client.destinations.setdefault(event.asset, {})
    earlier = known.get(event.origin)
    effective_from_ns = event.origin_effective_from_ns
    known[event.origin] = effective_from_ns if earlier is None else min(earlier, effective_from_ns)
    state.deposit_ids.add(event.deposit_id)


def _paying_wallet(asset: AssetConfig, amount_minor: int) -> WalletKind:
    """The hot wallet (bank for fiat), or, for a virtual-asset withdrawal larger than the hot
    wallet holds, the cold wallet: the hot wallet is kept to 2 % of client assets, so a large
    withdrawal is paid from cold storage (co-signed like any other); the next ``Rebalance``
    restores the split."""
    kind = _receiving_wallet(asset)
    if kind is WalletKind.HOT and asset.wallets[kind] < amount_minor:
        return WalletKind.COLD
    return kind


def _evolve_executed(state: CustodyState, event: WithdrawalExecuted) -> None:
    record = _move(state, event.withdrawal_id, WithdrawalStatus.EXECUTED)
    record.cosigners = (*record.cosigners, CUSTODY_COSIGNER)
    asset = state.assets[record.asset]
    kind = _paying_wallet(asset, record.amount_minor)
    invariant(
        event.wallet_ledger_account == wallet_account(record.asset, kind)
        and event.amount_minor == record.amount_minor,
        "WithdrawalExecuted does not follow the withdrawal",
    )
    asset.wallets[kind] -= record.amount_minor
    invariant(asset.wallets[kind] >= 0, f"{kind} {record.asset} wallet went negative")
    client = state.clients[(record.broker_id, record.account_id)]
    client.flows[record.asset] = client.flows.get(record.asset, 0) - record.amount_minor
    state.withdrawals_open -= 1


def _evolve_rebalanced(state: CustodyState, event: WalletsRebalanced) -> None:
    asset = state.assets[event.asset]
    by_account = {wallet_account(event.asset, kind): kind for kind in WALLET_KINDS[asset.kind]}
    source = by_account.get(event.from_wallet)
    sink = by_account.get(event.to_wallet)
    if source is None or sink is None or source is sink or event.amount_minor <= 0:
        raise InvariantViolation(f"WalletsRebalanced {event!r} does not follow the state")
    asset.wallets[source] -= event.amount_minor
    asset.wallets[sink] += event.amount_minor
    invariant(asset.wallets[source] >= 0, f"{source} {event.asset} wallet went negative")


def _move(state: CustodyState, withdrawal_id: str, status: WithdrawalStatus) -> Withdrawal:
    record = state.withdrawals.get(withdrawal_id)
    if record is None or status not in WITHDRAWAL_TRANSITIONS[record.status]:
        raise InvariantViolation(f"withdrawal {withdrawal_id!r} cannot become {status}")
    record.status = status
    return record


# --- reading --------------------------------------------------------------------------------------


def _asset(state: CustodyState, asset: str) -> AssetConfig:
    config = state.assets.get(asset)
    if config is None:
        raise ConditionFailed(f"asset {asset!r} is not configured")
    return config


def _client(state: CustodyState, broker_id: str, account_id: str) -> ClientAccount:
    client = state.clients.get((broker_id, account_id))
    if client is None:
        raise ConditionFailed(f"no custody account for client {account_id!r} of {broker_id!r}")
    return client


def wallet_balance(state: CustodyState, asset: str, kind: WalletKind) -> int:
    """Custody's book balance of one wallet (minor units). A virtual asset has cold and hot
    wallets, a fiat one a bank account; asking for another raises ``ConditionFailed``."""
    wallets = _asset(state, asset).wallets
    if kind not in wallets:
        raise ConditionFailed(f"{asset} has no {kind} wallet")
    return wallets[kind]


def external_flow(state: CustodyState, broker_id: str, account_id: str, asset: str) -> int:
    """The client's deposits minus withdrawals of ``asset`` (negative once they withdrew more
    than they deposited, e.g. what they bought)."""
    _asset(state, asset)
    return _client(state, broker_id, account_id).flows.get(asset, 0)


def clients(state: CustodyState) -> list[tuple[str, str]]:
    """Every ``(broker_id, account_id)`` with a custody account, sorted."""
    return sorted(state.clients)


def destinations(
    state: CustodyState, broker_id: str, account_id: str, asset: str
) -> list[tuple[str, int]]:
    """The client's verified ``(destination, effective_from_ns)`` for ``asset``, sorted."""
    _asset(state, asset)
    return sorted(_client(state, broker_id, account_id).destinations.get(asset, {}).items())


def withdrawal(state: CustodyState, withdrawal_id: str) -> WithdrawalRecord:
    """A frozen copy of the withdrawal; ``ConditionFailed`` if it was never requested."""
    record = state.withdrawals.get(withdrawal_id)
    if record is None:
        raise ConditionFailed(f"withdrawal {withdrawal_id!r} was never requested")
    return _withdrawal_record(withdrawal_id, record)


def cold_ratio_bps(state: CustodyState, asset: str) -> int:
    """The cold wallet's share of a virtual asset's wallets, in basis points, rounded down
    (10 000 when both are empty: nothing is exposed)."""
    config = _asset(state, asset)
    if config.kind is not AssetKind.VIRTUAL:
        raise ConditionFailed(f"{asset} is {config.kind}: it has no cold wallet")
    cold = config.wallets[WalletKind.COLD]
    total = cold + config.wallets[WalletKind.HOT]
    return _BPS if total == 0 else cold * _BPS // total


def _hkd_value(asset: AssetConfig, amount_minor: int) -> int:
    unit_minor: int = 10**asset.decimals
    return amount_minor * asset.hkd_per_unit_minor // unit_minor


def hkd_value_minor(state: CustodyState, asset: str, amount_minor: int) -> int:
    """``amount_minor`` of ``asset`` in HKD cents, rounded down (the travel rule's measure)."""
    return _hkd_value(_asset(state, asset), amount_minor)


# --- hashing, snapshots, invariants ---------------------------------------------------------------


def _withdrawal_record(withdrawal_id: str, record: Withdrawal) -> WithdrawalRecord:
    return WithdrawalRecord(
        withdrawal_id=withdrawal_id,
        broker_id=record.broker_id,
        account_id=record.account_id,
        asset=record.asset,
        amount_minor=record.amount_minor,
        destination=record.destination,
        originator=record.originator,
        beneficiary=record.beneficiary,
        status=record.status,
        cosigners=record.cosigners,
        failure_code=record.failure_code,
        failure_reason=record.failure_reason,
    )


def canonical(state: CustodyState) -> CustodySnapshot:
    """The state in canonical form: sorted by key, zero external flows left out."""
    assets = tuple(
        AssetRecord(
            code=code,
            decimals=config.decimals,
            kind=config.kind,
            hkd_per_unit_minor=config.hkd_per_unit_minor,
            confirmations_required=config.confirmations_required,
            wallets=tuple(
                WalletRecord(kind=kind, balance_minor=config.wallets[kind])
                for kind in WALLET_KINDS[config.kind]
            ),
        )
        for code, config in sorted(state.assets.items())
    )
    client_records = tuple(
        ClientRecord(
            broker_id=broker_id,
            account_id=account_id,
            flows=tuple(
                FlowRecord(asset=asset, flow_minor=flow)
                for asset, flow in sorted(client.flows.items())
                if flow != 0
            ),
            destinations=tuple(
                DestinationRecord(asset=asset, destination=destination, effective_from_ns=when)
                for asset, known in sorted(client.destinations.items())
                for destination, when in sorted(known.items())
            ),
        )
        for (broker_id, account_id), client in sorted(state.clients.items())
    )
    return CustodySnapshot(
        assets=assets,
        clients=client_records,
        deposit_ids=tuple(sorted(state.deposit_ids)),
        withdrawals=tuple(
            _withdrawal_record(withdrawal_id, record)
            for withdrawal_id, record in sorted(state.withdrawals.items())
        ),
        reserves_published=tuple(sorted(state.reserves_published.items())),
    )


def state_hash(state: CustodyState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: CustodyState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> CustodyState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, CustodySnapshot)
    _require_sorted_unique([(r.code,) for r in snap.assets], "assets")
    _require_sorted_unique([(r.broker_id, r.account_id) for r in snap.clients], "clients")
    _require_sorted_unique([(d,) for d in snap.deposit_ids], "deposit ids")
    _require_sorted_unique([(r.withdrawal_id,) for r in snap.withdrawals], "withdrawals")
    state = CustodyState()
    for asset_record in snap.assets:
        config = AssetConfig(
            asset_record.decimals,
            asset_record.kind,
            asset_record.hkd_per_unit_minor,
            asset_record.confirmations_required,
        )
        kinds = tuple(wallet.kind for wallet in asset_record.wallets)
        if kinds != WALLET_KINDS[asset_record.kind]:
            raise ConditionFailed(f"custody snapshot: {asset_record.code} has wallets {kinds}")
        for wallet in asset_record.wallets:
            config.wallets[wallet.kind] = wallet.balance_minor
        state.assets[asset_record.code] = config
    for client_record in snap.clients:
        client = ClientAccount()
        _require_sorted_unique([(f.asset,) for f in client_record.flows], "flows")
        for flow in client_record.flows:
            if flow.flow_minor == 0:
                raise ConditionFailed("custody snapshot lists a zero flow")
            client.flows[flow.asset] = flow.flow_minor
        _require_sorted_unique(
            [(d.asset, d.destination) for d in client_record.destinations], "destinations"
        )
        for known in client_record.destinations:
            client.destinations.setdefault(known.asset, {})[known.destination] = (
                known.effective_from_ns
            )
        state.clients[(client_record.broker_id, client_record.account_id)] = client
    state.deposit_ids.update(snap.deposit_ids)
    _require_sorted_unique([(s,) for s, _ in snap.reserves_published], "reserve snapshots")
    state.reserves_published.update(snap.reserves_published)
    for record in snap.withdrawals:
        restored = Withdrawal(
            record.broker_id,
            record.account_id,
            record.asset,
            record.amount_minor,
            record.destination,
            record.originator,
            record.beneficiary,
        )
        restored.status = record.status
        restored.cosigners = record.cosigners
        restored.failure_code = record.failure_code
        restored.failure_reason = record.failure_reason
        state.withdrawals[record.withdrawal_id] = restored
        if record.status not in WITHDRAWAL_FINAL:
            state.withdrawals_open += 1
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"custody snapshot is inconsistent: {violation}")
    return state


def _require_sorted_unique(keys: list[Any], what: str) -> None:
    require_sorted_unique(keys, what, "custody")


def check_invariants(state: CustodyState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


#: The co-signatures a withdrawal in each status carries (a failed one: any prefix of them).
_COSIGNERS: Final[dict[WithdrawalStatus, tuple[str, ...]]] = {
    WithdrawalStatus.REQUESTED: (),
    WithdrawalStatus.HELD: (),
    WithdrawalStatus.COSIGNED: (CLEARING_COSIGNER,),
    WithdrawalStatus.EXECUTED: (CLEARING_COSIGNER, CUSTODY_COSIGNER),
    WithdrawalStatus.FAILED: (CLEARING_COSIGNER,),
}


def _find_violation(state: CustodyState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``. Checks, in order: assets well-formed
    with the wallets of their kind, each wallet balance in 0..``amount_minor_max``; client
    accounts well-formed, their flows and destinations in configured assets and within bounds;
    per asset, the wallets together equal the clients' external flows (custody's own
    reconciliation); withdrawals well-formed, their status in ``WITHDRAWAL_TRANSITIONS`` with
    the co-signatures and failure fields it implies; the open count right."""
    flow_totals: dict[str, int] = {}
    for code, config in sorted(state.assets.items()):
        problem = _asset_problem(code, config)
        if problem is not None:
            return problem
        flow_totals[code] = 0
    for (broker_id, account_id), client in sorted(state.clients.items()):
        if _bad_client_ids(broker_id, account_id) is not None:
            return f"client ({broker_id!r}, {account_id!r}) has malformed ids"
        for asset, flow in sorted(client.flows.items()):
            if asset not in flow_totals or not -_AMOUNT_MAX <= flow <= _AMOUNT_MAX:
                return f"client ({broker_id!r}, {account_id!r}) has {asset!r} flow {flow}"
            flow_totals[asset] += flow
        for asset, known in sorted(client.destinations.items()):
            if asset not in flow_totals:
                return f"client ({broker_id!r}, {account_id!r}) has {asset!r} destinations"
            if len(known) > limits.custody_destinations_per_asset_max:
                return f"client ({broker_id!r}, {account_id!r}) has too many {asset} destinations"
            for destination in sorted(known):
                if _bad_destination(destination, "destination") is not None:
                    return f"client ({broker_id!r}, {account_id!r}) has {destination!r}"
    for code, total in sorted(flow_totals.items()):
        in_wallets = sum(state.assets[code].wallets.values())
        if in_wallets != total:
            return f"{code} wallets hold {in_wallets}, the clients' external flows sum to {total}"
    open_count = 0
    for withdrawal_id, record in sorted(state.withdrawals.items()):
        problem = _withdrawal_problem(state, withdrawal_id, record)
        if problem is not None:
            return problem
        if record.status not in WITHDRAWAL_FINAL:
            open_count += 1
    if open_count != state.withdrawals_open:
        return f"withdrawals_open is {state.withdrawals_open}, {open_count} are open"
    for deposit_id in sorted(state.deposit_ids):
        if _bad_id(deposit_id, "deposit id", limits.custody_deposit_id_length_max) is not None:
            return f"deposit id {deposit_id!r} is malformed"
    return None


def _asset_problem(code: str, config: AssetConfig) -> str | None:
    try:
        check_asset_code(code, limits.asset_code_length_max)
    except ConditionFailed:
        return f"asset code {code!r} is malformed"
    if config.kind not in WALLET_KINDS:
        return f"{code} has kind {config.kind!r}"
    least = 1 if config.kind is AssetKind.VIRTUAL else 0
    if (
        not 0 <= config.decimals <= limits.asset_decimals_max
        or not 0 < config.hkd_per_unit_minor <= _AMOUNT_MAX
        or not least <= config.confirmations_required <= limits.custody_confirmations_required_max
    ):
        return f"{code} configuration is out of range"
    if tuple(config.wallets) != WALLET_KINDS[config.kind]:
        return f"{code} ({config.kind}) has wallets {sorted(config.wallets)}"
    for kind, balance_minor in config.wallets.items():
        if not 0 <= balance_minor <= _AMOUNT_MAX:
            return f"{code} {kind} wallet holds {balance_minor}"
    if sum(config.wallets.values()) > _AMOUNT_MAX:
        return f"{code} wallets together exceed amount_minor_max"
    return None


def _withdrawal_problem(state: CustodyState, withdrawal_id: str, record: Withdrawal) -> str | None:
    where = f"withdrawal {withdrawal_id!r}"
    bad = _bad_id(withdrawal_id, "withdrawal id", limits.custody_withdrawal_id_length_max)
    if bad is not None:
        return f"{where} has a malformed id"
    if (record.broker_id, record.account_id) not in state.clients:
        return f"{where} names no client account"
    if record.asset not in state.assets:
        return f"{where} is in unconfigured {record.asset!r}"
    if not 0 < record.amount_minor <= _AMOUNT_MAX:
        return f"{where} amount {record.amount_minor} out of range"
    if record.status not in WITHDRAWAL_TRANSITIONS:
        return f"{where} has status {record.status!r}"
    expected = _COSIGNERS[record.status]
    if record.status is WithdrawalStatus.FAILED:
        if record.cosigners != expected[: len(record.cosigners)] or record.failure_code <= 0:
            return f"{where} failed with cosigners {record.cosigners}, code {record.failure_code}"
    elif record.cosigners != expected or record.failure_code or record.failure_reason:
        return f"{where} is {record.status} with cosigners {record.cosigners}"
    return None
