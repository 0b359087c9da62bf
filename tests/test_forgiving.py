"""Forgiving input (issue 27, point 5): unknown words corrected from the letters' surface words or
completed as a prefix when a search finds nothing, and doses matching with or without units and
spaces — on the session index (the five real seeds and the synthetic letters), a few made-up
letters, and the real corpus when it is there."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from indexer.index.stores import letterstore, snapshots, surfacewords
from indexer.record import empty_record, overall_outcome
from indexer.results import SearchRequest
from indexer.search.query.spelling import Lexicon, distance
from indexer.search.searcher import Searcher
from indexer.settings import Settings


def _search(searcher: Searcher, q: str, **kw):
    return searcher.search(SearchRequest(q=q, per_page=100, **kw))


@pytest.fixture(scope="module")
def session(built_index) -> Searcher:
    return Searcher(built_index)


def _stored_counts(snapshot) -> Counter:
    """Surface-word counts made afresh from every document of a snapshot's letters, each word counted
    by a plain set per document (no per-letter shortcut)."""
    from indexer.index.values.documents import item_documents

    counts: Counter = Counter()
    for record in letterstore.read_all(snapshot):
        for doc in item_documents(record):
            counts.update(surfacewords.words_of(doc))
    return counts


# -- surface words ---------------------------------------------------------------------------

def test_the_snapshot_keeps_the_surface_words_of_every_searched_field(built_index):
    snapshot = snapshots.current(built_index)
    counts = surfacewords.read(snapshot)
    assert counts == _stored_counts(snapshot)
    assert counts["cyclobenzaprine"] > 0 and counts["therapy"] > 0
    # a word of the summaries and guidelines too, each counted by its documents
    records = letterstore.read_all(snapshot)
    summary_only = {w for r in records for w in surfacewords.text_words(r.get("summary") or "")} - \
        {w for r in records for it in r.get("items") or [] for w in surfacewords.text_words(
            " ".join(it.get(k) or "" for k in ("item", "rationale", "claims_administrator_guideline",
                                                  "maximus_guideline")))}
    assert summary_only and all(counts[w] > 0 for w in summary_only)
    assert all(3 <= len(w) <= 40 and w.isalpha() and w == w.lower() for w in counts)
    assert "therapi" not in counts          # words as typed, never stems


def test_parts_and_additions_count_the_same_words_as_the_documents(tmp_path, expected_records):
    from indexer.index.build import write_snapshot
    from indexer.index.extend import extend_snapshot

    settings = Settings(index_dir=tmp_path / "index")
    records = expected_records()
    building = snapshots.new_snapshot_dir(settings)
    write_snapshot(building, records[:60], jobs=2, chunks=3)     # three parts, summed on assembly
    base = snapshots.finish(building)
    assert surfacewords.read(base) == _stored_counts(base)
    removed = {records[0]["id"], records[1]["id"]}
    final = [r for r in letterstore.read_all(base) if r["id"] not in removed] + records[60:70]
    building = snapshots.new_snapshot_dir(settings)
    extend_snapshot(building, base, final, removed, records[60:70])
    assert surfacewords.read(building) == _stored_counts(building)


def test_a_snapshot_without_surface_words_falls_back_to_the_stems_offer(tmp_path, publish, expected_records):
    settings = Settings(index_dir=tmp_path / "index")
    publish(settings, expected_records()[:40])
    surfacewords.path_of(snapshots.current(settings)).unlink()
    result = _search(Searcher(settings), "cyclobenzaprin")
    assert result.total == 0 and result.query.corrected is None


# -- spelling rules --------------------------------------------------------------------------

def test_distance_counts_a_swap_as_one_edit_and_stops_past_the_limit():
    assert distance("tramdaol", "tramadol") == 1
    assert distance("acupunture", "acupuncture") == 1
    assert distance("flexiril", "flexible", 2) == 3


def test_confidence_is_a_unique_best_then_a_clear_lead():
    lexicon = Lexicon({"lumbar": 40, "lumber": 30, "cervical": 9, "cervix": 1, "knee": 5})
    assert lexicon.choose("lumbur", lambda w: True).confident is False      # two at one edit, close counts
    assert lexicon.choose("lumbur", lambda w: True).word == "lumbar"
    assert lexicon.choose("cervicle", lambda w: True).confident is True     # the only one within two
    assert lexicon.choose("knea", lambda w: True).word == "knee"
    assert lexicon.choose("xnee", lambda w: True) is None                   # the first letter is kept
    assert Lexicon({"lumbar": 90, "lumber": 3}).choose("lumbur", lambda w: True).confident is True


# -- correction on the session index ---------------------------------------------------------

def test_a_misspelt_drug_is_searched_corrected_and_says_so(session):
    typed = _search(session, "cyclobenzaprin")
    right = _search(session, "cyclobenzaprine")
    assert right.total and typed.total == right.total
    assert typed.query.corrected == "cyclobenzaprine" and typed.query.corrected_from == "cyclobenzaprin"
    assert typed.query.completed is None and typed.query.did_you_mean is None
    assert "<mark>" in typed.hits[0].item_html
    as_typed = _search(session, "cyclobenzaprin", spell=False)
    assert as_typed.total == 0 and as_typed.query.corrected is None
    assert as_typed.query.did_you_mean == "cyclobenzaprine"


def test_a_correction_keeps_the_words_understood_as_filters(session):
    result = _search(session, "cyclobenzaprin overturned")
    assert result.total and result.query.corrected == "cyclobenzaprine overturned"
    assert [c.value for c in result.query.chips] == ["Overturned"]
    assert all(h.decision == "Overturned" for h in result.hits)


def test_the_last_word_is_completed_as_a_prefix(session):
    result = _search(session, "physical thera")
    assert result.total and result.query.corrected == "physical thera*" and result.query.completed == "thera"
    assert result.total == _search(session, "physical thera*").total
    assert any("<mark>therapy</mark>" in h.item_html.lower() for h in result.hits)


def test_offers_and_corrections_are_words_of_the_letters_never_stems(session):
    counts = surfacewords.read(snapshots.current(session.settings))
    # or words of the vocabulary's names, for a word no word of the letters is near (`flexiril`)
    counts = {**counts, **session.current().vocabulary.words()}
    for q in ("acupunture", "cyclobenzaprin", "physical therapie", "gabapentn", "omeprazol",
              "Theramine", "flexiril", "baclofan", "lumbar fusoin"):
        for spell in (True, False):
            info = _search(session, q, spell=spell).query
            for text in (info.did_you_mean, info.corrected):
                changed = set((text or "").lower().split()) - set(q.lower().split())
                assert all(w.rstrip("*") in counts for w in changed), (q, text)


def test_queries_with_hits_are_left_alone(session):
    for q in ("cyclobenzaprine", "physical therapy", "Norco", "acupuncture upheld", "knee", "MRI lumbar"):
        info = _search(session, q).query
        assert (info.corrected, info.corrected_from, info.completed, info.did_you_mean) == (None,) * 4, q


def test_a_quoted_word_is_searched_as_typed(session):
    result = _search(session, '"cyclobenzaprin" OR cyclobenzaprin')
    assert result.query.corrected == '"cyclobenzaprin" OR cyclobenzaprine' and result.total
    assert _search(session, '"cyclobenzaprin"').total == 0


def test_nothing_is_corrected_when_no_word_is_close(session):
    result = _search(session, "zzyzx qwertyuiop")
    assert result.total == 0 and result.query.corrected is None and result.query.did_you_mean is None


def test_a_query_of_many_unknown_words_is_left_as_typed(session):
    result = _search(session, "acupunture gabapentn tramdaol baclofan cyclobenzaprin")
    assert result.total == 0 and result.query.corrected is None and result.query.did_you_mean is None
    assert _search(session, "acupunture gabapentn").query.corrected == "acupuncture gabapentin"


# -- the page, the API and `imr search` ------------------------------------------------------

def test_api_reports_the_correction_and_spell_0_searches_as_typed(client):
    body = client.get("/api/search?q=cyclobenzaprin").get_json()
    assert body["total"] > 0
    query = body["query"]
    assert (query["corrected"], query["corrected_from"], query["completed"]) == \
        ("cyclobenzaprine", "cyclobenzaprin", None)
    body = client.get("/api/search?q=cyclobenzaprin&spell=0").get_json()
    assert body["total"] == 0 and body["query"]["corrected"] is None
    assert body["query"]["did_you_mean"] == "cyclobenzaprine"
    assert body["request"]["spell"] is False
    assert client.get("/api/search?q=x&spell=maybe").status_code == 400


def test_page_shows_the_correction_with_a_way_back(client):
    page = BeautifulSoup(client.get("/?q=cyclobenzaprin").get_data(as_text=True), "html.parser")
    note = page.select_one("p.corrected")
    assert "Showing results for cyclobenzaprine" in note.get_text(" ", strip=True)
    back = note.select_one("a")
    assert back.get_text() == "cyclobenzaprin" and "spell=0" in back["href"] and "q=cyclobenzaprin" in back["href"]
    letter = page.select_one("a[href^='/letters/']")["href"]
    assert "q=cyclobenzaprine&" in letter and "<mark>" in client.get(letter).get_data(as_text=True)
    page = BeautifulSoup(client.get(back["href"]).get_data(as_text=True), "html.parser")
    assert page.select_one("p.corrected") is None
    assert page.select_one("p.did-you-mean a").get_text() == "cyclobenzaprine"
    page = BeautifulSoup(client.get("/?q=physical+thera").get_data(as_text=True), "html.parser")
    assert "words starting with ‘thera’" in page.select_one("p.corrected").get_text(" ", strip=True)


def test_imr_search_says_what_it_searched(runner, built_index):
    out = runner("search", "cyclobenzaprin", "--index", built_index.index_dir)
    assert out.exit_code == 0
    assert "showing results for cyclobenzaprine" in out.stdout and "double quotes" in out.stdout
    out = runner("search", '"cyclobenzaprin"', "--index", built_index.index_dir)
    assert out.stdout.startswith("0 items found") and "showing results" not in out.stdout
    body = json.loads(runner("search", "cyclobenzaprin", "--json", "--index", built_index.index_dir).stdout)
    assert body["query"]["corrected"] == "cyclobenzaprine"


# -- doses -----------------------------------------------------------------------------------

def test_dose_forms_find_each_other_in_the_session_index(session):
    forms = ("Norco 5/325", "Norco 5/325mg", "Norco 5/325 mg", "Norco 5 / 325 mg")
    totals = {q: _search(session, q).total for q in forms}
    assert len(set(totals.values())) == 1 and totals[forms[0]] > 0, totals
    result = _search(session, "Norco 5/325")
    assert all("5/325mg" in h.item for h in result.hits)
    assert all("<mark>5/325mg</mark>" in h.item_html for h in result.hits)
    assert _search(session, "baclofen 10mg").total == _search(session, "baclofen 10 mg").total > 0


LETTERS = [
    ("CM18-0000001", [("Baclofen 10 mg #60", "Upheld"), ("Percocet 5/325 mg #30", "Upheld")]),
    ("CM18-0000002", [("Baclofen 10mg #90", "Overturned"), ("Post-op Percocet 5/325mg", "Overturned")]),
    ("CM18-0000003", [("Baclofen 20mg #90", "Upheld"), ("Percocet 10/325mg #60", "Upheld")]),
    # 'mssage' is one edit from both, each in two items: no confident correction
    ("CM18-0000004", [("Massage therapy 6 sessions", "Upheld"), ("Telephone message to the provider", "Upheld")]),
    ("CM18-0000005", [("Massage 4 visits", "Overturned"), ("Secure message service", "Upheld")]),
]


@pytest.fixture(scope="module")
def doses(tmp_path_factory, publish) -> Searcher:
    records = []
    for case, items in LETTERS:
        rec = empty_record()
        rec.update(id=case, case_number=case, decision_date="2018-01-02", specialties=["Pain Management"],
                   license_states=["California"], content_hash=case.lower() * 4, summary="Back pain.",
                   source=f"{case}.txt", format="txt")
        rec["items"] = [{"item": i, "decision": d, "eligible_portion": None,
                         "rationale": "The denial is upheld." if d == "Upheld" else "Opioids.",
                         "claims_administrator_guideline": None, "maximus_guideline": None} for i, d in items]
        rec["outcome"] = overall_outcome(rec["items"])
        records.append(rec)
    settings = Settings(index_dir=tmp_path_factory.mktemp("doses"))
    publish(settings, records)
    return Searcher(settings)


@pytest.mark.parametrize("q, want", [
    ("baclofen 10mg", {"Baclofen 10 mg #60", "Baclofen 10mg #90"}),
    ("baclofen 10 mg", {"Baclofen 10 mg #60", "Baclofen 10mg #90"}),
    ("baclofen 10", {"Baclofen 10 mg #60", "Baclofen 10mg #90"}),
    ("Percocet 5/325", {"Percocet 5/325 mg #30", "Post-op Percocet 5/325mg"}),
    ("Percocet 5/325mg", {"Percocet 5/325 mg #30", "Post-op Percocet 5/325mg"}),
    ("Percocet 5 / 325 mg", {"Percocet 5/325 mg #30", "Post-op Percocet 5/325mg"}),
    ("Percocet 10/325", {"Percocet 10/325mg #60"}),
    ("Percocet 10/325 mg", {"Percocet 10/325mg #60"}),
    ('"Percocet 5/325mg"', {"Post-op Percocet 5/325mg"}),     # a phrase stays as typed
])
def test_doses_match_with_or_without_units_and_spaces(doses, q, want):
    result = _search(doses, q, scope="item")
    assert {h.item for h in result.hits} == want
    assert all("<mark>" in hit.item_html for hit in result.hits)


def test_an_unsure_correction_is_only_offered_spelt_as_a_word(doses):
    result = _search(doses, "mssage")
    assert result.total == 0 and result.query.corrected is None
    assert result.query.did_you_mean == "massage"       # tied at one edit and in as many items: offered
    result = _search(doses, "massage")
    assert result.total == 2 and result.query.did_you_mean is None


def test_a_corrected_word_is_understood_as_if_typed(doses):
    result = _search(doses, "baclofen uphled", scope="item")
    assert result.query.corrected == "baclofen upheld" and [c.value for c in result.query.chips] == ["Upheld"]
    assert {h.item for h in result.hits} == {"Baclofen 10 mg #60", "Baclofen 20mg #90"}


def test_a_dose_marks_its_whole_span(doses):
    html = {h.item: h.item_html for h in _search(doses, "Percocet 5/325", scope="item").hits}
    assert html["Post-op Percocet 5/325mg"].endswith("<mark>Percocet</mark> <mark>5/325mg</mark>")
    html = {h.item: h.item_html for h in _search(doses, "baclofen 10mg", scope="item").hits}
    assert html["Baclofen 10 mg #60"] == "<mark>Baclofen</mark> <mark>10 mg</mark> #60"
    assert html["Baclofen 10mg #90"] == "<mark>Baclofen</mark> <mark>10mg</mark> #90"


# -- the real corpus -------------------------------------------------------------------------

def test_real_corpus_corrections_are_words_and_judged_queries_are_untouched(real_index):
    from pathlib import Path

    searcher = Searcher(real_index)
    result = _search(searcher, "cyclobenzaprin")
    assert result.total and result.query.corrected == "cyclobenzaprine"
    result = _search(searcher, "physical thera")
    assert result.total and result.query.completed == "thera"
    info = _search(searcher, "Theramine").query
    assert info.did_you_mean in (None, "theramine") or "therapie" not in info.did_you_mean
    assert _search(searcher, "Norco 5/325").total == _search(searcher, "Norco 5/325mg").total > 0
    judged = json.loads((Path(__file__).parent / "fixtures" / "relevance" / "judged.json").read_text())
    for query in judged["queries"]:
        as_typed = _search(searcher, query["q"], spell=False)
        if as_typed.total:      # a query with hits is answered as it was
            result = _search(searcher, query["q"])
            assert result.query.corrected is None and result.total == as_typed.total, query["q"]
