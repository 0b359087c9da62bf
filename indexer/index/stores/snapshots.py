"""Published index snapshots, the CURRENT pointer and the rebuild lock.

Layout under INDEX_DIR:
    snapshots/<UTC timestamp>-<random>/   one complete, immutable index (Whoosh
                                          files, letters.sqlite, facets.*.npy, schema_version)
    snapshots/<name>.building/            a rebuild in progress (removed if one was killed)
    CURRENT                               the name of the snapshot being served
    lock                                  held (flock) for a whole rebuild; says who holds it
    cache/                                the record cache (see indexer.ingest.cache)
A snapshot is written completely, verified, renamed from .building and only
then named in CURRENT (written to a temp file and os.replace'd), so a reader
always sees either the old or the new index.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from indexer.errors import ImrError, IndexMissing, LockHeld, SchemaMismatch
from indexer.fields import SCHEMA_VERSION
from indexer.index.stores.files import LETTER_STORE, MANIFEST, SCHEMA_FILE
from indexer.settings import Settings

BUILDING = ".building"


def snapshots_dir(settings: Settings) -> Path:
    """INDEX_DIR/snapshots."""
    return Path(settings.index_dir) / "snapshots"


def new_snapshot_dir(settings: Settings) -> Path:
    """Create and return an empty <timestamp>-<random>.building directory."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = snapshots_dir(settings) / f"{stamp}-{secrets.token_hex(3)}{BUILDING}"
    path.mkdir(parents=True)
    return path


def finish(building: Path) -> Path:
    """Rename a completed .building directory to its final name."""
    final = building.with_name(building.name[: -len(BUILDING)])
    os.replace(building, final)
    return final


def discard(building: Path) -> None:
    """Remove an abandoned .building directory."""
    shutil.rmtree(building, ignore_errors=True)


def _index_missing(settings: Settings) -> IndexMissing:
    return IndexMissing(f"no index at {settings.index_dir}: "
                        f"run: imr index SOURCE --index {settings.index_dir}")


def current_name(settings: Settings) -> str | None:
    """The name in CURRENT, or None when nothing was published."""
    try:
        return (Path(settings.index_dir) / "CURRENT").read_text().strip() or None
    except FileNotFoundError:
        return None


def current(settings: Settings) -> Path:
    """The directory of the published snapshot (raises IndexMissing)."""
    name = current_name(settings)
    path = snapshots_dir(settings) / name if name else None
    if path is None or not path.is_dir():
        raise _index_missing(settings)
    return path


def is_complete(snapshot: Path) -> bool:
    """True when a snapshot has its schema version, letter store and every file it was published with."""
    return ((snapshot / SCHEMA_FILE).is_file() and (snapshot / LETTER_STORE).is_file()
            and not damaged_files(snapshot))


def current_or_newest(settings: Settings) -> tuple[Path, str]:
    """The current snapshot, or when CURRENT is missing or names no snapshot, the newest complete one.

    Returns the snapshot and a note saying which was taken and why ('' for the current one).
    """
    try:
        return current(settings), ""
    except IndexMissing:
        pass
    name = current_name(settings)
    for candidate in reversed(published(settings)):
        path = snapshots_dir(settings) / candidate
        if is_complete(path):
            why = f"CURRENT names {name}, which is not there" if name else "CURRENT is missing"
            return path, f"{why}; took the newest complete snapshot, {candidate}"
    raise _index_missing(settings)


def check_schema(snapshot: Path, settings: Settings | None = None) -> None:
    """Raise SchemaMismatch unless the snapshot was written by this schema version."""
    try:
        written = (snapshot / SCHEMA_FILE).read_text().strip()
    except FileNotFoundError:
        written = "?"
    if written != str(SCHEMA_VERSION):
        where = settings.index_dir if settings else snapshot.parent.parent
        if written.isdigit() and int(written) > SCHEMA_VERSION:
            # a newer imr published it: this (older) program is the one to replace
            raise SchemaMismatch(f"index written by schema v{written}, newer than this program's "
                                 f"v{SCHEMA_VERSION}: upgrade imr and restart the server "
                                 f"(or `imr rollback --index {where}`)")
        raise SchemaMismatch(f"index written by schema v{written}, this program reads "
                             f"v{SCHEMA_VERSION}: rebuild with imr index SOURCE --index {where}")


def open_whoosh(snapshot: Path):
    """A snapshot's Whoosh index, its segment files read without mmap.

    whoosh3's compound-file reader copies every mmap-ed sub-file into a BytesIO,
    so each searcher held a private copy of the postings (~350 MB at 100k
    documents, per thread). Plain file reads cost no speed here (frequent
    terms come from the term stores) and a truncated file is an error, not a
    SIGBUS.
    """
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(snapshot), supports_mmap=False).open_index()


def open_index(settings: Settings):
    """The current snapshot's Whoosh index, schema version checked."""
    snapshot = current(settings)
    check_schema(snapshot, settings)
    return open_whoosh(snapshot)


def _write_pointer(settings: Settings, name: str) -> None:
    pointer = Path(settings.index_dir) / "CURRENT"
    tmp = pointer.with_name(f".CURRENT.{os.getpid()}.tmp")
    tmp.write_text(name + "\n")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, pointer)


def published(settings: Settings) -> list[str]:
    """Names of complete snapshots, oldest first."""
    root = snapshots_dir(settings)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.endswith(BUILDING))


