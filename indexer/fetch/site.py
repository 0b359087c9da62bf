"""The DWC's IMR decision search: the one module that knows its addresses, form fields and markup.

Built to the shape IMR.Crawler (`IMR.Crawler/Controls/WebSearch.cs`, public on
GitHub) replays, never checked against the live site from here:

* `POST /dwc/imr/IMRDecisionSearch.asp`, form-encoded. A case search sends
  `Fname=Case&Caseno=&DoIStart=&DoIEnd=&ReqStart=&ReqEnd=&DecStart=&DecEnd=&SpecialtyV=&CaseOutcomeV=`,
  a treatment search `Fname=Tx` with `SpecialtyV`, `OutcomeV` and `SubCategoryV`
  in place of `CaseOutcomeV`; the first page adds `Submit=Submit`, page N
  `newpageno=N&Submit=Next`. Dates are US short dates (MM/DD/YYYY).
* A results page: a `table.tabborder` (a heading row, then 25 rows a page), the
  total in the first `<strong>` after it, a `form[name=Nextpage]` when there
  are more pages. A case row: the case number linked (relative href) to the
  letter PDF, outcome, decision date, date of injury, received date, reviewer
  specialty. A treatment row: the linked case number, decision date, date of
  injury, received date, specialty, category, subcategory, decision; the same
  case's further treatments follow as rows whose first cell has `colspan=5`.
* One case's treatments: `GET IMRDecisionSearch.asp?caseno=CM..` (treatment rows).

Anything else on a page is a changed site: `SiteChanged` names what was not found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode, urljoin, urlsplit

from indexer.errors import SiteChanged
from indexer.fields import CASE_NUMBER

SEARCH_PATH = "/dwc/imr/IMRDecisionSearch.asp"
PAGE_ROWS = 25
CASE, TREATMENT = "Case", "Tx"
# The search's outcome values (CaseOutcomeV) -> the letter record's outcome words.
OUTCOMES = {"Uphold": "Upheld", "Overturn": "Overturned", "Partial Overturn": "Partially overturned"}
_OUTCOME_WORDS = {"uphold": "Upheld", "upheld": "Upheld", "overturn": "Overturned",
                  "overturned": "Overturned", "partial overturn": "Partially overturned",
                  "partially overturned": "Partially overturned", "partial": "Partially overturned"}
_CASE_RE = re.compile(rf"^{CASE_NUMBER}$", re.IGNORECASE)
# A page without the results table is an empty search only when it says so.
_NO_RESULTS = re.compile(r"\bno\s+(?:matching\s+)?(?:records?|results?|decisions?|cases?)\b"
                         r"(?:\s+\w+){0,4}\s+found|\b0\s+results\b", re.IGNORECASE)


@dataclass
class Row:
    """One case as the search lists it; `treatments` as (category, subcategory, decision) triples."""

    case_number: str
    url: str
    decision_date: str | None = None        # ISO
    date_of_injury: str | None = None
    received_date: str | None = None
    specialty: str | None = None
    outcome: str | None = None              # Upheld / Overturned / Partially overturned
    treatments: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Page:
    """One results page: its rows, the search's total and whether a next page is offered."""

    rows: list[Row]
    total: int
    has_next: bool


def search_url(site: str) -> str:
    """The search's address under a base address (https://www.dir.ca.gov or a mirror)."""
    return site.rstrip("/") + SEARCH_PATH


def case_url(site: str, case_number: str) -> str:
    """The address listing one case's treatments."""
    return f"{search_url(site)}?{urlencode({'caseno': case_number})}"


