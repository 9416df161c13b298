"""The fan-out benchmark's thin WebSocket probe reads frames as RFC 6455 lays them out."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from seawall.api.fanout_probe import DepthProbe


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def _frame(opcode: int, payload: bytes, final: bool = True) -> bytes:
    head = bytes([(0x80 if final else 0) | opcode])
    if len(payload) < 126:
        return head + bytes([len(payload)]) + payload
    if len(payload) < 1 << 16:
        return head + bytes([126]) + len(payload).to_bytes(2, "big") + payload
    return head + bytes([127]) + len(payload).to_bytes(8, "big") + payload


def _unmask(frame: bytes) -> tuple[int, bytes]:
    assert frame[1] & 0x80, "a client frame must be masked"
    length = frame[1] & 0x7F
    mask = frame[2:6]
    return frame[0] & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(frame[6 : 6 + length]))


def test_the_probe_upgrades_times_diffs_and_answers_pings() -> None:
    async def scenario() -> tuple[list[float], _Transport, DepthProbe]:
        delays: list[float] = []
        probe = DepthProbe("127.0.0.1", 9, "/ws/btcusd@depth@100ms", delays)
        transport = _Transport()
        probe.connection_made(transport)
        assert transport.written[0].startswith(b"GET /ws/btcusd@depth@100ms HTTP/1.1\r\n")
        assert b"Sec-WebSocket-Version: 13" in transport.written[0]
        probe.data_received(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        assert probe.ready.done()
        now = int(time.time() * 1000)
        small = json.dumps({"e": "depthUpdate", "E": now, "s": "BTCUSD"}).encode()
        large = json.dumps({"e": "depthUpdate", "E": now, "b": [["1.0", "2.0"]] * 30}).encode()
        wire = (
            _frame(0x1, small)
            + _frame(0x1, large[:50], final=False)  # a fragmented message
            + _frame(0x0, large[50:])
            + _frame(0x9, b"hi")
        )
        for i in range(0, len(wire), 7):  # split anywhere: frames straddle reads
            probe.data_received(wire[i : i + 7])
        probe.data_received(_frame(0x8, b""))
        return delays, transport, probe

    delays, transport, _probe = asyncio.run(scenario())
    assert len(delays) == 2  # the small diff and the reassembled large one
    assert all(delay > -1000 for delay in delays)
    opcodes = [_unmask(frame) for frame in transport.written[1:]]
    assert opcodes[0] == (0xA, b"hi")  # the ping answered with its payload, masked
    assert opcodes[-1] == (0x8, b"")
    assert transport.closed


def test_a_refused_upgrade_is_an_error() -> None:
    async def scenario() -> DepthProbe:
        probe = DepthProbe("127.0.0.1", 9, "/ws/nope", [])
        probe.connection_made(_Transport())
        probe.data_received(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
        return probe

    probe = asyncio.run(scenario())
    with pytest.raises(ConnectionError, match="no upgrade"):
        probe.ready.result()
