"""Cross-tabulation of the matching items by one or two dimensions, from the facet arrays.

A dimension is a facet (indexer.fields) or a period of the decision date (month,
quarter; `year` is the facet). Each cell counts the matching items with those values,
how many of them were overturned, with the Wilson interval of that rate, and the
distinct letters they come from. A multi-valued dimension counts an item under each of
its values (and a letter under each value of any of its items), so cells do not add up
to the totals, which count each item and letter once. Items with no value of a
dimension fall under NONE (UNDATED for the date periods and the year).

Everything is numpy over the snapshot's FacetData and a per-document letter ordinal
(documents of a letter are consecutive): no stored field is read, so the counts are
exact and cost milliseconds at a million items.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.errors import QueryError
from indexer.fields import FACETS
from indexer.index.stores.facetdata import FacetData
from indexer.intervals import few, wilson_arrays
from indexer.search.query.request import UNDATED
from indexer.search.units import TIME_DIMENSIONS, label, level

NONE = "(none)"                 # the value of an item without one in a facet
MAX_DIMENSIONS = 2
# Facets read in their natural order (time, bands) rather than by count.
ORDERED = {"year", "age_band", "month", "quarter"}


def dimension_names() -> list[str]:
    """Every dimension a table can be made by: the date periods, then the facets."""
    return [*TIME_DIMENSIONS, *FACETS]


def check_dimensions(by: list[str]) -> list[str]:
    """`by` validated (QueryError naming `by`): one or two known, distinct dimensions."""
    names = [b.strip() for b in by if b and b.strip()]
    if not 1 <= len(names) <= MAX_DIMENSIONS:
        raise QueryError("by", f"give one or two dimensions, e.g. by=year&by=category; "
                               f"known: {', '.join(dimension_names())}")
    unknown = [n for n in names if n not in dimension_names()]
    if unknown:
        raise QueryError("by", f"unknown dimension {unknown[0]!r}; known: {', '.join(dimension_names())}")
    if len(set(names)) != len(names):
        raise QueryError("by", "the two dimensions must differ")
    return names


@dataclass
class Cell:
    """The matching items with one value of each dimension."""

    values: tuple[str, ...]
    items: int
    overturned: int
    letters: int
    low: float | None            # 95% Wilson interval of the overturn rate (None without items)
    high: float | None

    @property
    def rate(self) -> float | None:
        return self.overturned / self.items if self.items else None


@dataclass
class Table:
    """A cross-tab of the matching items; `values` lists each dimension's values in order."""

    by: list[str]
    values: list[list[str]]
    cells: list[Cell]
    items: int                   # matching items, each once
    letters: int                 # their letters, each once
    overturned: int
    multi: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)     # how the search was read (scope, messages)

    def to_dict(self) -> dict:
        """Plain data for the API and the JSON download."""
        return {
            "by": [{"name": b, "label": label(b), "level": level(b), "multi": m, "values": v}
                   for b, m, v in zip(self.by, self.multi, self.values)],
            "totals": {"items": self.items, "letters": self.letters, "overturned": self.overturned},
            "cells": [{"values": list(c.values), "items": c.items, "letters": c.letters,
                       "overturned": c.overturned,
                       "overturn_rate": None if c.rate is None else round(c.rate, 4),
                       "interval": None if c.low is None else [round(c.low, 4), round(c.high, 4)],
                       "few": few(c.items)} for c in self.cells],
            "notes": list(self.notes),
        }


def letter_ordinals(firsts: np.ndarray) -> np.ndarray:
    """Per doc, its letter's ordinal, from whether each doc is its letter's first."""
    return np.cumsum(firsts, dtype=np.int64) - 1


