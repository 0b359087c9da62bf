"""A question about coverage (`is X covered`, `does workers comp pay for X`, `can I get X`): its frame.

The phrases are data (the `[coverage]` section of indexer/vocabulary/data/query_words.toml, with its
source): IMR decides whether a treatment is medically necessary, and a letter answers a coverage
question by its decision; it never states the question's frame (`workers comp`, `covered`, `pay for`,
`insurance`) about an item. Those words are not searched where the query names something else; its
decision words (`approved`, `denied`) still become the Decision chip (understand.py), and a query that is
only the frame is searched as typed.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from whoosh.analysis import STOP_WORDS

from indexer.search.query.wordlists import query_words
from indexer.vocabulary.concepts import data_dir

DATA_FILE = "query_words.toml"
_WORD = re.compile(r"[\w'%/.#-]+")


@lru_cache(maxsize=1)
def frame() -> re.Pattern:
    """The frame's phrases as one pattern, longest first: a pure memo of constant data, made on first use."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))
    # the coverage frame, and a researcher's framing and filler nouns (`[framing]`: `utilization of`, `stuff`)
    phrases = sorted({p.lower() for p in data["coverage"]["phrases"] + data["framing"]["phrases"]},
                     key=len, reverse=True)
    return re.compile(r"(?<![\w'-])(" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
                      + r")(?![\w'-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def requester() -> tuple[re.Pattern, frozenset[str]]:
    """Who asked for a request (`ortho surgeon requested`, `requested by the treating physician`): a
    provider noun with at most two qualifiers before a requesting verb, or after `requested by`; and the
    words before a provider that make it a request's name (`assistant surgeon`). A pure memo of constant
    data, made on first use."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))["framing"]

    def words(key: str) -> str:
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(data[key], key=len, reverse=True))
    provider = r"(?:(?:%s)\s+){0,2}(?:%s)" % (words("requester_qualifiers"), words("requesters"))
    return re.compile(r"(?<![\w'-])(?:%s\s+(?:%s)|(?:requested|ordered|prescribed)\s+by\s+(?:the\s+|my\s+)?%s)"
                      r"(?![\w'-])" % (provider, words("requesting"), provider), re.IGNORECASE), \
        frozenset(w.lower() for w in data["not_requesters"])


def _requesters(text: str) -> list[re.Match]:
    """The requester phrases of `text`, not those naming a request (`assistant surgeon requested`)."""
    pattern, never = requester()
    return [m for m in pattern.finditer(text)
            if (text[:m.start()].split() or [""])[-1].lower().rstrip("-") not in never]


def unframed(text: str) -> tuple[str, list[str]]:
    """`text` without a coverage question's frame, and the page's note; unchanged when nothing would
    be left to search but question and stop words."""
    pattern, asking = frame(), _requesters(text)
    if not pattern.search(text) and not asking:
        return text, []
    said = [m[0] for m in asking]
    rest = "".join(text[a.end() if a else 0:b.start() if b else len(text)] + " "
                   for a, b in zip([None, *asking], [*asking, None]))
    said += [m[1] for m in pattern.finditer(rest)]
    rest = " ".join(pattern.sub(" ", rest).split())
    asked = query_words().wrappers | STOP_WORDS
    if not any(w.lower() not in asked for w in _WORD.findall(rest)):
        return text, []
    return rest, ["Not searched (the question's frame or filler words, which no request states: an IMR letter "
                  "answers by its decision): " + ", ".join(said)]
