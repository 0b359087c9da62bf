"""Facet columns of a snapshot as numpy arrays, for counting by bincount.

Written once by the builder from the documents in docnum order, one `.npy` file
an array (`files.FACET_ARRAYS`), so that every serving process memory-maps the
same pages instead of holding its own copy. For each facet in indexer.fields.FACETS:

    <facet>.values   the distinct values (str), sorted
    <facet>.codes    single-valued facets: per-doc index into values, -1 when absent
    <facet>.docs / <facet>.pcodes
                     multi-valued facets: (doc, code) pairs, one per value of a doc

    <facet>.keys     (code + 1) * 2 + overturned, per doc or per pair: the bincount keys,
                     derived on writing (so no process computes its own copy)

plus `overturned` (bool per doc, decision == 'Overturned') and `decided`
(yyyymmdd int per doc, 0 when unknown).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

from indexer.errors import IndexDamaged
from indexer.fields import FACETS, MULTI_VALUED
from indexer.index.stores.facetjoint import JointKeys
from indexer.index.stores.facetrows import FacetRows
from indexer.index.stores.files import FACET_ARRAYS, facet_array_file, facet_array_key

# The document fields the facet arrays are made of (all stored, so build reads them back).
FIELDS = ("decision", "decided", *FACETS)


def arrays_for(docs: Iterable[Mapping]) -> dict[str, np.ndarray]:
    """The facet arrays for documents given in docnum order."""
    rows = FacetRows()
    for doc in docs:
        rows.add(doc)
    return rows.arrays()


# Below this size an array is read into memory: mapping a page per tiny array costs more than it shares.
_MAP_FROM_BYTES = 1 << 16


def _facet_keys(arrays: Mapping[str, np.ndarray], facet: str, overturned: np.ndarray) -> np.ndarray:
    if facet in MULTI_VALUED:
        docs = np.asarray(arrays[f"{facet}.docs"])
        return (np.asarray(arrays[f"{facet}.pcodes"]).astype(np.int32) + 1) * 2 + overturned[docs]
    return (np.asarray(arrays[f"{facet}.codes"]).astype(np.int32) + 1) * 2 + overturned


def keys_for(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each facet's bincount keys: (code + 1) * 2 + overturned, per doc (single) or per pair (multi)."""
    overturned = np.asarray(arrays["overturned"]).astype(np.int32)
    return {f"{facet}.keys": _facet_keys(arrays, facet, overturned) for facet in FACETS}


def _save(snapshot_dir: Path | str, arrays: Mapping[str, np.ndarray]) -> list[Path]:
    paths = []
    for key, array in arrays.items():
        path = Path(snapshot_dir) / facet_array_file(key)
        np.save(path, np.ascontiguousarray(array), allow_pickle=False)
        paths.append(path)
    return paths


def write_arrays(snapshot_dir: Path | str, docs: Iterable[Mapping] | None = None,
                 arrays: Mapping[str, np.ndarray] | None = None) -> list[Path]:
    """Write the facet arrays of a snapshot being built, from its documents (in docnum order) or arrays."""
    arrays = dict(arrays if arrays is not None else arrays_for(docs or []))
    arrays.update(keys_for(arrays))
    return _save(snapshot_dir, arrays)


