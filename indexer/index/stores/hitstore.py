"""A snapshot's stored fields by document number, beside Whoosh's: what a hit shows, read by offset.

Whoosh keeps a document's stored fields as one zlib-compressed pickle in its
segment's stored column: a hit reading them costs ~18 µs at 10k (the column's
reader, decompressing and unpickling the whole dict; the rationale is most of
it). This store holds the same dicts, written once by the builder from the
documents read back in docnum order: `hits.bin` is their `marshal` records one
after another, `hits.offsets` where each starts (n_docs + 1 little-endian
int64). A hit's fields cost ~5 µs: the offsets are memory-mapped, a record is
read with one `pread` (its pages stay in the page cache, shared, and do not
count in a process's memory). Whoosh's files are unchanged and stay the
reference (`imr check --deep` compares the two); a snapshot without the store
(one written before it) reads Whoosh's; `imr add` copies the base's records
for the segments it keeps (`Writer.copy`).
"""
from __future__ import annotations

import marshal
import mmap
import os
import struct
from pathlib import Path

import numpy as np

from indexer.index.stores.files import HIT_OFFSETS as OFFSETS, HIT_STORE as DATA

_MARSHAL_VERSION = 4            # readable by every Python 3 this project runs on
_OFFSET = struct.Struct("<2q")  # a document's start and the next one's
_START = struct.Struct("<q")


class Writer:
    """Writes the store of a snapshot being built, one document at a time in docnum order."""

    def __init__(self, snapshot: Path):
        self.snapshot = Path(snapshot)
        self._data = open(self.snapshot / (DATA + ".part"), "wb")
        self._offsets = open(self.snapshot / (OFFSETS + ".part"), "wb")
        self._at = 0
        self._offsets.write(struct.pack("<q", 0))

    def add(self, stored: dict) -> None:
        """The next document's stored fields."""
        record = marshal.dumps(stored, _MARSHAL_VERSION)
        self._data.write(record)
        self._at += len(record)
        self._offsets.write(struct.pack("<q", self._at))

    def copy(self, store: "HitStore", first: int, end: int) -> None:
        """Documents first..end - 1 of another snapshot's store, as they are (its bytes, one write)."""
        offsets = store.offsets(first, end)
        start, stop = int(offsets[0]), int(offsets[-1])
        self._data.write(store.read(first, end))
        self._offsets.write((offsets[1:] - start + self._at).astype("<i8").tobytes())
        self._at += stop - start

    def close(self) -> None:
        """Finish the files (renamed into place only now: a build that fails leaves no store)."""
        for handle in (self._data, self._offsets):
            handle.close()
        for name in (DATA, OFFSETS):
            os.replace(self.snapshot / (name + ".part"), self.snapshot / name)

    def abort(self) -> None:
        """Drop what was written."""
        for handle, name in ((self._data, DATA), (self._offsets, OFFSETS)):
            handle.close()
            (self.snapshot / (name + ".part")).unlink(missing_ok=True)


def _mapped(path: Path) -> mmap.mmap | None:
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


class HitStore:
    """An open store: `get(doc)` is the document's stored fields, as Whoosh's reader gives them.
    The offsets are mapped (8 bytes a document); a record is read with one `os.pread` (safe
    from any thread), so the records' pages stay in the page cache, not in the process."""

    def __init__(self, fd: int, offsets: mmap.mmap):
        self._fd, self._offsets = fd, offsets
        self.n_docs = len(offsets) // 8 - 1
        self._size = _START.unpack_from(offsets, 8 * self.n_docs)[0]     # the data file's, as written

    @classmethod
    def open(cls, snapshot: Path, n_docs: int) -> "HitStore | None":
        """The snapshot's store, or None when it has none or one of another document count."""
        snapshot = Path(snapshot)
        if not ((snapshot / DATA).is_file() and (snapshot / OFFSETS).is_file()):
            return None
        offsets = _mapped(snapshot / OFFSETS)
        if offsets is None or len(offsets) != 8 * (n_docs + 1):
            if offsets is not None:
                offsets.close()
            return None
        return cls(os.open(snapshot / DATA, os.O_RDONLY), offsets)

    def _span(self, first: int, end: int) -> tuple[int, int]:
        """Where documents first..end - 1 start and end in the data file."""
        return _START.unpack_from(self._offsets, 8 * first)[0], _START.unpack_from(self._offsets, 8 * end)[0]

    def get(self, doc: int) -> dict:
        """Document `doc`'s stored fields (EOFError when the store cannot give them)."""
        if not 0 <= doc < self.n_docs:
            raise IndexError(f"document {doc} is not in the store ({self.n_docs})")
        start, end = _OFFSET.unpack_from(self._offsets, 8 * doc)
        if end <= start:
            return {}
        record = os.pread(self._fd, end - start, start)
        if len(record) != end - start or os.fstat(self._fd).st_size != self._size:
            # Cut or rewritten under a running server: a read error from the first document on
            # (a streamed export then fails before its first row, not halfway).
            raise EOFError(f"{DATA} is not the size it was written with")
        try:
            stored = marshal.loads(record)
        except (ValueError, TypeError) as exc:       # damaged: a read error as Whoosh's would be
            raise EOFError(f"stored fields of document {doc}: {exc}") from exc
        if not isinstance(stored, dict):             # damaged into another value
            raise EOFError(f"stored fields of document {doc}: not a record ({type(stored).__name__})")
        return stored

    def read(self, first: int, end: int) -> bytes:
        """The records of documents first..end - 1, as they are."""
        start, stop = self._span(first, end)
        return os.pread(self._fd, stop - start, start) if stop > start else b""

    def offsets(self, first: int, end: int) -> np.ndarray:
        """Where documents first..end start, and where the last of them ends (end - first + 1 values)."""
        return np.frombuffer(self._offsets, dtype="<i8")[first:end + 1]

    def close(self) -> None:
        """Close the data file and unmap the offsets."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._offsets.close()


def write_from(snapshot: Path, docs) -> None:
    """Write a snapshot's store from its stored documents in docnum order."""
    writer = Writer(snapshot)
    try:
        for stored in docs:
            writer.add(stored)
    except BaseException:
        writer.abort()
        raise
    writer.close()
