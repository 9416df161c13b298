"""An independent verifier of Seawall's public history (``seawall verify``).

It imports only the public projection schema (``seawall.public``) and the transparency log
formats (``seawall.transparency``), never an institution or the kernel: what it checks, anyone
can check with the same published texts (RFC 6962, C2SP signed-note, tlog-checkpoint,
tlog-cosignature, tlog-tiles) and ``seawall/public``.
"""

from seawall.verifier.check import VerificationFailed, VerifyResult, verify_log

__all__ = ["VerificationFailed", "VerifyResult", "verify_log"]
