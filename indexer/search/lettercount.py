"""Letter counts of the letter-level facets (outcome, year, specialty, ...): how many distinct letters
of the matching items have each value, beside the item counts facets.py makes.

A letter-level value is the same in every item of a letter, so counting the first matching item of
each letter counts letters. Documents of a letter are consecutive, so among the matching doc numbers
(ascending) a letter's first is where the letter ordinal changes.
"""
from __future__ import annotations

from collections import Counter
from typing import Mapping

import numpy as np

from indexer.index.stores.facetdata import FacetData, Packed
from indexer.results import FacetValue
from indexer.search.facets import Scoped, hits_mask, joint_counts
from indexer.search.query.request import UNDATED
from indexer.search.units import LETTER, level


def first_of_letters(mask: np.ndarray, letters: np.ndarray, docs: np.ndarray | None = None) -> np.ndarray:
    """The doc numbers in `mask` that are the first matching doc of their letter, ascending
    (`docs`: the mask's doc numbers, when already taken)."""
    docs = np.flatnonzero(mask) if docs is None else docs
    if not len(docs):
        return docs
    ordinal = letters[docs]
    return docs[np.concatenate([[True], ordinal[1:] != ordinal[:-1]])]


def letter_counts(data: FacetData, facet: str, mask: np.ndarray, letters: np.ndarray,
                  firsts: np.ndarray | None = None, packed: Packed | None = None,
                  joint: np.ndarray | None = None) -> dict[str, int]:
    """Distinct letters of the docs in `mask` per value of a letter-level facet (UNDATED for no year);
    `firsts`: first_of_letters(mask, letters), when already made (`packed`: their bits, shared;
    `joint`: every facet's counts over them, facets.joint_counts, when made)."""
    column = data.columns[facet]
    docs = first_of_letters(mask, letters) if firsts is None else firsts
    if joint is not None:
        counts = data.joint.of(joint, facet).sum(axis=1)
    else:
        only = None          # the docs' mask, made only for a column that cannot count by doc numbers
        if column.multi and column.pair_starts is None:
            only = np.zeros(data.n_docs, dtype=bool)
            only[docs] = True
        counts = column.tally(only, docs, packed if only is None else None).sum(axis=1)
    out = {v: int(counts[i + 1]) for i, v in enumerate(column.values) if counts[i + 1]}
    if facet == "year" and counts[0]:
        out[UNDATED] = int(counts[0])
    return out


def count_letters(data: FacetData, letters: np.ndarray, facets: Mapping[str, list[FacetValue]],
                  base: np.ndarray, masks: Mapping[str, np.ndarray], counted: Scoped | None = None) -> None:
    """Set `letters` on every value of the letter-level facets of `facets` (counted as facets.count_facets
    counts items: `base` AND every other facet's selection; facets without a selection share one pass;
    `counted`: the masks count_facets counted over, reused)."""
    firsts: dict[str | None, tuple] = {}     # the docs counted, their bits and joint counts
    owns = {facet: facet if facet in masks else None for facet in facets
            if level(facet) == LETTER and facet in data.columns}
    sharing = Counter(owns.values())
    for facet, own in owns.items():
        values = facets[facet]
        if own not in firsts:
            mask, docs = (counted or {}).get(own) or (
                hits_mask(base, {f: m for f, m in masks.items() if f != own}), None)
            docs = first_of_letters(mask, letters, docs)
            firsts[own] = docs, Packed(None, docs), joint_counts(data, docs, sharing[own])
        counts = letter_counts(data, facet, base, letters, *firsts[own])
        for value in values:
            value.letters = counts.get(str(value.value), 0)
