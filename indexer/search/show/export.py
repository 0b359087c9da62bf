"""Exports of a search: every hit in one of the FORMATS (streamed), and a facet's table as CSV.

The formats are a table: a name, a file extension, a content type and a function
from rows (dicts of COLUMNS) to text chunks. The web (one route, webapp.downloads)
and `imr search --format` both write them with `stream`, so their bytes are the same.

Letter text goes into spreadsheets, so CSV cells lose control and bidi characters
(as on the pages) and every cell that a spreadsheet could run as a formula
(starting with = + - @, their fullwidth forms, tab or CR) gets a leading apostrophe.
With the letter records at hand (`letters`), a row also carries what legal work
cites: the letter's outcome, both guidelines, the rationale and the letter's URL.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator
from urllib.parse import quote

from indexer.fields import FACET_LIST
from indexer.results import FacetValue, Hit, SearchRequest, SearchResult
from indexer.search.show.display import EITHER, clean

# The first eleven are the original columns (kept in place for existing sheets); then the letter's;
# then every other facet declared with a column (indexer.fields), in declaration order.
HIT_COLUMNS = ("case_number", "letter_id", "item_no", "item", "decision", "decision_date",
               "specialties", "states", "categories", "synthetic", "doc_id")
LETTER_COLUMNS = ("letter_url", "outcome", "claims_administrator_guideline", "maximus_guideline", "rationale")
FACET_COLUMNS = {f.column: f.name for f in FACET_LIST if f.column}         # column -> facet
COLUMNS = HIT_COLUMNS + LETTER_COLUMNS + tuple(c for c in FACET_COLUMNS if c not in HIT_COLUMNS + LETTER_COLUMNS)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOM = "\ufeff"
EXCEL_CELL_CHARS = 32_000       # Excel holds at most 32,767 characters in a cell
NAME_CHARS = 60                 # of the file name's part made from the query
ROWS_PER_CHUNK = 50             # rows of a streamed export written before they are sent


def _text(value: object) -> str:
    return "" if value is None else ("; ".join(map(str, value)) if isinstance(value, list) else str(value))


def _safe(text: str, limit: int | None) -> str:
    """A cleaned cell cut to `limit`, with a leading apostrophe where a spreadsheet would see a formula."""
    if limit is not None and len(text) > limit:
        text = text[:limit - 1] + "…"
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value: object, limit: int | None = None) -> str:
    """A CSV cell that no spreadsheet will evaluate as a formula (cut to `limit` characters)."""
    return _safe(clean(_text(value)), limit)


def safe_cells(values: Iterable[object], limit: int | None = None) -> list[str]:
    """safe_cell of each value; one scan of the whole row finds that most rows need no cleaning
    (an export writes ~18 cells a row)."""
    texts = [_text(v) for v in values]
    if EITHER.search("".join(texts)) is not None:
        texts = [clean(t) for t in texts]
    return [_safe(t, limit) for t in texts]


def csv_line(cells: Iterable[object], limit: int | None = None) -> str:
    """One CSV line (CRLF) of safe cells."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(safe_cells(cells, limit))
    return buf.getvalue()


def file_name(request: SearchRequest, day: str, extension: str, kind: str = "") -> str:
    """'imr-knee-surgery-overturned-2026-12-01.csv': the query and filter values in safe characters
    (`kind`, e.g. a facet's name, after 'imr-')."""
    words = [request.q, *(v for values in request.filters.values() for v in values)]
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")
    slug = slug[:NAME_CHARS].rstrip("-")
    kind = re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
    return "-".join(p for p in ("imr", kind, slug or ("" if kind else "search"), day) if p) + "." + extension


def _hits(source, request: SearchRequest | None) -> Iterable[Hit]:
    """Hits from an iterable of hits, or from a Searcher and a request."""
    if hasattr(source, "iter_hits"):
        if request is None:
            raise TypeError("a request is needed to export from a Searcher")
        return source.iter_hits(request)
    return source


Letters = Callable[[str], dict | None]
Records = Callable[[list[str]], dict[str, dict]]


def _lookup_one(letters: Letters) -> Records:
    """Records of several letters from a lookup of one (a letter that raises LookupError is None)."""
    def records(letter_ids: list[str]) -> dict[str, dict]:
        found = {}
        for letter_id in dict.fromkeys(letter_ids):
            try:
                found[letter_id] = letters(letter_id)
            except LookupError:
                pass
        return found
    return records


def _records_of(source, letters: Letters | None, records: Records | None) -> Records | None:
    """The record lookup: `records` (several at once), else `letters` (one at a time), else the
    Searcher's own (several at once)."""
    if records is not None:
        return records
    if letters is not None:
        return _lookup_one(letters)
    return getattr(source, "export_records", None)


def hit_row(hit: Hit, record: dict | None = None, site_url: str = "") -> dict:
    """The exported fields of one hit (COLUMNS); with its letter's record, the letter's fields too."""
    row = {c: hit.facets.get(FACET_COLUMNS[c]) if c in FACET_COLUMNS else getattr(hit, c) for c in HIT_COLUMNS}
    record = record or {}
    items = record.get("items") or []
    item = items[hit.item_no - 1] if 0 < hit.item_no <= len(items) else {}
    base = site_url.rstrip("/")
    row["letter_url"] = f"{base}/letters/{quote(hit.letter_id, safe='')}#item-{hit.item_no}" if base else None
    row["outcome"] = record.get("outcome")
    for key in ("claims_administrator_guideline", "maximus_guideline", "rationale"):
        row[key] = item.get(key)
    row.update((c, hit.facets.get(FACET_COLUMNS[c])) for c in COLUMNS[len(HIT_COLUMNS + LETTER_COLUMNS):])
    return row


