"""Downloads of a search: every hit as CSV or JSON (streamed), a facet's table, an Atom feed."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import chain
from typing import Iterable, Iterator

from flask import Blueprint, Response, abort, request, stream_with_context, url_for

from indexer.fields import FACETS
from indexer.errors import QueryError
from indexer.search.show.export import facet_csv, file_name, stream_csv, stream_json
from indexer.search.show.feed import atom_feed
from indexer.search.query.request import parse_request
from webapp.state import searcher

bp = Blueprint("exports", __name__)

FEED_SIZE = 50


def started(items: Iterable) -> Iterator:
    """`items` with its first element already taken, so index errors surface before streaming."""
    iterator = iter(items)
    first = next(iterator, None)
    return iterator if first is None else chain([first], iterator)


def attachment(body: Iterable | str | bytes, content_type: str, filename: str) -> Response:
    """A download response; `content_type` is the whole header (one charset, not Flask's added twice)."""
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def excel_wanted() -> bool:
    """`excel=1` (or `format=xlsx-csv`): the CSV Excel opens right (UTF-8 BOM, CRLF, cells cut to fit)."""
    raw = request.args.get("excel", "").strip().lower()
    fmt = request.args.get("format", "").strip().lower()
    if raw not in ("", "0", "1", "true", "false") or fmt not in ("", "csv", "xlsx-csv"):
        raise QueryError("excel" if raw not in ("", "0", "1", "true", "false") else "format",
                         "must be excel=1 or format=xlsx-csv")
    return raw in ("1", "true") or fmt == "xlsx-csv"


def site_url() -> str:
    """The absolute address of the site's root, for the letter links of an export."""
    return url_for("search.search_page", _external=True)


def parsed_request():
    """The validated SearchRequest of this URL (QueryError becomes a 400)."""
    return parse_request(request.args)


@bp.get("/export.csv")
def export_csv() -> Response:
    """Every hit of the search as CSV, streamed."""
    search_request, excel = parsed_request(), excel_wanted()
    hits = started(searcher().iter_hits(search_request))
    body = stream_csv(hits, letters=searcher().letter, site_url=site_url(), excel=excel)
    name = file_name(search_request, date.today().isoformat(), "csv")
    return attachment(stream_with_context(body), "text/csv; charset=utf-8", name)


@bp.get("/export.json")
def export_json() -> Response:
    """Every hit of the search as a JSON array, streamed."""
    search_request = parsed_request()
    hits = started(searcher().iter_hits(search_request))
    body = stream_json(hits, letters=searcher().letter, site_url=site_url())
    name = file_name(search_request, date.today().isoformat(), "json")
    return attachment(stream_with_context(body), "application/json", name)


@bp.get("/facets/<facet>.csv")
def facet_table(facet: str) -> Response:
    """One facet's values for the search with counts and overturn rates, as CSV."""
    if facet not in FACETS:
        abort(404, "No such facet.")
    search_request = parsed_request()
    table = searcher().facet_table(search_request, facet)
    name = file_name(search_request, date.today().isoformat(), "csv", kind=facet)
    return attachment(facet_csv(table), "text/csv; charset=utf-8", name)


@bp.get("/feed.atom")
def feed() -> Response:
    """The newest decisions matching the search, as an Atom feed."""
    newest = replace(parsed_request(), sort="newest", page=1, per_page=FEED_SIZE)
    result = searcher().search(newest)
    body = atom_feed(result, self_url=request.url, site_url=url_for("search.search_page", _external=True))
    return Response(body, mimetype="application/atom+xml")