def read_arrays(snapshot_dir: Path | str) -> dict[str, np.ndarray]:
    """A snapshot's facet arrays, the large ones memory-mapped read-only (IndexDamaged when unreadable)."""
    folder = Path(snapshot_dir)
    arrays = {}
    try:
        for path in sorted(folder.glob(FACET_ARRAYS)):
            key = facet_array_key(path.name)
            big = path.stat().st_size >= _MAP_FROM_BYTES
            arrays[key] = np.load(path, mmap_mode="r" if big else None, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise IndexDamaged(f"{folder / FACET_ARRAYS}: unreadable facet arrays ({exc}): rebuild the index") from exc
    if "n_docs" not in arrays:
        raise IndexDamaged(f"{folder / FACET_ARRAYS}: facet arrays missing: rebuild the index")
    return arrays


def slice_arrays(arrays: Mapping[str, np.ndarray], lo: int, hi: int) -> dict[str, np.ndarray]:
    """The arrays of docs lo..hi-1 alone (renumbered from 0)."""
    out = {"n_docs": np.array([hi - lo], dtype=np.int64),
           "overturned": arrays["overturned"][lo:hi], "decided": arrays["decided"][lo:hi]}
    for facet in FACETS:
        out[f"{facet}.values"] = arrays[f"{facet}.values"]
        if facet in MULTI_VALUED:
            docs = arrays[f"{facet}.docs"]
            inside = (docs >= lo) & (docs < hi)
            out[f"{facet}.docs"] = (docs[inside] - lo).astype(np.int32)
            out[f"{facet}.pcodes"] = arrays[f"{facet}.pcodes"][inside]
        else:
            out[f"{facet}.codes"] = arrays[f"{facet}.codes"][lo:hi]
    return out


def _recode(codes: np.ndarray, old_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    new_code = np.searchsorted(values, old_values).astype(np.int32)
    return np.where(codes >= 0, new_code[np.maximum(codes, 0)] if len(new_code) else -1,
                    -1).astype(np.int32)


def _concat_common(parts: list[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {"n_docs": np.array([sum(int(p["n_docs"][0]) for p in parts)], dtype=np.int64),
            "overturned": np.concatenate([p["overturned"] for p in parts]).astype(bool),
            "decided": np.concatenate([p["decided"] for p in parts]).astype(np.int64)}


def _concat_facet(parts: list[Mapping[str, np.ndarray]], facet: str) -> dict[str, np.ndarray]:
    """One facet's arrays for the docs of `parts` one after another (values re-sorted, codes renumbered)."""
    key = f"{facet}.values"
    values = np.unique(np.concatenate([p[key].astype(str) for p in parts])).astype(str)
    if facet not in MULTI_VALUED:
        return {key: values, f"{facet}.codes": np.concatenate(
            [_recode(p[f"{facet}.codes"], p[key], values) for p in parts]).astype(np.int32)}
    starts = np.cumsum([0] + [int(p["n_docs"][0]) for p in parts])
    return {key: values,
            f"{facet}.docs": np.concatenate([p[f"{facet}.docs"] + start
                                             for p, start in zip(parts, starts)]).astype(np.int32),
            f"{facet}.pcodes": np.concatenate([_recode(p[f"{facet}.pcodes"], p[key], values)
                                               for p in parts]).astype(np.int32)}


def concat_arrays(parts: list[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One set of arrays for the docs of `parts` one after another: equal to `arrays_for`
    of all their documents (values re-sorted, codes renumbered)."""
    out = _concat_common(parts)
    for facet in FACETS:
        out.update(_concat_facet(parts, facet))
    return out


def write_concatenated(snapshot_dir: Path | str, parts: list[Mapping[str, np.ndarray]]) -> list[Path]:
    """write_arrays of concat_arrays(parts), one facet in memory at a time.

    At a million documents all the arrays with their keys are of the order of 100 MB (by
    their dtypes, not measured); a whole rebuild's parent writes them while it holds
    every letter's reference.
    """
    common = _concat_common(parts)
    overturned = common["overturned"].astype(np.int32)
    paths = _save(snapshot_dir, common)
    for facet in FACETS:
        arrays = _concat_facet(parts, facet)
        arrays[f"{facet}.keys"] = _facet_keys(arrays, facet, overturned)
        paths += _save(snapshot_dir, arrays)
        del arrays
    return paths


class Packed:
    """A mask's (or sorted doc numbers') bits as 64-bit words, packed on first use: every facet
    counted by bitmaps over the same docs reads the same words."""

    __slots__ = ("mask", "docs", "_words")

    def __init__(self, mask: np.ndarray | None, docs: np.ndarray | None = None):
        self.mask, self.docs = mask, docs
        self._words: np.ndarray | None = None

    def words(self, count: int) -> np.ndarray:
        """The first `count` words (zeros past the docs'): a column's bitmaps end at its last doc with a value."""
        packed = self._words
        if packed is None or len(packed) < count:
            size = max(count, (len(self.mask) + 63) // 64 if self.mask is not None else 0)
            mask = self.mask
            if mask is None:
                mask = np.zeros(size * 64, dtype=bool)
                mask[self.docs[self.docs < size * 64]] = True
            out = np.zeros(size * 8, dtype=np.uint8)
            chunk = np.packbits(mask[:size * 64], bitorder="little")
            out[:len(chunk)] = chunk
            packed = self._words = out.view(np.uint64)
        return packed[:count]


JOINT = "*joint"     # derived()'s key of the joint keys (no facet's name)
# Bytes of selection masks one column keeps (Selections): ~40 masks at 100k docs, one at 4M.
SELECTION_BYTES = 4 * 1024 * 1024


class Selections:
    """A column's masks of selected values (a set of codes -> docs having any), made once and kept,
    read-only, while the column's snapshot is open; bounded by bytes (the least recently used go)."""

    def __init__(self, max_bytes: int = SELECTION_BYTES):
        self.max_bytes = max_bytes
        self._masks: OrderedDict[frozenset[int], np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, codes: frozenset[int], make) -> np.ndarray:
        """The mask of `codes`, made by `make()` the first time (never to be written to)."""
        with self._lock:
            found = self._masks.get(codes)
            if found is not None:
                self._masks.move_to_end(codes)
                return found
        mask = make()
        mask.flags.writeable = False
        if mask.nbytes > self.max_bytes:
            return mask
        with self._lock:
            if codes not in self._masks:
                while self._masks and self._bytes + mask.nbytes > self.max_bytes:
                    self._bytes -= self._masks.popitem(last=False)[1].nbytes
                self._masks[codes] = mask
                self._bytes += mask.nbytes
        return mask


@dataclass(frozen=True)
class Column:
    """One facet's values and its doc -> value mapping."""

    name: str
    values: tuple[str, ...]
    codes: np.ndarray | None = None     # single-valued
    docs: np.ndarray | None = None      # multi-valued pairs
    pcodes: np.ndarray | None = None
    keys: np.ndarray | None = None      # (code + 1) * 2 + overturned, per doc or per pair

    @property
    def multi(self) -> bool:
        return self.codes is None

    def code(self, value: str) -> int:
        """Index of a value, -1 when the snapshot has no such value."""
        try:
            return self.values.index(value)
        except ValueError:
            return -1

    def mask(self, values: Iterable[str], n_docs: int) -> np.ndarray:
        """Docs having any of `values` (OR within one facet)."""
        wanted = np.array([c for c in (self.code(v) for v in values) if c >= 0], dtype=np.int32)
        if self.multi:
            out = np.zeros(n_docs, dtype=bool)
            out[self.docs[np.isin(self.pcodes, wanted)]] = True
            return out
        return np.isin(self.codes, wanted)

    @cached_property
    def selections(self) -> Selections:
        """Masks of the values selected so far (facets.selection_mask), kept with the column."""
        return Selections()

    @cached_property
    def pair_starts(self) -> np.ndarray | None:
        """Multi-valued: where each doc's pairs start (doc d's are pair_starts[d]..pair_starts[d + 1] - 1),
        made on first use in each process (4 bytes a doc); None when the pairs are not in doc order."""
        if len(self.docs) and not bool(np.all(self.docs[1:] >= self.docs[:-1])):
            return None
        per_doc = np.bincount(self.docs) if len(self.docs) else np.zeros(0, dtype=np.int64)
        return np.concatenate([[0], np.cumsum(per_doc)]).astype(np.int32)

    def pairs_of(self, docs: np.ndarray) -> np.ndarray:
        """Positions of the pairs of `docs` (doc numbers), doc by doc; needs pair_starts."""
        starts = self.pair_starts
        last = len(starts) - 1          # docs past the last doc with a value have no pairs
        lo = starts[np.minimum(docs, last)]
        lengths = starts[np.minimum(docs + 1, last)] - lo
        # Pair j of the output belongs to doc i: lo[i] + (j - first output position of doc i).
        return np.repeat(lo - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))

    @cached_property
    def bits(self) -> np.ndarray | None:
        """Per code (row c + 1 for code c, row 0 no value) the docs having it as a bitmap of 64-bit
        words, and a last row: the docs counted overturned. Made on first use in each process
        ((values + 2) bits a doc: ~1.8 MB for every facet at 100k docs); None when a doc has a
        value twice (a bitmap counts docs, the tally pairs)."""
        if self.multi:
            docs, codes = np.asarray(self.docs, dtype=np.int64), np.asarray(self.pcodes, dtype=np.int64)
        else:
            docs, codes = np.arange(len(self.codes)), np.asarray(self.codes, dtype=np.int64)
        words = (int(docs.max()) + 64) // 64 if len(docs) else 0
        rows = np.zeros((len(self.values) + 2, words * 64), dtype=bool)
        rows[codes + 1, docs] = True
        rows[-1, docs[(self.keys & 1) == 1]] = True
        out = np.packbits(rows, axis=1, bitorder="little").view(np.uint64)
        return out if int(np.bitwise_count(out[:-1]).sum()) == len(docs) else None

    def _tally_bits(self, mask: np.ndarray | None, docs: np.ndarray | None,
                    packed: "Packed | None" = None) -> np.ndarray:
        """tally by bitmaps: the docs' bits ANDed with each code's, counted (docs past the column's
        last doc with a value have none); `packed`: the same docs' bits, shared by the facets."""
        bits = self.bits
        words = bits.shape[1]
        selected = (packed or Packed(mask, docs)).words(words)
        both = bits[:-1] & selected
        every = np.bitwise_count(both).sum(axis=1, dtype=np.int64)
        out = np.empty((len(every), 2), dtype=np.int64)
        out[:, 1] = np.bitwise_count(both & bits[-1]).sum(axis=1, dtype=np.int64)
        out[:, 0] = every - out[:, 1]
        return out

    def tally(self, mask: np.ndarray, docs: np.ndarray | None = None,
              packed: "Packed | None" = None) -> np.ndarray:
        """Docs (pairs, when multi-valued) in `mask` by value and outcome, shape (values + 1, 2):
        row c + 1 is value c, row 0 no value; column 1 the overturned ones. `docs` (the mask's
        doc numbers, sorted) counts only those, for a mask with few docs; `packed`: the mask's
        bits (Packed), when facets counted over the same mask share them."""
        # By bitmaps (cost by the values, whatever the match count) unless few enough docs are
        # gathered for less: measured at 100k, a doc costs ~1/4 of a bitmap word of a value.
        if (self.bits is not None and (docs is None or len(docs) * 4 > len(self.bits) * self.bits.shape[1])
                and (mask is not None or docs is not None)):
            return self._tally_bits(mask, docs, packed)
        if docs is not None and self.multi and self.pair_starts is None:
            docs = None
        if docs is None:
            selected = self.keys[mask[self.docs]] if self.multi else self.keys[mask]
        else:
            selected = self.keys[self.pairs_of(docs)] if self.multi else self.keys[docs]
        # Key 2c+2 counts upheld-or-other docs of value c, 2c+3 overturned ones; keys 0-1: no value.
        return np.bincount(selected, minlength=2 * (len(self.values) + 1)).reshape(-1, 2)

    def counts(self, mask: np.ndarray, docs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(count, overturned count) per value over the docs in `mask` (see tally for `docs`)."""
        both = self.tally(mask, docs)[1:]
        return both.sum(axis=1), both[:, 1]


@dataclass(frozen=True)
class FacetData:
    """All facet columns of one snapshot."""

    n_docs: int
    overturned: np.ndarray
    decided: np.ndarray
    columns: dict[str, Column]

    def values(self, facet: str) -> tuple[str, ...]:
        """The distinct values of a facet in this snapshot."""
        return self.columns[facet].values

    @cached_property
    def joint(self) -> JointKeys:
        """Every column's keys in one key space, for counting them all over a few docs (made on
        first use in each process, or adopted from a master's `derived`)."""
        return JointKeys(self.columns, self.n_docs)

    def derived(self) -> dict[str, tuple]:
        """Each column's bitmaps and pair starts, and the joint keys, made now (in memory, no file
        mapped): what a server's master makes once for the workers it forks (`adopt`)."""
        return {**{name: (column.bits, column.pair_starts if column.multi else None)
                   for name, column in self.columns.items()}, JOINT: (self.joint, None)}

    def adopt(self, derived: Mapping[str, tuple[np.ndarray | None, np.ndarray | None]]) -> None:
        """Take the bitmaps and pair starts `derived` made from the same snapshot's arrays
        (a worker shares its master's pages instead of making its own)."""
        for name, (bits, starts) in derived.items():
            if name == JOINT:
                self.__dict__["joint"] = bits
                continue
            column = self.columns.get(name)
            if column is None:
                continue
            column.__dict__["bits"] = bits           # what their cached_property would have made
            if column.multi:
                column.__dict__["pair_starts"] = starts


def from_arrays(arrays: Mapping[str, np.ndarray]) -> FacetData:
    """FacetData from the arrays `arrays_for` makes (with their keys, as read back, or without)."""
    columns = {}
    if not all(f"{facet}.keys" in arrays for facet in FACETS):
        arrays = {**arrays, **keys_for(arrays)}
    # Plain ndarray views of the mapped files (same pages): np.memmap's Python-level indexing
    # doubles the cost of the small gathers a query makes.
    arrays = {key: np.asarray(array) for key, array in arrays.items()}
    for facet in FACETS:
        values = tuple(str(v) for v in arrays[f"{facet}.values"])
        keys = arrays[f"{facet}.keys"]
        if facet in MULTI_VALUED:
            columns[facet] = Column(facet, values, docs=arrays[f"{facet}.docs"],
                                    pcodes=arrays[f"{facet}.pcodes"], keys=keys)
        else:
            columns[facet] = Column(facet, values, codes=arrays[f"{facet}.codes"], keys=keys)
    return FacetData(int(arrays["n_docs"][0]), arrays["overturned"], arrays["decided"], columns)


def load(snapshot_dir: Path | str) -> FacetData:
    """The snapshot's FacetData, its large arrays mapped (read at each call: the opened snapshot keeps
    it, indexer.search.snapshot, and the mapping goes with it)."""
    arrays = read_arrays(snapshot_dir)
    try:
        return from_arrays(arrays)
    except KeyError as exc:
        raise IndexDamaged(f"{Path(snapshot_dir) / FACET_ARRAYS}: unreadable facet arrays (no {exc}): "
                           "rebuild the index") from exc
