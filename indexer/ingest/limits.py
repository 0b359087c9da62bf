"""Per-file limits on extraction: CPU time and memory, so one hostile file costs a bounded share.

Each file is extracted and parsed under `resource` limits set just for it:
RLIMIT_CPU's soft limit at the CPU used so far plus `Settings.max_extract_seconds`
(SIGXCPU then raises here, in Python), and RLIMIT_AS at the address space in use
plus `Settings.max_extract_memory` (allocations beyond it fail: MemoryError, or a
native library's own error). Both are put back after the file, so the same
worker goes on with the next one. Native code that holds the CPU without
coming back to Python (where SIGXCPU's handler runs) is stopped in worker
processes by a watchdog thread that kills the worker GRACE seconds after the
limit; the pipeline then reports that file as over the limit. Limits need the
main thread (signal handlers, process-wide limits): in a Dask worker's threads
they are not set and the worker's own memory limit applies.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from indexer.settings import Settings


WATCHDOG_EXIT = 124  # a worker's exit status when the watchdog ended it (the pool tells the file so)
GRACE = 5.0          # seconds past the CPU limit before the watchdog kills a stuck worker
_deadline: list[float | None] = [None]     # the CPU time (process_time) the current file must end by
_watching: list[int | None] = [None]       # pid whose watchdog thread runs


class CpuLimitExceeded(Exception):
    """Raised by SIGXCPU when a file has used up its CPU time."""


def cpu_reason(settings: Settings) -> str:
    return f"over the CPU time limit ({settings.max_extract_seconds} s per file, max_extract_seconds): skipped"


def memory_reason(settings: Settings) -> str:
    return (f"over the memory limit ({settings.max_extract_memory // 2**20:,} MB per file, "
            "max_extract_memory): skipped")


def abort_reason(settings: Settings) -> str:
    return (f"extraction aborted the worker process (SIGABRT): over the memory limit "
            f"({settings.max_extract_memory // 2**20:,} MB per file, max_extract_memory) or damaged: skipped")


def _on_sigxcpu(signum, frame) -> None:
    raise CpuLimitExceeded()


def _watchdog() -> None:
    while True:
        time.sleep(1)
        deadline = _deadline[0]
        if deadline is not None and time.process_time() > deadline:
            os._exit(WATCHDOG_EXIT)    # the whole process, whatever its main thread is stuck in


def _watch(seconds: float) -> None:
    """In a worker process: kill it should the current file run GRACE s past its CPU limit."""
    if multiprocessing.parent_process() is None:
        return            # never the user's own process (imr parse, jobs=1)
    if _watching[0] != os.getpid():
        _watching[0] = os.getpid()
        threading.Thread(target=_watchdog, name="extract-watchdog", daemon=True).start()
    _deadline[0] = time.process_time() + seconds + GRACE


def _address_space() -> int:
    """Bytes of address space this process maps now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def extraction_limits(settings: Settings) -> Iterator[None]:
    """Run the body under the per-file CPU and memory limits (a no-op where they cannot be set)."""
    try:
        import resource
        import signal
    except ImportError:       # not a POSIX system
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved: list[tuple[int, tuple[int, int]]] = []

    def lower(kind: int, soft: int) -> None:
        old = resource.getrlimit(kind)
        hard = old[1]
        resource.setrlimit(kind, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        saved.append((kind, old))

    handler = signal.signal(signal.SIGXCPU, _on_sigxcpu)
    try:
        if settings.max_extract_seconds:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            lower(resource.RLIMIT_CPU, int(usage.ru_utime + usage.ru_stime) + 1 + settings.max_extract_seconds)
            _watch(settings.max_extract_seconds)
        if settings.max_extract_memory and _address_space():
            lower(resource.RLIMIT_AS, _address_space() + settings.max_extract_memory)
        yield
    finally:
        _deadline[0] = None
        for kind, old in reversed(saved):
            resource.setrlimit(kind, old)
        signal.signal(signal.SIGXCPU, handler)


def children_cpu() -> float:
    """CPU seconds used by this process's finished children (to tell why a worker died)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
