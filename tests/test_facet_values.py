"""Clean facet values: one spelling per specialty and state, the letter outcome
as a facet, and date bounds that leave undated letters out."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from indexer.index.values import reviewer
from indexer.index.values.documents import item_documents
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.settings import Settings
from indexer.synth import vocab

EXPECTED_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "expected"


@pytest.mark.parametrize("printed, canonical", [
    ("Sports Medicinea", "Sports Medicine"),                 # extraction artefact, 8 real items
    ("Physical Medicine and Rehabilitation", "Physical Medicine & Rehabilitation"),
    ("Physical Medicine & Rehabilitation", "Physical Medicine & Rehabilitation"),
    ("physical  medicine &rehabilitation", "Physical Medicine & Rehabilitation"),
    ("Family Medicine", "Family Practice"),
    ("ORTHOPAEDIC SURGERY", "Orthopedic Surgery"),
    (" Pain Management a", "Pain Management"),
    ("Hospice and Palliative Medicine", "Hospice & Palliative Medicine"),
    ("Public Health and General Preventive Medicine", "Public Health & General Preventive Medicine"),
    # Unknown values stay as printed, whitespace tidied; a known name is never trimmed.
    ("Aerospace  Medicine", "Aerospace Medicine"),
    ("Surgery", "Surgery"),
    ("Neurology", "Neurology"),
])
def test_specialty_spellings(printed, canonical):
    assert reviewer.specialty(printed) == canonical


@pytest.mark.parametrize("printed, canonical", [
    ("California", "California"), ("new  york", "New York"), ("TX", "Texas"),
    ("Californiaa", "California"), ("Washington D.C.", "District of Columbia"),
    ("West Virginia", "West Virginia"), ("Virginia", "Virginia"),
])
def test_state_spellings(printed, canonical):
    assert reviewer.state(printed) == canonical


def test_empty_values_are_dropped_and_duplicates_merged():
    assert reviewer.specialty("  ") is None and reviewer.state(None) is None
    assert reviewer.specialties(["Sports Medicine", "Sports Medicinea", "", "Family Medicine"]) == \
        ["Sports Medicine", "Family Practice"]


def _labelled(folder: Path) -> list[dict]:
    return [json.loads(f.read_text()) for f in sorted(folder.glob("*.json"))]


@pytest.fixture(params=["fixtures", pytest.param("shared", marks=pytest.mark.real_corpus)])
def labelled(request) -> list[dict]:
    """Hand-labelled letters: the project's five, then the shared corpus (skips without it)."""
    if request.param == "fixtures":
        return _labelled(EXPECTED_FIXTURES)
    return _labelled(request.getfixturevalue("shared_letters") / "expected")


def test_every_labelled_and_synthetic_value_is_a_known_canonical_one(labelled):
    # A value with no canonical spelling would be a facet value of its own: the table must know it.
    specialties = {s for d in labelled for s in d.get("specialties") or []} | set(vocab.SPECIALTIES)
    states = {s for d in labelled for s in d.get("license_states") or []} | set(vocab.STATE_WEIGHTS)
    assert specialties and states
    assert {reviewer.specialty(s) for s in specialties} <= set(reviewer.SPECIALTIES)
    assert {reviewer.state(s) for s in states} <= set(reviewer.STATES)
    # The synthetic generator already writes canonical names.
    assert all(reviewer.specialty(s) == s for s in vocab.SPECIALTIES)
    assert all(reviewer.state(s) == s for s in vocab.STATE_WEIGHTS)


def test_real_variants_of_one_specialty_become_one_facet_value(shared_letters):
    printed = {s for d in _labelled(shared_letters / "expected") for s in d.get("specialties") or []}
    # Both spellings are printed in the real letters; the facet has one.
    assert {"Physical Medicine & Rehabilitation", "Physical Medicine and Rehabilitation"} <= printed
    assert reviewer.specialty("Physical Medicine and Rehabilitation") == \
        reviewer.specialty("Physical Medicine & Rehabilitation")
    assert len({reviewer.specialty(s) for s in printed}) < len(printed)


# --- an index of letters with printed variants, outcomes and undated letters ---

def _letter(n: int, decisions: list[str], decided: str | None, specialties: list[str]) -> dict:
    from indexer.record import empty_record, overall_outcome

    rec = empty_record()
    case = f"CM17-{n:07d}"
    rec.update(id=case, case_number=case, decision_date=decided, content_hash=f"{n:064d}",
               specialties=specialties, license_states=["California"],
               summary=f"Summary of letter {n}. The patient has chronic pain.")
    rec["items"] = [{"item": f"Physical therapy item {k}", "decision": d, "eligible_portion": None,
                     "claims_administrator_guideline": None, "maximus_guideline": None,
                     "rationale": "Physical therapy is recommended."} for k, d in enumerate(decisions, 1)]
    rec["outcome"] = overall_outcome(rec["items"])
    return rec


LETTERS = [
    _letter(1, ["Upheld"], "2016-11-20", ["Sports Medicinea"]),
    _letter(2, ["Overturned"], "2016-12-15", ["Sports Medicine", "Family Medicine"]),
    _letter(3, ["Upheld", "Overturned"], "2017-01-10", ["Physical Medicine and Rehabilitation"]),
    _letter(4, ["Overturned", "Upheld", "Upheld"], None, ["Physical Medicine & Rehabilitation"]),
    _letter(5, ["Upheld"], None, ["Family Practice"]),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory, publish) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("values_index"))
    publish(settings, [json.loads(json.dumps(r)) for r in LETTERS])
    return settings


