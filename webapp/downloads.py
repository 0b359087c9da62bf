"""Downloads of a search: every hit in an export format (streamed), a facet's table, an Atom feed.

Every format of indexer.search.show.export.FORMATS is served by one route, `/export.<extension>`
(`format=` picks among formats sharing an extension: /export.csv?format=xlsx-csv, or the older
excel=1); /export.csv and /export.json keep the addresses they always had."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import chain
from typing import Iterable, Iterator

from flask import Blueprint, Response, abort, request, stream_with_context

from indexer.fields import FACETS
from indexer.errors import QueryError
from indexer.search.show.export import FORMATS, Format, facet_csv, file_name, stream
from indexer.search.show.feed import atom_feed
from indexer.search.query.request import parse_request
from webapp.security import external_url
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


def export_format(extension: str) -> Format:
    """The format a URL asks for: `format=` among those of the extension, `excel=1` (the CSV Excel
    opens right), else the extension's own; QueryError naming a bad parameter (404: no such extension)."""
    mine = [f for f in FORMATS.values() if f.extension == extension]
    if not mine:
        abort(404, "No such export format.")
    raw = request.args.get("excel", "").strip().lower()
    name = request.args.get("format", "").strip().lower()
    if raw not in ("", "0", "1", "true", "false"):
        raise QueryError("excel", "must be excel=1 or format=xlsx-csv")
    if raw in ("1", "true"):
        name = name or "xlsx-csv"
    chosen = FORMATS.get(name or extension)
    if chosen not in mine or (raw in ("1", "true") and chosen.name != "xlsx-csv"):
        raise QueryError("format", f"must be one of {', '.join(f.name for f in mine)} for .{extension}")
    return chosen


def site_url() -> str:
    """The absolute address of the site's root, for the letter links of an export."""
    return external_url("search.search_page")


def parsed_request():
    """The validated SearchRequest of this URL (QueryError becomes a 400)."""
    return parse_request(request.args)


@bp.get("/export.<extension>")
def export(extension: str) -> Response:
    """Every hit of the search in the format asked for, streamed."""
    search_request, fmt = parsed_request(), export_format(extension)
    hits = started(searcher().iter_hits(search_request))
    body = stream(fmt, hits, records=searcher().export_records, site_url=site_url())
    name = file_name(search_request, date.today().isoformat(), fmt.extension)
    return attachment(stream_with_context(body), fmt.content_type, name)


# The addresses pages have always linked to, by the names templates use.
bp.add_url_rule("/export.csv", "export_csv", export, defaults={"extension": "csv"})
bp.add_url_rule("/export.json", "export_json", export, defaults={"extension": "json"})


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
    query = request.query_string.decode("utf-8", "replace")
    body = atom_feed(result, self_url=external_url("exports.feed") + (f"?{query}" if query else ""),
                     site_url=external_url("search.search_page"))
    return Response(body, mimetype="application/atom+xml")
