"""Benchmark of the Merkle tree against a peer (``pymerkle``), measured side by side in one run.

What it measures, for ``MerkleTree`` (in memory) and for ``pymerkle.InmemoryTree`` (with its
RFC 6962 prefixes, so both compute the same roots) over the same leaves:

* ``append_per_s``: leaves appended one call each (raw leaf bytes, hashing included);
* ``extend_per_s``: leaves appended in one batch call (``extend`` / ``append_entries``);
* ``root_us``: root hash at a random earlier size;
* ``inclusion_proof_us`` / ``inclusion_verify_us``: build / check one inclusion proof;
* ``consistency_proof_us`` / ``consistency_verify_us``: same for consistency proofs.

``ratios`` holds ours / peer for each figure: above 1 is better for ``*_per_s``, below 1 is
better for ``*_us``; ``speedups`` states every figure as "times faster than the peer".
``roots_agree`` checks that both trees computed the same roots (the peer is also a witness of
our hashing). The peer is imported lazily, only here: the package never depends on it.

This module reads the clock and a seeded ``random.Random``; it is a tool, not domain code.
Timings are for reporting, never asserted in tests. Nothing is written to disk.
"""

from __future__ import annotations

import importlib.metadata
import platform
import random
import time
from collections.abc import Callable
from typing import Any, Final

from seawall.core.errors import condition
from seawall.transparency.merkle import MerkleTree, verify_consistency, verify_inclusion

__all__ = ["GOAL_APPEND_PER_S", "Progress", "run"]

#: The append rate the in-memory tree must reach.
GOAL_APPEND_PER_S: Final = 500_000

#: ``progress(phase, phases_done, phases_total)``: called before each phase and once at the end.
Progress = Callable[[str, int, int], None]

_PHASES: Final = (
    "seawall: append",
    "seawall: extend",
    "seawall: proofs",
    "pymerkle: append",
    "pymerkle: extend",
    "pymerkle: proofs",
)
_FIGURES: Final = (
    "append_per_s",
    "extend_per_s",
    "root_us",
    "inclusion_proof_us",
    "inclusion_verify_us",
    "consistency_proof_us",
    "consistency_verify_us",
)


def _leaves(count: int) -> list[bytes]:
    """Deterministic 32-byte leaves, the size of a hash-linked journal projection digest."""
    return [index.to_bytes(8, "big") * 4 for index in range(count)]


def _per_s(count: int, elapsed_ns: int) -> float:
    return count / max(elapsed_ns, 1) * 1e9


def _us_each(count: int, elapsed_ns: int) -> float:
    return elapsed_ns / max(count, 1) / 1e3


def _challenges(leaves_count: int, proofs_count: int) -> list[tuple[int, int, int]]:
    """Seeded ``(index, size1, size2)``: ``index < size2`` and ``0 < size1 < size2``."""
    rng = random.Random(6962)  # noqa: S311 - reproducible challenges, not cryptography
    challenges = []
    for _ in range(proofs_count):
        size2 = rng.randint(2, leaves_count)
        size1 = rng.randint(1, size2 - 1)
        challenges.append((rng.randrange(size2), size1, size2))
    return challenges


def _measure_ours(
    leaves: list[bytes], challenges: list[tuple[int, int, int]], step: Callable[[int], None]
) -> tuple[dict[str, float], list[bytes]]:
    step(0)
    tree = MerkleTree()
    append = tree.append
    start = time.perf_counter_ns()
    for leaf in leaves:
        append(leaf)
    tree.flush()
    append_ns = time.perf_counter_ns() - start

    step(1)
    batch_tree = MerkleTree()
    start = time.perf_counter_ns()
    batch_tree.extend(leaves)
    batch_tree.flush()
    extend_ns = time.perf_counter_ns() - start

    step(2)
    start = time.perf_counter_ns()
    roots = [tree.root(size2) for _, _, size2 in challenges]
    root_ns = time.perf_counter_ns() - start
    roots1 = [tree.root(size1) for _, size1, _ in challenges]

    start = time.perf_counter_ns()
    inclusion = [tree.inclusion_proof(index, size2) for index, _, size2 in challenges]
    inclusion_ns = time.perf_counter_ns() - start
    leaf_hashes = [tree.leaf_hash_at(index) for index, _, _ in challenges]
    start = time.perf_counter_ns()
    for (index, _, size2), leaf_hash, proof, root in zip(
        challenges, leaf_hashes, inclusion, roots, strict=True
    ):
        verify_inclusion(leaf_hash, index, size2, proof, root)
    inclusion_verify_ns = time.perf_counter_ns() - start

    start = time.perf_counter_ns()
    consistency = [tree.consistency_proof(size1, size2) for _, size1, size2 in challenges]
    consistency_ns = time.perf_counter_ns() - start
    start = time.perf_counter_ns()
    for (_, size1, size2), proof, root1, root2 in zip(
        challenges, consistency, roots1, roots, strict=True
    ):
        verify_consistency(size1, size2, proof, root1, root2)
    consistency_verify_ns = time.perf_counter_ns() - start

    count = len(challenges)
    figures = {
        "append_per_s": _per_s(len(leaves), append_ns),
        "extend_per_s": _per_s(len(leaves), extend_ns),
        "root_us": _us_each(count, root_ns),
        "inclusion_proof_us": _us_each(count, inclusion_ns),
        "inclusion_verify_us": _us_each(count, inclusion_verify_ns),
        "consistency_proof_us": _us_each(count, consistency_ns),
        "consistency_verify_us": _us_each(count, consistency_verify_ns),
    }
    return figures, roots


