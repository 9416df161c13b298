"""A load generator for crash tests: a market on a data directory placing client orders as fast
as it can, writing each acknowledged client order id to an acknowledgements file only after the
group holding it committed. Kill it at any moment: every id in that file must survive.

Run as ``python -m seawall.sim.loadgen DIR`` (it runs until killed, or ``--orders N``).
"""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

from seawall.adapters.storage import open_store
from seawall.broker.state import Side
from seawall.core.clock import StepClock
from seawall.core.signing import SigningKey
from seawall.sim.genesis import open_market
from seawall.sim.setup import (
    configure_assets,
    create_markets,
    deposit,
    onboard,
    place,
    register_brokers,
)

__all__ = ["ACKS_FILE", "main", "run"]

ACKS_FILE = "acked-orders.txt"
KEY = SigningKey.from_label("seawall-loadgen")
PRICE = 9_000_000


def run(data: Path, orders: int | None, group: int, seed: int) -> None:
    data.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    acks = (data / ACKS_FILE).open("a", encoding="ascii")
    with open_store(data / "journal.sqlite") as store:
        # Time only orders entries here, so a clock that restarts is fine: the sequencer keeps
        # timestamps strictly increasing across restarts.
        market = open_market(store, KEY, StepClock(), snapshot_every_entries=2_000)
        if market.state("broker").brokers == {}:
            configure_assets(market)
            register_brokers(market)
            create_markets(market, ("BTCUSD",))
            for name, broker_id in (("alice", "broker-a"), ("bob", "broker-b")):
                account = onboard(market, broker_id, name)
                deposit(market, f"usd-{name}", broker_id, account, "USD", 10**13, f"bank-{name}")
                deposit(market, f"btc-{name}", broker_id, account, "BTC", 10**13, f"bc1q{name}")
            market.commit()
        clients = [
            (broker_id, account)
            for broker_id, book in sorted(market.state("broker").brokers.items())
            for account in sorted(book.clients)
        ]
        placed = 0
        pending: list[str] = []
        restart = market.last_seq
        while orders is None or placed < orders:
            broker_id, account = clients[placed % len(clients)]
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            price = PRICE + rng.randint(-50, 50) * 100
            client_order_id = f"r{restart}-{placed}"
            outcome = place(
                market,
                broker_id,
                account,
                "BTCUSD",
                side,
                price,
                rng.randint(1, 50),
                client_order_id,
            )
            if outcome.accepted:
                pending.append(f"{broker_id} {account} {client_order_id}")
            placed += 1
            if len(pending) >= group:
                market.commit()
                acks.write("".join(f"{line}\n" for line in pending))
                acks.flush()
                os.fsync(acks.fileno())
                pending = []
        market.commit()
        acks.write("".join(f"{line}\n" for line in pending))
        acks.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--group", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    run(arguments.data, arguments.orders, arguments.group, arguments.seed)


if __name__ == "__main__":
    main()