def _rows(source, request: SearchRequest | None, letters: Letters | None, site_url: str,
          records: Records | None = None) -> Iterator[dict]:
    """Each hit's row, its letters' records read ROWS_PER_CHUNK hits at a time."""
    lookup = _records_of(source, letters, records)
    chunk: list[Hit] = []
    for hit in _hits(source, request):
        chunk.append(hit)
        if len(chunk) == ROWS_PER_CHUNK:
            yield from _chunk_rows(chunk, lookup, site_url)
            chunk = []
    yield from _chunk_rows(chunk, lookup, site_url)


def _chunk_rows(hits: list[Hit], lookup: Records | None, site_url: str) -> Iterator[dict]:
    found = lookup([h.letter_id for h in hits]) if lookup and hits else {}
    for hit in hits:
        yield hit_row(hit, found.get(hit.letter_id), site_url)


Rows = Iterable[dict]


def csv_lines(rows: Rows, excel: bool = False) -> Iterator[str]:
    """CSV lines (header first, CRLF) of the rows; `excel` starts with a UTF-8 BOM and cuts cells
    to what Excel holds. Rows come ROWS_PER_CHUNK to a chunk, from one writer."""
    limit = EXCEL_CELL_CHARS if excel else None
    yield (BOM if excel else "") + csv_line(COLUMNS)
    buf = io.StringIO()
    writer, count = csv.writer(buf, lineterminator="\r\n"), 0
    for row in rows:
        writer.writerow(safe_cells([row[c] for c in COLUMNS], limit))
        count += 1
        if count == ROWS_PER_CHUNK:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
            count = 0
    if count:
        yield buf.getvalue()


def excel_csv_lines(rows: Rows) -> Iterator[str]:
    """The CSV Excel opens right: UTF-8 BOM, CRLF, cells cut to fit."""
    return csv_lines(rows, excel=True)


def json_array(rows: Rows) -> Iterator[str]:
    """A JSON array of the rows, ROWS_PER_CHUNK elements to a chunk."""
    yield "["
    encode, chunk = json.JSONEncoder(ensure_ascii=False).encode, []
    for n, row in enumerate(rows):
        chunk.append(("," if n else "") + "\n" + encode(row))
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "\n]\n"


def json_lines(rows: Rows) -> Iterator[str]:
    """One JSON object a line (JSON Lines), ROWS_PER_CHUNK lines to a chunk."""
    encode, chunk = json.JSONEncoder(ensure_ascii=False).encode, []
    for row in rows:
        chunk.append(encode(row) + "\n")
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


@dataclass(frozen=True)
class Format:
    """An export format: `write` turns rows into text chunks; `extension` names its files."""

    name: str
    label: str
    extension: str
    content_type: str
    write: Callable[[Rows], Iterator[str]]


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", "CSV", "csv", "text/csv; charset=utf-8", csv_lines),
    Format("xlsx-csv", "CSV for Excel", "csv", "text/csv; charset=utf-8", excel_csv_lines),
    Format("json", "JSON", "json", "application/json", json_array),
    Format("jsonl", "JSON lines", "jsonl", "application/x-ndjson", json_lines),
)}


def stream(fmt: Format | str, source, request: SearchRequest | None = None, letters: Letters | None = None,
           site_url: str = "", records: Records | None = None) -> Iterator[str]:
    """Every hit in a format: `source` is hits, or a Searcher with `request`; `letters` looks one record
    up, `records` several at once (faster; a Searcher's `export_records` by default); `site_url` makes
    each row's letter_url (None without it)."""
    fmt = FORMATS[fmt] if isinstance(fmt, str) else fmt
    return fmt.write(_rows(source, request, letters, site_url, records))


def stream_csv(source, request: SearchRequest | None = None, letters: Letters | None = None,
               site_url: str = "", excel: bool = False) -> Iterator[str]:
    """`stream` in CSV (`excel`: CSV for Excel)."""
    return stream("xlsx-csv" if excel else "csv", source, request, letters, site_url)


def stream_json(source, request: SearchRequest | None = None, letters: Letters | None = None,
                site_url: str = "") -> Iterator[str]:
    """`stream` as a JSON array."""
    return stream("json", source, request, letters, site_url)


def facet_csv(table: SearchResult | list[FacetValue], facet: str | None = None) -> str:
    """A facet's values with count (items), overturned count, overturn rate, letters and the rate's interval, as CSV."""
    if isinstance(table, SearchResult):
        if facet is None:
            raise TypeError("name the facet to export from a SearchResult")
        table = table.facets.get(facet, [])
    # count is items; letters (a letter-level facet's distinct letters) and the rate's 95% Wilson
    # interval come after the original columns, so existing sheets keep theirs in place.
    lines = [csv_line(("value", "count", "overturned", "overturn_rate", "letters", "ci95_low", "ci95_high"))]
    for v in table:
        low, high = v.interval or (None, None)
        lines.append(csv_line((v.value, v.count, v.overturned, f"{v.overturn_rate:.4f}",
                            "" if v.letters is None else v.letters,
                            "" if low is None else f"{low:.4f}", "" if high is None else f"{high:.4f}")))
    return "".join(lines)
