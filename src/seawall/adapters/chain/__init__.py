"""Chain adapters: where custody's wallets live and what they hold on chain.

``MemoryChain`` is the deterministic in-memory chain that ships with the package (the test double,
and the default until a real chain is wired in): balances per address and asset, and the wallet
keys custody hands it so that each wallet can sign a proof-of-control challenge. A real adapter
(``web3`` against an ``eth-tester`` / ``py-evm`` chain, or a node's RPC) implements the same
``ChainAdapter`` protocol and replaces it; it alone raises ``ChainError`` for the outside world's
failures.
"""

from seawall.adapters.chain.base import ADDRESS_PREFIX, ChainAdapter, ChainError, address_for
from seawall.adapters.chain.memory import MemoryChain

__all__ = ["ADDRESS_PREFIX", "ChainAdapter", "ChainError", "MemoryChain", "address_for"]
