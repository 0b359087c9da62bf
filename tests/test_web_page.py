"""Issue 31 without a browser: plain words, short titles, links of a hit, a sort with no query, the unknown
case page, the letter's table of items and citations, the no-results changes, specialty offers."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


JARGON = ("widened if none", "Counting requests", "Letter origin", "Atom feed", "unbalanced quote",
          "decided_from:", "Licence state", "matching item")


def test_no_jargon_and_one_line_says_what_was_searched_and_counted(client):
    for path in ("/", "/?q=physical+therapy", '/?q=norco+"abc', "/?q=physical+therapy+pain+management",
                 "/?decided_from=2016-13"):
        text = soup(client.get(path)).get_text(" ")
        for word in JARGON:
            assert word not in text, (path, word)
    page = soup(client.get("/?q=physical+therapy"))
    lines = page.select("main p.notice")
    assert [p["class"] for p in lines] == [["notice", "search-line"]], "one notice line"
    total = int(page.select_one("#status").get_text().split()[0])
    assert f"for ‘physical therapy’: {total} requests found" in lines[0].get_text()
    assert not soup(client.get("/")).select("p.search-line"), "nothing typed, nothing said"
    quote = soup(client.get('/?q=norco+"abc')).select_one("p.search-line").get_text()
    assert "quotation mark had no closing partner" in quote
    error = soup(client.get("/?decided_from=2016-13")).select_one(".notice.error").get_text()
    assert "The ‘From’ date must be a date like 2016-12-31" in error
    glossary = soup(client.get("/")).select_one("dl.glossary").get_text()
    assert "The denial stands" in glossary and "One treatment" in glossary


def test_hit_titles_are_short_and_the_case_number_and_original_are_links(client):
    from webapp.text import short_title

    long = "Retrospective request for " + "physical therapy twice weekly " * 8 + "is not medically necessary"
    title = str(short_title(long))
    assert title.startswith("physical therapy") and title.endswith("…") and len(title) <= 91
    assert not title[:-1].endswith(" ") and "necessary" not in title
    assert str(short_title("Norco 10/325mg #35 is not medically necessary")) == "Norco 10/325mg #35"
    marked = str(short_title("<mark>a</mark> " * 60))
    assert marked.count("<mark>") == marked.count("</mark>")
    page = soup(client.get("/?q=therapy"))
    for hit in page.select("li.hit"):
        assert len(hit.select_one("h2").get_text()) <= 91
        case = hit.select_one("a.case")
        assert case["href"].startswith("/letters/") and "#item-" not in case["href"]
        original = hit.select_one("a.original-icon")
        assert original["href"].endswith("/original") and original["aria-label"].startswith("Original ")


def test_a_sort_with_no_query_lists_the_newest_decisions(client):
    page = soup(client.get("/?sort=newest"))
    assert not page.select("section.help")
    dates = [t["datetime"] for t in page.select("li.hit time")]
    assert len(dates) >= 5 and dates == sorted(dates, reverse=True)
    home = soup(client.get("/"))
    assert home.select_one("section.help a[href='/?sort=newest']")


def test_an_unknown_case_number_keeps_the_search_box_and_names_the_number(client):
    response = client.get("/letters/CM00-0000000")
    page = soup(response)
    assert response.status_code == 404
    assert "CM00-0000000" in page.select_one("h1").get_text()
    assert page.select_one("form[role=search] input#q[name=q]")
    assert "<script>" not in client.get("/letters/%3Cscript%3E").get_data(as_text=True).lower()


def test_a_letter_lists_its_items_with_jump_links_and_decisions(client):
    hit = next(h for h in client.get("/api/search?q=therapy&per_page=50").get_json()["hits"] if h["other_items"])
    record = client.get(f"/api/letters/{hit['letter_id']}").get_json()
    page = soup(client.get(f"/letters/{hit['letter_id']}"))
    rows = page.select("section.contents tbody tr")
    assert len(rows) == len(record["items"])
    for n, row in enumerate(rows, 1):
        assert row.select_one("a")["href"] == f"#item-{n}" and page.select_one(f"article#item-{n}")
        assert row.select_one(".badge")
    assert page.select_one("select#cite-form") and page.select_one(".cite-choice[hidden]")


def test_a_citation_date_is_in_the_legal_form():
    from webapp.citation import cited_date

    assert cited_date("2016-12-01") == "Dec. 1, 2016" and cited_date("2017-09-30") == "Sept. 30, 2017"
    assert cited_date(None) is None and cited_date("2016-13-01") is None


def test_no_results_say_what_each_single_change_would_find(client):
    # The words find requests and the decision empties the page: the box answers, not a best
    # effort without one of the words (that is only for words that find nothing together).
    page = soup(client.get("/?q=MRI+lumbar+overturned"))
    assert page.select_one("p.relaxed") is None
    box = page.select_one("section.nohits")
    assert "MRI lumbar overturned" in box.select_one("h2").get_text()
    changes = {" ".join(li.get_text(" ").split()): li.select_one("a") for li in box.select("li")}
    dropped = next(text for text in changes if text.startswith("Without ‘overturned’ as a filter"))
    count = int(re.search(r"(\d+) request", dropped)[1])
    assert count > 0
    link = changes[dropped]["href"]
    assert int(soup(client.get(link)).select_one("#status").get_text().split()[0]) == count
    assert any(text.startswith("Without the word ‘MRI’") for text in changes)
    assert any(text.startswith("The words as typed") for text in changes)
    filtered = soup(client.get("/?q=zyzzyvaqx&f.decision=Upheld")).select_one("section.nohits").get_text(" ")
    assert "Without the filter Decision: Upheld" in filtered


def test_a_specialty_in_the_query_is_offered_with_its_count(client):
    for q, value in (("physical therapy pain management", "Pain Management"),
                     ("physical therapy orthopaedic surgery", "Orthopedic Surgery"),
                     ("physical therapy orthopedic surgery", "Orthopedic Surgery")):
        page = soup(client.get("/", query_string={"q": q}))
        offer = next(a for a in page.select("p.suggestions a") if value in a.get_text())
        count = int(re.search(r"\((\d+)\)", offer.get_text())[1])
        assert query_of(offer["href"]) == {"q": ["physical therapy"], "f.specialty": [value]}
        assert int(soup(client.get(offer["href"])).select_one("#status").get_text().split()[0]) == count