@pytest.fixture(scope="module")
def searcher(settings) -> Searcher:
    return Searcher(settings)


@pytest.fixture(scope="module")
def client(settings):
    from webapp import create_app

    return create_app(settings).test_client()


def _facet(result, name: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


def test_specialty_facet_counts_one_spelling(searcher):
    result = searcher.search(SearchRequest(per_page=100))
    assert _facet(result, "specialty") == {"Sports Medicine": 2, "Family Practice": 2,
                                           "Physical Medicine & Rehabilitation": 5}
    sports = searcher.search(SearchRequest(filters={"specialty": ["Sports Medicine"]}, per_page=100))
    assert sorted(h.case_number for h in sports.hits) == ["CM17-0000001", "CM17-0000002"]


def test_letter_page_keeps_the_printed_specialty(client):
    page = client.get("/letters/CM17-0000001").get_data(as_text=True)
    assert "Sports Medicinea" in page
    assert client.get("/api/letters/CM17-0000003").get_json()["specialties"] == \
        ["Physical Medicine and Rehabilitation"]
    # A hit (and so the exports) carries the facet's spelling.
    hits = client.get("/api/search?f.specialty=Sports+Medicine").get_json()["hits"]
    assert {h["case_number"]: h["specialties"] for h in hits}["CM17-0000001"] == ["Sports Medicine"]


def test_documents_carry_the_outcome_and_canonical_values():
    doc = item_documents(json.loads(json.dumps(LETTERS[2])))[0]
    assert doc["outcome"] == "Partially overturned"
    assert doc["specialty"] == "Physical Medicine & Rehabilitation"


def test_outcome_is_a_facet_counted_per_item(searcher):
    result = searcher.search(SearchRequest(per_page=100))
    assert _facet(result, "outcome") == {"Upheld": 2, "Overturned": 1, "Partially overturned": 5}
    partial = searcher.search(SearchRequest(filters={"outcome": ["Partially overturned"]}, per_page=100))
    assert partial.total == 5 and {h.case_number for h in partial.hits} == {"CM17-0000003", "CM17-0000004"}
    # The item decisions inside partially overturned letters: both kinds.
    assert {v.value: v.count for v in partial.facets["decision"]} == {"Upheld": 3, "Overturned": 2}


def test_outcome_field_query_is_the_filter(searcher):
    typed = searcher.search(SearchRequest(q='outcome:"partially overturned"', per_page=100))
    assert [(c.facet, c.value) for c in typed.query.chips] == [("outcome", "Partially overturned")]
    assert typed.total == 5


def test_outcome_filter_in_api_page_and_exports(client):
    param = "f.outcome=" + quote("Partially overturned")
    api = client.get(f"/api/search?{param}&per_page=50")
    assert api.status_code == 200, api.get_data(as_text=True)
    data = api.get_json()
    assert data["total"] == 5 and data["request"]["filters"] == {"outcome": ["Partially overturned"]}
    assert {f["value"] for f in data["facets"]["outcome"] if f["selected"]} == {"Partially overturned"}

    page = client.get(f"/?{param}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    facet = soup.select_one("#facet-outcome")
    assert facet is not None and "Letter outcome" in facet.get_text()
    assert "Partially overturned" in soup.select_one(".chip-filter").get_text()

    rows = list(csv.DictReader(io.StringIO(client.get(f"/export.csv?{param}").get_data(as_text=True))))
    assert len(rows) == 5 and {r["case_number"] for r in rows} == {"CM17-0000003", "CM17-0000004"}
    exported = json.loads(client.get(f"/export.json?{param}").get_data(as_text=True))
    assert len(exported) == 5
    table = client.get("/facets/outcome.csv").get_data(as_text=True)
    assert "Partially overturned" in table


@pytest.mark.parametrize("request_kwargs, cases", [
    ({"decided_to": "2016-12-31"}, {"CM17-0000001", "CM17-0000002"}),
    ({"decided_from": "2016-12-01"}, {"CM17-0000002", "CM17-0000003"}),
    ({"q": "decided:..2016-12"}, {"CM17-0000001", "CM17-0000002"}),
    ({"q": "decided:2017-01.."}, {"CM17-0000003"}),
    ({"q": "decided:2016-01..2017-12"}, {"CM17-0000001", "CM17-0000002", "CM17-0000003"}),
])
def test_any_date_bound_excludes_undated_letters(searcher, request_kwargs, cases):
    result = searcher.search(SearchRequest(per_page=100, **request_kwargs))
    assert {h.case_number for h in result.hits} == cases


def test_no_date_bound_keeps_undated_letters(searcher):
    result = searcher.search(SearchRequest(per_page=100))
    assert {"CM17-0000004", "CM17-0000005"} <= {h.case_number for h in result.hits}


def test_stats_count_specialties_by_their_facet_spelling(tmp_path, seeds):
    """`imr stats` counts the facet's one spelling, not each printed variant (the seeds print PM&R two ways)."""
    from indexer.index.stats import index_stats
    from indexer.pipeline import conductor

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([seeds], settings)
    by_specialty = index_stats(settings)["by_specialty"]
    assert "Physical Medicine and Rehabilitation" not in by_specialty
    assert by_specialty["Physical Medicine & Rehabilitation"] == 4
    assert all(reviewer.specialty(name) == name for name in by_specialty)
