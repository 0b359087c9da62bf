"""Schedules as a query types them, ranked by the schedule marks the index keeps of each request
(indexer.index.values.schedules): they rank, they are never required.

- the prescription notation: `3x4`, `3 x 4`, `3 times a week for 4 weeks` = 3 a week for 4 weeks (the
  items saying so first, then those of 12 visits in all, then those of either); `3x/wk`, `3 times a
  week` = 3 a week; `x6`, `6 visits`, `six sessions`, `times 6` = 6 in all; `12-18` or `12` right after
  a treatment, or right before one (`12 PT visits`) = that many visits;
- durations: `x14d`, `x 14 days`, `for 14 days` (14 days, or 2 weeks), `x2wk`, `for 3 mo`, `3 months`;
- daily frequencies, ISMP's abbreviations and the words letters write for them: `bid` = `twice a day` =
  `2 times daily`, `tid`, `qid`, `qd`, `qhs`, `prn` = `as needed`; `q4-6h` = `every 4-6 hours` (either
  end ranks too).

`compact` writes a schedule typed in several words as one token (`3 times a week for 4 weeks` -> `3x4`),
so the reading marks it as one dosing word; `ranking` is the query syntax of a token's marks.
"""
from __future__ import annotations

import re

from indexer.index.values import schedules as marks

# Boosts of the marks a schedule ranks by: the schedule typed, then the same as a modified request's
# original request, then what it implies (12 visits for 3x4), then either part.
EXACT, ORIGINAL, IMPLIED, PART = 24, 16, 12, 4
TREATMENTS = frozenset({"procedure", "family"})     # a bare count right after one is its visits
_N = r"(\d{1,2})"
_RANGE = rf"{_N}(?:\s*(?:-|to)\s*{_N})?"
_WEEK = r"(?:weeks?|wks?)"          # (a bare `w`, `d` only in a token: `x2w`, `x14d`; `3D` is no schedule)
_PER_WEEK = (rf"(?:x|times?|visits?|sessions?)?\s*(?:a|per|each|/|x/)\s*(?:{_WEEK}|w)(?!\w)"
             rf"|(?:x|times?)\s*(?:{_WEEK}|w)(?!\w)|(?:x|times?)?\s*weekly")
# Words of a count of visits, with the clippings of clinic notes (`sess`, `tx`, `appt`).
_VISITS = r"(?:sessions?|sess|visits?|treatments?|txs?|appointments?|appts?)"
_DAYS = r"days?"
_MONTHS = r"(?:months?|mos?)"


def _span(first: str, last: str | None) -> str:
    return f"{first}-{last}" if last else first


# Several words of one schedule, and the token each is written as.
_COMPACT = [
    (re.compile(rf"(?<![\w#/.]){_RANGE}\s*(?:{_PER_WEEK})\s*(?:for|over|x|times)?\s*{_RANGE}\s*{_WEEK}(?!\w)", re.I),
     lambda m: f"{_span(m[1], m[2])}x{_span(m[3], m[4])}"),
    (re.compile(rf"(?<![\w#/.]){_N}\s*(?:x|times)\s*{_N}(?:\s*(?:{_WEEK}|visits?|sessions?))?(?![\w/.])"
                rf"(?!\s*(?:{_DAYS}|{_MONTHS}|hours?|hrs?)(?!\w))", re.I), lambda m: f"{m[1]}x{m[2]}"),
    (re.compile(rf"(?<![\w#/.]){_RANGE}\s*(?:{_PER_WEEK})(?!\w)", re.I), lambda m: f"{_span(m[1], m[2])}/wk"),
    (re.compile(rf"(?<![\w#/.])(?:(?:for|over|x|times)\s*)?{_RANGE}\s*(?:{_WEEK})(?!\w)", re.I),
     lambda m: f"x{m[1]}" + (f"-{m[2]}" if m[2] else "") + "wk"),
    (re.compile(rf"(?<![\w#/.])(?:(?:for|x|times)\s*)?{_RANGE}\s*{_DAYS}(?!\w)", re.I),
     lambda m: f"x{m[1]}" + (f"-{m[2]}" if m[2] else "") + "d"),
    (re.compile(rf"(?<![\w#/.])(?:(?:for|x|times)\s*)?{_RANGE}\s*{_MONTHS}(?!\w)", re.I),
     lambda m: f"x{m[1]}" + (f"-{m[2]}" if m[2] else "") + "mo"),
    (re.compile(rf"(?<![\w#/.]){_RANGE}\s*{_VISITS}(?!\w)", re.I),
     lambda m: f"x{m[1]}" + (f"-{m[2]}" if m[2] else "")),
    (re.compile(rf"(?<![\w#/.])(?:sessions?|visits?|times|x)\s+{_N}(?![\w/.%])", re.I), lambda m: f"x{m[1]}"),
    (re.compile(rf"(?<![\w#/.])(?:every|q)\s*{_RANGE}\s*(?:hours?|hrs?|h)(?!\w)", re.I),
     lambda m: f"q{m[1]}" + (f"-{m[2]}" if m[2] else "") + "h"),
]
# Daily frequencies in words (indexer.index.values.schedules.DAILY): the abbreviation they are.
_DAILY_WORDS = [(re.compile(rf"(?<![\w/])(?:{spelling})(?![\w/])", re.I), mark)
                for mark, spelling in marks.DAILY.items()]
