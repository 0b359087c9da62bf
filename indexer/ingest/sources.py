"""Input files: walk the given files and folders, size and hash each letter file; choose one file per letter."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from indexer.ingest.hashcache import HashCache
from indexer.record import Record, verdicts

SUFFIXES = {".pdf", ".txt", ".html", ".htm"}
FORMAT_RANK = {"pdf": 0, "html": 1, "txt": 2}
_CHUNK = 1 << 20


class Source:
    """One input file; `error` is a one-line reason when it could not be read.

    The path is kept as text (`file`; `path` makes the Path): a listing of the
    whole corpus holds millions of these, and a Path object costs ~400 bytes.
    """

    __slots__ = ("file", "size", "content_hash", "error")

    def __init__(self, path: str | os.PathLike, size: int = 0, content_hash: str | None = None,
                 error: str | None = None) -> None:
        self.file, self.size, self.content_hash, self.error = os.fspath(path), size, content_hash, error

    @property
    def path(self) -> Path:
        """The file's path, as given or as walked."""
        return Path(self.file)

    def __repr__(self) -> str:
        return f"Source({self.file!r}, {self.size}, {self.content_hash!r}, {self.error!r})"


class NotRegularFile(OSError):
    """A FIFO, socket, device or folder where a letter file was expected."""


KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read ('not a regular file (a FIFO)'), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in KINDS if test(mode)), "a special file")
    return f"not a regular file ({kind}): skipped"


