"""What a query asks of the decisions, before its decision words become chips (understand.py).

The lists are data (the sections `[rates]`, `[decided]` and `[ur_modified]` of
indexer/vocabulary/data/query_words.toml, each with its rationale):

- a rate, a share or a count of outcomes (`MRI overturn rate`, `denial rate for chiropractic`, `how
  often is acupuncture overturned`, `percentage of PT upheld`, `opioid statistics`) needs both
  decisions: its decision words are no filter and its rate words are not searched; every item of what
  it names is listed, and the Decision facet's counts (told in a message) answer it;
- so does a question whether a decision is made, its decision a verb after `does`, `do`, `can` ...
  (`does IMR approve compounded creams`, `how often does IMR deny MRI requests`): both decisions;
- a decision word with nothing but a generic head (`overturned items`, `denied requests`, `approved
  ones`) is the decision over every item: the head is not searched;
- what people say of a utilization review that certified part of a request (`modified`, `partially
  certified`, `partially approved`) is the items whose heading says so: IMR letters write them
  "<X> was the original request. <Y> was authorized by the Claims Administrator" (the IMR decides the
  remaining portion), so the phrase `original request` of the item's own words is asked.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from indexer.search.query import coverage, numerals
from indexer.search.query.modification import MODIFIED_QUERY, modified, modified_heads, modified_rest  # noqa: F401
from indexer.vocabulary.concepts import data_dir

DATA_FILE = "query_words.toml"
# The user's own syntax: quotes, fields, groups, operators leave a query as typed.
_SYNTAX = re.compile(r"(?<!\w)'|'(?!\w)|[\"()*:~^]|(?<!\w)[+-](?=\w)|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_WORD = re.compile(r"[\w%][\w%/'-]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?$")


def _a_number(word: str) -> bool:
    """A number in digits or spelt out (`5 percent`, `four percent`: a strength, not a rate)."""
    return bool(_NUMBER.match(word)) or numerals.value(word) is not None
HEAD_BOOST = 10          # a head said in the item's own words over a concept's many forms (as reading.WITH_BOOST)
BOTH = ("Upheld", "Overturned")


@dataclass(frozen=True)
class DecisionWords:
    """The lists of query_words.toml read here."""

    rates: frozenset[str]              # rate nouns: rate, percentage, odds, statistics ...
    rate_phrases: dict[str, tuple[tuple[str, ...], ...]]   # how often, what percent ... by first word
    rate_qualifiers: frozenset[str]    # success, win ... before a rate noun
    dose_rates: frozenset[str]         # rate words that after a number are a dose (`5 percent`)
    decided: frozenset[str]            # generic heads of a decision: items, requests, ones ...
    rate_fillers: frozenset[str] = frozenset()   # getting, typically ...: words of a rate's question
    joiners: frozenset[str] = frozenset()        # vs, or ... between two decisions
    breakdowns: dict[str, tuple[str, str]] = field(default_factory=dict)   # 'by drug type' -> (facet, kept word)
    counts: frozenset[str] = frozenset()   # number, count, total ...: a count's words
    heads: frozenset[str] = frozenset()    # generic heads beside a concept: joint, level, study, refill ...
    lay: dict[str, str] = field(default_factory=dict)     # lay names of contrast -> the letters' words
    lay_pattern: re.Pattern | None = None
    contrast_studies: tuple[str, ...] = ()                # studies made with contrast by definition
    continuation: frozenset[str] = frozenset()            # more, additional, continued ...: one ranking
    reviewed: tuple[tuple[str, ...], ...] = ()            # ur, utilization review: who decided before IMR
    whether: frozenset[str] = frozenset()                 # does, do, can ...: a yes-or-no question's auxiliary


@dataclass
class Intent:
    """A query's text once its rate or generic-head reading is applied, and what the page says."""

    text: str
    notes: list[str] = field(default_factory=list)
    rate: bool = False                 # a rate was asked: no decision filter, the facet's counts answer


