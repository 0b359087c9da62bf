"""The JSON API and the downloads over a real index."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")


def test_search_returns_the_result_dict(client):
    response = client.get("/api/search?q=personal+trainer+upheld")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert {"total", "page", "per_page", "pages", "hits", "facets", "query", "request", "snapshot"} <= set(data)
    assert data["total"] >= len(data["hits"]) > 0
    assert any(chip["facet"] == "decision" and chip["value"] == "Upheld" for chip in data["query"]["chips"])
    assert all(hit["decision"] == "Upheld" for hit in data["hits"])
    assert all("<mark>" in hit["item_html"] or hit["snippets"] for hit in data["hits"])


def test_filters_and_sort_are_the_pages_parameters(client):
    data = client.get("/api/search?f.decision=Overturned&sort=newest&per_page=50").get_json()
    assert data["request"]["filters"] == {"decision": ["Overturned"]}
    assert {hit["decision"] for hit in data["hits"]} <= {"Overturned"}
    dates = [hit["decision_date"] for hit in data["hits"] if hit["decision_date"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query, parameter", [("page=banana", "page"), ("sort=sideways", "sort")])
def test_bad_parameters_are_400_naming_them(client, query, parameter):
    response = client.get(f"/api/search?q=trainer&{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and body["error"]


def test_letter_record_and_unknown_letter(client):
    hit = client.get("/api/search?q=trainer").get_json()["hits"][0]
    record = client.get(f"/api/letters/{hit['letter_id']}").get_json()
    assert record["id"] == hit["letter_id"]
    assert record["items"][hit["item_no"] - 1]["item"] == hit["item"]
    missing = client.get("/api/letters/CM00-0000000")
    assert missing.status_code == 404 and "error" in missing.get_json()


def test_similar_items(client):
    hit = client.get("/api/search?q=trainer").get_json()["hits"][0]
    response = client.get(f"/api/similar/{quote(hit['doc_id'], safe='')}?limit=5&same_category=0")
    assert response.status_code == 200
    similar = response.get_json()["similar"]
    assert len(similar) <= 5
    assert all(s["doc_id"] != hit["doc_id"] for s in similar)
    bad = client.get(f"/api/similar/{quote(hit['doc_id'], safe='')}?limit=0")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "limit"


def test_csv_export_streams_every_hit(client):
    total = client.get("/api/search?q=trainer").get_json()["total"]
    response = client.get("/export.csv?q=trainer")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == total + 1


def test_json_export_streams_every_hit(client):
    total = client.get("/api/search?f.decision=Upheld").get_json()["total"]
    response = client.get("/export.json?f.decision=Upheld")
    assert response.status_code == 200
    rows = json.loads(response.get_data(as_text=True))
    assert len(rows) == total
    assert all(row["decision"] == "Upheld" for row in rows)


def test_facet_csv_and_unknown_facet(client):
    response = client.get("/facets/specialty.csv?q=trainer")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) >= 2
    assert client.get("/facets/nonsense.csv").status_code == 404


def test_atom_feed_parses(client):
    response = client.get("/feed.atom?q=trainer")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findall("a:entry", ns)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and "error" in response.get_json()


def test_plain_equals_asdict_for_hits_and_results(built_index, hostile_text):
    from dataclasses import asdict

    from indexer.results import Hit, SearchRequest, Snippet, plain
    from indexer.search.searcher import Searcher

    searcher = Searcher(built_index)
    for q in ("knee", '"physical therapy"', ""):
        result = searcher.search(SearchRequest(q=q))
        assert result.hits
        for hit in result.hits:
            copied = plain(hit)
            assert copied == asdict(hit)
            assert copied["snippets"] is not hit.snippets and copied["other_items"] is not hit.other_items
        assert result.to_dict()["hits"] == [asdict(h) for h in result.hits]
    odd = Hit(doc_id="a#1", letter_id="a", item_no=1, case_number=None, item=hostile_text, item_html="",
              decision=None, decision_date=None, specialties=[hostile_text], states=[], categories=[],
              synthetic=False, other_items=[{"item_no": 2, "nested": [1, (2, 3)]}],
              snippets=[Snippet("rationale", "<mark>x</mark>", "x")], score=None)
    assert plain(odd) == asdict(odd) and plain([odd, (odd,)]) == [asdict(odd), (asdict(odd),)]


def test_every_hit_carries_every_facet_s_values(client):
    """A facet declared in indexer.fields reaches each hit without a field of its own on Hit."""
    from indexer.fields import FACET_LIST

    hits = client.get("/api/search?q=therapy").get_json()["hits"]
    assert hits
    for hit in hits:
        assert set(hit["facets"]) == {f.name for f in FACET_LIST}
        assert hit["facets"]["specialty"] == hit["specialties"] and hit["facets"]["decision"] == hit["decision"]
        assert all(isinstance(hit["facets"][f.name], list) for f in FACET_LIST if f.multi)
