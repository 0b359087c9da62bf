"""The search core end to end over a snapshot built from real letters' records."""
from __future__ import annotations

import pytest

from indexer.errors import LetterNotFound
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.settings import Settings


@pytest.fixture(scope="module")
def corpus(expected_records, hostile_letter) -> list[dict]:
    return expected_records() + [hostile_letter()]


@pytest.fixture(scope="module")
def index_settings(tmp_path_factory, corpus, publish) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("search_index"), keep_snapshots=5)
    publish(settings, corpus)
    return settings


@pytest.fixture(scope="module")
def searcher(index_settings) -> Searcher:
    return Searcher(index_settings)


def items_of(corpus):
    return [(r, it) for r in corpus for it in r["items"]]


def test_total_is_exact_for_a_word(searcher, corpus):
    result = searcher.search(SearchRequest(q="hoverboard"))
    assert result.total == 1
    assert result.hits[0].case_number == "CM99-0000001"


def test_empty_query_returns_every_item_newest_first(searcher, corpus):
    result = searcher.search(SearchRequest(per_page=100))
    assert result.total == len(items_of(corpus))
    dates = [h.decision_date or "" for h in result.hits]
    assert dates == sorted(dates, reverse=True)


def test_stemmed_search_matches_plural_and_counts_items(searcher, corpus):
    result = searcher.search(SearchRequest(q="MRI", per_page=100, scope="letter"))   # every text field
    expected = sum(1 for _r, it in items_of(corpus) if "mri" in it["item"].lower()
                   or "mri" in it["rationale"].lower() or "mri" in (it["maximus_guideline"] or "").lower()
                   or "mri" in (it["claims_administrator_guideline"] or "").lower())
    assert result.total >= expected > 10
    assert all(h.score is not None for h in result.hits)


def test_hits_are_escaped_and_marked(searcher):
    hit = searcher.search(SearchRequest(q="hoverboard")).hits[0]
    assert "<script" not in hit.item_html and "&lt;script&gt;" in hit.item_html
    assert "<mark>Hoverboard</mark>" in hit.item_html
    assert hit.snippets and all("<mark>" in s.html for s in hit.snippets)
    for snippet in hit.snippets:
        assert snippet.html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_decision_word_becomes_a_chip(searcher, corpus):
    result = searcher.search(SearchRequest(q="physical therapy upheld", per_page=100))
    assert [(c.facet, c.value) for c in result.query.chips] == [("decision", "Upheld")]
    assert result.total > 0 and all(h.decision == "Upheld" for h in result.hits)
    literal = searcher.search(SearchRequest(q="physical therapy upheld", literal=True))
    assert literal.query.chips == []


def test_case_number_query_opens_the_case(searcher):
    result = searcher.search(SearchRequest(q="CM99-0000001"))
    assert result.query.open_case == "CM99-0000001"
    assert result.total == 1


def test_filters_and_date_range(searcher, corpus):
    result = searcher.search(SearchRequest(filters={"decision": ["Overturned"]}, per_page=100,
                                           decided_from="2017-01-01", decided_to="2017-12-31"))
    expected = [it for r, it in items_of(corpus) if it["decision"] == "Overturned"
                and "2017-01-01" <= (r["decision_date"] or "") <= "2017-12-31"]
    assert result.total == len(expected) > 0


def test_sort_oldest_and_paging(searcher, corpus):
    first = searcher.search(SearchRequest(sort="oldest", per_page=5, page=1))
    second = searcher.search(SearchRequest(sort="oldest", per_page=5, page=2))
    ids = [h.doc_id for h in first.hits + second.hits]
    assert len(set(ids)) == 10
    dates = [h.decision_date or "9999" for h in first.hits + second.hits]
    assert dates == sorted(dates)


def test_other_items_of_the_same_letter(searcher, corpus):
    multi = next(r for r in corpus if len(r["items"]) >= 3)
    result = searcher.search(SearchRequest(q=multi["id"]))
    hit = result.hits[0]
    assert len(hit.other_items) == len(multi["items"]) - 1
    assert hit.item_no not in [o["item_no"] for o in hit.other_items]


def test_letter_and_missing_letter(searcher, corpus):
    rec = corpus[0]
    assert searcher.letter(rec["id"])["items"] == rec["items"]
    with pytest.raises(LetterNotFound):
        searcher.letter("CM00-0000000")
    with pytest.raises(KeyError):
        searcher.letter("nope")


def test_similar_items_share_a_category(searcher):
    hit = searcher.search(SearchRequest(q="MRI lumbar spine")).hits[0]
    similar = searcher.similar(hit.doc_id, same_category=True, limit=5)
    assert similar and hit.letter_id not in [s.letter_id for s in similar]
    assert all(set(s.categories) & set(hit.categories) for s in similar)


def test_similar_drugs_stay_in_their_drug_class(searcher):
    hit = searcher.search(SearchRequest(q="category:opioids")).hits[0]
    similar = searcher.similar(hit.doc_id, limit=10)
    assert similar
    assert all("Pharmaceuticals: Opioids" in s.categories for s in similar)


