"""``seawall verify --url``: what a running Seawall's API publishes (markets, order books,
recent trades) against the transparency log replayed to exactly the log size each response
reflects. It passes on a real served market that trades, even while it keeps trading; a
tampered read model fails with the failure's own exit code and a message naming the market,
the price level (or trade) and both values."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from seawall.api.readmodels import MarketData
from seawall.cli.main import app as cli
from seawall.verifier import EXIT_CODES, LOG_SIZE_HEADER, ApiReader, VerificationFailed, verify_log
from seawall.verifier.check import fetcher_for
from seawall.verifier.published import http_get


def _verify(live: Any, reader: ApiReader | None = None, wait_s: float = 30.0) -> Any:
    log_key, witnesses = live.vkeys()
    return verify_log(
        fetcher_for(f"{live.url}/web/log"),
        log_key,
        witnesses,
        api=reader or ApiReader(live.url),
        wait_s=wait_s,
    )


def _cli(live: Any, *extra: str) -> Any:
    keys = str(live.data / "log.vkeys")
    return CliRunner().invoke(cli, ["verify", "--url", live.url, "--keys", keys, *extra])


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def traded(live: Any) -> Any:
    """Resting orders on both sides of BTCUSD and two trades, all through the REST API."""
    live.order(0, "SELL", "90010.00", "0.01000")
    live.order(0, "SELL", "90020.00", "0.02000")
    live.order(1, "BUY", "89990.00", "0.01000")
    live.order(1, "BUY", "89980.00", "0.03000")
    assert live.order(1, "BUY", "90010.00", "0.00500")["status"] == "FILLED"
    assert live.order(0, "SELL", "89990.00", "0.01000")["status"] == "FILLED"
    return live


def test_every_read_response_says_the_log_size_it_reflects(traded: Any) -> None:
    for path in ("/api/v3/depth?symbol=BTCUSD", "/api/v3/trades?symbol=BTCUSD", "/api/v3/time"):
        status, headers, _ = http_get(f"{traded.url}{path}")
        assert status == 200
        size = {k.lower(): v for k, v in headers.items()}[LOG_SIZE_HEADER.lower()]
        assert int(size) >= 1


def test_a_served_market_that_trades_verifies_against_its_api(traded: Any) -> None:
    result = _verify(traded)
    lines = "\n".join(result.compared)
    assert "BTCUSD book" in lines and "1 bid and 2 ask levels match" in lines
    assert "BTCUSD recent trades" in lines and ": 2 match" in lines
    assert "markets listed" in lines and "public-state.json matches" in lines
    checked = _cli(traded)
    assert checked.exit_code == 0, checked.output
    assert "BTCUSD book" in checked.output


def _away_from_touch(live: Any, count: int) -> None:
    """An order away from the best levels (the book's touch and the trades stay as the other
    tests expect them)."""
    buy = count % 2 == 1
    price = f"{89_000 if buy else 91_000}.{count % 100:02d}"
    live.order(count % 2, "BUY" if buy else "SELL", price, "0.00100")


def test_the_market_moving_between_two_requests_is_compared_soundly(traded: Any) -> None:
    """An order lands after every API response, so no two responses reflect the same log
    size: each is compared with the log replayed to the size it states."""
    sizes: list[int] = []

    def get_then_trade(url: str) -> tuple[int, Mapping[str, str], bytes]:
        status, headers, body = http_get(url)
        if "/api/v3/" in url:
            sizes.append(int({k.lower(): v for k, v in headers.items()}[LOG_SIZE_HEADER.lower()]))
            _away_from_touch(traded, len(sizes))
        return status, headers, body

    result = _verify(traded, ApiReader(traded.url, get=get_then_trade))
    assert len(set(sizes)) == len(sizes) > 2
    assert result.size >= max(sizes)
    assert sum(" match" in line for line in result.compared) >= len(sizes) - 1


def test_it_verifies_while_the_market_keeps_trading(traded: Any) -> None:
    stop = threading.Event()
    placed = [0]

    def trade() -> None:
        while not stop.wait(0.02):
            placed[0] += 1
            _away_from_touch(traded, placed[0])

    trader = threading.Thread(target=trade)
    trader.start()
    try:
        while placed[0] < 5:
            stop.wait(0.05)
        result = _verify(traded)
    finally:
        stop.set()
        trader.join(timeout=30)
    assert any("BTCUSD book" in line for line in result.compared)


def test_a_tampered_order_book_fails_naming_market_level_and_values(
    traded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = MarketData.top

    def tampered(self: MarketData, depth: int) -> tuple[list[tuple[int, int]], Any]:
        bids, asks = original(self, depth)
        if self.symbol == "BTCUSD" and bids:
            price, quantity = bids[0]
            bids = [(price, quantity + 1), *bids[1:]]  # one lot more at the best bid
        return bids, asks

    monkeypatch.setattr(MarketData, "top", tampered)
    with pytest.raises(VerificationFailed) as caught:
        _verify(traded)
    assert caught.value.what == "depth" and caught.value.exit_code == EXIT_CODES["depth"] == 17
    best_bid = "BTCUSD bid at price 89980.00: the log has quantity 0.03000, the API shows 0.03001"
    assert best_bid in str(caught.value)
    checked = _cli(traded)
    assert checked.exit_code == 17
    assert best_bid in _flat(checked.output)


def test_tampered_recent_trades_fail_naming_the_trade_and_values(
    traded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seawall.api.rest as rest

    original = rest.trade_json

    def tampered(fmt: Any, trade: Any) -> dict[str, Any]:
        row = original(fmt, trade)
        if fmt.symbol == "BTCUSD" and trade.trade_id == 2:
            row["price"] = "89990.01000000"
        return row

    monkeypatch.setattr(rest, "trade_json", tampered)
    checked = _cli(traded)
    assert checked.exit_code == EXIT_CODES["trades"] == 18
    assert "BTCUSD trade 2 price: the log has 89990.00, the API shows 89990.01000000" in _flat(
        checked.output
    )


def _rewrite_header(change: Any) -> Any:
    def get(url: str) -> tuple[int, Mapping[str, str], bytes]:
        status, headers, body = http_get(url)
        kept = {k: v for k, v in headers.items() if k.lower() != LOG_SIZE_HEADER.lower()}
        value = change(headers)
        if value is not None:
            kept[LOG_SIZE_HEADER] = value
        return status, kept, body

    return get


def test_an_api_that_does_not_say_its_log_size_cannot_be_verified(traded: Any) -> None:
    with pytest.raises(VerificationFailed) as caught:
        _verify(traded, ApiReader(traded.url, get=_rewrite_header(lambda headers: None)))
    assert caught.value.what == "api" and caught.value.exit_code == 14
    assert LOG_SIZE_HEADER in str(caught.value)


def test_figures_no_checkpoint_ever_covers_are_unsettled(traded: Any) -> None:
    reader = ApiReader(traded.url, get=_rewrite_header(lambda headers: str(10**9)))
    with pytest.raises(VerificationFailed) as caught:
        _verify(traded, reader, wait_s=0.3)
    assert caught.value.what == "unsettled" and caught.value.exit_code == 15
    assert "reflects log size 1000000000" in str(caught.value)


def test_a_doctored_balance_in_the_public_state_is_named(published: Path) -> None:
    path = published / "log" / "public-state.json"
    state = json.loads(path.read_text())
    account = sorted(state["balances"])[0]
    asset = sorted(state["balances"][account])[0]
    state["balances"][account][asset] += 1
    path.write_text(json.dumps(state))
    lines = (published / "log.vkeys").read_text().split()
    with pytest.raises(VerificationFailed) as caught:
        verify_log(fetcher_for(str(published / "log")), lines[0], lines[1:])
    assert caught.value.what == "public state" and caught.value.exit_code == 12
    assert f"balances/{account}/{asset}:" in str(caught.value)
    assert str(state["balances"][account][asset]) in str(caught.value)
