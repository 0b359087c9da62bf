"""The search page: GET / renders a SearchResult server-side (every state in the URL)."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from indexer.errors import QueryError
from indexer.results import FacetValue, SearchResult
from indexer.search.request import parse_request
from webapp.state import searcher

bp = Blueprint("search", __name__)

FACET_TOP = 8        # values shown before 'show more'
EXAMPLES = (
    "personal trainer upheld",
    'specialty:"pain management" opioid',
    '"functional restoration" overturned',
    "decided:2017-01..2017-02 acupuncture",
)


@bp.get("/")
def search_page() -> Response | str | tuple[str, int]:
    """Results for the query in the URL, the syntax help when there is none."""
    try:
        search_request = parse_request(request.args)
    except QueryError as error:
        page = render_template("search.html", result=None, error=f"{error.param}: {error.message}",
                               q=request.args.get("q", ""), empty=False, examples=EXAMPLES)
        return page, 400
    result = searcher().search(search_request)
    if result.query.open_case:
        return redirect(url_for("letters.letter_page", letter_id=result.query.open_case))
    empty = not (search_request.q.strip() or search_request.filters
                 or search_request.decided_from or search_request.decided_to)
    return render_template("search.html", result=result, error=None, q=search_request.q,
                           empty=empty, examples=EXAMPLES, histogram=year_histogram(result),
                           top=FACET_TOP)


def year_histogram(result: SearchResult) -> list[tuple[FacetValue, int]]:
    """Decision-year values in year order with a bar height 1-10 for the CSS histogram."""
    values = sorted(result.facets.get("year", []), key=lambda v: str(v.value))
    most = max((v.count for v in values), default=0)
    return [(v, max(1, round(10 * v.count / most))) for v in values] if most else []


def pages_around(result: SearchResult, width: int = 2) -> list[int | None]:
    """Page numbers to link: first, last and a window around the current one (None = gap)."""
    current, last = result.request.page, result.pages
    shown = sorted({1, last, *range(max(1, current - width), min(last, current + width) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@bp.app_context_processor
def helpers() -> dict:
    """Functions the search template calls."""
    return {"pages_around": pages_around}
