"""Clearing's state machine: ``decide`` (pure), ``evolve`` (total), ``state_hash``,
``check_invariants``, ``snapshot``/``restore``, and the read helpers.

Amounts. A market's lot is a whole number of base minor units (checked when it is registered),
so ``base_minor = quantity_lots * base_minor_per_lot`` is exact. The quote amount
``price_ticks * tick_size * quantity_lots * lot_size`` in quote minor units need not be whole
(a tick of 0.01 USD on a lot of 0.00001 BTC is a hundred-thousandth of a cent); it is
**rounded down** (floor), always, with integer arithmetic only. The buyer pays and the seller
receives the same ``quote_minor``, so the books balance whatever the rounding; rounding down
means a buyer's hold for the exact notional at the trade price always covers it. A trade whose
notional rounds to zero is refused. Each side's fee is ``ceil(quote_minor * fee_bps / 10_000)``
in the quote asset.

Settlement legs of one obligation, in this order (the ledger accounts are
``client:<broker_id>:<account_id>`` and ``house:<broker_id>``): buyer client ``-(quote + buyer
fee)``, seller client ``+(quote - seller fee)``, buyer's broker house ``+buyer fee``, seller's
broker house ``+seller fee`` (all in the quote asset), seller client ``-base``, buyer client
``+base``. An instruction's postings are its obligations' legs netted per (ledger account,
asset), in order of first appearance, zero nets left out. Its holds are, for each obligation,
the buyer's then the seller's, each named once, and only if the postings take from the
(account, asset) the hold reserves: a hold nothing is taken from stays untouched at the ledger.
Only an instruction of one obligation can net to nothing (a self-trade without fees): nothing
moves at custody, so it names no hold and no posting and clearing settles it at once
(``SettlementConfirmed`` and ``ObligationSettled`` follow ``SettlementInstructed`` in the same
outcome; the kernel posts nothing for it).

Netting (``CloseCycle`` in netted mode) takes the cycle's pending obligations sorted by
``(symbol, trade_id)`` and places each in the first instruction it fits (first fit), else opens
a new one. It fits when: each of its holds is the only hold the instruction names on that hold's
(ledger account, asset) (the buyer's hold is on its client account in the quote asset, the
seller's in the base asset; the ledger's ``keep_remainder`` post needs one hold per pair);
the instruction's obligations have at most ``holds_per_post_max`` distinct holds and it posts
at most ``postings_per_transfer_max`` postings; every net stays within
``amount_minor_max``; and the net does not cancel out entirely. Instruction ids follow in the
order instructions were opened.

``decide`` checks a command in a fixed order and returns the first rejection that applies:

* ``Configure``: mode (INVALID_MODE), no obligation open (OBLIGATIONS_PENDING).
* ``RegisterMarket``: kernel (NOT_AUTHORISED), symbol (INVALID_ID, MARKET_EXISTS), definition
  (INVALID_MARKET: asset codes, distinct assets, decimals, tick, lot, lot in base minor units),
  room (CLEARING_FULL).
* ``RecordTrade``: kernel (NOT_AUTHORISED); symbol (INVALID_ID, UNKNOWN_MARKET); trade id
  (INVALID_TRADE, DUPLICATE_TRADE); price, quantity, maker side (INVALID_TRADE); the buyer then
  the seller: broker id empty (UNKNOWN_PARTY), ids (INVALID_ID: broker, account, order, hold,
  the ledger accounts they make), fee rate (INVALID_FEE); one hold for both sides
  (INVALID_TRADE); notional zero (INVALID_TRADE); amounts (AMOUNT_OVERFLOW); room
  (CLEARING_FULL).
* ``CloseCycle``: the current cycle (CYCLE_MISMATCH).
* ``ConfirmSettlement``: kernel; instruction id (INVALID_ID, UNKNOWN_INSTRUCTION,
  INSTRUCTION_NOT_OPEN).
* ``FailSettlement``: as ``ConfirmSettlement``, then the ledger's code and name
  (INVALID_FAILURE). A message longer than ``clearing_failure_message_length_max`` is cut.
* ``CosignWithdrawal``: kernel; withdrawal id (INVALID_ID, DUPLICATE_WITHDRAWAL); broker and
  account ids (INVALID_ID); asset (INVALID_ASSET); amount (INVALID_AMOUNT); then
  UNSETTLED_OBLIGATIONS if the account, as a seller, owes the asset as delivery or, as a
  buyer, owes it as payment, in an obligation pending or instructed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

import msgspec

from seawall.clearing.commands import (
    ClearingCommand,
    CloseCycle,
    Configure,
    ConfirmSettlement,
    CosignWithdrawal,
    FailSettlement,
    RecordTrade,
    RegisterMarket,
)
from seawall.clearing.events import (
    ClearingEvent,
    Configured,
    CycleClosed,
    MarketRegistered,
    ObligationCreated,
    ObligationSettled,
    SettlementConfirmed,
    SettlementFailed,
    SettlementInstructed,
    WithdrawalCosigned,
)
from seawall.clearing.rejections import ClearingRejection as R
from seawall.clearing.state import (
    HOUSE_ACCOUNT,
    INSTRUCTION_TRANSITIONS,
    OBLIGATION_TRANSITIONS,
    STATE_HASH_DOMAIN,
    ClearingSnapshot,
    ClearingState,
    InstructionRecord,
    InstructionStatus,
    Market,
    MarketRecord,
    ObligationRecord,
    ObligationStatus,
    Party,
    PositionRecord,
    SettlementLeg,
    SettlementMode,
    Side,
    WithdrawalRecord,
)
from seawall.core import limits
from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, InvariantViolation, UnitError, invariant
from seawall.core.hashing import state_digest
from seawall.core.ids import check_asset_code, check_id
from seawall.core.machine import KERNEL_SUBMITTER, Context, Rejection, reject, require_sorted_unique
from seawall.core.units import parse_decimal

__all__ = [
    "STATE_HASH_DOMAIN",
    "amounts",
    "canonical",
    "check_invariants",
    "client_ledger_account",
    "decide",
    "evolve",
    "fee_minor",
    "house_ledger_account",
    "instruction",
    "instruction_id",
    "market",
    "obligation",
    "obligation_id",
    "pending_obligations",
    "position",
    "positions",
    "restore",
    "settlement_holds",
    "settlement_postings",
    "snapshot",
    "state_hash",
    "unsettled_obligations",
]

_KERNEL_ONLY: Final = (
    RegisterMarket,
    RecordTrade,
    ConfirmSettlement,
    FailSettlement,
    CosignWithdrawal,
)
_AMOUNT_MAX: Final = limits.amount_minor_max
_BPS_PER_UNIT: Final = 10_000
_MODES: Final = frozenset(mode.value for mode in SettlementMode)
_SIDES: Final = frozenset(side.value for side in Side)
#: What an obligation's status must be, given the status of the instruction covering it.
_STATUS_UNDER: Final = {
    InstructionStatus.OPEN: ObligationStatus.INSTRUCTED,
    InstructionStatus.SETTLED: ObligationStatus.SETTLED,
    InstructionStatus.FAILED: ObligationStatus.FAILED,
}


# --- names and amounts ----------------------------------------------------------------------------


def client_ledger_account(broker_id: str, account_id: str) -> str:
    """The ledger account of a broker's client: ``client:<broker_id>:<account_id>``."""
    return f"client:{broker_id}:{account_id}"