@lru_cache(maxsize=1)
def decision_words() -> DecisionWords:
    """The lists read from their data file: a pure memo of constant data, made on first use."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))
    rates, decided = data["rates"], data["decided"]
    lay = {k.lower(): v for k, v in data["lay_names"].items() if k != "why"}

    def low(words: Iterable[str]) -> frozenset[str]:
        return frozenset(w.lower() for w in words)

    phrases: dict[str, list[tuple[str, ...]]] = {}
    for p in rates["phrases"]:
        phrases.setdefault(p.lower().split()[0], []).append(tuple(p.lower().split()))
    breakdowns = {k.lower(): (v[0], v[1]) for k, v in sorted(rates["breakdowns"].items(), key=lambda kv: -len(kv[0]))}
    return DecisionWords(low(rates["words"]), {k: tuple(v) for k, v in phrases.items()}, low(rates["qualifiers"]),
                         low(rates["after_number_a_dose"]), low(decided["words"]), low(rates["fillers"]),
                         low(data["joiners"]["words"]),
                         breakdowns, low(data["counts"]["words"]), low(data["heads"]["words"]), lay,
                         re.compile(r"(?<![\w/-])(" + "|".join(r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", k)))
                                                           for k in sorted(lay, key=len, reverse=True))
                                    + r")(?![\w/-])", re.IGNORECASE),
                         tuple(data["contrast_studies"]["words"]), low(data["heads"]["continuation"]),
                         tuple(tuple(w.lower().split()) for w in data["ur_decision"]["words"]),
                         low(rates["whether"]))


def _phrase(low: list[str], parts: tuple[str, ...], start: int) -> bool:
    return tuple(low[start:start + len(parts)]) == parts


@lru_cache(maxsize=8)
def _decision_index(phrases: frozenset[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The decision phrases by their first word, longest first: a pure memo of a pure function."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in sorted(phrases, key=lambda p: -len(p.split())):
        index.setdefault(p.split()[0], []).append(tuple(p.split()))
    return {k: tuple(v) for k, v in index.items()}


def _whether(low: list[str], rate: set[int], index: Mapping[str, tuple[tuple[str, ...], ...]],
             lists: DecisionWords) -> set[int]:
    """The auxiliary of a question whether (or how often) a decision is made, as a verb (`does IMR approve
    compounded creams`, `how often does IMR deny MRI requests`): the query's first word, or the first
    after a rate phrase, with a decision verb within the next four words; its index, else none."""
    first = next((i for i in range(len(low)) if i not in rate), None)
    if first is None or low[first] not in lists.whether:
        return set()
    ahead = _decision_spans(low[first + 1:first + 5], index)
    return {first} if ahead else set()


def _decision_spans(low: list[str], index: Mapping[str, tuple[tuple[str, ...], ...]]) -> list[tuple[int, int]]:
    """(start, end) word spans of the decision phrases in the lowercase words, longest first at each."""
    spans, i = [], 0
    while i < len(low):
        for parts in index.get(low[i], ()):
            if _phrase(low, parts, i):
                spans.append((i, i + len(parts)))
                i += len(parts)
                break
        else:
            i += 1
    return spans


def _rate_words(words: list[str], low: list[str], lists: DecisionWords) -> set[int]:
    """Indexes of the words of a rate phrase (`overturn rate`, `how often`, `percentage of`)."""
    found: set[int] = set()
    for i, w in enumerate(low):
        for parts in lists.rate_phrases.get(w, ()):
            if _phrase(low, parts, i):
                found.update(range(i, i + len(parts)))
        if w in lists.rates and not (w in lists.dose_rates and i and _a_number(words[i - 1])):
            found.add(i)
            j = i - 1
            while j >= 0 and low[j] in lists.rate_qualifiers:
                found.add(j)
                j -= 1
    return found


def _breakdown(words: list[str], lists: DecisionWords) -> tuple[dict[int, str], list[str]]:
    """`by drug type`, `by specialty` ... in a rate query: the facet that breaks the answer down. The
    indexes of its words mapped to what stays searched ('' for nothing), and the facets named."""
    out: dict[int, str] = {}
    facets: list[str] = []
    for i in range(len(words)):
        for phrase, (facet, keep) in lists.breakdowns.items():
            if _phrase(words, tuple(phrase.split()), i):
                out.update({j: "" for j in range(i, i + len(phrase.split()))})
                if keep:
                    out[i] = keep
                facets.append(facet)
                break
    return out, facets


def read(text: str, decisions: Mapping[str, str]) -> Intent:
    """The query's rate, generic-head and UR-modification readings (module docstring); `decisions`:
    every phrase the Decision filter is understood from (`upheld`, `approved`, `denial` ...) -> its value."""
    if not text.strip() or _SYNTAX.search(text):
        return Intent(text)
    text, framed = coverage.unframed(text)     # `is X covered`, `does workers comp pay for X`
    lists = decision_words()
    text, notes = modified(text)     # what a UR modified (modification.py)
    notes = framed + notes
    text = _ur_decision_dropped(text, decisions, lists, notes)
    if len(notes) > len(framed):
        return Intent(text, notes)
    words = _WORD.findall(text)
    low = [w.lower() for w in words]
    rate = _rate_words(words, low, lists)
    index = _decision_index(frozenset(decisions))
    whether = _whether(low, rate, index, lists)    # `does IMR approve X`: whether, so how often: both decisions
    rate |= whether
    spans = _decision_spans(low, index) if rate or sum(w in index for w in low) > 1 else []
    values = {decisions[" ".join(low[s:e])] for s, e in spans} & set(BOTH)
    if not rate and len(values) < 2:
        return Intent(text, notes)
    if len(values) > 1:       # 'upheld vs overturned knee MRI': both decisions asked
        rate |= {i for s, e in spans for i in (s - 1, e) if 0 <= i < len(low) and low[i] in lists.joiners}
    stems = {stem(d) for d in decisions if " " not in d}
    said = {i for s, e in spans for i in range(s, e)}
    if len(values) == 1 and not whether and not any(_rate_of(s, e, low, lists) for s, e in spans) and \
            not any(stem(w) in stems for i, w in enumerate(low) if i not in said):    # `odds of overturning a denial`
        return _share(words, low, rate, spans, notes, lists)
    dropped = rate | {i for s, e in spans for i in range(s, e)} | \
        {i for i, w in enumerate(low) if w in lists.rate_fillers or w in lists.decided or stem(w) in stems}
    breakdown, facets = _breakdown(low, lists)
    dropped -= set(breakdown)
    rest = [breakdown.get(i, w) for i, w in enumerate(words) if i not in dropped]
    asked = " ".join(w for i, w in enumerate(words) if i in dropped or i in breakdown)
    if spans or len(values) > 1:
        notes.append(f"'{asked}' asks a rate: both decisions are counted (no Decision filter); the Decision "
                     "facet gives the overturned and upheld counts")
    else:
        notes.append(f"Not searched (words of a rate or a count): {asked}; the Decision facet gives the "
                     "overturned and upheld counts")
    if facets:
        notes.append("Broken down by the facets beside the results: " + ", ".join(dict.fromkeys(facets)))
    return Intent(" ".join(w for w in rest if w), notes, rate=True)


def _ur_decision_dropped(text: str, decisions: Mapping[str, str], lists: DecisionWords, notes: list[str]) -> str:
    """`UR non-cert, IMR o/t`: where the query states the utilization review's decision (a decision
    phrase right after `UR`, or followed by `by UR`) and another decision, the other is the IMR's and
    is the one asked; the UR's is not searched (query_words.toml `[ur_decision]`)."""
    found = list(_WORD.finditer(text))
    low = [m[0].lower() for m in found]
    spans = _decision_spans(low, _decision_index(frozenset(decisions)))

    def by_ur(start: int, end: int) -> bool:
        after = start > 0 and not text[found[start - 1].end():found[start].start()].strip()   # no comma between
        return any(after and start >= len(w) and tuple(low[start - len(w):start]) == w
                   or end < len(low) and low[end] == "by" and tuple(low[end + 1:end + 1 + len(w)]) == w
                   for w in lists.reviewed)

    ur = [(s, e) for s, e in spans if by_ur(s, e)]
    if not ur or len(ur) == len(spans):
        return text
    notes.append("Not searched (the utilization review's decision; the IMR's is asked): "
                 + ", ".join(" ".join(m[0] for m in found[s:e]) for s, e in ur))
    for s, e in reversed(ur):
        text = text[:found[s].start()] + " " + text[found[e - 1].end():]
    return " ".join(text.split())


