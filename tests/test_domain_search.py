"""Search as users of this field type it: compounds, synonyms, understanding that never
hides results, scopes, suggestions and phrase highlighting — on a small index of made-up letters."""
from __future__ import annotations

import pytest

from indexer.record import empty_record, overall_outcome
from indexer.results import SearchRequest
from indexer.search.query.request import parse_request
from indexer.search.searcher import Searcher
from indexer.settings import Settings

LETTERS = [
    # (case, specialty, decision date, summary, [(item, decision, rationale)])
    ("CM16-0000001", "Surgery", "2016-03-01", "The injured worker has knee pain after a fall.",
     [("Right knee arthroscopy with partial meniscectomy", "Upheld", "Surgery is not indicated."),
      ("Post-op physical therapy 12 sessions", "Upheld", "The surgery is not certified.")]),
    ("CM16-0000002", "Pain Management", "2016-05-02", "Chronic low back pain; acupuncture helped before.",
     [("Norco 10/325mg #60", "Overturned", "Opioids may continue with functional improvement."),
      ("Ultram 50mg #30", "Upheld", "No functional restoration program was tried.")]),
    ("CM17-0000003", "Orthopedic Surgery", "2017-01-10", "Neck and arm pain with numbness.",
     [("EMG/NCV of the bilateral upper extremities", "Overturned", "Electrodiagnostic testing is supported."),
      ("X-ray of the cervical spine", "Upheld", "Radiographs were already taken.")]),
    ("CM17-0000004", "Chiropractor", "2017-02-11", "Low back pain radiating to the leg.",
     [("Lumbar L5-S1 fusion", "Upheld", "A functional restoration program is recommended first."),
      ("Acupuncture 6 sessions", "Overturned", "Acupuncture is recommended as an option.")]),
    ("CM17-0000005", "Chiropractor", "2017-03-12", "Shoulder pain.",
     [("Chiropractic manipulation 8 visits", "Upheld",
       "The function of restoration is not shown. The earlier denial is not overturned."),
      ("Prilosec 20mg #60", "Upheld", "There is no GI risk.")]),
]


def _record(case, specialty, decided, summary, items):
    rec = empty_record()
    rec.update(id=case, case_number=case, decision_date=decided, specialties=[specialty],
               license_states=["California"], content_hash=case.lower() * 4, summary=summary,
               source=f"{case}.txt", format="txt")
    rec["items"] = [{"item": i, "decision": d, "eligible_portion": None, "rationale": r,
                     "claims_administrator_guideline": None,
                     "maximus_guideline": "MTUS Chronic Pain Medical Treatment Guidelines, functional restoration"}
                    for i, d, r in items]
    rec["outcome"] = overall_outcome(rec["items"])
    return rec


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, publish):
    settings = Settings(index_dir=tmp_path_factory.mktemp("domain"))
    publish(settings, [_record(*letter) for letter in LETTERS])
    return Searcher(settings)


def items(searcher, q, **params):
    result = searcher.search(parse_request({"q": q, "per_page": "100", **params}))
    return [h.item for h in result.hits], result


@pytest.mark.parametrize("q, want", [
    ("x-ray", ["X-ray of the cervical spine"]),
    ("xray", ["X-ray of the cervical spine"]),
    ('"x-ray"', ["X-ray of the cervical spine"]),
    ("L5-S1", ["Lumbar L5-S1 fusion"]),
    ("L5S1", ["Lumbar L5-S1 fusion"]),
    ('"L5 S1 fusion"', ["Lumbar L5-S1 fusion"]),
    ("EMG", ["EMG/NCV of the bilateral upper extremities"]),
    ("NCV", ["EMG/NCV of the bilateral upper extremities"]),
    ("post-op", ["Post-op physical therapy 12 sessions"]),
    ("item:x-ray", ["X-ray of the cervical spine"]),
    ("L5S1 fusion", ["Lumbar L5-S1 fusion"]),
    ('"L5-S1 fusion"', ["Lumbar L5-S1 fusion"]),
])
def test_hyphenated_and_slashed_words_are_found_whole_and_by_parts(searcher, q, want):
    found, result = items(searcher, q)
    assert found == want, result.query


def test_a_hyphen_inside_a_word_is_never_not(searcher):
    found, _ = items(searcher, "L5-S1 fusion")
    assert found == ["Lumbar L5-S1 fusion"]
    found, _ = items(searcher, "pain -x-ray", scope="letter")
    assert "X-ray of the cervical spine" not in found and found


@pytest.mark.parametrize("q, want", [
    ("hydrocodone", ["Norco 10/325mg #60"]),
    ("tramadol", ["Ultram 50mg #30"]),
    ("omeprazole", ["Prilosec 20mg #60"]),
    ("radiograph", ["X-ray of the cervical spine"]),
    ("knee surgery", ["Right knee arthroscopy with partial meniscectomy"]),
])
def test_synonyms_find_brands_generics_and_named_procedures(searcher, q, want):
    found, result = items(searcher, q)
    assert found == want
    assert result.query.expansions and result.query.expansions[0].also


def test_synonyms_can_be_turned_off(searcher):
    found, result = items(searcher, "hydrocodone", synonyms="0")
    assert found == [] and result.query.expansions == []