def house_ledger_account(broker_id: str) -> str:
    """The ledger account of a broker's own money (its fees): ``house:<broker_id>``."""
    return f"house:{broker_id}"


def obligation_id(symbol: str, trade_id: int) -> str:
    """The id of the obligation of trade ``trade_id`` in ``symbol``."""
    return f"{symbol}:{trade_id}"


def instruction_id(number: int) -> str:
    """The id of the ``number``-th settlement instruction (from 1)."""
    return f"settle:{number}"


def amounts(market: Market, price_ticks: int, quantity_lots: int) -> tuple[int, int]:
    """``(base_minor, quote_minor)`` of ``quantity_lots`` at ``price_ticks``: the base amount
    exactly, the quote amount rounded down to a whole minor unit (see the module docstring)."""
    base_minor = quantity_lots * market.base_minor_per_lot
    quote_minor = price_ticks * quantity_lots * market.quote_numerator // market.quote_denominator
    return base_minor, quote_minor


def fee_minor(quote_minor: int, fee_bps: int) -> int:
    """``ceil(quote_minor * fee_bps / 10_000)``: the seller's fee, taken from what it receives,
    never rounds in the payer's favour."""
    return -(-quote_minor * fee_bps // _BPS_PER_UNIT)


def buyer_fee_minor(quote_minor: int, fee_bps: int) -> int:
    """``floor(quote_minor * fee_bps / 10_000)``: the buyer's fee is paid from the order's hold,
    which the broker sized with the fee rounded up once on the whole order; an order filled in
    many parts must never need more than that, so each part's fee rounds down (a rounding
    up per part could add one minor unit per fill and overrun the hold)."""
    return quote_minor * fee_bps // _BPS_PER_UNIT


def _market_from(record: MarketRecord) -> Market | str:
    """The market ``record`` defines, or why it cannot be one."""
    for what, code in (("base asset", record.base_asset), ("quote asset", record.quote_asset)):
        if not isinstance(code, str):
            return f"{what} must be a string, got {type(code).__name__}"
        try:
            check_asset_code(code, limits.asset_code_length_max)
        except ConditionFailed as exc:
            return f"{what}: {exc}"
    if record.base_asset == record.quote_asset:
        return f"base and quote asset are both {record.base_asset}"
    for what, decimals in (
        ("base_decimals", record.base_decimals),
        ("quote_decimals", record.quote_decimals),
    ):
        if type(decimals) is not int or not 0 <= decimals <= limits.asset_decimals_max:
            return f"{what} must be 0..{limits.asset_decimals_max}, got {decimals!r}"
    tick = _positive_ratio(record.tick_size, "tick_size")
    if isinstance(tick, str):
        return tick
    lot = _positive_ratio(record.lot_size, "lot_size")
    if isinstance(lot, str):
        return lot
    base_minor_per_lot, remainder = divmod(lot[0] * 10**record.base_decimals, lot[1])
    if remainder:
        return (
            f"lot_size {record.lot_size} is not a whole number of {record.base_asset} minor "
            f"units ({record.base_decimals} decimals)"
        )
    numerator = tick[0] * lot[0] * 10**record.quote_decimals
    denominator = tick[1] * lot[1]
    divisor = math.gcd(numerator, denominator)
    return Market(record, base_minor_per_lot, numerator // divisor, denominator // divisor)


def _positive_ratio(text: object, what: str) -> tuple[int, int] | str:
    """``text`` as a fraction ``(numerator, denominator)`` in lowest terms, if a positive
    plain decimal string; else why not."""
    if not isinstance(text, str):
        return f"{what} must be a decimal string, got {type(text).__name__}"
    try:
        value = parse_decimal(text, what)
    except UnitError as exc:
        return str(exc)
    if value <= 0:
        return f"{what} must be positive, got {text!r}"
    return value.as_integer_ratio()


def _gross_legs(ob: ObligationRecord) -> tuple[tuple[str, str, int], ...]:
    """The obligation's six legs ``(ledger_account, asset, amount_minor)``, zeros included."""
    buyer = client_ledger_account(ob.buyer.broker_id, ob.buyer.account_id)
    seller = client_ledger_account(ob.seller.broker_id, ob.seller.account_id)
    quote, base = ob.quote_asset, ob.base_asset
    return (
        (buyer, quote, -(ob.quote_minor + ob.buyer_fee_minor)),
        (seller, quote, ob.quote_minor - ob.seller_fee_minor),
        (house_ledger_account(ob.buyer.broker_id), quote, ob.buyer_fee_minor),
        (house_ledger_account(ob.seller.broker_id), quote, ob.seller_fee_minor),
        (seller, base, -ob.base_minor),
        (buyer, base, ob.base_minor),
    )


def settlement_postings(obligations: Iterable[ObligationRecord]) -> tuple[SettlementLeg, ...]:
    """The postings that settle ``obligations`` together: their legs netted per (ledger
    account, asset) in order of first appearance, zeros left out. They balance per asset."""
    net: dict[tuple[str, str], int] = {}
    for ob in obligations:
        for account, asset, amount in _gross_legs(ob):
            net[account, asset] = net.get((account, asset), 0) + amount
    return tuple(SettlementLeg(key[0], key[1], amount) for key, amount in net.items() if amount)


def _hold_keys(ob: ObligationRecord) -> tuple[tuple[tuple[str, str], str], ...]:
    """Each side's hold and the (ledger account, asset) it reserves: the buyer's quote, the
    seller's base."""
    return (
        (
            (client_ledger_account(ob.buyer.broker_id, ob.buyer.account_id), ob.quote_asset),
            ob.buyer.hold_id,
        ),
        (
            (client_ledger_account(ob.seller.broker_id, ob.seller.account_id), ob.base_asset),
            ob.seller.hold_id,
        ),
    )


def settlement_holds(
    obligations: Iterable[ObligationRecord], postings: tuple[SettlementLeg, ...]
) -> tuple[str, ...]:
    """The holds a post of ``postings`` consumes: for each obligation the buyer's hold then the
    seller's, each named once, if the postings take from the (account, asset) it reserves."""
    taken: dict[tuple[str, str], int] = {}
    for leg in postings:
        key = (leg.ledger_account, leg.asset)
        taken[key] = taken.get(key, 0) - leg.amount_minor
    seen: dict[str, None] = {}
    for ob in obligations:
        for key, hold_id in _hold_keys(ob):
            if taken.get(key, 0) > 0:
                seen[hold_id] = None
    return tuple(seen)


def _position_deltas(ob: ObligationRecord) -> tuple[tuple[tuple[str, str, str], int], ...]:
    """What settling ``ob`` adds to each (broker_id, account_id, asset) position."""
    buyer, seller = ob.buyer, ob.seller
    return (
        ((buyer.broker_id, buyer.account_id, ob.base_asset), ob.base_minor),
        ((buyer.broker_id, buyer.account_id, ob.quote_asset), -ob.quote_minor - ob.buyer_fee_minor),
        ((seller.broker_id, seller.account_id, ob.base_asset), -ob.base_minor),
        (
            (seller.broker_id, seller.account_id, ob.quote_asset),
            ob.quote_minor - ob.seller_fee_minor,
        ),
        ((buyer.broker_id, HOUSE_ACCOUNT, ob.quote_asset), ob.buyer_fee_minor),
        ((seller.broker_id, HOUSE_ACCOUNT, ob.quote_asset), ob.seller_fee_minor),
    )


def _trade_order(ob: ObligationRecord) -> tuple[str, int]:
    return (ob.symbol, ob.trade_id)


# --- decide ---------------------------------------------------------------------------------------


def decide(
    state: ClearingState, command: ClearingCommand, ctx: Context
) -> list[ClearingEvent] | Rejection:
    """The events ``command`` produces against ``state``, or why it is refused. Pure."""
    if isinstance(command, _KERNEL_ONLY) and ctx.submitter != KERNEL_SUBMITTER:
        return reject(
            R.NOT_AUTHORISED,
            f"{type(command).__name__} is submitted only by the kernel, not {ctx.submitter!r}",
        )
    if isinstance(command, RecordTrade):
        return _decide_record_trade(state, command)
    if isinstance(command, ConfirmSettlement):
        return _decide_confirm(state, command)
    if isinstance(command, FailSettlement):
        return _decide_fail(state, command)
    if isinstance(command, CloseCycle):
        return _decide_close_cycle(state, command)
    if isinstance(command, CosignWithdrawal):
        return _decide_cosign(state, command)
    if isinstance(command, RegisterMarket):
        return _decide_register_market(state, command)
    if isinstance(command, Configure):
        return _decide_configure(state, command)
    raise InvariantViolation(
        f"clearing.decide given a non-clearing command {type(command).__name__}"
    )


def _bad_id(value: object, what: str, length_max: int) -> Rejection | None:
    """``INVALID_ID`` if ``value`` is not a well-formed id, else ``None``."""
    if not isinstance(value, str):
        return reject(R.INVALID_ID, f"{what} must be a string, got {type(value).__name__}")
    try:
        check_id(value, what, length_max)
    except ConditionFailed as exc:
        return reject(R.INVALID_ID, str(exc))
    return None


def _decide_configure(state: ClearingState, command: Configure) -> list[ClearingEvent] | Rejection:
    mode = command.mode
    if not isinstance(mode, str) or mode not in _MODES:
        return reject(R.INVALID_MODE, f"mode {mode!r} is not one of {sorted(_MODES)}")
    if state.open_obligations:
        first = min(state.open_obligations)
        return reject(
            R.OBLIGATIONS_PENDING,
            f"{len(state.open_obligations)} obligations are not yet settled or failed "
            f"(first {first!r})",
        )
    return [Configured(mode=SettlementMode(mode))]


def _decide_register_market(
    state: ClearingState, command: RegisterMarket
) -> list[ClearingEvent] | Rejection:
    symbol = command.symbol
    rejection = _bad_id(symbol, "symbol", limits.venue_symbol_length_max)
    if rejection is not None:
        return rejection
    if symbol in state.markets:
        return reject(R.MARKET_EXISTS, f"market {symbol!r} is already registered")
    record = MarketRecord(
        symbol=symbol,
        base_asset=command.base_asset,
        quote_asset=command.quote_asset,
        base_decimals=command.base_decimals,
        quote_decimals=command.quote_decimals,
        tick_size=command.tick_size,
        lot_size=command.lot_size,
    )
    built = _market_from(record)
    if isinstance(built, str):
        return reject(R.INVALID_MARKET, f"market {symbol!r}: {built}")
    if len(state.markets) >= limits.clearing_markets_max:
        return reject(
            R.CLEARING_FULL, f"clearing_markets_max {limits.clearing_markets_max} reached"
        )
    return [
        MarketRegistered(
            symbol=symbol,
            base_asset=record.base_asset,
            quote_asset=record.quote_asset,
            base_decimals=record.base_decimals,
            quote_decimals=record.quote_decimals,
            tick_size=record.tick_size,
            lot_size=record.lot_size,
        )
    ]


def _positive_int(value: object, bound: int) -> bool:
    return type(value) is int and 0 < value <= bound


def _check_party(role: str, party: Party) -> Rejection | None:
    """Why ``party`` cannot settle, or ``None``."""
    broker_id = party.broker_id
    if broker_id == "":
        return reject(
            R.UNKNOWN_PARTY,
            f"the {role}'s account {party.account_id!r} is known to no broker",
        )
    rejection = _bad_id(broker_id, f"{role} broker id", limits.account_id_length_max) or _bad_id(
        party.account_id, f"{role} account id", limits.account_id_length_max
    )
    if rejection is not None:
        return rejection
    if ":" in broker_id:
        return reject(R.INVALID_ID, f"{role} broker id {broker_id!r} may not contain ':'")
    if party.account_id == HOUSE_ACCOUNT:
        return reject(R.INVALID_ID, f"{role} account id {HOUSE_ACCOUNT!r} is reserved")
    rejection = (
        _bad_id(
            client_ledger_account(broker_id, party.account_id),
            f"{role} ledger account",
            limits.account_id_length_max,
        )
        or _bad_id(
            house_ledger_account(broker_id), f"{role} house account", limits.account_id_length_max
        )
        or _bad_id(
            party.broker_order_id,
            f"{role} broker order id",
            limits.venue_client_order_id_length_max,
        )
        or _bad_id(party.hold_id, f"{role} hold id", limits.hold_id_length_max)
    )
    if rejection is not None:
        return rejection
    fee_bps = party.fee_bps
    if type(fee_bps) is not int or not 0 <= fee_bps <= limits.clearing_fee_bps_max:
        return reject(
            R.INVALID_FEE,
            f"{role} fee_bps must be an integer 0..{limits.clearing_fee_bps_max}, got {fee_bps!r}",
        )
    return None


def _decide_record_trade(
    state: ClearingState, command: RecordTrade
) -> list[ClearingEvent] | Rejection:
    symbol = command.symbol
    found = state.markets.get(symbol)
    if found is None:
        bad = _bad_id(symbol, "symbol", limits.venue_symbol_length_max)
        if bad is not None:
            return bad
        return reject(R.UNKNOWN_MARKET, f"market {symbol!r} is not registered")
    trade_id = command.trade_id
    if not _positive_int(trade_id, _AMOUNT_MAX):
        return reject(R.INVALID_TRADE, f"trade_id must be a positive integer, got {trade_id!r}")
    ob_id = obligation_id(symbol, trade_id)
    if ob_id in state.obligations:
        return reject(R.DUPLICATE_TRADE, f"trade {ob_id!r} was already recorded")
    price_ticks, quantity_lots = command.price_ticks, command.quantity_lots
    if not _positive_int(price_ticks, limits.venue_price_ticks_max):
        return reject(
            R.INVALID_TRADE,
            f"price_ticks must be 1..{limits.venue_price_ticks_max}, got {price_ticks!r}",
        )
    if not _positive_int(quantity_lots, limits.venue_quantity_lots_max):
        return reject(
            R.INVALID_TRADE,
            f"quantity_lots must be 1..{limits.venue_quantity_lots_max}, got {quantity_lots!r}",
        )
    maker_side = command.maker_side
    if not isinstance(maker_side, int) or isinstance(maker_side, bool) or maker_side not in _SIDES:
        return reject(
            R.INVALID_TRADE, f"maker_side must be BUY (1) or SELL (2), got {maker_side!r}"
        )
    buyer, seller = command.buyer, command.seller
    rejection = _check_party("buyer", buyer) or _check_party("seller", seller)
    if rejection is not None:
        return rejection
    if buyer.hold_id == seller.hold_id:
        return reject(R.INVALID_TRADE, f"hold {buyer.hold_id!r} is named for both sides")
    base_minor, quote_minor = amounts(found, price_ticks, quantity_lots)
    record = found.record
    if quote_minor == 0:
        return reject(
            R.INVALID_TRADE,
            f"{quantity_lots} lots at {price_ticks} ticks is less than one "
            f"{record.quote_asset} minor unit",
        )
    buyer_fee = buyer_fee_minor(quote_minor, buyer.fee_bps)
    seller_fee = fee_minor(quote_minor, seller.fee_bps)
    if base_minor > _AMOUNT_MAX or quote_minor + buyer_fee + seller_fee > _AMOUNT_MAX:
        return reject(
            R.AMOUNT_OVERFLOW,
            f"trade {ob_id!r} amounts ({base_minor} {record.base_asset}, {quote_minor} + fees "
            f"{buyer_fee} + {seller_fee} {record.quote_asset}) exceed amount_minor_max",
        )
    if len(state.open_obligations) >= limits.clearing_open_obligations_max:
        return reject(
            R.CLEARING_FULL,
            f"clearing_open_obligations_max {limits.clearing_open_obligations_max} reached",
        )
    created = ObligationCreated(
        obligation_id=ob_id,
        symbol=symbol,
        trade_id=trade_id,
        price_ticks=price_ticks,
        quantity_lots=quantity_lots,
        maker_side=Side(maker_side),
        buyer=buyer,
        seller=seller,
        base_asset=record.base_asset,
        quote_asset=record.quote_asset,
        base_minor=base_minor,
        quote_minor=quote_minor,
        buyer_fee_minor=buyer_fee,
        seller_fee_minor=seller_fee,
        cycle=state.cycle,
    )
    events: list[ClearingEvent] = [created]
    if state.mode is SettlementMode.PER_TRADE:
        pending = _record_of(created)
        events += _instruct(instruction_id(state.next_instruction), [pending])
    return events


def _record_of(event: ObligationCreated) -> ObligationRecord:
    """The pending obligation ``event`` creates."""
    return ObligationRecord(
        obligation_id=event.obligation_id,
        symbol=event.symbol,
        trade_id=event.trade_id,
        price_ticks=event.price_ticks,
        quantity_lots=event.quantity_lots,
        maker_side=event.maker_side,
        buyer=event.buyer,
        seller=event.seller,
        base_asset=event.base_asset,
        quote_asset=event.quote_asset,
        base_minor=event.base_minor,
        quote_minor=event.quote_minor,
        buyer_fee_minor=event.buyer_fee_minor,
        seller_fee_minor=event.seller_fee_minor,
        cycle=event.cycle,
        status=ObligationStatus.PENDING,
        instruction_id="",
    )


def _instruct(instruction: str, obligations: list[ObligationRecord]) -> list[ClearingEvent]:
    """The instruction settling ``obligations``; if nothing moves, settled at once."""
    postings = settlement_postings(obligations)
    instructed = SettlementInstructed(
        instruction_id=instruction,
        obligation_ids=tuple(ob.obligation_id for ob in obligations),
        hold_ids=settlement_holds(obligations, postings),
        postings=postings,
    )
    if postings:
        return [instructed]
    return [instructed, *_settled_events(instruction, obligations)]


def _settled_events(instruction: str, obligations: list[ObligationRecord]) -> list[ClearingEvent]:
    """``SettlementConfirmed`` and each obligation's ``ObligationSettled``."""
    events: list[ClearingEvent] = [
        SettlementConfirmed(
            instruction_id=instruction,
            obligation_ids=tuple(ob.obligation_id for ob in obligations),
        )
    ]
    for ob in obligations:
        events.append(
            ObligationSettled(
                obligation_id=ob.obligation_id,
                instruction_id=instruction,
                symbol=ob.symbol,
                trade_id=ob.trade_id,
                price_ticks=ob.price_ticks,
                quantity_lots=ob.quantity_lots,
                maker_side=ob.maker_side,
                buyer=ob.buyer,
                seller=ob.seller,
                base_asset=ob.base_asset,
                quote_asset=ob.quote_asset,
                base_minor=ob.base_minor,
                quote_minor=ob.quote_minor,
                buyer_fee_minor=ob.buyer_fee_minor,
                seller_fee_minor=ob.seller_fee_minor,
                cycle=ob.cycle,
            )
        )
    return events


class _Batch:
    """An instruction being filled by ``CloseCycle``: its obligations, the hold on each held
    (account, asset), and the running net per (account, asset)."""

    __slots__ = ("hold_of_key", "key_of_hold", "net", "obligations")

    def __init__(self) -> None:
        self.obligations: list[ObligationRecord] = []
        self.hold_of_key: dict[tuple[str, str], str] = {}
        self.key_of_hold: dict[str, tuple[str, str]] = {}
        self.net: dict[tuple[str, str], int] = {}

    def fits(self, ob: ObligationRecord) -> bool:
        new_holds = 0
        for key, hold_id in _hold_keys(ob):
            if self.hold_of_key.get(key, hold_id) != hold_id:
                return False
            if self.key_of_hold.get(hold_id, key) != key:
                return False
            if hold_id not in self.key_of_hold:
                new_holds += 1
        if len(self.key_of_hold) + new_holds > limits.holds_per_post_max:
            return False
        net = dict(self.net)
        for account, asset, amount in _gross_legs(ob):
            net[account, asset] = net.get((account, asset), 0) + amount
        if sum(1 for amount in net.values() if amount) > limits.postings_per_transfer_max:
            return False
        if any(abs(amount) > _AMOUNT_MAX for amount in net.values()):
            return False
        return any(net.values())

    def add(self, ob: ObligationRecord) -> None:
        self.obligations.append(ob)
        for key, hold_id in _hold_keys(ob):
            self.hold_of_key[key] = hold_id
            self.key_of_hold[hold_id] = key
        for account, asset, amount in _gross_legs(ob):
            self.net[account, asset] = self.net.get((account, asset), 0) + amount


def _batches(pending: list[ObligationRecord]) -> list[_Batch]:
    """First fit, in the order given (see the module docstring)."""
    batches: list[_Batch] = []
    for ob in pending:
        for batch in batches:
            if batch.fits(ob):
                batch.add(ob)
                break
        else:
            batch = _Batch()
            batch.add(ob)
            batches.append(batch)
    return batches


def _decide_close_cycle(
    state: ClearingState, command: CloseCycle
) -> list[ClearingEvent] | Rejection:
    cycle = command.cycle
    if type(cycle) is not int or cycle != state.cycle:
        return reject(
            R.CYCLE_MISMATCH, f"the current cycle is {state.cycle}, the command closes {cycle!r}"
        )
    events: list[ClearingEvent] = [CycleClosed(cycle=cycle)]
    if state.mode is SettlementMode.NETTED:
        pending = sorted(
            (
                ob
                for ob in (state.obligations[ob_id] for ob_id in state.open_obligations)
                if ob.status is ObligationStatus.PENDING and ob.cycle == cycle
            ),
            key=_trade_order,
        )
        number = state.next_instruction
        for batch in _batches(pending):
            events += _instruct(instruction_id(number), batch.obligations)
            number += 1
    return events


def _find_open_instruction(state: ClearingState, instruction: str) -> InstructionRecord | Rejection:
    found = state.instructions.get(instruction)
    if found is None:
        bad = _bad_id(instruction, "instruction id", limits.transfer_id_length_max)
        if bad is not None:
            return bad
        return reject(R.UNKNOWN_INSTRUCTION, f"instruction {instruction!r} was never issued")
    if found.status is not InstructionStatus.OPEN:
        return reject(
            R.INSTRUCTION_NOT_OPEN, f"instruction {instruction!r} is {found.status}, not open"
        )
    return found


def _decide_confirm(
    state: ClearingState, command: ConfirmSettlement
) -> list[ClearingEvent] | Rejection:
    found = _find_open_instruction(state, command.instruction_id)
    if isinstance(found, Rejection):
        return found
    obligations = [state.obligations[ob_id] for ob_id in found.obligation_ids]
    return _settled_events(found.instruction_id, obligations)


def _decide_fail(state: ClearingState, command: FailSettlement) -> list[ClearingEvent] | Rejection:
    found = _find_open_instruction(state, command.instruction_id)
    if isinstance(found, Rejection):
        return found
    code = command.code
    if not _positive_int(code, _AMOUNT_MAX):
        return reject(R.INVALID_FAILURE, f"failure code must be a positive integer, got {code!r}")
    name = command.name
    bad = _bad_id(name, "failure name", limits.account_id_length_max)
    if bad is not None:
        return reject(R.INVALID_FAILURE, bad.message)
    message = command.message
    if not isinstance(message, str):
        return reject(
            R.INVALID_FAILURE, f"failure message must be a string, got {type(message).__name__}"
        )
    return [
        SettlementFailed(
            instruction_id=found.instruction_id,
            obligation_ids=found.obligation_ids,
            code=code,
            name=name,
            message=message[: limits.clearing_failure_message_length_max],
        )
    ]


def _decide_cosign(
    state: ClearingState, command: CosignWithdrawal
) -> list[ClearingEvent] | Rejection:
    withdrawal_id = command.withdrawal_id
    rejection = _bad_id(withdrawal_id, "withdrawal id", limits.custody_withdrawal_id_length_max)
    if rejection is not None:
        return rejection
    if withdrawal_id in state.withdrawals:
        return reject(R.DUPLICATE_WITHDRAWAL, f"withdrawal {withdrawal_id!r} was already co-signed")
    broker_id, account_id = command.broker_id, command.account_id
    rejection = _bad_id(broker_id, "broker id", limits.account_id_length_max) or _bad_id(
        account_id, "account id", limits.account_id_length_max
    )
    if rejection is not None:
        return rejection
    asset = command.asset
    try:
        check_asset_code(asset, limits.asset_code_length_max)
    except (ConditionFailed, TypeError) as exc:
        return reject(R.INVALID_ASSET, str(exc))
    amount = command.amount_minor
    if not _positive_int(amount, _AMOUNT_MAX):
        return reject(
            R.INVALID_AMOUNT,
            f"amount_minor must be a positive integer within amount_minor_max, got {amount!r}",
        )
    blocking = sorted(
        ob_id
        for ob_id in state.open_obligations
        if _owes(state.obligations[ob_id], broker_id, account_id, asset)
    )
    if blocking:
        return reject(
            R.UNSETTLED_OBLIGATIONS,
            f"account {account_id!r} of {broker_id!r} owes {asset} in {len(blocking)} unsettled "
            f"obligations (first {blocking[0]!r})",
        )
    return [
        WithdrawalCosigned(
            withdrawal_id=withdrawal_id,
            broker_id=broker_id,
            account_id=account_id,
            asset=asset,
            amount_minor=amount,
        )
    ]


def _owes(ob: ObligationRecord, broker_id: str, account_id: str, asset: str) -> bool:
    """Whether the account delivers (as seller, the base) or pays (as buyer, the quote)
    ``asset`` in ``ob``."""
    seller, buyer = ob.seller, ob.buyer
    delivers = (
        asset == ob.base_asset and seller.broker_id == broker_id and seller.account_id == account_id
    )
    pays = (
        asset == ob.quote_asset and buyer.broker_id == broker_id and buyer.account_id == account_id
    )
    return delivers or pays


# --- evolve ---------------------------------------------------------------------------------------


def evolve(state: ClearingState, event: ClearingEvent) -> None:
    """Apply one event in place. Total: it asserts what ``decide`` guaranteed, never validates."""
    if isinstance(event, ObligationCreated):
        _evolve_created(state, event)
    elif isinstance(event, SettlementInstructed):
        _evolve_instructed(state, event)
    elif isinstance(event, SettlementConfirmed):
        _close_instruction(state, event.instruction_id, InstructionStatus.SETTLED, 0, "", "")
    elif isinstance(event, ObligationSettled):
        _evolve_settled(state, event)
    elif isinstance(event, SettlementFailed):
        _close_instruction(
            state,
            event.instruction_id,
            InstructionStatus.FAILED,
            event.code,
            event.name,
            event.message,
        )
        for ob_id in event.obligation_ids:
            _move(state, ob_id, ObligationStatus.FAILED)
            del state.open_obligations[ob_id]
    elif isinstance(event, CycleClosed):
        invariant(event.cycle == state.cycle, "CycleClosed names the current cycle")
        state.cycle += 1
    elif isinstance(event, WithdrawalCosigned):
        invariant(event.withdrawal_id not in state.withdrawals, "a withdrawal co-signed twice")
        state.withdrawals[event.withdrawal_id] = WithdrawalRecord(
            withdrawal_id=event.withdrawal_id,
            broker_id=event.broker_id,
            account_id=event.account_id,
            asset=event.asset,
            amount_minor=event.amount_minor,
        )
    elif isinstance(event, MarketRegistered):
        invariant(event.symbol not in state.markets, "MarketRegistered for a known market")
        built = _market_from(
            MarketRecord(
                symbol=event.symbol,
                base_asset=event.base_asset,
                quote_asset=event.quote_asset,
                base_decimals=event.base_decimals,
                quote_decimals=event.quote_decimals,
                tick_size=event.tick_size,
                lot_size=event.lot_size,
            )
        )
        if isinstance(built, str):
            raise InvariantViolation(f"MarketRegistered {event.symbol!r}: {built}")
        state.markets[event.symbol] = built
    elif isinstance(event, Configured):
        invariant(not state.open_obligations, "Configured while obligations are open")
        state.mode = event.mode
    else:
        raise InvariantViolation(
            f"clearing.evolve given a non-clearing event {type(event).__name__}"
        )


def _evolve_created(state: ClearingState, event: ObligationCreated) -> None:
    ob_id = event.obligation_id
    invariant(ob_id not in state.obligations, f"obligation {ob_id!r} created twice")
    invariant(event.symbol in state.markets, f"obligation {ob_id!r} in an unknown market")
    invariant(event.cycle == state.cycle, f"obligation {ob_id!r} outside the current cycle")
    state.obligations[ob_id] = _record_of(event)
    state.open_obligations[ob_id] = None


def _evolve_instructed(state: ClearingState, event: SettlementInstructed) -> None:
    instruction = event.instruction_id
    invariant(
        instruction == instruction_id(state.next_instruction),
        f"instruction {instruction!r} out of sequence",
    )
    invariant(bool(event.obligation_ids), f"instruction {instruction!r} covers no obligation")
    cycle = state.obligations[event.obligation_ids[0]].cycle
    for ob_id in event.obligation_ids:
        ob = _move(state, ob_id, ObligationStatus.INSTRUCTED)
        invariant(ob.cycle == cycle, f"instruction {instruction!r} spans cycles")
        state.obligations[ob_id] = msgspec.structs.replace(
            ob, status=ObligationStatus.INSTRUCTED, instruction_id=instruction
        )
    state.instructions[instruction] = InstructionRecord(
        instruction_id=instruction,
        cycle=cycle,
        obligation_ids=event.obligation_ids,
        hold_ids=event.hold_ids,
        postings=event.postings,
        status=InstructionStatus.OPEN,
        failure_code=0,
        failure_name="",
        failure_message="",
    )
    state.next_instruction += 1


def _evolve_settled(state: ClearingState, event: ObligationSettled) -> None:
    ob_id = event.obligation_id
    ob = _move(state, ob_id, ObligationStatus.SETTLED)
    invariant(
        ob.instruction_id == event.instruction_id, f"{ob_id!r} settled by another instruction"
    )
    invariant(
        state.instructions[ob.instruction_id].status is InstructionStatus.SETTLED,
        f"{ob_id!r} settled before its instruction",
    )
    del state.open_obligations[ob_id]
    book = state.positions
    for key, delta in _position_deltas(ob):
        amount = book.get(key, 0) + delta
        if amount:
            book[key] = amount
        else:
            book.pop(key, None)


def _move(state: ClearingState, ob_id: str, status: ObligationStatus) -> ObligationRecord:
    """Move obligation ``ob_id`` to ``status`` along the transition table; return it as it was."""
    ob = state.obligations.get(ob_id)
    if ob is None or status not in OBLIGATION_TRANSITIONS[ob.status]:
        raise InvariantViolation(f"obligation {ob_id!r} cannot become {status}")
    state.obligations[ob_id] = msgspec.structs.replace(ob, status=status)
    return ob


def _close_instruction(
    state: ClearingState,
    instruction: str,
    status: InstructionStatus,
    code: int,
    name: str,
    message: str,
) -> None:
    found = state.instructions.get(instruction)
    if found is None or status not in INSTRUCTION_TRANSITIONS[found.status]:
        raise InvariantViolation(f"instruction {instruction!r} cannot become {status}")
    state.instructions[instruction] = msgspec.structs.replace(
        found, status=status, failure_code=code, failure_name=name, failure_message=message
    )


# --- reading --------------------------------------------------------------------------------------


def market(state: ClearingState, symbol: str) -> Market | None:
    """The registered market ``symbol`` (for ``amounts``), or ``None``."""
    return state.markets.get(symbol)


def position(state: ClearingState, broker_id: str, account_id: str, asset: str) -> int:
    """The account's settled net position in ``asset`` (``account_id="house"``: broker fees)."""
    return state.positions.get((broker_id, account_id, asset), 0)


def positions(state: ClearingState) -> tuple[PositionRecord, ...]:
    """Every non-zero position, sorted by (broker_id, account_id, asset)."""
    return tuple(
        PositionRecord(broker_id=key[0], account_id=key[1], asset=key[2], amount_minor=amount)
        for key, amount in sorted(state.positions.items())
    )


def obligation(state: ClearingState, ob_id: str) -> ObligationRecord | None:
    """The obligation ``ob_id`` (``"<symbol>:<trade_id>"``), or ``None``."""
    return state.obligations.get(ob_id)


def pending_obligations(state: ClearingState) -> tuple[ObligationRecord, ...]:
    """The obligations not yet instructed, sorted by (symbol, trade_id)."""
    return _open_with(state, (ObligationStatus.PENDING,))


def unsettled_obligations(state: ClearingState) -> tuple[ObligationRecord, ...]:
    """The obligations pending or instructed, sorted by (symbol, trade_id)."""
    return _open_with(state, (ObligationStatus.PENDING, ObligationStatus.INSTRUCTED))


def _open_with(
    state: ClearingState, statuses: tuple[ObligationStatus, ...]
) -> tuple[ObligationRecord, ...]:
    found = (state.obligations[ob_id] for ob_id in state.open_obligations)
    return tuple(sorted((ob for ob in found if ob.status in statuses), key=_trade_order))


def instruction(state: ClearingState, instruction_id: str) -> InstructionRecord | None:
    """The settlement instruction ``instruction_id`` (``"settle:<n>"``), or ``None``."""
    return state.instructions.get(instruction_id)


# --- hashing, snapshots, invariants ---------------------------------------------------------------


def canonical(state: ClearingState) -> ClearingSnapshot:
    """The state in canonical form: every list sorted by its id."""
    return ClearingSnapshot(
        mode=state.mode,
        cycle=state.cycle,
        next_instruction=state.next_instruction,
        markets=tuple(state.markets[symbol].record for symbol in sorted(state.markets)),
        obligations=tuple(state.obligations[key] for key in sorted(state.obligations)),
        instructions=tuple(state.instructions[key] for key in sorted(state.instructions)),
        positions=positions(state),
        withdrawals=tuple(state.withdrawals[key] for key in sorted(state.withdrawals)),
    )


def state_hash(state: ClearingState) -> bytes:
    """SHA-256 over the canonical form, labelled ``STATE_HASH_DOMAIN``."""
    return state_digest(STATE_HASH_DOMAIN, canonical(state))


def snapshot(state: ClearingState) -> bytes:
    """The canonical bytes of the whole state; ``restore`` reads them back."""
    return encode(canonical(state))


def restore(data: bytes) -> ClearingState:
    """The state ``snapshot`` wrote. Raises ``ConditionFailed`` if the bytes do not decode, are
    not in canonical order, or describe a state that breaks an invariant."""
    snap = decode(data, ClearingSnapshot)
    _require_sorted_unique([r.symbol for r in snap.markets], "markets")
    _require_sorted_unique([r.obligation_id for r in snap.obligations], "obligations")
    _require_sorted_unique([r.instruction_id for r in snap.instructions], "instructions")
    _require_sorted_unique(
        [(r.broker_id, r.account_id, r.asset) for r in snap.positions], "positions"
    )
    _require_sorted_unique([r.withdrawal_id for r in snap.withdrawals], "withdrawals")
    state = ClearingState()
    state.mode = snap.mode
    state.cycle = snap.cycle
    state.next_instruction = snap.next_instruction
    for market_record in snap.markets:
        built = _market_from(market_record)
        if isinstance(built, str):
            raise ConditionFailed(f"clearing snapshot market {market_record.symbol!r}: {built}")
        state.markets[market_record.symbol] = built
    for ob in snap.obligations:
        state.obligations[ob.obligation_id] = ob
        if ob.status in (ObligationStatus.PENDING, ObligationStatus.INSTRUCTED):
            state.open_obligations[ob.obligation_id] = None
    for found in snap.instructions:
        state.instructions[found.instruction_id] = found
    for record in snap.positions:
        if record.amount_minor == 0:
            raise ConditionFailed("clearing snapshot lists a zero position")
        state.positions[record.broker_id, record.account_id, record.asset] = record.amount_minor
    for withdrawal in snap.withdrawals:
        state.withdrawals[withdrawal.withdrawal_id] = withdrawal
    violation = _find_violation(state)
    if violation is not None:
        raise ConditionFailed(f"clearing snapshot is inconsistent: {violation}")
    return state


def _require_sorted_unique(keys: list[Any], what: str) -> None:
    require_sorted_unique(keys, what, "clearing")


def check_invariants(state: ClearingState) -> None:
    """Raise ``InvariantViolation`` if the state could not have come from valid commands."""
    violation = _find_violation(state)
    if violation is not None:
        raise InvariantViolation(violation)


def _find_violation(state: ClearingState) -> str | None:
    """The first invariant ``state`` breaks, or ``None``. Checks, in order: mode, cycle and
    instruction counter; markets; each obligation (its id, market, amounts and fees, cycle, and
    status agreeing with its instruction's); the open index; each instruction (its obligations,
    holds, and postings: exactly the netted legs, balanced per asset, within the ledger's
    limits); positions equal to the settled obligations' deltas and summing to zero per asset;
    withdrawals."""
    if state.mode not in _MODES or type(state.cycle) is not int or state.cycle < 1:
        return f"mode {state.mode!r} or cycle {state.cycle!r} out of range"
    if state.next_instruction != len(state.instructions) + 1:
        return f"next instruction {state.next_instruction} after {len(state.instructions)} issued"
    return (
        _market_violation(state)
        or _obligation_violation(state)
        or _instruction_violation(state)
        or _position_violation(state)
        or _withdrawal_violation(state)
    )


def _market_violation(state: ClearingState) -> str | None:
    for symbol, found in sorted(state.markets.items()):
        rebuilt = _market_from(found.record)
        if isinstance(rebuilt, str) or symbol != found.record.symbol:
            return f"market {symbol!r} is malformed: {rebuilt}"
        if (rebuilt.base_minor_per_lot, rebuilt.quote_numerator, rebuilt.quote_denominator) != (
            found.base_minor_per_lot,
            found.quote_numerator,
            found.quote_denominator,
        ):
            return f"market {symbol!r} derived amounts do not follow its definition"
    return None


def _obligation_violation(state: ClearingState) -> str | None:
    open_ids: list[str] = []
    for ob_id, ob in sorted(state.obligations.items()):
        found = state.markets.get(ob.symbol)
        if ob_id != ob.obligation_id or ob_id != obligation_id(ob.symbol, ob.trade_id):
            return f"obligation {ob_id!r} is filed under the wrong id"
        if found is None:
            return f"obligation {ob_id!r} is in unknown market {ob.symbol!r}"
        record = found.record
        if (ob.base_asset, ob.quote_asset) != (record.base_asset, record.quote_asset):
            return f"obligation {ob_id!r} assets differ from its market's"
        if (ob.base_minor, ob.quote_minor) != amounts(found, ob.price_ticks, ob.quantity_lots):
            return f"obligation {ob_id!r} amounts do not follow its price and quantity"
        if ob.quote_minor <= 0 or ob.base_minor <= 0:
            return f"obligation {ob_id!r} has a non-positive amount"
        if ob.buyer_fee_minor != buyer_fee_minor(ob.quote_minor, ob.buyer.fee_bps) or (
            ob.seller_fee_minor != fee_minor(ob.quote_minor, ob.seller.fee_bps)
        ):
            return f"obligation {ob_id!r} fees do not follow the fee rates"
        if not 1 <= ob.cycle <= state.cycle:
            return f"obligation {ob_id!r} is in cycle {ob.cycle}, after {state.cycle}"
        if ob.status not in OBLIGATION_TRANSITIONS:
            return f"obligation {ob_id!r} has status {ob.status!r}"
        if ob.status is ObligationStatus.PENDING:
            open_ids.append(ob_id)
            if ob.instruction_id:
                return f"pending obligation {ob_id!r} names instruction {ob.instruction_id!r}"
            if state.mode is not SettlementMode.NETTED or ob.cycle != state.cycle:
                return f"obligation {ob_id!r} is pending outside the current netting cycle"
            continue
        if ob.status is ObligationStatus.INSTRUCTED:
            open_ids.append(ob_id)
        covering = state.instructions.get(ob.instruction_id)
        if covering is None or ob_id not in covering.obligation_ids:
            return f"obligation {ob_id!r} is {ob.status} without an instruction covering it"
        if _STATUS_UNDER.get(covering.status) is not ob.status:
            return f"obligation {ob_id!r} is {ob.status} under a {covering.status} instruction"
    if sorted(state.open_obligations) != open_ids:
        return "the open obligations index does not match the obligations"
    return None


def _instruction_violation(state: ClearingState) -> str | None:
    for number in range(1, state.next_instruction):
        key = instruction_id(number)
        found = state.instructions.get(key)
        if found is None or found.instruction_id != key:
            return f"instruction {key!r} is missing"
        if not found.obligation_ids or len(set(found.obligation_ids)) != len(found.obligation_ids):
            return f"instruction {key!r} covers no obligation, or one twice"
        covered = []
        for ob_id in found.obligation_ids:
            ob = state.obligations.get(ob_id)
            if ob is None or ob.instruction_id != key or ob.cycle != found.cycle:
                return f"instruction {key!r} covers {ob_id!r}, which is not its own"
            covered.append(ob)
        if found.postings != settlement_postings(covered):
            return f"instruction {key!r} postings are not its obligations' legs"
        if found.hold_ids != settlement_holds(covered, found.postings):
            return f"instruction {key!r} names holds {found.hold_ids}, not its obligations'"
        if len(found.hold_ids) > limits.holds_per_post_max:
            return f"instruction {key!r} names {len(found.hold_ids)} holds"
        if len(found.postings) > limits.postings_per_transfer_max:
            return f"instruction {key!r} has {len(found.postings)} postings"
        if not found.postings and (
            len(covered) != 1 or found.status is not InstructionStatus.SETTLED
        ):
            return f"instruction {key!r} moves nothing but is not one settled obligation"
        per_asset: dict[str, int] = {}
        for leg in found.postings:
            if leg.amount_minor == 0 or abs(leg.amount_minor) > _AMOUNT_MAX:
                return f"instruction {key!r} has a posting of {leg.amount_minor}"
            per_asset[leg.asset] = per_asset.get(leg.asset, 0) + leg.amount_minor
        if any(per_asset.values()):
            return f"instruction {key!r} postings do not balance per asset: {per_asset}"
        failed = found.status is InstructionStatus.FAILED
        if found.status not in INSTRUCTION_TRANSITIONS or failed != (found.failure_code > 0):
            return f"instruction {key!r} is {found.status} with failure {found.failure_code}"
        if not failed and (found.failure_name or found.failure_message):
            return f"instruction {key!r} is {found.status} with a failure"
    return None


def _position_violation(state: ClearingState) -> str | None:
    expected: dict[tuple[str, str, str], int] = {}
    for _, ob in sorted(state.obligations.items()):
        if ob.status is ObligationStatus.SETTLED:
            for key, delta in _position_deltas(ob):
                expected[key] = expected.get(key, 0) + delta
    expected = {key: amount for key, amount in expected.items() if amount}
    if expected != state.positions:
        return "positions differ from the settled obligations"
    totals: dict[str, int] = {}
    for (_, _, asset), amount in sorted(state.positions.items()):
        totals[asset] = totals.get(asset, 0) + amount
    for asset, total in sorted(totals.items()):
        if total != 0:
            return f"{asset} positions sum to {total}, not zero"
    return None


def _withdrawal_violation(state: ClearingState) -> str | None:
    for withdrawal_id, record in sorted(state.withdrawals.items()):
        if withdrawal_id != record.withdrawal_id or not 0 < record.amount_minor <= _AMOUNT_MAX:
            return f"withdrawal {withdrawal_id!r} is malformed"
    return None
