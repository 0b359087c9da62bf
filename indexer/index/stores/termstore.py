"""Frequent terms' postings per Whoosh segment, decoded once at build into one flat file.

Whoosh keeps postings as zlib-compressed pickled blocks; decoding them in
Python costs 3-5 µs per posting, so the first query for a term found in half
of 100k documents spent ~150 ms (~250 ms with positions for a phrase) before
any matching. Segments never change once written, so each segment gets a
`<segment id>.hot` file beside its `.seg` holding, for every term with at
least `HOT_MIN_DF` postings in it, the segment-local docnums, weights and
positions as plain little-endian arrays that a query maps in place. Rarer
terms are cheap to decode per query and stay out. A missing or unreadable
`.hot` file only costs speed: postings.PostingCache then decodes from Whoosh.

File: MAGIC, uint64 header length, JSON header ({"segment", "doc_count",
"arrays": {name: [offset, dtype, length]}, "terms": {field: {term hex:
[first posting, postings, first position, positions]}}}), then the arrays
(docs, weights, counts = positions per posting, positions), 64-byte aligned.
"""
from __future__ import annotations

import json
import os
import struct
import threading
from pathlib import Path

import numpy as np

from indexer.index.stores.files import TERM_STORE_SUFFIX as SUFFIX
from indexer.index.postings import decode_positions, leaf_postings

MAGIC = b"IMRHOT1\n"
HOT_MIN_DF = 256      # below this a term decodes from Whoosh in about a millisecond or less
ALIGN = 64


def segment_id(leaf) -> str | None:
    """The Whoosh segment id of a leaf reader (the .seg file's stem), None if unknown."""
    try:
        return leaf._segment.segment_id()
    except AttributeError:
        return None


def _indexed_text_fields(leaf, schema) -> list[str]:
    # Numeric fields' terms are encoded numbers: ranges on them never go term by term here.
    return [f for f in leaf.indexed_field_names() if f in schema and not hasattr(schema[f], "numtype")]


def _hot_terms(leaf, field: str, min_df: int) -> list[bytes]:
    return [t for t, info in leaf.iter_field(field, b"") if info.doc_frequency() >= min_df]


class _Spool:
    """One array of the file, appended term by term to a temporary file (memory stays flat)."""

    def __init__(self, path: Path, dtype: str):
        self.path, self.dtype, self.length, self.top = path, dtype, 0, 0
        self.file = open(path, "wb")

    def add(self, array: np.ndarray) -> None:
        self.file.write(np.asarray(array, dtype=self.dtype).tobytes())
        self.length += len(array)
        if len(array) and self.dtype != "<f4":
            self.top = max(self.top, int(array.max()))

    def narrow(self, name: str) -> str:
        """The dtype to publish: 2 bytes for counts and positions when they fit."""
        return "<u2" if name in ("counts", "positions") and self.top < 2 ** 16 else self.dtype

    def copy_to(self, out, dtype: str, chunk: int = 1 << 22) -> None:
        """Append the array as `dtype`, padded to ALIGN."""
        self.file.close()
        # Read in chunks, not mapped: a mapped spool's pages count in the writer's memory until it
        # is unmapped (a 500k-document segment's positions spool is ~200 MB).
        with open(self.path, "rb") as spool:
            while len(data := np.fromfile(spool, dtype=self.dtype, count=chunk)):
                out.write(data.astype(dtype).tobytes())
        size = self.length * np.dtype(dtype).itemsize
        out.write(b"\0" * (-size % ALIGN))
        self.path.unlink()


def hot_fields(schema) -> set[str]:
    """The indexed fields whose frequent terms a store holds (a numeric field's terms are encoded
    numbers: ranges on them never go term by term)."""
    return {name for name, field in schema.items() if field.indexed and not hasattr(field, "numtype")}


class HotWriter:
    """Writes one segment's `.hot` file: hot terms added one by one (arrays spooled to temporary
    files, so memory stays flat), published atomically by `close`."""

    def __init__(self, folder: Path, segid: str, doc_count: int):
        self.path = Path(folder) / f"{segid}{SUFFIX}"
        self._segid, self._doc_count = segid, doc_count
        self._terms: dict[str, dict[str, list[int]]] = {}
        self._n_post = self._n_pos = 0
        # Not named after the segment: Whoosh gathers a segment's files into its compound file.
        self._spools = {name: _Spool(self.path.with_name(f"tmp-{self.path.name}.{name}"), dtype) for name, dtype in
                        (("docs", "<i4"), ("weights", "<f4"), ("counts", "<i4"), ("positions", "<i4"))}

    def add(self, field: str, tbytes: bytes, docs: np.ndarray, weights: np.ndarray, counts: np.ndarray,
            positions: np.ndarray) -> None:
        """One term's segment-local docnums, weights, positions per posting and positions."""
        self._terms.setdefault(field, {})[tbytes.hex()] = [self._n_post, len(docs), self._n_pos, len(positions)]
        for name, array in zip(self._spools, (docs, weights, counts, positions)):
            self._spools[name].add(array)
        self._n_post, self._n_pos = self._n_post + len(docs), self._n_pos + len(positions)

    def close(self) -> Path:
        """Write the file; its path."""
        try:
            header = {"segment": self._segid, "doc_count": self._doc_count, "arrays": {}, "terms": self._terms}
            offset = 0
            for name, spool in self._spools.items():
                dtype = spool.narrow(name)
                header["arrays"][name] = [offset, dtype, spool.length]
                size = spool.length * np.dtype(dtype).itemsize
                offset += size + (-size % ALIGN)
            head = json.dumps(header).encode()
            head += b" " * (-(len(MAGIC) + 8 + len(head)) % ALIGN)
            tmp = self.path.with_name(self.path.name + ".tmp")
            with open(tmp, "wb") as out:
                out.write(MAGIC + struct.pack("<Q", len(head)) + head)
                for name, spool in self._spools.items():
                    spool.copy_to(out, header["arrays"][name][1])
            os.replace(tmp, self.path)
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        """Remove the temporary files (after `close`, or instead of it)."""
        for spool in self._spools.values():
            spool.file.close()
            spool.path.unlink(missing_ok=True)


