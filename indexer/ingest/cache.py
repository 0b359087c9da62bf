"""The record cache: parsed records (or skip reasons) on disk, keyed by content.

Layout: CACHE/<hash[:2]>/<hash>.<parser version>.<pdf engine>.json holding
either {"record": {...}} or {"skipped": "reason"}. A key changes whenever the
bytes, the parser or the PDF engine change, so a stale entry is never read.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from indexer.record import PARSER_VERSION, Record
from indexer.settings import Settings


def entry_file(settings: Settings, content_hash: str) -> str:
    """Where the cache entry of a file with this content lives.

    Text, not a Path: a rebuild asks once or twice per letter, and pathlib
    interns every name it parses (an interned-strings table that never shrinks).
    """
    name = f"{content_hash}.{PARSER_VERSION}.{settings.pdf_engine}.json"
    return os.path.join(settings.record_cache, content_hash[:2], name)


def holds(settings: Settings, content_hash: str) -> bool:
    """True when the cache has an entry for this content."""
    return os.path.isfile(entry_file(settings, content_hash))


def lookup(settings: Settings, content_hash: str) -> dict | None:
    """The cached entry ({'record': ...} or {'skipped': reason}), or None on a miss."""
    try:
        with open(entry_file(settings, content_hash), encoding="utf-8") as fh:
            entry = json.load(fh)
    except (OSError, ValueError):
        return None  # a missing or damaged entry is just a miss
    return entry if isinstance(entry, dict) and ("record" in entry or "skipped" in entry) else None


def _write_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)   # ASCII escapes: a non-UTF-8 file name (surrogateescape) stays exact
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(settings: Settings, content_hash: str, record: Record | None = None,
          skipped: str | None = None, cpu_limit: int | None = None) -> None:
    """Cache a parsed record, or the reason a file was skipped.

    A full disk or read-only cache only costs a re-parse next time, so write
    errors are swallowed.
    """
    entry = {"record": record} if record is not None else {"skipped": skipped}
    if cpu_limit is not None:
        entry["cpu_limit"] = cpu_limit      # skipped over this CPU limit: a larger one may read it
    try:
        _write_atomic(Path(entry_file(settings, content_hash)), entry)
    except OSError:
        pass