def open_regular(path: Path):
    """The file opened for reading in binary, refusing anything but a regular file.

    Opened non-blocking and checked on the open descriptor, so a FIFO put in a
    letter's place after listing cannot block the open or the read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        reason = not_regular(os.fstat(fd).st_mode)
        if reason:
            raise NotRegularFile(0, reason, str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def shown(path: object) -> str:
    """A path as text that any terminal or file can take: bytes that are not UTF-8 as \\xNN escapes."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def file_hash(path: Path) -> str:
    """sha256 hex of a (regular) file's bytes."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_os_error(exc: OSError) -> str:
    """A one-line reason for an OSError, e.g. 'unreadable: Permission denied'."""
    if isinstance(exc, NotRegularFile):
        return exc.strerror
    if isinstance(exc, FileNotFoundError):
        return "vanished before it could be read"
    return f"unreadable: {exc.strerror or exc}"


def _walk(root: Path) -> tuple[list[str], list[Source]]:
    """Letter files under `root` (paths as text), and a Source with `error` for each folder that
    could not be listed."""
    found, unreadable = [], []

    def folder_error(exc: OSError) -> None:
        unreadable.append(Source(exc.filename or root, 0, None,
                                 f"unreadable folder, its letters are not indexed: {exc.strerror or exc}"))

    for folder, dirs, files in os.walk(root, onerror=folder_error):
        dirs.sort()
        found.extend(os.path.join(folder, f) for f in sorted(files)
                     if os.path.splitext(f)[1].lower() in SUFFIXES and not f.startswith("."))
    return found, unreadable


def _source(path: str, max_bytes: int | None, seen: set, hashes: HashCache | None) -> Source | None:
    """The file sized and hashed; None when the same file (by inode) was listed already."""
    try:
        st = os.stat(path)
        if (st.st_dev, st.st_ino) in seen:
            return None
        seen.add((st.st_dev, st.st_ino))
        if not_regular(st.st_mode):
            return Source(path, 0, None, not_regular(st.st_mode))
        if max_bytes is not None and st.st_size > max_bytes:
            return Source(path, st.st_size, None, f"too large ({st.st_size} bytes > {max_bytes})")
        digest = hashes.get(path, st) if hashes is not None else None
        if digest is None:
            digest = file_hash(Path(path))
            if hashes is not None:
                hashes.put(path, st, digest)
        return Source(path, st.st_size, digest)
    except OSError as exc:
        return Source(path, 0, None, describe_os_error(exc))


def list_sources(paths: list[Path], max_bytes: int | None = None,
                 hashes: HashCache | None = None) -> list[Source]:
    """Every letter file under `paths` (files or folders, recursive), sized and hashed.

    Files named explicitly are taken whatever their suffix; in folders only
    .pdf .txt .html .htm (any case) are. Missing or unreadable files, folders
    that cannot be listed and anything not a regular file (FIFO, socket, device)
    come back with `error` set rather than raising. With `hashes`, an unchanged file's
    remembered hash is used instead of reading it (see indexer.ingest.hashcache).
    """
    found: list[Source] = []
    seen: set[tuple[int, int]] = set()    # (device, inode): a file reached twice is listed once
    for given in map(Path, paths):
        if given.is_dir():
            candidates, unreadable = _walk(given)
            found.extend(unreadable)
        elif given.exists():
            candidates = [str(given)]
        else:
            found.append(Source(given, 0, None, "no such file or directory"))
            continue
        for path in candidates:
            source = _source(path, max_bytes, seen, hashes)
            if source is not None:
                found.append(source)
    return found


@dataclass(slots=True)
class Outcome:
    """What became of one source file: a record, or the reason it was skipped."""

    path: str
    record: Record | None = None
    reason: str | None = None
    parsed: bool = False          # False: the answer came from the cache


def _preference(record: Record) -> tuple:
    # Keep the fullest copy of a letter: complete over partial, PDF over HTML over text.
    return (bool(record.get("partial")), FORMAT_RANK.get(record.get("format"), 9), record.get("source") or "")


CONFLICT = "conflicts with"    # a skip reason's start: another file's copy of the letter, other decisions


def _conflict(kept: Record, other: Record) -> str:
    return (f"{CONFLICT} {kept.get('source')}: the same case number {kept['id']} with other decisions "
            f"({verdicts(other)} here, {verdicts(kept)} there): not indexed, the copy indexed first "
            "stays (docs/security.md, case-number conflicts); remove the wrong file")


def select_letters(outcomes: list[Outcome], incumbents: Callable[[], dict[str, str]] | None = None
                   ) -> tuple[list[Record], list[tuple[str, str]], int]:
    """Records with one copy per letter id, the skipped (path, reason) list, and the duplicate count.

    Copies agreeing on their decisions are duplicates: the fullest is kept. Copies that disagree
    conflict: the one the current index holds stays (`incumbents()`: letter id -> content hash,
    asked only when there is a conflict), else the fullest; the others are skipped, saying so.
    """
    skipped = [(o.path, o.reason or "no record") for o in outcomes if o.record is None]
    copies: dict[str, list[Record]] = {}
    for o in outcomes:
        if o.record is not None:
            copies.setdefault(o.record["id"], []).append(o.record)
    held: dict[str, str] | None = None
    best: dict[str, Record] = {}
    for letter_id, found in copies.items():
        best[letter_id] = min(found, key=_preference)
        if len(found) > 1 and len({verdicts(r) for r in found}) > 1:
            held = held if held is not None else (incumbents() if incumbents else {})
            best[letter_id] = next((r for r in found if r.get("content_hash") == held.get(letter_id)),
                                   best[letter_id])
    kept = {id(r) for r in best.values()}
    records, duplicates = [], 0
    for o in outcomes:
        if o.record is None:
            continue
        if id(o.record) in kept:
            records.append(o.record)
            continue
        chosen = best[o.record["id"]]
        if verdicts(o.record) != verdicts(chosen):
            skipped.append((o.path, _conflict(chosen, o.record)))
        else:
            duplicates += 1
            skipped.append((o.path, f"duplicate of {chosen['source']}"))
    return records, skipped, duplicates


def _replaces(new: Record, old: Record) -> bool:
    """A changed file replaces its letter; another copy of it only if it is a better one."""
    if new.get("source") == old.get("source"):
        return True
    return _preference(new)[:2] <= _preference(old)[:2]


def merge_letters(base: list[Record], new: list[Record], skipped: list[tuple[str, str]]) -> tuple[dict, int]:
    """Letters by id after adding `new` to `base`, and how many were replaced.

    A letter is replaced when the same id comes back with other bytes, or when
    its file now holds other content (hash-based ids change with the bytes).
    Another file's copy with other decisions never replaces it: a conflict, skipped saying so.
    """
    merged = {r["id"]: r for r in base}
    by_source = {r.get("source"): r["id"] for r in base}
    replaced = 0
    for rec in new:
        old = merged.get(rec["id"])
        if old is not None and old.get("source") != rec.get("source") and verdicts(old) != verdicts(rec):
            skipped.append((rec["source"], _conflict(old, rec)))
            continue
        if old is not None and not _replaces(rec, old):
            skipped.append((rec["source"], f"duplicate of {old.get('source')}"))
            continue
        stale = by_source.get(rec["source"]) if old is None else None
        if stale in merged:
            del merged[stale]
        replaced += old is not None or stale is not None
        merged[rec["id"]] = rec
    return merged, replaced
