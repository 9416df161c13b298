"""The log as static files (https://c2sp.org/tlog-tiles), and a client that reads them back.

A tiled log publishes no proof API: it publishes its Merkle tree as immutable *tiles*, so that
a CDN or a plain directory can serve it and any client computes the proofs it needs:

* ``checkpoint``: the latest signed checkpoint;
* ``tile/<L>/<N>[.p/<W>]``: tile ``N`` of tile level ``L``; hash ``i`` of it is
  ``MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L])``, i.e. node
  ``(8*L, N*256 + i)`` of our ``NodeStore``. A full tile is 256 hashes (8,192 bytes); the
  rightmost tile of a level is *partial* with ``W = floor(size / 256**L) mod 256`` hashes
  and the ``.p/<W>`` suffix; empty tiles do not exist;
* ``tile/entries/<N>[.p/<W>]``: the entries matching level-0 tile ``N``, each a big-endian
  uint16 length then its bytes;
* ``N`` is written in 3-digit path elements, all but the last prefixed by ``x``:
  ``1234067`` is ``x001/x234/067``.

``write_static_log`` lays a ``MerkleTree`` and its entries out that way (tiles and bundles
first, the checkpoint last, each file written whole then renamed into place, so a reader never
sees a checkpoint whose tiles are missing). ``TileReader`` is what a third-party client does: it
rebuilds any complete-subtree hash from tiles alone, computes roots, inclusion and consistency
proofs with the same builders as ``MerkleTree``, and checks entries against a verified
checkpoint. ``open_static_log`` starts from the signed checkpoint. The tests use it to prove
that our static layout is self-consistent.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from seawall.core.errors import ConditionFailed, condition, invariant
from seawall.core.hashing import DIGEST_SIZE
from seawall.core.limits import (
    tile_level_max,
    tile_reader_cached_tiles_max,
    tlog_entry_bytes_max,
    tree_size_max,
)
from seawall.transparency.checkpoint import Checkpoint, open_checkpoint
from seawall.transparency.errors import InvalidTile
from seawall.transparency.merkle import (
    MerkleTree,
    consistency_proof_from_nodes,
    inclusion_proof_from_nodes,
    leaf_hash,
    node_hash,
    root_from_nodes,
)
from seawall.transparency.note import NoteVerifier, parse_note

__all__ = [
    "CHECKPOINT_PATH",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "Fetch",
    "TileId",
    "TileReader",
    "decode_entry_bundle",
    "directory_fetch",
    "encode_entry_bundle",
    "entry_bundle_path",
    "open_static_log",
    "tile_index_path",
    "tile_path",
    "tiles_for_size",
    "write_static_log",
]

#: Levels of the Merkle tree one tile level spans, and hashes in a full tile (2**8).
TILE_HEIGHT: Final = 8
TILE_WIDTH: Final = 256
CHECKPOINT_PATH: Final = "checkpoint"

#: Returns the bytes at a log-relative path such as ``tile/0/x001/234``.
Fetch = Callable[[str], bytes]


def tile_index_path(index: int) -> str:
    """``N`` as 3-digit path elements, all but the last prefixed by ``x`` (``x001/x234/067``)."""
    condition(
        isinstance(index, int) and 0 <= index <= tree_size_max, f"tile index {index!r} is invalid"
    )
    path = f"{index % 1000:03d}"
    while index >= 1000:
        index //= 1000
        path = f"x{index % 1000:03d}/{path}"
    return path


def _width_suffix(width: int) -> str:
    condition(
        isinstance(width, int) and 1 <= width <= TILE_WIDTH, f"tile width {width!r} not 1..256"
    )
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``."""
    condition(
        isinstance(level, int) and 0 <= level <= tile_level_max,
        f"tile level {level!r} is not 0..{tile_level_max}",
    )
    return f"tile/{level}/{tile_index_path(index)}{_width_suffix(width)}"


def entry_bundle_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return f"tile/entries/{tile_index_path(index)}{_width_suffix(width)}"


