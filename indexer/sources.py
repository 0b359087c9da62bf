"""Input files: walk the given files and folders, size and hash each letter file."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = {".pdf", ".txt", ".html", ".htm"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """One input file; `error` is a one-line reason when it could not be read."""

    path: Path
    size: int = 0
    content_hash: str | None = None
    error: str | None = None


def file_hash(path: Path) -> str:
    """sha256 hex of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_os_error(exc: OSError) -> str:
    """A one-line reason for an OSError, e.g. 'unreadable: Permission denied'."""
    if isinstance(exc, FileNotFoundError):
        return "vanished before it could be read"
    return f"unreadable: {exc.strerror or exc}"


def _walk(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root, onerror=None):
        dirs.sort()
        found.extend(Path(folder) / f for f in sorted(files)
                     if Path(f).suffix.lower() in SUFFIXES and not f.startswith("."))
    return found


def _source(path: Path, max_bytes: int | None) -> Source:
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            return Source(path, size, None, f"too large ({size} bytes > {max_bytes})")
        return Source(path, size, file_hash(path))
    except OSError as exc:
        return Source(path, 0, None, describe_os_error(exc))


def list_sources(paths: list[Path], max_bytes: int | None = None) -> list[Source]:
    """Every letter file under `paths` (files or folders, recursive), sized and hashed.

    Files named explicitly are taken whatever their suffix; in folders only
    .pdf .txt .html .htm (any case) are. Missing or unreadable files come back
    with `error` set rather than raising.
    """
    found: list[Source] = []
    seen: set[Path] = set()
    for given in map(Path, paths):
        if given.is_dir():
            candidates = _walk(given)
        elif given.exists():
            candidates = [given]
        else:
            found.append(Source(given, 0, None, "no such file or directory"))
            continue
        for path in candidates:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(_source(path, max_bytes))
    return found
