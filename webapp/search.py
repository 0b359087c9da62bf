"""The search page: GET / renders a SearchResult server-side (every state in the URL)."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.fields import FACETS
from indexer.results import FacetValue, SearchResult
from indexer.search.facets import display_value, rate_shown, shown_first
from indexer.search.query.request import DEFAULT_PER_PAGE, MAX_PAGE, PER_PAGE_CHOICES, UNDATED, parse_request
from webapp import urlstate
from webapp.state import searcher
from webapp.wording import facet_label, plain_error

bp = Blueprint("search", __name__)

FACET_TOP = 8        # values shown before 'show more'
EXAMPLES = (
    "personal trainer upheld",
    'specialty:"pain management" opioid',
    '"functional restoration" overturned',
    "decided:2017-01..2017-02 acupuncture",
)


def _page_beyond_cap(args: MultiDict) -> int | None:
    """A whole page number past MAX_PAGE (the page then shows the last page, saying so)."""
    raw = args.get("page", "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 and int(raw) > MAX_PAGE else None


@bp.get("/")
def search_page() -> Response | str | tuple[str, int]:
    """Results for the query in the URL, the syntax help when there is none."""
    args = request.args.copy()
    asked = _page_beyond_cap(args)
    if asked:
        args["page"] = str(MAX_PAGE)
    try:
        search_request = parse_request(args)
    except QueryError as error:
        page = render_template("search.html", result=None, error=plain_error(error.param, error.message),
                               q=request.args.get("q", ""), empty=False, examples=EXAMPLES)
        return page, 400
    result = searcher().search(search_request)
    if result.query.open_case:
        # Back to search from the letter keeps the filters and sort, not the case number.
        back = urlencode([(k, v) for k, v in urlstate.state_pairs(request.args) if k not in ("q", "page")])
        return redirect(url_for("letters.letter_page", letter_id=result.query.open_case, back=back or None))
    asked = asked or search_request.page
    note = None
    if result.total and asked > result.pages:
        note = (f"There is no page {asked:,}: this search has {result.pages} page"
                f"{'' if result.pages == 1 else 's'}. Showing the last one.")
        result = searcher().search(replace(search_request, page=min(result.pages, MAX_PAGE)))
    empty = not (search_request.q.strip() or search_request.filters
                 or search_request.decided_from or search_request.decided_to)
    # A sort or a page chosen with nothing typed lists every decision in that order (newest first
    # from the home page's link), not the help again.
    listing_all = empty and any(request.args.get(k) for k in ("sort", "page", "per_page", "scope"))
    return render_template("search.html", result=result, error=None, q=search_request.q,
                           empty=empty, listing_all=listing_all, examples=EXAMPLES, histogram=year_histogram(result),
                           top=FACET_TOP, note=note, facets_shown=facets_shown(result))


def year_histogram(result: SearchResult) -> list[tuple[FacetValue, int]]:
    """Decision-year values in year order with a bar height 1-10 for the CSS histogram."""
    values = sorted((v for v in result.facets.get("year", []) if v.value != UNDATED), key=lambda v: str(v.value))
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


def facets_shown(result: SearchResult) -> list[tuple[str, str]]:
    """(name, label) of the facets with a value to show (no empty 'No values' boxes)."""
    return [(name, facet_label(name)) for name in FACETS if result.facets.get(name)]


@bp.app_context_processor
def helpers() -> dict:
    """Functions the search template calls."""
    return {"pages_around": pages_around, "rate_shown": rate_shown, "shown_first": shown_first,
            "display_value": display_value, "PER_PAGE_CHOICES": PER_PAGE_CHOICES,
            "DEFAULT_PER_PAGE": DEFAULT_PER_PAGE}
