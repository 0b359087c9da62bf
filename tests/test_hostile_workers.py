"""Serving faults, third round (issue 28, finding 5): a worker stopped (SIGSTOP) or stuck keeps its
slot in the connection table, but the live workers stop waiting for it once it stops writing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from webapp.serving.balance import STALE_SECONDS, Ledger


def test_a_stopped_worker_holds_no_one_back_once_its_slot_is_stale():
    now = [1000.0]
    ledger = Ledger(2, clock=lambda: now[0])
    stopped = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        os.kill(stopped.pid, signal.SIGSTOP)      # alive (kill 0 answers) but never runs
        mine, theirs = ledger.claim(os.getpid()), ledger.claim(stopped.pid)
        ledger.publish(theirs, 0)
        ledger.publish(mine, 1)
        assert not ledger.least(mine)             # a live, fresh worker with fewer: it goes first
        now[0] += STALE_SECONDS / 2
        ledger.publish(mine, 1)
        assert not ledger.least(mine)
        now[0] += STALE_SECONDS                   # it has not written since: stale
        ledger.publish(mine, 4)
        assert ledger.least(mine)
        ledger.publish(theirs, 0)                 # it runs again: held back for again
        assert not ledger.least(mine)
    finally:
        stopped.kill()
        stopped.wait()
