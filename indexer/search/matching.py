"""One reading of a request over a snapshot -> Match: which documents its words, dates and filters
match, in its scope or the scopes it widens to (no ranking, no page: the Searcher does those)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from indexer.fields import SCOPE_FIELDS
from indexer.index.stores import facetdata
from indexer.index.values import reviewer
from indexer.results import QueryInfo, SearchRequest
from indexer.search import ranking
from indexer.search.facets import counted_docs, filter_masks, hits_mask
from indexer.search.query.intent import rate_note
from indexer.search.query.scopes import ScopedQuery
from indexer.search.query.understand import Understanding
from indexer.search.snapshot import Snapshot


@dataclass
class Match:
    """Which documents a request matches, and how it was understood."""

    query: wq.Query
    mask: np.ndarray                  # docs matching text, dates and every filter
    base: np.ndarray                  # docs matching text and dates only (exact where a count looks)
    filters: dict[str, list[str]]
    info: QueryInfo
    evaluation: ranking.Evaluation | None = None   # None for an Every query
    masks: dict[str, np.ndarray] | None = None      # each filtered facet's docs
    words_found: bool = True          # the text and dates match some doc, whatever the filters


SCOPE_NAMES = {"item": "requests", "decision": "decisions (request, rationale or guidelines)",
               "letter": "letters (the clinical summary too)"}


def canonical(facet: str, values: list[str]) -> list[str]:
    """Filter values as the facet spells them (an old link's 'Physical Medicine and Rehabilitation')."""
    spell = {"specialty": reviewer.specialty, "state": reviewer.state}.get(facet)
    return list(dict.fromkeys((spell(v) or v) if spell else v for v in values))


def date_mask(data: facetdata.FacetData, request: SearchRequest,
              ranges: list[tuple[int | None, int | None]]) -> np.ndarray:
    """Docs decided inside the request's bounds and every range of the query (yyyymmdd)."""
    def day(iso: str | None) -> int | None:
        return int(iso.replace("-", "")) if iso else None

    mask = np.ones(data.n_docs, dtype=bool)
    for lo, hi in [(day(request.decided_from), day(request.decided_to)), *ranges]:
        if lo is not None or hi is not None:
            # An undated document (decided 0) is inside no range, open-ended or not.
            mask &= data.decided > 0
        if lo is not None:
            mask &= data.decided >= lo
        if hi is not None:
            mask &= data.decided <= hi
    return mask


def run(snap: Snapshot, request: SearchRequest, meaning: Understanding) -> Match:
    """One reading of the request, in its scope or the widening scopes."""
    data = snap.facets
    filters = {f: canonical(f, v) for f, v in request.filters.items() if f in data.columns}
    for facet, values in meaning.filters().items():
        filters[facet] = list(dict.fromkeys(filters.get(facet, []) + values))
    masks = filter_masks(data, filters)
    # Phrases are verified only in the docs some count or hit can include (the filters'
    # masks, applied first), so a selective filter makes a query cheaper.
    counted = counted_docs(masks, data.n_docs)
    searcher = snap.searcher()
    scopes = [request.scope] if request.scope else list(SCOPE_FIELDS)
    dates = date_mask(data, request, meaning.date_ranges())
    # Parsed once; each widened scope narrows the same tree.
    text = ScopedQuery(meaning.text, searcher.schema, searcher.reader(), snap.resolve, synonyms=request.synonyms,
                       vocab=snap.vocabulary)
    pinned: ScopedQuery | None = None
    for n, scope in enumerate(scopes):
        if n and request.synonyms and text.pinnable:
            # Wider than the request: a region or side it names must still be the item's own.
            pinned = pinned or ScopedQuery(meaning.text, searcher.schema, searcher.reader(), snap.resolve,
                                           vocab=snap.vocabulary, pinned=True)
            text = pinned
        parsed = text.over(SCOPE_FIELDS[scope])
        base, evaluation, matched = dates.copy(), None, dates.any()
        if not isinstance(parsed.query, wq.Every):
            evaluation = ranking.evaluate(parsed.query, searcher, snap.postings, data.decided,
                                          within=counted)
            base &= evaluation.mask
            matched = base.any()
            if not matched and counted is not None:
                # Outside the counted docs the words may still match: that decides widening.
                whole = ranking.evaluate(parsed.query, searcher, snap.postings, data.decided)
                matched = bool((dates & whole.mask).any())
        # Widened when the words find nothing in this scope; filters never widen it.
        if matched or n == len(scopes) - 1 or evaluation is None:
            break
    mask = hits_mask(base, masks)
    messages = meaning.notes + list(parsed.messages)
    if meaning.rate and mask.any() and "decision" in data.columns:
        column = data.columns["decision"]
        overturned, upheld = (int((mask & column.mask([v], data.n_docs)).sum()) for v in ("Overturned", "Upheld"))
        messages.append(rate_note(overturned, upheld))
    if scope != scopes[0] and matched:
        messages.insert(0, f"No request names {meaning.text!r}: counting {SCOPE_NAMES[scope]} "
                           "that mention it")
    info = QueryInfo(parsed.text, parsed.parsed, meaning.chips, messages, meaning.open_case,
                     expansions=parsed.expansions, scope=scope)
    return Match(parsed.query, mask, base, filters, info, evaluation, masks, words_found=bool(matched))