def _rate_of(start: int, end: int, low: list[str], lists: DecisionWords) -> bool:
    """Whether a decision word names the rate (`overturn rate`, `denial rates`, `rate of denial`), not
    what the rate is of."""
    return (end < len(low) and low[end] in lists.rates) or \
        any(0 <= start - k < len(low) and low[start - k] in lists.rates for k in (1, 2))


def _share(words: list[str], low: list[str], rate: set[int], spans: list[tuple[int, int]], notes: list[str],
           lists: DecisionWords) -> Intent:
    """A share of one decision said as an outcome (`how often are opioid denials upheld`, `percentage of
    MRI requests overturned by IMR`): that decision is asked (its chip, understand.py), the words of the
    rate and its question are not searched, and the Decision facet beside the results still counts both."""
    kept = {i for s, e in spans for i in range(s, e)}
    dropped = rate | {i for i, w in enumerate(low) if i not in kept and (w in lists.rate_fillers or w in lists.decided)}
    notes.append("Not searched (words of a rate): " + " ".join(w for i, w in enumerate(words) if i in dropped)
                 + "; the Decision facet beside the results gives the overturned and upheld counts")
    return Intent(" ".join(w for i, w in enumerate(words) if i not in dropped), notes)


def generic_head(word: str, beside_concept: bool) -> bool:
    """Whether a plain word (no concept of its own) is a head that ranks beside a concept (`joint` in
    `MRI of shoulder joint`, `refill` in `a refill of Norco`): [heads] of query_words.toml."""
    return beside_concept and word.lower() in decision_words().heads


