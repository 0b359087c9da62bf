"""The word lists a query is read with (indexer/vocabulary/data/query_words.toml, each with its
rationale), and the first reading of every query: dotted acronyms joined, slashed shorthand read as
its words (indexer.search.query.reading uses the rest)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.results import Expansion
from indexer.search.query.places import limb_pattern
from indexer.vocabulary.concepts import data_dir

DATA_FILE = "query_words.toml"
# Letters joined by dots: 'E.K.G.', 'M.R.I', 'e.s.i.' (not a dose, not a word with one dot).
DOTTED = re.compile(r"(?<![\w.])[A-Za-z](?:\.[A-Za-z])+\.?(?![\w.])")
# What normalise may change: a dot or slash between letters, a question mark.
_NORMALISED = re.compile(r"[A-Za-z][./][A-Za-z]|\?")
_PROTECTED = re.compile(r"\"[^\"]*\"|'[^']*'|\b\w+:(?:\"[^\"]*\"|'[^']*'|\S+)")


@dataclass(frozen=True)
class QueryWords:
    """The word lists of query_words.toml."""

    wrappers: frozenset[str]
    generic: frozenset[str]
    qualifiers: frozenset[str]
    dosage_forms: frozenset[str]
    joiners: frozenset[str]
    drug_heads: frozenset[str]
    against: tuple[str, ...]
    after: tuple[str, ...]
    before: tuple[str, ...]
    shorthand: dict[str, str]
    shorthand_pattern: re.Pattern
    listed: frozenset[str] = frozenset()     # every word above, and each timing phrase's first
    sides: dict[str, str] = field(default_factory=dict)       # side shorthand -> the side's name
    dosing: frozenset[str] = frozenset()                      # schedules and quantities: they rank
    with_words: frozenset[str] = frozenset()                  # `with`: the next word not negated
    limbs: dict[str, str] = field(default_factory=dict)       # a sided limb's limb letters -> its words
    purpose: tuple[str, ...] = ()                             # `for`: the plain words after it rank
    after_number: frozenset[str] = frozenset()                # schedule words only after a number
    abbreviations: dict[str, str] = field(default_factory=dict)   # a clipped word -> its word
    limb_pattern: re.Pattern | None = None                    # places.limb_pattern of sides and limbs
    alone: frozenset[str] = frozenset()                       # `only`, `alone`: a treatment asked alone
    including: frozenset[str] = frozenset()                   # `including`: a list whose sides are as said
    context: frozenset[str] = frozenset()                     # `on`, `from`: every concept after it ranks


@lru_cache(maxsize=1)
def query_words() -> QueryWords:
    """The lists read from their data file: a pure memo of constant data, made on first use."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))

    def words(section: str, key: str = "words") -> frozenset[str]:
        return frozenset(w.lower() for w in data[section][key])

    shorthand = {k.lower(): v for k, v in data["shorthand"].items() if k != "why"}
    pattern = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, sorted(shorthand, key=len, reverse=True)))
                         + r")(?![\w/])", re.IGNORECASE)
    sides = {k.lower(): v for k, v in data["sides"].items() if k != "why"}
    limbs = {k.lower(): v for k, v in data.get("limbs", {}).items() if k != "why"}
    purpose = tuple(data["purpose"]["words"])
    clipped = {k.lower(): v for k, v in data["abbreviations"].items() if k != "why"}
    return QueryWords(words("wrappers") | words("alone"), words("generic"), words("generic", "qualifiers"),
                      words("dosage_forms"), words("joiners"), words("generic", "drug_heads"),
                      tuple(data["generic"]["against"]), tuple(data["timing"]["after"]),
                      tuple(data["timing"]["before"]), shorthand, pattern,
                      frozenset().union(*(words(k) for k in ("wrappers", "generic", "dosage_forms", "joiners")),
                                        words("joiners", "including"),
                                        words("generic", "qualifiers"), words("generic", "drug_heads"),
                                        (t.split()[0] for t in data["timing"]["after"] + data["timing"]["before"]),
                                        sides, words("dosing"), words("negation", "with"),
                                        (t.split()[0] for t in purpose), words("purpose", "context"), clipped),
                      sides, words("dosing"), words("negation", "with"), limbs, purpose,
                      words("dosing", "after_number"), clipped, limb_pattern(sides, limbs), words("alone"),
                      words("joiners", "including"), words("purpose", "context"))


def _outside_protected(text: str, change) -> str:
    parts, last = [], 0
    for m in _PROTECTED.finditer(text):
        parts += [change(text[last:m.start()]), m[0]]
        last = m.end()
    return "".join(parts + [change(text[last:])])


def normalise(text: str, shorthand: bool = True) -> tuple[str, list[Expansion]]:
    """Dotted acronyms joined (`E.K.G.` -> `EKG`), a question's final `?` dropped and, with
    `shorthand`, slashed shorthand read as its words (`L/S` -> `lumbosacral`); and the shorthand read."""
    found: list[Expansion] = []
    if not _NORMALISED.search(text):
        return text, found
    words = query_words()
    table, pattern = words.shorthand, (words.shorthand_pattern if shorthand else None)

    def shorthand_of(m: re.Match) -> str:
        words = table[m[1].lower()]
        if all(e.word.lower() != m[1].lower() for e in found):
            found.append(Expansion(m[1], [words]))
        return words

    def change(stretch: str) -> str:
        stretch = DOTTED.sub(lambda m: m[0].replace(".", ""), stretch)
        stretch = re.sub(r"(?<=\w)\?+(?=\s*$)", "", stretch)
        return pattern.sub(shorthand_of, stretch) if pattern is not None else stretch

    return _outside_protected(text, change), found
