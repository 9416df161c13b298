"""Request limits as Binance applies them: request weight per minute, counted per IP and per API
key, and new orders per 10 seconds and per day per key.

Windows are fixed and aligned (the minute, ten seconds, the UTC day), as Binance's are. A request
that would go over its limit is refused with HTTP 429 and ``Retry-After`` (the seconds until the
window resets) and is not processed. A client that keeps sending after its 429s (more than
``ban_after_refusals`` refused requests in one window) has its IP banned for ``ban_s`` seconds:
HTTP 418, with ``Retry-After``. The used weight is reported on every response in
``X-MBX-USED-WEIGHT-1M`` (the IP's, as Binance does), and order counts in
``X-MBX-ORDER-COUNT-10S`` and ``X-MBX-ORDER-COUNT-1D``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from seawall.api import errors as e
from seawall.api.keys import DEFAULT_TIERS, Tier

__all__ = ["DAY_MS", "LimitConfig", "RateLimiter"]

MINUTE_MS: Final = 60_000
TEN_S_MS: Final = 10_000
DAY_MS: Final = 86_400_000


@dataclass(slots=True)
class LimitConfig:
    """The limits in force: per IP weight per minute, the tiers of keys, the ban policy."""

    ip_weight_per_minute: int = 6_000
    tiers: dict[str, Tier] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    ban_after_refusals: int = 50
    ban_s: int = 120


class _Window:
    __slots__ = ("counts", "refusals", "start_ms")

    def __init__(self) -> None:
        self.start_ms = -1
        self.counts: dict[str, int] = {}
        self.refusals: dict[str, int] = {}

    def roll(self, now_ms: int, length_ms: int) -> None:
        start = now_ms - now_ms % length_ms
        if start != self.start_ms:
            self.start_ms = start
            self.counts = {}
            self.refusals = {}


def _retry_after_s(now_ms: int, start_ms: int, length_ms: int) -> int:
    return max(1, -(-(start_ms + length_ms - now_ms) // 1000))


class RateLimiter:
    """Counts request weight and orders; refuses what goes over (``ApiError`` 429 / 418)."""

    def __init__(self, config: LimitConfig | None = None) -> None:
        self.config = config or LimitConfig()
        self._ip = _Window()
        self._key = _Window()
        self._orders_10s = _Window()
        self._orders_day = _Window()
        self._banned_until_ms: dict[str, int] = {}

    def tier(self, name: str) -> Tier:
        return (
            self.config.tiers.get(name)
            or self.config.tiers.get("retail")
            or DEFAULT_TIERS["retail"]
        )

    def charge(
        self, ip: str, api_key: str | None, tier: str | None, weight: int, now_ms: int
    ) -> int:
        """Add ``weight`` for ``ip`` (and ``api_key``); return the IP's used weight this minute."""
        banned = self._banned_until_ms.get(ip)
        if banned is not None:
            if now_ms < banned:
                seconds = max(1, -(-(banned - now_ms) // 1000))
                raise e.ApiError(
                    e.BinanceError(
                        -1003,
                        f"Way too much request weight used; IP banned until {banned}. "
                        "Please use WebSocket Streams for live updates to avoid bans.",
                        418,
                    ),
                    retry_after_s=seconds,
                )
            del self._banned_until_ms[ip]
        window = self._ip
        window.roll(now_ms, MINUTE_MS)
        used = window.counts.get(ip, 0) + weight
        limit = self.config.ip_weight_per_minute
        if used > limit:
            self._refuse(ip, window, now_ms, limit)
        if api_key is not None:
            key_window = self._key
            key_window.roll(now_ms, MINUTE_MS)
            key_used = key_window.counts.get(api_key, 0) + weight
            key_limit = self.tier(tier or "retail").weight_per_minute
            if key_used > key_limit:
                self._refuse(ip, window, now_ms, key_limit)
            key_window.counts[api_key] = key_used
        window.counts[ip] = used
        return used

    def _refuse(self, ip: str, window: _Window, now_ms: int, limit: int) -> None:
        refusals = window.refusals.get(ip, 0) + 1
        window.refusals[ip] = refusals
        retry = _retry_after_s(now_ms, window.start_ms, MINUTE_MS)
        if refusals > self.config.ban_after_refusals:
            until = now_ms + self.config.ban_s * 1000
            self._banned_until_ms[ip] = until
            raise e.ApiError(
                e.BinanceError(
                    -1003,
                    f"Way too much request weight used; IP banned until {until}. "
                    "Please use WebSocket Streams for live updates to avoid bans.",
                    418,
                ),
                retry_after_s=self.config.ban_s,
            )
        raise e.ApiError(
            e.BinanceError(
                -1003,
                f"Too much request weight used; current limit is {limit} request weight per "
                "1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the "
                "API.",
                429,
            ),
            retry_after_s=retry,
        )

    def used_weight(self, ip: str, now_ms: int) -> int:
        self._ip.roll(now_ms, MINUTE_MS)
        return self._ip.counts.get(ip, 0)

    def count_order(self, api_key: str, tier: str, now_ms: int) -> tuple[int, int]:
        """Count one new order for ``api_key``; return its counts (10 s, day), or refuse -1015."""
        limits = self.tier(tier)
        ten = self._orders_10s
        ten.roll(now_ms, TEN_S_MS)
        day = self._orders_day
        day.roll(now_ms, DAY_MS)
        count_10s = ten.counts.get(api_key, 0) + 1
        count_day = day.counts.get(api_key, 0) + 1
        if count_10s > limits.orders_per_10s:
            raise e.ApiError(
                e.BinanceError(
                    -1015,
                    f"Too many new orders; current limit is {limits.orders_per_10s} orders per "
                    "10 SECOND.",
                    429,
                ),
                retry_after_s=_retry_after_s(now_ms, ten.start_ms, TEN_S_MS),
            )
        if count_day > limits.orders_per_day:
            raise e.ApiError(
                e.BinanceError(
                    -1015,
                    f"Too many new orders; current limit is {limits.orders_per_day} orders per "
                    "1 DAY.",
                    429,
                ),
                retry_after_s=_retry_after_s(now_ms, day.start_ms, DAY_MS),
            )
        ten.counts[api_key] = count_10s
        day.counts[api_key] = count_day
        return count_10s, count_day
