"""A snapshot's stored fields by document number, beside Whoosh's: what a hit shows, read by offset.

Whoosh keeps a document's stored fields as one zlib-compressed pickle in its
segment's stored column: a hit reading them costs ~18 µs at 10k (the column's
reader, decompressing and unpickling the whole dict; the rationale is most of
it). This store holds the same dicts, written once by the builder from the
documents read back in docnum order: `hits.bin` is their `marshal` records one
after another, `hits.offsets` where each starts (n_docs + 1 little-endian
int64). A hit's fields cost ~3 µs. Both files are memory-mapped, so every
serving process shares their pages. Whoosh's files are unchanged and stay the
reference (`imr check --deep` compares the two); a snapshot without the store
(written before it, or by `imr add`) reads Whoosh's.
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
        offsets = np.frombuffer(store._offsets, dtype="<i8")[first:end + 1]
        start, stop = int(offsets[0]), int(offsets[-1])
        if stop > start:
            self._data.write(store._data[start:stop])
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
    """An open store: `get(doc)` is the document's stored fields, as Whoosh's reader gives them."""

    def __init__(self, data: mmap.mmap | None, offsets: mmap.mmap):
        self._data, self._offsets = data, offsets
        self.n_docs = len(offsets) // 8 - 1

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
        return cls(_mapped(snapshot / DATA), offsets)

    def get(self, doc: int) -> dict:
        """Document `doc`'s stored fields (EOFError when the store cannot give them)."""
        if not 0 <= doc < self.n_docs:
            raise IndexError(f"document {doc} is not in the store ({self.n_docs})")
        start, end = _OFFSET.unpack_from(self._offsets, 8 * doc)
        try:
            return marshal.loads(self._data[start:end]) if end > start else {}
        except (ValueError, TypeError) as exc:       # damaged: a read error as Whoosh's would be
            raise EOFError(f"stored fields of document {doc}: {exc}") from exc

    def close(self) -> None:
        """Unmap the files."""
        for mapped in (self._data, self._offsets):
            if mapped is not None:
                mapped.close()


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
