"""Exports of a search: every hit as streamed CSV or JSON, and a facet's table as CSV.

Letter text goes into spreadsheets, so CSV cells lose control and bidi characters
(as on the pages) and every cell that a spreadsheet could run as a formula
(starting with = + - @, their fullwidth forms, tab or CR) gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from indexer.results import FacetValue, Hit, SearchRequest, SearchResult
from indexer.search.display import clean

COLUMNS = ("case_number", "letter_id", "item_no", "item", "decision", "decision_date",
           "specialties", "states", "categories", "synthetic", "doc_id")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet will evaluate as a formula."""
    text = "" if value is None else ("; ".join(map(str, value)) if isinstance(value, list) else str(value))
    text = clean(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _line(cells: Iterable[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([safe_cell(c) for c in cells])
    return buf.getvalue()


def _hits(source, request: SearchRequest | None) -> Iterable[Hit]:
    """Hits from an iterable of hits, or from a Searcher and a request."""
    if hasattr(source, "iter_hits"):
        if request is None:
            raise TypeError("a request is needed to export from a Searcher")
        return source.iter_hits(request)
    return source


def hit_row(hit: Hit) -> dict:
    """The exported fields of one hit."""
    return {c: getattr(hit, c) for c in COLUMNS}


def stream_csv(source, request: SearchRequest | None = None) -> Iterator[str]:
    """CSV lines (header first) of every hit: `source` is hits, or a Searcher with `request`."""
    yield _line(COLUMNS)
    for hit in _hits(source, request):
        row = hit_row(hit)
        yield _line(row[c] for c in COLUMNS)


def stream_json(source, request: SearchRequest | None = None) -> Iterator[str]:
    """A JSON array of every hit, one element per chunk."""
    yield "["
    for n, hit in enumerate(_hits(source, request)):
        yield ("," if n else "") + "\n" + json.dumps(hit_row(hit), ensure_ascii=False)
    yield "\n]\n"


def facet_csv(table: SearchResult | list[FacetValue], facet: str | None = None) -> str:
    """A facet's values with count, overturned count and overturn rate, as CSV."""
    if isinstance(table, SearchResult):
        if facet is None:
            raise TypeError("name the facet to export from a SearchResult")
        table = table.facets.get(facet, [])
    lines = [_line(("value", "count", "overturned", "overturn_rate"))]
    lines += [_line((v.value, v.count, v.overturned, f"{v.overturn_rate:.4f}")) for v in table]
    return "".join(lines)
