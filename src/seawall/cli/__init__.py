"""The ``seawall`` command line: demo, journal verification, replay and benchmarks."""
