"""The user's query text -> a bounded Whoosh query (URL parameters: indexer.search.query.request).

Query syntax (whoosh.qparser): words are ANDed; "phrases", "words"~N proximity,
OR, NOT and -word, parentheses, trailing * prefixes (2+ letters, at most
MAX_EXPANSION terms); field aliases item: rationale: summary: guideline:
specialty: decision: state: case: category: and date ranges
decided:2016-01..2016-06 (also injured:, applied:; year, month or day
precision). A query is never refused: what cannot be understood is dropped or
searched as plain words, with a message saying so.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import islice
from typing import Callable

from whoosh import query as wq
from whoosh.qparser import AndGroup, MultifieldParser, PlusMinusPlugin

from indexer.fields import ALIASES, CASE_RE, DATE_FIELDS, TEXT_FIELDS
from indexer.index.analysis import SEPARATOR, compound_parts, is_compound
from indexer.results import Expansion
from indexer.vocabulary import Vocabulary
from indexer.search.query import concepts, reading as query_reading, synonyms as synonym_table
from indexer.search.query.doses import dose_query, join_spaced
from indexer.search.query.request import MAX_CHARS

MAX_TERMS = 50
MAX_DEPTH = 8
MAX_EXPANSION = 512

Resolver = Callable[[str, str], str | None]   # (facet, typed value) -> stored value


@dataclass
class ParsedQuery:
    """A bounded Whoosh query plus what was done to get it."""

    query: wq.Query
    text: str                      # the query text actually parsed
    messages: list[str] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)   # synonyms searched too

    @property
    def parsed(self) -> str:
        return str(self.query)


def _parser(schema, fields: tuple[str, ...]) -> MultifieldParser:
    parser = MultifieldParser(list(fields), schema, group=AndGroup)
    parser.add_plugin(PlusMinusPlugin())
    return parser


def date_bounds(spec: str) -> tuple[int | None, int | None]:
    """'2016-01..2016-06' -> (20160101, 20160630); either end may be empty; ValueError if bad."""
    lo, sep, hi = spec.partition("..")
    if not sep:
        hi = lo
    return (_date_int(lo, first=True) if lo else None), (_date_int(hi, first=False) if hi else None)


def _date_int(text: str, first: bool) -> int:
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text.strip())
    if not m:
        raise ValueError(text)
    year, month, day = int(m[1]), m[2], m[3]
    month_n = int(month) if month else (1 if first else 12)
    if day:
        day_n = int(day)
    else:
        day_n = 1 if first else calendar.monthrange(year, month_n)[1]
    return int(date(year, month_n, day_n).strftime("%Y%m%d"))


def _quote(value: str) -> str:
    # Single quotes make one literal term; a quote inside cannot be expressed.
    return "'" + value.replace("'", " ") + "'"


def _rewrite_fields(text: str, resolve: Resolver | None, messages: list[str]) -> str:
    """Field aliases and date ranges -> the parser's own syntax."""
    def dates(m: re.Match) -> str:
        try:
            lo, hi = date_bounds(m[2])
        except ValueError:
            messages.append(f"{m[1]}:{m[2]} is not a date range (use {m[1]}:2016-01..2016-06); ignored")
            return " "
        low, high = (f"{lo} " if lo else ""), (f" {hi}" if hi else "")
        return f" {m[1]}:[{low}TO{high}] "

    def alias(m: re.Match) -> str:
        facet, typed = m[1].lower(), m[2].strip("\"'")
        if facet == "case":
            return " case_number:" + _quote(typed.upper()) + " "
        stored = resolve(facet, typed) if resolve else None
        if stored is None:
            messages.append(f"no {facet} named '{typed}' in the index")
            stored = typed
        return f" {ALIASES[facet]}:{_quote(stored)} "

    text = re.sub(rf"\b({'|'.join(DATE_FIELDS)}):(\S*)", dates, text, flags=re.I)
    text = re.sub(rf"\b({'|'.join(ALIASES)}):(\"[^\"]*\"|'[^']*'|[^\s()]+)", alias, text, flags=re.I)
    empty = re.compile(r"\b(\w+):(?=\s|$|\))")
    fields = {f.lower() for f in (*ALIASES, *DATE_FIELDS, *TEXT_FIELDS)}
    if any(m[1].lower() in fields for m in empty.finditer(text)):
        messages.append("a field name with nothing after it was ignored")
    # a field's name with nothing after it is dropped; any other word before a colon is a word
    # (`MRI: lumbar`), its colon punctuation
    text = empty.sub(lambda m: " " if m[1].lower() in fields else f"{m[1]} ", text)
    bare_case = re.compile(r"(?<![:'\w-])" + CASE_RE.pattern, re.IGNORECASE)
    return bare_case.sub(lambda m: "case_number:" + _quote(m[0].upper()), text)


