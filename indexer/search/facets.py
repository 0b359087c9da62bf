"""Facet counting: OR within a facet, AND across facets, each facet counted
with the other facets' selections applied but not its own (so a user can
widen a selection), computed by numpy bincount over the snapshot's FacetData."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from indexer.index.facetdata import FacetData
from indexer.results import FacetValue
from indexer.fields import FACETS

# Facets whose values read best in their natural order rather than by count.
ORDERED_BY_VALUE = {"year", "age_band"}


def filter_masks(data: FacetData, filters: Mapping[str, list[str]]) -> dict[str, np.ndarray]:
    """One mask per facet that has a selection."""
    return {f: data.columns[f].mask(v, data.n_docs) for f, v in filters.items() if v}


def hits_mask(base: np.ndarray, masks: Mapping[str, np.ndarray]) -> np.ndarray:
    """Docs matching the query and every facet selection."""
    out = base.copy()
    for mask in masks.values():
        out &= mask
    return out


def facet_values(data: FacetData, facet: str, mask: np.ndarray,
                 selected: list[str] | None = None) -> list[FacetValue]:
    """Counts of one facet over the docs in `mask`; selected values always listed."""
    column = data.columns[facet]
    counts, over = column.counts(mask)
    chosen = set(selected or ())
    out = [FacetValue(v, int(counts[i]), int(over[i]), v in chosen)
           for i, v in enumerate(column.values) if counts[i] or v in chosen]
    out += [FacetValue(v, 0, 0, True) for v in sorted(chosen - set(column.values))]
    if facet in ORDERED_BY_VALUE:
        out.sort(key=lambda fv: fv.value)
    else:
        out.sort(key=lambda fv: (-fv.count, fv.value))
    return out


def count_facets(data: FacetData, base: np.ndarray, filters: Mapping[str, list[str]],
                 facets: list[str] | None = None) -> dict[str, list[FacetValue]]:
    """Counts of every facet: for each, `base` AND all other facets' selections."""
    masks = filter_masks(data, filters)
    out = {}
    for facet in facets or list(FACETS):
        others = {f: m for f, m in masks.items() if f != facet}
        out[facet] = facet_values(data, facet, hits_mask(base, others), list(filters.get(facet, [])))
    return out
