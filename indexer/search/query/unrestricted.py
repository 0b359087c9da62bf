"""A choice left free: `CT scans any body part`, `MRI any contrast`, `MRI with or without contrast`.

A free-choice quantifier (`any`, `whatever`, `regardless of` ...) before a generic noun of a place, a
kind or a study's contrast (`body part`, `region`, `kind`, `contrast` ...), and the phrases asking a
study either way (`with or without contrast`), ask no restriction: their words are not searched, and a
note says so. The lists are data (query_words.toml `[unrestricted]`, with their sources); anything else
after `any` is read as before (`any NSAID`: the quantifier is a question's word, the noun is searched).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from indexer.vocabulary.concepts import data_dir

DATA_FILE = "query_words.toml"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    """The free-choice phrases of the data file, longest first: a pure memo of constant data."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))["unrestricted"]

    def alternatives(words: list[str]) -> str:
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w/])(?:(?:{alternatives(data['quantifiers'])})\s+(?:{alternatives(data['nouns'])})"
                      rf"|{alternatives(data['phrases'])})(?![\w/])", re.IGNORECASE)


def unrestricted(text: str) -> tuple[str, list[str]]:
    """`text` without its free choices, and the note naming them (none when there are none)."""
    found: list[str] = []

    def drop(m: re.Match) -> str:
        found.append(" ".join(m[0].split()))
        return " "
    rest = _pattern().sub(drop, text)
    if not found or not rest.strip():
        return text, []
    return " ".join(rest.split()), ["Not searched (a choice left free, no restriction): " + ", ".join(found)]
