"""The log's HTTP endpoints, as any client would use them (no browser): an entry and its
inclusion proof by index or by leaf hash, and a consistency proof between two sizes, each
verified here with the RFC 9162 algorithms against the published checkpoint."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from seawall.transparency.checkpoint import Checkpoint
from seawall.transparency.merkle import leaf_hash, verify_consistency, verify_inclusion


def _checkpoint(served: Any) -> Checkpoint:
    text = (served.data_dir / "log" / "checkpoint").read_text()
    return Checkpoint.parse(text.split("\n\n", 1)[0] + "\n")


def test_inclusion_by_index_and_by_leaf_hash(served: Any) -> None:
    checkpoint = _checkpoint(served)
    by_index = httpx.get(f"{served.url}/web/api/log/entry/3").json()
    entry = base64.b64decode(by_index["entry_b64"])
    proof = [bytes.fromhex(h) for h in by_index["proof_hex"]]
    verify_inclusion(leaf_hash(entry), 3, checkpoint.size, proof, checkpoint.root_hash)
    by_hash = httpx.get(f"{served.url}/web/api/log/leaf/{leaf_hash(entry).hex()}").json()
    assert by_hash["index"] == 3 and by_hash["proof_hex"] == by_index["proof_hex"]
    missing = httpx.get(f"{served.url}/web/api/log/leaf/{'00' * 32}")
    assert missing.status_code == 404 and "no entry" in missing.json()["error"]
    malformed = httpx.get(f"{served.url}/web/api/log/leaf/xyz")
    assert malformed.status_code == 404


def test_consistency_between_two_sizes(served: Any) -> None:
    checkpoint = _checkpoint(served)
    old_size = checkpoint.size // 2
    body = httpx.get(f"{served.url}/web/api/log/consistency", params={"from": old_size}).json()
    proof = [bytes.fromhex(h) for h in body["proof_hex"]]
    old_root = bytes.fromhex(body["root1_hex"])
    assert bytes.fromhex(body["root2_hex"]) == checkpoint.root_hash
    verify_consistency(old_size, checkpoint.size, proof, old_root, checkpoint.root_hash)
