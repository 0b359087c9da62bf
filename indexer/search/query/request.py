"""URL parameters -> a validated SearchRequest (no Whoosh: the web layer and any client can use it).

Every parameter is checked here and a bad one raises QueryError naming it,
which the API answers with a 400 and the pages with a plain message.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping

from indexer.errors import QueryError
from indexer.fields import FACETS, FILTER_PREFIX, SCOPE_FIELDS, UNDATED, param_facet
from indexer.results import SearchRequest
from indexer.search.query import caps

MAX_CHARS = 1000          # of query text searched (indexer.search.query.parser cuts it there, saying so)
MAX_PAGE = 500
MAX_PER_PAGE = 100
PER_PAGE_CHOICES = (10, 20, 50, 100)   # what the page offers; the API takes any 1..MAX_PER_PAGE
DEFAULT_PER_PAGE = 20
SORTS = ("relevance", "newest", "oldest")
SCOPES = tuple(SCOPE_FIELDS)   # item, decision, letter: the text fields each counts


def _get_list(args: Mapping[str, Any], key: str) -> list[str]:
    if hasattr(args, "getlist"):
        values = args.getlist(key)
    else:
        raw = args.get(key)
        values = raw if isinstance(raw, (list, tuple)) else ([] if raw is None else [raw])
    return [str(v) for v in values]


def _get(args: Mapping[str, Any], key: str, default: str = "") -> str:
    values = _get_list(args, key)
    return values[0] if values else default


def _int(args: Mapping[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    raw = _get(args, key).strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d{1,9}", raw) or not lo <= int(raw) <= hi:
        raise QueryError(key, f"must be a whole number from {lo} to {hi}")
    return int(raw)


def _iso_date(args: Mapping[str, Any], key: str, end: bool = False) -> str | None:
    """An ISO day from YYYY-MM-DD, or YYYY-MM / YYYY as `decided:` reads them: the first day
    of the month or year for a lower bound, the last for an upper one (`end`)."""
    raw = _get(args, key).strip()
    if not raw:
        return None
    try:
        if re.fullmatch(r"\d{4}", raw):
            return date(int(raw), 12 if end else 1, 31 if end else 1).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}", raw):
            year, month = int(raw[:4]), int(raw[5:])
            first = date(year, month, 1)
            if not end:
                return first.isoformat()
            following = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1).isoformat()
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise QueryError(key, "must be a date like 2016-12-31 (or 2016-12, 2016)") from None


def _flag(args: Mapping[str, Any], key: str, default: bool) -> bool:
    raw = _get(args, key).strip().lower()
    if not raw:
        return default
    if raw not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise QueryError(key, "must be 1 or 0")
    return raw in ("1", "true", "yes", "on")


def _scope(args: Mapping[str, Any]) -> str | None:
    raw = _get(args, "scope").strip().lower()
    if raw and raw not in SCOPES:
        raise QueryError("scope", f"must be one of {', '.join(SCOPES)}")
    return raw or None


def _filters(args: Mapping[str, Any]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for key in list(args.keys()):
        name = param_facet(key)
        if key.startswith(FILTER_PREFIX) and name not in FACETS:
            raise QueryError(key, f"unknown facet; known: {', '.join(FACETS)}")
        if name not in FACETS:
            continue
        values = [v.strip() for v in _get_list(args, key) if v.strip()]
        if name == "year":
            values = [UNDATED if v.lower() == UNDATED.lower() else v for v in values]
            if any(not re.fullmatch(r"\d{4}", v) and v != UNDATED for v in values):
                raise QueryError(key, f"years are four digits, like 2016 (or {UNDATED})")
        if any(len(v) > caps.MAX_VALUE_CHARS for v in values):
            raise QueryError(key, f"value too long (at most {caps.MAX_VALUE_CHARS} characters)")
        filters[name] = list(dict.fromkeys(filters.get(name, []) + values))   # de-duplicated, in order
    return {k: v for k, v in filters.items() if v}


def parse_request(args: Mapping[str, Any]) -> SearchRequest:
    """Validate URL parameters into a SearchRequest; raises QueryError(param, message)."""
    caps.check_params(args, FACETS)
    sort = _get(args, "sort", "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise QueryError("sort", f"must be one of {', '.join(SORTS)}")
    lo, hi = _iso_date(args, "decided_from"), _iso_date(args, "decided_to", end=True)
    if lo and hi and lo > hi:
        raise QueryError("decided_from", "is after decided_to")
    return SearchRequest(
        q=_get(args, "q")[: MAX_CHARS * 4],
        filters=_filters(args),
        sort=sort,
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        literal=_flag(args, "literal", False),
        synonyms=_flag(args, "synonyms", True),
        spell=_flag(args, "spell", True),
        scope=_scope(args),
        decided_from=lo,
        decided_to=hi,
    )
