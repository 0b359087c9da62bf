"""Exports (CSV/JSON/facet CSV with the formula guard), the Atom feed, highlighting, the CLI."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.show.export import facet_csv, safe_cell, stream_csv, stream_json
from indexer.search.show.feed import atom_feed
from indexer.search.show.highlight import mark, snippets
from indexer.search.show.terms import Terms, terms_of
from indexer.search.query.parser import build_query
from indexer.results import FacetValue, SearchRequest
from indexer.index.schema import make_schema
from indexer.search.searcher import Searcher
from indexer.settings import Settings

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def index_settings(tmp_path_factory, expected_records, hostile_letter, publish) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("export_index"))
    record = hostile_letter()
    record["items"][0]["item"] = "=HYPERLINK(\"http://evil\") hoverboard"
    publish(settings, expected_records() + [record])
    return settings


@pytest.fixture(scope="module")
def searcher(index_settings) -> Searcher:
    return Searcher(index_settings)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("MRI", "MRI"), (None, ""), (3, "3"), (["a", "b"], "a; b"),
])
def test_formula_guard(value, expected):
    assert safe_cell(value) == expected


def test_csv_streams_every_hit_with_guard(searcher):
    request = SearchRequest(q="hoverboard OR MRI")
    rows = list(csv.reader(io.StringIO("".join(stream_csv(searcher, request)))))
    assert rows[0][0] == "case_number"
    assert len(rows) - 1 == searcher.search(request).total
    evil = [r for r in rows if "HYPERLINK" in r[3]]
    assert evil and evil[0][3].startswith("'=")
    # The web layer passes the hits themselves; one letter at a time, or several (the Searcher's own).
    from_hits = stream_csv(searcher.iter_hits(request), letters=searcher.letter)
    assert "".join(from_hits) == "".join(stream_csv(searcher, request))
    letter_ids = list(dict.fromkeys(r[1] for r in rows[1:]))
    views = searcher.export_records(letter_ids + ["no-such-letter"])
    assert set(views) == set(letter_ids)
    for lid in letter_ids:
        whole = searcher.letter(lid)
        assert views[lid] == {"outcome": whole.get("outcome"), "items": whole.get("items") or []}


def test_json_is_a_valid_array_of_every_hit(searcher):
    request = SearchRequest(q="therapy")
    data = json.loads("".join(stream_json(searcher, request)))
    assert len(data) == searcher.search(request).total
    assert {"case_number", "item", "decision", "doc_id"} <= set(data[0])
    assert json.loads("".join(stream_json([]))) == []


def test_facet_csv_has_counts_and_rates(searcher):
    result = searcher.search(SearchRequest())
    text = facet_csv(result, "decision")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["value", "count", "overturned", "overturn_rate", "letters", "ci95_low", "ci95_high"]
    by_value = {r[0]: r for r in rows[1:]}
    assert int(by_value["Overturned"][1]) == int(by_value["Overturned"][2])
    assert float(by_value["Upheld"][3]) == 0.0
    assert by_value["Upheld"][4] == ""                      # decision is the item's: no letter count
    assert float(by_value["Upheld"][5]) == 0.0 < float(by_value["Upheld"][6]) < 0.5
    guarded = facet_csv([FacetValue("-cmd", 2, 1)])
    assert "'-cmd,2,1,0.5000,,0.0945,0.9055" in guarded


def test_atom_feed_parses_newest_first_and_escapes(searcher):
    result = searcher.search(SearchRequest(q="hoverboard OR MRI", sort="newest", per_page=50))
    xml = atom_feed(result, self_url="http://localhost/feed.atom?q=<x>&a=1", site_url="http://localhost/")
    root = ET.fromstring(xml)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(result.hits) > 1
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert "<b>" not in xml and "&lt;b&gt;" in xml
    summaries = [e.find(f"{ATOM}summary").text for e in entries]
    assert any("<b>bold</b>" in t for t in summaries)   # the letter's text survives, as text


@given(st.text(max_size=200), st.sampled_from(["script", "img", "alert", "javascript", "the", "a"]))
@settings(max_examples=200, deadline=None)
def test_highlight_emits_only_mark_tags(hostile_text, text, word):
    terms = terms_of(build_query(word, make_schema()).query) or Terms(frozenset({word}))
    for html_text in [mark(text + " " + hostile_text, terms)] + [
            s.html for s in snippets(hostile_text + ". " + text, terms, "rationale")]:
        stripped = html_text.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped


def test_cli_search_prints_hits_and_json(index_settings, runner):
    out = runner("search", "hoverboard", "--index", index_settings.index_dir)
    assert out.exit_code == 0, out.output
    assert "CM99-0000001" in out.output and "Overturned" in out.output
    out = runner("search", "MRI", "--index", index_settings.index_dir, "--json", "--limit", "3")
    data = json.loads(out.output)
    assert len(data["hits"]) == 3 and data["total"] > 3 and "decision" in data["facets"]


def test_cli_search_without_index_exits_2(tmp_path, runner):
    out = runner("search", "mri", "--index", tmp_path / "none")
    assert out.exit_code == 2
    assert "imr index" in out.stderr


def test_mark_query_marks_exactly_the_words_the_index_would_match():
    from indexer.index.analysis import DomainAnalyzer

    from indexer.search.show.highlight import mark_query

    text = ("Personal trainers helped; training was denied. The trainer's injections, "
            "an injected knee and <script>trainer</script> & more.")
    # 'trainer personal', not 'personal trainer': that is a synonym phrase, marked as a phrase
    out = mark_query(text, 'trainer personal injection -knee specialty:"pain management" decided:2017')
    marked = re.findall(r"<mark>(.*?)</mark>", out)
    analyzer = DomainAnalyzer()
    wanted = {t.text for t in analyzer("personal trainer injection")}
    expected = [text[t.startchar:t.endchar] for t in analyzer(text, chars=True) if t.text in wanted]
    assert marked == expected and "trainers" in marked and "injections" in marked
    assert "training" not in marked and "knee" not in marked
    assert "&lt;script&gt;" in out and "<script>" not in out
    phrase = mark_query(text, "personal trainer")
    assert re.findall(r"<mark>(.*?)</mark>", phrase) == ["Personal trainers"]


@given(st.text(max_size=200), st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_mark_query_emits_only_mark_tags(hostile_text, text, q):
    from indexer.search.show.highlight import mark_query

    out = mark_query(text + " " + hostile_text, q + " script img")
    stripped = out.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped
    assert html.unescape(stripped) == text + " " + hostile_text


# --- streamed in chunks from one writer, byte for byte what a line per row gave -----------------

from indexer.search.show import export  # noqa: E402
from indexer.search.show.display import INVISIBLE, SURROGATE, clean  # noqa: E402
from indexer.results import Hit  # noqa: E402

CELLS = st.text(st.sampled_from(list("aZ5 ,;\"'\n\r\t=+-@") + ["\uff1d", "\u202e", "\x00", "\x85", "\ud800",
                                                               "é", "\ufeff", "…"]), max_size=12)


def _old_clean(text: object) -> str:
    return SURROGATE.sub("\ufffd", INVISIBLE.sub("", "" if text is None else str(text)))


def _old_csv(hits, letters, site_url, excel) -> str:
    limit = export.EXCEL_CELL_CHARS if excel else None

    def cell(value):
        text = "" if value is None else ("; ".join(map(str, value)) if isinstance(value, list) else str(value))
        text = _old_clean(text)
        if limit is not None and len(text) > limit:
            text = text[:limit - 1] + "…"
        return "'" + text if text.startswith(export.FORMULA_START) else text

    def line(cells):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow([cell(c) for c in cells])
        return buf.getvalue()
    out = [(export.BOM if excel else "") + line(export.COLUMNS)]
    for hit in hits:
        row = export.hit_row(hit, letters(hit.letter_id), site_url)
        out.append(line(row[c] for c in export.COLUMNS))
    return "".join(out)


def _hit(n: int, text: str) -> Hit:
    return Hit(doc_id=f"L{n % 7}#{n % 3 + 1}", letter_id=f"L{n % 7}", item_no=n % 3 + 1, case_number=text or None,
               item=text + str(n), item_html="", decision=["Upheld", "Overturned", None][n % 3],
               decision_date="2016-01-02", specialties=[text, "b"], states=[], categories=[text],
               synthetic=bool(n % 2), other_items=[], snippets=[], score=None)


@settings(max_examples=60, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=5), st.sampled_from([0, 1, 49, 50, 51, 120]), st.booleans())
def test_chunked_csv_and_json_equal_a_line_per_row(texts, n, excel):
    hits = [_hit(i, texts[i % len(texts)]) for i in range(n)]
    records = {f"L{i}": {"outcome": texts[i % len(texts)], "items": [
        {"rationale": texts[(i + k) % len(texts)] * 3, "maximus_guideline": "=" + texts[0],
         "claims_administrator_guideline": None} for k in range(3)]} for i in range(7)}
    chunks = list(stream_csv(hits, letters=records.get, site_url="http://x/", excel=excel))
    assert "".join(chunks) == _old_csv(hits, records.get, "http://x/", excel)
    assert len(chunks) == 1 + -(-n // export.ROWS_PER_CHUNK)
    # Records read several at a time (as the web and a Searcher do) give the same bytes.
    seen: list[list[str]] = []

    def several(ids: list[str]) -> dict:
        seen.append(ids)
        return {i: records[i] for i in ids if i in records}
    fmt = "xlsx-csv" if excel else "csv"
    assert "".join(export.stream(fmt, hits, records=several, site_url="http://x/")) == "".join(chunks)
    assert all(len(ids) <= export.ROWS_PER_CHUNK for ids in seen) and len(seen) == -(-n // export.ROWS_PER_CHUNK)
    as_json = "".join(stream_json(hits, letters=records.get))
    rows = [export.hit_row(h, records[h.letter_id]) for h in hits]
    assert as_json == "[" + "".join(("," if i else "") + "\n" + json.dumps(r, ensure_ascii=False)
                                    for i, r in enumerate(rows)) + "\n]\n"


def test_clean_equals_the_two_substitutions_around_every_dropped_character():
    # every code point below U+3000, around the surrogates and up to U+FFFF, and some beyond
    for code in [*range(0x3000), *range(0xD700, 0xE100), *range(0xFE00, 0x10100), 0x10FFFF]:
        for text in (chr(code), "a" + chr(code) + "\n b"):
            assert clean(text) == _old_clean(text)


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_every_export_format_is_byte_identical_from_the_web_and_the_cli(client, runner, built_index, fmt):
    """One table of formats, written by one function each, served by one route and by `imr search --format`."""
    spec = export.FORMATS[fmt]
    query = "?q=therapy" + ("" if fmt == spec.extension else f"&format={fmt}")
    web = client.get(f"/export.{spec.extension}{query}")
    assert web.status_code == 200 and web.headers["Content-Type"] == spec.content_type
    cli = runner("search", "therapy", "--index", built_index.index_dir, "--format", fmt,
                 "--site-url", "http://localhost/")
    assert cli.exit_code == 0 and cli.stdout_bytes == web.get_data() and web.get_data()


def test_a_new_facet_with_a_column_is_exported_from_the_hit_s_facets(monkeypatch):
    """Exports read a facet's values from the hit generically: a column declared is a column written."""
    from indexer.results import Hit

    monkeypatch.setitem(export.FACET_COLUMNS, "genders", "gender")
    monkeypatch.setattr(export, "COLUMNS", export.COLUMNS + ("genders",))
    hit = Hit(doc_id="L#1", letter_id="L", item_no=1, case_number=None, item="x", item_html="x", decision="Upheld",
              decision_date=None, specialties=[], states=[], categories=[], synthetic=False, other_items=[],
              snippets=[], facets={"decision": "Upheld", "gender": "female"})
    row = export.hit_row(hit)
    assert row["genders"] == "female" and row["decision"] == "Upheld"
