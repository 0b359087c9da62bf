"""The HTML pages over a real index: structure of the search and letter pages."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from indexer.fields import FACETS

pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")


def soup_of(response) -> BeautifulSoup:
    assert response.headers["Content-Type"].startswith("text/html")
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_empty_state_explains_syntax_with_clickable_examples(client):
    page = soup_of(client.get("/"))
    help_box = page.select_one("section.help")
    assert help_box is not None
    examples = [a.get_text() for a in help_box.select("ul.examples a")]
    assert examples == ["personal trainer upheld", 'specialty:"pain management" opioid',
                        '"functional restoration" overturned', "decided:2017-01..2017-02 acupuncture"]
    for a in help_box.select("ul.examples a"):
        assert query_of(a["href"])["q"] == [a.get_text()]
    assert page.select_one("label[for=q]") and page.select_one("input#q[name=q]")
    assert page.select_one("a.skip[href='#results-title']") and page.select_one("main#main #results-title")


def test_every_facet_is_in_the_sidebar_with_counts_and_rates(client):
    from webapp.wording import facet_label

    page = soup_of(client.get("/"))
    for name, label in FACETS.items():
        fieldset = page.select_one(f"fieldset#facet-{name}")
        assert fieldset is not None, name
        assert fieldset.legend.get_text(strip=True) == facet_label(name)
    values = page.select("fieldset#facet-decision li")
    assert values, "the decision facet lists Upheld/Overturned"
    for li in values:
        box = li.select_one("input[type=checkbox]")
        assert box["name"] == "f.decision"
        assert li.select_one(f"label[for='{box['id']}']")
        assert re.fullmatch(r"\d+", li.select_one(".count").get_text())
        assert li.select_one(".rate") is None, "a decision's own overturn rate is 0% or 100%: not shown"
    for li in page.select("fieldset#facet-category li"):
        # The rate, its 95% interval, and the count when it is small.
        assert re.fullmatch(r"\d+% overturned \d+–\d+%( \d+ requests?)?", li.select_one(".rate").get_text())


def test_personal_trainer_upheld_shows_chip_marks_and_badges(client):
    response = client.get("/?q=personal+trainer+upheld")
    assert response.status_code == 200
    page = soup_of(response)
    chips = page.select("li.chip-query")
    assert any("Decision: Upheld" in chip.get_text(" ", strip=True) for chip in chips)
    remove = chips[0].select_one("a.chip-remove")
    assert remove["aria-label"].startswith("Remove")
    assert "upheld" not in " ".join(query_of(remove["href"]).get("q", [])).lower()
    literal = page.select_one("p.literal a")
    assert query_of(literal["href"])["literal"] == ["1"]
    status = page.select_one("#status")
    assert status.find_parent("h1") and re.search(r"\d+ matching request", status.get_text())
    assert not page.select("[aria-live]"), "every change is a whole page: a live region would never speak"
    hits = page.select("li.hit")
    assert hits, "the seeds hold personal-trainer letters that were upheld"
    assert any(hit.select("h2 mark") or hit.select(".snippet mark") for hit in hits)
    for hit in hits:
        assert hit.select_one(".badge").get_text() == "Upheld"
        assert hit.select_one("h2 a")["href"].startswith("/letters/")
        assert len(hit.select(".snippet")) <= 3


def test_literal_search_understands_no_filter(client):
    page = soup_of(client.get("/?q=personal+trainer+upheld&literal=1"))
    assert not page.select("li.chip-query")
    assert page.select_one("input[type=hidden][name=literal]")["value"] == "1"


def test_facet_filter_is_checked_and_restricts_hits(client):
    page = soup_of(client.get("/?f.decision=Overturned"))
    box = page.select_one("fieldset#facet-decision input[value=Overturned]")
    assert box.has_attr("checked")
    assert page.select("li.chip-filter")
    badges = {hit.select_one(".badge").get_text() for hit in page.select("li.hit")}
    assert badges <= {"Overturned"}


def test_export_and_feed_links_carry_the_query(client):
    page = soup_of(client.get("/?q=trainer&sort=newest"))
    links = {a.get_text(): a["href"] for a in page.select("nav.exports a, section.alerts a")}
    assert links.pop("Follow this search") == "#alerts-title"
    assert set(links) == {"CSV", "CSV for Excel", "JSON", "JSON lines", "Open the feed"}
    for name, href in links.items():
        extra = {"format": ["xlsx-csv"]} if name == "CSV for Excel" else {}
        assert query_of(href) == {"q": ["trainer"], "sort": ["newest"], **extra}
    feed = page.select_one("section.alerts input#feed-url")["value"]
    assert feed.startswith("http://") and query_of(feed) == {"q": ["trainer"], "sort": ["newest"]}
    assert "feed reader" in page.select_one("section.alerts").get_text()
    assert page.select_one("a.facet-csv")["href"].startswith("/facets/")


def test_pagination_links_keep_state(client):
    first = soup_of(client.get("/?f.decision=Upheld"))
    total = int(re.search(r"(\d+) matching", first.select_one("#status").get_text())[1])
    if total <= 20:
        pytest.skip("the index is too small to page")
    nxt = first.select_one("nav.pagination a[rel=next]")
    assert query_of(nxt["href"]) == {"f.decision": ["Upheld"], "page": ["2"]}
    second = soup_of(client.get(nxt["href"]))
    assert second.select_one("nav.pagination [aria-current=page]").get_text() == "2"


def test_case_number_query_opens_the_letter(client):
    data = client.get("/api/search?per_page=50").get_json()
    case = next(h["case_number"] for h in data["hits"] if h["case_number"])
    response = client.get(f"/?q={case}")
    assert response.status_code in (301, 302, 303)
    assert response.headers["Location"].endswith(f"/letters/{case}")


def test_letter_page_is_structured_and_marks_query_words(client):
    page = soup_of(client.get("/?q=personal+trainer"))
    href = page.select_one("li.hit h2 a")["href"]
    letter = soup_of(client.get(href))
    assert letter.select_one("section.letter-header table")
    assert letter.select_one("section.credentials dl")
    assert letter.select_one("section.clinical .prose")
    items = letter.select("article.item")
    assert items
    for item in items:
        assert item.select_one("h3 .badge")
        assert item.select_one("dl.guidelines")
        assert item.select_one(".rationale")
        assert item.select_one("section.similar h4").get_text() == "Similar decisions"
    assert letter.select("mark"), "query words are marked on the letter page"
    assert {m.get_text().lower()[:5] for m in letter.select("mark")} <= {"perso", "train"}
    assert letter.select_one("a.original")["href"].endswith("/original")
    assert not letter.select_one("a.original").has_attr("download")
    assert query_of(letter.select_one("a.download")["href"]) == {"download": ["1"]}
    widen = letter.select_one("section.items p.hint a")
    assert "similar=all" in widen["href"]


def test_unknown_letter_is_a_plain_404(client):
    response = client.get("/letters/CM00-0000000")
    assert response.status_code == 404
    assert soup_of(response).select_one(".error-message")


def test_bad_parameter_is_a_400_with_a_plain_message(client):
    response = client.get("/?q=x&page=banana")
    assert response.status_code == 400
    page = soup_of(response)
    assert "page" in page.select_one(".notice.error").get_text()
    assert "Traceback" not in response.get_data(as_text=True)


def test_missing_index_is_a_503_saying_what_to_run(tmp_path):
    from webapp import create_app

    client = create_app(index_dir=tmp_path / "none").test_client()
    response = client.get("/?q=trainer")
    assert response.status_code == 503
    assert "imr index SOURCE --index DIR" in soup_of(response).select_one(".error-message").get_text()
    api = client.get("/api/search?q=trainer")
    assert api.status_code == 503 and "imr index" in api.get_json()["error"]


def test_field_queries_become_removable_chips(client):
    page = soup_of(client.get('/?q=specialty:"pain management" opioid'))
    chips = {c.get_text(" ", strip=True).rstrip("×").strip(): c for c in page.select("li.chip-query")}
    assert "Reviewer specialty: Pain Management" in chips
    remove = chips["Reviewer specialty: Pain Management"].select_one("a.chip-remove")
    assert query_of(remove["href"])["q"] == ["opioid"]
    box = page.select_one("fieldset#facet-specialty input[value='Pain Management']")
    assert box.has_attr("checked") and box.has_attr("disabled") and not box.has_attr("name")
    # A typed filter is not a word: no 'search it as a word' link.
    assert not page.select("p.literal")


def test_decided_range_is_a_chip_and_matches_the_letters(client, built_index):
    import json
    import sqlite3

    from indexer.index.stores import snapshots

    page = soup_of(client.get("/?q=decided:2017-01..2017-02+acupuncture&scope=letter"))
    chip = page.select_one("li.chip-query")
    assert chip.get_text(" ", strip=True).startswith("Decided: 2017-01..2017-02")
    assert query_of(chip.select_one("a.chip-remove")["href"])["q"] == ["acupuncture"]
    shown = int(re.search(r"(\d+) matching", page.select_one("#status").get_text())[1])
    store = sqlite3.connect(snapshots.current(built_index) / "letters.sqlite")
    records = [json.loads(row[0]) for row in store.execute("SELECT record FROM letters")]
    expected = sum(1 for r in records for it in r["items"] or [{}]
                   if "2017-01-01" <= (r.get("decision_date") or "") <= "2017-02-28"
                   and "acupunct" in " ".join(str(it.get(k) or "") for k in (
                       "item", "rationale", "claims_administrator_guideline", "maximus_guideline")
                   ).lower() + (r.get("summary") or "").lower())
    assert shown == expected
    dates = [t["datetime"] for t in page.select("li.hit time")]
    assert len(dates) == min(expected, 20)
    assert all("2017-01-01" <= d <= "2017-02-28" for d in dates)


def test_letter_page_marks_words_as_the_index_stems_them(client):
    from indexer.index.analysis import DomainAnalyzer

    href = soup_of(client.get("/?q=personal+trainers")).select_one("li.hit h2 a")["href"]
    letter = soup_of(client.get(href))
    marks = [m.get_text() for m in letter.select("main mark")]
    assert marks, "the letter names personal trainers"
    analyzer = DomainAnalyzer()
    wanted = {t.text for t in analyzer("personal trainers")}
    assert all({t.text for t in analyzer(m)} <= wanted for m in marks)
    assert {m.lower() for m in marks} & {"trainer", "trainers"}
    prose = letter.select_one("section.clinical .prose").get_text()
    expected = [prose[t.startchar:t.endchar] for t in analyzer(prose, chars=True) if t.text in wanted]
    assert [m.get_text() for m in letter.select("section.clinical .prose mark")] == expected


def test_similar_decisions_stay_in_the_category_with_a_link_to_widen(client):
    from urllib.parse import quote

    hit = client.get("/api/search?q=MRI+lumbar&per_page=1").get_json()["hits"][0]
    letter = soup_of(client.get(f"/letters/{hit['letter_id']}"))
    article = letter.select_one(f"article#item-{hit['item_no']}")
    links = [a["href"] for a in article.select("section.similar li a")]
    assert links, "other letters have lumbar MRIs"
    same = client.get(f"/api/similar/{quote(hit['doc_id'])}?limit=5").get_json()["similar"]
    assert links == [f"/letters/{s['letter_id']}#item-{s['item_no']}" for s in same]
    assert all(set(s["categories"]) & set(hit["categories"]) and s["letter_id"] != hit["letter_id"]
               for s in same)
    widen = letter.select_one("section.items p.hint a")
    assert widen.get_text() == "Widen to all categories" and query_of(widen["href"])["similar"] == ["all"]
    wide = soup_of(client.get(widen["href"]))
    assert wide.select_one("section.items p.hint a").get_text() == "Only the same category"
    everything = client.get(f"/api/similar/{quote(hit['doc_id'])}?limit=5&same_category=0").get_json()
    wide_links = [a["href"] for a in wide.select(f"article#item-{hit['item_no']} section.similar li a")]
    assert wide_links == [f"/letters/{s['letter_id']}#item-{s['item_no']}" for s in everything["similar"]]


def test_filters_come_before_the_results_in_the_page(client):
    html_text = client.get("/?q=physical+therapy").get_data(as_text=True)
    page = BeautifulSoup(html_text, "html.parser")
    toggle = page.select_one("aside.facets details#filters > summary")
    assert toggle and toggle.select_one("h2#facets-title").get_text() == "Filters"
    assert html_text.index('id="filters"') < html_text.index('<main id="main"')
    response = client.get("/static/style.css")
    css = response.get_data(as_text=True)
    response.close()
    assert not re.search(r"\border\s*:", css), "no CSS reordering: DOM order is the visual order"


# --- pieces of a page written in Python are what the template wrote ---------------------------

# The template's loop as it was (its two long lines kept whole).
OLD_FACET_VALUES = """\
    <ul class="values">
      {% for v in group %}
      {% set box_id = 'f-' ~ name ~ '-' ~ (group is sameas(rest) and 'r' or 's') ~ loop.index %}
      <li{% if v.selected %} class="selected"{% elif not v.count %} class="zero"{% endif %}>
        {% set from_query = v.selected and (v.value|string) not in result.request.filters.get(name, []) %}
        <input type="checkbox" form="search" id="{{ box_id }}"{% if not from_query %} name="{{ PREFIX }}{{ name }}"{% endif %} value="{{ v.value|clean }}"{% if v.selected %} checked{% endif %}{% if from_query %} disabled title="Set by your query: remove its chip"{% endif %}>
        <label for="{{ box_id }}"><bdi class="value">{{ display_value(name, v.value)|clean }}</bdi>
          {%+ if v.letters is none %}<span class="count">{{ v.count }}</span>{% else %}<span class="count">{{ v.letters }}</span> <span class="items">({{ v.count }})</span>{% endif %}{% if v.count and rate_shown(name, v.value, decisions) %}{% set ci = v.interval or (0.0, 0.0) %}{% set few = v.count < 10 %} · <span class="rate{% if few %} few{% endif %}" title="95% interval {{ ci[0]|percent }}–{{ ci[1]|percent }}: {{ v.overturned }} of {{ v.count }} requests overturned">{{ v.overturn_rate|percent }} overturned <span class="ci">{{ (100 * ci[0])|round|int }}–{{ ci[1]|percent }}</span>{% if few %} <span class="few-flag">{{ v.count }} request{{ '' if v.count == 1 else 's' }}</span>{% endif %}</span>{% endif %}</label>
      </li>
      {% endfor %}
    </ul>
