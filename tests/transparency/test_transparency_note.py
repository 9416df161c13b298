"""Signed notes: signing, opening with several keys, unknown keys ignored, forgeries caught."""

from __future__ import annotations

import base64
import hashlib

import pytest

from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey
from seawall.transparency import (
    Ed25519Signer,
    Ed25519Verifier,
    InvalidNoteSignature,
    InvalidVerifierKey,
    MalformedNote,
    NoteSignature,
    UnverifiedNote,
    add_signatures,
    key_id,
    open_note,
    parse_note,
    sign_note,
)
from seawall.transparency.note import is_valid_key_name, split_verifier_key

TEXT = "seawall.example/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"


def signer(name: str) -> Ed25519Signer:
    return Ed25519Signer(name, SigningKey.from_label(name))


def test_key_id_is_the_first_four_bytes_of_the_sha256() -> None:
    key = SigningKey.from_label("k").verify_key.raw
    expected = hashlib.sha256(b"name\n\x01" + key).digest()[:4]
    assert key_id("name", 0x01, key) == expected
    assert signer("name").key_id != key_id(
        "name", 0x04, SigningKey.from_label("name").verify_key.raw
    )


def test_sign_then_open_with_several_keys() -> None:
    log, mirror = signer("log.example"), signer("mirror.example")
    note = sign_note(TEXT, [log, mirror])
    assert note.startswith(TEXT + "\n\u2014 log.example ")
    opened = open_note(note, [log.verifier, mirror.verifier])
    assert opened.text == TEXT
    assert [s.name for s in opened.verified] == ["log.example", "mirror.example"]
    assert opened.unverified == ()


def test_unknown_signers_are_ignored_but_one_known_key_is_needed() -> None:
    log, stranger = signer("log.example"), signer("stranger.example")
    note = sign_note(TEXT, [stranger, log])
    opened = open_note(note, [log.verifier])
    assert [s.name for s in opened.unverified] == ["stranger.example"]
    with pytest.raises(UnverifiedNote):
        open_note(note, [signer("other.example").verifier])


def test_same_name_other_key_is_unknown_not_a_failure() -> None:
    real = signer("log.example")
    impostor = Ed25519Signer("log.example", SigningKey.from_label("impostor"))
    note = sign_note(TEXT, [impostor, real])
    opened = open_note(note, [real.verifier])  # name matches, key ID does not: ignored
    assert [s.key_id for s in opened.verified] == [real.key_id]


def test_a_forged_signature_is_detected() -> None:
    log = signer("log.example")
    note = sign_note(TEXT, [log])
    tampered_text = note.replace("\n42\n", "\n43\n")
    with pytest.raises(InvalidNoteSignature):
        open_note(tampered_text, [log.verifier])
    line = parse_note(note).signatures[0]
    forged_sig = bytearray(line.signature)
    forged_sig[10] ^= 1
    forged = TEXT + "\n" + NoteSignature(line.name, line.key_id, bytes(forged_sig)).line
    with pytest.raises(InvalidNoteSignature):
        open_note(forged, [log.verifier])
    # A bad signature by a known key rejects the note even beside a good one.
    other = signer("other.example")
    with pytest.raises(InvalidNoteSignature):
        open_note(
            add_signatures(forged, [parse_note(sign_note(TEXT, [other])).signatures[0]]),
            [log.verifier, other.verifier],
        )


def test_repeated_signatures_count_once() -> None:
    log = signer("log.example")
    note = sign_note(TEXT, [log])
    line = parse_note(note).signatures[0]
    doubled = note + line.line
    assert len(open_note(doubled, [log.verifier]).verified) == 1


def test_keep_and_add_signatures_replace_the_same_key() -> None:
    log, witness = signer("log.example"), signer("witness.example")
    note = sign_note(TEXT, [log])
    kept = parse_note(note).signatures
    both = sign_note(TEXT, [witness], keep=kept)
    assert [s.name for s in parse_note(both).signatures] == ["log.example", "witness.example"]
    again = sign_note(TEXT, [log], keep=parse_note(both).signatures)
    assert [s.name for s in parse_note(again).signatures] == ["witness.example", "log.example"]
    added = add_signatures(note, parse_note(both).signatures[1:])
    assert added == both