def prune(settings: Settings) -> None:
    """Keep the current snapshot and the newest others, keep_snapshots in all."""
    keep_current = current_name(settings)
    others = [n for n in published(settings) if n != keep_current]
    room = max(settings.keep_snapshots - (1 if keep_current else 0), 0)
    for name in others[: max(len(others) - room, 0)]:
        shutil.rmtree(snapshots_dir(settings) / name, ignore_errors=True)


def clean_building(settings: Settings) -> list[str]:
    """Remove .building directories left by killed rebuilds (call with the lock held)."""
    root = snapshots_dir(settings)
    removed = []
    for path in root.glob(f"*{BUILDING}") if root.is_dir() else []:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def publish(settings: Settings, snapshot: Path) -> str:
    """Make a finished snapshot current (atomically) and prune old ones; returns its name."""
    if snapshot.parent != snapshots_dir(settings) or snapshot.name.endswith(BUILDING):
        raise ValueError(f"not a finished snapshot of {settings.index_dir}: {snapshot}")
    _write_pointer(settings, snapshot.name)
    prune(settings)
    return snapshot.name


def rollback_target(settings: Settings) -> str | None:
    """The snapshot `rollback` would make current: the newest complete one older than the current one.

    When CURRENT is missing (or names no snapshot) it is the newest complete snapshot.
    """
    now = current_name(settings)
    names = published(settings)
    if now not in names:
        now = None
    older = [n for n in names if now is None or n < now]
    return next((n for n in reversed(older) if is_complete(snapshots_dir(settings) / n)), None)


def rollback(settings: Settings) -> str:
    """Point CURRENT at the snapshot published before the current one; returns its name.

    When CURRENT is missing, or names a snapshot that is gone, it points CURRENT at the
    newest complete snapshot instead (the caller can tell by `current_name` before).
    """
    with rebuild_lock(settings):
        target = rollback_target(settings)
        if target is None:
            now = current_name(settings)
            if now is None and not published(settings):
                raise _index_missing(settings)
            raise IndexMissing(f"no snapshot older than {now or 'the current one'} (and complete) in "
                               f"{snapshots_dir(settings)} to roll back to (see: imr snapshots)")
        _write_pointer(settings, target)
        return target


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text().strip() or "unknown process"
    except OSError:
        return "unknown process"


def _unwritable(path: Path, exc: OSError) -> ImrError:
    return ImrError(f"cannot write the index folder {path.parent}: {exc.strerror or exc}; "
                    "choose a writable --index folder (or fix its permissions, or free disk space)")


def _acquire(lock_path: Path) -> int:
    """An fd holding the flock on lock_path; raises LockHeld naming the holder."""
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(f"another rebuild holds {lock_path}: {_holder(lock_path)} "
                           "(wait for it to finish)") from None
        # The holder before us removes the file as it releases: if it did between our open
        # and our flock, we hold a lock on a file nobody else sees. Then take the new one.
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def rebuild_lock(settings: Settings) -> Iterator[None]:
    """Hold INDEX_DIR/lock for a rebuild (removed when released); raises LockHeld naming the holder."""
    lock_path = Path(settings.index_dir) / "lock"
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(lock_path)
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode(), 0)
    except OSError as exc:
        raise _unwritable(lock_path, exc) from exc
    try:
        yield
    finally:
        # Removed while still held, so no one else can be holding it. A killed holder leaves
        # the file, but the kernel drops its flock when the fd closes, even on SIGKILL.
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def read_manifest(snapshot: Path) -> dict:
    """The snapshot's build.json (what it was built from, its report, its files' sizes), or {}."""
    try:
        return json.loads((Path(snapshot) / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def damaged_files(snapshot: Path) -> list[str]:
    """Files the snapshot was published with that are now missing or of another size."""
    problems = []
    for name, size in read_manifest(snapshot).get("files", {}).items():
        try:
            actual = (Path(snapshot) / name).stat().st_size
        except OSError:
            problems.append(f"{name} is missing")
            continue
        if actual != size:
            problems.append(f"{name} has {actual} bytes, was published with {size}")
    return problems


def _letter_counts(snapshot: Path) -> tuple[int, int]:
    """(letters, items) of a snapshot's letter store, counted by SQLite; (0, 0) when unreadable."""
    import sqlite3

    from indexer.index.stores import letterstore

    try:
        con = letterstore.connect_readonly(snapshot)
        try:
            letters, items = con.execute("SELECT COUNT(*), COALESCE(SUM(json_array_length(record, '$.items')), 0) "
                                         "FROM letters").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return 0, 0
    return int(letters), int(items)


def list_snapshots(settings: Settings) -> list[dict]:
    """Every snapshot, newest first: name, current, rollback (what `rollback` would restore),
    complete, letters, items, schema."""
    now, target = current_name(settings), rollback_target(settings)
    out = []
    for name in reversed(published(settings)):
        path = snapshots_dir(settings) / name
        try:
            schema = int((path / SCHEMA_FILE).read_text().strip())
        except (OSError, ValueError):
            schema = None
        letters, items = _letter_counts(path)
        out.append({"name": name, "current": name == now, "rollback": name == target,
                    "complete": is_complete(path), "letters": letters, "items": items, "schema": schema})
    return out
