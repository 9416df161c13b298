"""Golden journal: the fixed scenario's state hash and chain head are pinned per logic version.

If this fails, a change altered an outcome, an encoding or a state hash. That is allowed only
together with a ``LOGIC_VERSION`` bump (and an upcaster for older journals): add the new
version's hashes here, never edit an old version's.
"""

from __future__ import annotations

from seawall.adapters.storage import MemoryJournalStore
from seawall.core.clock import StepClock
from seawall.core.signing import SigningKey
from seawall.kernel import LOGIC_VERSION, replay
from seawall.sim.genesis import open_market
from seawall.sim.scenarios import dvp_scenario

GOLDEN = {
    1: (
        "ecbb14659a65c96520c4bfaee534610d0878c8bd4e7340819730da85232a7f42",
        "785aed9523b016d531107a341a6cf56f28a1bcd83cf5ec6b22b78a805667bd37",
    ),
    # 2: PostHold gained keep_remainder, so command bytes (and the chain) changed; state did not.
    2: (
        "ecbb14659a65c96520c4bfaee534610d0878c8bd4e7340819730da85232a7f42",
        "4ab80d6b9a2b4bc7f82a629fff0e85b0f937f82c22b5bf75cfdd9f6e495c02d4",
    ),
    # 3: licences at genesis; the market holds the regulator, identity and custody too.
    3: (
        "28e4d6e5240a8dcf3db3e984cbb6b809e51cd964d8b01beca44b07ce2551c14d",
        "06f63f4546cb07e31de799ec923784862c04230723a6a77f41ebb66ac9c72fdc",
    ),
    # 4: clearing joins the market; its (empty) state enters the market hash.
    4: (
        "df1868ac46924bd356822d39eda5e9d2d00c40bf765d06385a7011f729d635c3",
        "b24803683cce10aeb508962a4b502173b75d34a43b4e6ccc7e21d5e7d5f22547",
    ),
    # 5: brokers and the venue join the market.
    5: (
        "ccbf1f092768ed3df1296c1ccc67126ca07c3e11621df3f6abdf5c296ca2f892",
        "d70d9b2bf3dc30d8570701fb7455c49405b3921ba5930bc4c2077a138572c1ef",
    ),
    # 6: custody's state gains the proof-of-reserves roots it anchored.
    6: (
        "1bc3d85924dbd2dd05bf38577490741b5b9e3420d696b7393f39413c9c525a70",
        "ee24fa2e7a2025731fc1cc37cf6f902076edc8ddfcb8112a589bfa6fc74f6f38",
    ),
    # 7: surveillance joins the market.
    7: (
        "585541b7b304907b42f8e1e2cf6c4355184280c8e358e53197adf4f3a6356e60",
        "def1518d7b826437398c3c81c9edfe3ff968059d1574b5a5210a3a792a89453e",
    ),
    # 8: the buyer's fee rounds down per fill (no state change in this scenario: no trades).
    8: (
        "585541b7b304907b42f8e1e2cf6c4355184280c8e358e53197adf4f3a6356e60",
        "4e96bce967dbded8bf75ea810b98d62dde6827eac2042d7a7d50753b6cb19838",
    ),
    # 9: surveillance's case desk (assign, escalate, note; the regulator works cases). No case
    # in this scenario, so only the entries' logic version (and the chain) changed.
    9: (
        "585541b7b304907b42f8e1e2cf6c4355184280c8e358e53197adf4f3a6356e60",
        "07a92eafb043cc71e6b644efe27c7d1e3b66f7030213d846aa08625bb4dd00eb",
    ),
}


def test_the_golden_scenario_reaches_the_pinned_hashes() -> None:
    store = MemoryJournalStore()
    market = open_market(store, SigningKey.from_label("seawall-demo-sequencer"), StepClock())
    for _, command in dvp_scenario():
        market.submit(command, "custody")
    market.commit()
    state_hash, head_hash = GOLDEN[LOGIC_VERSION]
    assert market.state_hash().hex() == state_hash
    assert market.sequencer.head_hash.hex() == head_hash
    assert replay(store).state_hash.hex() == state_hash
