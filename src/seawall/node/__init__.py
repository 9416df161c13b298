"""A node's data directory: its keys, and what the entry points (CLI, API server) share about
where things live. Above the kernel, below every entry point."""
