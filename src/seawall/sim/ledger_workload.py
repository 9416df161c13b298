"""A seeded random ledger workload: valid and invalid commands mixed, for replay tests and
benchmarks. The same seed always gives the same commands."""

from __future__ import annotations

import random

from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.ledger.commands import (
    CreateHold,
    DefineAsset,
    FreezeAccount,
    HoldId,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    UnfreezeAccount,
    VoidHold,
)
from seawall.ledger.state import AccountKind

__all__ = ["workload"]

ASSETS = [AssetCode("USD"), AssetCode("BTC"), AssetCode("ETH")]


def workload(seed: int, count: int) -> list[object]:
    """``count`` commands: a set-up, then a random mix in which about a fifth are rejected."""
    rng = random.Random(seed)
    commands: list[object] = [
        DefineAsset(code=a, decimals=d) for a, d in zip(ASSETS, (2, 8, 18), strict=True)
    ]
    wallets = [AccountId(f"wallet-{a.lower()}") for a in ASSETS]
    commands += [OpenAccount(w, AccountKind.ASSET, a) for w, a in zip(wallets, ASSETS, strict=True)]
    clients = [AccountId(f"client-{i}") for i in range(12)]
    commands += [OpenAccount(c, AccountKind.CLIENT) for c in clients]
    holds: list[tuple[HoldId, AccountId, AssetCode, int]] = []
    for i in range(count - len(commands)):
        roll = rng.random()
        asset_index = rng.randrange(len(ASSETS))
        asset, wallet = ASSETS[asset_index], wallets[asset_index]
        client = rng.choice(clients)
        amount = rng.randint(-5, 10_000)
        if roll < 0.25:
            commands.append(
                Transfer(
                    TransferId(f"dep-{i}"),
                    (Posting(wallet, asset, -amount), Posting(client, asset, amount)),
                )
            )
        elif roll < 0.5:
            other = rng.choice(clients)
            commands.append(
                Transfer(
                    TransferId(f"x-{i}"),
                    (Posting(client, asset, -amount), Posting(other, asset, amount)),
                )
            )
        elif roll < 0.65:
            hold = HoldId(f"h-{i}")
            holds.append((hold, client, asset, amount))
            commands.append(CreateHold(hold, client, asset, amount))
        elif roll < 0.8 and holds:
            hold, owner, hold_asset, held = holds.pop(rng.randrange(len(holds)))
            taken = rng.randint(0, max(held, 0))
            other = rng.choice(clients)
            commands.append(
                PostHold(
                    (hold,),
                    TransferId(f"p-{i}"),
                    (Posting(owner, hold_asset, -taken), Posting(other, hold_asset, taken)),
                )
            )
        elif roll < 0.9 and holds:
            hold = holds.pop(rng.randrange(len(holds)))[0]
            commands.append(VoidHold(hold))
        elif roll < 0.95:
            commands.append(
                FreezeAccount(client) if rng.random() < 0.5 else UnfreezeAccount(client)
            )
        else:
            commands.append(Transfer(TransferId(f"dep-{rng.randrange(i + 1)}"), ()))
    return commands
