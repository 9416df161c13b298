"""``seawall verify`` against a published log: it passes on the real thing and names what is
wrong when an entry is edited or dropped, the log is forked or rolled back, or a signature is
forged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seawall.adapters.storage import open_store
from seawall.cli.log_commands import publish_log
from seawall.cli.por_commands import anchor_reserves, take_snapshot
from seawall.core.clock import StepClock
from seawall.core.signing import SigningKey
from seawall.node.keys import load_keys
from seawall.reserves.tree import PrivacyPolicy
from seawall.sim.genesis import open_market
from seawall.sim.market_scenario import build_market
from seawall.sim.scenarios import dvp_scenario
from seawall.transparency.tiles import decode_entry_bundle, encode_entry_bundle
from seawall.verifier import VerificationFailed, verify_log
from seawall.verifier.check import fetcher_for


def _keys(data: Path) -> tuple[str, list[str]]:
    lines = (data / "log.vkeys").read_text().split()
    return lines[0], lines[1:]


def _verify(data: Path, log_dir: Path | None = None, **kwargs: object) -> object:
    log_key, witnesses = _keys(data)
    return verify_log(fetcher_for(str(log_dir or data / "log")), log_key, witnesses, **kwargs)  # type: ignore[arg-type]


def _journal_size(data: Path) -> int:
    with open_store(data / "journal.sqlite") as store:
        seal = store.last_seal()
        assert seal is not None
        return seal.last_seq


def test_a_published_log_verifies_with_inclusion(published: Path, tmp_path: Path) -> None:
    state = tmp_path / "seen.json"
    result = _verify(published, state_file=state, entry_index=5)
    size = _journal_size(published)
    assert result.size == size  # type: ignore[attr-defined]
    assert set(result.cosigners) == {"seawall-log", "seawall-custody", "seawall-regulator"}  # type: ignore[attr-defined]
    assert json.loads(state.read_text())["seawall.local/journal"]["size"] == size


def test_growth_is_checked_for_consistency(published: Path, tmp_path: Path) -> None:
    state = tmp_path / "seen.json"
    _verify(published, state_file=state)
    before = _journal_size(published)
    keys = load_keys(published)
    with open_store(published / "journal.sqlite") as store:
        market = open_market(
            store, keys.signing("sequencer"), StepClock(start_ns=2_000_000_000_000_000_000)
        )
        for _, command in dvp_scenario()[:3]:
            market.submit(command, "custody")  # rejected duplicates: still journaled
        market.commit()
    publish_log(published)
    result = _verify(published, state_file=state)
    after = _journal_size(published)
    assert after > before
    assert result.size == after and result.previous_size == before  # type: ignore[attr-defined]


def _bundle_path(log_dir: Path) -> Path:
    (bundle,) = sorted((log_dir / "tile" / "entries").rglob("*"))[-1:]
    return bundle


def test_an_edited_entry_is_detected(published: Path) -> None:
    bundle = _bundle_path(published / "log")
    entries = decode_entry_bundle(bundle.read_bytes())
    index = next(i for i, entry in enumerate(entries) if b"dep-bob-BTC" in entry)
    entries[index] = entries[index].replace(b"dep-bob-BTC", b"dep-bob-XXX")
    bundle.write_bytes(encode_entry_bundle(entries))
    with pytest.raises(VerificationFailed) as caught:
        _verify(published)
    assert caught.value.what == "entries" and str(index) in str(caught.value)


def test_a_dropped_entry_is_detected(published: Path) -> None:
    bundle = _bundle_path(published / "log")
    entries = decode_entry_bundle(bundle.read_bytes())
    del entries[7]
    bundle.write_bytes(encode_entry_bundle(entries))
    with pytest.raises(VerificationFailed, match="entries"):
        _verify(published)


def test_a_fork_is_detected(published: Path, tmp_path: Path) -> None:
    """The log shows one verifier a history, then another of the same size: a fork."""
    state = tmp_path / "seen.json"
    _verify(published, state_file=state)
    forked = tmp_path / "forked"
    forked.mkdir()
    shutil.copy(published / "keys.json", forked / "keys.json")
    keys = load_keys(forked)
    with open_store(forked / "journal.sqlite") as store:
        # The same market, run at another time: every entry differs, the count does not.
        market = open_market(
            store, keys.signing("sequencer"), StepClock(start_ns=1_800_000_000 * 10**9)
        )
        build_market(market)
        market.submit_bytes(b"\x81\xa1k\xadledger.teleport", "custody")
        market.commit()
    snapshot, _ = take_snapshot(forked, None, PrivacyPolicy(), [], False)
    anchor_reserves(forked, snapshot)
    assert _journal_size(forked) == _journal_size(published)
    publish_log(forked)
    with pytest.raises(VerificationFailed) as caught:
        _verify(published, log_dir=forked / "log", state_file=state)
    assert caught.value.what == "fork"


def test_a_rollback_is_detected(published: Path, tmp_path: Path) -> None:
    state = tmp_path / "seen.json"
    state.write_text(json.dumps({"seawall.local/journal": {"size": 10**9, "root": "00" * 32}}))
    with pytest.raises(VerificationFailed) as caught:
        _verify(published, state_file=state)
    assert caught.value.what == "rollback"


def test_a_forged_checkpoint_signature_is_detected(published: Path) -> None:
    checkpoint = published / "log" / "checkpoint"
    note = checkpoint.read_text()
    body, signatures = note.split("\n\n", 1)
    lines = body.split("\n")
    lines[1] = str(int(lines[1]) - 1)  # claim another size under the same signatures
    checkpoint.write_text("\n".join(lines) + "\n\n" + signatures)
    with pytest.raises(VerificationFailed, match="signature"):
        _verify(published)


def test_a_checkpoint_signed_by_another_key_is_refused(published: Path) -> None:
    from seawall.transparency.checkpoint import Checkpoint, sign_checkpoint
    from seawall.transparency.note import Ed25519Signer

    original = (published / "log" / "checkpoint").read_text()
    parsed = Checkpoint.parse(original.split("\n\n")[0] + "\n")
    forger = Ed25519Signer("seawall-log", SigningKey.from_label("forger"))
    (published / "log" / "checkpoint").write_text(sign_checkpoint(parsed, [forger]))
    with pytest.raises(VerificationFailed, match="signature"):
        _verify(published)


def test_a_missing_cosignature_is_refused(published: Path) -> None:
    checkpoint = published / "log" / "checkpoint"
    kept = [line for line in checkpoint.read_text().split("\n") if "seawall-regulator" not in line]
    checkpoint.write_text("\n".join(kept))
    with pytest.raises(VerificationFailed, match="regulator"):
        _verify(published)


def test_a_doctored_public_state_is_refused(published: Path) -> None:
    path = published / "log" / "public-state.json"
    state = json.loads(path.read_text())
    state["state_hash"] = "00" * 32
    path.write_text(json.dumps(state))
    with pytest.raises(VerificationFailed, match="public state"):
        _verify(published)


def test_each_institution_attests_its_own_state_at_the_checkpoint(published: Path) -> None:
    """Every institution signs its state hash at the published seq; replaying the journal to
    that seq gives each of those hashes, and no signature verifies under another's key."""
    from seawall.core.signing import VerifyKey
    from seawall.kernel.attest import Attestation, verify
    from seawall.kernel.registry import institution
    from seawall.kernel.replay import recover

    keys = load_keys(published)
    raw = json.loads((published / "log" / "attestations.json").read_text())
    attestations = [
        Attestation(
            a["institution"],
            a["seq"],
            bytes.fromhex(a["head_hash"]),
            bytes.fromhex(a["state_hash"]),
            bytes.fromhex(a["public_key"]),
            bytes.fromhex(a["signature"]),
        )
        for a in raw
    ]
    assert {a.institution for a in attestations} >= {"custody", "regulator", "ledger", "venue"}
    with open_store(published / "journal.sqlite") as store:
        states, seq = recover(store)
    for attestation in attestations:
        trusted = keys.signing(attestation.institution).verify_key
        replayed = institution(attestation.institution).state_hash(states[attestation.institution])
        assert attestation.seq == seq
        assert verify(attestation, trusted, replayed)
        assert not verify(attestation, VerifyKey(keys.signing("log").verify_key.raw))
        assert not verify(attestation, trusted, b"\x00" * 32)