# Quoted text and field terms on facets are left as typed; a text-field prefix is kept.
_PROTECTED = re.compile(r"\"[^\"]*\"|'[^']*'|\b\w+:'[^']*'")
# analysis.WORD's strings, each repetition starting at its separator: WORD's `(?:\.?[\w*]+)*` can
# split a run of letters in 2^n ways, all tried when the match then fails (a quoted 22-letter word
# followed by another cost 1 s of CPU, each letter more twice that).
UNAMBIGUOUS_WORD = r"[\w*]+(?:\.[\w*]+)*(?:[-/][\w*]+(?:\.[\w*]+)*)*"
_COMPOUND = re.compile(
    rf"(?:(?<=[\s(])|^)(?P<sign>[-+]?)(?P<field>(?:{'|'.join(TEXT_FIELDS)}):)?"
    rf"(?P<quote>\"?)(?P<word>{UNAMBIGUOUS_WORD})(?P=quote)(?=[\s)]|$)", re.IGNORECASE)


def _compound_query(word: str) -> str:
    """'L5-S1' -> '(l5s1 OR "l5 s1")'; 'x-ray' -> 'xray' (a one-letter part is no word)."""
    joined, parts = compound_parts(word)
    if len(parts) == len(SEPARATOR.split(word)):
        return f'({joined} OR "{" ".join(parts)}")'
    return f"({joined})"


def _rewrite_compounds(text: str) -> str:
    """Hyphen- and slash-joined words as the index holds them: whole or by their parts, never a NOT.

    Only '-' at the start of a word (after a space, a parenthesis or the start)
    negates; inside a word it joins. A dose is searched with and without its spaces
    (indexer.search.query.doses).
    """
    def rewrite(m: re.Match) -> str:
        dose = dose_query(m["word"])
        if dose is None and not is_compound(m["word"]):
            return m[0]
        return m["sign"] + (m["field"] or "") + (dose or _compound_query(m["word"]))

    parts, last = [], 0
    for m in _PROTECTED.finditer(text):
        if not m[0].startswith('"') or not _COMPOUND.fullmatch(m[0]):
            parts += [_COMPOUND.sub(rewrite, join_spaced(text[last:m.start()])), m[0]]
            last = m.end()
    parts.append(_COMPOUND.sub(rewrite, join_spaced(text[last:])))
    return "".join(parts)


def _refuse_wildcards(text: str, messages: list[str]) -> str:
    """Only trailing * after 2+ letters is allowed: other wildcards are dropped."""
    def check(m: re.Match) -> str:
        token = m[0]
        if re.fullmatch(r"[\w\"'(]*\w{2}\*\)*", token) and token.count("*") == 1:
            return token
        messages.append(f"wildcard '{token}' refused: use * only at the end of 2 or more letters")
        return " "
    return re.sub(r"\S*[*?]\S*", check, text)


def _balance(text: str, messages: list[str]) -> str:
    """Drop an unmatched quote and unbalanced or too deeply nested parentheses."""
    if text.count('"') % 2:
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1:]
        messages.append("unbalanced quote ignored")
    depth = deepest = 0
    balanced = True
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        deepest = max(deepest, depth)
        balanced &= depth >= 0
    if depth or not balanced or deepest > MAX_DEPTH:
        messages.append("parentheses ignored (unbalanced or nested too deeply)")
        text = text.replace("(", " ").replace(")", " ")
    return text


def plain_words(text: str) -> str:
    """The words of a query without any syntax."""
    words = re.findall(r"[\w][\w'./-]*", text)
    return " ".join(w for w in words if w not in ("AND", "OR", "NOT", "ANDNOT", "TO"))