@dataclass(frozen=True, slots=True, order=True)
class TileId:
    """Tile ``index`` of tile level ``level``, ``width`` hashes wide (256 unless partial)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        condition(0 <= self.level <= tile_level_max, f"tile level {self.level} out of range")
        condition(self.index >= 0, f"tile index {self.index} is negative")
        condition(1 <= self.width <= TILE_WIDTH, f"tile width {self.width} is not 1..256")

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        return tile_path(self.level, self.index, self.width)

    @property
    def entries_path(self) -> str:
        """The matching entry bundle (level 0 only)."""
        condition(self.level == 0, "only level-0 tiles have entry bundles")
        return entry_bundle_path(self.index, self.width)


def _tiles_at_level(level: int, size: int, since_size: int = 0) -> list[TileId]:
    count = size >> (TILE_HEIGHT * level)
    first_new = (since_size >> (TILE_HEIGHT * level)) // TILE_WIDTH
    full = count // TILE_WIDTH
    tiles = [TileId(level, index) for index in range(first_new, full)]
    if count % TILE_WIDTH:
        tiles.append(TileId(level, full, count % TILE_WIDTH))
    return tiles


def tiles_for_size(size: int, *, since_size: int = 0) -> list[TileId]:
    """The tiles a tree of ``size`` leaves publishes: every full tile, and each level's partial.

    With ``since_size``, leave out the full tiles that were already full at that size.
    """
    condition(0 <= since_size <= size <= tree_size_max, f"sizes {since_size}, {size} invalid")
    tiles: list[TileId] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        tiles.extend(_tiles_at_level(level, size, since_size))
        level += 1
    return tiles


def encode_entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Each entry as a big-endian uint16 length then its bytes."""
    parts: list[bytes] = []
    for number, entry in enumerate(entries):
        condition(
            len(entry) <= tlog_entry_bytes_max,
            f"entry {number} is {len(entry)} bytes; a bundle holds at most {tlog_entry_bytes_max}",
        )
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(bytes(entry))
    return b"".join(parts)


def decode_entry_bundle(data: bytes, *, path: str = "entry bundle") -> list[bytes]:
    """The entries of a bundle; a truncated one raises ``InvalidTile``."""
    entries: list[bytes] = []
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise InvalidTile(path, f"truncated length prefix at byte {position}")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > len(data):
            raise InvalidTile(path, f"entry {len(entries)} runs past the end of the bundle")
        entries.append(bytes(data[position : position + length]))
        position += length
        if len(entries) > TILE_WIDTH:
            raise InvalidTile(path, "more than 256 entries")
    return entries


# --- writing ------------------------------------------------------------------------------------