def test_specialty_words_stay_text_and_the_filter_is_offered(searcher):
    found, result = items(searcher, "knee surgery")
    assert found and result.query.chips == []
    # the arthroscopy, and the post-op therapy that goes with it (a post-operative service takes the
    # region of its letter's surgery; its rationale says "surgery")
    assert [(s.facet, s.value, s.count) for s in result.query.suggestions] == [("specialty", "Surgery", 2)]
    found, result = items(searcher, "chiropractor")
    assert found == ["Chiropractic manipulation 8 visits"] and not result.query.chips


def test_understood_filters_that_leave_nothing_give_the_literal_reading(searcher):
    # No chiropractic request was overturned; a rationale of one says 'overturned'.
    found, result = items(searcher, "overturned chiropractic")
    assert found == ["Chiropractic manipulation 8 visits"] and result.query.chips == []
    assert "'overturned' as a filter" in result.query.messages[0]
    found, result = items(searcher, "upheld norco", literal="1")
    assert found == []           # literal: the word 'upheld' is in no text
    found, result = items(searcher, "upheld ultram")
    assert found == ["Ultram 50mg #30"] and result.query.chips[0].value == "Upheld"


def test_counts_are_scoped_to_requests_and_widen_only_when_empty(searcher):
    found, result = items(searcher, "acupuncture")
    assert found == ["Acupuncture 6 sessions"] and result.query.scope == "item"
    found, result = items(searcher, "acupuncture", scope="letter")
    assert len(found) == 3 and found[0] == "Acupuncture 6 sessions"   # the request ranks first
    found, result = items(searcher, "supported")
    assert found == ["EMG/NCV of the bilateral upper extremities"] and result.query.scope == "decision"
    assert "No request names" in result.query.messages[0]
    found, result = items(searcher, "numbness")
    assert result.query.scope == "letter" and len(found) == 2


def test_filters_never_widen_the_scope(searcher):
    found, result = items(searcher, "acupuncture", **{"f.decision": "Upheld"})
    assert found == [] and result.query.scope == "item"


def test_request_matches_rank_above_rationale_and_summary_matches(searcher):
    found, _ = items(searcher, "functional restoration", scope="letter")
    assert found and all("functional" not in f.lower() for f in found)   # only rationales/guidelines
    found, _ = items(searcher, "pain", scope="letter")
    assert len(found) == 10


def test_did_you_mean_and_loose_case_numbers(searcher):
    # A confident correction is searched at once (issue 27.5); spell=0 searches as typed and offers it.
    _, result = items(searcher, "acupunture")
    assert result.total and result.query.corrected == "acupuncture"
    result = searcher.search(SearchRequest(q="acupunture", spell=False))
    assert result.total == 0 and result.query.did_you_mean == "acupuncture"
    for typed in ("CM17 0000004", "cm170000004"):
        assert searcher.search(SearchRequest(q=typed)).query.open_case == "CM17-0000004"


def test_a_phrase_marks_only_the_phrase_and_guidelines_give_snippets(searcher):
    _, result = items(searcher, '"functional restoration"', scope="letter")
    html = " ".join(s.html for h in result.hits for s in h.snippets)
    assert "<mark>functional restoration</mark>" in html.lower() or "<mark>Functional restoration</mark>" in html
    assert "<mark>function</mark>" not in html.lower()
    assert any(s.field == "guideline" for h in result.hits for s in h.snippets)


def test_synonyms_and_compounds_are_marked(searcher):
    _, result = items(searcher, "hydrocodone")
    assert result.hits[0].item_html.startswith("<mark>Norco</mark>")
    _, result = items(searcher, "x-ray")
    assert "<mark>X-ray</mark>" in result.hits[0].item_html


def test_no_text_query_returns_the_whole_corpus(searcher):
    everything = searcher.search(SearchRequest()).total
    for q in ("x-ray", "H-wave", "e-stim", "T-spine", "post-op", "L5-S1"):
        assert searcher.search(SearchRequest(q=q)).total < everything, q


@pytest.fixture(scope="module")
def web(searcher):
    from webapp import create_app

    return create_app(searcher.settings).test_client()


def test_page_shows_synonyms_suggestions_scope_and_did_you_mean(web):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(web.get("/?q=knee+surgery").get_data(as_text=True), "html.parser")
    note = page.select_one("p.search-line").get_text(" ", strip=True)     # one line: searched, counted, also searched
    # Two concepts, each widened: the region to its parts, the family to its procedures.
    assert "knee →" in note and "arthroscopy" in note
    assert page.select_one("p.search-line a")["href"].endswith("synonyms=0")
    offered = page.select_one("p.suggestions a")
    assert "Surgery (2)" in offered.get_text(" ", strip=True) and "f.specialty=Surgery" in offered["href"]
    assert page.select_one("#scope option[selected]")["value"] == ""
    page = BeautifulSoup(web.get("/?q=acupunture&spell=0").get_data(as_text=True), "html.parser")
    assert page.select_one("p.did-you-mean a").get_text() == "acupuncture"


def test_api_query_object_says_how_it_was_read(web):
    body = web.get("/api/search?q=knee+surgery&scope=letter").get_json()
    query = body["query"]
    assert query["scope"] == "letter" and [e["word"] for e in query["expansions"]] == ["knee", "surgery"]
    assert query["suggestions"][0]["facet"] == "specialty"
    assert web.get("/api/search?q=x&scope=everything").status_code == 400
    assert web.get("/api/search?q=x&synonyms=maybe").status_code == 400


def test_filter_values_are_read_in_the_facets_spelling(searcher):
    plain = searcher.search(parse_request({"f.specialty": "Pain Management"})).total
    assert plain and searcher.search(parse_request({"f.specialty": "pain  management"})).total == plain
