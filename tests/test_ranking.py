"""indexer.search.ranking + indexer.index.postings: the numpy mask equals Whoosh's matching, the
numpy BM25F ranking equals Whoosh's exhaustive ranking, on the real-letter index."""
from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from indexer.index import postings
from indexer.search import ranking
from indexer.search.query.parser import build_query
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.settings import Settings

QUERIES = [
    "treatment", "physical therapy", "knee pain", "medically necessary", "lumbar OR cervical",
    "pain NOT knee", "pain -knee", "therapy ANDNOT physical", "+pain knee", "pain ANDMAYBE knee",
    "NOT pain", '"physical therapy"', '"medical treatment utilization schedule"',
    '"knee pain"~3', '"therapy physical"~4', '"pain pain"', "phys*", "lumb* OR cerv*", "med*",
    "item:mri", "rationale:guidelines", "summary:injury", "guideline:mtus", "item:(mri OR ct)",
    "decided:2014-01..2014-06", "decided:2015 pain", "decided:..2014-03 therapy",
    "injured:2010..2012", "year:2014", "specialty:'Orthopedic Surgery'", "decision:Upheld pain",
    "case:CM13-0000001", "knee^3 pain", "(knee OR shoulder) AND (surgery OR injection)",
    "((knee", '"unbalanced', "a*b?", "OR OR", "NOT", "zzzznotaword", "pain zzzznotaword",
    "kne~", "x" * 300,
    # phrases in the summary, which is matched once per letter (schema.LETTER_FIELDS)
    '"injured worker"', 'summary:"injured worker"', 'summary:"date of injury"~2',
    'summary:"physical therapy" item:mri', '"worker injured"~3',
]


@pytest.fixture(scope="module")
def opened(built_index):
    """(snapshot, whoosh searcher) of the real-letter index."""
    snap = Searcher(built_index).current()
    return snap, snap.searcher()


def _query(text: str, searcher) -> wq.Query:
    return build_query(text, searcher.schema, searcher.reader()).query


def _reference(q: wq.Query, searcher) -> set[int]:
    """Whoosh's docs_for_query, combined by set algebra at AndNot (see test below)."""
    if isinstance(q, wq.AndNot):
        return _reference(q.a, searcher) - _reference(q.b, searcher)
    if isinstance(q, wq.And):
        return set.intersection(*[_reference(s, searcher) for s in q.subqueries])
    if isinstance(q, wq.Or):
        return set.union(*[_reference(s, searcher) for s in q.subqueries])
    return set(searcher.docs_for_query(q))


@pytest.mark.parametrize("text", QUERIES)
def test_mask_equals_whoosh(opened, text):
    snap, searcher = opened
    q = _query(text, searcher)
    ev = ranking.evaluate(q, searcher, postings.PostingCache(), snap.facets.decided)
    got = set(np.flatnonzero(ev.mask).tolist())
    assert got == _reference(q, searcher)
    if not any(isinstance(n, wq.AndNot) for n in q.leaves()) and not isinstance(q, wq.AndNot):
        assert got == set(searcher.docs_for_query(q))


def test_and_not_is_set_difference(opened):
    """Whoosh's AndNot matcher can let excluded docs through; ours is exactly a minus b."""
    snap, searcher = opened
    q = _query("pain -knee", searcher)
    assert isinstance(q, wq.AndNot)
    ev = ranking.evaluate(q, searcher, postings.PostingCache())
    a = set(searcher.docs_for_query(q.a))
    b = set(searcher.docs_for_query(q.b))
    assert set(np.flatnonzero(ev.mask).tolist()) == a - b
    assert a - b, "the corpus has pain without knee"


@pytest.mark.parametrize("node", [
    wq.DisjunctionMax([wq.Term("item", "mri"), wq.Term("rationale", "mri")]),
    wq.Ordered([wq.Term("rationale", "physic"), wq.Term("rationale", "therapi")]),
    wq.Every("item"), wq.Every(), wq.NullQuery, wq.Or([]), wq.And([]),
    wq.TermRange("case_number", "CM13", "CM14"), wq.Wildcard("rationale", "ther*y"),
    wq.Term("nosuchfield", "x"),
    wq.Or([wq.Term("rationale", "pain"), wq.Term("rationale", "knee")], minmatch=2),
])
def test_other_nodes_fall_back_exactly(opened, node):
    snap, searcher = opened
    ev = ranking.evaluate(node, searcher, postings.PostingCache(), snap.facets.decided)
    expected = set() if isinstance(node, wq.Term) and node.fieldname not in searcher.schema \
        else set(searcher.docs_for_query(node))
    assert set(np.flatnonzero(ev.mask).tolist()) == expected


# Not "phys*": below 5000 docs Whoosh scores a prefix of 3+ expansions as a constant 1.0
# (its ArrayUnionMatcher, unscored); above, as the BM25F sum of its terms, as ranking does.
@pytest.mark.parametrize("text", ["treatment", "knee pain", '"physical therapy"',
                                  "knee^3 pain", "lumbar OR cervical", "+pain knee",
                                  '"knee pain"~3', "item:mri OR summary:injury"])
