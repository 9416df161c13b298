"""The public projection of the journal: what anyone may see and verify.

This package is the whole contract between Seawall and an outside verifier: the schema of a
public entry (``schema``) and how public state follows from public entries (``state``). It
imports nothing but ``seawall.core``: a verifier needs neither the institutions nor the kernel.
"""

from seawall.public.schema import PROJECTION_VERSION, PublicEntry, decode_public, encode_public
from seawall.public.state import PublicState

__all__ = ["PROJECTION_VERSION", "PublicEntry", "PublicState", "decode_public", "encode_public"]
