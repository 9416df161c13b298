"""Each published figure against the public state replayed to the log size it reflects.

``check(figure, replay)`` is called with ``replay.last_seq == figure.log_size``; it returns a
line saying what matched, or raises ``VerificationFailed`` naming the market, the price level
(or trade, or account and asset) and the two values: the log's and the publisher's.

Prices and quantities are compared as exact decimals: the log's integer ticks and lots times the
market's tick and lot size (from its ``venue.market_created`` event) against the API's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from seawall.core.errors import InvariantViolation, invariant
from seawall.verifier.errors import VerificationFailed
from seawall.verifier.published import (
    Published,
    PublishedDepth,
    PublishedMarkets,
    PublishedState,
    PublishedTrades,
)
from seawall.verifier.replay import Replay

__all__ = ["check"]


def _at(figure: Published) -> str:
    return f"{figure.source}, at log size {figure.log_size}"


def _steps(replay: Replay, symbol: str) -> tuple[Decimal, Decimal]:
    terms = replay.state.markets.get(symbol)
    if terms is None:
        raise VerificationFailed("markets", f"{symbol} is not in the log at seq {replay.last_seq}")
    return Decimal(terms["tick_size"]), Decimal(terms["lot_size"])


def _text(value: Decimal | None) -> str:
    return "nothing" if value is None else format(value, "f")


def _markets(figure: PublishedMarkets, replay: Replay) -> str:
    missing = [s for s in figure.symbols if s not in replay.state.markets]
    if missing:
        raise VerificationFailed(
            "markets",
            f"the API lists {', '.join(missing)}, which the log does not have at seq "
            f"{replay.last_seq} ({_at(figure)})",
        )
    return f"{len(figure.symbols)} markets listed, all in the log at seq {figure.log_size}"


def _side(
    symbol: str,
    side: str,
    ours: list[tuple[int, int]],
    theirs: tuple[tuple[Decimal, Decimal], ...],
    steps: tuple[Decimal, Decimal],
    figure: PublishedDepth,
) -> None:
    tick, lot = steps
    logged = {price * tick: quantity * lot for price, quantity in ours[: figure.levels]}
    shown: dict[Decimal, Decimal] = {}
    for price, quantity in theirs:
        if price in shown:
            raise VerificationFailed(
                "depth",
                f"{symbol} {side} at {_text(price)}: the API shows it twice ({_at(figure)})",
            )
        shown[price] = quantity
    if logged == shown:
        return
    best_first = sorted(set(logged) | set(shown), reverse=side == "bid")
    for price in best_first:
        if logged.get(price) != shown.get(price):
            raise VerificationFailed(
                "depth",
                f"{symbol} {side} at price {_text(price)}: the log has quantity "
                f"{_text(logged.get(price))}, the API shows {_text(shown.get(price))} "
                f"({_at(figure)})",
            )


def _depth(figure: PublishedDepth, replay: Replay) -> str:
    steps = _steps(replay, figure.symbol)
    bids, asks = replay.state.book(figure.symbol)
    _side(figure.symbol, "bid", bids, figure.bids, steps, figure)
    _side(figure.symbol, "ask", asks, figure.asks, steps, figure)
    return (
        f"{figure.symbol} book at seq {figure.log_size}: {len(figure.bids)} bid and "
        f"{len(figure.asks)} ask levels match"
    )


def _trades(figure: PublishedTrades, replay: Replay) -> str:
    symbol = figure.symbol
    tick, lot = _steps(replay, symbol)
    logged = {t.trade_id: t for t in replay.recent_trades(symbol, figure.count)}
    shown = {t.trade_id: t for t in figure.trades}
    if len(shown) != len(figure.trades):
        raise VerificationFailed(
            "trades", f"{symbol}: the API shows a trade id twice ({_at(figure)})"
        )
    for trade_id in sorted(set(logged) | set(shown)):
        ours, theirs = logged.get(trade_id), shown.get(trade_id)
        if ours is None or theirs is None:
            detail = (
                "the API shows it, the log has no such trade"
                if ours is None
                else "the log has it, the API does not show it"
            )
            raise VerificationFailed(
                "trades", f"{symbol} trade {trade_id}: {detail} ({_at(figure)})"
            )
        fields: tuple[tuple[str, object, object], ...] = (
            ("price", _text(ours.price_ticks * tick), _text(theirs.price)),
            ("quantity", _text(ours.quantity_lots * lot), _text(theirs.quantity)),
            ("time_ms", ours.time_ms, theirs.time_ms),
            ("isBuyerMaker", ours.buyer_maker, theirs.buyer_maker),
        )
        exact = (
            ours.price_ticks * tick == theirs.price,
            ours.quantity_lots * lot == theirs.quantity,
            ours.time_ms == theirs.time_ms,
            ours.buyer_maker == theirs.buyer_maker,
        )
        for (name, log_value, api_value), same in zip(fields, exact, strict=True):
            if not same:
                raise VerificationFailed(
                    "trades",
                    f"{symbol} trade {trade_id} {name}: the log has {log_value}, the API shows "
                    f"{api_value} ({_at(figure)})",
                )
    return f"{symbol} recent trades at seq {figure.log_size}: {len(shown)} match"


def _differences(ours: Any, theirs: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """``(path, ours, theirs)`` where two JSON values differ, depth first, in key order."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs)):
            here = f"{path}/{key}" if path else str(key)
            if key not in ours or key not in theirs:
                yield here, ours.get(key), theirs.get(key)
            else:
                yield from _differences(ours[key], theirs[key], here)
    elif isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            yield from _differences(mine, other, f"{path}[{index}]")
    elif ours != theirs or type(ours) is not type(theirs):
        yield path, ours, theirs


def _state(figure: PublishedState, replay: Replay) -> str:
    ours = replay.state.canonical()
    for path, mine, theirs in _differences(ours, figure.state):
        raise VerificationFailed(
            "public state",
            f"{path}: replaying {figure.log_size} entries gives {mine!r}, {figure.source} says "
            f"{theirs!r}",
        )
    digest = replay.state.state_hash().hex()
    if digest != figure.state_hash:
        raise VerificationFailed(
            "public state",
            f"replaying {figure.log_size} entries gives state {digest}, {figure.source} says "
            f"{figure.state_hash}",
        )
    return f"{figure.source} matches the state at seq {figure.log_size} ({digest[:16]}...)"


def check(figure: Published, replay: Replay) -> str:
    """Compare ``figure`` with ``replay`` (replayed to ``figure.log_size``)."""
    invariant(
        replay.last_seq == figure.log_size,
        f"{figure.source} compared at seq {replay.last_seq}, not {figure.log_size}",
    )
    if isinstance(figure, PublishedMarkets):
        return _markets(figure, replay)
    if isinstance(figure, PublishedDepth):
        return _depth(figure, replay)
    if isinstance(figure, PublishedTrades):
        return _trades(figure, replay)
    if isinstance(figure, PublishedState):
        return _state(figure, replay)
    raise InvariantViolation(f"no comparison for {type(figure).__name__}")