# One token of a schedule (a compacted one, or typed so): what `ranking` reads.
TOKEN = re.compile(r"(?P<by>\d{1,2}(?:-\d{1,2})?)x(?P<weeks>\d{1,2}(?:-\d{1,2})?)"
                   r"|(?P<freq>\d{1,2}(?:-\d{1,2})?)x?/(?:wk|wks|week|weeks)"
                   r"|x(?P<n>\d{1,2})(?:-(?P<n2>\d{1,2}))?(?P<unit>wks?|w|days?|d|mos?|months?)?"
                   r"|(?P<lo>\d{1,2})-(?P<hi>\d{1,2})"
                   r"|(?P<count>\d{1,2})|q(?P<h>\d{1,2})(?:-(?P<h2>\d{1,2}))?(?:h|hr|hrs|hours?)?"
                   r"|(?P<daily>" + "|".join(marks.DAILY) + ")", re.I)


# Whether a text may hold a schedule at all (most queries do not: one search, not ten).
_MAY_HOLD = re.compile(r"\d\s*(?:x|times?|/|-|to|per|a|s|v|t|appointments?|weeks?|wks?|"
                       r"days?|months?|mos?|hours?|hrs?|h)|\b(?:every|q|x|times|sessions?|visits?|for)\s*\d|\b(?:one|"
                       r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|"
                       r"twice|once|needed|daily|bedtime|nightly)\b|at night", re.I)


def compact(text: str) -> tuple[str, list[str]]:
    """A schedule typed in several words written as one token (`2 times a week for 6 weeks` -> `2x6`,
    `6 visits` -> `x6`, `twice a day` -> `bid`); the messages saying so. Left alone in a query that is
    nothing but the schedule (it is what is asked, as typed)."""
    low, said = written(text)
    rest = [w for w in low.split() if not TOKEN.fullmatch(w)]
    return (low, said) if said and rest else (text, [])


def written(text: str) -> tuple[str, list[str]]:
    """Every schedule of the text written as one token, even a query of nothing else (amounts.py reads
    that); the messages saying so."""
    if not _MAY_HOLD.search(text):
        return text, []
    said: list[str] = []
    low = marks.numbers(text)
    for pattern, token in _COMPACT + [(p, (lambda mark: lambda m: mark)(mark)) for p, mark in _DAILY_WORDS]:
        def write(m: re.Match, token=token) -> str:
            made = token(m)
            if made.lower() != m[0].lower():
                said.append(f"'{m[0].strip()}' read as the schedule '{made}'")
            return made
        low = pattern.sub(write, low)
    return (low, said) if said else (text, [])




def after_treatment(units: list, i: int, treatments: frozenset[str] = TREATMENTS) -> bool:
    """Whether unit i is a bare count right after a treatment (`postop pt 12-18`, `chiro 12`): that many
    visits (a number after a drug is its strength, indexer.search.query.shorthand)."""
    u = units[i]
    return i > 0 and not u.concepts and bool(re.fullmatch(r"\d{1,2}(?:-\d{1,2})?", u.text)) \
        and bool(units[i - 1].kinds & treatments) and not units[i - 1].kinds & {"drug", "product", "class"}


