"""One opened snapshot for searching: its Whoosh index, facet arrays, postings cache and
each thread's searcher and letter-store connection (closed together when it is dropped)."""
from __future__ import annotations

import pickle
import sqlite3
import struct
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex

from indexer.errors import IndexDamaged
from indexer.index import facetdata, letterstore, snapshots, termstore
from indexer.index.postings import PostingCache
from indexer.search.understand import match_value

# What decoding a damaged segment or store raises inside Whoosh, numpy or sqlite.
READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, UnicodeDecodeError,
               sqlite3.DatabaseError, windex.IndexError)


@dataclass
class Snapshot:
    """One opened snapshot: Whoosh index, facet arrays, postings cache, per-thread searcher and store."""

    path: Path
    index: windex.Index
    facets: facetdata.FacetData
    local: threading.local = field(default_factory=threading.local)
    postings: PostingCache | None = None
    opened: list = field(default_factory=list)    # every thread's searcher and store, to close
    broken: bool = False

    def __post_init__(self) -> None:
        if self.postings is None:
            self.postings = PostingCache(stores=termstore.Stores(self.path))

    @classmethod
    def open(cls, path: Path) -> "Snapshot":
        """Open a snapshot directory; IndexDamaged when its files cannot be read."""
        damaged = snapshots.damaged_files(path)
        if damaged:   # checked before mmap-ing: a truncated mapped file would crash the process
            raise IndexDamaged(f"{path}: {'; '.join(damaged[:3])}: run `imr check`, then rebuild "
                               "with `imr index --force` or `imr rollback`")
        try:
            index = snapshots.open_whoosh(path)
            # Whoosh reads the segment files only when a reader opens: open one now,
            # so a truncated or missing segment is a 503 from the first request on.
            with index.searcher() as probe:
                probe.doc_count()
        except (OSError, EOFError, ValueError, windex.IndexError) as exc:
            raise IndexDamaged(f"{path}: Whoosh index unreadable ({exc}): run `imr check`, "
                               "then rebuild with `imr index`") from exc
        if not letterstore.path_of(path).is_file():
            raise IndexDamaged(f"{letterstore.path_of(path)} is missing: rebuild with `imr index`")
        return cls(path, index, facetdata.load(path))

    @property
    def name(self) -> str:
        return self.path.name

    def searcher(self):
        """This thread's Whoosh searcher."""
        if getattr(self.local, "searcher", None) is None:
            self.local.searcher = self.index.searcher()
            self.opened.append(self.local.searcher)
        return self.local.searcher

    def store(self) -> sqlite3.Connection:
        """This thread's read-only connection to the letter store."""
        if getattr(self.local, "store", None) is None:
            self.local.store = letterstore.connect_readonly(self.path, check_same_thread=False)
            self.opened.append(self.local.store)
        return self.local.store

    def close(self) -> None:
        """Close every thread's files of this snapshot (it is not used again)."""
        self.broken = True
        for handle in list(self.opened):
            try:
                handle.close()
            except Exception:      # already failing: closing is best effort
                pass

    def record(self, letter_id: str) -> dict | None:
        """A letter record from the store, or None."""
        return letterstore.read_one(self.store(), letter_id)

    def resolve(self, facet: str, typed: str) -> str | None:
        """A facet value as stored, from what a user typed (case-insensitive)."""
        return match_value(typed, self.facets.values(facet) if facet in self.facets.columns else ())
