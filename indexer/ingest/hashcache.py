"""Content hashes remembered by file identity, so a rebuild reads only the files that changed.

Hashing every letter is most of a no-change rebuild: 445,000 synthetic letters
are 10 GB to read; the real corpus, 1.8 million PDFs, some 250 GB. As git's
index does, a file whose size, modification time, change time, inode and
device are all what they were when it was hashed keeps its hash. The change
time cannot be set back by a program (`touch -d` sets it to now), so rewriting a
file and restoring its modification time is still seen. A hash is not
remembered while the file is younger than RACY_NS (a rewrite within the same
clock tick could keep every stamp); `Settings.rehash` (`--rehash`) reads every
file anyway.

The table lives beside the record cache (`hashes.sqlite`), keyed by absolute path
stored as its bytes (`os.fsencode`), so a file name that is not UTF-8 is kept exactly.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

FILE = "hashes.sqlite"
RACY_NS = 2_000_000_000
SAVE_EVERY = 20_000          # new hashes written to the table in batches of this many
_LOOKUP = "SELECT size, mtime_ns, ctime_ns, ino, dev, sha256 FROM hashes WHERE path IN (?, ?)"

Stamp = tuple[int, int, int, int, int]       # size, mtime_ns, ctime_ns, inode, device


def _utf8(name: str) -> bool:
    """Whether a file name (as os.fsdecode gives it) is valid UTF-8 text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stamp(st: os.stat_result) -> Stamp:
    """What must be unchanged for a remembered hash to stand."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


class HashCache:
    """Remembered (stamp, sha256) per absolute path, looked up in the table one file at a time
    (a corpus's table held in memory is ~500 bytes a file); new entries saved by `save`,
    and by `put` every SAVE_EVERY of them, so a first listing's memory stays bounded too.

    trust=False remembers what is hashed but answers nothing (every file is read).
    """

    def __init__(self, path: Path, trust: bool = True):
        self.path = path
        self._new: dict[str, tuple[Stamp, str]] = {}
        self._damaged = False
        self._con: sqlite3.Connection | None = None
        if trust and path.exists():
            try:
                self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                self._con.execute("SELECT path FROM hashes LIMIT 1").fetchall()
            except sqlite3.Error:     # unreadable: every file is hashed again and the table rewritten
                self.close()
                self._damaged = True

    def get(self, path: str | Path, st: os.stat_result) -> str | None:
        """The remembered hash of `path` if its stamp is unchanged, else None."""
        if self._con is None:
            return None
        name = os.path.abspath(path)
        try:
            # Keys are the path's bytes (text in older tables; a name that is not UTF-8 was never
            # stored as text, and sqlite cannot bind it as text).
            key = os.fsencode(name)
            text = name if name.isascii() or _utf8(name) else None
            found = self._con.execute(_LOOKUP, (key, text)).fetchone()
        except sqlite3.Error:
            self.close()
            self._damaged = True
            return None
        return found[5] if found is not None and tuple(found[:5]) == stamp(st) else None

    def put(self, path: str | Path, st: os.stat_result, digest: str) -> None:
        """Remember a hash just computed (not while the file is too young to trust its stamp)."""
        now = time.time_ns()
        if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            self._new[os.path.abspath(path)] = (stamp(st), digest)
            if len(self._new) >= SAVE_EVERY:
                self.save()

    def save(self) -> None:
        """Write the hashes learnt since the last save (one transaction)."""
        if not self._new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._damaged:
            self.path.unlink(missing_ok=True)
            self._damaged = False
        try:
            con = sqlite3.connect(self.path)
            try:
                with con:
                    con.execute("CREATE TABLE IF NOT EXISTS hashes (path TEXT PRIMARY KEY, size INTEGER,"
                                " mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER, dev INTEGER, sha256 TEXT)")
                    con.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    ((os.fsencode(name), *st, digest)
                                     for name, (st, digest) in self._new.items()))
            finally:
                con.close()
        except sqlite3.Error:
            pass    # only a speed-up: the next rebuild hashes these files again
        self._new.clear()

    def close(self) -> None:
        """Close the table (saving nothing: call `save` for that)."""
        if self._con is not None:
            self._con.close()
            self._con = None