"""  # noqa: E501
NEW_FACET_VALUES = """\
    <ul class="values">
{{ facet_values(name, group, group is sameas(rest), result.request.filters.get(name, []), decisions) }}
    </ul>
"""


@pytest.mark.parametrize("name", ["decision", "gender", "year", "specialty"])
def test_facet_values_written_in_python_equal_the_template_loop(app, name, hostile_text):
    from types import SimpleNamespace

    from flask import render_template_string

    from indexer.results import FacetValue

    values = [FacetValue(v, c, o, s, letters) for v, c, o, s, letters in [
        ("Upheld", 10, 0, True, None), ("female", 7, 3, False, 5), (2016, 5, 5, True, None),
        (hostile_text[:40], 3, 1, True, 2), ('a "quoted" & <b>', 2, 1, False, None), ("", 1, 0, False, None),
        ("many", 120, 45, False, 80), ("Overturned", 0, 0, False, None)]]
    with app.test_request_context("/?q=upheld"):
        for chosen in ([], ["Upheld", "2016"]):
            for decisions in ([], ["Upheld"], ["Upheld", "Overturned"]):
                folded = values[2:]
                for group, rest in ((values, folded), (folded, folded)):     # shown first, then the rest
                    context = dict(name=name, group=group, rest=rest, decisions=decisions,
                                   result=SimpleNamespace(request=SimpleNamespace(filters={name: chosen})))
                    old = render_template_string(OLD_FACET_VALUES, **context)
                    assert render_template_string(NEW_FACET_VALUES, **context) == old


def test_letter_links_equal_url_for_for_any_id(app):
    from flask import url_for

    from webapp import urlstate

    ids = ["abc-1", "a b", "é/x", "a?b#c", "%41", urlstate.LINK_STAND_IN, "x" * 80, "&=+"]
    # (the page, the q its letter links carry)
    for path, q in (("/?q=knee+%22physical+therapy%22&f.decision=Upheld", 'knee "physical therapy"'),
                    ("/letters/x?q=a%26b&back=q%3Dknee", "a&b"), ("/", None)):
        with app.test_request_context(path):
            for letter_id in ids:
                expected = url_for("letters.letter_page", letter_id=letter_id, q=q, back=urlstate.back_state())
                assert urlstate.letter_url(letter_id) == expected
                assert urlstate.letter_url(letter_id, 2) == expected + "#item-2"
                assert urlstate.letter_url(letter_id, similar="all") == url_for(
                    "letters.letter_page", letter_id=letter_id, q=q, back=urlstate.back_state(), similar="all")


OLD_BADGES = """\
{% macro badge(decision) -%}
{% if decision %}<span class="badge badge-{{ decision|lower|replace(' ', '-') }}">{{ decision }}</span>{% else %}<span class="badge badge-none">No decision</span>{% endif %}
{%- endmacro %}
{% macro synthetic_tag(flag) -%}
{% if flag %}<span class="tag-synthetic" title="Made by imr synth, not a real decision">synthetic</span>{% endif %}
{%- endmacro %}
"""  # noqa: E501
# _hits.html's loop as it was, with those macros.
OLD_HITS = OLD_BADGES + """\
<ol class="hits">
  {% for hit in result.hits %}
  <li class="hit" id="hit-{{ loop.index }}">
    <h2 class="hit-title"><a href="{{ letter_url(hit.letter_id, hit.item_no) }}"><bdi>{{ hit.item_html|short_title }}</bdi></a></h2>
    <p class="hit-meta">{{ badge(hit.decision) }} {{ synthetic_tag(hit.synthetic) }}
      <a class="case" href="{{ letter_url(hit.letter_id) }}">{{ hit.case_number or 'No case number' }}</a>
      {{ original_link(hit, hit.case_number or 'No case number') }}
      {% if hit.decision_date %}<span>Decided <time datetime="{{ hit.decision_date|clean }}">{{ hit.decision_date|clean }}</time></span>{% endif %}
      {% if hit.specialties %}<span class="specialties">{{ hit.specialties|map('clean')|join(', ') }}</span>{% endif %}
    </p>
    {% if hit.snippets %}
    <ul class="snippets">
      {% for snippet in hit.snippets[:3] %}
      <li class="snippet snippet-{{ snippet.field|clean }}"><bdi>{{ snippet.html|marked }}</bdi></li>
      {% endfor %}
    </ul>
    {% endif %}
    {% if hit.other_items %}
    <p class="others"><span>Also in this letter:</span>
      {% for other in hit.other_items %}
      <a href="{{ letter_url(hit.letter_id, other.item_no) }}"><bdi>{{ other.item|clean|truncate(60) }}</bdi></a>{% if other.decision %} <span class="mini mini-{{ other.decision|lower }}">{{ other.decision }}</span>{% endif %}{% if not loop.last %};{% endif %}
      {% endfor %}
    </p>
    {% endif %}
  </li>
  {% endfor %}
