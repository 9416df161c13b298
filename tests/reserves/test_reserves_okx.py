"""OKX's proof-of-liabilities format: the shared sample gives the verdict OKX's own tool gives,
tampered copies fail as they fail there, the decimal rules are shopspring/decimal's, and the
format's weakness (a parent hash over the sum only) is shown, not just described."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seawall.reserves.okx import (
    V1_FAILED,
    V1_PASSED,
    go_decimal_string,
    okx_add,
    okx_leaf_hash,
    okx_parent,
    verify_okx_dir,
    verify_okx_user_info,
    verify_okx_v1,
)


def _load(okx_dir: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((okx_dir / name).read_text())
    return data


def test_the_shared_v1_sample_passes_as_with_okx_tool(okx_dir: Path) -> None:
    result = verify_okx_v1((okx_dir / "merkle_proof_file.json").read_bytes())
    assert result.valid and result.message == V1_PASSED == "Merkle tree path validation passed."
    assert result.computed_root is not None and result.file_root is not None
    hash_hex, balances, height = result.computed_root
    assert hash_hex == "ac6b39d2a0aa8112bd1aadff5e7d4b5c2b91cd54d595262ba4367f5d2db4160d"
    assert balances == ("95088.55505656", "939953.49090361", "3137909428.88369702")
    assert height == 24 == len(_load(okx_dir, "merkle_proof_file.json")["path"])
    assert result.strict_problems == ()


def test_the_shared_user_file_passes_its_self_check(okx_dir: Path) -> None:
    result = verify_okx_user_info((okx_dir / "user_info_file.json").read_bytes())
    assert result.self_check
    assert result.total == ("0.00005", "0", "0")
    assert [leaf[1][0] for leaf in result.leaves] == ["0.0000487", "0.0000013"]
    # OKX's tool, given the user file without the full liabilities file, refuses to go on.
    assert not result.valid and "invalid merkle proof file" in result.message


def test_the_user_leaves_are_found_in_a_full_liabilities_file(okx_dir: Path) -> None:
    user = _load(okx_dir, "user_info_file.json")
    lines = [
        '00aa,2,{"BTC":"1","ETH":"0","USDT":"0"}',
        *[
            f"{node['hash']},1," + json.dumps(node["balances"], separators=(",", ":"))
            for node in user["nodes"]
        ],
        'ffee,1,{"BTC":"0.5","ETH":"2","USDT":"3.25"}',
    ]
    result = verify_okx_user_info(json.dumps(user), lines)
    assert result.valid and result.message == "Merkle tree path validation passed"
    assert result.search is not None and result.search.found == 2
    assert result.search.user_total == ("0.00005", "0", "0")
    assert result.search.all_total == ("0.50005", "2", "3.25")
    missing = verify_okx_user_info(json.dumps(user), lines[:2])
    assert not missing.valid and missing.search is not None and missing.search.found == 1


def _tampered(okx_dir: Path, change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_load(okx_dir, "merkle_proof_file.json"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["self"]["balances"].update(BTC="1.000070"), "leaf hash"),
        (lambda d: d["self"].update(nonce="00" + d["self"]["nonce"][2:]), "leaf hash"),
        (lambda d: d["path"][5]["balances"].update(USDT="2.09321197"), "root hash"),
        (lambda d: d["path"][7].update(hash="00" + d["path"][7]["hash"][2:]), "root hash"),
        (lambda d: d["path"][-1]["balances"].update(BTC="95088.55505657"), "root balances"),
        (lambda d: d["path"][-1].update(height=25), "root height"),
        (lambda d: d["path"][0].update(type=2), "same side"),
        (lambda d: d["path"][3].update(type=1 if d["path"][3]["type"] == 2 else 2), "root hash"),
        (lambda d: d["path"][2].update(type=7), "path[2] is not a valid node"),
        (lambda d: d["path"][2].update(height=0), "path[2] is not a valid node"),
        (lambda d: d["path"][4]["balances"].update(ETH="abc"), "path[4] is not a valid node"),
        (lambda d: d["self"].update(hash=d["self"]["hash"].upper()), "leaf hash"),
        (lambda d: d["self"].update(balances=None), "would crash"),
        (lambda d: d["path"][-1].update(balances=None), "would crash"),
        (lambda d: d["path"][1].update(height="2"), "undecodable"),
        (lambda d: d.update(path=[]), "no self or no path"),
    ],
)
def test_tampered_v1_proofs_fail_as_with_okx_tool(okx_dir: Path, change: Any, reason: str) -> None:
    result = verify_okx_v1(json.dumps(_tampered(okx_dir, change)))
    assert not result.valid and result.message == V1_FAILED
    assert reason in result.reason


def test_go_json_decoding_rules_are_followed(okx_dir: Path) -> None:
    data = _load(okx_dir, "merkle_proof_file.json")
    data["SELF"] = data.pop("self")  # Go matches field names case-insensitively
    data["extra"] = {"ignored": True}  # and skips unknown fields (auditId is one)
    assert verify_okx_v1(json.dumps(data)).valid
    assert not verify_okx_v1(b"not json").valid
    assert not verify_okx_v1(b"[]").valid


def test_tampered_user_files_fail(okx_dir: Path) -> None:
    user = _load(okx_dir, "user_info_file.json")
    total = copy.deepcopy(user)
    total["totalBalances"]["BTC"] = "0.00006"
    assert "hash is not" in verify_okx_user_info(json.dumps(total)).reason
    leaf = copy.deepcopy(user)
    leaf["nodes"][0]["balances"]["BTC"] = "0.0000488"
    assert "nodes[0].hash" in verify_okx_user_info(json.dumps(leaf)).reason
    upper = copy.deepcopy(user)
    upper["nodes"][1]["hash"] = upper["nodes"][1]["hash"].upper()  # EqualFold: still fine
    assert verify_okx_user_info(json.dumps(upper)).self_check
    empty = copy.deepcopy(user)
    empty["nodes"] = []
    assert not verify_okx_user_info(json.dumps(empty)).self_check


def test_shopspring_decimal_rules() -> None:
    assert okx_add(("0.000000015", "1.50", "1e3"), ("0", "0", "0")) == ("0.00000001", "1.5", "1000")
    assert okx_add(("-0.000000001", "0.1", "+2"), ("0", "0.2", ".5")) == ("0", "0.3", "2.5")
    assert okx_add(("-1.999999999", "0", "0"), ("0", "0", "0")) == ("-1.99999999", "0", "0")
    assert okx_add(("abc", "0", "0"), ("0", "0", "0")) is None
    assert okx_add(("1.2.3", "0", "0"), ("0", "0", "0")) is None
    assert okx_add((".", "0", "0"), ("0", "0", "0")) is None
    assert go_decimal_string(Decimal("0.000")) == "0"
    assert go_decimal_string(Decimal("-0.50")) == "-0.5"
    assert go_decimal_string(Decimal("120.000")) == "120"
    assert go_decimal_string(Decimal("0.00000123")) == "0.00000123"
    assert go_decimal_string(Decimal("1.2E+5")) == "120000"


def _okx_tree(alice: str, bob: str, published: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A two-user OKX tree whose root shows ``published`` BTC, and each user's v1 proof, the
    sibling shown as holding ``published - own`` (the Maxwell trick)."""
    zero = ("0", "0")
    alice_hash = okx_leaf_hash("a" * 64, (alice, *zero))
    bob_hash = okx_leaf_hash("b" * 64, (bob, *zero))
    text = alice_hash + bob_hash + published + "0" + "0" + "2"
    root_hash = hashlib.sha256(text.encode()).hexdigest()

    def node(value: str, side: int, digest: str, height: int) -> dict[str, Any]:
        return {
            "balances": {"BTC": value, "ETH": "0", "USDT": "0"},
            "type": side,
            "hash": digest,
            "height": height,
        }

    root = node(published, 3, root_hash, 2)
    shown_bob = str(Decimal(published) - Decimal(alice))
    shown_alice = str(Decimal(published) - Decimal(bob))
    alice_proof = {
        "self": {**node(alice, 1, alice_hash, 1), "nonce": "a" * 64},
        "path": [node(shown_bob, 2, bob_hash, 1), root],
    }
    bob_proof = {
        "self": {**node(bob, 2, bob_hash, 1), "nonce": "b" * 64},
        "path": [node(shown_alice, 1, alice_hash, 1), root],
    }
    return alice_proof, bob_proof


