"""Rejections the kernel itself gives, before any institution sees a command (codes 100-999).

* 101 MALFORMED_COMMAND: the bytes are not a known command with well-typed fields.
* 102 COMMAND_TOO_LARGE: the encoded command exceeds ``limits.command_bytes_max``.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["KernelRejection"]


class KernelRejection(IntEnum):
    MALFORMED_COMMAND = 101
    COMMAND_TOO_LARGE = 102
