"""Plain words for what the search core says in its own terms: the line saying what was searched
and counted, its notes, the names of parameters in an error, the filters' labels."""
from __future__ import annotations

import re

from flask import Flask

from indexer.fields import FACETS
from indexer.results import SearchResult

# Where the words were looked for, by the scope counted.
WHERE = {"item": "the requested treatments",
         "decision": "the requests and the reviewers' reasons and guidelines",
         "letter": "whole letters (the clinical summary too)"}
SCOPE_CHOICES = (("", "Requests, then whole decisions if none"), ("item", "Requested treatments only"),
                 ("decision", "Requests and reasons"), ("letter", "Whole letters"))
# Labels a lawyer reads where the index's own would need explaining.
LABELS = {"state": "Reviewer's licence state", "origin": "Kind of letter"}
# The parameters of a search URL as the page names the control that sets them.
PARAMETERS = {"decided_from": "The ‘From’ date", "decided_to": "The ‘To’ date", "page": "The page number",
              "per_page": "The number per page", "sort": "The sort order", "scope": "‘Look in’",
              "q": "The search", "url": "The address", "parameters": "The address", "literal": "‘literal’",
              "synonyms": "‘synonyms’"}
# The search core's notes on a query (indexer.search.query.parser), in plain words.
NOTES = (
    (re.compile(r"unbalanced quote ignored"), "A quotation mark had no closing partner, so it was left out."),
    (re.compile(r"parentheses ignored.*"), "Brackets that did not pair up were left out."),
    (re.compile(r"wildcard '(.*)' refused.*"),
     r"‘\1’ was left out: * may only end a word of 2 letters or more, as in lido*."),
    (re.compile(r"a field name with nothing after it was ignored"),
     "A word ending in ‘:’ with nothing after it was left out."),
    (re.compile(r"(\w+):(\S*) is not a date range.*"),
     r"‘\1:\2’ is not a date range (write \1:2016-01..2016-06), so it was left out."),
    (re.compile(r"no (\w+) named '(.*)' in the index"), r"No \1 is called ‘\2’ in these letters."),
    (re.compile(r"query syntax not understood: searched the words '(.*)'"),
     r"The search's signs were not understood, so the words ‘\1’ were searched."),
    (re.compile(r"No decisions match with (.*) as a filter: showing the words searched as text instead"),
     r"Nothing matched with \1 as a filter, so it was searched as a word instead."),
)


def facet_label(name: str) -> str:
    """A filter's name as the page shows it."""
    return LABELS.get(name) or FACETS.get(name) or name.capitalize()


def plain_note(message: str) -> str:
    """One of the search core's notes in plain words (as it is when there is no better wording)."""
    for pattern, text in NOTES:
        m = pattern.fullmatch(message)
        if m:
            return m.expand(text)
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def plain_error(param: str, message: str) -> str:
    """A bad parameter's message naming the control, not the URL parameter."""
    name = PARAMETERS.get(param) or param
    if param.startswith("f.") and param[2:] in FACETS:
        name = f"The {facet_label(param[2:]).lower()} filter"
    return f"{name} {message}."


def search_line(result: SearchResult) -> str:
    """One line: which words were looked for where, what was counted, and the core's notes."""
    info, asked = result.query, result.request
    parts = []
    words = info.text.strip()
    if words:
        where, n = WHERE.get(info.scope, info.scope), result.total
        counted = f"{n} request{'' if n == 1 else 's'} found"
        if asked.scope is None and info.scope != "item":
            parts.append(f"No requested treatment names ‘{words}’, so {where} were searched: {counted}.")
        else:
            parts.append(f"Searched {where} for ‘{words}’: {counted}.")
    parts += [plain_note(m) for m in info.messages if not m.startswith("No request names")]
    return " ".join(parts)


def register(app: Flask) -> None:
    """Make the wording callable from the templates."""
    app.jinja_env.globals.update(search_line=search_line, facet_label=facet_label, SCOPE_CHOICES=SCOPE_CHOICES)
