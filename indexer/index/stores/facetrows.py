"""Facet arrays made document by document, in memory that follows the facets' values, not the documents.

`facetdata.arrays_for` holds every document (a dict of a dozen strings, ~1 KB)
until the arrays are made; at a million documents that alone is a gigabyte.
`FacetRows` keeps, per document, one int32 code per single-valued facet and
(doc, code) pairs for the multi-valued ones, coded in the order values are
first seen and re-coded to sorted order at the end: the same arrays, a few
bytes a document.
"""
from __future__ import annotations

from array import array
from typing import Mapping

import numpy as np

from indexer.fields import FACETS, MULTI_VALUED


def values_of(doc: Mapping, facet: str) -> list[str]:
    """A document's values of one facet (stored comma-joined for the multi-valued ones)."""
    raw = doc.get(facet)
    if raw is None or raw == "":
        return []
    if facet in MULTI_VALUED:
        return [v.strip() for v in str(raw).split(",") if v.strip()]
    return [str(raw)]


class _Column:
    """One facet: provisional codes in first-seen order, re-coded to sorted values by `arrays`."""

    def __init__(self, multi: bool):
        self.multi = multi
        self.seen: dict[str, int] = {}
        self.codes = array("i")     # per doc (single) or per pair (multi)
        self.docs = array("i")      # multi only: the doc of each pair

    def add(self, docnum: int, values: list[str]) -> None:
        if not self.multi:
            self.codes.append(self.seen.setdefault(values[0], len(self.seen)) if values else -1)
            return
        for value in dict.fromkeys(values):
            self.docs.append(docnum)
            self.codes.append(self.seen.setdefault(value, len(self.seen)))

    def arrays(self) -> dict[str, np.ndarray]:
        values = sorted(self.seen)
        # provisional code -> rank of its value; -1 stays -1 (the extra last slot)
        rank = np.empty(len(values) + 1, dtype=np.int32)
        rank[[self.seen[v] for v in values]] = np.arange(len(values), dtype=np.int32)
        rank[-1] = -1
        codes = rank[np.frombuffer(self.codes, dtype=np.int32)] if len(self.codes) else \
            np.zeros(0, dtype=np.int32)
        out = {"values": np.array(values, dtype=str)}
        if self.multi:
            out.update(docs=np.frombuffer(self.docs, dtype=np.int32).copy(), pcodes=codes)
        else:
            out["codes"] = codes
        return out


class FacetRows:
    """Add documents in docnum order; `arrays()` equals `facetdata.arrays_for` of them all."""

    def __init__(self) -> None:
        self.n_docs = 0
        self._overturned = array("b")
        self._decided = array("q")
        self._columns = {facet: _Column(facet in MULTI_VALUED) for facet in FACETS}

    def add(self, doc: Mapping) -> None:
        """The next document (its stored facet fields, decision and decided date)."""
        self._overturned.append(doc.get("decision") == "Overturned")
        self._decided.append(int(doc.get("decided") or 0))
        for facet, column in self._columns.items():
            column.add(self.n_docs, values_of(doc, facet))
        self.n_docs += 1

    def arrays(self) -> dict[str, np.ndarray]:
        """The facet arrays of the documents added, as facets.npz holds them."""
        out: dict[str, np.ndarray] = {
            "n_docs": np.array([self.n_docs], dtype=np.int64),
            "overturned": np.frombuffer(self._overturned, dtype=np.int8).astype(bool),
            "decided": np.frombuffer(self._decided, dtype=np.int64).copy(),
        }
        for facet, column in self._columns.items():
            out.update({f"{facet}.{k}": v for k, v in column.arrays().items()})
        return out
