"""OKX's proof-of-liabilities format (v1 path proofs, v2 user files), checked as OKX's own tool
checks it, so that our answer on any file is the answer ``MerkleValidator`` gives.

The rules are ported from ``okx/proof-of-reserves`` (MIT): ``common/merkle.go`` (v1:
``MerkleProof.Validate``), ``common/merklev2.go`` (v2: ``SelfInfo.Check``), ``common/validator.go``
(v2: finding the user's leaves in the full liabilities file) and ``cmd/merklevalidator``:

* amounts are decimal strings as ``shopspring/decimal`` parses them; a parent's balance is the
  children's sum rounded *down* to 8 decimals and printed without trailing zeros;
* a leaf hash is ``SHA-256(nonce || {"BTC":"b","ETH":"e","USDT":"u"})`` over the text as given;
* a parent hash is ``SHA-256(leftHex || rightHex || BTC || ETH || USDT || height)`` as text: it
  commits to the **sum** only, not to each child's balance (the Maxwell construction; see
  ``docs/proof-of-reserves.md`` and ``tests/reserves`` for the attack it allows);
* ``type == 1`` marks a left child; the last path element is the root, compared on hash,
  balances (as strings) and height.

Where OKX's Go code would crash (a ``null`` balance, an amount it cannot parse in a sum) the tool
prints no "passed"; we report that as failed, with the reason. OKX checks no sign: a negative
balance passes its tool. ``strict_problems`` lists what our own verifier would refuse (negative
amounts), without changing OKX's verdict.
"""

from __future__ import annotations

import decimal
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import msgspec

__all__ = [
    "OKX_ASSETS",
    "V1_FAILED",
    "V1_PASSED",
    "OkxBalances",
    "OkxLeafSearch",
    "OkxV1Result",
    "OkxV2Result",
    "go_decimal_string",
    "okx_add",
    "okx_leaf_hash",
    "okx_parent",
    "verify_okx_dir",
    "verify_okx_user_info",
    "verify_okx_v1",
]

OKX_ASSETS: Final = ("BTC", "ETH", "USDT")
V1_PASSED: Final = "Merkle tree path validation passed."
V1_FAILED: Final = "Merkle tree path validation failed."
PROOF_FILE: Final = "merkle_proof_file.json"
USER_INFO_FILE: Final = "user_info_file.json"
FULL_TREE_FILE: Final = "full-liabilities-merkle-tree.txt"

_CONTEXT: Final = decimal.Context(prec=4000, traps=[decimal.InvalidOperation, decimal.Overflow])
_GO_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,9})?")
_EIGHT_PLACES: Final = Decimal("1e-8")

#: ``(BTC, ETH, USDT)`` as the strings in the file.
OkxBalances = tuple[str, str, str]


class _Crash(Exception):  # noqa: N818 - where OKX's Go code would dereference nil and panic
    pass


def _go_decimal(text: str) -> Decimal | None:
    """``decimal.NewFromString`` (shopspring): ``None`` where it returns an error."""
    if _GO_DECIMAL.fullmatch(text) is None:
        return None
    return _CONTEXT.create_decimal(text)


def go_decimal_string(value: Decimal) -> str:
    """``Decimal.String()`` of shopspring/decimal: plain digits, no trailing zeros, ``0`` for
    zero."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0")
    if exponent >= 0:
        return str((-1 if sign else 1) * coefficient * 10**exponent)
    text = str(coefficient)
    if len(text) > -exponent:
        whole, fraction = text[: len(text) + exponent], text[len(text) + exponent :]
    else:
        whole, fraction = "0", "0" * (-exponent - len(text)) + text
    fraction = fraction.rstrip("0")
    number = whole + ("." + fraction if fraction else "")
    return "-" + number if sign and coefficient else number


def okx_add(first: OkxBalances, second: OkxBalances) -> OkxBalances | None:
    """``Balances.Add``: per asset the exact sum, rounded down to 8 places, as a string; ``None``
    if any amount does not parse (as OKX returns nil)."""
    out = []
    for a, b in zip(first, second, strict=True):
        x, y = _go_decimal(a), _go_decimal(b)
        if x is None or y is None:
            return None
        total = _CONTEXT.add(x, y)
        exponent = total.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -8:
            total = total.quantize(_EIGHT_PLACES, rounding=decimal.ROUND_DOWN, context=_CONTEXT)
        out.append(go_decimal_string(total))
    return out[0], out[1], out[2]


def _balances_json(balances: OkxBalances) -> str:
    btc, eth, usdt = balances
    return f'{{"BTC":"{btc}","ETH":"{eth}","USDT":"{usdt}"}}'


def okx_leaf_hash(nonce: str, balances: OkxBalances) -> str:
    return hashlib.sha256((nonce + _balances_json(balances)).encode()).hexdigest()


def okx_parent(
    left_hash: str, right_hash: str, left: OkxBalances, right: OkxBalances, height: int
) -> tuple[str, OkxBalances]:
    """``NewPath``: the parent's hash and balances (``_Crash`` where OKX returns nil)."""
    if not _valid(left) or not _valid(right):
        raise _Crash("a child's balances do not parse: OKX's NewPath returns nil")
    summed = okx_add(left, right)
    if summed is None:
        raise _Crash("a sum does not parse")
    text = left_hash + right_hash + summed[0] + summed[1] + summed[2] + str(height)
    return hashlib.sha256(text.encode()).hexdigest(), summed


