"""Seeded simulation: workloads and (later) agents, manipulators and faults. One seed reproduces
any run exactly; randomness comes only from ``random.Random(seed)`` instances, never the global
generator."""
