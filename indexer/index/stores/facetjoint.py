"""Every facet's bincount keys side by side in one key space, for counting all facets over a
few documents at once (indexer.search.facets, lettercount).

A column's own tally over a few docs is a dozen numpy calls (a multi-valued one finds each doc's
pairs by repeat and cumsum), ~15 µs at 10k and ~40 at 100k whatever the docs, and a page counts
a dozen facets twice (items, then letters). Here each facet's keys are offset by the keys of the
facets before it, the single-valued ones side by side per doc and the multi-valued ones' pairs in
doc order: a set of docs is counted for every facet with two gathers and one bincount, sliced
back into each column's tally (the same counts, rows and columns as `Column.tally`).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np


class JointKeys:
    """The keys of every column of a FacetData, offset into one key space (made once a snapshot:
    ~2 bytes a doc per single-valued facet and a pair per multi-valued value, 4 a doc of starts)."""

    def __init__(self, columns: Mapping[str, object], n_docs: int):
        self.offsets: dict[str, tuple[int, int]] = {}       # name -> (first key, keys)
        total = 0
        for name, column in columns.items():
            size = 2 * (len(column.values) + 1)
            self.offsets[name] = (total, size)
            total += size
        self.total = total
        dtype = np.uint16 if total <= np.iinfo(np.uint16).max else np.int32
        singles = [c for c in columns.values() if not c.multi]
        self.single = np.empty((n_docs, len(singles)), dtype=dtype)
        for j, column in enumerate(singles):
            self.single[:, j] = np.asarray(column.keys, dtype=np.int64)[:n_docs] + self.offsets[column.name][0]
        multis = [c for c in columns.values() if c.multi]
        docs = np.concatenate([np.asarray(c.docs, dtype=np.int64) for c in multis] or [np.zeros(0, np.int64)])
        keys = np.concatenate([np.asarray(c.keys, dtype=np.int64) + self.offsets[c.name][0] for c in multis]
                              or [np.zeros(0, np.int64)])
        order = np.argsort(docs, kind="stable")
        self.pair_keys = keys[order].astype(dtype)
        starts = np.concatenate([[0], np.cumsum(np.bincount(docs, minlength=n_docs))])
        self.starts = starts.astype(np.int32 if len(keys) < 2 ** 31 else np.int64)

    def tally(self, docs: np.ndarray) -> np.ndarray:
        """Counts of every key over `docs` (doc numbers, each once): `of` slices a column's out."""
        lo = self.starts[docs].astype(np.int64)
        lengths = self.starts[docs + 1] - lo
        # Pair j of the gathered run belongs to doc i: lo[i] + (j - first position of doc i).
        pairs = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
        keys = np.concatenate([self.single[docs].ravel(), self.pair_keys[pairs]])
        return np.bincount(keys, minlength=self.total)

    def of(self, counts: np.ndarray, name: str) -> np.ndarray:
        """One column's tally (Column.tally's shape: values + 1 rows of upheld-or-other, overturned)
        out of `tally`'s counts."""
        first, size = self.offsets[name]
        return counts[first:first + size].reshape(-1, 2)