def _valid(balances: OkxBalances) -> bool:
    return all(_go_decimal(v) is not None for v in balances)


# --- decoding as Go's encoding/json does (case-insensitive keys, zero values for null) ----------


class _Undecodable(Exception):  # noqa: N818
    pass


def _key(data: dict[str, Any], name: str) -> Any:
    if name in data:
        return data[name]
    for key, value in data.items():
        if isinstance(key, str) and key.lower() == name.lower():
            return value
    return None


def _go_str(data: dict[str, Any], name: str) -> str:
    value = _key(data, name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Undecodable(f"{name} must be a string")
    return value


def _go_int(data: dict[str, Any], name: str) -> int:
    value = _key(data, name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        raise _Undecodable(f"{name} must be an integer")
    return value


def _go_balances(data: dict[str, Any]) -> OkxBalances | None:
    value = _key(data, "balances")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Undecodable("balances must be an object")
    return _go_str(value, "BTC"), _go_str(value, "ETH"), _go_str(value, "USDT")


class _Node(msgspec.Struct):
    hash: str
    balances: OkxBalances | None
    type: int
    height: int
    nonce: str = ""


def _node(data: Any) -> _Node | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _Undecodable("a node must be an object")
    return _Node(
        _go_str(data, "hash"),
        _go_balances(data),
        _go_int(data, "type"),
        _go_int(data, "height"),
        _go_str(data, "nonce"),
    )


def _path_valid(node: _Node) -> bool:
    """``Path.Validate``."""
    return (
        node.balances is not None
        and _valid(node.balances)
        and bool(node.hash)
        and 1 <= node.type <= 4
        and node.height >= 1
    )


# --- v1: one path proof --------------------------------------------------------------------------


class OkxV1Result(msgspec.Struct, frozen=True):
    """OKX's verdict on a v1 proof (``valid``, ``message`` as its tool prints it), the reason it
    failed, the root recomputed beside the root in the file, and our stricter findings."""

    valid: bool
    message: str
    reason: str
    computed_root: tuple[str, OkxBalances, int] | None
    file_root: tuple[str, OkxBalances | None, int] | None
    strict_problems: tuple[str, ...]

    @property
    def strict_valid(self) -> bool:
        return self.valid and not self.strict_problems


def _negatives(nodes: Iterable[tuple[str, OkxBalances | None]]) -> tuple[str, ...]:
    found = []
    for where, balances in nodes:
        for asset, text in zip(OKX_ASSETS, balances or ("", "", ""), strict=True):
            value = _go_decimal(text)
            if value is not None and value < 0:
                found.append(f"negative {asset} balance {text} at {where}")
    return tuple(found)


def verify_okx_v1(data: Any) -> OkxV1Result:
    """``MerkleProof.Validate`` on decoded JSON (``bytes`` or ``str`` are decoded first)."""
    try:
        if isinstance(data, bytes | str):
            data = json.loads(data)
        if not isinstance(data, dict):
            raise _Undecodable("the proof must be an object")
        me = _node(_key(data, "self"))
        raw_path = _key(data, "path")
        if raw_path is not None and not isinstance(raw_path, list):
            raise _Undecodable("path must be an array")
        path = [_node(step) for step in raw_path or []]
    except (ValueError, _Undecodable) as exc:
        return OkxV1Result(False, V1_FAILED, f"undecodable: {exc}", None, None, ())
    if me is None or not path or any(step is None for step in path):
        return OkxV1Result(False, V1_FAILED, "no self or no path", None, None, ())
    steps = [step for step in path if step is not None]
    root = steps[-1]
    file_root = (root.hash, root.balances, root.height)
    strict = _negatives(
        [("self", me.balances)] + [(f"path[{i}]", s.balances) for i, s in enumerate(steps)]
    )

    def failed(reason: str, computed: tuple[str, OkxBalances, int] | None = None) -> OkxV1Result:
        return OkxV1Result(False, V1_FAILED, reason, computed, file_root, strict)

    try:
        if me.balances is None:
            raise _Crash("self has no balances (OKX's tool dereferences nil)")
        if okx_leaf_hash(me.nonce, me.balances) != me.hash:
            return failed("the leaf hash is not SHA-256(nonce || balances)")
        if not _path_valid(steps[0]):
            return failed("path[0] is not a valid node")
        if steps[0].type == me.type:
            return failed("self and path[0] are on the same side")
        first = steps[0]
        assert first.balances is not None
        if me.type == 1:
            node_hash, node_balances = okx_parent(
                me.hash, first.hash, me.balances, first.balances, 2
            )
        else:
            node_hash, node_balances = okx_parent(
                first.hash, me.hash, me.balances, first.balances, 2
            )
        node_height = 2
        for index in range(1, len(steps) - 1):
            step = steps[index]
            if not _path_valid(step):
                return failed(f"path[{index}] is not a valid node")
            assert step.balances is not None
            left, right = (step.hash, node_hash) if step.type == 1 else (node_hash, step.hash)
            node_height = step.height + 1
            node_hash, node_balances = okx_parent(
                left, right, node_balances, step.balances, node_height
            )
        computed = (node_hash, node_balances, node_height)
        if root.balances is None:
            raise _Crash("the root has no balances (OKX's tool dereferences nil)")
        if node_hash != root.hash:
            return failed("the recomputed root hash differs from the file's", computed)
        if node_balances != root.balances:
            return failed("the recomputed root balances differ from the file's", computed)
        if node_height != root.height:
            return failed("the recomputed root height differs from the file's", computed)
    except _Crash as exc:
        return failed(f"OKX's tool would crash: {exc}")
    return OkxV1Result(True, V1_PASSED, "", computed, file_root, strict)


# --- v2: the user's file, and the leaves in the full liabilities file ----------------------------


class OkxLeafSearch(msgspec.Struct, frozen=True):
    """``FindUserLeafNodesCountInMerkle``: how many of the user's leaves the full file holds,
    the user's total over them, and the total of every leaf in the file."""

    found: int
    user_total: OkxBalances
    all_total: OkxBalances


class OkxV2Result(msgspec.Struct, frozen=True):
    """OKX's verdict on a user-info file: ``self_check`` (``SelfInfo.Check``: each leaf hashes
    from the user's hash and its balances, the user's hash from the nonce and total, and the
    leaves add up to the total), and, given the full liabilities file, the leaf search."""

    valid: bool
    message: str
    self_check: bool
    reason: str
    leaves: tuple[tuple[str, OkxBalances], ...]
    total: OkxBalances | None
    search: OkxLeafSearch | None
    strict_problems: tuple[str, ...]


def _go_json_string(text: str) -> str:
    """A string as Go's ``json.Marshal`` writes it (HTML-safe escapes included)."""
    out = json.dumps(text, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        out = out.replace(char, escape)
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _self_check(user_hash: str, nonce: str, nodes: list[_Node], total: OkxBalances) -> str:
    """``SelfInfo.Check``: the empty string if it passes, else why not."""
    if not nodes:
        return "the user file lists no leaves"
    for number, node in enumerate(nodes):
        if node.balances is None:
            raise _Crash(f"nodes[{number}] has no balances")
        expected = hashlib.sha256((user_hash + "".join(node.balances)).encode()).hexdigest()
        if expected != node.hash.lower():
            return f"nodes[{number}].hash is not SHA-256(hash || BTC || ETH || USDT)"
    btc, eth, usdt = (_go_json_string(v) for v in total)
    marshalled = f'{{"BTC":{btc},"ETH":{eth},"USDT":{usdt}}}'
    if hashlib.sha256((nonce + marshalled).encode()).hexdigest() != user_hash.lower():
        return "hash is not SHA-256(nonce || totalBalances)"
    summed: OkxBalances | None = nodes[0].balances
    for node in nodes[1:]:
        assert node.balances is not None
        if summed is None:
            raise _Crash("a sum does not parse")
        summed = okx_add(summed, node.balances)
    if summed is None:
        raise _Crash("a sum does not parse")
    if summed != total:
        return f"the leaves add up to {summed}, not to totalBalances {total}"
    return ""


def search_full_tree(lines: Iterable[str], nodes: list[_Node]) -> OkxLeafSearch:
    """``FindUserLeafNodesCountInMerkle`` over the full file's lines (``hash,height,balances``)."""
    found = 0
    user_total: OkxBalances | None = ("0", "0", "0")
    all_total: OkxBalances | None = ("0", "0", "0")
    for line in lines:
        fields = line.split(",")
        if len(fields) < 3:
            continue
        height_text = fields[1]
        height = int(height_text) if re.fullmatch(r"[+-]?[0-9]{1,9}", height_text) else 0
        if height != 1:
            continue
        raw = line[len(fields[0]) + len(fields[1]) + 2 :]
        try:
            decoded = json.loads(raw)
            balances = _go_balances({"balances": decoded}) if isinstance(decoded, dict) else None
        except (ValueError, _Undecodable):
            balances = None
        balances = balances or ("", "", "")
        if all_total is None:
            raise _Crash("a sum over the full file does not parse")
        all_total = okx_add(all_total, balances)
        mine = next((n for n in nodes if n.hash.lower() == fields[0].lower()), None)
        if mine is None or mine.balances is None:
            continue
        if _valid(balances) and fields[0] == mine.hash and balances == mine.balances:
            if user_total is None:
                raise _Crash("a sum over the user's leaves does not parse")
            user_total = okx_add(user_total, balances)
            found += 1
    if all_total is None or user_total is None:
        raise _Crash("a sum does not parse")
    return OkxLeafSearch(found, user_total, all_total)


def verify_okx_user_info(data: Any, full_tree_lines: Iterable[str] | None = None) -> OkxV2Result:
    """``MerkleValidator --user_info_file ... [--merkle_file ...]``.

    Without the full liabilities file OKX's tool refuses ("invalid merkle proof file"); we still
    report whether the user file passes ``SelfInfo.Check`` (``self_check``).
    """
    try:
        if isinstance(data, bytes | str):
            data = json.loads(data)
        if not isinstance(data, dict):
            raise _Undecodable("the user file must be an object")
        raw_nodes = _key(data, "nodes")
        if raw_nodes is not None and not isinstance(raw_nodes, list):
            raise _Undecodable("nodes must be an array")
        nodes = [n for n in (_node(raw) for raw in raw_nodes or []) if n is not None]
        total_raw = _key(data, "totalBalances")
        if total_raw is not None and not isinstance(total_raw, dict):
            raise _Undecodable("totalBalances must be an object")
        total = _go_balances({"balances": total_raw or {}}) or ("", "", "")
        user_hash, nonce = _go_str(data, "hash"), _go_str(data, "nonce")
    except (ValueError, _Undecodable) as exc:
        message = f"Merkle tree path validation failed, provided data is invalid, error:{exc}"
        return OkxV2Result(False, message, False, str(exc), (), None, None, ())
    leaves = tuple((n.hash, n.balances or ("", "", "")) for n in nodes)
    strict = _negatives([(f"nodes[{i}]", n.balances) for i, n in enumerate(nodes)])
    try:
        reason = _self_check(user_hash, nonce, nodes, total)
    except _Crash as exc:
        reason = f"OKX's tool would crash: {exc}"
    checked = not reason
    if full_tree_lines is None:
        message = "Merkle tree path validation failed, invalid merkle proof file"
        why = reason or "the full liabilities file is needed to find the user's leaves"
        return OkxV2Result(False, message, checked, why, leaves, total, None, strict)
    if not checked:
        message = "Merkle tree path validation failed, provided data is invalid"
        return OkxV2Result(False, message, False, reason, leaves, total, None, strict)
    try:
        search = search_full_tree(full_tree_lines, nodes)
    except _Crash as exc:
        why = f"OKX's tool would crash: {exc}"
        return OkxV2Result(False, V1_FAILED, True, why, leaves, total, None, strict)
    if search.found != len(nodes):
        message = "Merkle tree path validation failed, some leaves are not found in merkle tree"
        why = f"{search.found} of {len(nodes)} leaves found"
        return OkxV2Result(False, message, True, why, leaves, total, search, strict)
    return OkxV2Result(
        True, "Merkle tree path validation passed", True, "", leaves, total, search, strict
    )


def verify_okx_dir(
    directory: Path, full_tree: Path | None = None
) -> tuple[OkxV1Result | None, OkxV2Result | None]:
    """Check what an OKX sample directory holds: ``merkle_proof_file.json`` (v1) and
    ``user_info_file.json`` (v2, searched in ``full_tree`` or ``full-liabilities-merkle-tree.txt``
    when present). ``directory`` may also be a single v1 proof file."""
    if directory.is_file():
        return verify_okx_v1(directory.read_bytes()), None
    proof = directory / PROOF_FILE
    user = directory / USER_INFO_FILE
    tree = full_tree if full_tree is not None else directory / FULL_TREE_FILE
    v1 = verify_okx_v1(proof.read_bytes()) if proof.exists() else None
    v2 = None
    if user.exists():
        lines = tree.read_text().splitlines() if tree.exists() else None
        v2 = verify_okx_user_info(user.read_bytes(), lines)
    return v1, v2
