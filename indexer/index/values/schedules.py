"""Schedule marks of a request: how often, how long and how many, read from the item's own words.

Letters spell a therapy's prescription and a drug's directions in words (`2 times a week for 6 weeks`,
`two times four visits (8)`, `3 visits per week for 2 weeks`, `12-18 sessions`, `times 12`, `one tablet
twice daily 14 days`, `every 4-6 hours as needed`), and a one-digit number is no word of the index, so
`pt 2x6` cannot find them by their words. Each such schedule is kept as marks in the `concept` field
(`sched:2/wk`, `sched:6wk`, `sched:2x6`, `sched:12v`, `sched:14d`, `sched:bid` ...), and a query's
schedule shorthand (indexer.search.query.schedules) ranks the items with the same marks first. The
notation is the prescription's: N×M = N times a week for M weeks (the therapy orders of the MTUS
Physical Medicine guideline, "9-10 visits over 8 weeks"); the daily frequencies are ISMP's Latin
abbreviations (qd, bid, tid, qid, qhs, prn, q_h) with the meaning ISMP gives them.
"""
from __future__ import annotations

import re

from indexer.index.analysis import ONES, TENS

MARK = "sched:"
MAX_COUNT = 99          # a larger number is no count of visits or days (a dose, a quantity, a code)

_NUMBER_WORD = re.compile(r"\b(" + "|".join([*TENS, *ONES[1:]]) + r")(?:[\s-](" + "|".join(ONES[1:10])
                          + r"))?\b", re.IGNORECASE)
_N = r"(?<![#\d.,/])(\d{1,2})(?![\d.%/])"     # not a quantity (#60), a date or a dose
_RANGE = rf"{_N}(?:\s*(?:-|to)\s*{_N})?"
# Schedule words (letters' spellings; the period-less and abbreviated forms of prescriptions).
_WEEK = r"(?:weeks?|wks?)\b"
_PER = r"(?:a|per|each|every|/|x/)"
_COUNT = r"(?:sessions?|visits?|treatments?|appointments?)\b"
_FREQ_WEEK = re.compile(rf"\b{_RANGE}\s*(?:x|times?|{_COUNT})?\s*(?:{_PER}\s*{_WEEK}|weekly\b)")
_WEEKS = re.compile(rf"\b{_RANGE}\s*{_WEEK}")
_N_BY_M = re.compile(rf"\b{_N}\s*(?:x|times)\s*{_N}(?:\s*(?:{_COUNT}|{_WEEK}))?(?!\s*(?:days?|months?|hours?)\b)")
_TOTAL = re.compile(rf"\b{_RANGE}\s*(?:\(\d+\)\s*)?(?:[a-z]+\s+){{0,3}}?{_COUNT}(?!\s*{_PER}\s*{_WEEK})")
_TOTAL_AFTER = re.compile(rf"(?:{_COUNT},?|\btimes|\bx)\s*{_N}\b"
                          rf"(?!\s*(?:{_WEEK}|{_PER}|days?\b|months?\b|x\b|times\b))")
_TOTAL_BRACKET = re.compile(rf"{_WEEK}\s*\({_N}(?:\s*{_COUNT})?\)|{_COUNT}\s*\({_N}\)")
_DAYS = re.compile(rf"\b{_RANGE}\s*days?\b|\bdays? supply:?\s*{_N}\b")
_MONTHS = re.compile(rf"\b{_RANGE}\s*(?:months?|mos?)\b")
# Daily frequencies as letters write them (ISMP's meanings of qd, bid, tid, qid, qhs, prn).
DAILY = {      # (in this order: `twice daily` is no `daily`)
    "bid": r"twice (?:a |per )?day|twice daily|2 times? (?:a |per )?day|2 times daily|bid|b\.i\.d\.?",
    "tid": r"3 times? (?:a |per )?day|3 times daily|tid|t\.i\.d\.?",
    "qid": r"4 times? (?:a |per )?day|4 times daily|qid|q\.i\.d\.?",
    "qd": r"once (?:a |per )?day|once daily|1 times? (?:a |per )?day|every day|daily(?! living)|qd",
    "qhs": r"at bedtime|at night|nightly|qhs",
    "prn": r"as needed|when needed|if needed|prn|p\.r\.n\.?",
    "po": r"by mouth|orally|po|p\.o\.?",        # (the route, ISMP's `po`; `oral` is a dosage form)
}
_DAILY = {mark: re.compile(rf"(?<![\w/])(?:{spelling})(?![\w/])") for mark, spelling in DAILY.items()}
_EVERY_HOURS = re.compile(rf"\b(?:every|q)\s*{_RANGE}\s*(?:hours?|hrs?|h)\b")


def numbers(text: str) -> str:
    """Number words as digits (`twelve` -> 12, `twenty-one` -> 21); the rest as it is."""
    def digit(m: re.Match) -> str:
        first, second = m[1].lower(), (m[2] or "").lower()
        tens = TENS.get(first)
        if tens is None:
            return str(ONES.index(first)) + (m[0][len(m[1]):len(m[0]) - len(m[2])] + str(ONES.index(second))
                                             if second else "")
        return str(tens + (ONES.index(second) if second else 0))
    return _NUMBER_WORD.sub(digit, text)