def _us(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def search_form(kind: str, decided: tuple[date, date] | None, page: int = 1, outcome: str | None = None,
                specialty: str | None = None, case_number: str = "") -> list[tuple[str, str]]:
    """The form fields of a case (`CASE`) or treatment (`TREATMENT`) search, page `page`."""
    start, end = decided or (None, None)
    fields = [("Fname", kind), ("Caseno", case_number), ("DoIStart", ""), ("DoIEnd", ""),
              ("ReqStart", ""), ("ReqEnd", ""), ("DecStart", _us(start)), ("DecEnd", _us(end)),
              ("SpecialtyV", specialty or "")]
    if kind == CASE:
        fields.append(("CaseOutcomeV", outcome or ""))
    else:   # a treatment's own decision is not the case outcome: it is not filtered here
        fields += [("OutcomeV", ""), ("SubCategoryV", "")]
    fields += [("newpageno", str(page)), ("Submit", "Next")] if page > 1 else [("Submit", "Submit")]
    return fields


def iso_date(text: str, where: str = "the search") -> str | None:
    """A date as the search shows it (M/D/YYYY, MM/DD/YYYY or YYYY-MM-DD) in ISO; None when empty."""
    text = text.strip()
    if not text:
        return None
    # strptime's %Y takes '16' as the year 16: a two-digit year is read with %y only.
    patterns = ("%m/%d/%y",) if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", text) else ("%m/%d/%Y", "%Y-%m-%d")
    for pattern in patterns:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise SiteChanged(f"{where}: a row's date {text!r} is not a date (expected MM/DD/YYYY)")


def outcome_of(text: str) -> str | None:
    """The search's outcome words as a record's ('Uphold' -> 'Upheld'); the text itself if unknown."""
    text = " ".join(text.split())
    return _OUTCOME_WORDS.get(text.lower(), text or None)


def _cells(row) -> list:
    return row.find_all("td", recursive=False) or row.find_all("td")


def _text(cell) -> str:
    return " ".join(cell.get_text(" ", strip=True).split())


def _link(cells: list, site: str, where: str) -> tuple[str, str]:
    anchor = cells[0].find("a", href=True) if cells else None
    if anchor is None:
        raise SiteChanged(f"{where}: a row's link to its letter (td[1]/a[href]) was not found")
    case_number = _text(anchor).upper()
    if not _CASE_RE.match(case_number):
        raise SiteChanged(f"{where}: a row's link text {case_number!r} is not a case number (CMyy-nnnnnnn)")
    url = urljoin(search_url(site), anchor["href"])
    if urlsplit(url).netloc != urlsplit(search_url(site)).netloc:
        raise SiteChanged(f"{where}: {case_number}'s letter link points off the site ({url})")
    return case_number, url


def _case_row(cells: list, site: str, where: str) -> Row:
    if len(cells) < 6:
        raise SiteChanged(f"{where}: a case row has {len(cells)} cells, not 6 (number, outcome, decided, "
                          "injured, received, specialty)")
    number, url = _link(cells, site, where)
    return Row(number, url, outcome=outcome_of(_text(cells[1])), decision_date=iso_date(_text(cells[2]), where),
               date_of_injury=iso_date(_text(cells[3]), where), received_date=iso_date(_text(cells[4]), where),
               specialty=_text(cells[5]) or None)


def _treatment_rows(rows: list, site: str, where: str, carried: Row | None) -> list[Row]:
    found: list[Row] = []
    current = carried
    for tr in rows:
        cells = _cells(tr)
        if cells and cells[0].get("colspan") == "5":
            if current is None or len(cells) < 4:
                raise SiteChanged(f"{where}: a treatment continuation row (td colspan=5 + category, "
                                  "subcategory, decision) has no case before it or too few cells")
            current.treatments.append(tuple(_text(c) for c in cells[1:4]))
            continue
        if len(cells) < 8:
            raise SiteChanged(f"{where}: a treatment row has {len(cells)} cells, not 8")
        number, url = _link(cells, site, where)
        current = Row(number, url, decision_date=iso_date(_text(cells[1]), where),
                      date_of_injury=iso_date(_text(cells[2]), where), received_date=iso_date(_text(cells[3]), where),
                      specialty=_text(cells[4]) or None, treatments=[tuple(_text(c) for c in cells[5:8])])
        found.append(current)
    return found


def parse_page(html: str, kind: str, site: str, where: str, carried: Row | None = None) -> Page:
    """Read one results page (`kind` CASE or TREATMENT); raises SiteChanged naming what is missing.

    `carried`: the last case of the previous treatment page, whose further treatments may
    continue at the top of this one (they are appended to it).
    """
    from bs4 import BeautifulSoup   # imported here: only a fetch needs it

    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("table", class_="tabborder")
    has_next = soup.find("form", attrs={"name": "Nextpage"}) is not None
    if table is None:
        if _NO_RESULTS.search(soup.get_text(" ")) and not has_next:
            return Page([], 0, False)
        raise SiteChanged(f"{where}: the results table (table class=tabborder) was not found "
                          "and the page does not say 'no records found'")
    # After the table, not in it: a case row marks more treatments with <strong>+</strong>.
    strong = next((s for s in table.find_all_next("strong") if table not in s.parents), None)
    digits = re.sub(r"[,\s]", "", strong.get_text()) if strong else ""
    if not digits.isdigit():
        raise SiteChanged(f"{where}: the total (a <strong> number after the results table) was not found")
    rows = table.find_all("tr")[1:]    # the first row is the heading
    if kind == CASE:
        found = [_case_row(_cells(tr), site, where) for tr in rows if _cells(tr)]
    else:
        found = _treatment_rows([tr for tr in rows if _cells(tr)], site, where, carried)
    return Page(found, int(digits), has_next)


def check_last_page(page: Page, page_no: int, where: str) -> None:
    """Raise SiteChanged when the walk stopped at `page_no` though the total says there are more pages."""
    if page.total > page_no * PAGE_ROWS:
        raise SiteChanged(f"{where} page {page_no}: the next-page form (form name=Nextpage) was not found, "
                          f"yet the total is {page.total}")