def test_ranking_equals_whoosh_exhaustive(opened, text):
    """Same docs in the same order and the same scores as Whoosh's un-optimised search."""
    snap, searcher = opened
    q = _query(text, searcher)
    cache = postings.PostingCache()
    ev = ranking.evaluate(q, searcher, cache, snap.facets.decided)
    ours = ranking.rank(ev, searcher, cache, ev.mask, None)
    theirs = [(h.docnum, h.score) for h in searcher.search(q, limit=None)]
    assert len(ours) == len(theirs) > 0
    assert np.allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-9)
    # Only float-rounding ties may swap places.
    assert {d for d, _ in ours} == {d for d, _ in theirs}
    swapped = [(a, b) for a, b in zip(ours, theirs) if a[0] != b[0]]
    assert all(abs(a[1] - b[1]) < 1e-9 for a, b in swapped)
    top = ranking.rank(ev, searcher, cache, ev.mask, 10)
    assert [d for d, _ in top] == [d for d, _ in ours[:10]]


def test_top_breaks_ties_by_docnum():
    docs = np.array([9, 3, 5, 7, 1])
    scores = np.array([1.0, 2.0, 1.0, 2.0, 1.0])
    assert docs[ranking.top(docs, scores, 3)].tolist() == [3, 7, 1]
    assert docs[ranking.top(docs, scores, None)].tolist() == [3, 7, 1, 5, 9]
    assert ranking.top(docs, scores, 0).tolist() == []


def test_item_match_ranks_above_summary_only_match(tmp_path, expected_records, publish):
    """The same rare word in an item outranks it in another letter's summary only."""
    records = expected_records()[:2]
    records[0]["items"][0]["item"] += " zyxqvort"
    records[1]["summary"] += " zyxqvort"
    settings = Settings(index_dir=tmp_path / "ix")
    publish(settings, records)
    result = Searcher(settings).search(SearchRequest(q="zyxqvort", literal=True, scope="letter"))
    assert result.total == 1 + len(records[1]["items"])
    assert result.hits[0].letter_id == records[0]["id"]
    assert result.hits[0].score > max(h.score for h in result.hits[1:])


def test_search_page_equals_whoosh_with_filters(built_index):
    """A filtered relevance page is Whoosh's exhaustive ranking restricted to the filter."""
    searcher = Searcher(built_index)
    snap = searcher.current()
    request = SearchRequest(q="pain", literal=True, per_page=20, filters={"decision": ["Upheld"]})
    result = searcher.search(request)
    m = searcher.match(request, snap)
    allowed = set(np.flatnonzero(m.mask).tolist())
    whoosh = [h.docnum for h in snap.searcher().search(m.query, limit=None) if h.docnum in allowed]
    assert result.total == len(allowed) == len(whoosh)
    got = [snap.searcher().document_number(doc_id=h.doc_id) for h in result.hits]
    assert set(got) <= set(whoosh[:25]) and got[:3] == whoosh[:3]
    assert all(h.decision == "Upheld" for h in result.hits)


def test_cache_is_bounded_and_still_exact(opened):
    snap, searcher = opened
    small = postings.PostingCache(max_bytes=64 * 1024)
    for text in QUERIES[:20]:
        q = _query(text, searcher)
        ev = ranking.evaluate(q, searcher, small, snap.facets.decided)
        assert set(np.flatnonzero(ev.mask).tolist()) == _reference(q, searcher)
        assert small.bytes <= small.max_bytes
    assert len(small) > 0


def test_postings_and_lengths_match_whoosh(opened):
    snap, searcher = opened
    reader = searcher.reader()
    cache = postings.PostingCache()
    for field in ("item", "rationale", "summary", "specialty"):
        for tbytes in list(reader.lexicon(field))[:15]:
            docs, weights = cache.term(reader, field, tbytes)
            m = reader.postings(field, tbytes)
            assert docs.tolist() == list(m.all_ids())
            m = reader.postings(field, tbytes)
            expected = []
            while m.is_active():
                expected.append(m.weight())
                m.next()
            assert np.allclose(weights, expected)
    lengths = cache.lengths(reader, "rationale")
    sample = range(0, reader.doc_count_all(), max(1, reader.doc_count_all() // 50))
    assert [lengths[d] for d in sample] == [searcher.doc_field_length(d, "rationale", 0) or 0
                                            for d in sample]


def test_public_fallback_reads_the_same(opened):
    snap, searcher = opened
    reader = searcher.reader()
    leaf, _ = reader.leaf_readers()[0]
    tbytes = searcher.schema["rationale"].to_bytes("pain")
    fast = postings._read_blocks(leaf.postings("rationale", tbytes))
    slow = postings._read_public(leaf.postings("rationale", tbytes), with_values=True)
    assert fast is not None
    assert np.concatenate(fast[0]).tolist() == slow[0][0].tolist()
    assert np.allclose(np.concatenate(fast[1]), slow[1][0])


def test_letter_starts_follow_stored_letter_ids(opened):
    """Summary phrases are matched per letter: each doc's letter start must be exact."""
    _, searcher = opened
    reader = searcher.reader()
    letters = [stored["letter_id"] for _, stored in reader.iter_docs()]
    want = []
    for d, letter in enumerate(letters):
        want.append(d if d == 0 or letter != letters[d - 1] else want[-1])
    assert len(set(want)) < len(want)          # some letters have several items
    assert postings.PostingCache().letter_starts(reader).tolist() == want
