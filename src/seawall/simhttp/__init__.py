"""The seeded simulator driving a served market over its Binance-compatible REST API.

The same agents and manipulators as an in-process run (``seawall.sim``), with the same seed,
trade through client accounts with API keys by signed REST calls to ``seawall serve``: the
market sees only what a real client sends. This package speaks HTTP only: it imports the
simulator's agents and ``seawall.core``, never the kernel, the journal or an institution.

Modules: ``client`` (signed requests, request limits, the request log), ``market`` (each agent
action as a REST call, replies back into the agents' market data), ``accounts`` (the keys file,
creating the accounts through the server), ``runner`` (a run and its outputs), ``errors``.
"""

from seawall.simhttp.accounts import load_keys, provision, save_keys
from seawall.simhttp.client import ApiClient, Credentials
from seawall.simhttp.errors import ApiRefusedError, ApiUnavailableError, Refusal
from seawall.simhttp.market import Book, HttpMarket, Refused
from seawall.simhttp.runner import HttpRunResult, HttpSimulation, write_outputs

__all__ = [
    "ApiClient",
    "ApiRefusedError",
    "ApiUnavailableError",
    "Book",
    "Credentials",
    "HttpMarket",
    "HttpRunResult",
    "HttpSimulation",
    "Refusal",
    "Refused",
    "load_keys",
    "provision",
    "save_keys",
    "write_outputs",
]
