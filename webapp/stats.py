"""The statistics view of a search: a cross-tab by one or two dimensions as a chart, its table,
downloads (CSV, JSON, SVG) and the JSON API; every state in the URL, so a table is shared by its link.

GET /stats?q=...&f.category=...&by=year&by=category   the page
GET /api/stats?...                                     the table as JSON (400 naming `by` when wrong)
GET /stats.csv /stats.json /stats.svg                  the downloads
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request

from indexer.errors import QueryError
from indexer.search.crosstab import Table, check_dimensions, dimension_names
from indexer.intervals import FEW_ITEMS, few, percent
from indexer.search.query.request import parse_request
from indexer.search.show.chart import chart_svg
from indexer.search.show.export import file_name
from indexer.search.show.tables import table_csv
from indexer.search.units import describe_all, label, level, short_note
from webapp import urlstate
from webapp.state import searcher

bp = Blueprint("stats", __name__)

DEFAULT_BY = ["year"]


def _by(default: list[str] | None = None) -> list[str]:
    """The dimensions in the URL (`by`, once or twice), validated; `default` when there are none."""
    asked = [b for b in request.args.getlist("by") if b.strip()]
    if not asked and default:
        return default
    return check_dimensions(asked)


def _table() -> tuple[Table, object]:
    search_request = parse_request(request.args)
    return searcher().crosstab(search_request, _by(DEFAULT_BY)), search_request


def _title(table: Table, q: str) -> str:
    what = " and ".join(label(b) for b in table.by)
    return f"Requests by {what}" + (f" · “{q.strip()}”" if q.strip() else "")


def _state(by: list[str]) -> str:
    """The search state and the dimensions as a query string (downloads, share link)."""
    pairs = urlstate.state_pairs(request.args)
    return "?" + urlencode([(k, v) for k, v in pairs if k != "page"] + [("by", b) for b in by])


def _attachment(body: str, content_type: str, name: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/stats")
def stats_page() -> str | tuple[str, int]:
    """The chart and table of the search in the URL by the chosen dimensions (default: year)."""
    try:
        table, search_request = _table()
    except QueryError as error:
        page = render_template("stats.html", table=None, error=f"{error.param}: {error.message}",
                               dimensions=_choices(), by=[], q=request.args.get("q", ""))
        return page, 400
    return render_template("stats.html", table=table, error=None, q=search_request.q,
                           svg=chart_svg(table, _title(table, search_request.q)), by=table.by,
                           dimensions=_choices(), state=_state(table.by), hidden=_hidden(),
                           few=few, percent=percent, FEW_ITEMS=FEW_ITEMS, level=level, label=label)


def _choices() -> list[tuple[str, str]]:
    return [(name, label(name)) for name in dimension_names()]


def _hidden() -> list[tuple[str, str]]:
    """The search state the dimension form carries along unchanged (the query is its own field)."""
    return [(k, v) for k, v in urlstate.state_pairs(request.args) if k not in ("q", "page", "sort", "per_page")]


@bp.app_context_processor
def unit_helpers() -> dict:
    """What a facet's counts count, for the results page's sidebar."""
    return {"unit_note": short_note}


@bp.get("/api/stats")
def stats_api() -> Response:
    """The table as JSON: dimensions, totals, cells with letters and intervals, and every facet's unit."""
    search_request = parse_request(request.args)
    table = searcher().crosstab(search_request, _by())
    return jsonify({**table.to_dict(), "units": describe_all(), "request": {"q": search_request.q,
                    "filters": search_request.filters, "scope": search_request.scope}})


@bp.get("/stats.csv")
def stats_csv() -> Response:
    """The table as CSV."""
    table, search_request = _table()
    name = file_name(search_request, date.today().isoformat(), "csv", kind="stats-" + "-".join(table.by))
    return _attachment(table_csv(table), "text/csv; charset=utf-8", name)


@bp.get("/stats.json")
def stats_json() -> Response:
    """The table as a JSON download."""
    table, search_request = _table()
    name = file_name(search_request, date.today().isoformat(), "json", kind="stats-" + "-".join(table.by))
    response = jsonify(table.to_dict())
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/stats.svg")
def stats_svg() -> Response:
    """The chart as a standalone SVG file."""
    table, search_request = _table()
    name = file_name(search_request, date.today().isoformat(), "svg", kind="stats-" + "-".join(table.by))
    response = _attachment(chart_svg(table, _title(table, search_request.q)), "image/svg+xml", name)
    # Opened on its own, the file runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response
