"""Web hardening: hostile letter text is inert everywhere, downloads cannot escape,
headers are always set, and no request makes the app answer 500."""
from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")

SEED = Path(__file__).resolve().parent / "fixtures" / "seeds" / "001_3c5fa3563d311aff.txt"
SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_LINK = '<a href="javascript:alert(2)">click</a>'
FORMULA = '=HYPERLINK("http://evil.example/","open me")'
RTL = "\u202eRTL\u202c"
CONTROL = "bell\x07esc\x1bnul"
HOSTILE_ITEM = f'{FORMULA} {SCRIPT} Personal Trainer zebrafish "quoted" {RTL}'
ALLOWED_SCRIPTS = {"/static/app.js"}


def hostile_letter(number: int) -> str:
    """A real letter's text with hostile strings in the item, summary, rationale and credentials."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("CM14-0046246", f"CM99-{number:07d}")
    text = text.replace("6 sessions with Personal Trainer, for the Lumbar Spine , 3 times a week for 2 weeks, "
                        "as an outpatient", HOSTILE_ITEM)
    text = text.replace("Physical Medicine & Rehabilitation, Pain Management",
                        f"Physical Medicine & Rehabilitation, {IMG} Zebra Medicine")
    text = text.replace("The injured worker is a 54 year old male",
                        f"The injured worker {SCRIPT} {IMG} {JS_LINK} {CONTROL} {RTL} zebrafish is a 54 year old male")
    text = text.replace("Decision rationale: Regarding request",
                        f"Decision rationale: {FORMULA} {IMG} {JS_LINK} zebrafish {CONTROL}. Regarding request")
    return text.replace("Personal trainer", f"Personal trainer {number}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(client, letters folder, settings) of an index built from hand-made hostile letters."""
    from indexer.pipeline.conductor import rebuild
    from indexer.settings import Settings
    from webapp import create_app

    root = tmp_path_factory.mktemp("hostile")
    letters = root / "letters"
    letters.mkdir()
    for n in (1, 2, 3):
        (letters / f"hostile_{n}.txt").write_text(hostile_letter(n), encoding="utf-8")
    settings = Settings(index_dir=root / "index", jobs=1)
    rebuild([letters], settings)
    return create_app(settings).test_client(), letters, settings


def assert_inert(html: str) -> BeautifulSoup:
    """No script but ours, no event handler, no javascript: URL, no injected element."""
    page = BeautifulSoup(html, "html.parser")
    assert {(s.get("src") or "").split("?")[0] for s in page.find_all("script")} <= ALLOWED_SCRIPTS
    assert all(s.get("src") for s in page.find_all("script")), "no inline script"
    assert not page.find_all("img")
    for tag in page.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for attr in ("href", "src", "action"):
            assert not str(tag.get(attr, "")).strip().lower().startswith("javascript:"), tag
    assert "\u202e" not in html and "\x07" not in html and "\x1b" not in html
    return page


def test_hostile_text_is_inert_in_results_and_snippets(hostile):
    client, _, _ = hostile
    response = client.get("/?q=zebrafish")
    page = assert_inert(response.get_data(as_text=True))
    hits = page.select("li.hit")
    assert hits, "the hostile letters were indexed and found"
    title = hits[0].select_one("h2").get_text()
    assert "<script>" in title, "the markup is shown as text"
    for hit in hits:
        assert {t.name for t in hit.select("h2 a *, .snippet *")} <= {"mark", "bdi"}


def test_hostile_facet_values_are_inert(hostile):
    client, _, _ = hostile
    page = assert_inert(client.get("/?q=zebrafish").get_data(as_text=True))
    values = [v.get_text() for v in page.select("fieldset#facet-specialty .value")]
    for box in page.select("fieldset#facet-specialty input"):
        assert "<" not in box["value"] or box["value"] in values


def test_hostile_letter_page_is_inert(hostile):
    client, _, _ = hostile
    html = client.get("/letters/CM99-0000001?q=zebrafish").get_data(as_text=True)
    page = assert_inert(html)
    assert SCRIPT in page.select_one("section.clinical").get_text()
    assert {m.name for m in page.select("section.clinical .prose *")} <= {"p", "mark"}
    assert page.select("section.clinical mark")


def test_hostile_csv_cells_cannot_be_formulas(hostile):
    client, _, _ = hostile
    text = client.get("/export.csv?q=zebrafish").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    facet = client.get("/facets/specialty.csv?q=zebrafish").get_data(as_text=True)
    assert all(not c.startswith(("=", "+", "@")) for r in csv.reader(io.StringIO(facet)) for c in r)


