"""Checkpoint bodies and cosignature/v1: formats to the byte, and tampering caught."""

from __future__ import annotations

import base64
import hashlib

import pytest

from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey
from seawall.transparency import (
    Checkpoint,
    CosignatureV1Signer,
    CosignatureV1Verifier,
    Ed25519Signer,
    Ed25519Verifier,
    InvalidNoteSignature,
    MalformedCheckpoint,
    NoteSignature,
    UnverifiedNote,
    add_signatures,
    cosignature_timestamp,
    cosignature_v1_message,
    open_checkpoint,
    open_note,
    parse_note,
    parse_verifier_key,
    sign_checkpoint,
)

ROOT = hashlib.sha256(b"root").digest()
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

#: Verifier keys from transparency-dev/formats ``note/note_cosigv1_test.go`` (Apache-2.0):
#: a native type-0x04 cosignature key, a type-0x01 key whose base64 holds a ``+``, and a
#: cosignature whose timestamp is 1727964367.
FORMATS_COSIGNATURE_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
FORMATS_PLUS_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
FORMATS_COSIGNATURE_B64 = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJ"
    "XORmnFBOBA=="
)


def log_signer() -> Ed25519Signer:
    return Ed25519Signer("seawall.example/log", SigningKey.from_label("log"))


def cosigner(name: str = "witness.example/w1") -> CosignatureV1Signer:
    return CosignatureV1Signer(name, SigningKey.from_label(name))


# --- checkpoint body ----------------------------------------------------------------------------


def test_body_format_and_round_trip() -> None:
    checkpoint = Checkpoint("seawall.example/log", 7, ROOT, ("ext one", "ext\u00e9two"))
    text = checkpoint.to_text()
    root_b64 = base64.b64encode(ROOT).decode()
    assert text == f"seawall.example/log\n7\n{root_b64}\next one\next\u00e9two\n"
    assert Checkpoint.parse(text) == checkpoint
    assert Checkpoint.parse(text.encode()) == checkpoint
    assert Checkpoint.parse(SPEC_BODY).to_text() == SPEC_BODY
    empty = Checkpoint("o", 0, hashlib.sha256(b"").digest())
    assert empty.to_text().split("\n")[1] == "0"


@pytest.mark.parametrize(
    "text",
    [
        "origin\n7\n",
        "origin\n7\nROOT",
        "\n7\nROOT\n",
        "origin\n07\nROOT\n",
        "origin\n+7\nROOT\n",
        "origin\n 7\nROOT\n",
        "origin\n\u0667\nROOT\n",  # an Arabic-Indic digit: decimal, but not ASCII
        "origin\n18446744073709551616\nROOT\n",
        "origin\n7\nnot base64\n",
        "origin\n7\nAAAA\n",
        "origin\n7\nROOT\n\n",
        "origin\n7\nROOT\next\n\nmore\n",
        "ori\tgin\n7\nROOT\n",
    ],
)
def test_malformed_bodies_are_refused(text: str) -> None:
    with pytest.raises(MalformedCheckpoint):
        Checkpoint.parse(text.replace("ROOT", base64.b64encode(ROOT).decode()))


def test_constructor_checks() -> None:
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o", 1, b"short")
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o\nx", 1, ROOT)
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o", -1, ROOT)
    assert Checkpoint("o", 2**64 - 1, ROOT).size == 2**64 - 1


def test_signed_checkpoint_opens_with_its_origin() -> None:
    log = log_signer()
    note = sign_checkpoint(Checkpoint("seawall.example/log", 3, ROOT), [log])
    checkpoint, opened = open_checkpoint(note, [log.verifier], origin="seawall.example/log")
    assert checkpoint.size == 3
    assert opened.verified[0].name == "seawall.example/log"
    with pytest.raises(MalformedCheckpoint, match="origin"):
        open_checkpoint(note, [log.verifier], origin="other.example/log")


# --- cosignature/v1 -----------------------------------------------------------------------------