def _period_codes(decided: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
    """Per doc of `decided` (yyyymmdd, 0 unknown), the code of its month or quarter (0: undated),
    and the values: every period from the first to the last, so a line over time has its gaps."""
    dated = decided > 0
    months = (decided // 10000) * 12 + (decided // 100) % 100 - 1   # months since year 0
    step = 3 if name == "quarter" else 1
    periods = months // step
    if not dated.any():
        return np.zeros(len(decided), dtype=np.int64), [UNDATED]
    lo, hi = int(periods[dated].min()), int(periods[dated].max())
    codes = np.where(dated, periods - lo + 1, 0)
    if step == 3:
        names = [f"{p * 3 // 12}-Q{p % 4 + 1}" for p in range(lo, hi + 1)]
    else:
        names = [f"{p // 12}-{p % 12 + 1:02d}" for p in range(lo, hi + 1)]
    return codes, [UNDATED, *names]


def _rows(data: FacetData, docs: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(doc, code) rows of the matching `docs` in one dimension, ordered by doc, and the values
    (code 0 is 'no value'): one row per value of a doc, one row of code 0 for a doc with none."""
    if name in TIME_DIMENSIONS:
        codes, values = _period_codes(data.decided[docs], name)
        return docs, codes, values
    column = data.columns[name]
    none = UNDATED if name == "year" else NONE
    values = [none, *column.values]
    if not column.multi:
        return docs, column.codes[docs].astype(np.int64) + 1, values
    if column.pair_starts is not None:
        pairs = column.pairs_of(docs)
    else:
        inside = np.zeros(data.n_docs, dtype=bool)
        inside[docs] = True
        pairs = np.flatnonzero(inside[column.docs])
    pdocs = column.docs[pairs].astype(np.int64)
    has = np.zeros(data.n_docs, dtype=bool)
    has[pdocs] = True
    bare = docs[~has[docs]]
    all_docs = np.concatenate([pdocs, bare])
    codes = np.concatenate([column.pcodes[pairs].astype(np.int64) + 1, np.zeros(len(bare), dtype=np.int64)])
    order = np.argsort(all_docs, kind="stable")
    return all_docs[order], codes[order], values


def _join(a_docs: np.ndarray, a_codes: np.ndarray, b_docs: np.ndarray, b_codes: np.ndarray,
          n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (a, b) pair of rows of the same doc: (doc, a code, b code); rows ordered by doc."""
    per_doc = np.bincount(b_docs, minlength=n_docs)
    starts = np.concatenate([[0], np.cumsum(per_doc)])
    repeat = per_doc[a_docs]
    lo = np.repeat(starts[a_docs] - (np.cumsum(repeat) - repeat), repeat)
    b_rows = lo + np.arange(int(repeat.sum()))
    return np.repeat(a_docs, repeat), np.repeat(a_codes, repeat), b_codes[b_rows]


def crosstab(data: FacetData, letters: np.ndarray, mask: np.ndarray, by: list[str]) -> Table:
    """The cross-tab of the docs in `mask` by the dimensions `by` (`letters`: letter_ordinals)."""
    by = check_dimensions(by)
    docs = np.flatnonzero(mask)
    row_docs, codes, values = _rows(data, docs, by[0])
    keys, n_cells, all_values = codes, len(values), [values]
    if len(by) == 2:
        b_docs, b_codes, b_values = _rows(data, docs, by[1])
        row_docs, a_codes, b_codes = _join(row_docs, codes, b_docs, b_codes, data.n_docs)
        keys, n_cells = a_codes * len(b_values) + b_codes, n_cells * len(b_values)
        all_values.append(b_values)
    items = np.bincount(keys, minlength=n_cells)
    over = np.bincount(keys, weights=data.overturned[row_docs], minlength=n_cells).astype(np.int64)
    letter_counts = _distinct_letters(keys, letters[row_docs], n_cells)
    low, high = wilson_arrays(over, items)
    cells = []
    for key in np.flatnonzero(items):
        parts = (key,) if len(by) == 1 else divmod(int(key), len(all_values[1]))
        cells.append(Cell(tuple(all_values[d][int(p)] for d, p in enumerate(parts)), int(items[key]),
                          int(over[key]), int(letter_counts[key]), float(low[key]), float(high[key])))
    shown, cells = _ordered(cells, by, all_values)
    ordinals = letters[docs]        # ascending: docs are, and a letter's docs are consecutive
    n_letters = int(np.count_nonzero(ordinals[1:] != ordinals[:-1])) + 1 if len(docs) else 0
    return Table(by, shown, cells, items=len(docs), letters=n_letters,
                 overturned=int(data.overturned[docs].sum()),
                 multi=[_multi(data, b) for b in by])


def _distinct_letters(keys: np.ndarray, letters: np.ndarray, n_cells: int) -> np.ndarray:
    """Per cell, the distinct letters among rows (cell key, letter) given in letter order.

    Letter-major pairs are sorted already but within a letter's few rows, which timsort (numpy's
    stable sort of int64) runs through nearly linearly: 10x faster than np.unique's hashing."""
    pairs = np.sort(letters * n_cells + keys, kind="stable")
    first = np.concatenate([[True], pairs[1:] != pairs[:-1]]) if len(pairs) else np.zeros(0, dtype=bool)
    return np.bincount(pairs[first] % n_cells, minlength=n_cells)


def _multi(data: FacetData, name: str) -> bool:
    return name in data.columns and data.columns[name].multi


def _ordered(cells: list[Cell], by: list[str], values: list[list[str]]) -> tuple[list[list[str]], list[Cell]]:
    """Each dimension's values shown, and the cells in their order: natural for periods and bands
    (every month or quarter of the span, to show the gaps), else most items first; 'no value' last."""
    shown = []
    for d, name in enumerate(by):
        totals: dict[str, int] = {}
        for c in cells:
            totals[c.values[d]] = totals.get(c.values[d], 0) + c.items
        names = [v for v in values[d] if (v in totals or name in TIME_DIMENSIONS) and v not in (NONE, UNDATED)]
        if name not in ORDERED:
            names.sort(key=lambda v: (-totals[v], v))
        shown.append(names + [v for v in (NONE, UNDATED) if v in totals])
    orders = [{v: i for i, v in enumerate(names)} for names in shown]
    return shown, sorted(cells, key=lambda c: tuple(orders[d][v] for d, v in enumerate(c.values)))
