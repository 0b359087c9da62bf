"""Forked children that die with their parent, so a rebuild killed by SIGKILL leaves no process behind.

A worker forked by a rebuild inherits every descriptor the rebuild holds, the
index lock among them; a worker outliving its parent (blocked on a pipe no one
writes any more) would keep the lock held with its holder dead. On Linux the
kernel sends such a child SIGKILL when its parent dies (PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a forked child: be killed when the process `parent` ends (Linux); exit now if it already has."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):     # not Linux: the lock's dead-holder takeover still applies
        pass
    if os.getppid() != parent:            # the parent died before the signal was asked for
        os._exit(1)
