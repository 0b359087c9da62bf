"""Downloads of a search: every hit as CSV or JSON (streamed), a facet's table, an Atom feed."""
from __future__ import annotations

from dataclasses import replace
from itertools import chain
from typing import Iterable, Iterator

from flask import Blueprint, Response, abort, request, stream_with_context, url_for

from indexer.fields import FACETS
from indexer.search.export import facet_csv, stream_csv, stream_json
from indexer.search.feed import atom_feed
from indexer.search.request import parse_request
from webapp.state import searcher

bp = Blueprint("exports", __name__)

FEED_SIZE = 50


def started(items: Iterable) -> Iterator:
    """`items` with its first element already taken, so index errors surface before streaming."""
    iterator = iter(items)
    first = next(iterator, None)
    return iterator if first is None else chain([first], iterator)


def attachment(body: Iterable | str | bytes, mimetype: str, filename: str) -> Response:
    """A download response."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def parsed_request():
    """The validated SearchRequest of this URL (QueryError becomes a 400)."""
    return parse_request(request.args)


@bp.get("/export.csv")
def export_csv() -> Response:
    """Every hit of the search as CSV, streamed."""
    hits = started(searcher().iter_hits(parsed_request()))
    return attachment(stream_with_context(stream_csv(hits)), "text/csv", "imr-search.csv")


@bp.get("/export.json")
def export_json() -> Response:
    """Every hit of the search as a JSON array, streamed."""
    hits = started(searcher().iter_hits(parsed_request()))
    return attachment(stream_with_context(stream_json(hits)), "application/json", "imr-search.json")


@bp.get("/facets/<facet>.csv")
def facet_table(facet: str) -> Response:
    """One facet's values for the search with counts and overturn rates, as CSV."""
    if facet not in FACETS:
        abort(404, "No such facet.")
    table = searcher().facet_table(parsed_request(), facet)
    return attachment(facet_csv(table), "text/csv", f"imr-{facet}.csv")


@bp.get("/feed.atom")
def feed() -> Response:
    """The newest decisions matching the search, as an Atom feed."""
    newest = replace(parsed_request(), sort="newest", page=1, per_page=FEED_SIZE)
    result = searcher().search(newest)
    body = atom_feed(result, self_url=request.url, site_url=url_for("search.search_page", _external=True))
    return Response(body, mimetype="application/atom+xml")
