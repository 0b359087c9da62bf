"""The results page and its downloads without a browser: exports fit for legal work, out-of-range pages, quiet facets,
Back to search carried safely, date range and per-page controls, the cite line, alerts."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from indexer.results import SearchRequest
from indexer.search.show.export import NAME_CHARS, file_name

pytest.importorskip("indexer.search.searcher", reason="the search core is not there yet")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def total_of(client, query: str) -> int:
    return client.get("/api/search?" + query).get_json()["total"]


# ---- 4. exports

def test_csv_has_the_letter_url_guidelines_rationale_and_outcome(client):
    response = client.get("/export.csv?q=therapy&f.decision=Overturned")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"     # one charset
    body = response.get_data(as_text=True)
    assert not body.startswith("\ufeff") and body.count("\r\n") >= 2
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == total_of(client, "q=therapy&f.decision=Overturned") > 0
    for row in rows:
        record = client.get(f"/api/letters/{row['letter_id']}").get_json()
        item = record["items"][int(row["item_no"]) - 1]
        assert row["letter_url"] == f"http://localhost/letters/{row['letter_id']}#item-{row['item_no']}"
        assert row["outcome"] == record["outcome"]
        for key in ("claims_administrator_guideline", "maximus_guideline", "rationale"):
            assert row[key] == (item[key] or "").lstrip("'") or row[key] == "'" + (item[key] or ""), key
    name = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="imr-therapy-overturned-\d{4}-\d{2}-\d{2}\.csv"', name)


def test_excel_csv_starts_with_a_bom_and_keeps_crlf(client):
    for query in ("excel=1", "format=xlsx-csv"):
        response = client.get("/export.csv?q=therapy&" + query)
        raw = response.get_data()
        assert raw.startswith(b"\xef\xbb\xbfcase_number,") and b"\r\n" in raw
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get("/export.csv?q=therapy&excel=maybe").status_code == 400


def test_json_export_has_the_same_fields(client):
    response = client.get("/export.json?q=therapy")
    data = json.loads(response.get_data(as_text=True))
    assert data and {"letter_url", "outcome", "claims_administrator_guideline", "maximus_guideline",
                     "rationale", "case_number", "item", "decision"} <= set(data[0])
    assert data[0]["letter_url"].startswith("http://localhost/letters/")
    assert 'filename="imr-therapy-' in response.headers["Content-Disposition"]


@pytest.mark.parametrize("q, filters, expected", [
    ("knee surgery", {"decision": ["Overturned"]}, "imr-knee-surgery-overturned-2026-12-01.csv"),
    ("", {}, "imr-search-2026-12-01.csv"),
    ('../../etc/passwd "x"; rm -rf / \u202e\r\n', {}, "imr-etc-passwd-x-rm-rf-2026-12-01.csv"),
    ("é" * 50 + " MRI", {}, "imr-mri-2026-12-01.csv"),
])
def test_file_name_is_safe_and_bounded(q, filters, expected):
    assert file_name(SearchRequest(q=q, filters=filters), "2026-12-01", "csv") == expected
    assert file_name(SearchRequest(q="knee"), "2026-12-01", "csv", kind="age_band") == \
        "imr-age-band-knee-2026-12-01.csv"
    assert file_name(SearchRequest(), "2026-12-01", "csv", kind="year") == "imr-year-2026-12-01.csv"
    long = file_name(SearchRequest(q="physical therapy " * 40), "2026-12-01", "csv")
    assert len(long) <= len("imr--2026-12-01.csv") + NAME_CHARS and re.fullmatch(r"[a-z0-9.-]+", long)


# ---- 5. out-of-range pages

@pytest.mark.parametrize("asked", ["19", "999", "10000000"])
def test_a_page_past_the_last_shows_the_last_with_a_note(client, asked):
    pages = client.get("/api/search?q=therapy&per_page=10").get_json()["pages"]
    response = client.get(f"/?q=therapy&per_page=10&page={asked}")
    assert response.status_code == 200
    page = soup(response)
    assert f"page {pages} of {pages}" in page.select_one("h1").get_text()
    assert "Showing the last one" in page.select_one("main .page-note").get_text()
    assert page.select("li.hit")
    assert client.get(f"/api/search?q=therapy&page={asked}").status_code in (200, 400)   # the API: as before


def test_an_error_is_a_message_in_the_main_column(client):
    page = soup(client.get("/?q=knee&page=banana"))
    assert page.select_one("main .notice.error") and page.select_one("main h1")
    assert "single" in page.select_one("div.layout")["class"]
    assert not page.select("aside")


# ---- 6. facet noise

def test_no_rate_on_the_decision_facet_nor_with_one_decision_selected(client):
    page = soup(client.get("/?q=therapy"))
    assert not page.select("fieldset#facet-decision .rate")
    assert page.select("fieldset#facet-specialty .rate")
    outcome = {li.select_one(".value").get_text(): li.select_one(".rate")
               for li in page.select("fieldset#facet-outcome li")}
    assert all(rate is None for value, rate in outcome.items() if value in ("Upheld", "Overturned"))
    chosen = soup(client.get("/?q=therapy&f.decision=Overturned"))
    assert not chosen.select(".rate"), "with one decision selected every value would read 100%"
    both = soup(client.get("/?q=therapy&f.decision=Overturned&f.decision=Upheld"))
    assert both.select("fieldset#facet-specialty .rate")


def test_a_page_without_results_has_no_empty_facet_boxes(client):
    page = soup(client.get("/?q=zyzzyvaqx"))
    assert "No values" not in page.get_text()
    assert not page.select("fieldset.facet ul.values:empty")
    assert page.select_one("section.nohits")


def test_selected_values_are_listed_first_never_folded(client):
    specialties = client.get("/api/search").get_json()["facets"]["specialty"]
    rare = specialties[-1]["value"]          # the least frequent: last, past 'Show N more'
    page = soup(client.get("/", query_string={"f.specialty": rare}))
    first = page.select_one("fieldset#facet-specialty ul.values li")
    assert first.select_one(".value").get_text() == rare and "selected" in first["class"]
    assert not page.select("fieldset#facet-specialty details li.selected")


def test_the_years_add_up_to_the_total_with_an_undated_bucket(client):
    data = client.get("/api/search").get_json()
    years = {v["value"]: v["count"] for v in data["facets"]["year"]}
    assert "Undated" in years, "the seed letters of 2014 state no decision date"
    assert sum(years.values()) == data["total"]
    undated = client.get("/api/search?f.year=undated&per_page=100").get_json()
    assert undated["total"] == years["Undated"] and all(not h["decision_date"] for h in undated["hits"])
    mixed = client.get("/api/search", query_string=[("f.year", "Undated"), ("f.year", "2016")]).get_json()
    assert mixed["total"] == years["Undated"] + years.get("2016", 0)
    page = soup(client.get("/"))
    assert "Undated" in page.select_one("fieldset#facet-year").get_text()
    assert len(page.select("svg.year-bars a")) == len(years) - 1       # the bars are the dated years


def test_gender_is_capitalised_for_display(client):
    page = soup(client.get("/"))
    shown = [v.get_text() for v in page.select("fieldset#facet-gender .value")]
    assert shown and all(v[:1].isupper() for v in shown)
    values = [v.get("value") for v in page.select("fieldset#facet-gender input")]
    assert values == [v["value"] for v in client.get("/api/search").get_json()["facets"]["gender"]]


# ---- 2. Back to search, carried safely

def test_letter_links_carry_the_search_and_back_to_search_restores_it(client):
    search = "q=therapy&f.decision=Upheld&sort=newest&per_page=5&page=2"
    page = soup(client.get("/?" + search))
    link = page.select_one("li.hit h2 a")["href"]
    assert query_of(link)["q"] == ["therapy"]
    assert parse_qs(query_of(link)["back"][0]) == parse_qs(search)
    letter = soup(client.get(link.split("#")[0]))
    back = letter.select_one("p.crumbs a")["href"]
    assert back.startswith("/?") and parse_qs(urlsplit(back).query) == parse_qs(search)
    assert letter.select_one("form[role=search] input[name=q]")["value"] == "therapy"
    for a in letter.select("section.similar a"):
        assert parse_qs(query_of(a["href"])["back"][0]) == parse_qs(search)


@pytest.mark.parametrize("back", ["//evil.example/x", "https://evil.example/?q=x", "javascript:alert(1)",
                                  "q=knee&next=https://evil.example", "q=" + "a" * 5000,
                                  "&".join(["f.decision=Upheld"] * 200)])
def test_back_is_read_as_search_parameters_never_followed(client, back):
    letter_id = client.get("/api/search?q=therapy").get_json()["hits"][0]["letter_id"]
    page = soup(client.get(f"/letters/{letter_id}", query_string={"back": back, "q": "knee"}))
    href = page.select_one("p.crumbs a")["href"]
    assert href.startswith("/") and not href.startswith("//")
    assert set(query_of(href)) <= {"q", "f.decision"}
    assert "evil" not in href and "javascript" not in href


def test_a_case_number_jump_goes_back_to_the_filters_not_the_case(client):
    hits = client.get("/api/search?q=therapy&f.decision=Upheld&per_page=50").get_json()["hits"]
    case = next(h["case_number"] for h in hits if h["case_number"])
    response = client.get(f"/?q={case}&f.decision=Upheld&sort=newest")
    assert response.status_code == 302
    letter = soup(client.get(response.headers["Location"]))
    back = letter.select_one("p.crumbs a")["href"]
    assert query_of(back) == {"f.decision": ["Upheld"], "sort": ["newest"]}


# ---- 8. date range, per page, query help, cite, alerts

def test_date_inputs_mean_what_decided_means(client):
    by_syntax = total_of(client, "q=decided:2016-01..2016-06")
    assert by_syntax and total_of(client, "decided_from=2016-01&decided_to=2016-06") == by_syntax
    assert total_of(client, "decided_from=2016-01-01&decided_to=2016-06-30") == by_syntax
    page = soup(client.get("/?decided_from=2016-01&decided_to=2016-06"))
    assert page.select_one("input#decided-from")["value"] == "2016-01-01"
    assert page.select_one("input#decided-to")["value"] == "2016-06-30"
    assert [c.get_text(" ", strip=True)[:12] for c in page.select("li.chip-date")] == ["Decided from", "Decided unti"]
    assert client.get("/?decided_from=2016-13").status_code == 400


def test_per_page_control_is_bounded(client):
    page = soup(client.get("/?q=therapy&per_page=50"))
    options = [o["value"] for o in page.select("select#per-page option")]
    assert options == ["10", "20", "50", "100"]
    assert page.select_one("select#per-page option[selected]")["value"] == "50"
    assert client.get("/?q=therapy&per_page=101").status_code == 400


def test_results_page_has_query_help_and_how_to_follow_the_search(client):
    page = soup(client.get("/?q=therapy"))
    assert "decided:" in page.select_one("details.query-help").get_text()
    alerts = page.select_one("section.alerts")
    assert "feed reader" in alerts.get_text()
    assert query_of(alerts.select_one("input#feed-url")["value"]) == {"q": ["therapy"]}


def test_every_item_has_a_cite_line(client):
    hit = client.get("/api/search?q=therapy").get_json()["hits"][0]
    record = client.get(f"/api/letters/{hit['letter_id']}").get_json()
    page = soup(client.get(f"/letters/{hit['letter_id']}"))
    cites = [c.get_text() for c in page.select(".cite-text")]
    assert len(cites) == len(record["items"])
    first = page.select_one("#cite-1")
    assert first.get_text() == first["data-cite-full"], "the recognised form is shown first"
    assert f"Case No. {record['case_number'] or 'letter ' + record['id']}, item 1" in first["data-cite-full"]
    assert record["items"][0]["decision"].lower() in first["data-cite-full"]
    for part in (record["case_number"] or record["id"], record["items"][0]["decision"],
                 f"http://localhost/letters/{record['id']}#item-1"):
        assert part in first["data-cite-link"]
    if record["decision_date"]:
        assert f"decided {record['decision_date']}" in first["data-cite-link"]
    assert first["data-cite-short"].startswith("IMR Case No.")
    assert page.select_one("button.copy[data-copy=cite-1]")
