"""An independent verifier of Seawall's public history (``seawall verify``).

It imports only the public projection schema (``seawall.public``) and the transparency log
formats (``seawall.transparency``), never an institution or the kernel: what it checks, anyone
can check with the same published texts (RFC 6962, C2SP signed-note, tlog-checkpoint,
tlog-cosignature, tlog-tiles), ``seawall/public``, and the Binance-compatible API's documented
responses (``published``: what the API shows is compared with the replayed log).
"""

from seawall.verifier.check import VerifyResult, verify_log
from seawall.verifier.errors import EXIT_CODES, FAILURES, VerificationFailed
from seawall.verifier.published import LOG_SIZE_HEADER, ApiReader

__all__ = [
    "EXIT_CODES",
    "FAILURES",
    "LOG_SIZE_HEADER",
    "ApiReader",
    "VerificationFailed",
    "VerifyResult",
    "verify_log",
]
