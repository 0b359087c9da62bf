"""Query understanding: words of a query that name a filter become chips, or suggestions.

In `personal trainer upheld` the word 'upheld' is the Decision filter, not
text to search. A word becomes a filter only where that reading is
unambiguous: the decision words, a letter outcome (`partially overturned`),
licence states and four-digit years present in the snapshot, and a query
that is just a case number (QueryInfo.open_case; typed with a space or
without the dash too). A reviewer specialty named in a query is also a
treatment word (`surgery`, `chiropractic`, `pain management`, `neurology`):
it stays text, and the filter is offered as a suggestion with its count.
The searcher shows the literal reading when the understood one finds
nothing (indexer.search.searcher).

Field queries on facets are filters too: `specialty:"pain management"`,
decision:, state:, category: and year: become chips when the value names one
facet value of the snapshot (case-insensitive; a unique part of a value will
do), and `decided:2016-12..2017-01` becomes a 'Decided' date-range chip. They
stay Whoosh terms when negated, inside parentheses or next to OR, where a
filter would change the query's meaning.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Mapping

from indexer.fields import FIELD_FACETS
from indexer.index.values import reviewer
from indexer.results import Chip
from indexer.search.query import forms, intent, labels, months, numerals, reviewers, unrestricted
from indexer.search.query.parser import date_bounds, plain_words
from indexer.vocabulary.concepts import data_dir

if TYPE_CHECKING:
    from indexer.vocabulary import Vocabulary

UNDERSTOOD = ("decision", "outcome", "state", "year")     # words that become filters
SUGGESTED = ("specialty",)                                 # words that stay text, filter offered
# A case number typed loosely: 'CM16 0213037', 'cm160213037'.
LOOSE_CASE = re.compile(r"\s*(CM\d{2})[\s_-]*(\d{7})\s*", re.IGNORECASE)
DATE_CHIP = "decided"
# One scan finds field terms, quoted phrases and parentheses in text order, so
# a field term inside a phrase or a group is seen as such.
SCAN = re.compile(
    r"(?P<field>(?<![\w.])\+?(?P<name>%s|%s):(?P<value>\"[^\"]*\"|'[^']*'|[^\s()\"']+))"
    r"|(?P<quoted>\"[^\"]*\")|(?P<open>\()|(?P<close>\))"
    % ("|".join(FIELD_FACETS), DATE_CHIP), re.IGNORECASE)
DECISIONS = ("Upheld", "Overturned")
# Quoted phrases and field:value terms are the user's own syntax: left alone.
# A year next to a guideline's name is its edition ('MTUS 2016', '2016 guidelines'), not a filter.
PROTECTED = re.compile(r"\"[^\"]*\"|'[^']*'|\S+:\S*"
                       r"|\b(?:mtus|odg|acoem|guidelines?|edition|formulary)\s+(?:19|20)\d\d\b"
                       r"|\b(?:19|20)\d\d\s+(?:guidelines?|edition|formulary)\b", re.IGNORECASE)


@dataclass
class Understanding:
    """What the query means: the text left to search, chips, a case to open."""

    text: str
    chips: list[Chip] = field(default_factory=list)
    open_case: str | None = None
    suggestions: list[Chip] = field(default_factory=list)   # filters offered, not applied
    notes: list[str] = field(default_factory=list)          # what intent.read did, for the page
    rate: bool = False                                      # a rate was asked (intent.py)

    @property
    def from_words(self) -> bool:
        """Whether a chip came from a plain word (not from `field:` syntax)."""
        return any(":" not in c.word for c in self.chips)

    def filters(self) -> dict[str, list[str]]:
        """The chips as facet filters (date-range chips are in `date_ranges`)."""
        out: dict[str, list[str]] = {}
        for chip in self.chips:
            if chip.facet == DATE_CHIP:
                continue
            out.setdefault(chip.facet, [])
            if chip.value not in out[chip.facet]:
                out[chip.facet].append(chip.value)
        return out


    def date_ranges(self) -> list[tuple[int | None, int | None]]:
        """(from, to) yyyymmdd bounds of each date-range chip; all of them apply."""
        return [date_bounds(c.value) for c in self.chips if c.facet == DATE_CHIP]


def match_value(typed: str, known: Iterable[str]) -> str | None:
    """The facet value a typed one names: equal ignoring case, else the one value containing it."""
    low = " ".join(typed.lower().split())
    values = list(known)
    exact = [v for v in values if v.lower() == low]
    partial = [v for v in values if low and low in v.lower()]
    return exact[0] if exact else (partial[0] if len(partial) == 1 else None)


def _standalone(text: str, start: int, end: int, depth: int) -> bool:
    """A term that filters on its own: top level, not negated, not an OR operand."""
    before, after = text[:start], text[end:]
    return (depth == 0 and not before.endswith("-")
            and not re.search(r"(?:\bNOT|\bOR)\s*$", before)
            and not re.match(r"\s*OR\b", after))


def _field_chip(m: re.Match, values: Mapping[str, Iterable[str]]) -> Chip | None:
    name, typed = m["name"].lower(), m["value"].strip("\"'").strip()
    if name == DATE_CHIP:
        try:
            lo, hi = date_bounds(typed)
        except ValueError:
            return None     # left to the query parser, which says why it is ignored
        return Chip(DATE_CHIP, typed, m["field"]) if lo or hi else None
    value = match_value(typed, values.get(name, ()))
    return Chip(name, value, m["field"]) if value else None


def field_chips(text: str, values: Mapping[str, Iterable[str]]) -> tuple[str, list[Chip]]:
    """Facet field terms of a query taken out as chips; returns (the rest, chips)."""
    chips: list[Chip] = []
    parts, last, depth = [], 0, 0
    for m in SCAN.finditer(text):
        depth += (m["open"] is not None) - (m["close"] is not None)
        if not m["field"] or not _standalone(text, m.start(), m.end(), depth):
            continue
        chip = _field_chip(m, values)
        if chip:
            chips.append(chip)
            parts.append(text[last:m.start()] + " ")
            last = m.end()
    parts.append(text[last:])
    return re.sub(r"\s+", " ", "".join(parts)).strip(), chips


def _vocabulary(values: Mapping[str, Iterable[str]], facets: tuple[str, ...] = UNDERSTOOD,
                decisions: Mapping[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """lowercase phrase -> (facet, stored value); `decisions`: everyday decision words
    ('approved' -> 'Overturned', from the vocabulary) understood as the Decision filter too."""
    vocab: dict[str, tuple[str, str]] = {}
    if "decision" in facets:
        for word, value in (decisions or {}).items():
            # an item's decision, or the letter's outcome ('split decision' -> Partially overturned)
            vocab.setdefault(word.lower(), ("decision" if value in DECISIONS else "outcome", value))
    for facet in facets:
        known = list(values.get(facet, ()))
        if facet == "decision":
            known = list(dict.fromkeys([*known, *DECISIONS]))
        for value in known:
            if facet == "year" and not re.fullmatch(r"(19|20)\d\d", value):
                continue
            if len(value) >= 4:
                vocab.setdefault(value.lower(), (facet, value))
                if "&" in value:       # 'physical medicine and rehabilitation' names it too
                    vocab.setdefault(value.lower().replace("&", "and"), (facet, value))
        if facet == "specialty":
            # Other spellings of a specialty the snapshot holds: 'orthopaedic surgery', 'PM&R'.
            present = set(known)
            for variant, canonical in reviewer.SPECIALTY_VARIANTS.items():
                if canonical in present:
                    vocab.setdefault(variant.lower(), (facet, canonical))
    return vocab


def _pattern(vocab: Mapping[str, tuple[str, str]]) -> re.Pattern | None:
    return _compiled(frozenset(vocab)) if vocab else None


@lru_cache(maxsize=16)
def _compiled(vocab: frozenset[str]) -> re.Pattern:
    """The pattern of a snapshot's filter phrases (longest first): a pure memo of a pure function, so a
    query no longer joins and escapes every phrase again."""
    phrases = sorted(vocab, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(r"(?<![\w\-:*/.])(?<!NOT )(" + alternatives + r")(?![\w\-:*/])",
                      re.IGNORECASE)


def _suggestions(text: str, values: Mapping[str, Iterable[str]]) -> list[Chip]:
    """Specialty (and other SUGGESTED) values the text names, as offered filters."""
    pattern = _pattern(vocab := _vocabulary(values, SUGGESTED))
    if pattern is None:
        return []
    seen = {}
    for m in pattern.finditer(PROTECTED.sub(" ", text)):
        facet, value = vocab[re.sub(r"\s+", " ", m[1].lower())]
        seen.setdefault((facet, value), Chip(facet, value, m[1]))
    return list(seen.values())


@lru_cache(maxsize=1)
def lay_decisions() -> dict[str, str]:
    """Everyday decision verbs (`turned down`, `okayed`: query_words.toml `[lay_decisions]`) -> the
    Decision value they mean: a pure memo of constant data, made on first use."""
    data = tomllib.loads((data_dir() / intent.DATA_FILE).read_text(encoding="utf-8"))["lay_decisions"]
    return {w.lower(): value for value in intent.BOTH for w in data[value]}


def understand(query: str, values: Mapping[str, Iterable[str]], literal: bool = False,
               decisions: Mapping[str, str] | None = None, vocab: Vocabulary | None = None) -> Understanding:
    """Split a query into filter chips, offered filters and the text left to search; `decisions`
    maps everyday decision words ('approved', 'denied' ...) to the Decision filter's values; `vocab`
    tells a leading label (`defense view: ...`, labels.py) from a concept's name."""
    text = (query or "").strip()
    loose = LOOSE_CASE.fullmatch(text)
    if loose:
        case = f"{loose[1]}-{loose[2]}".upper()
        return Understanding(case, [], case)
    label = None
    if not literal:     # `5 milligrams` is `5 mg` (numerals.py); a heading before what is asked: `claim note - ...`
        text = numerals.units_abbreviated(text)
        text, label = labels.unlabelled(text, vocab, [*lay_decisions(), *(decisions or {}), *DECISIONS])
        text, form = forms.form_dropped(text, vocab)     # `RFA: MRI ...`: the DWC's request form (forms.py)
    text, chips = field_chips(text, values)
    if not literal:     # a month with its year: the decision date's range (months.py)
        text, dated = months.month_chips(text)
        chips += dated
    if decisions is not None:       # everyday verbs too: 'turned down', 'okayed' (query_words.toml)
        decisions = {**lay_decisions(), **decisions}
    if not literal:     # a specialty beside a reviewer word, or a specialist who decided: who reviewed it
        text, named = reviewers.reviewer_chips(text, values.get("specialty", ()), [*(decisions or {}), *DECISIONS])
        chips += named
    asked = intent.Intent(text) if literal else \
        intent.read(text, {**{v.lower(): v for v in values.get("outcome", ())}, **(decisions or {}),
                           **{d.lower(): d for d in DECISIONS}})
    text, notes, rate = asked.text, asked.notes, asked.rate
    if not literal:     # `any body part`, `with or without contrast`: no restriction (unrestricted.py)
        text, free = unrestricted.unrestricted(text)
        notes[:0] = free
    if label:
        notes.insert(0, f"Not searched (a label before what is asked): {label}")
    if not literal:
        notes[:0] = form
    pattern = None if literal or not text else _pattern(vocab := _vocabulary(values, decisions=decisions))
    suggestions = [] if literal else _suggestions(text, values)
    if pattern is None:
        return Understanding(_tidy(text) if chips else text, chips, suggestions=suggestions, notes=notes, rate=rate)

    def take(m: re.Match) -> str:
        facet, value = vocab[re.sub(r"\s+", " ", m[1].lower())]
        chips.append(Chip(facet, value, m[1]))
        return " "

    parts, last = [], 0
    for m in PROTECTED.finditer(text):
        parts += [pattern.sub(take, text[last:m.start()]), m[0]]
        last = m.end()
    parts.append(pattern.sub(take, text[last:]))
    rest = re.sub(r"\s+", " ", "".join(parts)).strip()
    if any(c.facet in ("decision", "outcome", reviewers.FACET) and ":" not in c.word for c in chips) \
            and intent.only_decided(rest):
        # 'denied requests', 'overturned items': the decision over every item
        notes.append(f"Not searched (what was decided): {rest}")
        rest = ""
    return Understanding(_tidy(rest) if chips else rest, chips, suggestions=suggestions, notes=notes, rate=rate)


def _tidy(rest: str) -> str:
    """The text left once chips were taken out, without dangling operators."""
    rest = re.sub(r"(?:\s*-\s*$)|(?:^\s*(?:AND|OR)\s+)|(?:\s+(?:AND|OR|NOT)\s*$)", "", rest)
    return rest if plain_words(rest) else ""
