"""What a utilization review modified: a request certified in part, read as the items whose heading says so.

People say it many ways (the `[ur_modified]` section of indexer/vocabulary/data/query_words.toml, with
its source, 8 CCR 9792.6.1: a modification certifies part of the requested treatment): `modified`,
`partially certified`, `partial cert`, and with the numbers it was cut by, `cut to 6`, `reduced from 12
to 6`. IMR letters write such an item "<X> was the original request. <Y> was authorized by the Claims
Administrator. The remaining IMR eligible portion ...", so the phrase `original request` of the item's
own words is asked (MODIFIED_QUERY), beside the treatment read as any query reads it (reading.py). Every
form said in the query is taken (`modified requests partially certified physical therapy`), and the
numbers of a cut (`to 6`, `from 12 to 6`) are the modification's, not words to search. Beside the treatment,
a plain word that names no concept (`norco weaning partial cert`, `PT sessions after partial certification`)
is the modification's context, its reason or its time, which the heading does not state (the rationale
may): it ranks, it is not required (`context_words`).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from whoosh.analysis import STOP_WORDS

from indexer.index.analysis import ONES, TENS
from indexer.vocabulary import Vocabulary
from indexer.search.query.wordlists import query_words
from indexer.vocabulary.concepts import data_dir

DATA_FILE = "query_words.toml"
MODIFIED_QUERY = 'item:"original request"'      # the heading of an item a UR modified (module docstring)


@dataclass(frozen=True)
class ModifiedWords:
    """The `[ur_modified]` lists: the forms as one pattern, the words after which `modified` is another
    thing, the words of what is left for the IMR."""

    pattern: re.Pattern
    not_before: frozenset[str]
    portion: frozenset[str]


@lru_cache(maxsize=1)
def modified_words() -> ModifiedWords:
    """The lists read from their data file: a pure memo of constant data, made on first use."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))["ur_modified"]
    number = r"(?:\d+|%s)" % "|".join(sorted({*TENS, *(w for w in ONES if w)}, key=len, reverse=True))
    numbered = r"(?:\s+(?:from\s+)?%s(?:\s+(?:to|->)\s+%s)?)" % (number, number)

    def alternatives(forms: list[str]) -> str:
        return "|".join(r"\s+".join(map(re.escape, f.split())) for f in sorted(forms, key=len, reverse=True))

    pattern = re.compile(r"(?<![\w-])(?:(" + alternatives(data["forms"]) + r")|(" + alternatives(data["cut"])
                         + r")(?=" + numbered + r"(?![\w-])))(?![\w-])(" + numbered + r")?", re.IGNORECASE)
    low = lambda key: frozenset(w.lower() for w in data.get(key, ()))      # noqa: E731
    return ModifiedWords(pattern, low("not_before"), low("portion"))


def modified(text: str) -> tuple[str, list[str]]:
    """A UR's partial certification said as people say it, read as the items a UR modified: the text
    (the rest of the query, then MODIFIED_QUERY) and the page's note; unchanged when none is said."""
    lists = modified_words()
    said, kept, last = [], [], 0
    for m in lists.pattern.finditer(text):
        form = m[1] or m[2]
        after = re.match(r"\s+(\w+)", text[m.end():])
        if m[1] and not m[3] and after and after[1].lower() in lists.not_before:
            continue        # `modified barium swallow`, `modified duty`
        said.append(form)
        kept.append(text[last:m.start()])
        last = m.end()
    if not said:
        return text, []
    kept.append(text[last:])
    # The phrase is field syntax, which the query's reading leaves alone: the words of a question
    # around it ('why was the Norco partially certified') are dropped here, as reading drops them. So
    # are the words of what the IMR decides (`the remaining sessions`): every such heading says them.
    asked = query_words().wrappers | STOP_WORDS | lists.portion
    rest = [w for w in " ".join(kept).split() if w.lower() not in asked]
    return " ".join([*rest, MODIFIED_QUERY]), [
        f"'{said[0]}' read as what a utilization review modified (certified in part): the items whose heading "
        "says '… was the original request', the IMR deciding the rest"]


def modified_rest(text: str) -> str | None:
    """The words beside a UR modification read by `read` (its field clause ends the text), else None."""
    return text[:-len(MODIFIED_QUERY)].strip() if text.endswith(" " + MODIFIED_QUERY) else None


def modified_heads(rest: str) -> str | None:
    """Beside a modification, only generic heads (`modified to fewer sessions`): every modified item,
    those saying them first (syntax), else None (the rest is read as any query)."""
    heads = query_words().generic
    if rest and all(w.lower() in heads for w in rest.split()):
        return f"({MODIFIED_QUERY} ANDMAYBE ({rest}))"
    return None


def context_words(rest: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """The words beside a modification split: those of the concepts and the rest read as asked, and the plain
    words naming no concept (`weaning`, `after`) that rank as its context; (the words asked, the context).
    None are split off where nothing names a concept (`modified gym membership` is asked whole)."""
    words = rest.split()
    spans = vocab.parse_query(rest).spans
    if not spans:
        return rest, []
    covered, at = [], 0
    for w in words:
        start = rest.index(w, at)
        at = start + len(w)
        covered.append(any(s.start < at and start < s.end for s in spans))
    skipped = query_words().wrappers | STOP_WORDS | query_words().generic
    context = [w for w, c in zip(words, covered) if not c and w.isalpha() and w.lower() not in skipped]
    asked = [w for w, c in zip(words, covered) if c or w not in context]
    return " ".join(asked), context


def asked(rest: str, vocab: Vocabulary, read: Callable) -> tuple[str, list, list[str]]:
    """The words beside a modification asked: the treatment read by `read` (reading.py, giving its text,
    expansions and messages) among the modified items, its context ranking them; (query syntax, expansions,
    messages)."""
    named, context = context_words(rest, vocab)
    inner = read(named)
    query = f"(({inner.text}) AND {MODIFIED_QUERY})"
    if not context:
        return query, inner.expansions, inner.messages
    return f"({query} ANDMAYBE ({' OR '.join(context)}))", inner.expansions, inner.messages + [
        f"Ranked by (beside a modification), not required: {', '.join(context)}"]
