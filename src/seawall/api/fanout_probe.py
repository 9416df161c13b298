"""A thin WebSocket subscriber for measuring market-data fan-out (``seawall bench api``).

A thousand subscribers in one process, each a ``websockets`` client, cost the client tens of
microseconds of Python per message: at ten diffs a second each, the load generator saturates its
core before the server does, and its own queueing is then counted as delivery latency. This
probe is an ``asyncio.Protocol`` that performs the RFC 6455 opening handshake and then reads the
server's frames straight from the socket buffer, timing each text frame on arrival and taking
the event time ``"E"`` without decoding the rest of the diff. It answers pings (masked, as a
client must) and stops at a close frame. It is a measuring instrument, not a general client.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from typing import Final

__all__ = ["DepthProbe"]

_TEXT: Final = 0x1
_CONTINUATION: Final = 0x0
_CLOSE: Final = 0x8
_PING: Final = 0x9
_PONG: Final = 0xA


class DepthProbe(asyncio.Protocol):
    """One subscription to ``path``; appends ``receive time - E`` in ms to ``delays``."""

    def __init__(self, host: str, port: int, path: str, delays: list[float]) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: "
            f"{base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.delays = delays
        self.buffer = bytearray()
        self.fragments = bytearray()
        self.upgraded = False
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before the upgrade: {exc}"))

    def data_received(self, data: bytes) -> None:
        received_ms = time.time() * 1000
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[: buffer.find(b"\r\n")])
            if b" 101 " not in status:
                self.ready.set_exception(ConnectionError(f"no upgrade: {status!r}"))
                self.close()
                return
            del buffer[: end + 4]
            self.upgraded = True
            self.ready.set_result(None)
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            length = second & 0x7F
            start = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length = int.from_bytes(buffer[2:4], "big")
                start = 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length = int.from_bytes(buffer[2:10], "big")
                start = 10
            if second & 0x80:  # a server must not mask; tolerate it anyway
                start += 4
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            if second & 0x80:
                mask = buffer[start - 4 : start]
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            del buffer[: start + length]
            self._frame(first & 0x80 != 0, first & 0x0F, payload, received_ms)

    def _frame(self, final: bool, opcode: int, payload: bytes, received_ms: float) -> None:
        if opcode in (_TEXT, _CONTINUATION):
            self.fragments += payload
            if not final:
                return
            text = bytes(self.fragments)
            self.fragments.clear()
            start = text.find(b'"E":')
            if start >= 0:
                start += 4
                self.delays.append(received_ms - int(text[start : text.index(b",", start)]))
        elif opcode == _PING:
            self._send(_PONG, payload)
        elif opcode == _CLOSE:
            self.close()

    def _send(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._send(_CLOSE, b"")
            self.transport.close()