def before_treatment(units: list, i: int, treatments: frozenset[str] = TREATMENTS) -> bool:
    """Whether unit i is a bare count right before a treatment that starts the query or follows no other
    concept (`12 PT visits`, `6 acupuncture`): the schedule's total, as `x12` after it is (the letters
    write *Twelve sessions of physical therapy* as well as *Physical therapy x12*)."""
    u = units[i]
    return i + 1 < len(units) and not u.concepts and bool(re.fullmatch(r"\d{1,2}(?:-\d{1,2})?", u.text)) \
        and bool(units[i + 1].kinds & treatments) and not units[i + 1].kinds & {"drug", "product", "class"} \
        and (i == 0 or not units[i - 1].concepts)


def is_schedule(word: str) -> bool:
    """Whether a word is one token of a schedule (`3x4`, `x6`, `x14d`, `3/wk`, `q4-6h`, `bid`)."""
    m = TOKEN.fullmatch(word)
    return bool(m) and not (m["count"] or m["lo"])       # a bare number is one only beside a treatment


def _boosted(mark: str, boost: int) -> str:
    return f"(concept:'{mark}')^{boost}"


def with_original(found: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The marks, and the schedule typed as a modified request's original request (it ranks lower: the
    IMR decided the remaining portion)."""
    return found + [(mark.replace(marks.MARK, marks.MARK + marks.WAS, 1), ORIGINAL) for mark, boost in found
                    if boost == EXACT]


def _ends(span: str) -> list[int]:
    return [int(n) for n in span.split("-") if n]


def token_marks(word: str) -> list[tuple[str, int]]:
    """The marks one schedule token ranks by, with their boosts (the schedule typed first)."""
    m = TOKEN.fullmatch(word)
    if m is None:
        return []
    if m["by"] and "-" not in m["by"] + m["weeks"]:
        n, w = int(m["by"]), int(m["weeks"])
        return [(marks.by(n, w), EXACT), (marks.total(n * w), IMPLIED), (marks.per_week(n), PART),
                (marks.weeks(w), PART)]
    if m["by"] or m["freq"]:      # a range of times a week is its range (the index's `sched:1-2/wk`)
        often = m["by"] or m["freq"]
        times, lengths = _ends(often), _ends(m["weeks"] or "")
        exact = [(marks.per_week(times[0]), EXACT)] if len(times) == 1 else [(f"{marks.MARK}{often}/wk", EXACT)]
        return exact + [(marks.by(n, w), IMPLIED) for n in times for w in lengths] + \
            [(marks.per_week(n), PART) for n in times if len(times) > 1] + [(marks.weeks(w), PART) for w in lengths]
    if m["n"]:
        ends = [int(x) for x in (m["n"], m["n2"]) if x]
        make = {"w": marks.weeks, "d": marks.days, "m": marks.months}.get((m["unit"] or " ")[0].lower(), marks.total)
        out = [(make(n), EXACT) for n in ends]
        if make is marks.days:      # 14 days is 2 weeks
            out += [(marks.weeks(n // 7), IMPLIED) for n in ends if n % 7 == 0]
        elif make is marks.weeks:
            out += [(marks.days(n * 7), IMPLIED) for n in ends]
        return out
    if m["lo"] or m["count"]:
        return [(marks.total(int(x)), EXACT) for x in (m["lo"], m["hi"], m["count"]) if x]
    if m["h"]:
        hours = [m["h"]] + ([m["h2"]] if m["h2"] else [])
        exact = marks.every("-".join(hours))
        return [(exact, EXACT)] + [(marks.every(h), IMPLIED) for h in hours if len(hours) > 1]
    return [(marks.daily(m["daily"].lower()), EXACT)]


def ranking(word: str) -> str | None:
    """The query syntax a schedule token ranks by: its marks, boosted (and the word itself where it is
    one letters may write: `bid`, `prn`); None for a word that is no schedule."""
    found = with_original(token_marks(word))
    if not found:
        return None
    alternatives = [_boosted(mark, boost) for mark, boost in found]
    return "(" + " OR ".join(([word] if word.isalpha() else []) + alternatives) + ")"
