"""Match and rank a Whoosh query tree with numpy instead of walking postings in Python.

`evaluate` turns the tree build_query makes into a boolean mask over docnums
(Term -> its postings, And -> &, Or -> |, Not/AndNot -> & ~, exact phrases
and sloppy phrases by position arithmetic on the candidates, anything else by Whoosh's own docs_for_query). `rank` scores the
positive leaves with Whoosh's BM25F over the masked docs only and returns the
top k, ties broken by docnum, so results equal Whoosh's search().
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from itertools import islice

import numpy as np
from whoosh import query as wq

from indexer.index.postings import POSITION_BITS, PostingCache
from indexer.search.query.parser import MAX_EXPANSION
from indexer.fields import CONCEPT_FIELD, LETTER_FIELDS
from indexer.vocabulary.marks import IS_MARK, STRENGTH_MARK

# Every weight of the ranking, in one place:
# - per-field boosts are applied at index time (`indexer.fields.TEXT_FIELD_LIST`:
#   item 3.0, rationale 1.5, guideline 1.0, summary 0.5): a posting's weight is
#   its term frequency times the boost, as Whoosh stores it;
# - BM25F's k1 and b, below (Whoosh's defaults, used unless the searcher's
#   weighting says otherwise);
# - "similar items" take the key terms of an item's heading and rationale
#   (SIMILAR_TERMS: how many of each field).
# - tiers: a document whose request (item) matches ranks above one tagged
#   with a concept the query names (the vocabulary's `concept` field), above
#   one whose rationale or guidelines match, above one matched by its letter's
#   summary only (FIELD_TIERS); BM25F orders documents within a tier. A concept mark read
#   from the request's own words (`is:class:...`, `strength:...`, OWN_WORD_MARKS) ranks as they do.
K1, B = 1.2, 0.75
SIMILAR_TERMS = (("item", 6), ("rationale", 10))
FIELD_TIERS = {"item": 3, CONCEPT_FIELD: 2, "rationale": 1, "guideline": 1, "summary": 0}
# Marks of the concept field read from the request's own words (the classes it is, its drugs'
# doses: indexer.vocabulary.marks) rank as the request's words do.
OWN_WORD_MARKS = (IS_MARK.encode(), STRENGTH_MARK.encode())


@dataclass
class Leaf:
    """A scored term: its postings add BM25F to matching docs (inside `within`, if set)."""

    field: str
    tbytes: bytes
    boost: float
    within: np.ndarray | None = None


@dataclass
class Evaluation:
    """The docs a query matches, and what scores them."""

    mask: np.ndarray
    leaves: list[Leaf] = field(default_factory=list)
    constants: list[tuple[np.ndarray, float]] = field(default_factory=list)


@dataclass
class _Context:
    searcher: object
    reader: object
    cache: PostingCache
    n_docs: int
    live: np.ndarray
    decided: np.ndarray | None
    out: Evaluation | None = None
    within: np.ndarray | None = None

    def empty(self) -> np.ndarray:
        return np.zeros(self.n_docs, dtype=bool)

    def of(self, docs) -> np.ndarray:
        mask = self.empty()
        mask[np.asarray(docs, dtype=np.int64)] = True
        return mask


def live_docs(reader, n_docs: int) -> np.ndarray:
    """Docs not deleted (Whoosh's Not and Every never match a deleted doc)."""
    live = np.ones(n_docs, dtype=bool)
    if reader.has_deletions():
        for leaf, offset in reader.leaf_readers():
            for doc in leaf.deleted_docs():
                live[offset + doc] = False
    return live


def evaluate(query: wq.Query, searcher, cache: PostingCache, decided: np.ndarray | None = None,
             live: np.ndarray | None = None, within: np.ndarray | None = None) -> Evaluation:
    """The mask of docs `query` matches (== set(searcher.docs_for_query(query))) and its scorers.

    within: the docs the caller will look at; phrases are verified only there, so the
    mask is exact inside `within` only (every operation is per doc, Not included).
    """
    reader = searcher.reader()
    n = reader.doc_count_all()
    ctx = _Context(searcher, reader, cache, n, live if live is not None else live_docs(reader, n),
                   decided if decided is not None and len(decided) == n else None,
                   within=within if within is not None and len(within) == n else None)
    ctx.out = Evaluation(np.zeros(0, dtype=bool))
    ctx.out.mask = _eval(query, ctx, 1.0, True)
    return ctx.out


def _eval(node: wq.Query, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    """Mask of one node; records its scorers when `positive` (it adds to the score)."""
    boost *= getattr(node, "boost", 1.0)
    for kind, handler in _HANDLERS:
        if type(node) is kind:
            return handler(node, ctx, boost, positive)
    if node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__):
        return ctx.empty()
    if isinstance(node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
        return _multiterm(node, ctx, boost, positive)
    return _whoosh(node, ctx)


def _whoosh(node: wq.Query, ctx: _Context) -> np.ndarray:
    """Whoosh's own matching for a node this module does not know (slow but exact)."""
    return ctx.of(np.fromiter(ctx.searcher.docs_for_query(node), dtype=np.int64))


def _tbytes(ctx: _Context, fieldname: str, text) -> bytes | None:
    if fieldname not in ctx.searcher.schema:
        return None
    return text if isinstance(text, bytes) else ctx.searcher.schema[fieldname].to_bytes(text)


def _term(node: wq.Term, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    tbytes = _tbytes(ctx, node.fieldname, node.text)
    if tbytes is None:
        return ctx.empty()
    docs, _ = ctx.cache.term(ctx.reader, node.fieldname, tbytes)
    if positive and len(docs):
        ctx.out.leaves.append(Leaf(node.fieldname, tbytes, boost))
    return ctx.of(docs)


def _and(node: wq.And, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    if not node.subqueries:
        return ctx.empty()
    return reduce(np.logical_and, [_eval(q, ctx, boost, positive) for q in node.subqueries])


def _or(node: wq.Or, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    if getattr(node, "minmatch", 0) > 1:
        return _whoosh(node, ctx)
    if not node.subqueries:
        return ctx.empty()
    return reduce(np.logical_or, [_eval(q, ctx, boost, positive) for q in node.subqueries])


def _not(node: wq.Not, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    return ~_eval(node.query, ctx, boost, False) & ctx.live


def _and_not(node: wq.AndNot, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    return _eval(node.a, ctx, boost, positive) & ~_eval(node.b, ctx, boost, False)


def _within(ctx: _Context, start: int, mask: np.ndarray) -> None:
    """The leaves recorded since `start` score only the docs in `mask`: as Whoosh's matchers, a
    compound node adds its children's scores only where it matches as a whole."""
    for leaf in ctx.out.leaves[start:]:
        leaf.within = mask if leaf.within is None else leaf.within & mask


def _and_maybe(node: wq.AndMaybe, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    required = _eval(node.a, ctx, boost, positive)
    if positive:     # only for its scorers: it never narrows the match
        start = len(ctx.out.leaves)
        # where it matches whole: `(spine OR pelvis) ANDMAYBE (spine AND pelvis)` ranks both first,
        # not every item naming one of them twice over
        _within(ctx, start, _eval(node.b, ctx, boost, True))
    return required


def _require(node: wq.Require, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    return _eval(node.a, ctx, boost, positive) & _eval(node.b, ctx, boost, False)


def _every(node: wq.Every, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    if node.fieldname not in (None, "", "*"):
        return _whoosh(node, ctx)
    return ctx.live.copy()


def _numeric_range(node: wq.NumericRange, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    if node.fieldname != "decided" or ctx.decided is None:
        mask = _whoosh(node, ctx)
    else:
        # the facet arrays hold the same yyyymmdd the field indexes, 0 where it has none.
        d = ctx.decided
        mask = (d > 0) & ctx.live
        if node.start is not None:
            mask &= (d > node.start) if node.startexcl else (d >= node.start)
        if node.end is not None:
            mask &= (d < node.end) if node.endexcl else (d <= node.end)
    if positive:
        ctx.out.constants.append((mask, boost))   # a constant-score range adds its boost
    return mask


def _multiterm(node: wq.Query, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    """Prefix/Wildcard/Fuzzy: the OR of their expanded terms (Whoosh's when too many)."""
    terms = list(islice(node.expanded_terms(ctx.reader), MAX_EXPANSION + 1))
    if len(terms) > MAX_EXPANSION:
        return _whoosh(node, ctx)
    mask = ctx.empty()
    for fieldname, tbytes in terms:
        mask |= _term(wq.Term(fieldname, tbytes), ctx, boost, positive)
    return mask


def _phrase(node: wq.Phrase, ctx: _Context, boost: float, positive: bool) -> np.ndarray:
    """Docs having the words in order, each within `slop` positions of the one before."""
    words = [_tbytes(ctx, node.fieldname, w) for w in node.words]
    if not words or None in words:
        return ctx.empty()
    if not ctx.searcher.schema[node.fieldname].format.supports("positions") or node.slop < 1:
        return _whoosh(node, ctx)
    postings = [ctx.cache.term(ctx.reader, node.fieldname, w)[0] for w in words]
    candidates = reduce(np.logical_and, [ctx.of(p) for p in postings])
    if ctx.within is not None:
        candidates &= ctx.within
    if candidates.any():
        candidates = ctx.of(_phrase_docs(ctx, node.fieldname, words, node.slop, candidates))
    if positive:
        ctx.out.leaves += [Leaf(node.fieldname, w, boost, candidates) for w in words]
    return candidates


def _phrase_docs(ctx: _Context, fieldname: str, words: list[bytes], slop: int,
                 candidates: np.ndarray) -> np.ndarray:
    """Whoosh's ordered SpanNear2 (mindist 1) in numpy: a chain p0 < p1 < ... with
    1 <= p(i+1) - p(i) <= slop exists in the doc. Keys are doc << 32 | position,
    so a difference within `slop` can only come from the same doc.

    A field of LETTER_FIELDS is the same in every document of a letter, so it is
    matched in each letter's first document only and the answer spread to the rest.
    """
    per_letter = fieldname in LETTER_FIELDS
    if per_letter:
        starts = ctx.cache.letter_starts(ctx.reader)
        candidates = candidates & ctx.cache.letter_firsts(ctx.reader)
    reached = None
    for word in words:
        keys = ctx.cache.position_keys(ctx.reader, fieldname, word, firsts=per_letter)
        if len(keys) and candidates[keys[:: max(1, len(keys) // 512)] >> POSITION_BITS].mean() < 0.7:
            # Dropping the keys of non-candidates first costs three passes over them,
            # and pays when (judging by a sample) it spares the search many of them.
            keys = keys[candidates[keys >> POSITION_BITS]]
        if reached is not None:
            before = np.searchsorted(reached, keys - 1, side="right") - 1
            gap = keys - reached[np.maximum(before, 0)]
            keys = keys[(before >= 0) & (gap >= 1) & (gap <= slop)]
        reached = keys   # already sorted and unique: postings and positions both ascend
        if not len(reached):
            break
    docs = reached >> POSITION_BITS
    docs = docs[np.r_[True, docs[1:] != docs[:-1]]] if len(docs) else docs
    if per_letter:
        docs = np.flatnonzero(ctx.of(docs)[starts])
    return docs


_HANDLERS = [(wq.Term, _term), (wq.And, _and), (wq.Or, _or), (wq.Not, _not),
             (wq.AndNot, _and_not), (wq.AndMaybe, _and_maybe), (wq.Require, _require),
             (wq.Every, _every), (wq.NumericRange, _numeric_range), (wq.Phrase, _phrase)]


# --- scoring -----------------------------------------------------------------

def _bm25_params(searcher, fieldname: str) -> tuple[float, float]:
    weighting = getattr(searcher, "weighting", None)
    k1 = getattr(weighting, "K1", K1)
    b = getattr(weighting, "_field_B", {}).get(fieldname, getattr(weighting, "B", B))
    return k1, b


def bm25(tf: np.ndarray, idf: float, dl: np.ndarray, avg: float, k1: float = K1,
         b: float = B) -> np.ndarray:
    """BM25 of boosted term frequencies `tf` in documents of lengths `dl` (Whoosh's formula)."""
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * dl / avg)))


def scores(ev: Evaluation, searcher, cache: PostingCache, mask: np.ndarray) -> np.ndarray:
    """BM25F score per doc (0 outside `mask`): the sum over matching positive leaves.

    Posting weights already carry the schema's field_boost (Whoosh multiplies the
    term frequency by it at indexing), so tf here is the weight, as in Whoosh.
    """
    reader = searcher.reader()
    out = np.zeros(len(mask), dtype=np.float64)
    for leaf in ev.leaves:
        docs, weights = cache.term(reader, leaf.field, leaf.tbytes)
        keep = mask if leaf.within is None else mask & leaf.within
        sel = keep[docs]
        docs, tf = docs[sel], weights[sel].astype(np.float64)
        if searcher.schema[leaf.field].scorable:
            k1, b = _bm25_params(searcher, leaf.field)
            idf = searcher.idf(leaf.field, leaf.tbytes)
            avg = searcher.avg_field_length(leaf.field) or 1
            dl = cache.lengths(reader, leaf.field)[docs]
            tf = bm25(tf, idf, dl, avg, k1, b)
        out[docs] += tf * leaf.boost
    for where, boost in ev.constants:
        out[where & mask] += boost
    return out


def top(docs: np.ndarray, doc_scores: np.ndarray, limit: int | None) -> np.ndarray:
    """Positions in `docs` of the best `limit` by score (descending), ties by docnum."""
    if limit is not None and limit < len(docs):
        if limit <= 0:
            return np.zeros(0, dtype=np.int64)
        kth = np.partition(doc_scores, len(docs) - limit)[len(docs) - limit]
        chosen = np.flatnonzero(doc_scores >= kth)
        order = chosen[np.lexsort((docs[chosen], -doc_scores[chosen]))]
        return order[:limit]
    return np.lexsort((docs, -doc_scores))


def tiers(ev: Evaluation, searcher, cache: PostingCache, mask: np.ndarray) -> np.ndarray:
    """Per doc, the highest FIELD_TIERS of a field whose positive terms match it."""
    reader = searcher.reader()
    out = np.zeros(len(mask), dtype=np.int8)
    for leaf in ev.leaves:
        tier = FIELD_TIERS.get(leaf.field, 0)
        if leaf.field == CONCEPT_FIELD and leaf.tbytes.startswith(OWN_WORD_MARKS):
            tier = FIELD_TIERS["item"]
        if tier:
            docs, _ = cache.term(reader, leaf.field, leaf.tbytes)
            if leaf.within is not None:
                docs = docs[leaf.within[docs]]
            out[docs] = np.maximum(out[docs], tier)
    return out


def rank(ev: Evaluation, searcher, cache: PostingCache, mask: np.ndarray,
         limit: int | None, tiered: bool = False) -> list[tuple[int, float]]:
    """(docnum, score) of the docs in `mask`, best first, the first `limit` of them.

    With `tiered`, the score is tier * (best BM25F + 1) + BM25F, so request
    matches come first; without it, plain BM25F (as Whoosh ranks).
    """
    docs = np.flatnonzero(mask)
    doc_scores = scores(ev, searcher, cache, mask)[docs]
    if tiered and len(docs):
        doc_scores = tiers(ev, searcher, cache, mask)[docs] * (doc_scores.max() + 1.0) + doc_scores
    order = top(docs, doc_scores, limit)
    return list(zip(docs[order].tolist(), doc_scores[order].tolist()))
