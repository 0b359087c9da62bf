"""The general pass: disputed items wherever a letter states its decisions.

Used when no layout's rules find items (a variant we have not seen, or no
layout at all): lines `<item>: Upheld` / `<item>: Overturned`, else sentences
`the request for <item> is (not) medically necessary`. A numbered list printed
twice, and a rationale ending with the same sentence, count once.
"""
from __future__ import annotations

import re

from indexer.ingest.parser.header import parse_header
from indexer.ingest.parser.items import LABELS, split_sections
from indexer.ingest.parser.text import collapse

_DECISION_LINE = re.compile(r"^(?P<head>.{3,300}?)\s*:\s*(?P<dec>Upheld|Overturned)\.?$", re.I)
_LABEL_LINE = re.compile("|".join(rx.pattern for rx in LABELS.values()), re.I)
# An item may hold periods before digits ('0.5%') but does not run over a sentence end.
_REQUEST = re.compile(
    r"\brequests?\s*for\s*(?P<item>(?:[^.]|\.(?=\d))+?)\s*,?\s*(?:is|are|was|were)\s*(?P<not>not\s*)?"
    r"medically\s*necessary", re.I)
# Loose: any sentence stating a decision (what a record with no items must not contain).
DECISION_SENTENCE = re.compile(
    r"\b(?:is|are|was|were)\s*(?:not\s*)?medically\s*necessary\b|:\s*(?:Upheld|Overturned)\b", re.I)
_NOT_AN_ITEM = re.compile(r"^(?:Decision|Determination|Final Determination|Outcome|Result)$", re.I)
_FILLER = re.compile(r"^(?:the|this|that|an?|IMR|authorization)\b", re.I)
WARNING = ("the {layout} layout's rules found no items: {n} read by the general pass over the "
           "letter's decision sentences")
UNREAD = "the letter states decisions but no disputed item could be read from them"


def states_decisions(text: str) -> bool:
    """True when the text contains a decision sentence."""
    return bool(DECISION_SENTENCE.search(text))


def read_items(lines: list[str]) -> list[dict]:
    """Items from decision lines, else from decision sentences; each item once."""
    lines = [ln for ln in lines if ln]
    return _from_decision_lines(lines) or _from_sentences(lines)


def _item(name: str, decision: str, body: list[str] | None = None) -> dict:
    item = {"item": name, "decision": decision, "eligible_portion": None,
            "claims_administrator_guideline": None, "maximus_guideline": None, "rationale": ""}
    if body:
        item.update(split_sections(body))
    return item


def _key(name: str) -> str:
    return re.sub(r"\W+", "", name).lower()


def _from_decision_lines(lines: list[str]) -> list[dict]:
    at = [(i, m) for i, m in ((i, _DECISION_LINE.match(ln)) for i, ln in enumerate(lines))
          if m and not _LABEL_LINE.match(lines[i]) and not _NOT_AN_ITEM.match(m["head"])]
    items, seen = [], set()
    for k, (i, m) in enumerate(at):
        stop = at[k + 1][0] if k + 1 < len(at) else len(lines)
        name = collapse(m["head"])
        if _key(name) not in seen:
            seen.add(_key(name))
            items.append(_item(name, m["dec"].capitalize(), lines[i + 1:stop]))
    return items


def _from_sentences(lines: list[str]) -> list[dict]:
    items, seen = [], set()
    for m in _REQUEST.finditer(collapse(" ".join(lines))):
        name = collapse(m["item"]).strip(" ,:;")
        if len(name) < 3 or len(name) > 300 or _FILLER.match(name) and len(name.split()) < 2:
            continue
        if _key(name) not in seen:
            seen.add(_key(name))
            items.append(_item(name, "Upheld" if m["not"] else "Overturned"))
    return items


def parse_unknown(lines: list[str]) -> dict:
    """A clearly flagged partial record for a letter in a layout we do not recognise."""
    text = "\n".join(lines)
    return {**parse_header(text), "summary": collapse(text)[:20000], "items": read_items(lines),
            "partial": True, "layout": "unknown",
            "warnings": ["unknown letter layout: partial record (header fields, and items read by the "
                         "general pass over decision sentences); please report this file"]}
