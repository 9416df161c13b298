"""The kernel: the only package that knows every institution and composes them.

It declares the pipeline of every command kind in one place (``pipeline``), runs commands
through the sequencer into the journal (``market``), computes the whole market's state hash
(``state``) and replays a journal to it (``replay``).
"""

from seawall.kernel.market import Market, Outcome
from seawall.kernel.replay import ReplayDivergence, ReplayResult, replay
from seawall.kernel.state import LOGIC_VERSION, market_state_hash

__all__ = [
    "LOGIC_VERSION",
    "Market",
    "Outcome",
    "ReplayDivergence",
    "ReplayResult",
    "market_state_hash",
    "replay",
]
