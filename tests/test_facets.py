"""Facet counts cross-checked against a brute-force count over the records."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from indexer.index.stores import facetdata
from indexer.vocabulary import Vocabulary
from indexer.index.values.documents import item_documents
from indexer.search.facets import count_facets
from indexer.search.query.request import UNDATED
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.settings import Settings


def doc_values(doc: dict, facet: str) -> list[str]:
    raw = doc.get(facet)
    if raw is None or raw == "":
        return [UNDATED] if facet == "year" else []   # the year bucket of undated items
    if facet in facetdata.MULTI_VALUED:
        return [v for v in str(raw).split(",") if v]
    return [str(raw)]


def brute_force(docs: list[dict], filters: dict[str, list[str]], keep) -> dict[str, Counter]:
    """For each facet: counts over docs passing `keep` and every OTHER facet's filter."""
    out = {}
    for facet in facetdata.FACETS:
        counts: Counter = Counter()
        for doc in docs:
            if not keep(doc):
                continue
            if all(set(doc_values(doc, f)) & set(v) for f, v in filters.items() if f != facet):
                for value in set(doc_values(doc, facet)):
                    counts[(value, "n")] += 1
                    counts[(value, "o")] += doc.get("decision") == "Overturned"
        out[facet] = counts
    return out


@pytest.fixture(scope="module")
def docs(expected_records):
    vocab = Vocabulary.load()
    return [d for r in expected_records() for d in item_documents(r, vocab)]


@pytest.fixture(scope="module")
def live(tmp_path_factory, expected_records, publish):
    settings = Settings(index_dir=tmp_path_factory.mktemp("facet_index"))
    publish(settings, expected_records())
    return Searcher(settings)


def test_arrays_round_trip(tmp_path, docs):
    facetdata.write_arrays(tmp_path, docs)
    data = facetdata.load(tmp_path)
    assert data.n_docs == len(docs)
    assert int(data.overturned.sum()) == sum(d.get("decision") == "Overturned" for d in docs)
    assert "Pharmaceuticals" in data.values("category")


def test_every_filter_combination_matches_brute_force(tmp_path, docs):
    facetdata.write_arrays(tmp_path, docs)
    data = facetdata.load(tmp_path)
    rng = random.Random(7)
    for _ in range(40):
        filters = {}
        for facet in rng.sample(list(facetdata.FACETS), rng.randint(0, 3)):
            values = list(data.values(facet)) + ([UNDATED] if facet == "year" else [])
            if values:
                filters[facet] = rng.sample(values, min(len(values), rng.randint(1, 2)))
        got = count_facets(data, np.ones(data.n_docs, dtype=bool), filters)
        want = brute_force(docs, filters, lambda d: True)
        for facet, values in got.items():
            for fv in values:
                assert fv.count == want[facet][(fv.value, "n")], (facet, fv, filters)
                assert fv.overturned == want[facet][(fv.value, "o")], (facet, fv, filters)
            listed = {fv.value for fv in values if fv.count}
            assert listed == {v for v, kind in want[facet] if kind == "n" and want[facet][(v, "n")]}


def test_search_facets_match_brute_force_with_text_query(live, docs):
    request = SearchRequest(q="physical therapy", filters={"decision": ["Upheld"], "year": ["2016"]})
    result = live.search(request)
    text_docs = {h.doc_id for h in live.iter_hits(SearchRequest(q="physical therapy", literal=True))}
    want = brute_force(docs, request.filters, lambda d: d["doc_id"] in text_docs)
    for facet in ("decision", "category", "specialty", "year"):
        for fv in result.facets[facet]:
            assert fv.count == want[facet][(fv.value, "n")], (facet, fv)
    assert result.total == sum(1 for d in docs if d["doc_id"] in text_docs
                               and d.get("decision") == "Upheld" and d.get("year") == 2016)


def test_selected_values_stay_listed_and_years_sort_by_value(live):
    result = live.search(SearchRequest(filters={"specialty": ["No Such Specialty"]}))
    assert result.total == 0
    assert any(fv.selected and fv.value == "No Such Specialty" for fv in result.facets["specialty"])
    years = [fv.value for fv in live.search(SearchRequest()).facets["year"]]
    assert years == sorted(years)


def test_facet_table_lists_every_value(live, docs):
    table = live.facet_table(SearchRequest(), "category")
    want = Counter(c for d in docs for c in set(d.get("category", "").split(",")) if c)
    assert {fv.value: fv.count for fv in table} == dict(want)
    assert sum(fv.count for fv in table) >= len(docs)
