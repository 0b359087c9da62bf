"""Domain synonyms, expanded at query time: `hydrocodone` also searches Norco, Vicodin ...

The table (synonyms.txt beside this module) holds groups of equivalent terms:
brand and generic drug names, and the abbreviations of this field. A query
word or phrase that is a member of a group is searched as any member of it;
a member may also name a treatment category (`DME` finds every request of
category *Durable medical equipment*, whatever its wording); the page and the
API say what was added (QueryInfo.expansions), and
`synonyms=0` in the URL turns it off. Quoted phrases, field terms and
negated words keep their literal meaning, except that a negated member
excludes the whole group. Growing the table needs no rebuild: it is read once
per process, on first use.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from indexer.results import Expansion

# Quoted phrases and field:value terms are the user's own syntax.
_PROTECTED = re.compile(r"\"[^\"]*\"|'[^']*'|\b\w+:(?:\"[^\"]*\"|'[^']*'|\S+)")


def _normal(term: str) -> str:
    return " ".join(term.lower().split())


@lru_cache(maxsize=1)
def _read() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The synonym table read from its file: a pure memo of constant data, made once."""
    text = resources.files("indexer.search.query").joinpath("synonyms.txt").read_text(encoding="utf-8")
    groups: dict[str, tuple[str, ...]] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        value = None
        if line.startswith("category:"):
            value, _, line = line[len("category:"):].partition("=")
            value = value.strip()
        members = tuple(dict.fromkeys(t.strip() for t in line.split(",") if t.strip()))
        for member in members:
            key = _normal(member)
            if value:
                categories[key] = tuple(dict.fromkeys(categories.get(key, ()) + (value,)))
                groups.setdefault(key, (member,))
            else:
                # A member of two groups gets both (e.g. 'lidocaine patch' and 'lidocaine').
                groups[key] = tuple(dict.fromkeys(groups.get(key, ()) + members))
    return groups, categories


def table() -> dict[str, tuple[str, ...]]:
    """lowercase member -> every member of its groups (as written in the table)."""
    return _read()[0]


def categories() -> dict[str, tuple[str, ...]]:
    """lowercase member -> the treatment categories it also names."""
    return _read()[1]


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    """The regex of every member of the table: a pure memo of constant data, compiled once."""
    members = sorted(table(), key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, m.split())) for m in members)
    # '-' joins a compound after a letter, but negates at the start of a word.
    return re.compile(rf"(?<![\w./*])(?<!\w-)({alternatives})(?![\w/*-]|\.\w)", re.IGNORECASE)


def _group_query(members: tuple[str, ...], named: tuple[str, ...] = ()) -> str:
    terms = [f'"{m}"' if " " in m else m for m in members]
    terms += ["category:'" + c.replace("'", " ") + "'" for c in named]
    return "(" + " OR ".join(terms) + ")"


def expand(text: str) -> tuple[str, list[Expansion]]:
    """The query text with every synonym member replaced by its group; and what was added."""
    if not text.strip() or not table():
        return text, []
    found: list[Expansion] = []

    def replace(m: re.Match) -> str:
        typed = m[1]
        members = table()[_normal(typed)]
        also = tuple(x for x in members if _normal(x) != _normal(typed))
        named = categories().get(_normal(typed), ())
        shown = [*also, *(f"category: {c}" for c in named)]
        if shown and all(e.word.lower() != typed.lower() for e in found):
            found.append(Expansion(typed, shown))
        return _group_query((typed, *also), named)

    parts, last = [], 0
    for m in _PROTECTED.finditer(text):
        parts += [_pattern().sub(replace, text[last:m.start()]), m[0]]
        last = m.end()
    parts.append(_pattern().sub(replace, text[last:]))
    return "".join(parts), found