def test_text_may_hold_blank_lines_split_at_the_last_one() -> None:
    log = signer("log.example")
    text = "first\n\nthird\n\n"
    note = sign_note(text, [log])
    assert open_note(note, [log.verifier]).text == text


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n\u2014 k AAAAAAAA\n",
        "text\n\n",
        "text\n\n\u2014 k AAAAAAAA",
        "text\n\n- k AAAAAAAA\n",
        "text\n\n\u2014 k not*base64\n",
        "text\n\n\u2014 k AAAA\n",  # 3 bytes: no room for a key ID and a signature
        "text\n\n\u2014 k+x AAAAAAAA\n",
        "text\n\n\u2014  AAAAAAAA\n",
        "text\twith a tab\n\n\u2014 k AAAAAAAA\n",
        b"text \xff\n\n\xe2\x80\x94 k AAAAAAAA\n",
    ],
)
def test_malformed_notes_are_refused(note: str | bytes) -> None:
    with pytest.raises(MalformedNote):
        parse_note(note)


def test_note_limits() -> None:
    many = "text\n\n" + "\u2014 k AAAAAAAA\n" * 101
    with pytest.raises(MalformedNote, match="100"):
        parse_note(many)
    with pytest.raises(MalformedNote, match="more than"):
        parse_note("x" * 300_000 + "\n\n\u2014 k AAAAAAAA\n")
    assert len(parse_note("text\n\n" + "\u2014 k AAAAAAAA\n" * 100).signatures) == 100


def test_signing_refuses_bad_text() -> None:
    log = signer("log.example")
    for text in ["no newline", "bell\x07\n"]:
        with pytest.raises(ConditionFailed):
            sign_note(text, [log])
    with pytest.raises(ConditionFailed):
        sign_note(TEXT, [])


def test_key_names() -> None:
    assert is_valid_key_name("example.com/log42")
    for bad in ["", "a b", "a+b", "a\u00a0b", "a\u2003b", "a\u2028b", "a\x85b"]:
        assert not is_valid_key_name(bad)
    with pytest.raises(ConditionFailed):
        Ed25519Signer("bad name", SigningKey.from_label("x"))


def test_verifier_keys_round_trip_and_bad_ones_are_refused() -> None:
    verifier = signer("log.example").verifier
    assert Ed25519Verifier.from_vkey(verifier.vkey).vkey == verifier.vkey
    parts = split_verifier_key(verifier.vkey)
    assert (parts.name, parts.signature_type, parts.public_key) == (
        "log.example",
        1,
        verifier.public_key.raw,
    )
    name, key_hex, material = verifier.vkey.split("+", 2)
    upper = f"{name}+{key_hex.upper()}+{material}"
    assert Ed25519Verifier.from_vkey(upper).key_id == verifier.key_id  # as Go's ParseUint
    bad = [
        f"{name}+{key_hex}",
        f"{name}+{key_hex[:7]}+{material}",
        f"{name}+0x{key_hex[:6]}+{material}",
        f"{name}+00000000+{material}",
        f"{name}+{key_hex}+{material}!",
        f"{name}+{key_hex}+",
        f"other+{key_hex}+{material}",
        f"a b+{key_hex}+{material}",
    ]
    for vkey in bad:
        with pytest.raises(InvalidVerifierKey):
            Ed25519Verifier.from_vkey(vkey)
    wrong_type = base64.b64encode(b"\x04" + verifier.public_key.raw).decode()
    type4 = f"{name}+{key_id(name, 4, verifier.public_key.raw).hex()}+{wrong_type}"
    with pytest.raises(InvalidVerifierKey, match="not Ed25519"):
        Ed25519Verifier.from_vkey(type4)


def test_signer_keys() -> None:
    with pytest.raises(InvalidVerifierKey):
        Ed25519Signer.from_skey("PRIVATE+KEY+name+00000000+AQ==")
    with pytest.raises(InvalidVerifierKey):
        Ed25519Signer.from_skey("SECRET+KEY+name+00000000+AQ==")


def test_two_verifiers_with_one_identity_are_ambiguous() -> None:
    log = signer("log.example")
    with pytest.raises(ConditionFailed, match="share"):
        open_note(sign_note(TEXT, [log]), [log.verifier, log.verifier])