def _ends(m: re.Match, first: int = 1) -> list[int]:
    """The number or the two ends of a range a match holds (groups `first`, `first`+1)."""
    return [int(g) for g in m.groups()[first - 1:first + 1] if g is not None and 0 < int(g) <= MAX_COUNT]


def per_week(n: int) -> str:
    return f"{MARK}{n}/wk"


def weeks(n: int) -> str:
    return f"{MARK}{n}wk"


def by(n: int, m: int) -> str:
    """N times a week for M weeks."""
    return f"{MARK}{n}x{m}"


def total(n: int) -> str:
    """N visits, sessions or treatments in all."""
    return f"{MARK}{n}v"


def days(n: int) -> str:
    return f"{MARK}{n}d"


def months(n: int) -> str:
    return f"{MARK}{n}mo"


def every(hours: str) -> str:
    """Every N (or N-M) hours, ISMP's q_h."""
    return f"{MARK}q{hours}h"


def daily(abbreviation: str) -> str:
    return f"{MARK}{abbreviation}"


# A request the claims administrator modified: the IMR decides "the remaining IMR eligible portion of
# the original request, <what is disputed> is"; where it certified something else instead, "leaving the
# original request IMR eligible", the original request (the words before "was the original request").
_REMAINING = re.compile(r"remaining imr eligible portion of the original request,?(.*)", re.IGNORECASE | re.DOTALL)
_ORIGINAL = re.compile(r"(.*?)\bwas the original request", re.IGNORECASE | re.DOTALL)


WAS = "was:"      # a mark of the original request of a modified one (`sched:was:3x4`): it ranks lower


def disputed(text: str) -> tuple[str, str]:
    """(the words of what a request disputes, those of the original request it was cut from, or '')."""
    if "original request" not in text.lower():
        return text, ""
    remaining, original = _REMAINING.search(text), _ORIGINAL.match(text)
    if remaining:
        return remaining[1], original[1] if original else ""
    return (original[1], "") if original else (text, "")


def item_marks(text: str) -> list[str]:
    """The schedule marks of a request's own words (module docstring), those of a modified request's
    original request marked `was:`; [] for a request stating none."""
    if not text or not re.search(r"\d|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twice|once|"
                                 r"daily|needed|bid|tid|qid|prn|night|bedtime", text, re.I):
        return []
    now, was = disputed(text)
    marks = _marks(now)
    return marks + [m.replace(MARK, MARK + WAS, 1) for m in _marks(was) if m not in marks]


def _marks(text: str) -> list[str]:
    if not text:
        return []
    low = numbers(text.lower())
    ranges = [m for m in _FREQ_WEEK.finditer(low) if m[2]]
    freq = [n for m in _FREQ_WEEK.finditer(low) if not m[2] for n in _ends(m)]
    outside = _FREQ_WEEK.sub(lambda m: " " * len(m[0]), low)       # (the per-week counts read)
    long = [n for m in _WEEKS.finditer(outside) for n in _ends(m)]
    for m in _N_BY_M.finditer(outside):
        if not long and not freq:
            freq, long = [int(m[1])], [int(m[2])]
    counts = [n for m in _TOTAL.finditer(outside) for n in _ends(m)]
    counts += [int(g) for m in _TOTAL_AFTER.finditer(outside) for g in m.groups() if g]
    counts += [int(g) for m in _TOTAL_BRACKET.finditer(low) for g in m.groups() if g]
    counts += [f * w for f in freq for w in long]
    out = [per_week(n) for n in freq] + [weeks(n) for n in long] + [by(f, w) for f in freq for w in long]
    out += [f"{MARK}{m[1]}-{m[2]}/wk" for m in ranges]      # `1 to 2 times per week`: neither 1 nor 2 a week
    out += [total(n) for n in counts if 0 < n <= MAX_COUNT]
    out += [days(n) for m in _DAYS.finditer(low) for n in _ends(m)]
    out += [days(int(m[3])) for m in _DAYS.finditer(low) if m[3]]
    out += [months(n) for m in _MONTHS.finditer(low) for n in _ends(m)]
    for m in _EVERY_HOURS.finditer(low):
        ends = _ends(m)
        out += [every(str(n)) for n in ends] + ([every(f"{ends[0]}-{ends[1]}")] if len(ends) == 2 else [])
    for mark, spelling in _DAILY.items():
        if spelling.search(low):
            out.append(daily(mark))
            low = spelling.sub(" ", low)
    return list(dict.fromkeys(out))


WITH_MARK = "with:"
_WITH = re.compile(r"\bwith\s+(?:and\s+without\s+|or\s+without\s+|/\s*without\s+)?([a-z]+)")


def with_marks(text: str) -> list[str]:
    """`with:<word>` for each word a request says it is *with* (`with contrast`, and `with and without
    contrast`, whose `with` and `and` are stop words of the index: its words alone read as `without
    contrast`), so the rule that `MRI with contrast` is not `without contrast` keeps such a study."""
    low = text.lower()
    return [WITH_MARK + w for w in dict.fromkeys(_WITH.findall(low))] if "with" in low else []
