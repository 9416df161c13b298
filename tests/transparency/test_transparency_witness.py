"""The witness: it cosigns a growing log and refuses forks, rollbacks and bad proofs."""

from __future__ import annotations

import pytest

from seawall.core.signing import SigningKey
from seawall.transparency import (
    EMPTY_ROOT,
    Checkpoint,
    CosignatureV1Signer,
    Ed25519Signer,
    MerkleTree,
    RefusalReason,
    Witness,
    WitnessRefused,
    add_signatures,
    open_note,
    sign_checkpoint,
)

ORIGIN = "seawall.example/log"


@pytest.fixture
def log() -> Ed25519Signer:
    return Ed25519Signer(ORIGIN, SigningKey.from_label("log"))


@pytest.fixture
def witness(log: Ed25519Signer) -> Witness:
    cosigner = CosignatureV1Signer("witness.example/w1", SigningKey.from_label("witness"))
    return Witness(cosigner, {ORIGIN: [log.verifier]})


def grown(count: int, prefix: str = "leaf") -> MerkleTree:
    tree = MerkleTree()
    tree.extend(f"{prefix} {index}".encode() for index in range(count))
    return tree


def checkpoint(tree: MerkleTree, signer: Ed25519Signer, size: int | None = None) -> str:
    size = tree.size if size is None else size
    return sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), [signer])


def refusal(excinfo: pytest.ExceptionInfo[WitnessRefused]) -> RefusalReason:
    return excinfo.value.reason


def test_cosigns_a_log_that_grows_consistently(witness: Witness, log: Ed25519Signer) -> None:
    tree = grown(100)
    first = checkpoint(tree, log, 10)
    signature = witness.add_checkpoint(first, [], 1000)
    cosigned = add_signatures(first, [signature])
    assert len(open_note(cosigned, [log.verifier, witness.cosigner.verifier]).verified) == 2
    witness.add_checkpoint(checkpoint(tree, log, 60), tree.consistency_proof(10, 60), 1001)
    witness.add_checkpoint(checkpoint(tree, log, 60), [], 1002, old_size=60)  # same head again
    witness.add_checkpoint(checkpoint(tree, log), tree.consistency_proof(60), 1003, old_size=60)
    latest = witness.latest(ORIGIN)
    assert latest is not None
    assert (latest.size, latest.root_hash, latest.timestamp_s) == (100, tree.root(), 1003)


def test_a_fork_is_refused(witness: Witness, log: Ed25519Signer) -> None:
    honest, forked = grown(50), grown(50, prefix="other")
    witness.add_checkpoint(checkpoint(honest, log), [], 1)
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(checkpoint(forked, log), [], 2)
    assert refusal(excinfo) is RefusalReason.FORK
    assert "fork" in str(excinfo.value)


def test_a_fork_that_grows_is_refused(witness: Witness, log: Ed25519Signer) -> None:
    honest = grown(50)
    forked = grown(49)
    forked.append(b"a different leaf 49")
    forked.extend(f"leaf {index}".encode() for index in range(50, 80))
    witness.add_checkpoint(checkpoint(honest, log), [], 1)
    with pytest.raises(WitnessRefused) as excinfo:  # the forked tree's own proof from 50
        witness.add_checkpoint(checkpoint(forked, log), forked.consistency_proof(50), 2)
    assert refusal(excinfo) is RefusalReason.INCONSISTENT


def test_a_rollback_is_refused(witness: Witness, log: Ed25519Signer) -> None:
    tree = grown(50)
    witness.add_checkpoint(checkpoint(tree, log), [], 1)
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(checkpoint(tree, log, 40), [], 2)
    assert refusal(excinfo) is RefusalReason.ROLLBACK


def test_a_bad_proof_is_refused(witness: Witness, log: Ed25519Signer) -> None:
    tree = grown(50)
    witness.add_checkpoint(checkpoint(tree, log, 20), [], 1)
    for proof in ([], tree.consistency_proof(21, 50), [bytes(32)] * 3):
        with pytest.raises(WitnessRefused) as excinfo:
            witness.add_checkpoint(checkpoint(tree, log), proof, 2)
        assert refusal(excinfo) is RefusalReason.INCONSISTENT
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(checkpoint(tree, log, 20), [bytes(32)], 2)
    assert refusal(excinfo) is RefusalReason.INCONSISTENT


def test_refusals_change_nothing(witness: Witness, log: Ed25519Signer) -> None:
    tree, forked = grown(30), grown(30, prefix="other")
    witness.add_checkpoint(checkpoint(tree, log, 10), [], 5)
    before = witness.state
    for note, proof in [
        (checkpoint(forked, log), forked.consistency_proof(10)),
        (checkpoint(tree, log, 5), []),
    ]:
        with pytest.raises(WitnessRefused):
            witness.add_checkpoint(note, proof, 6)
    assert witness.state == before


def test_unknown_or_badly_signed_logs_are_refused(witness: Witness, log: Ed25519Signer) -> None:
    tree = grown(5)
    stranger = Ed25519Signer("stranger.example/log", SigningKey.from_label("stranger"))
    note = sign_checkpoint(Checkpoint("stranger.example/log", 5, tree.root()), [stranger])
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(note, [], 1)
    assert refusal(excinfo) is RefusalReason.UNKNOWN_LOG
    impostor = Ed25519Signer(ORIGIN, SigningKey.from_label("impostor"))
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(checkpoint(tree, impostor), [], 1)
    assert refusal(excinfo) is RefusalReason.UNVERIFIED
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint("not a note", [], 1)
    assert refusal(excinfo) is RefusalReason.UNVERIFIED
    tampered = checkpoint(tree, log).replace("\n5\n", "\n4\n")
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(tampered, [], 1)
    assert refusal(excinfo) is RefusalReason.UNVERIFIED
    assert witness.state == {}


def test_old_size_must_match_and_time_must_not_go_back(
    witness: Witness, log: Ed25519Signer
) -> None:
    tree = grown(40)
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(checkpoint(tree, log, 10), [], 100, old_size=3)
    assert refusal(excinfo) is RefusalReason.CONFLICT
    witness.add_checkpoint(checkpoint(tree, log, 10), [], 100, old_size=0)
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(checkpoint(tree, log), tree.consistency_proof(10), 99)
    assert refusal(excinfo) is RefusalReason.TIME_WENT_BACK


def test_empty_tree_heads(witness: Witness, log: Ed25519Signer) -> None:
    bogus = sign_checkpoint(Checkpoint(ORIGIN, 0, bytes(32)), [log])
    with pytest.raises(WitnessRefused) as excinfo:
        witness.add_checkpoint(bogus, [], 1)
    assert refusal(excinfo) is RefusalReason.INCONSISTENT
    witness.add_checkpoint(sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [log]), [], 1)
    tree = grown(3)
    witness.add_checkpoint(checkpoint(tree, log), [], 2)  # anything extends the empty tree


def test_state_resumes_after_a_restart(witness: Witness, log: Ed25519Signer) -> None:
    honest, forked = grown(20), grown(20, prefix="other")
    witness.add_checkpoint(checkpoint(honest, log), [], 1)
    restarted = Witness(witness.cosigner, {ORIGIN: [log.verifier]}, witness.state)
    with pytest.raises(WitnessRefused) as excinfo:
        restarted.add_checkpoint(checkpoint(forked, log), [], 2)
    assert refusal(excinfo) is RefusalReason.FORK
