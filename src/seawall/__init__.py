"""Seawall: a virtual-asset market whose duties are split between institutions that check each
other.

Each institution (identity, broker, venue, clearing, custody, ledger, regulator) is a pure,
deterministic state machine; the kernel composes them and every command and outcome goes into one
signed, hash-chained journal, which anyone can replay to the same state hash.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
