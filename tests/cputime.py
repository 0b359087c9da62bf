"""CPU time of one call for the tests that compare costs (a hostile input against a plain one).

The collector is paused while the call runs: a full collection of the test process's heap (a whole
suite's objects), triggered by the call's allocations, is no cost of the call's and would land in
one measurement at random (it once made 20,000 nested divs look 26x 2,000 in a full run).
"""
from __future__ import annotations

import gc
import time
from typing import Callable, TypeVar

T = TypeVar("T")


def timed(function: Callable[..., T], *args) -> tuple[float, T]:
    """(CPU seconds of this process, result) for one call of ``function(*args)``, the collector paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.process_time()
        result = function(*args)
        return time.process_time() - started, result
    finally:
        if enabled:
            gc.enable()


def cpu_seconds(function: Callable[..., object], *args) -> float:
    """CPU seconds of this process for one call of ``function(*args)``, the collector paused."""
    return timed(function, *args)[0]
