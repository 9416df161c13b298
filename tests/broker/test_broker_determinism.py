"""The broker package keeps docs/DETERMINISM.md: no clocks, randomness, environment, threads,
salted ``hash()``, floats or unsorted set iteration in its source (the shared scan in
``tests/determinism`` does not list it yet); it imports only ``seawall.core``, itself, msgspec
and a few standard modules; and the same commands give the same state hash under different hash
seeds in separate interpreters."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "seawall" / "broker"
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
ALLOWED_IMPORTS = {
    "__future__",
    "collections",
    "dataclasses",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "itertools",
    "math",
    "re",
    "typing",
    "msgspec",
    "seawall",
}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    problems: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        problems.append(f"{path.name}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in BANNED_MODULES or root not in ALLOWED_IMPORTS:
                    flag(node, f"imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            root = module.split(".")[0]
            if root in BANNED_MODULES or root not in ALLOWED_IMPORTS:
                flag(node, f"imports from {module}")
            if root == "seawall" and not module.startswith(("seawall.core", "seawall.broker")):
                flag(node, f"imports another institution: {module}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"hash", "float", "id"}:
                flag(node, f"calls {node.func.id}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            flag(node, f"float literal {node.value!r}")
        elif isinstance(node, ast.Name) and node.id == "float":
            flag(node, "names float")
        elif isinstance(node, ast.For | ast.comprehension):
            iterable = node.iter
            if isinstance(iterable, ast.Set | ast.SetComp):
                flag(iterable, "iterates a set literal unsorted")
            if (
                isinstance(iterable, ast.Call)
                and isinstance(iterable.func, ast.Name)
                and iterable.func.id in {"set", "frozenset"}
            ):
                flag(iterable, "iterates a set unsorted")
    return problems


def test_the_package_uses_no_banned_pattern() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 7
    problems = [problem for path in files for problem in _problems(path)]
    assert problems == []


SCRIPT = """
import sys
sys.path.insert(0, {conftest_dir!r})
import importlib.util
spec = importlib.util.spec_from_file_location("broker_world", {conftest!r})
module = importlib.util.module_from_spec(spec)
sys.modules["broker_world"] = module
spec.loader.exec_module(module)
from seawall.broker import state_hash
print(state_hash(module.Drive().build_world()).hex())
"""


def test_the_state_hash_does_not_depend_on_the_hash_seed() -> None:
    conftest = Path(__file__).with_name("conftest.py")
    script = SCRIPT.format(conftest_dir=str(conftest.parent), conftest=str(conftest))
    hashes = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        hashes.add(result.stdout.strip())
    assert len(hashes) == 1
