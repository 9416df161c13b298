"""Adapters to the world outside the domain: storage, clock, later the bus and the chain.

Only adapters raise operating errors; each maps foreign exceptions into ``core.errors``.
"""
