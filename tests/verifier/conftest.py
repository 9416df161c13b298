"""A published demo log in a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from seawall.cli.demo import run_demo


@pytest.fixture
def published(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    run_demo(Console(file=open("/dev/null", "w")), data, fresh=True)  # noqa: SIM115
    return data
