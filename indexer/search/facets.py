"""Facet counting: OR within a facet, AND across facets, each facet counted
with the other facets' selections applied but not its own (so a user can
widen a selection), computed by numpy bincount over the snapshot's FacetData."""
from __future__ import annotations

from collections import Counter
from typing import Mapping

import numpy as np

from indexer.index.stores.facetdata import Column, FacetData, Packed
from indexer.results import FacetValue
from indexer.fields import FACET_DECLARATIONS, FACETS, UNDATED
# A facet with this many values or fewer, or with a selection, lists its values that match nothing too
# (count 0, greyed on the page): what is not there is shown, not hidden (no Overturned box to tick for
# `MRI lumbar` told nothing). Longer facets without a selection list only what matches.
ZEROS_SHOWN_UP_TO = 6


def undated(data: FacetData) -> np.ndarray:
    """Docs with no decision year."""
    return data.columns["year"].codes < 0


def selection_mask(column: Column, values: list[str], n_docs: int) -> np.ndarray:
    """Docs having any of `values` (read-only: kept by the column for the next request selecting
    the same values, Column.selections; 0.1-0.5 ms a filter at 100k docs made afresh)."""
    codes = frozenset({column.code(v) for v in values} - {-1})
    return column.selections.get(codes, lambda: _selection_mask(column, codes, values, n_docs))


def _selection_mask(column: Column, codes: frozenset[int], values: list[str], n_docs: int) -> np.ndarray:
    """Column.mask, with one value compared directly (35x faster than np.isin on 100k docs,
    the common case of a clicked filter)."""
    if len(codes) != 1:
        return column.mask(values, n_docs)
    (code,) = codes
    if not column.multi:
        return column.codes == code
    out = np.zeros(n_docs, dtype=bool)
    out[column.docs[column.pcodes == code]] = True
    return out


def filter_masks(data: FacetData, filters: Mapping[str, list[str]]) -> dict[str, np.ndarray]:
    """One mask per facet that has a selection."""
    out = {f: selection_mask(data.columns[f], v, data.n_docs) for f, v in filters.items() if v}
    if UNDATED in filters.get("year", ()):
        out["year"] = out["year"] | undated(data)
    return out


def hits_mask(base: np.ndarray, masks: Mapping[str, np.ndarray]) -> np.ndarray:
    """Docs matching the query and every facet selection."""
    out = base.copy()
    for mask in masks.values():
        out &= mask
    return out


def counted_docs(masks: Mapping[str, np.ndarray], n_docs: int) -> np.ndarray | None:
    """The docs any count or hit looks at: those of every selection but at most one
    (each facet is counted without its own); None when that is every doc."""
    if len(masks) < 2:
        return None
    out = np.zeros(n_docs, dtype=bool)
    for facet in masks:
        out |= hits_mask(np.ones(n_docs, dtype=bool), {f: m for f, m in masks.items() if f != facet})
    return out


# Up to this share of the collection matched, facets are counted over the matched doc numbers
# (np.flatnonzero once per mask, then each facet's keys gathered by them) rather than over
# full-length masks: the mask route reads every doc (every pair of a multi-valued facet) whatever
# the match count. All 12 facets, random masks (scripts/bench_facet_counts.py, CPU): the routes cost
# the same at ~0.7 of the docs at 10k and at 100k; at 1% the doc route costs 0.14x (100k), 0.65x (10k).
COUNT_BY_DOCS_BELOW = 0.6
# Up to this share of the collection matched, and for this many facets counted over the same docs
# or more, they are counted together (FacetData.joint: two gathers and one bincount for all) rather
# than each by its column.
JOINT_DOCS_BELOW = 0.1
JOINT_FACETS = 3


def matched_docs(mask: np.ndarray) -> np.ndarray | None:
    """The doc numbers of `mask` when few enough to count by (COUNT_BY_DOCS_BELOW), else None."""
    docs = np.flatnonzero(mask)
    return docs if len(docs) <= COUNT_BY_DOCS_BELOW * len(mask) else None


def facet_values(data: FacetData, facet: str, mask: np.ndarray,
                 selected: list[str] | None = None) -> list[FacetValue]:
    """Counts of one facet over the docs in `mask`; selected values always listed."""
    return _values(data, facet, mask, matched_docs(mask), selected)