def test_similar_key_terms_are_whooshs_worked_out_once(searcher):
    """*similar*'s remembered terms and weights equal Whoosh's key_terms_from_text, asked again or not."""
    from indexer.search import ranking
    from indexer.search.keyterms import KeyTerms
    from indexer.search.show.highlight import WINDOW

    snap = searcher.current()
    whoosh, terms = snap.searcher(), KeyTerms(max_items=3, max_words=50)    # small: started afresh too
    for doc in list(range(0, snap.facets.n_docs, 7))[:12] * 2:
        stored = snap.stored_fields(doc)
        texts = [(f, (stored.get(f) or "")[:WINDOW], n) for f, n in ranking.SIMILAR_TERMS]
        expected = tuple((f, word, weight) for f, text, n in texts
                         for word, weight in whoosh.key_terms_from_text(f, text, numterms=n))
        assert terms.of(whoosh, doc, texts) == expected


def one_item_letter(case: str, item: str, rationale: str, date: str) -> dict:
    from indexer.record import empty_record

    rec = empty_record()
    rec.update(id=case, case_number=case, decision_date=date, content_hash=case, outcome="Upheld",
               summary="Chronic low back pain after a fall at work.")
    rec["items"] = [{"item": item, "decision": "Upheld", "eligible_portion": None,
                     "claims_administrator_guideline": None, "maximus_guideline": None,
                     "rationale": rationale}]
    return rec


def test_similar_is_empty_rather_than_unrelated_when_no_item_shares_the_category(tmp_path, publish):
    settings = Settings(index_dir=tmp_path / "idx")
    reason = "Chronic low back pain; the guidelines do not support it for chronic low back pain."
    publish(settings, [one_item_letter("CM17-0000001", "Acupuncture 6 sessions", reason, "2017-01-03"),
                       one_item_letter("CM17-0000002", "MRI of the lumbar spine", reason, "2017-01-04")])
    live = Searcher(settings)
    assert live.similar("CM17-0000001#1") == []
    wide = live.similar("CM17-0000001#1", same_category=False)
    assert [h.doc_id for h in wide] == ["CM17-0000002#1"]


def test_iter_hits_streams_every_hit_in_order(searcher):
    request = SearchRequest(q="therapy", per_page=3)
    result = searcher.search(request)
    streamed = list(searcher.iter_hits(request))
    assert len(streamed) == result.total
    assert [h.doc_id for h in streamed[:3]] == [h.doc_id for h in result.hits]


def test_malformed_queries_never_raise(searcher):
    for q in ['"unclosed', "AND AND", "item:", "(" * 500 + "mri", "*a*", "x" * 5000,
              " ".join(f"w{i}" for i in range(2000)), "decided:2016-99", "mri)))"]:
        result = searcher.search(SearchRequest(q=q))
        assert result.total >= 0
    assert searcher.search(SearchRequest(q='"unclosed')).query.messages


@pytest.mark.slow
def test_reopens_when_current_changes(tmp_path, corpus, publish):
    settings = Settings(index_dir=tmp_path / "idx")
    publish(settings, corpus[:3])
    live = Searcher(settings, recheck=0)
    before = live.search(SearchRequest()).total
    first_name = live.snapshot_name
    publish(settings, corpus)
    assert live.snapshot_name != first_name
    assert live.search(SearchRequest()).total > before


@pytest.mark.slow
def test_settle_freezes_the_heap_and_a_newer_snapshot_hands_the_old_one_back(tmp_path, corpus, publish):
    import gc
    import weakref

    settings = Settings(index_dir=tmp_path / "idx")
    publish(settings, corpus[:3])
    live = Searcher(settings, recheck=0)
    gc.unfreeze()
    try:
        live.settle()
        assert gc.get_freeze_count() > 0
        answer = live.search(SearchRequest(q="therapy")).to_dict()
        old = weakref.ref(live.current())
        publish(settings, corpus)
        assert live.search(SearchRequest()).total == len(items_of(corpus))
        gc.collect()
        assert old() is None        # not kept by the frozen generation
        assert gc.get_freeze_count() > 0
        # A settled searcher answers as one that is not.
        assert live.search(SearchRequest(q="therapy")).to_dict() == Searcher(settings).search(
            SearchRequest(q="therapy")).to_dict()
        assert answer["total"] <= live.search(SearchRequest(q="therapy")).total
    finally:
        gc.unfreeze()


def item_stems(record: dict, item: dict) -> set[str]:
    """The index's stems of every text field of one item document."""
    from indexer.index.analysis import DomainAnalyzer

    text = " ".join(str(item.get(k) or "") for k in (
        "item", "rationale", "claims_administrator_guideline", "maximus_guideline"))
    return {t.text for t in DomainAnalyzer()(text + " " + (record.get("summary") or ""))}


def brute_force(corpus, stem: str, lo: str, hi: str) -> int:
    """Items holding `stem` whose letter was decided in [lo, hi] (ISO dates)."""
    return sum(1 for r, it in items_of(corpus)
               if stem in item_stems(r, it) and lo <= (r["decision_date"] or "") <= hi)


