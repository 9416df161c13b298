"""The public projection: every field of every command and event is classified public or
private, private values never appear, client accounts become pseudonyms, and projecting is
deterministic."""

from __future__ import annotations

import typing
from typing import Any

import msgspec

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.clock import StepClock
from seawall.core.ids import AccountId, AssetCode, TransferId
from seawall.core.signing import SigningKey
from seawall.kernel.projection import PRIVATE_FIELDS, PUBLIC_FIELDS, Projector
from seawall.kernel.registry import INSTITUTIONS
from seawall.ledger.commands import DefineAsset, OpenAccount, Posting, Transfer
from seawall.ledger.state import AccountKind
from seawall.public import decode_public, encode_public
from seawall.sim.genesis import licence_commands, open_market


def _fields(kind: Any, seen: set[Any]) -> set[str]:
    if kind in seen or not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
        return set()
    seen.add(kind)
    names = set(kind.__struct_fields__)
    for hint in typing.get_type_hints(kind).values():
        for inner in [hint, *typing.get_args(hint)]:
            for leaf in [inner, *typing.get_args(inner)]:
                names |= _fields(leaf, seen)
    return names


def test_every_field_is_classified() -> None:
    seen: set[Any] = set()
    names: set[str] = set()
    for institution in INSTITUTIONS:
        for kind in (*institution.commands, *institution.events):
            names |= _fields(kind, seen)
    unclassified = sorted(names - PUBLIC_FIELDS - PRIVATE_FIELDS)
    assert unclassified == [], f"classify in kernel/projection.py: {unclassified}"
    assert not PUBLIC_FIELDS & PRIVATE_FIELDS


def test_client_accounts_become_pseudonyms_and_projection_is_deterministic() -> None:
    store = MemoryJournalStore()
    market = open_market(store, SigningKey.from_label("p"), StepClock())
    client = AccountId("client:broker-a:acct-0123456789abcdef")
    market.submit(DefineAsset(AssetCode("USD"), 2), "custody")
    market.submit(OpenAccount(AccountId("bank"), AccountKind.ASSET), "custody")
    market.submit(OpenAccount(client, AccountKind.CLIENT), "custody")
    market.submit(
        Transfer(
            TransferId("d1"), (Posting(AccountId("bank"), "USD", -5), Posting(client, "USD", 5))
        ),
        "custody",
    )
    market.commit()
    projector = Projector(b"k" * 32)
    bodies = [body for _, body in store.read(len(licence_commands()) + 1)]
    public = [projector.project(body) for body in bodies]
    leaf = encode_public(public[3])
    assert b"acct-0123456789abcdef" not in leaf
    pseudonym = projector.pseudonym("acct-0123456789abcdef")
    assert public[3].events[0]["postings"][1]["account_id"] == f"client:broker-a:{pseudonym}"
    assert decode_public(leaf) == public[3]
    assert encode_public(Projector(b"k" * 32).project(bodies[3])) == leaf
    assert Projector(b"j" * 32).pseudonym("acct-0123456789abcdef") != pseudonym


def test_private_fields_are_replaced_by_keyed_hashes() -> None:
    projector = Projector(b"k" * 32)
    scrubbed = projector._scrub({"k": "x", "kyc": {"full_name": "Alice"}, "amount_minor": 5})
    assert scrubbed["amount_minor"] == 5
    assert scrubbed["kyc"].startswith("h:") and "Alice" not in scrubbed["kyc"]
