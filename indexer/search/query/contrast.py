"""A study's contrast as clinic notes abbreviate it, read before the lay names of contrast are
(indexer.search.query.intent.lay_names) and the rule for `with` (shorthand.asked_with).

`w` and `wo` are the slashless forms of ISMP's `w/` (with) and `w/o` (without) (ISMP's List of
Error-Prone Abbreviations, Symbols, and Dose Designations lists both as clinic shorthand): before
`contrast` (`dye`, `gad`, `gadolinium`) they are those words. A study asked with *and* without contrast
(`with and without contrast`, `w/wo`, `w/ and w/o`, `with/without`: CPT's third descriptor of MRI and CT,
"without contrast material(s), followed by contrast material(s)") is asked for either: `contrast`, so
the studies with it and those without it answer. An item saying both counts as one with contrast too
(the index marks `with <word>`, indexer.index.values.schedules.with_marks: `with and without contrast`
is never left out of `MRI with contrast`).
"""
from __future__ import annotations

import re

from indexer.fields import CONCEPT_FIELD
from indexer.index.values.schedules import WITH_MARK

_AGENT = r"(?:contrast|dye|gad|gadolinium)"
_BOTH = re.compile(rf"(?<![\w/])(?:with|w/?)\s*(?:and|&|/|\+)\s*(?:without|w/?o)\s+(?={_AGENT}\b)"
                   rf"|(?<![\w/])(?:without|w/?o)\s*(?:and|&|/|\+)\s*(?:with|w/?)\s+(?={_AGENT}\b)", re.IGNORECASE)
_MAY_HOLD = re.compile(r"(?<![\w/])wo?(?:\s|/|$)|with(?:out)?\s*(?:and|&|/|\+)", re.IGNORECASE)
_WITH = re.compile(rf"(?<![\w/])w\s+(?={_AGENT}\b)", re.IGNORECASE)
_WITHOUT = re.compile(rf"(?<![\w/])wo\s+(?={_AGENT}\b)", re.IGNORECASE)


def spelled(text: str) -> tuple[str, list[str]]:
    """`w contrast` -> `with contrast`, `wo contrast` -> `without contrast`, `w/wo contrast` -> `contrast`
    (either); the messages saying so."""
    if not _MAY_HOLD.search(text):
        return text, []
    said: list[str] = []

    def read(words: str, meaning: str):
        def sub(m: re.Match) -> str:
            said.append(f"'{m[0].strip()}' read as '{meaning}'")
            return words
        return sub
    text = _BOTH.sub(read("", "with or without"), text)
    text = _WITH.sub(read("with ", "with"), text)
    return _WITHOUT.sub(read("without ", "without"), text), said


def without(word: str) -> str:
    """An item saying `without <word>` and not also `with` it (`with and without contrast`)."""
    return f"(item:\"without {word}\" ANDNOT {CONCEPT_FIELD}:'{WITH_MARK}{word}')"
