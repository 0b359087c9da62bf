"""Forgiving input: a query that finds nothing, read again with its unknown words mended.

When a search finds nothing (indexer.search.searcher), each word of its text that is
not in the index is looked up among the snapshot's surface words
(indexer.search.query.spelling):

- a confident correction replaces it (`cyclobenzaprin` -> `cyclobenzaprine`);
- the last word, when no confident correction merely finishes it, is searched as a
  prefix if some word of the letters starts with it (`physical thera` -> `physical thera*`,
  bounded like every prefix by parser.bound_prefixes);
- a correction that is not confident is only offered ('Did you mean'), spelt as the
  letters spell it, never as a stem.

Words inside a quoted phrase are searched as typed.
The searcher runs the mended text instead, and says so (QueryInfo.corrected, corrected_from,
completed); `spell=0` in the URL searches the text as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from indexer.fields import TEXT_FIELDS
from indexer.index.analysis import words
from indexer.search.query.spelling import Lexicon

# A plain word of a query: not part of a field term, a prefix, a compound or a dotted word.
WORD = re.compile(r"(?<![\w:'*/.-])[A-Za-z]{3,40}(?![\w:*/.'-])")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "TO"}
QUOTED = re.compile(r'"[^"]*"')      # a phrase is searched as typed: its words are never mended
# More unknown words than this is no typing slip (and each costs a scan of the surface words).
MAX_UNKNOWN = 4
# word -> the documents its analysis finds in the index, None when it gives no term (a stop word)
Frequency = Callable[[str], "int | None"]


@dataclass
class Mending:
    """What forgiving a query's words gives: a text to search instead and/or a correction to offer."""

    text: str | None = None              # the understood text mended (None: nothing to search instead)
    q: str | None = None                 # the query as typed, mended the same way
    completed: str | None = None         # a last word searched as a prefix
    corrections: dict[str, str] = field(default_factory=dict)   # typed word -> surface word searched
    offer: str | None = None             # the query with its best guesses ('Did you mean')


def _plain_words(text: str) -> list[re.Match]:
    """The plain words of a query outside its quoted phrases, in order."""
    quoted = [m.span() for m in QUOTED.finditer(text)]
    return [m for m in WORD.finditer(text) if m[0] not in OPERATORS
            and not any(start < m.start() < end for start, end in quoted)]


def worth_mending(text: str, frequency: Frequency) -> bool:
    """Whether `text` has an unknown word (one whose analysis is in no text field of the index),
    and at most MAX_UNKNOWN of them."""
    unknown = sum(1 for m in _plain_words(text) if frequency(m[0]) == 0)
    return 0 < unknown <= MAX_UNKNOWN


def _replace(text: str, changes: dict[str, str]) -> str:
    """`text` with each plain word named in `changes` replaced (matched ignoring case)."""
    low = {k.lower(): v for k, v in changes.items()}
    out, last = [], 0
    for m in _plain_words(text):
        out += [text[last:m.start()], low.get(m[0].lower(), m[0])]
        last = m.end()
    return "".join(out) + text[last:]


def mend(text: str, q: str, lexicon: Lexicon, frequency: Frequency,
         expands: Callable[[str], bool]) -> Mending:
    """Mend the unknown words of the understood `text` (and of `q`, the query as typed);
    `expands(prefix)`: whether a prefix matches some indexed term."""
    words = _plain_words(text)
    last = words[-1] if words and not text[words[-1].end():].strip() else None

    def indexed(word: str) -> bool:
        return bool(frequency(word))

    searched: dict[str, str] = {}
    offered: dict[str, str] = {}
    completed = None
    for m in words:
        word = m[0]
        if frequency(word) != 0:     # in the index, or no indexed word at all (a stop word)
            continue
        choice = lexicon.choose(word, indexed)
        if choice:
            offered[word] = choice.word
        low = word.lower()
        finishes = choice is not None and choice.confident and choice.word.startswith(low)
        if m is last and not finishes and lexicon.extends(low) and expands(low):
            searched[word], completed = low + "*", low
        elif choice is not None and choice.confident:
            searched[word] = choice.word
    mending = Mending(offer=_replace(q, offered) if offered else None)
    if searched:
        mending.text, mending.q = _replace(text, searched), _replace(q, searched)
        mending.completed = completed
        mending.corrections = {k: v for k, v in searched.items() if not v.endswith("*")}
    return mending


def term_frequency(reader, word: str) -> int | None:
    """The documents of any text field holding the word's analysis (None when it gives no term)."""
    stems = [stem for _, _, stem, _ in words(word, "query")]
    if not stems:
        return None
    return sum(reader.doc_frequency(f, stem) for stem in stems for f in TEXT_FIELDS)


def prefix_found(reader, prefix: str) -> bool:
    """Whether some indexed term of a text field starts with `prefix`."""
    return any(next(iter(reader.expand_prefix(f, prefix)), None) is not None for f in TEXT_FIELDS)