def joint_counts(data: FacetData, docs: np.ndarray | None, facets: int) -> np.ndarray | None:
    """Every facet's counts over `docs` at once (FacetData.joint) when `facets` facets are counted
    over them and they are few enough (JOINT_DOCS_BELOW); else None (each facet counts its own)."""
    if docs is None or facets < JOINT_FACETS or len(docs) > JOINT_DOCS_BELOW * data.n_docs:
        return None
    return data.joint.tally(docs)


def _values(data: FacetData, facet: str, mask: np.ndarray, docs: np.ndarray | None,
            selected: list[str] | None, packed: Packed | None = None,
            joint: np.ndarray | None = None) -> list[FacetValue]:
    """facet_values, given matched_docs(mask) (and the mask's bits, when shared; `joint`: the
    joint counts over its docs, when made)."""
    column = data.columns[facet]
    both = column.tally(mask, docs, packed) if joint is None else data.joint.of(joint, facet)
    total = both.sum(axis=1)
    counts, over = total.tolist(), both[:, 1].tolist()
    chosen = set(selected or ())
    values = column.values
    if chosen or len(values) <= ZEROS_SHOWN_UP_TO:
        listed = range(len(values))
    else:       # only what matches: the values counted (a facet may have thousands, few of them hit)
        listed = (np.flatnonzero(total[1:])).tolist()
    out = [FacetValue(values[i], counts[i + 1], over[i + 1], values[i] in chosen) for i in listed]
    if facet == "year":
        # Row 0 of the year's tally: the docs with no year (undated).
        if counts[0] or UNDATED in chosen:
            out.append(FacetValue(UNDATED, counts[0], over[0], UNDATED in chosen))
        chosen.discard(UNDATED)
    out += [FacetValue(v, 0, 0, True) for v in sorted(chosen - set(column.values))]
    if FACET_DECLARATIONS[facet].by_value:     # values that read best in their own order
        out.sort(key=lambda fv: fv.value)
    else:
        out.sort(key=lambda fv: (-fv.count, fv.value))
    return out


Scoped = dict[str | None, tuple[np.ndarray, np.ndarray | None]]   # own selection -> (mask, matched_docs)


def count_facets(data: FacetData, base: np.ndarray, filters: Mapping[str, list[str]],
                 facets: list[str] | None = None,
                 masks: Mapping[str, np.ndarray] | None = None,
                 scoped: Scoped | None = None) -> dict[str, list[FacetValue]]:
    """Counts of every facet: for each, `base` AND all other facets' selections
    (`masks`: filter_masks(data, filters), when already made; `scoped`: filled with the masks
    counted over, keyed by the facet whose selection they leave out, for the letter counts)."""
    masks = filter_masks(data, filters) if masks is None else masks
    # Facets without a selection of their own share one mask (and its doc numbers).
    scoped = {} if scoped is None else scoped
    packs: dict[str | None, Packed] = {}      # each mask's bits, packed once for the facets counting by bitmaps
    joints: dict[str | None, np.ndarray | None] = {}     # each mask's joint counts, when few docs
    owns = {facet: facet if facet in masks else None for facet in facets or list(FACETS)}
    sharing = Counter(owns.values())
    out = {}
    for facet, own in owns.items():
        if own not in scoped:
            mask = hits_mask(base, {f: m for f, m in masks.items() if f != own})
            scoped[own] = mask, matched_docs(mask)
        mask, docs = scoped[own]
        if own not in packs:
            packs[own] = Packed(mask)
            joints[own] = joint_counts(data, docs, sharing[own])
        out[facet] = _values(data, facet, mask, docs, list(filters.get(facet, [])), packs[own], joints[own])
    return out


def rate_shown(facet: str, value: str, decisions_selected: list[str]) -> bool:
    """Whether a value's overturn rate tells anything: not when the value fixes it (Decision:
    Upheld is 0% overturned) nor when one decision is selected (every value would read 0% or 100%)."""
    fixed = FACET_DECLARATIONS[facet].fixed_rate if facet in FACET_DECLARATIONS else False
    if fixed is True or (fixed and value in fixed):
        return False
    return len(set(decisions_selected)) != 1


def shown_first(values: list[FacetValue]) -> list[FacetValue]:
    """The values in display order: the selected ones first (never folded under 'show more')."""
    return [v for v in values if v.selected] + [v for v in values if not v.selected]


def display_value(facet: str, value: object) -> str:
    """A value as a page shows it: genders capitalised ('female' -> 'Female'), the rest as counted."""
    text = str(value)
    return text[:1].upper() + text[1:] if facet == "gender" else text
