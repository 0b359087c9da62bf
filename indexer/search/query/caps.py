"""Caps on URL parameters, so the work of one request is bounded before any is done.

The search page, the JSON API, the exports and the feed all check these (the web
layer for every request, `indexer.search.query.parser.parse_request` for every search);
a request over one is refused with QueryError naming what was too many or too long.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

from indexer.fields import FACETS, FILTER_PREFIX, filter_param, param_facet

MAX_URL_BYTES = 65536         # the query string, as sent (a long query text is cut to 1,000 characters, not refused)
MAX_PARAMS = 100              # key=value pairs in all, repeated keys counted each time
MAX_VALUES_PER_FACET = 50     # values of one facet (f.specialty=A&f.specialty=B...)
MAX_FACETS = len(FACETS)      # facets filtered at once: every facet there is
MAX_VALUE_CHARS = 200         # one facet value


def _pairs(args: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    if hasattr(args, "items") and hasattr(args, "getlist"):
        return args.items(multi=True)
    out = []
    for key, value in args.items():
        out.extend((key, v) for v in (value if isinstance(value, (list, tuple)) else [value]))
    return out


def check_url(query_bytes: int) -> None:
    """QueryError('url', ...) when the query string is longer than MAX_URL_BYTES."""
    from indexer.errors import QueryError

    if query_bytes > MAX_URL_BYTES:
        raise QueryError("url", f"the query string is {query_bytes:,} bytes; at most {MAX_URL_BYTES:,}")


def check_params(args: Mapping[str, Any], facets: Iterable[str]) -> None:
    """QueryError naming the parameter when `args` has too many pairs, facets or values of one facet."""
    from indexer.errors import QueryError

    pairs = list(_pairs(args))
    if len(pairs) > MAX_PARAMS:
        raise QueryError("parameters", f"{len(pairs):,} parameters; at most {MAX_PARAMS}")
    known = set(facets)
    per_facet = Counter(param_facet(key) for key, _ in pairs if param_facet(key) in known)
    if len(per_facet) > MAX_FACETS:
        raise QueryError(FILTER_PREFIX, f"{len(per_facet)} facets filtered; at most {MAX_FACETS}")
    for facet, count in per_facet.items():
        if count > MAX_VALUES_PER_FACET:
            raise QueryError(filter_param(facet), f"{count:,} values; at most {MAX_VALUES_PER_FACET} per facet")
