"""Rejection codes: in surveillance's range (8000-8999), unique, each documented once in the
module's table, and every one of them reachable by a test in this directory."""

from __future__ import annotations

import re
from pathlib import Path

from seawall.surveillance import SurveillanceRejection
from seawall.surveillance import rejections as module


def test_codes_are_in_range_and_unique() -> None:
    codes = [int(code) for code in SurveillanceRejection]
    assert all(8000 <= code <= 8999 for code in codes)
    assert len(set(codes)) == len(codes)


def test_every_code_is_documented_once() -> None:
    doc = module.__doc__ or ""
    for code in SurveillanceRejection:
        rows = re.findall(rf"^ {int(code)}\s+{code.name}\s", doc, flags=re.MULTILINE)
        assert len(rows) == 1, code


def test_every_code_is_exercised_by_a_test() -> None:
    here = Path(__file__).parent
    text = "".join(path.read_text() for path in sorted(here.glob("test_*.py")))
    unused = [code.name for code in SurveillanceRejection if f"R.{code.name}" not in text]
    # REGISTER_FULL needs millions of entries; its bound is checked by reading the code.
    assert unused == ["REGISTER_FULL"]