def _measure_pymerkle(
    leaves: list[bytes], challenges: list[tuple[int, int, int]], step: Callable[[int], None]
) -> tuple[dict[str, float], list[bytes]]:
    # The peer: a benchmark-only dependency, imported here and nowhere else.
    import pymerkle  # type: ignore[import-untyped,import-not-found,unused-ignore]

    step(3)
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    append = tree.append_entry
    start = time.perf_counter_ns()
    for leaf in leaves:
        append(leaf)
    append_ns = time.perf_counter_ns() - start

    step(4)
    batch_tree = pymerkle.InmemoryTree(algorithm="sha256")
    start = time.perf_counter_ns()
    batch_tree.append_entries(leaves)
    extend_ns = time.perf_counter_ns() - start

    step(5)
    start = time.perf_counter_ns()
    roots = [tree.get_root(size2) for _, _, size2 in challenges]
    root_ns = time.perf_counter_ns() - start
    roots1 = [tree.get_root(size1) for _, size1, _ in challenges]

    start = time.perf_counter_ns()  # pymerkle counts leaves from one
    inclusion = [tree.prove_inclusion(index + 1, size2) for index, _, size2 in challenges]
    inclusion_ns = time.perf_counter_ns() - start
    leaf_hashes = [tree.get_leaf(index + 1) for index, _, _ in challenges]
    start = time.perf_counter_ns()
    for leaf_hash, proof, root in zip(leaf_hashes, inclusion, roots, strict=True):
        pymerkle.verify_inclusion(leaf_hash, root, proof)
    inclusion_verify_ns = time.perf_counter_ns() - start

    start = time.perf_counter_ns()
    consistency = [tree.prove_consistency(size1, size2) for _, size1, size2 in challenges]
    consistency_ns = time.perf_counter_ns() - start
    start = time.perf_counter_ns()
    for proof, root1, root2 in zip(consistency, roots1, roots, strict=True):
        pymerkle.verify_consistency(root1, root2, proof)
    consistency_verify_ns = time.perf_counter_ns() - start

    count = len(challenges)
    figures = {
        "append_per_s": _per_s(len(leaves), append_ns),
        "extend_per_s": _per_s(len(leaves), extend_ns),
        "root_us": _us_each(count, root_ns),
        "inclusion_proof_us": _us_each(count, inclusion_ns),
        "inclusion_verify_us": _us_each(count, inclusion_verify_ns),
        "consistency_proof_us": _us_each(count, consistency_ns),
        "consistency_verify_us": _us_each(count, consistency_verify_ns),
    }
    return figures, [bytes(root) for root in roots]


def run(
    progress: Progress | None = None, *, leaves_count: int = 100_000, proofs_count: int = 1_000
) -> dict[str, Any]:
    """Measure ours and the peer on the same ``leaves_count`` leaves and proof challenges.

    Returns ``{"leaves", "proofs", "python", "goal_append_per_s", "goal_met", "ours", "peer",
    "ratios", "speedups", "roots_agree"}``; ``peer`` holds ``name``, ``version`` and the
    figures, or ``error`` when the peer is not installed (then ratios are empty).
    """
    condition(leaves_count >= 2, "the benchmark needs at least 2 leaves")
    condition(proofs_count >= 1, "the benchmark needs at least 1 proof")
    total = len(_PHASES)

    def step(phase: int) -> None:
        if progress is not None:
            progress(_PHASES[phase], phase, total)

    leaves = _leaves(leaves_count)
    challenges = _challenges(leaves_count, proofs_count)
    ours, our_roots = _measure_ours(leaves, challenges, step)
    result: dict[str, Any] = {
        "leaves": leaves_count,
        "proofs": proofs_count,
        "python": platform.python_version(),
        "goal_append_per_s": GOAL_APPEND_PER_S,
        "goal_met": min(ours["append_per_s"], ours["extend_per_s"]) >= GOAL_APPEND_PER_S,
        "ours": {"name": "seawall", **ours},
    }
    try:
        peer, peer_roots = _measure_pymerkle(leaves, challenges, step)
    except ImportError as exc:
        result.update(
            peer={"name": "pymerkle", "error": f"not installed: {exc}"},
            ratios={},
            speedups={},
            roots_agree=None,
        )
    else:
        ratios = {name: ours[name] / peer[name] for name in _FIGURES if peer[name]}
        speedups = {
            name: ratio if name.endswith("_per_s") else 1 / ratio
            for name, ratio in ratios.items()
            if ratio
        }
        result.update(
            peer={"name": "pymerkle", "version": importlib.metadata.version("pymerkle"), **peer},
            ratios=ratios,
            speedups=speedups,
            roots_agree=our_roots == peer_roots,
        )
    if progress is not None:
        progress("done", total, total)
    return result
