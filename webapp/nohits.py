"""A search that finds nothing: what each single change of it would find (drop one filter, one
word, read the words literally, look in whole letters), each counted and linked."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from werkzeug.datastructures import MultiDict

from indexer.errors import QueryError
from indexer.results import SearchResult
from indexer.search.facets import display_value
from indexer.search.query.request import parse_request
from webapp.state import searcher
from webapp.urlstate import toggle_filter, with_state, without_word
from webapp.wording import facet_label

MAX_WORDS = 6            # words of a long query tried one at a time (each is a search)
MAX_CHANGES = 10         # changes counted at most (a URL may select hundreds of values: not a search each)
TOKEN = re.compile(r'"[^"]*"|\S+')
OPERATORS = {"AND", "OR", "NOT"}


@dataclass
class Change:
    """One change of the search, its link and how many requests it would find."""

    text: str
    url: str
    count: int


def _count(url: str) -> int:
    """How many requests the search at `url` finds (0 when its parameters are refused)."""
    try:
        asked = parse_request(MultiDict(parse_qsl(urlsplit(url).query)))
    except QueryError:
        return 0
    return searcher().search(replace(asked, page=1, per_page=1)).total


def _candidates(result: SearchResult) -> list[tuple[str, str]]:
    """(what the change is, its URL) for every single change worth counting."""
    asked, info = result.request, result.query
    out = [(f"Without the filter {facet_label(facet)}: {display_value(facet, value)}", toggle_filter(facet, value))
           for facet, values in asked.filters.items() for value in values]
    out += [(f"Without ‘{chip.word}’ as a filter", without_word(chip.word)) for chip in info.chips]
    out += [(f"Without the date {label}", with_state(**{key: None}))
            for key, label in (("decided_from", "from"), ("decided_to", "until")) if getattr(asked, key)]
    words = [w for w in TOKEN.findall(info.text) if w not in OPERATORS]
    if len(words) > 1 or (words and out):
        out += [(f"Without the word ‘{word.strip(chr(34))}’", without_word(word)) for word in words[:MAX_WORDS]]
    if any(":" not in chip.word for chip in info.chips) and not asked.literal:
        out.append(("The words as typed, none read as a filter", with_state(literal=1)))
    if words and asked.scope and asked.scope != "letter":
        out.append(("Looking in whole letters", with_state(scope="letter")))
    return out


def single_changes(result: SearchResult) -> list[Change]:
    """Each single change of a search with no hits and what it would find, most found first."""
    changes = [Change(text, url, _count(url)) for text, url in _candidates(result)[:MAX_CHANGES]]
    return sorted(changes, key=lambda c: -c.count)


def register(app: Flask) -> None:
    """Make the changes callable from the no-results part of the page."""
    app.jinja_env.globals.update(single_changes=single_changes)