def not_searched(word: str, beside_concept: bool) -> bool:
    """Whether a plain word is a count's (`number`, `total`) or, beside a concept, a decided head
    (`cases`, `appeals`, `claims`): the page's total and the chips say them, no request does."""
    lists = decision_words()
    return word.lower() in lists.counts or (beside_concept and word.lower() in lists.decided)


def head_ranking(word: str) -> str | None:
    """How a generic head beside a concept ranks: the items saying it in their own words first (the
    concept's many forms would otherwise outweigh one optional word: `Vascutherm rental`)."""
    if word.lower() in (going := decision_words().continuation):     # `more PT`: any word of a continuation
        return "(" + " OR ".join(f"item:{w}^{HEAD_BOOST}" for w in sorted(going)) + ")"
    return f"item:{word}^{HEAD_BOOST}" if word.lower() in decision_words().heads and word.isalpha() else None


def only_decided(rest: str) -> bool:
    """Whether the words left beside a decision chip are only generic heads of a decision (`requests`,
    `items`, `ones`), question words or stop words: the chip alone is then what is asked."""
    from indexer.search.query.wordlists import query_words

    words = [w.lower() for w in _WORD.findall(rest)]
    if not words or _SYNTAX.search(rest):
        return False
    lists, wrappers = decision_words(), query_words().wrappers
    return all(w in lists.decided or w in wrappers or w in STOP_WORDS for w in words)


def rate_note(overturned: int, upheld: int) -> str:
    """The rate a rate query asks, over the items it lists (each decision's count is the facet's)."""
    decided = max(1, overturned + upheld)
    return (f"Overturn rate of these items: {overturned} overturned, {upheld} upheld "
            f"({100 * overturned / decided:.0f}% overturned)")


def lay_names(text: str) -> tuple[str, list[str]]:
    """Lay names of a study's contrast read as the letters' words (`contrast-enhanced MRI` -> `MRI with
    contrast`, `CT with dye`, `non-contrast`): the text and what was read."""
    lists = decision_words()
    said: list[str] = []

    def name(m: re.Match) -> str:
        key = " ".join(re.split(r"[\s-]+", m[1].lower()))
        words = lists.lay.get(key) or lists.lay.get(m[1].lower(), m[1])
        said.append(f"'{m[1]}' read as '{words}'")
        return words

    if lists.lay_pattern is None or not lists.lay_pattern.search(text):
        return text, []
    text = lists.lay_pattern.sub(name, text)
    text = re.sub(r"\b(with(?:out)?)\s+(?:with(?:out)?\s+)+", r"\1 ", text, flags=re.IGNORECASE)
    if re.search(r"\bwith contrast\b", text, re.I) and re.match(r"\s*with contrast\b", text, re.I):
        text = re.sub(r"^\s*(with contrast)\s+(.+)$", r"\2 \1", text, flags=re.I)   # 'contrast enhanced MRI'
    return text, said


def contrast_ranking(text: str) -> list[str]:
    """What ranks a study asked with or without contrast first: the items saying `without contrast`, or,
    asked with it, the studies made with contrast by definition (an MR arthrogram, a myelogram)."""
    low = text.lower()
    if re.search(r"\bwithout contrast\b", low):
        return [f'item:"without contrast"^{HEAD_BOOST}']
    if re.search(r"\bwith contrast\b", low):
        return [f"item:{w}^{HEAD_BOOST}" for w in decision_words().contrast_studies]
    return []
