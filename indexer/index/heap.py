"""The C heap of a build's writer process: freed memory handed back to the system, where glibc allows.

A writer's numpy arrays and Python objects are freed in bulk after every spill
and window of postings; glibc's malloc keeps freed heap pages unless told to
return them, so without this a writer's RSS follows its largest moment, not
what it holds (docs/performance.md, "The 1M rebuild's memory").
"""
from __future__ import annotations

import ctypes


def _libc():
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def trim() -> None:
    """Return the heap's free pages to the system (glibc's `malloc_trim`; nothing elsewhere)."""
    libc = _libc()
    release = getattr(libc, "malloc_trim", None) if libc is not None else None
    if release is not None:
        release(0)