</ol>
"""  # noqa: E501
NEW_HITS = """\
<ol class="hits">
{{ hit_items(result.hits) }}
</ol>
"""


def _hostile_hits(text: str) -> list:
    from indexer.results import Hit, Snippet

    long_item = "Physical therapy twice a week for six weeks for the lumbar spine and the knee " + text
    others = [{"item_no": 2, "item": long_item, "decision": "Partially Overturned"},
              {"item_no": 3, "item": None, "decision": None}, {"item_no": 4, "item": text[:30], "decision": "Upheld"}]
    hits = []
    for n in range(8):
        specialties = [] if n % 2 else [text[:15], "Pain"]
        hits.append(Hit(
            doc_id=f"L{n}#1", letter_id=["L-1", "a b", "é&x", text[:12]][n % 4], item_no=n % 3,
            case_number=None if n % 2 else text[:20], item=text,
            item_html=["a <mark>b</mark> &amp; <b>", text, "<mark>x", ""][n % 4],
            decision=[None, "Upheld", "Overturned", "Partially Overturned", text[:9]][n % 5],
            decision_date=None if n % 3 == 0 else "2016-01-02\u202e", specialties=specialties,
            states=[], categories=[], synthetic=bool(n % 2), other_items=others[:n % 4],
            facets={"specialty": specialties},   # what the listing shows (a facet declared on_hits)
            snippets=[Snippet(["rationale", "guide<line>", text[:5]][k % 3], ["<mark>x</mark> &lt;", text][k % 2], "p")
                      for k in range(n % 5)]))
    return hits


def test_hits_written_in_python_equal_the_template_loop(app, hostile_text):
    from types import SimpleNamespace

    from flask import render_template_string

    for path in ("/?q=knee&f.decision=Upheld", "/"):
        with app.test_request_context(path):
            result = SimpleNamespace(hits=_hostile_hits(hostile_text))
            old = render_template_string(OLD_HITS, result=result)
            assert render_template_string(NEW_HITS, result=result) == old
            assert "<script" not in old.lower()
            for decision in (None, "", "Upheld", "Partially Overturned", hostile_text[:20]):
                for flag in (True, False):
                    macros = "{{ badge(d) }}|{{ synthetic_tag(f) }}"
                    assert render_template_string('{% from "_macros.html" import badge, synthetic_tag %}' + macros,
                                                  d=decision, f=flag) == \
                        render_template_string(OLD_BADGES + macros, d=decision, f=flag)


def test_a_facet_declared_on_hits_shows_on_each_hit(client, monkeypatch):
    """Showing a facet on the hits is its declaration's `on_hits`: the listing reads the hit's values."""
    from dataclasses import replace

    from indexer import fields
    from webapp import listing

    declared = tuple(replace(f, on_hits=True) if f.name == "state" else f for f in fields.FACET_LIST)
    monkeypatch.setattr(listing, "FACET_LIST", declared)
    page = soup_of(client.get("/?q=therapy"))
    shown = [span.get_text() for span in page.select("li.hit p.hit-meta span.states")]
    assert shown and all(shown)
