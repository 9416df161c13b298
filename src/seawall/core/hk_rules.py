"""Hong Kong rules as configuration: each value here is a rule an institution applies, and
``docs/hong-kong-rules.md`` cites its source. A change to any value changes decisions, so it
comes with a ``LOGIC_VERSION`` bump like any other logic change.

Money values are in HKD minor units (cents); ratios in basis points (1 % = 100 bps).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "COLD_STORAGE_MIN_BPS",
    "HOT_STORAGE_MAX_BPS",
    "INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN",
    "OPERATOR_PROPRIETARY_TRADING_ALLOWED",
    "PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN",
    "RETAIL_NEEDS_SUITABILITY_ASSESSMENT",
    "TRAVEL_RULE_THRESHOLD_HKD_MINOR",
    "WITHDRAWAL_DESTINATION_COOLING_OFF_NS",
]

#: At least 98 % of client virtual assets in cold storage (SFC VATP Guidelines, ch. 10).
COLD_STORAGE_MIN_BPS: Final = 9_800
#: Hence at most 2 % in hot wallets.
HOT_STORAGE_MAX_BPS: Final = 10_000 - COLD_STORAGE_MIN_BPS
#: An individual is a professional investor with a portfolio of at least HK$8,000,000
#: (Securities and Futures (Professional Investor) Rules, Cap. 571D).
PROFESSIONAL_PORTFOLIO_HKD_MINOR_MIN: Final = 8_000_000 * 100
#: A corporation is professional with total assets of at least HK$40,000,000 (Cap. 571D).
INSTITUTIONAL_TOTAL_ASSETS_HKD_MINOR_MIN: Final = 40_000_000 * 100
#: Travel-rule originator and beneficiary data for virtual-asset transfers of HK$8,000 or more
#: (SFC AML/CFT Guideline, ch. 12).
TRAVEL_RULE_THRESHOLD_HKD_MINOR: Final = 8_000 * 100
#: A platform operator must not trade on its own account (SFC VATP Guidelines, conflicts of
#: interest).
OPERATOR_PROPRIETARY_TRADING_ALLOWED: Final = False
#: Retail clients pass a knowledge and suitability assessment before their first trade
#: (SFC VATP Guidelines, dealing with clients).
RETAIL_NEEDS_SUITABILITY_ASSESSMENT: Final = True
#: A new withdrawal destination takes effect only after a cooling-off delay (Seawall policy,
#: in the spirit of the SFC's whitelisting of client withdrawal addresses): 24 hours.
WITHDRAWAL_DESTINATION_COOLING_OFF_NS: Final = 24 * 3600 * 1_000_000_000
