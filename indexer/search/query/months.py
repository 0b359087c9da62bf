"""A month as people say it with its year: `December 2016`, `Dec 2016`, `Sept. 2016`, `12/2016`, `in December of 2016`.

A year typed as a word is the Year filter (understand.py); a month with its year is the same kind of
filter, narrower: the decision date's range over that month, as the `decided:2016-12` chip would be
(indexer.search.query.parser.date_bounds). The month names are the English ones of the standard
library's calendar (C locale: `calendar.month_name`, `calendar.month_abbr`) and the abbreviation `Sept`
of the AP and Chicago styles; a month number before a four-digit year (`12/2016`, `12-2016`) is the
numeric form of the same date (ISO 8601's year-month, written month first as US forms do). A month
without a year is left as a word: its year is not known.
"""
from __future__ import annotations

import calendar
import re
from functools import lru_cache

from indexer.results import Chip

FIELD = "decided"          # the date the month ranges over (understand.DATE_CHIP)


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern, dict[str, int]]:
    """The month-and-year pattern and each month name's number: a pure memo of constant data."""
    names = {calendar.month_name[i].lower(): i for i in range(1, 13)}
    names.update({calendar.month_abbr[i].lower(): i for i in range(1, 13)})
    names["sept"] = 9
    words = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w/:-])(?:in\s+)?(?:(?P<name>{words})\.?,?\s+(?:of\s+)?|(?P<number>0?[1-9]|1[0-2])[/-])"
        rf"(?P<year>(?:19|20)\d\d)(?![\w/-])", re.IGNORECASE), names


def month_chips(text: str) -> tuple[str, list[Chip]]:
    """The months with their years in `text` taken out as date-range chips: (the rest, chips)."""
    pattern, names = _pattern()
    chips: list[Chip] = []

    def take(m: re.Match) -> str:
        month = names[m["name"].lower()] if m["name"] else int(m["number"])
        chips.append(Chip(FIELD, f"{m['year']}-{month:02d}", m[0].strip()))
        return " "

    rest = pattern.sub(take, text)
    return (" ".join(rest.split()), chips) if chips else (text, chips)