@pytest.mark.parametrize("spec, lo, hi", [
    ("2016-12..2017-01", "2016-12-01", "2017-01-31"),
    ("2017-01..2017-02", "2017-01-01", "2017-02-28"),
    ("2017-02-10..", "2017-02-10", "9999-12-31"),
])
def test_decided_range_chip_counts_match_brute_force(searcher, corpus, spec, lo, hi):
    # scope 'letter': every text field, the summary included, as brute_force counts
    result = searcher.search(SearchRequest(q=f"decided:{spec} acupuncture", per_page=100, scope="letter"))
    assert [(c.facet, c.value) for c in result.query.chips] == [("decided", spec)]
    assert result.query.text == "acupuncture"
    assert result.total == brute_force(corpus, "acupunctur", lo, hi) == len(result.hits)
    assert all(lo <= h.decision_date <= hi for h in result.hits)


def test_real_acupuncture_letters_are_all_decided_in_february_2017(tmp_path, real_records, publish):
    # Why `decided:2016-12..2017-01 acupuncture` finds nothing in the real corpus: no such letter exists.
    corpus = real_records()
    settings = Settings(index_dir=tmp_path / "real")
    publish(settings, corpus)
    searcher = Searcher(settings)
    assert brute_force(corpus, "acupunctur", "2016-12-01", "2017-01-31") == 0
    assert searcher.search(SearchRequest(q="decided:2016-12..2017-01 acupuncture")).total == 0
    assert searcher.search(SearchRequest(q="decided:2017-02 acupuncture")).total == \
        brute_force(corpus, "acupunctur", "2017-02-01", "2017-02-28") > 0


def test_specialty_field_query_is_the_same_as_the_filter(searcher):
    typed = searcher.search(SearchRequest(q='specialty:"pain management" opioid', per_page=100))
    assert [(c.facet, c.value) for c in typed.query.chips] == [("specialty", "Pain Management")]
    chosen = searcher.search(SearchRequest(q="opioid", filters={"specialty": ["Pain Management"]},
                                           per_page=100))
    assert typed.total == chosen.total > 0
    assert [h.doc_id for h in typed.hits] == [h.doc_id for h in chosen.hits]
    facet = {v.value: v for v in typed.facets["specialty"]}
    assert facet["Pain Management"].selected


def test_date_chip_and_date_parameters_both_apply(searcher, corpus):
    result = searcher.search(SearchRequest(q="decided:2017", decided_to="2017-01-31", per_page=100))
    expected = [it for r, it in items_of(corpus) if "2017-01-01" <= (r["decision_date"] or "") <= "2017-01-31"]
    assert result.total == len(expected) > 0


@pytest.mark.parametrize("how", ["truncated", "deleted"])
def test_unreadable_segment_is_index_damaged(tmp_path, corpus, publish, how):
    from indexer.index.stores import snapshots
    from indexer.errors import IndexDamaged

    settings = Settings(index_dir=tmp_path / "idx")
    publish(settings, corpus[:3])
    (segment,) = snapshots.current(settings).glob("*.seg")
    if how == "truncated":
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    else:
        segment.unlink()
    with pytest.raises(IndexDamaged, match="imr check"):
        Searcher(settings).search(SearchRequest(q="mri"))


@pytest.mark.parametrize("q", ['"physical therapy"', '"medically necessary" knee', 'pain NOT "low back"',
                               '"functional restoration" OR "home exercise"', "therapy", '"knee" -x'])
def test_filters_applied_before_phrases_change_no_hit_or_count(searcher, monkeypatch, q):
    from indexer.search import matching

    facets = searcher.search(SearchRequest(q="")).facets
    picks = [(f, facets[f][0].value) for f in ("decision", "category", "specialty", "state") if facets.get(f)]
    requests = [SearchRequest(q=q, literal=True, per_page=50, filters={f: [v] for f, v in chosen})
                for chosen in (picks[:2], picks[1:3], picks[:3], picks[:1])]
    fast = [searcher.search(r) for r in requests]
    monkeypatch.setattr(matching, "counted_docs", lambda masks, n: None)   # verify everywhere
    for request, got in zip(requests, fast):
        want = searcher.search(request)
        assert (got.total, [h.doc_id for h in got.hits], got.facets, got.query.scope) == \
            (want.total, [h.doc_id for h in want.hits], want.facets, want.query.scope)
    assert any(r.total for r in fast)


def test_one_value_selection_mask_equals_the_columns_own(index_settings):
    import numpy as np

    from indexer.index.stores import facetdata, snapshots
    from indexer.search.facets import selection_mask

    data = facetdata.load(snapshots.current(index_settings))
    for name, column in data.columns.items():
        for values in [[v] for v in column.values] + [["no such value"], list(column.values[:2])]:
            assert np.array_equal(selection_mask(column, values, data.n_docs),
                                  column.mask(values, data.n_docs)), (name, values)
