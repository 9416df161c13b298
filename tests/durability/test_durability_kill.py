"""Crash safety of the embedded default: a market under load in a child process is killed with
SIGKILL at random moments, 20 times; after each kill the journal's chain and seals verify, every
order acknowledged before the kill is there, and the recovered market (snapshot + tail) has the
state hash a clean replay of the journal gives."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from seawall.adapters.storage import SqliteJournalStore
from seawall.broker import machine as broker
from seawall.core.clock import StepClock
from seawall.journal import verify_journal
from seawall.kernel import Market, replay
from seawall.sim.loadgen import ACKS_FILE, KEY

KILLS = 20


def _start(data: Path, seed: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "seawall.sim.loadgen", str(data), "--seed", str(seed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _acked(data: Path) -> list[tuple[str, str, str]]:
    path = data / ACKS_FILE
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    # A kill can cut the last line short: only whole lines were acknowledged.
    return [tuple(line.split(" ")) for line in lines if line.count(" ") == 2]  # type: ignore[misc]


def test_sigkill_never_loses_an_acknowledged_order(tmp_path: Path) -> None:
    data = tmp_path / "market"
    rng = random.Random(2026)
    acknowledged_before = 0
    for kill in range(KILLS):
        child = _start(data, seed=kill)
        deadline = time.monotonic() + 60
        # Let it get going (past set-up on the first run), then kill at a random moment.
        while len(_acked(data)) <= acknowledged_before and time.monotonic() < deadline:
            if child.poll() is not None:
                raise AssertionError(child.stderr.read().decode() if child.stderr else "died")
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)

        acked = _acked(data)
        assert len(acked) > acknowledged_before, f"kill {kill}: the child acknowledged nothing"
        acknowledged_before = len(acked)
        with SqliteJournalStore(data / "journal.sqlite") as store:
            report = verify_journal(store, KEY.verify_key)
            market = Market(store, KEY, StepClock())
            assert market.last_seq == report.last_seq
            broker_state = market.state("broker")
            missing = [
                line
                for line in acked
                if broker.order_by_client_id(broker_state, line[0], line[1], line[2]) is None
            ]
            assert missing == [], f"kill {kill}: acknowledged orders lost: {missing[:3]}"
            market.check_invariants()
            recovered_hash = market.state_hash()
            if kill in (0, KILLS - 1):
                assert replay(store).state_hash == recovered_hash
            else:
                assert replay(store, use_snapshot=True).state_hash == recovered_hash
