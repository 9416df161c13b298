"""Property test: random command streams (valid and invalid) drive the fast ledger and the naive
reference twin side by side. After every step both must agree on the outcome (the same events,
byte for byte, or the same rejection code), decide must not have touched either state, the state
hashes must be equal, the fast state must pass ``check_invariants`` and survive a snapshot round
trip with the same hash."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from seawall.core import limits
from seawall.core.codec import encode
from seawall.core.machine import Context, Rejection
from seawall.ledger import (
    AccountKind,
    CreateHold,
    DefineAsset,
    FreezeAccount,
    HoldStatus,
    LedgerCommand,
    LedgerState,
    OpenAccount,
    PostHold,
    Posting,
    Transfer,
    UnfreezeAccount,
    VoidHold,
    machine,
    reference,
)
from seawall.ledger.state import NORMAL_SIGN

MAX = limits.amount_minor_max
CTX = Context(seq=1, timestamp_ns=0, submitter="property")


def mostly(common: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """Each of ``common`` four times as likely as each of ``rare`` (invalid or edge values)."""
    return st.sampled_from(common * 4 + rare)


VALID_ACCOUNTS = ["ext", "a1", "a2", "a3", "wal", "hs", "eq"]
account_ids = mostly(VALID_ACCOUNTS, ["bad id", "", "nobody"])
asset_codes = mostly(["USD", "USD", "BTC"], ["ETH", "EUR", "usd"])
hold_ids = mostly([f"h{n}" for n in range(20)], ["h 7", "", "h1"])
transfer_ids = mostly([f"t{n}" for n in range(20)], ["", "t x", "t0"])
amounts = st.integers(1, 2_000) | mostly([1, 10, 100], [0, -1, -500, MAX, MAX + 1, -MAX])
kinds: st.SearchStrategy[Any] = mostly(list(AccountKind), ["bogus"])
memos = mostly(["", "fee"], ["m" * limits.memo_length_max, "m" * (limits.memo_length_max + 1)])
#: Small capacities, so that LEDGER_FULL is reached too.
SMALL_LIMITS = {"assets_max": 4, "accounts_max": 7, "holds_pending_max": 4}


@st.composite
def leg_postings(draw: st.DrawFn) -> tuple[Posting, ...]:
    """1-3 balanced legs (debit one account, credit another), sometimes knocked off balance."""
    postings: list[Posting] = []
    for _ in range(draw(st.integers(1, 3))):
        asset = draw(asset_codes)
        amount = draw(amounts)
        postings.append(Posting(draw(account_ids), asset, -amount))
        postings.append(Posting(draw(account_ids), asset, amount))
    if draw(st.integers(0, 9)) == 0:
        postings.append(Posting(draw(account_ids), draw(asset_codes), draw(amounts)))
    if draw(st.integers(0, 19)) == 0:
        postings = postings * 9  # past postings_per_transfer_max
    return tuple(postings)


class LedgerTwins(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.fast = LedgerState()
        self.ref = reference.ReferenceState()
        self.saved_limits = {name: getattr(limits, name) for name in SMALL_LIMITS}
        for name, value in SMALL_LIMITS.items():
            setattr(limits, name, value)

    def teardown(self) -> None:
        for name, value in self.saved_limits.items():
            setattr(limits, name, value)

    def run(self, command: LedgerCommand) -> None:
        fast_before = machine.state_hash(self.fast)
        ref_before = reference.state_hash(self.ref)
        assert fast_before == ref_before
        fast_out = machine.decide(self.fast, command, CTX)
        ref_out = reference.decide(self.ref, command, CTX)
        assert machine.state_hash(self.fast) == fast_before, "decide changed the state"
        assert reference.state_hash(self.ref) == ref_before
        if isinstance(fast_out, Rejection) or isinstance(ref_out, Rejection):
            assert isinstance(fast_out, Rejection), (command, fast_out, ref_out)
            assert isinstance(ref_out, Rejection), (command, fast_out, ref_out)
            assert fast_out.code == ref_out.code, (command, fast_out, ref_out)
            return
        assert encode(fast_out) == encode(ref_out), (command, fast_out, ref_out)
        for event in fast_out:
            machine.evolve(self.fast, event)
        for event in ref_out:
            reference.evolve(self.ref, event)
        assert machine.state_hash(self.fast) == reference.state_hash(self.ref), command

    @initialize()
    def open_a_small_market(self) -> None:
        for command in (
            DefineAsset("USD", 2),
            DefineAsset("BTC", 8),
            OpenAccount("ext", AccountKind.EXTERNAL),
            OpenAccount("a1", AccountKind.CLIENT),
            OpenAccount("a2", AccountKind.CLIENT),
            OpenAccount("wal", AccountKind.ASSET, "BTC"),
            OpenAccount("hs", AccountKind.HOUSE, "USD"),
            Transfer("seed-1", (Posting("ext", "USD", -5_000), Posting("a1", "USD", 5_000))),
            Transfer("seed-2", (Posting("wal", "BTC", -3_000), Posting("a2", "BTC", 3_000))),
        ):
            self.run(command)

    @rule(code=asset_codes, decimals=st.integers(-1, limits.asset_decimals_max + 1))
    def define_asset(self, code: str, decimals: int) -> None:
        self.run(DefineAsset(code, decimals))

    @rule(account_id=account_ids, kind=kinds, asset=st.just("") | asset_codes)
    def open_account(self, account_id: str, kind: Any, asset: str) -> None:
        self.run(OpenAccount(account_id, kind, asset))

    @rule(account_id=account_ids, freeze=st.booleans())
    def freeze_or_unfreeze(self, account_id: str, freeze: bool) -> None:
        self.run(FreezeAccount(account_id) if freeze else UnfreezeAccount(account_id))

    @rule(transfer_id=transfer_ids, postings=leg_postings(), memo=memos)
    def transfer(self, transfer_id: str, postings: tuple[Posting, ...], memo: str) -> None:
        self.run(Transfer(transfer_id, postings, memo))

    @rule(data=st.data(), transfer_id=transfer_ids)
    def transfer_between_open_accounts(self, data: st.DataObject, transfer_id: str) -> None:
        """A payment between two open accounts in an asset they may hold: mostly accepted."""
        open_ids = sorted(self.fast.accounts)
        debit_id = data.draw(st.sampled_from(open_ids))
        credit_id = data.draw(st.sampled_from(open_ids))
        asset = self.fast.accounts[debit_id].asset or data.draw(st.sampled_from(["USD", "BTC"]))
        amount = data.draw(st.integers(1, 3_000))
        postings = (Posting(debit_id, asset, -amount), Posting(credit_id, asset, amount))
        self.run(Transfer(transfer_id, postings))

    @rule(data=st.data(), hold_id=hold_ids)
    def hold_on_open_account(self, data: st.DataObject, hold_id: str) -> None:
        account_id = data.draw(st.sampled_from(sorted(self.fast.accounts)))
        asset = self.fast.accounts[account_id].asset or data.draw(st.sampled_from(["USD", "BTC"]))
        self.run(CreateHold(hold_id, account_id, asset, data.draw(st.integers(1, 3_000))))

    @rule(
        hold_id=hold_ids,
        account_id=account_ids,
        asset=asset_codes,
        amount=amounts | st.integers(1, 100),
        memo=memos,
    )
    def create_hold(
        self, hold_id: str, account_id: str, asset: str, amount: int, memo: str
    ) -> None:
        self.run(CreateHold(hold_id, account_id, asset, amount, memo))

    @rule(data=st.data(), transfer_id=transfer_ids, memo=memos)
    def post_holds(self, data: st.DataObject, transfer_id: str, memo: str) -> None:
        """Usually a post of real pending holds taking at most (sometimes just over) what they
        hold; otherwise arbitrary hold ids and postings."""
        pending = sorted(
            hold_id
            for hold_id, hold in self.fast.holds.items()
            if hold.status is HoldStatus.PENDING
        )
        if not pending or data.draw(st.integers(0, 5)) == 0:
            ids = tuple(data.draw(st.lists(hold_ids, max_size=limits.holds_per_post_max + 1)))
            keep = data.draw(st.booleans())
            self.run(PostHold(ids, transfer_id, data.draw(leg_postings()), memo, keep))
            return
        chosen = data.draw(st.lists(st.sampled_from(pending), min_size=1, max_size=3, unique=True))
        postings: list[Posting] = []
        for hold_id in chosen:
            hold = self.fast.holds[hold_id]
            sign = NORMAL_SIGN[self.fast.accounts[hold.account_id].kind]
            taken = data.draw(
                mostly([hold.amount_minor, hold.amount_minor // 2, 1], [0, hold.amount_minor + 1])
            )
            if taken:
                counterparty = data.draw(
                    st.sampled_from(
                        [
                            account_id
                            for account_id, account in sorted(self.fast.accounts.items())
                            if account.asset in ("", hold.asset)
                        ]
                    )
                )
                postings.append(Posting(hold.account_id, hold.asset, -sign * taken))
                postings.append(Posting(counterparty, hold.asset, sign * taken))
        keep = data.draw(st.booleans())
        self.run(PostHold(tuple(chosen), transfer_id, tuple(postings), memo, keep))

    @rule(data=st.data())
    def void_hold(self, data: st.DataObject) -> None:
        known = sorted(self.fast.holds)
        if known and data.draw(st.integers(0, 4)) > 0:
            self.run(VoidHold(data.draw(st.sampled_from(known))))
        else:
            self.run(VoidHold(data.draw(hold_ids)))

    @invariant()
    def invariants_hold_and_snapshots_round_trip(self) -> None:
        machine.check_invariants(self.fast)
        restored = machine.restore(machine.snapshot(self.fast))
        assert machine.state_hash(restored) == machine.state_hash(self.fast)


LedgerTwins.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_ledger_fast_matches_reference = LedgerTwins.TestCase
