"""Walking the search: date windows, every page of each, a window split when its total is too large.

The case search gives each case's outcome, dates and specialty; the treatment
search over the same window gives its treatments (category, subcategory,
decision), attached to the cases the case search listed. A window listed
completely is remembered in the manifest, and not listed again once it was
listed a week after it ended (decisions are posted with some delay).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from indexer.errors import SiteChanged
from indexer.fetch import site
from indexer.fetch.client import Client
from indexer.fetch.manifest import Manifest
from indexer.record import overall_outcome

# A window listed this long after its end is complete: later decisions are not back-dated further.
SETTLE_DAYS = 7


@dataclass
class Walk:
    """One run's walk of the search: where, how, what was found and what went wrong."""

    client: Client
    manifest: Manifest
    base: str                        # the site's base address
    window_results: int
    outcome: str | None = None       # CaseOutcomeV: Uphold / Overturn / Partial Overturn
    specialty: str | None = None
    listed: int = 0                  # case rows recorded
    windows: int = 0                 # windows listed (not skipped)
    skipped: int = 0                 # windows already listed and settled
    problems: list[str] = field(default_factory=list)

    @property
    def filters(self) -> str:
        """The filters as part of a window's key (a window listed with others is not the same listing)."""
        return json.dumps([self.outcome or "", self.specialty or ""])


def windows(start: date, end: date, days: int) -> list[tuple[date, date]]:
    """[start, end] cut into windows of `days` days, oldest first."""
    found, day = [], start
    while day <= end:
        last = min(end, day + timedelta(days=max(1, days) - 1))
        found.append((day, last))
        day = last + timedelta(days=1)
    return found


def settled(listed_at: str | None, end: date) -> bool:
    """True when a window was listed SETTLE_DAYS or more after its last day."""
    if not listed_at:
        return False
    return datetime.fromisoformat(listed_at).date() >= end + timedelta(days=SETTLE_DAYS)


def _page(walk: Walk, kind: str, window: tuple[date, date], number: int,
          carried: site.Row | None) -> site.Page:
    fields = site.search_form(kind, window, number, walk.outcome if kind == site.CASE else None, walk.specialty)
    answer = walk.client.post(site.search_url(walk.base), fields)
    where = f"{'case' if kind == site.CASE else 'treatment'} search {window[0]}..{window[1]} page {number}"
    if answer.status != 200:
        raise SiteChanged(f"{where}: the search answered HTTP {answer.status} (is it still at "
                          f"{site.search_url(walk.base)}?)")
    return site.parse_page(answer.text(), kind, walk.base, where, carried)


def list_window(walk: Walk, kind: str, window: tuple[date, date]) -> None:
    """List every page of one window (split in two while its total is too large) into the manifest."""
    start, end = window
    if settled(walk.manifest.window_listed(kind, start.isoformat(), end.isoformat(), walk.filters), end):
        walk.skipped += 1
        return
    page = _page(walk, kind, window, 1, None)
    if page.total > walk.window_results and end > start:
        middle = start + (end - start) // 2
        list_window(walk, kind, (start, middle))
        list_window(walk, kind, (middle + timedelta(days=1), end))
    else:
        rows, number = list(page.rows), 1
        most = page.total // site.PAGE_ROWS + 2     # a next-page form offered beyond this is a loop
        while page.has_next:
            number += 1
            if number > most:
                raise SiteChanged(f"search {start}..{end}: the next-page form is still offered on page {number} "
                                  f"of a total of {page.total}")
            page = _page(walk, kind, window, number, rows[-1] if rows else None)
            rows += page.rows
        if kind == site.CASE:
            site.check_last_page(page, number, f"case search {start}..{end}")
        _store(walk, kind, window, rows, page.total)
    walk.windows += 1
    walk.manifest.record_window(kind, start.isoformat(), end.isoformat(), walk.filters, page.total)


def _store(walk: Walk, kind: str, window: tuple[date, date], rows: list[site.Row], total: int) -> None:
    if kind == site.CASE:
        for row in rows:
            walk.manifest.record_listed(vars(row))
        walk.listed += len(rows)
        distinct = len({r.case_number for r in rows})
        if distinct != total:
            walk.problems.append(f"search {window[0]}..{window[1]}: its total says {total} cases, its pages "
                                 f"listed {distinct}; run again to list the window anew")
        return
    merged: dict[str, list] = {}
    for row in rows:     # a case's treatments may be split over two pages
        merged.setdefault(row.case_number, []).extend(row.treatments)
    for number, treatments in merged.items():
        walk.manifest.record_treatments(number, treatments)


def derived_outcome(treatments: list[tuple[str, str, str]]) -> str | None:
    """The case outcome from its treatments' decisions (a case lookup does not show the outcome)."""
    return overall_outcome([{"decision": site.outcome_of(t[2])} for t in treatments])


def list_case(walk: Walk, case_number: str) -> bool:
    """Look one case up (`GET ?caseno=`) and record it with its treatments; False when not found."""
    answer = walk.client.get(site.case_url(walk.base, case_number))
    where = f"case {case_number}"
    if answer.status != 200:
        raise SiteChanged(f"{where}: the case lookup answered HTTP {answer.status}")
    rows = [r for r in site.parse_page(answer.text(), site.TREATMENT, walk.base, where).rows
            if r.case_number == case_number.upper()]
    if not rows:
        return False
    row = rows[0]
    for other in rows[1:]:
        row.treatments += other.treatments
    row.outcome = derived_outcome(row.treatments)
    walk.manifest.record_listed(vars(row))
    walk.manifest.record_treatments(row.case_number, row.treatments)
    walk.listed += 1
    return True
