"""The simulated clients' accounts on a served market: which the agents need, the keys file
that holds their API keys, and creating them through the server.

Every agent names the accounts it trades through (``Agent.people``: a person, a broker, the
account's label). Over HTTP each is a client of the served market with an API key, listed in a
**keys file** by label::

    {"accounts": {"noise-0": {"apiKey": ..., "secretKey": ..., "brokerId": "broker-b",
                              "accountId": "acct-..."}, ...}}

(each entry is what ``seawall accounts create --json`` prints). ``provision`` creates the
missing ones the way ``seawall accounts create`` does while ``seawall serve`` runs: the
loopback admin call ``POST /seawall/v1/accounts`` with the token the server wrote to
``DATA/serve.json``; identity onboards each (professional, KYC derived from
``<prefix><label>``) and custody confirms its deposits, as much as an in-process run funds.

That call makes unrelated clients only, so a scenario whose accounts must be *linked* (one
person's two accounts, an algorithm and its owner, a shared bank account, an account the venue
restricts: ``wash_owner``, the ``operator_*`` ones) cannot be provisioned this way (``links``
says why); run it in process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, NamedTuple

from seawall.sim.agents import Agent
from seawall.sim.manipulators import Manipulator
from seawall.simhttp.client import ApiClient, Credentials
from seawall.simhttp.errors import ApiRefusedError

__all__ = [
    "ACCOUNTS_PATH",
    "FUNDING_UNITS",
    "Needed",
    "links",
    "load_keys",
    "needed",
    "provision",
    "save_keys",
]

ACCOUNTS_PATH: Final = "/seawall/v1/accounts"
#: What each simulated account is funded with, in whole units (what an in-process run credits).
FUNDING_UNITS: Final = {"USD": "100000000", "BTC": "1000", "LTC": "10000"}
_FUNDING_OTHER: Final = "1000000"


class Needed(NamedTuple):
    """An account an agent trades through."""

    label: str
    broker_id: str
    agent: str
    person: str


def needed(agents: list[Agent]) -> list[Needed]:
    """Every account of ``agents``, in the order the agents list them."""
    return [
        Needed(label, broker_id, agent.name, person)
        for agent in agents
        for person, broker_id, label, _ in agent.people
    ]


def links(agents: list[Agent]) -> list[str]:
    """Why some accounts of ``agents`` cannot be created as unrelated clients (empty: they
    can)."""
    reasons = []
    for agent in agents:
        people = [person for person, *_ in agent.people]
        if len(set(people)) < len(people):
            reasons.append(f"{agent.name}: one person's accounts at two brokers")
        if any(owner >= 0 for *_, owner in agent.people):
            reasons.append(f"{agent.name}: an algorithm account owned by another account")
        if agent.origins:
            reasons.append(f"{agent.name}: accounts funded from one bank account")
        if isinstance(agent, Manipulator) and agent.restricted:
            reasons.append(f"{agent.name}: an account the venue restricts")
    return reasons


def load_keys(path: Path) -> dict[str, Credentials]:
    """The keys file at ``path`` (empty when there is none)."""
    if not path.exists():
        return {}
    try:
        raw: dict[str, Any] = json.loads(path.read_text())
        return {
            label: Credentials(
                label, entry["brokerId"], entry["accountId"], entry["apiKey"], entry["secretKey"]
            )
            for label, entry in sorted(raw["accounts"].items())
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiRefusedError(f"{path} is not a keys file: {exc}") from exc


def save_keys(path: Path, keys: dict[str, Credentials]) -> None:
    """Write ``keys`` to ``path``, readable by its owner only (it holds secrets)."""
    accounts = {
        label: {
            "apiKey": each.api_key,
            "secretKey": each.secret_key,
            "brokerId": each.broker_id,
            "accountId": each.account_id,
        }
        for label, each in sorted(keys.items())
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps({"accounts": accounts}, indent=1, sort_keys=True) + "\n")


def provision(
    client: ApiClient,
    admin_token: str,
    accounts: list[Needed],
    assets: list[str],
    *,
    prefix: str = "sim-",
    tier: str | None = None,
) -> dict[str, Credentials]:
    """Create ``accounts`` on the server (see the module docstring), funded in ``assets``;
    their credentials by label. ``ApiRefusedError`` names the first account the server refused."""
    fund = ",".join(f"{asset}={FUNDING_UNITS.get(asset, _FUNDING_OTHER)}" for asset in assets)
    created = {}
    for account in accounts:
        payload: dict[str, Any] = {
            "broker": account.broker_id,
            "class": "professional",
            "fund": fund,
            "name": f"{prefix}{account.label}",
        }
        if tier is not None:
            payload["tier"] = tier
        body = client.admin(ACCOUNTS_PATH, payload, admin_token)
        created[account.label] = Credentials(
            account.label, body["brokerId"], body["accountId"], body["apiKey"], body["secretKey"]
        )
    return created
