"""The tlog-tiles layout: paths to the spec's letter, and a tile-only client that agrees with us."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from seawall.core.errors import ConditionFailed
from seawall.core.signing import SigningKey
from seawall.transparency import (
    Checkpoint,
    Ed25519Signer,
    InvalidTile,
    MerkleTree,
    TileId,
    TileReader,
    directory_fetch,
    open_static_log,
    sign_checkpoint,
    tile_path,
    verify_consistency,
    verify_inclusion,
    write_static_log,
)
from seawall.transparency.merkle import node_hash
from seawall.transparency.tiles import (
    decode_entry_bundle,
    encode_entry_bundle,
    entry_bundle_path,
    tile_index_path,
    tiles_for_size,
)

ORIGIN = "seawall.example/log"


@pytest.fixture
def log() -> Ed25519Signer:
    return Ed25519Signer(ORIGIN, SigningKey.from_label("log"))


def entries_of(count: int) -> list[bytes]:
    return [f"entry {index} ".encode() * (index % 5) for index in range(count)]


def publish(
    directory: Path, tree: MerkleTree, entries: list[bytes], log: Ed25519Signer, since: int = 0
) -> list[str]:
    note = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), [log])
    return write_static_log(directory, tree, entries, note, since_size=since)


# --- paths --------------------------------------------------------------------------------------


def test_index_paths_follow_the_spec_example() -> None:
    assert tile_index_path(1234067) == "x001/x234/067"
    assert tile_index_path(0) == "000"
    assert tile_index_path(67) == "067"
    assert tile_index_path(1000) == "x001/000"
    assert tile_index_path(999_999) == "x999/999"
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 0, 17) == "tile/1/000.p/17"
    assert tile_path(63, 5, 255) == "tile/63/005.p/255"
    assert entry_bundle_path(1234067) == "tile/entries/x001/x234/067"
    assert entry_bundle_path(273, 112) == "tile/entries/273.p/112"
    for bad in [(64, 0, 256), (-1, 0, 256), (0, -1, 256), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(ConditionFailed):
            tile_path(*bad)


def test_tiles_of_a_tree_of_70000_follow_the_spec_example() -> None:
    tiles = tiles_for_size(70_000)
    level0 = [tile for tile in tiles if tile.level == 0]
    assert len(level0) == 274 and level0[-1] == TileId(0, 273, 112)
    assert all(not tile.is_partial for tile in level0[:-1])
    assert [tile for tile in tiles if tile.level == 1] == [TileId(1, 0), TileId(1, 1, 17)]
    assert [tile for tile in tiles if tile.level == 2] == [TileId(2, 0, 1)]
    assert tiles_for_size(256) == [TileId(0, 0), TileId(1, 0, 1)]
    assert tiles_for_size(0) == []
    assert tiles_for_size(70_000, since_size=69_999) == [
        TileId(0, 273, 112),
        TileId(1, 1, 17),
        TileId(2, 0, 1),
    ]


def test_entry_bundles() -> None:
    entries = [b"", b"a", b"x" * 65_535]
    data = encode_entry_bundle(entries)
    assert data[:5] == b"\x00\x00\x00\x01a"
    assert decode_entry_bundle(data) == entries
    with pytest.raises(ConditionFailed):
        encode_entry_bundle([b"x" * 65_536])
    for truncated in [b"\x00", b"\x00\x05abc"]:
        with pytest.raises(InvalidTile):
            decode_entry_bundle(truncated)


# --- writer and tile-only reader ----------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 255, 256, 257, 513, 65_537])
def test_a_published_log_reads_back_with_the_same_proofs(
    tmp_path: Path, log: Ed25519Signer, count: int
) -> None:
    entries = entries_of(count)
    tree = MerkleTree()
    tree.extend(entries)
    written = publish(tmp_path, tree, entries, log)
    assert written[-1] == "checkpoint"
    checkpoint, reader = open_static_log(directory_fetch(tmp_path), [log.verifier], origin=ORIGIN)
    assert (checkpoint.size, reader.root()) == (count, tree.root())
    probes = sorted({0, 1, count // 3, count // 2, count - 2, count - 1} & set(range(count)))
    for size in sorted({1, count // 2, count - 1, count} - {0}):
        assert reader.root(size) == tree.root(size)
        for index in (p for p in probes if p < size):
            proof = reader.inclusion_proof(index, size)
            assert proof == tree.inclusion_proof(index, size)
            verify_inclusion(reader.leaf_hash_at(index), index, size, proof, tree.root(size))
        proof = reader.consistency_proof(size, count)
        assert proof == tree.consistency_proof(size, count)
        verify_consistency(size, count, proof, reader.root(size), checkpoint.root_hash)
    for index in probes:
        assert reader.entry(index) == entries[index]


def test_files_are_what_the_spec_says(tmp_path: Path, log: Ed25519Signer) -> None:
    entries = entries_of(600)
    tree = MerkleTree()
    tree.extend(entries)
    publish(tmp_path, tree, entries, log)
    assert (tmp_path / "tile/0/000").stat().st_size == 8192
    assert (tmp_path / "tile/0/001").stat().st_size == 8192
    assert (tmp_path / "tile/0/002.p/88").stat().st_size == 88 * 32
    assert (tmp_path / "tile/1/000.p/2").stat().st_size == 64
    level0 = (tmp_path / "tile/0/000").read_bytes()
    hashes = [level0[i : i + 32] for i in range(0, 8192, 32)]
    assert hashes[5] == hashlib.sha256(b"\x00" + entries[5]).digest()
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    assert (tmp_path / "tile/1/000.p/2").read_bytes()[:32] == hashes[0]
    bundle = decode_entry_bundle((tmp_path / "tile/entries/002.p/88").read_bytes())
    assert bundle == entries[512:600]
    assert (tmp_path / "checkpoint").read_text().startswith(f"{ORIGIN}\n600\n")


def test_incremental_publication(tmp_path: Path, log: Ed25519Signer) -> None:
    entries = entries_of(600)
    tree = MerkleTree()
    tree.extend(entries[:300])
    publish(tmp_path, tree, entries, log)
    tree.extend(entries[300:])
    written = publish(tmp_path, tree, entries, log, since=300)
    assert "tile/0/000" not in written  # full at size 300 already
    assert "tile/0/001" in written
    _, reader = open_static_log(directory_fetch(tmp_path), [log.verifier])
    assert reader.root() == tree.root()
    assert reader.consistency_proof(300) == tree.consistency_proof(300)
    assert (tmp_path / "tile/0/001.p/44").exists()  # the older partial tile may stay


def test_tampered_tiles_and_entries_are_caught(tmp_path: Path, log: Ed25519Signer) -> None:
    entries = entries_of(300)
    tree = MerkleTree()
    tree.extend(entries)
    publish(tmp_path, tree, entries, log)
    fetch = directory_fetch(tmp_path)
    # A full tile is authenticated by its entry in the tile above before any use.
    full = tmp_path / "tile/0/000"
    original = full.read_bytes()
    full.write_bytes(bytes([original[0] ^ 1]) + original[1:])
    _, reader = open_static_log(fetch, [log.verifier])  # the right edge is intact
    assert reader.root() == tree.root()
    for use in (lambda: reader.leaf_hash_at(7), lambda: reader.inclusion_proof(7)):
        with pytest.raises(InvalidTile, match="parent tile"):
            use()
    assert TileReader(fetch, 300).leaf_hash_at(0) != tree.leaf_hash_at(0)  # unauthenticated
    full.write_bytes(original[:-1])
    with pytest.raises(InvalidTile, match="bytes, expected"):
        TileReader(fetch, 300, tree.root()).leaf_hash_at(0)
    full.write_bytes(original)
    # The rightmost tiles are authenticated by the checkpoint's root.
    edge = tmp_path / "tile/0/001.p/44"
    edge_bytes = edge.read_bytes()
    edge.write_bytes(edge_bytes[:-1] + bytes([edge_bytes[-1] ^ 1]))
    with pytest.raises(InvalidTile, match="checkpoint states"):
        open_static_log(fetch, [log.verifier])
    edge.write_bytes(edge_bytes)
    # An entry is checked against its (authenticated) leaf hash.
    bundle = tmp_path / "tile/entries/000"
    data = bytearray(bundle.read_bytes())
    assert entries[255] == b"" and data[-2:] == b"\x00\x00"
    data[-3] ^= 1  # the last byte of entry 254
    bundle.write_bytes(bytes(data))
    _, reader = open_static_log(fetch, [log.verifier])
    assert reader.entry(0) == entries[0]
    with pytest.raises(InvalidTile, match="does not hash"):
        reader.entry(254)
    edge.unlink()
    with pytest.raises(InvalidTile, match="not found"):
        TileReader(fetch, 300).root()


def test_the_writer_refuses_what_does_not_match_the_tree(
    tmp_path: Path, log: Ed25519Signer
) -> None:
    entries = entries_of(10)
    tree = MerkleTree()
    tree.extend(entries)
    stale = sign_checkpoint(Checkpoint(ORIGIN, 9, tree.root(9)), [log])
    with pytest.raises(ConditionFailed, match="does not state"):
        write_static_log(tmp_path, tree, entries, stale)
    current = sign_checkpoint(Checkpoint(ORIGIN, 10, tree.root()), [log])
    with pytest.raises(ConditionFailed, match="does not hash"):
        write_static_log(tmp_path, tree, [*entries[:9], b"swapped"], current)
    with pytest.raises(ConditionFailed, match="entries"):
        write_static_log(tmp_path, tree, entries[:9], current)
    assert not (tmp_path / "checkpoint").exists()
