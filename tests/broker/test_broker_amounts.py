"""The integer arithmetic of a market: lots in base minor units, notionals in quote minor units
(exact when whole, otherwise rounded up for holds), fees rounded up, the band's top price, and
the quote-to-tick-lot conversion the kernel uses for quote-sized market orders. Checked against
``fractions.Fraction`` as the obviously correct oracle."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seawall.broker import (
    MarketRecord,
    base_minor,
    fee_minor,
    notional_bounds,
    notional_minor,
    price_bound_ticks,
    quote_tick_lots,
)
from seawall.broker.amounts import market_fractions
from seawall.core.errors import UnitError


def terms(tick_size: str, lot_size: str, base_decimals: int, quote_decimals: int) -> MarketRecord:
    return MarketRecord(
        symbol="XY",
        base_asset="X",
        quote_asset="Y",
        base_decimals=base_decimals,
        quote_decimals=quote_decimals,
        tick_size=tick_size,
        lot_size=lot_size,
        price_band_bps=0,
        retail_admitted=False,
        last_price_ticks=0,
    )


BTCUSD = terms("0.01", "0.00001", 8, 2)
ETHBTC = terms("0.000001", "0.0001", 18, 8)
COARSE = terms("5", "10", 0, 0)

markets = st.sampled_from(
    [BTCUSD, ETHBTC, COARSE, terms("0.5", "0.25", 2, 3), terms("0.0001", "1", 6, 6)]
)


def exact(market: MarketRecord, price_ticks: int, quantity_lots: int) -> Fraction:
    return (
        price_ticks
        * quantity_lots
        * Fraction(market.tick_size)
        * Fraction(market.lot_size)
        * 10**market.quote_decimals
    )


def test_market_fractions() -> None:
    assert market_fractions("0.01", "0.00001", 8, 2) == (1_000, 1, 100_000)
    assert market_fractions("0.000001", "0.0001", 18, 8) == (10**14, 1, 100)
    assert market_fractions("5", "10", 0, 0) == (10, 50, 1)


@pytest.mark.parametrize(
    ("tick_size", "lot_size", "base_decimals"),
    [("0", "1", 0), ("-0.01", "1", 0), ("1e-2", "1", 0), ("0.01", "abc", 8), ("0.01", "0.5", 0)],
)
def test_bad_steps_are_refused(tick_size: str, lot_size: str, base_decimals: int) -> None:
    with pytest.raises(UnitError):
        market_fractions(tick_size, lot_size, base_decimals, 2)


def test_known_values() -> None:
    # 0.1 BTC at 49,000.00 is 4,900.00 USD exactly
    assert notional_minor(BTCUSD, 4_900_000, 10_000) == 490_000
    assert notional_bounds(BTCUSD, 4_900_000, 10_000) == (490_000, 490_000)
    # 1 lot at 49,000.01 is 0.4900001 USD: held as 0.50, a fill may say 0.49 or 0.50
    assert notional_minor(BTCUSD, 4_900_001, 1) == 50
    assert notional_bounds(BTCUSD, 4_900_001, 1) == (49, 50)
    assert base_minor(BTCUSD, 10_000) == 10_000_000
    assert base_minor(ETHBTC, 3) == 3 * 10**14
    assert notional_minor(ETHBTC, 1, 3) == 1
    assert fee_minor(490_000, 20) == 980
    assert fee_minor(1, 20) == 1
    assert fee_minor(0, 1_000) == 0
    assert fee_minor(10_000, 0) == 0
    assert price_bound_ticks(5_000_000, 1_000) == 5_500_000
    assert price_bound_ticks(3, 1) == 4
    assert quote_tick_lots(BTCUSD, 50) == 5_000_000
    assert quote_tick_lots(ETHBTC, 3) == 300


@given(markets, st.integers(1, 10**12), st.integers(1, 10**12))
def test_notional_rounds_up_and_bounds_bracket_the_exact_value(
    market: MarketRecord, price_ticks: int, quantity_lots: int
) -> None:
    value = exact(market, price_ticks, quantity_lots)
    low, high = notional_bounds(market, price_ticks, quantity_lots)
    assert low <= value <= high
    assert high - low == (0 if value.denominator == 1 else 1)
    assert notional_minor(market, price_ticks, quantity_lots) == high
    assert base_minor(market, quantity_lots) == quantity_lots * Fraction(market.lot_size) * 10 ** (
        market.base_decimals
    )


@given(st.integers(0, 10**18), st.integers(0, 10_000))
def test_fee_is_the_rate_rounded_up(notional: int, bps: int) -> None:
    fee = fee_minor(notional, bps)
    assert fee - 1 < Fraction(notional * bps, 10_000) <= fee


@given(markets, st.integers(0, 10**15))
def test_quote_tick_lots_is_the_most_that_quote_pays_for(market: MarketRecord, quote: int) -> None:
    tick_lots = quote_tick_lots(market, quote)
    per_tick_lot = exact(market, 1, 1)
    assert tick_lots * per_tick_lot <= quote < (tick_lots + 1) * per_tick_lot


@given(st.integers(1, 10**12), st.integers(0, 10_000))
def test_the_band_top_is_never_below_the_venues(last_price_ticks: int, band_bps: int) -> None:
    venue_top = last_price_ticks * (10_000 + band_bps) // 10_000
    top = price_bound_ticks(last_price_ticks, band_bps)
    assert venue_top <= top <= venue_top + 1