def test_hostile_atom_and_json_are_data(hostile):
    client, _, _ = hostile
    atom = client.get("/feed.atom?q=zebrafish")
    root = ET.fromstring(atom.get_data())   # well-formed: the markup is escaped text
    ns = "{http://www.w3.org/2005/Atom}"
    assert root.findall(f"{ns}entry")
    assert not root.iter("script") or all(el.tag.startswith(ns) for el in root.iter())
    api = client.get("/api/search?q=zebrafish")
    assert api.mimetype == "application/json"
    assert any(SCRIPT in hit["item"] for hit in api.get_json()["hits"])
    exported = client.get("/export.json?q=zebrafish")
    assert exported.mimetype == "application/json"
    json.loads(exported.get_data(as_text=True))


def test_original_download_is_the_indexed_file(hostile):
    client, letters, _ = hostile
    response = client.get("/letters/CM99-0000002/original")
    assert response.status_code == 200
    assert response.get_data() == (letters / "hostile_2.txt").read_bytes()
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "sandbox" in response.headers["Content-Security-Policy"]      # shown, inert
    saved = client.get("/letters/CM99-0000002/original?download=1")
    assert saved.get_data() == response.get_data()
    assert saved.headers["Content-Disposition"].startswith("attachment")
    assert not saved.mimetype.startswith("text/html")


@pytest.mark.parametrize("path", [
    "/letters/../../../../etc/passwd/original",
    "/letters/..%2f..%2f..%2fetc%2fpasswd/original",
    "/letters/%2e%2e%2f%2e%2e%2fetc%2fpasswd/original",
    "/letters/%252e%252e%252fetc%252fpasswd/original",
    "/letters//etc/passwd/original",
    "/letters/%2Fetc%2Fpasswd/original",
    "/letters/..%5c..%5cetc%5cpasswd/original",
    "/letters/CM99-0000001%00/original",
    "/letters/CM99-0000001/..%2f..%2foriginal",
    "/letters/.%2e/original",
])
def test_path_traversal_is_refused(hostile, path):
    client, _, _ = hostile
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"root:" not in response.get_data()


def test_symlink_or_changed_source_is_not_served(hostile, tmp_path):
    client, letters, _ = hostile
    source = letters / "hostile_3.txt"
    original = source.read_bytes()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(original)
    try:
        source.unlink()
        os.symlink(outside, source)    # same bytes, but resolving outside the sources
        assert client.get("/letters/CM99-0000003/original").status_code == 404
        source.unlink()
        source.write_bytes(original + b"\nchanged")
        assert client.get("/letters/CM99-0000003/original").status_code == 404
    finally:
        if source.is_symlink() or source.exists():
            source.unlink()
        source.write_bytes(original)
    assert client.get("/letters/CM99-0000003/original").status_code == 200


@pytest.mark.parametrize("path", ["/", "/?q=zebrafish", "/letters/CM99-0000001", "/letters/nope",
                                  "/api/search?q=x", "/api/search?page=x", "/static/style.css",
                                  "/export.csv?q=x", "/feed.atom"])
def test_security_headers_on_every_response(hostile, path):
    client, _, _ = hostile
    response = client.get(path)
    response.close()            # a static file's response holds the file open until closed
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"):
        assert part in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(hostile):
    client, _, _ = hostile
    for path in ("/", "/?q=zebrafish", "/letters/CM99-0000001"):
        page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        assert not page.find_all("style")
        assert not page.find_all(style=True)
        assert all(s.get("src") for s in page.find_all("script"))


def test_index_missing_headers_and_no_traceback(tmp_path):
    from webapp import create_app

    response = create_app(index_dir=tmp_path).test_client().get("/")
    assert response.status_code == 503
    assert response.headers["X-Frame-Options"] == "DENY"
    assert b"Traceback" not in response.get_data()


PARAMS = st.sampled_from(["q", "page", "sort", "literal", "per_page", "f.decision", "f.specialty",
                          "f.year", "f.nonsense", "x"])
RAW = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['"unbalanced', "(((", "decided:2016-99..x", "specialty:", "*", "a*", "NOT", "OR OR",
                     "CM99-0000001", "-1", "99999999999", "0", "newest", "😀", "\x00"]),
)
BYTES = st.binary(max_size=12).map(lambda b: "".join(f"%{x:02X}" for x in b))


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(PARAMS, st.one_of(RAW.map(lambda s: quote(s, safe="")), BYTES)), max_size=5),
       path=st.sampled_from(["/", "/api/search", "/export.json", "/feed.atom", "/facets/decision.csv"]))
def test_random_parameters_never_answer_500(hostile, pairs, path):
    client, _, _ = hostile
    query = "&".join(f"{k}={v}" for k, v in pairs)
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 302, 400), (path, query, response.status_code)
    response.get_data()     # a streamed export must finish without raising
    if path == "/api/search" and response.status_code == 400:
        assert response.get_json()["parameter"]
