"""Query understanding: words of a query that name a filter become chips.

In `personal trainer upheld` the word 'upheld' is the Decision filter, not
text to search. Recognised (case-insensitive, whole words, outside quotes,
field:value terms and negations): decisions, reviewer specialties and licence
states present in the snapshot (multi-word, longest first), four-digit years
present in the snapshot, and a query that is just a case number
(QueryInfo.open_case).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from indexer.query import CASE_RE, plain_words
from indexer.results import Chip

UNDERSTOOD = ("decision", "specialty", "state", "year")
DECISIONS = ("Upheld", "Overturned")
# Quoted phrases and field:value terms are the user's own syntax: left alone.
PROTECTED = re.compile(r"\"[^\"]*\"|'[^']*'|\S+:\S*")


@dataclass
class Understanding:
    """What the query means: the text left to search, chips, a case to open."""

    text: str
    chips: list[Chip] = field(default_factory=list)
    open_case: str | None = None

    def filters(self) -> dict[str, list[str]]:
        """The chips as facet filters."""
        out: dict[str, list[str]] = {}
        for chip in self.chips:
            out.setdefault(chip.facet, [])
            if chip.value not in out[chip.facet]:
                out[chip.facet].append(chip.value)
        return out


def _vocabulary(values: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, str]]:
    """lowercase phrase -> (facet, stored value)."""
    vocab: dict[str, tuple[str, str]] = {}
    for facet in UNDERSTOOD:
        known = list(values.get(facet, ()))
        if facet == "decision":
            known = list(dict.fromkeys([*known, *DECISIONS]))
        for value in known:
            if facet == "year" and not re.fullmatch(r"(19|20)\d\d", value):
                continue
            if len(value) >= 4:
                vocab.setdefault(value.lower(), (facet, value))
    return vocab


def _pattern(vocab: Mapping[str, tuple[str, str]]) -> re.Pattern | None:
    if not vocab:
        return None
    phrases = sorted(vocab, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(r"(?<![\w\-:*/.])(?<!NOT )(" + alternatives + r")(?![\w\-:*/])",
                      re.IGNORECASE)


def understand(query: str, values: Mapping[str, Iterable[str]], literal: bool = False) -> Understanding:
    """Split a query into filter chips and the text left to search."""
    text = (query or "").strip()
    if CASE_RE.fullmatch(text):
        return Understanding(text, [], text.upper())
    if literal or not text:
        return Understanding(text)
    vocab = _vocabulary(values)
    pattern = _pattern(vocab)
    if pattern is None:
        return Understanding(text)
    chips: list[Chip] = []

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
    if chips:
        rest = re.sub(r"(?:\s*-\s*$)|(?:^\s*(?:AND|OR)\s+)|(?:\s+(?:AND|OR|NOT)\s*$)", "", rest)
        if not plain_words(rest):
            rest = ""
    return Understanding(rest, chips)
