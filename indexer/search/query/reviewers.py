"""Who reviewed it: a reviewer specialty named beside a reviewer word becomes the Reviewer specialty chip.

`ortho reviewer surgery denials`, `reviewed by a pain management doctor`, `chiropractor reviewed cases`:
the specialty (the snapshot's own facet values, a board's `and` for its `&`, their variants in
indexer.index.values.reviewer and the everyday names of query_words.toml `[reviewers]`) is a filter where a
reviewer word says so, or where a specialist (a person: `ortho surgeon`, `neurologist`, `pain doctor`) is the
one who decided (`ortho surgeon denied physical therapy`: in an IMR the reviewer decides); alone it stays a
treatment word (`chiropractor`, `orthopedic consult`), its filter offered (understand.py), and a bare
specialty that no request names is the chip (indexer.search.rescue.specialty_chosen).
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
# A name that is a person, who can be the subject of a decision verb (`ortho surgeon denied ...`).
PERSON = re.compile(r"(?:surgeon|ist|doctor|doc|physician|specialist)s?$")


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, ...], dict[str, str]]:
    """The reviewer words and every everyday name -> its specialty: a pure memo of constant data."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))["reviewers"]
    names = {n.lower(): value for value, typed in data["names"].items() for n in typed}
    names.update({v.lower(): c for v, c in reviewer.SPECIALTY_VARIANTS.items()})
    return tuple(data["words"]), names


def _spellings(value: str) -> set[str]:
    """A board's name as typed: itself, and with `and` for its `&` (`physical medicine and rehabilitation`)."""
    low = value.lower()
    return {low, low.replace("&", "and")}


def _alternatives(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any spacing between their words."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


def names_of(known: Iterable[str]) -> dict[str, str]:
    """Every name a snapshot's specialties are typed by (lowercase) -> its facet value."""
    _, everyday = _words()
    known = set(known)
    names = {n: v for v in known for n in _spellings(v)}
    names.update({n: v for n, v in everyday.items() if v in known})
    return names


@lru_cache(maxsize=16)
def _pattern(known: frozenset[str], verbs: frozenset[str]) -> tuple[re.Pattern, dict[str, str]] | None:
    """The pattern of a specialty named beside a reviewer word, or a specialist before a decision verb, for
    a snapshot's specialties: a pure memo of a pure function, so a query does not join and escape every
    name again."""
    words, _ = _words()
    names = names_of(known)
    if not names:
        return None
    name, word = f"({_alternatives(names)})", f"(?:{_alternatives(words)})"
    person = f"({_alternatives(n for n in names if PERSON.search(n))})"
    titled = rf"{person}|{name}\s+(?:doctor|doctors|doc|physician|physicians|md|specialist)"
    decided = rf"|(?:{titled})(?=\s+(?:{_alternatives(verbs)})(?![\w-]))" if verbs else ""
    return re.compile(rf"(?<![\w-])(?:{word}\s+{FILLERS}{name}{TITLES}|{name}{TITLES}\s+{word}{decided})(?![\w-])",
                      re.IGNORECASE), names


def reviewer_chips(text: str, specialties: Iterable[str], verbs: Iterable[str] = ()) -> tuple[str, list[Chip]]:
    """The specialties named as who reviewed (beside a reviewer word, or a specialist before one of the
    decision `verbs`), taken out of `text` as chips; (the rest, the chips)."""
    found = _pattern(frozenset(specialties), frozenset(v.lower() for v in verbs))
    if found is None:
        return text, []
    pattern, names = found
    chips: list[Chip] = []

    def take(m: re.Match) -> str:
        typed = next(g for g in m.groups() if g)
        value = names[" ".join(typed.lower().split())]
        if all(c.value != value for c in chips):
            chips.append(Chip(FACET, value, m[0]))
        return " "
    rest = pattern.sub(take, text)
    return " ".join(rest.split()), chips


def bare_specialty(text: str, specialties: Iterable[str]) -> Chip | None:
    """The specialty a query is nothing but (`rheumatology`, `a neurologist`), as its chip; else None."""
    names = names_of(specialties)
    typed = re.sub(rf"^{FILLERS}", "", " ".join(text.lower().split()))
    typed = re.sub(rf"{TITLES}$", "", typed)
    return Chip(FACET, names[typed], text) if typed in names else None