def test_okx_format_lets_a_prover_hide_liabilities() -> None:
    """Alice and Bob each hold 10 BTC; the root shows 10, not 20, and both proofs pass OKX's
    check: its parent hash commits to the sum only (IACR ePrint 2018/1139)."""
    honest = _okx_tree("10", "10", "20")
    assert all(verify_okx_v1(p).valid for p in honest)
    alice_proof, bob_proof = _okx_tree("10", "10", "10")
    assert verify_okx_v1(alice_proof).valid
    assert verify_okx_v1(bob_proof).valid
    assert alice_proof["path"][-1]["balances"]["BTC"] == "10"  # 10 BTC of 20 owed is hidden


def test_okx_format_accepts_negative_balances_and_we_flag_them() -> None:
    alice_proof, _ = _okx_tree("10", "-5", "5")
    result = verify_okx_v1(alice_proof)
    assert result.valid, "OKX's tool checks no sign"
    assert not result.strict_valid
    assert result.strict_problems == ("negative BTC balance -5 at path[0]",)


def test_the_parent_rule_matches_the_sample(okx_dir: Path) -> None:
    data = _load(okx_dir, "merkle_proof_file.json")
    me, first = data["self"], data["path"][0]
    balances = tuple(me["balances"][a] for a in ("BTC", "ETH", "USDT"))
    sibling = tuple(first["balances"][a] for a in ("BTC", "ETH", "USDT"))
    assert okx_leaf_hash(me["nonce"], balances) == me["hash"]
    assert okx_leaf_hash(first["nonce"], sibling) == first["hash"]
    parent, summed = okx_parent(first["hash"], me["hash"], balances, sibling, 2)
    assert summed == ("1.000069", "0.99908176", "19398.33558094")
    assert len(parent) == 64


