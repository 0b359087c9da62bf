"""Display characters: Atom and CSV strip control and bidi characters as the pages do,
and a CSV cell starting with a fullwidth formula character is guarded like '='."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from indexer.search.show.export import safe_cell

BIDI = "\u202eevil\u202c \u2066iso\u2069 \u200fmark"
CONTROLS = "bell\x07 esc\x1b"


@pytest.fixture(scope="module")
def client(tmp_path_factory, hostile_letter, publish):
    from indexer.settings import Settings
    from webapp import create_app

    rec = hostile_letter()
    rec["items"][0]["item"] = f"\uff1dHYPERLINK(1) Hoverboard {BIDI} {CONTROLS}"
    rec["items"][0]["rationale"] = f"The hoverboard is needed. {BIDI} {CONTROLS}."
    settings = Settings(index_dir=tmp_path_factory.mktemp("display"), jobs=1)
    publish(settings, [rec])
    return create_app(settings).test_client()


def assert_no_invisible(text: str) -> None:
    for char in "\u202e\u202c\u2066\u2069\u200f\x07\x1b":
        assert char not in text, repr(char)


def test_atom_titles_and_summaries_lose_bidi_and_controls(client):
    response = client.get("/feed.atom?q=hoverboard")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_no_invisible(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = ET.fromstring(body).find("a:entry", ns)
    assert "evil iso mark" in entry.find("a:title", ns).text
    assert "bell esc" in entry.find("a:summary", ns).text


def test_csv_cells_lose_bidi_and_controls_and_fullwidth_formulas_are_guarded(client):
    response = client.get("/export.csv?q=hoverboard")
    body = response.get_data(as_text=True)
    assert_no_invisible(body)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and rows[0]["item"].startswith("'\uff1dHYPERLINK")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_every_formula_start_is_guarded_also_behind_invisible_characters(start):
    assert safe_cell(f"{start}1+1").startswith("'")
    assert safe_cell(f"\u202e\x1b{start}1+1") == f"'{start}1+1"