def test_signed_message_is_exactly_the_spec_layout() -> None:
    message = cosignature_v1_message(SPEC_BODY, 1679315147)
    assert message == (b"cosignature/v1\ntime 1679315147\n" + SPEC_BODY.encode())
    assert cosignature_v1_message(SPEC_BODY, 0).startswith(b"cosignature/v1\ntime 0\n")
    for bad in (-1, 2**63):
        with pytest.raises(ConditionFailed):
            cosignature_v1_message(SPEC_BODY, bad)


def test_key_id_uses_type_byte_4() -> None:
    witness = cosigner()
    public = SigningKey.from_label("witness.example/w1").verify_key.raw
    expected = hashlib.sha256(b"witness.example/w1\n\x04" + public).digest()[:4]
    assert witness.key_id == expected
    assert witness.verifier.vkey.split("+")[1] == expected.hex()
    assert base64.b64decode(witness.verifier.vkey.split("+", 2)[2])[0] == 0x04


def test_third_party_keys_parse_with_the_right_key_ids() -> None:
    cosignature_key = parse_verifier_key(FORMATS_COSIGNATURE_VKEY)
    assert isinstance(cosignature_key, CosignatureV1Verifier)
    assert cosignature_key.vkey == FORMATS_COSIGNATURE_VKEY
    plus_key = parse_verifier_key(FORMATS_PLUS_VKEY)
    assert isinstance(plus_key, Ed25519Verifier)
    assert plus_key.vkey == FORMATS_PLUS_VKEY
    signature = NoteSignature("w", *_split(base64.b64decode(FORMATS_COSIGNATURE_B64)))
    assert cosignature_timestamp(signature) == 1727964367


def _split(raw: bytes) -> tuple[bytes, bytes]:
    return raw[:4], raw[4:]


def test_cosign_and_verify_through_the_note() -> None:
    log, witness = log_signer(), cosigner()
    note = sign_checkpoint(Checkpoint("seawall.example/log", 3, ROOT, ("ext",)), [log])
    text = parse_note(note).text
    cosignature = witness.cosign(text, 1_700_000_000)
    assert len(cosignature.signature) == 8 + 64
    assert cosignature_timestamp(cosignature) == 1_700_000_000
    cosigned = add_signatures(note, [cosignature])
    opened = open_note(cosigned, [log.verifier, witness.verifier])
    assert [s.name for s in opened.verified] == ["seawall.example/log", "witness.example/w1"]
    parsed_back = CosignatureV1Verifier.from_vkey(witness.verifier.vkey)
    assert open_note(cosigned, [parsed_back]).verified == (cosignature,)


def test_a_forged_cosignature_is_detected() -> None:
    log, witness = log_signer(), cosigner()
    note = sign_checkpoint(Checkpoint("seawall.example/log", 3, ROOT), [log])
    cosignature = witness.cosign(parse_note(note).text, 1_700_000_000)
    later = bytearray(cosignature.signature)
    later[7] ^= 1  # move the timestamp: the signature covers it
    moved = NoteSignature(cosignature.name, cosignature.key_id, bytes(later))
    with pytest.raises(InvalidNoteSignature):
        open_note(add_signatures(note, [moved]), [witness.verifier])
    other_tree = sign_checkpoint(Checkpoint("seawall.example/log", 4, ROOT), [log])
    with pytest.raises(InvalidNoteSignature):
        open_note(add_signatures(other_tree, [cosignature]), [witness.verifier])


def test_plain_ed25519_key_does_not_accept_a_cosignature() -> None:
    log = log_signer()
    witness_key = SigningKey.from_label("witness.example/w1")
    note = sign_checkpoint(Checkpoint("seawall.example/log", 3, ROOT), [log])
    cosigned = add_signatures(note, [cosigner().cosign(parse_note(note).text, 5)])
    plain = Ed25519Verifier("witness.example/w1", witness_key.verify_key)
    with pytest.raises(UnverifiedNote):  # other key ID: the line is unknown to this verifier
        open_note(cosigned, [plain])


def test_cosigner_only_signs_checkpoints() -> None:
    with pytest.raises(MalformedCheckpoint):
        cosigner().cosign("just some text\n", 5)
    assert not cosigner().verifier.verify(b"just\ntext\n", bytes(72))
    assert not cosigner().verifier.verify(SPEC_BODY.encode(), bytes(71))