def test_a_directory_or_a_single_file(okx_dir: Path, tmp_path: Path) -> None:
    v1, v2 = verify_okx_dir(okx_dir)
    assert v1 is not None and v1.valid and v2 is not None and v2.self_check
    single, none = verify_okx_dir(okx_dir / "merkle_proof_file.json")
    assert single is not None and single.valid and none is None
    assert verify_okx_dir(tmp_path) == (None, None)


def test_missing_vectors_fail_under_ci_and_skip_otherwise(
    require: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require(tmp_path / "absent")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="not found"):
        require(tmp_path / "absent")
    assert require(tmp_path) == tmp_path


def test_binance_sample_is_read_as_a_format_reference(require: Any) -> None:
    """Binance's user proof: Poseidon/BN254 siblings, so no SHA-256 check is possible; what the
    docs say of its shape holds (28 siblings of 32 bytes, a 32-byte root, no sibling balances)."""
    path = require(Path(__file__).resolve().parents[2].parent / "shared" / "vectors" / "por")
    sample = json.loads((path / "binance" / "user_config.json").read_text())
    assert len(sample["Proof"]) == 28
    assert all(len(base64.b64decode(s)) == 32 for s in sample["Proof"])
    assert len(bytes.fromhex(sample["Root"])) == 32
    assert {"Equity", "Debt", "Loan", "Margin", "PortfolioMargin"} <= set(sample["Assets"][0])
