"""The NATS JetStream journal store, for the scale-out mode (``--journal nats://...``).

Each commit group is one JetStream message on ``seawall.<name>.groups`` in the stream
``SEAWALL_<NAME>``, its framed entries as the payload and its seal in headers
(``Seawall-First-Seq``, ``Seawall-Last-Seq``, ``Seawall-Head``, ``Seawall-Signature``, hex).
JetStream gives the durability and, replicated across three servers (``docs/operating.md``),
the availability; this adapter adds three guarantees on top:

* **one writer**: each publish names the stream sequence it expects to follow
  (``Nats-Expected-Last-Sequence``), so a second sequencer cannot interleave groups;
* **exactly once**: each publish carries ``Nats-Msg-Id: <name>:<first_seq>``, so a retried
  publish after a lost acknowledgement is de-duplicated by the server, not stored twice;
* **any group size**: a group larger than one message (the server's ``max_payload``, 1 MiB by
  default, less room for headers) is published as parts (``Seawall-Part: i/k``, no signature,
  the group's first and last seq and head) followed by its final message, the only one that
  carries the seal (``Seawall-Parts: k``). A group exists once its final message is stored:
  parts left without one by a crash are skipped by readers, and the next group is appended
  after them, so a group stays atomic.

Metadata lives in the key-value bucket ``SEAWALL_<NAME>_META`` and snapshots in the object
store ``SEAWALL_<NAME>_SNAPSHOTS``. nats-py is asynchronous; the store runs its own event loop on
a private thread and exposes the synchronous ``JournalStore`` port. Every nats error is mapped to
``StorageError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Coroutine, Iterator, Sequence
from typing import Any, Final, TypeVar

import nats
from nats.errors import Error as NatsError
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from seawall.core.codec import decode, encode
from seawall.core.errors import ConditionFailed, JournalCorrupt, StorageError
from seawall.journal.entry import Seal
from seawall.journal.framing import check_group, frame_group, split_group
from seawall.journal.store import JournalStore, Snapshot, StoredEntry

__all__ = ["NatsJournalStore"]

T = TypeVar("T")
_NAME: Final = re.compile(r"[a-z][a-z0-9_]{0,40}")
_TIMEOUT_S: Final = 30.0
#: Room left under the server's ``max_payload`` for a message's headers.
_HEADERS_BYTES: Final = 4096
_FIRST, _LAST, _HEAD, _SIGNATURE, _PART, _PARTS = (
    "Seawall-First-Seq",
    "Seawall-Last-Seq",
    "Seawall-Head",
    "Seawall-Signature",
    "Seawall-Part",
    "Seawall-Parts",
)


def _seal(last_seq: int, headers: dict[str, str]) -> Seal:
    return Seal(last_seq, bytes.fromhex(headers[_HEAD]), bytes.fromhex(headers[_SIGNATURE]))


def _part_number(stream_seq: int, headers: dict[str, str]) -> int:
    number, _, count = headers.get(_PART, "").partition("/")
    if not (number.isdigit() and count.isdigit() and 0 < int(number) < int(count)):
        raise JournalCorrupt(1, f"stream message {stream_seq} is neither a sealed group nor a part")
    return int(number)


class NatsJournalStore(JournalStore):
    """A journal in a JetStream stream at ``url``, named ``name``. ``part_bytes_max`` bounds one
    message's payload (default: the server's ``max_payload`` less room for headers)."""

    def __init__(
        self,
        url: str,
        name: str = "seawall",
        replicas: int = 1,
        part_bytes_max: int | None = None,
    ) -> None:
        if _NAME.fullmatch(name) is None:
            raise ConditionFailed(f"journal name must match {_NAME.pattern}, got {name!r}")
        if part_bytes_max is not None and part_bytes_max <= 0:
            raise ConditionFailed(f"part_bytes_max must be positive, got {part_bytes_max}")
        self.url = url
        self.name = name
        self._part_bytes_max = part_bytes_max
        #: The stream sequence of our last publish and the last seq it sealed, while this store
        #: is the stream's one writer (a publish that finds otherwise resets both).
        self._written: tuple[int, int] | None = None
        self.stream = f"SEAWALL_{name.upper()}"
        self.subject = f"seawall.{name}.groups"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._closed = False
        try:
            self._run(self._open(replicas))
        except StorageError:
            self._stop_loop()
            raise

    # --- the private event loop ---------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._closed:
            coroutine.close()
            raise StorageError(f"the NATS journal {self.name!r} is closed")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(_TIMEOUT_S)
        except (NatsError, OSError, TimeoutError) as exc:
            raise StorageError(f"NATS journal {self.name!r} at {self.url}: {exc!r}") from exc

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _open(self, replicas: int) -> None:
        self._nc = await nats.connect(self.url, connect_timeout=5, max_reconnect_attempts=3)
        self._js = self._nc.jetstream()
        try:
            await self._js.stream_info(self.stream)
        except NotFoundError:
            await self._js.add_stream(
                StreamConfig(
                    name=self.stream,
                    subjects=[self.subject],
                    storage=StorageType.FILE,
                    num_replicas=replicas,
                    duplicate_window=120.0,
                )
            )
        self._kv = await self._js.create_key_value(bucket=f"{self.stream}_META")
        self._objects = await self._js.create_object_store(bucket=f"{self.stream}_SNAPSHOTS")

    async def _stream_last(self) -> int:
        info = await self._js.stream_info(self.stream)
        return int(info.state.last_seq)

    async def _group_at(self, stream_seq: int) -> tuple[int, int, bytes, dict[str, str]]:
        message = await self._js.get_msg(self.stream, stream_seq)
        headers = message.headers or {}
        try:
            first, last = int(headers[_FIRST]), int(headers[_LAST])
        except (KeyError, ValueError) as exc:
            raise JournalCorrupt(1, f"stream message {stream_seq} has no seal headers") from exc
        return first, last, bytes(message.data or b""), headers

    async def _last_final(self, stream_last: int) -> tuple[int, dict[str, str]] | None:
        """The last seq and headers of the newest sealed group at or before ``stream_last``,
        passing over parts a crash left without their final message."""
        for stream_seq in range(stream_last, 0, -1):
            _, last, _, headers = await self._group_at(stream_seq)
            if _SIGNATURE in headers:
                return last, headers
        return None

    # --- the port ------------------------------------------------------------------------

    def append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        self._run(self._append(entries, seal))

    async def _append(self, entries: Sequence[StoredEntry], seal: Seal) -> None:
        if self._written is None:
            stream_last = await self._stream_last()
            final = await self._last_final(stream_last)
            self._written = (stream_last, 0 if final is None else final[0])
        stream_last, through = self._written
        check_group(entries, seal, through)
        body = frame_group(entries)
        size = self._part_bytes_max or self._nc.max_payload - _HEADERS_BYTES
        parts = [body[offset : offset + size] for offset in range(0, len(body), size)]
        first, head = str(entries[0].seq), seal.head_hash.hex()
        group = {_FIRST: first, _LAST: str(seal.last_seq), _HEAD: head}
        try:
            for number, part in enumerate(parts[:-1], start=1):
                headers = {
                    **group,
                    _PART: f"{number}/{len(parts)}",
                    "Nats-Msg-Id": f"{self.name}:{first}:{head}:{number}",
                    "Nats-Expected-Last-Sequence": str(stream_last),
                }
                stream_last = (await self._js.publish(self.subject, part, headers=headers)).seq
            headers = {
                **group,
                _SIGNATURE: seal.signature.hex(),
                "Nats-Msg-Id": f"{self.name}:{first}",
                "Nats-Expected-Last-Sequence": str(stream_last),
            }
            if len(parts) > 1:
                headers[_PARTS] = str(len(parts))
            ack = await self._js.publish(self.subject, parts[-1], headers=headers)
        except BaseException:
            self._written = None
            raise
        self._written = (ack.seq, seal.last_seq)

    def read(self, from_seq: int = 1, to_seq: int | None = None) -> Iterator[StoredEntry]:
        upper = to_seq if to_seq is not None else (1 << 62)
        stream_last = self._run(self._stream_last())
        start = self._run(self._find(max(from_seq, 1), stream_last))
        parts: dict[tuple[str, int], bytes] = {}
        for stream_seq in range(start, stream_last + 1):
            first, last, body, headers = self._run(self._group_at(stream_seq))
            if _SIGNATURE not in headers:
                parts[(headers.get(_HEAD, ""), _part_number(stream_seq, headers))] = body
                continue
            if first > upper:
                return
            count = headers.get(_PARTS, "1")
            head = headers.get(_HEAD, "")
            try:
                pieces = [parts[(head, number)] for number in range(1, int(count))]
            except (KeyError, ValueError) as exc:
                raise JournalCorrupt(first, f"group {first}..{last} is missing a part") from exc
            parts.clear()
            for seq, entry in split_group(first, last, b"".join(pieces) + body):
                if from_seq <= seq <= upper:
                    yield StoredEntry(seq, entry)

    async def _find(self, seq: int, stream_last: int) -> int:
        """The stream sequence of the group holding ``seq``, or of a part left by a crash
        before it (binary search on the headers: every message at or after the group's first
        part names a last seq of at least ``seq``, so the search never lands past it)."""
        low, high = 1, stream_last
        while low < high:
            middle = (low + high) // 2
            _, last, _, _ = await self._group_at(middle)
            if last < seq:
                low = middle + 1
            else:
                high = middle
        return low if stream_last else 1

    def seals(self) -> Iterator[Seal]:
        return iter(self._run(self._seals()))

    async def _seals(self) -> list[Seal]:
        seals = []
        for stream_seq in range(1, await self._stream_last() + 1):
            _, last, _, headers = await self._group_at(stream_seq)
            if _SIGNATURE in headers:
                seals.append(_seal(last, headers))
        return seals

    def last_seal(self) -> Seal | None:
        return self._run(self._last_seal())

    async def _last_seal(self) -> Seal | None:
        final = await self._last_final(await self._stream_last())
        return None if final is None else _seal(*final)

    def put_snapshot(self, snapshot: Snapshot) -> None:
        self._run(self._objects.put(f"{snapshot.seq:020d}", encode(snapshot)))

    def latest_snapshot(self, at_most_seq: int | None = None) -> Snapshot | None:
        return self._run(self._latest_snapshot(at_most_seq))

    async def _latest_snapshot(self, at_most_seq: int | None) -> Snapshot | None:
        try:
            listed = await self._objects.list()
        except NotFoundError:
            return None
        names = sorted(
            info.name
            for info in listed
            if not info.deleted and (at_most_seq is None or int(info.name) <= at_most_seq)
        )
        if not names:
            return None
        result = await self._objects.get(names[-1])
        try:
            return decode(bytes(result.data or b""), Snapshot)
        except ConditionFailed as exc:
            raise JournalCorrupt(int(names[-1]), f"snapshot does not decode: {exc}") from exc

    def get_meta(self, key: str) -> bytes | None:
        return self._run(self._get_meta(key))

    async def _get_meta(self, key: str) -> bytes | None:
        try:
            entry = await self._kv.get(key)
        except NotFoundError:
            return None
        return None if entry.value is None else bytes(entry.value)

    def put_meta(self, key: str, value: bytes) -> None:
        self._run(self._kv.put(key, bytes(value)))

    def drop(self) -> None:
        """Delete the stream, bucket and object store (tests and tear-down only)."""
        self._run(self._drop())

    async def _drop(self) -> None:
        self._written = None
        for remove in (
            self._js.delete_stream(self.stream),
            self._js.delete_key_value(f"{self.stream}_META"),
            self._js.delete_object_store(f"{self.stream}_SNAPSHOTS"),
        ):
            with contextlib.suppress(NotFoundError):
                await remove

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._run(self._nc.close())
        finally:
            self._closed = True
            self._stop_loop()
