"""Identity is domain code (docs/DETERMINISM.md): no clocks, randomness, environment, threads,
built-in ``hash()``, floats or unsorted set iteration; and the same commands give the same state
hash in fresh interpreters with different hash seeds."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "seawall" / "identity"
BANNED_MODULES = {
    "time",
    "random",
    "secrets",
    "uuid",
    "socket",
    "threading",
    "asyncio",
    "multiprocessing",
    "datetime",
    "os",
}


def _problems(path: Path) -> list[str]:
    problems: list[str] = []
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            problems += [
                f"{where}: imports {a.name}"
                for a in node.names
                if a.name.split(".")[0] in BANNED_MODULES
            ]
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in BANNED_MODULES:
                problems.append(f"{where}: imports from {node.module}")
            if (node.module or "").startswith("seawall.") and not (node.module or "").startswith(
                ("seawall.core", "seawall.identity")
            ):
                problems.append(f"{where}: imports another institution ({node.module})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"hash", "float"}:
                problems.append(f"{where}: calls {node.func.id}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            problems.append(f"{where}: float literal")
        elif isinstance(node, ast.AnnAssign) and isinstance(node.annotation, ast.Name):
            if node.annotation.id == "float":
                problems.append(f"{where}: float-typed name")
        elif isinstance(node, ast.For | ast.comprehension):
            iterable = node.iter
            if isinstance(iterable, ast.Set | ast.SetComp) or (
                isinstance(iterable, ast.Call)
                and isinstance(iterable.func, ast.Name)
                and iterable.func.id in {"set", "frozenset"}
            ):
                problems.append(f"{where}: iterates a set unsorted")
            if isinstance(iterable, ast.Attribute) and iterable.attr == "api_key_ids":
                # ``Client.api_key_ids`` is a set.
                problems.append(f"{where}: iterates {iterable.attr} unsorted")
    return problems


def test_identity_uses_no_banned_pattern() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 7
    problems = [problem for path in files for problem in _problems(path)]
    assert problems == []


def test_the_scanner_catches_each_pattern(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import time\nfrom seawall.ledger import x\ny = hash('a')\nz = 1.5\n"
        "for a in set([1]):\n    pass\nfor k in c.api_key_ids:\n    pass\n"
    )
    found = "\n".join(_problems(sample))
    for needle in (
        "imports time",
        "another institution",
        "hash()",
        "float",
        "set unsorted",
        "api_key_ids",
    ):
        assert needle in found


SCRIPT = """
from seawall.core.machine import Context, Rejection
from seawall.identity import *
ctx = Context(seq=1, timestamp_ns=1_700_000_000_000_000_000, submitter="kernel")
state = IdentityState()
owners = []
for n in range(30):
    kyc = KycRecord(f"Person {n}", "hkid", f"P{n:07d}", "HK", "1990-01-01", "Street")
    out = decide(state, OnboardClient(f"broker-{n % 3}", kyc, bytes([n]) * 32,
                 InvestorClass.RETAIL, 0, "", ActorKind.HUMAN), ctx)
    for event in out:
        evolve(state, event)
    owners.append(out[0].account_id)
for n, owner in enumerate(owners[:9]):
    kyc = KycRecord(f"Bot {n}", "algorithm", f"ALG-{n}", "HK", "2020-01-01", "Lane")
    out = decide(state, OnboardClient(f"broker-{n % 3}", kyc, bytes([n]) * 32,
                 InvestorClass.RETAIL, 0, "", ActorKind.ALGORITHM, owner), ctx)
    for event in out:
        evolve(state, event)
    for key in (f"k{n}a", f"k{n}b", f"k{n}c"):
        for event in decide(state, RegisterAlgorithmKey(out[0].account_id, key), ctx):
            evolve(state, event)
for n in range(0, 30, 4):
    for event in decide(state, BlockPerson(document_hash("hkid", f"P{n:07d}"), "s"), ctx):
        evolve(state, event)
print(state_hash(state).hex(), snapshot(state).hex()[:64])
"""


def test_the_same_commands_give_the_same_hash_under_different_hash_seeds() -> None:
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(done.stdout.strip())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 129