def _write_atomically(root: Path, relative: str, data: bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def write_static_log(
    directory: Path | str,
    tree: MerkleTree,
    entries: Sequence[bytes],
    signed_checkpoint: str | bytes,
    *,
    since_size: int = 0,
) -> list[str]:
    """Write ``tree`` (with ``entries[i]`` the leaf ``i``) as tiles, bundles and checkpoint.

    ``signed_checkpoint`` must state the tree's current size and root. ``since_size`` is the
    size already published in ``directory``: full tiles and bundles complete at that size are
    not written again. Returns the paths written, relative to ``directory``, checkpoint last.
    Each entry is checked against its leaf hash before it is written.
    """
    root = Path(directory)
    size = tree.size
    checkpoint = Checkpoint.parse(parse_note(signed_checkpoint).text)
    condition(
        checkpoint.size == size and checkpoint.root_hash == tree.root(),
        f"the checkpoint (size {checkpoint.size}) does not state this tree (size {size})",
    )
    condition(len(entries) >= size, f"{len(entries)} entries for a tree of {size} leaves")
    condition(0 <= since_size <= size, f"since_size {since_size} is not in 0..{size}")
    written: list[str] = []
    for tile in tiles_for_size(size, since_size=since_size):
        first = tile.index * TILE_WIDTH
        hashes = tree.nodes(TILE_HEIGHT * tile.level, first, first + tile.width)
        invariant(len(hashes) == tile.width * DIGEST_SIZE, "a tile holds its width in hashes")
        _write_atomically(root, tile.path, hashes)
        written.append(tile.path)
        if tile.level == 0:
            bundle = [bytes(entries[first + offset]) for offset in range(tile.width)]
            for offset, entry in enumerate(bundle):
                if leaf_hash(entry) != hashes[offset * DIGEST_SIZE : (offset + 1) * DIGEST_SIZE]:
                    raise ConditionFailed(
                        f"entry {first + offset} does not hash to leaf {first + offset} of the tree"
                    )
            _write_atomically(root, tile.entries_path, encode_entry_bundle(bundle))
            written.append(tile.entries_path)
    note = (
        signed_checkpoint.encode("utf-8")
        if isinstance(signed_checkpoint, str)
        else bytes(signed_checkpoint)
    )
    _write_atomically(root, CHECKPOINT_PATH, note)
    written.append(CHECKPOINT_PATH)
    return written


# --- reading, as a third-party client would ----------------------------------------------------


def directory_fetch(directory: Path | str) -> Fetch:
    """A ``Fetch`` over a local directory; a missing file raises ``InvalidTile``."""
    root = Path(directory)

    def fetch(relative: str) -> bytes:
        try:
            return (root / relative).read_bytes()
        except FileNotFoundError as exc:
            raise InvalidTile(relative, "not found") from exc

    return fetch


def _subtree_from_tile(data: bytes, offset: int, height: int) -> bytes:
    """MTH of the ``2**height`` tile hashes starting at ``offset``."""
    hashes = [
        data[(offset + i) * DIGEST_SIZE : (offset + i + 1) * DIGEST_SIZE]
        for i in range(1 << height)
    ]
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


class TileReader:
    """Proofs and entries of a tiled log of ``size`` leaves, computed from its tiles alone.

    ``root_hash`` is the root of a *verified* checkpoint of that size. When it is given, no tile
    is used before it is authenticated, as golang.org/x/mod/sumdb/tlog's tile reader does: the
    rightmost (partial) tile of every level together must give ``root_hash`` (they hold exactly
    the tree's right edge), and a full tile must hash to its entry in the tile above it, which
    is itself authenticated the same way. Without ``root_hash`` tiles are taken as fetched.
    """

    __slots__ = ("_edge", "_fetch", "_root_hash", "_size", "_tiles")

    def __init__(self, fetch: Fetch, size: int, root_hash: bytes | None = None) -> None:
        condition(0 <= size <= tree_size_max, f"tree size {size} is outside 0..2**64-1")
        condition(root_hash is None or len(root_hash) == DIGEST_SIZE, "a root hash is 32 bytes")
        self._fetch = fetch
        self._size = size
        self._root_hash = root_hash
        self._tiles: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        #: The authenticated rightmost tiles (at most one per level), once checked.
        self._edge: dict[tuple[int, int], bytes] | None = None

    @property
    def size(self) -> int:
        return self._size

    def _width(self, level: int, index: int) -> int:
        count = self._size >> (TILE_HEIGHT * level)
        width = min(TILE_WIDTH, count - index * TILE_WIDTH)
        invariant(width >= 1, f"tile {level}/{index} is beyond a tree of {self._size}")
        return width

    def _fetch_tile(self, level: int, index: int) -> bytes:
        width = self._width(level, index)
        path = tile_path(level, index, width)
        data = self._fetch(path)
        if len(data) != width * DIGEST_SIZE:
            raise InvalidTile(path, f"{len(data)} bytes, expected {width * DIGEST_SIZE}")
        return data

    def _authenticated_edge(self) -> dict[tuple[int, int], bytes]:
        if self._edge is not None:
            return self._edge
        edge = {
            (tile.level, tile.index): self._fetch_tile(tile.level, tile.index)
            for tile in tiles_for_size(self._size, since_size=self._size)
        }

        def read(level: int, index: int) -> bytes:
            tile_level, height = divmod(level, TILE_HEIGHT)
            first = index << height
            data = edge.get((tile_level, first // TILE_WIDTH))
            invariant(data is not None, f"node ({level}, {index}) is not on the right edge")
            assert data is not None
            return _subtree_from_tile(data, first % TILE_WIDTH, height)

        computed = root_from_nodes(read, self._size)
        if computed != self._root_hash:
            raise InvalidTile(
                CHECKPOINT_PATH,
                f"tiles give root {computed.hex()}, the checkpoint states"
                f" {bytes(self._root_hash or b'').hex()}",
            )
        self._edge = edge
        return edge

    def _tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        cached = self._tiles.get(key)
        if cached is not None:
            self._tiles.move_to_end(key)
            return cached
        if self._root_hash is None:
            data = self._fetch_tile(level, index)
        elif self._width(level, index) < TILE_WIDTH:
            return self._authenticated_edge()[key]
        else:
            data = self._fetch_tile(level, index)
            parent = self.node_hash(TILE_HEIGHT * (level + 1), index)
            if _subtree_from_tile(data, 0, TILE_HEIGHT) != parent:
                raise InvalidTile(
                    tile_path(level, index), "does not hash to its parent tile's entry"
                )
        self._tiles[key] = data
        if len(self._tiles) > tile_reader_cached_tiles_max:
            self._tiles.popitem(last=False)
        return data

    def node_hash(self, level: int, index: int) -> bytes:
        """Hash of complete subtree ``(level, index)``, rebuilt from one tile."""
        if not (0 <= level < 64 and index >= 0 and (index + 1) << level <= self._size):
            raise ConditionFailed(
                f"node ({level}, {index}) is not a complete subtree of a tree of {self._size}"
            )
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        data = self._tile(tile_level, first // TILE_WIDTH)
        return _subtree_from_tile(data, first % TILE_WIDTH, height)

    def verify(self) -> None:
        """Check the right-edge tiles against ``root_hash`` now (else it happens on first use)."""
        condition(self._root_hash is not None, "a reader without a root hash cannot verify")
        self._authenticated_edge()

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        condition(0 <= size <= self._size, f"tree size {size} is outside 0..{self._size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` leaves (default: all), from tiles."""
        return root_from_nodes(self.node_hash, self._check_size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof_from_nodes(self.node_hash, index, self._check_size(size))

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof_from_nodes(self.node_hash, size1, self._check_size(size2))

    def leaf_hash_at(self, index: int) -> bytes:
        """Leaf hash ``index`` from its level-0 tile (authenticated if ``root_hash`` is known)."""
        condition(0 <= index < self._size, f"leaf index {index} is not below {self._size}")
        return self.node_hash(0, index)

    def entry(self, index: int) -> bytes:
        """Entry ``index`` from its bundle, checked against its leaf hash in the tiles."""
        expected = self.leaf_hash_at(index)
        bundle_index = index // TILE_WIDTH
        width = min(TILE_WIDTH, self._size - bundle_index * TILE_WIDTH)
        path = entry_bundle_path(bundle_index, width)
        entries = decode_entry_bundle(self._fetch(path), path=path)
        if len(entries) != width:
            raise InvalidTile(path, f"{len(entries)} entries, expected {width}")
        entry = entries[index % TILE_WIDTH]
        if leaf_hash(entry) != expected:
            raise InvalidTile(path, f"entry {index} does not hash to its leaf")
        return entry

    def entries(self, start: int, end: int) -> list[bytes]:
        """Entries ``[start, end)``."""
        condition(0 <= start <= end <= self._size, f"entries [{start}, {end}) out of range")
        return [self.entry(index) for index in range(start, end)]


def open_static_log(
    fetch: Fetch, verifiers: Iterable[NoteVerifier], *, origin: str | None = None
) -> tuple[Checkpoint, TileReader]:
    """Verify the published checkpoint, then check that the tiles give its root hash.

    The returned reader authenticates every tile it uses against that checkpoint.
    """
    checkpoint, _ = open_checkpoint(fetch(CHECKPOINT_PATH), verifiers, origin=origin)
    reader = TileReader(fetch, checkpoint.size, checkpoint.root_hash)
    reader.verify()
    return checkpoint, reader
