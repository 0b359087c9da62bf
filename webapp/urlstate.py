"""Template helpers: links that change one piece of the query state, and text filters."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from flask import Flask, current_app, g, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.fields import FACETS, FIELD_FACETS
from indexer.results import Suggestion
from indexer.search.query import caps
from webapp import text

# Parameters that carry the search state (everything else in the URL is dropped).
STATE_PARAMS = ("q", "sort", "literal", "synonyms", "scope", "page", "per_page", "decided_from", "decided_to")
PREFIX = "f."
# A letter page's `back=` (the search it was opened from) is at most this long; a longer
# search is not carried (Back to search then keeps the words only).
MAX_BACK_CHARS = 4096
LINK_STAND_IN = "imr-letter-id"   # a letter id url_for leaves as it is, replaced in letter_url


def check_caps() -> None:
    """Refuse (QueryError, a 400) a request over the URL caps of indexer.search.query.caps, before any work."""
    caps.check_url(len(request.query_string))
    caps.check_params(request.args, FACETS)


def state_pairs(args: MultiDict) -> list[tuple[str, str]]:
    """The (key, value) pairs of `args` that carry search state, de-duplicated, in order."""
    kept, seen = [], set()
    for key, value in args.items(multi=True):
        if key in FACETS:          # a bare facet name is accepted too: spell it one way
            key = PREFIX + key
        if key in STATE_PARAMS or (key.startswith(PREFIX) and key[len(PREFIX):] in FACETS):
            if value != "" and (key, value) not in seen:   # a set: linear in the number of values
                seen.add((key, value))
                kept.append((key, value))
    return kept


def _pairs() -> list[tuple[str, str]]:
    """The state's (key, value) pairs, worked out once per request (every link of a page starts from them)."""
    if "imr_state" not in g:
        g.imr_state = state_pairs(request.args)
    return g.imr_state


def _decoded(query: str) -> MultiDict:
    """A query string's pairs (nothing when it has more than the URL caps allow)."""
    try:
        return MultiDict(parse_qsl(query, max_num_fields=caps.MAX_PARAMS))
    except ValueError:
        return MultiDict()


def back_state() -> str | None:
    """The search a letter link should lead back to, as a query string: on a search page its own
    state, on a letter page the `back=` it came with (checked); None when there is none or it is too long."""
    if "imr_back" not in g:
        if request.blueprint == "search":
            encoded = urlencode(_pairs())
        else:
            raw = request.args.get("back", "")
            pairs = state_pairs(_decoded(raw)) if len(raw) <= MAX_BACK_CHARS else []
            encoded = urlencode(pairs)
        g.imr_back = encoded if encoded and len(encoded) <= MAX_BACK_CHARS else None
    return g.imr_back


def back_to_search() -> str:
    """The search page with the state a letter page was opened from (only ever this site's search
    path: `back=` is re-read as search parameters, never followed as an address)."""
    back = back_state()
    path = url_for("search.search_page")
    if back:
        return path + "?" + back
    q = request.args.get("q", "")
    return path + ("?" + urlencode({"q": q}) if q else "")


def _letter_link(**extra: object) -> str:
    """`url_for` of a letter page with this request's query and back state (and `extra`)."""
    q = request.args.get("q", "") if request.blueprint != "search" else dict(_pairs()).get("q", "")
    return url_for("letters.letter_page", q=q or None, back=back_state(), **extra)


def letter_url(letter_id: str, item_no: int | None = None, **extra: object) -> str:
    """A letter page's link carrying the query (for highlighting) and the search to go back to."""
    if extra:
        url = _letter_link(letter_id=letter_id, **extra)
    else:
        # A page links ~60 letters with the same query string: url_for once, with a stand-in id,
        # then each id through the route's own converter (what url_for would do with it).
        # A letter's items link it again: each id's link is kept for the request.
        links = g.get("imr_letter_links")
        if links is None:
            before, _, after = _letter_link(letter_id=LINK_STAND_IN).partition(LINK_STAND_IN)
            g.imr_letter_base = before, after, current_app.url_map.converters["default"](current_app.url_map)
            links = g.imr_letter_links = {}
        url = links.get(letter_id)
        if url is None:
            before, after, converter = g.imr_letter_base
            url = links[letter_id] = before + converter.to_url(letter_id) + after
    return url + (f"#item-{item_no}" if item_no else "")


def state() -> MultiDict:
    """The current request's search state as a MultiDict (unknown parameters dropped)."""
    return MultiDict(_pairs())


def query_string(args: MultiDict) -> str:
    """'?a=b&...' for a state ('' when empty)."""
    encoded = urlencode(list(args.items(multi=True)))
    return "?" + encoded if encoded else ""


def here(args: MultiDict) -> str:
    """This page's path with a state."""
    return request.path + query_string(args)


def with_state(keep_page: bool = False, **changes: object) -> str:
    """The current state with some parameters set (None removes them); page resets."""
    args = state()
    if not keep_page:
        args.pop("page", None)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = str(value)
    return here(args)


def toggle_filter(facet: str, value: str) -> str:
    """The current state with one facet value added or removed."""
    args, key = state(), PREFIX + facet
    args.pop("page", None)
    values = args.poplist(key)
    values = [v for v in values if v != value] if value in values else values + [value]
    for v in values:
        args.add(key, v)
    return here(args)


def without_word(word: str) -> str:
    """The current state with one understood word (a chip) taken out of the query."""
    args = state()
    args.pop("page", None)
    q = args.get("q", "")
    pattern = r"(?<![\w\"])%s(?![\w\"])" % re.escape(word)
    q = re.sub(pattern, " ", q, count=1, flags=re.IGNORECASE)
    if word in q:  # e.g. a quoted field query: take it out verbatim
        q = q.replace(word, " ", 1)
    args["q"] = " ".join(q.split())
    if not args["q"]:
        args.pop("q")
    return here(args)


def suggestion_url(suggestion: Suggestion) -> str:
    """An offered filter applied: its value selected and the words that named it taken out of the query
    (what the offer counted: `physical therapy pain management` -> physical therapy, by Pain Management)."""
    args, key = state(), PREFIX + suggestion.facet
    args.pop("page", None)
    if suggestion.value not in args.getlist(key):
        args.add(key, suggestion.value)
    q = " ".join(re.sub(r"(?<!\w)%s(?!\w)" % r"\s+".join(map(re.escape, suggestion.word.split())), " ",
                        args.get("q", ""), count=1, flags=re.IGNORECASE).split())
    args.pop("q", None)
    if q:
        args["q"] = q
    return here(args)


def export_query() -> str:
    """The state for exports and feeds: everything but paging (worked out once per request: a
    results page links it ~17 times)."""
    if "imr_export_query" not in g:
        args = state()
        args.pop("page", None)
        g.imr_export_query = query_string(args)
    return g.imr_export_query


def percent(rate: float) -> str:
    """'12%' for 0.12."""
    return f"{round(rate * 100)}%"


def register(app: Flask) -> None:
    """Install the filters and globals the templates use."""
    app.jinja_env.filters.update(clean=text.clean, marked=text.marked,
                                 highlight=text.highlight, percent=percent)
    app.jinja_env.globals.update(with_state=with_state, toggle_filter=toggle_filter,
                                 without_word=without_word, export_query=export_query,
                                 suggestion_url=suggestion_url,
                                 letter_url=letter_url, back_to_search=back_to_search,
                                 FACETS=FACETS, ALIAS_FACETS=FIELD_FACETS, PREFIX=PREFIX)
    app.before_request(check_caps)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
