"""Every failure kind of ``seawall verify`` has its own exit code, documented in
docs/transparency.md and in ``seawall verify --help`` exactly as ``FAILURES`` declares them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seawall.cli.main import app as cli
from seawall.verifier import EXIT_CODES, FAILURES, VerificationFailed

DOC = Path(__file__).resolve().parents[2] / "docs" / "transparency.md"


def test_each_failure_kind_has_its_own_code_past_usage_errors() -> None:
    codes = [code for _, code, _ in FAILURES]
    assert len(set(codes)) == len(codes) == len(EXIT_CODES)
    assert min(codes) > 2 and max(codes) < 126  # 1 is a crash, 2 bad usage; shells own 126+


def test_the_documented_table_is_the_declared_one() -> None:
    rows = re.findall(r"^\| (\d+) \| ([a-z ]+) \| (.+) \|$", DOC.read_text(), re.MULTILINE)
    documented = [(what, int(code), meaning.replace("`", "")) for code, what, meaning in rows]
    assert documented == list(FAILURES)


def test_help_lists_every_code() -> None:
    shown = CliRunner().invoke(cli, ["verify", "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    for what, code, meaning in FAILURES:
        assert f"{code:<3} {what}: {meaning}" in shown.output


def test_an_unknown_kind_is_a_bug() -> None:
    with pytest.raises(AssertionError, match="Invariant"):
        VerificationFailed("mystery", "no such kind")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("")
    assert CliRunner().invoke(cli, ["verify", "somewhere", "--keys", str(keys)]).exit_code == 2
    keys.write_text("a-key\n")
    assert CliRunner().invoke(cli, ["verify", "--keys", str(keys)]).exit_code == 2
