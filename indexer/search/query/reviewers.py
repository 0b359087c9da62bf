"""Who reviewed it: a reviewer specialty named beside a reviewer word becomes the Reviewer specialty chip.

`ortho reviewer surgery denials`, `reviewed by a pain management doctor`, `chiropractor reviewed cases`:
the specialty (the snapshot's own facet values, their variants in indexer.index.values.reviewer and the
everyday names of query_words.toml `[reviewers]`) is a filter where a reviewer word says so; alone it
stays a treatment word (`chiropractor`, `orthopedic consult`), its filter offered (understand.py).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import Iterable

from indexer.index.values import reviewer
from indexer.results import Chip
from indexer.search.query.intent import DATA_FILE
from indexer.vocabulary.concepts import data_dir

FACET = "specialty"
FILLERS = r"(?:(?:an?|the|my)\s+)?"
TITLES = r"(?:\s+(?:doctor|doctors|doc|physician|physicians|md|specialist))?"


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, ...], dict[str, str]]:
    """The reviewer words and every everyday name -> its specialty: a pure memo of constant data."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))["reviewers"]
    names = {n.lower(): value for value, typed in data["names"].items() for n in typed}
    names.update({v.lower(): c for v, c in reviewer.SPECIALTY_VARIANTS.items()})
    return tuple(data["words"]), names


def _alternatives(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any spacing between their words."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=16)
def _pattern(known: frozenset[str]) -> tuple[re.Pattern, dict[str, str]] | None:
    """The pattern of a specialty named beside a reviewer word, for a snapshot's specialties: a pure memo
    of a pure function, so a query does not join and escape every name again."""
    words, everyday = _words()
    names = {v.lower(): v for v in known}
    names.update({n: v for n, v in everyday.items() if v in known})
    if not names:
        return None
    name, word = f"({_alternatives(names)})", f"(?:{_alternatives(words)})"
    return re.compile(rf"(?<![\w-])(?:{word}\s+{FILLERS}{name}{TITLES}|{name}{TITLES}\s+{word})(?![\w-])",
                      re.IGNORECASE), names


def reviewer_chips(text: str, specialties: Iterable[str]) -> tuple[str, list[Chip]]:
    """The specialties named as who reviewed, taken out of `text` as chips; (the rest, the chips)."""
    found = _pattern(frozenset(specialties))
    if found is None or not re.search(r"review|imr", text, re.IGNORECASE):
        return text, []
    pattern, names = found
    chips: list[Chip] = []

    def take(m: re.Match) -> str:
        value = names[" ".join((m[1] or m[2]).lower().split())]
        if all(c.value != value for c in chips):
            chips.append(Chip(FACET, value, m[0]))
        return " "
    rest = pattern.sub(take, text)
    return " ".join(rest.split()), chips
