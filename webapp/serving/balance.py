"""Connections spread evenly over the worker processes that share one listening socket.

Every worker polls the shared socket and whichever wakes first takes the connection:
measured on two workers, 32 keep-alive connections opened one after another landed
31 / 1 and 22 / 10, so the busier worker's clients queued behind each other while the
other had little to do, and two clients often both landed on one worker (one core in
use of two). Here each worker writes how many connections it holds into a small
shared table (made by the master before it forks) and polls the listening socket only
while no live worker holds fewer: the least-connections rule (nginx's `least_conn`),
kept within one connection. A worker that dies is skipped (its process is gone) and
its slot taken by its replacement; a stopping worker leaves the table before it drains
(webapp.serving.workers); with no free slot a worker accepts as before.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os

from webapp.serving.server import listeners


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # another user's process now has the number: not ours
        return False
    return True


class Ledger:
    """Open connections per worker process, in memory shared by the master and its workers."""

    def __init__(self, slots: int):
        self._pids = multiprocessing.RawArray(ctypes.c_long, slots)
        self._counts = multiprocessing.RawArray(ctypes.c_long, slots)
        self._lock = multiprocessing.Lock()

    def claim(self, pid: int) -> int | None:
        """A slot for worker `pid` (a free one, or one whose process is gone), or None when all are held."""
        with self._lock:
            for slot, holder in enumerate(self._pids):
                if holder == 0 or holder == pid or not _alive(holder):
                    self._pids[slot], self._counts[slot] = pid, 0
                    return slot
        return None

    def release(self, slot: int) -> None:
        """Give the slot back (the worker is stopping)."""
        with self._lock:
            self._pids[slot], self._counts[slot] = 0, 0

    def publish(self, slot: int, connections: int) -> None:
        """Record that the worker of `slot` holds `connections` now (one aligned word: no lock needed)."""
        self._counts[slot] = connections

    def least(self, slot: int) -> bool:
        """True unless some other live worker holds fewer connections than the worker of `slot`."""
        mine = self._counts[slot]
        for other, pid in enumerate(self._pids):
            if other != slot and pid and self._counts[other] < mine and _alive(pid):
                return False
        return True

    def counts(self) -> dict[int, int]:
        """{worker pid: connections} of the slots held now."""
        return {pid: n for pid, n in zip(self._pids, self._counts) if pid}


def gate(server, ledger: Ledger, slot: int) -> None:
    """Make `server` (a waitress server in a worker) accept only while its worker holds the fewest connections."""
    sockets = listeners(server)

    def held() -> int:
        return sum(len(listener.active_channels) for listener in sockets)

    for listener in sockets:
        readable = listener.readable

        def gated(readable=readable) -> bool:
            # waitress asks this before every poll, so the table is at most one loop pass old.
            ledger.publish(slot, held())
            return readable() and ledger.least(slot)

        listener.readable = gated
        accept = listener.handle_accept

        def accepted(accept=accept) -> None:
            accept()
            ledger.publish(slot, held())     # at once, so another worker's next poll sees it

        listener.handle_accept = accepted