def write(folder: Path, leaf, schema, min_df: int = HOT_MIN_DF) -> Path | None:
    """Write `<segment id>.hot` for one leaf reader into `folder` (atomically); its path."""
    segid = segment_id(leaf)
    if segid is None:
        return None
    hot = HotWriter(folder, segid, leaf.doc_count_all())
    try:
        for field in _indexed_text_fields(leaf, schema):
            fmt = schema[field].format
            with_positions = fmt.supports("positions")
            for tbytes in _hot_terms(leaf, field, min_df):
                docs, weights, values = leaf_postings(leaf, field, tbytes, with_values=with_positions)
                counts = np.zeros(len(docs), dtype=np.int64)
                positions = np.zeros(0, dtype=np.int64)
                if with_positions:
                    index, positions = decode_positions(fmt, values)
                    counts = np.bincount(index, minlength=len(docs))
                hot.add(field, tbytes, docs, weights, counts, positions)
    except BaseException:
        hot.discard()
        raise
    return hot.close()


def write_all(folder: Path, min_df: int = HOT_MIN_DF) -> int:
    """A .hot file for every segment of the Whoosh index in `folder` that lacks one; how many written."""
    from whoosh.filedb.filestore import FileStorage

    folder, written, live = Path(folder), 0, set()
    # Without mmap: whoosh3 would copy each segment's whole postings into memory.
    with FileStorage(str(folder), supports_mmap=False).open_index().reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segid = segment_id(leaf)
            live.add(f"{segid}{SUFFIX}")
            if segid and not (folder / f"{segid}{SUFFIX}").exists():
                written += write(folder, leaf, reader.schema, min_df) is not None
    for stale in folder.glob(f"*{SUFFIX}"):
        if stale.name not in live:     # a segment merged away by `imr add`
            stale.unlink()
    return written


class TermStore:
    """One mapped .hot file: a term's postings as read-only array views."""

    def __init__(self, path: Path):
        raw = np.memmap(path, dtype=np.uint8, mode="r")
        if bytes(raw[:len(MAGIC)]) != MAGIC:
            raise ValueError(f"{path.name}: not a term store")
        (size,) = struct.unpack("<Q", bytes(raw[len(MAGIC):len(MAGIC) + 8]))
        start = len(MAGIC) + 8 + size
        header = json.loads(bytes(raw[len(MAGIC) + 8:start]))
        self.doc_count = header["doc_count"]
        self.terms = header["terms"]
        self.arrays = {}
        for name, (offset, dtype, length) in header["arrays"].items():
            end = start + offset + length * np.dtype(dtype).itemsize
            if end > len(raw):
                raise ValueError(f"{path.name}: truncated")
            self.arrays[name] = raw[start + offset:end].view(dtype)

    def _entry(self, field: str, tbytes: bytes) -> list[int] | None:
        return self.terms.get(field, {}).get(tbytes.hex())

    def __contains__(self, key: tuple[str, bytes]) -> bool:
        return self._entry(*key) is not None

    def postings(self, field: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(segment-local docnums, weights), or None when the term is not stored here."""
        entry = self._entry(field, tbytes)
        if entry is None:
            return None
        first, n = entry[0], entry[1]
        return self.arrays["docs"][first:first + n], self.arrays["weights"][first:first + n]

    def positions(self, field: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(segment-local docnum per position, position), or None when not stored here."""
        entry = self._entry(field, tbytes)
        if entry is None:
            return None
        first, n, pfirst, npos = entry
        docs = self.arrays["docs"][first:first + n]
        counts = self.arrays["counts"][first:first + n].astype(np.int64)
        return np.repeat(docs, counts), self.arrays["positions"][pfirst:pfirst + npos]


class Stores:
    """The term stores of one snapshot directory, opened on first use per segment."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._open: dict[str, TermStore | None] = {}
        self._lock = threading.Lock()

    def get(self, leaf) -> TermStore | None:
        """The store of a leaf reader's segment; None when it has none or it is unusable."""
        segid = segment_id(leaf)
        if segid is None:
            return None
        with self._lock:
            if segid not in self._open:
                self._open[segid] = self._load(segid, leaf.doc_count_all())
            return self._open[segid]

    def _load(self, segid: str, doc_count: int) -> TermStore | None:
        path = self.folder / f"{segid}{SUFFIX}"
        try:
            store = TermStore(path)
        except (OSError, ValueError, KeyError, TypeError, struct.error):
            return None     # postings.PostingCache decodes from Whoosh instead
        return store if store.doc_count == doc_count else None