def _bound_size(text: str, messages: list[str]) -> str:
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        messages.append(f"query cut to its first {MAX_CHARS} characters")
    words = text.split()
    if len(words) > MAX_TERMS:
        text = " ".join(words[:MAX_TERMS])
        messages.append(f"only the first {MAX_TERMS} words were searched")
    return text


def bound_prefixes(q: wq.Query, reader, messages: list[str]) -> wq.Query:
    """Expand each prefix to at most MAX_EXPANSION terms of the index."""
    if reader is None:
        return q
    return _bounded(q, reader, set(), messages)


def _bounded(node: wq.Query, reader, noted: set[str], messages: list[str]) -> wq.Query:
    """`node.accept` of the prefix bound: its children bounded (copies), then itself. Not Whoosh's
    `accept`, whose wrapper is a closure calling itself: a reference cycle every query."""
    node = node.apply(partial(_bounded, reader=reader, noted=noted, messages=messages))
    if not isinstance(node, wq.Prefix):
        return node
    terms = list(islice(reader.expand_prefix(node.fieldname, node.text), MAX_EXPANSION + 1))
    if len(terms) <= MAX_EXPANSION:
        return node
    if node.text not in noted:
        noted.add(node.text)
        messages.append(f"'{node.text}*' matches too many words: only the first "
                        f"{MAX_EXPANSION} were searched")
    words = [t.decode("utf-8") if isinstance(t, bytes) else t for t in terms[:MAX_EXPANSION]]
    return wq.Or([wq.Term(node.fieldname, w) for w in words])


def prepare_text(text: str, resolve: Resolver | None, synonyms: bool,
              messages: list[str], vocab: Vocabulary | None = None,
              pinned: bool = False, pins: list[bool] | None = None) -> tuple[str, str, list[Expansion]] | None:
    """(text to parse, text shown, concepts and synonyms searched) of a query; None when it is empty.
    `pinned`: a region or side qualifying something else must be the item's own (reading.read, which
    appends to `pins` when that would change the reading)."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text or "")
    text = _bound_size(text, messages)
    if not text.strip():
        return None
    text, expansions = query_reading.normalise(text, shorthand=synonyms)
    text = _refuse_wildcards(text, messages)
    text = _balance(text, messages)
    text = _rewrite_fields(text, resolve, messages)
    shown = text
    if synonyms:
        reading = query_reading.read(text, vocab, pinned, pins)
        if reading is not None:
            text, more = reading.text, reading.expansions
            messages += reading.messages
        else:
            text, more = concepts.expand(text, vocab)
        expansions += more
        text, more = synonym_table.expand(text)
        named = {e.word.lower() for e in expansions}
        expansions += [e for e in more if e.word.lower() not in named]
    return _rewrite_compounds(text), shown, expansions


def parse_prepared(text: str, shown: str, expansions: list[Expansion], typed: bool, schema, reader,
            fields: tuple[str, ...], messages: list[str]) -> ParsedQuery:
    """The prepared text parsed over `fields`, falling back to its plain words."""
    parser = _parser(schema, fields)
    try:
        q = parser.parse(text)
    except Exception:   # noqa: BLE001 - any parser failure falls back to plain words
        q = wq.NullQuery
    if q is wq.NullQuery or q is None:
        words = plain_words(text)
        q = parser.parse(words) if words else wq.NullQuery
        if q is not wq.NullQuery and words != text.strip():
            messages.append(f"query syntax not understood: searched the words '{words}'")
        text = shown = words
    if q is wq.NullQuery or q is None:
        if typed:
            messages.append("nothing searchable in the query (only syntax, very common or "
                            "one-letter words): all letters shown")
        return ParsedQuery(wq.Every(), "", messages)
    return ParsedQuery(bound_prefixes(q, reader, messages), shown.strip(), messages, expansions)


def build_query(text: str, schema, reader=None, resolve: Resolver | None = None,
                fields: tuple[str, ...] = TEXT_FIELDS, synonyms: bool = True,
                vocab: Vocabulary | None = None) -> ParsedQuery:
    """Parse the user's query over `fields`, synonyms expanded; never raises: falls back to
    plain words with a message."""
    messages: list[str] = []
    prepared = prepare_text(text, resolve, synonyms, messages, vocab)
    if prepared is None:
        return ParsedQuery(wq.Every(), "", messages)
    return parse_prepared(*prepared, bool((text or "").strip()), schema, reader, fields, messages)
