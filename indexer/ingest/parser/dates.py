"""Dates in every style the letters use, to ISO 'YYYY-MM-DD'."""
from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTH_NAMES = "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS) + "|sept"

# 11/03/2016, 10-13-16, 1/6/2015, October 15, 2012, Oct. 15 2012
DATE = (r"(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})(?!\d)"
        rf"|(?:{_MONTH_NAMES})\.?\s+\d{{1,2}},?\s+\d{{4}})")
DATE_RE = re.compile(DATE, re.IGNORECASE)


def parse_date(text: str | None) -> str | None:
    """The first date in `text` as ISO, or None; US month-first order."""
    if not text:
        return None
    m = DATE_RE.search(text)
    return _to_iso(m.group(0)) if m else None


def _to_iso(s: str) -> str | None:
    s = s.strip()
    m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})", s)
    if m:
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        if year < 100:
            year += 2000 if year < 70 else 1900
    else:
        m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", s)
        if not m:
            return None
        name = m[1].lower()
        month = MONTHS.get(name) or next((v for k, v in MONTHS.items() if k.startswith(name[:3])), 0)
        day, year = int(m[2]), int(m[3])
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
