"""webapp.serving.balance.Ledger: the least-connections rule between worker processes, dead workers skipped."""
from __future__ import annotations

import os
import subprocess
import sys

from webapp.serving.balance import Ledger


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_the_worker_with_the_fewest_connections_accepts():
    ledger = Ledger(4)
    a, b = ledger.claim(os.getpid()), ledger.claim(os.getppid())
    assert a != b and ledger.least(a) and ledger.least(b)        # a tie: both may accept
    ledger.publish(a, 3)
    ledger.publish(b, 2)
    assert not ledger.least(a) and ledger.least(b)
    ledger.publish(b, 3)
    assert ledger.least(a) and ledger.least(b)
    assert ledger.counts() == {os.getpid(): 3, os.getppid(): 3}


def test_a_dead_worker_neither_blocks_the_others_nor_keeps_its_slot():
    ledger = Ledger(2)
    mine = ledger.claim(os.getpid())
    gone = ledger.claim(dead_pid())
    ledger.publish(gone, 0)
    ledger.publish(mine, 5)
    assert ledger.least(mine)                 # the dead worker's 0 does not count
    assert ledger.claim(os.getppid()) == gone  # its replacement takes the slot
    assert ledger.counts()[os.getppid()] == 0


def test_with_every_slot_held_a_worker_goes_ungated_and_a_released_slot_is_free_again():
    ledger = Ledger(1)
    slot = ledger.claim(os.getpid())
    assert ledger.claim(os.getppid()) is None
    ledger.release(slot)
    assert ledger.claim(os.getppid()) == slot
