"""Concept expansion: query words that name a concept of the vocabulary match every form of it.

A run of query words naming a concept (`muscle relaxant`, `Norco`, `knee`, `TKA`, `L4-5`) is searched
as the words typed OR the concept's id in the item's `concept` field, which the index fills from the
snapshot's vocabulary (indexer.index.values.concepts): `muscle relaxant` finds a cyclobenzaprine
cream, `knee surgery` finds *Arthroscopy of the left knee* (two concepts, ANDed as the query's words
are, so word order does not matter). A product (`Norco`, `Terocin`) also matches any item naming all
its ingredients. Quoted phrases, field terms and words with a `*` keep their literal meaning; a
negated word excludes every form of its concept. The page and the API say what was added
(QueryInfo.expansions); `synonyms=0` turns expansion off.
"""
from __future__ import annotations

import re

from indexer.fields import CONCEPT_FIELD
from indexer.results import Expansion
from indexer.vocabulary import QuerySpan, Vocabulary
from indexer.search.query.doses import join_spaced
from indexer.vocabulary.marks import DOSE_TYPED, IS_MARK, dose_ids

# Quoted phrases and field:value terms are the user's own syntax.
_PROTECTED = re.compile(r"\"[^\"]*\"|'[^']*'|\b\w+:(?:\"[^\"]*\"|'[^']*'|\S+)")
SHOWN_FORMS = 6      # kinds or names listed per concept in "Also searched"
# How much being the class weighs over containing it, within a tier (a constant, not BM25F).
IS_BOOST = "^100"
MEMBER_ORDER = {"drug": 0, "procedure": 1, "part": 2, "panel": 3, "product": 4}


def _term(concept_id: str) -> str:
    return f"{CONCEPT_FIELD}:'{concept_id}'"


def _alternatives(vocab: Vocabulary, concept_id: str) -> list[str]:
    """Query terms matching a concept: its id, and for a product every item naming all its drugs."""
    terms = [_term(concept_id)]
    concept = vocab.concept(concept_id)
    if concept.kind == "product":
        drugs = [c for c in concept.implies if c.startswith("drug:")]
        if drugs:
            terms.append("(" + " AND ".join(map(_term, drugs)) + ")")
    return terms


def _shown(vocab: Vocabulary, span: QuerySpan) -> list[str]:
    """What the page lists as searched too: each concept's label, then a few of its kinds
    (a class's drugs, a family's procedures, a region's parts), or else its other names."""
    typed = span.surface.lower()
    out: list[str] = []
    for cid in span.concepts:
        concept = vocab.concept(cid)
        members = sorted((vocab.concept(m) for m in vocab.broad_members(cid)),
                         key=lambda c: (MEMBER_ORDER.get(c.kind, 9), c.label.lower()))
        names = [c.label for c in members] or [f for f in concept.forms if f.lower() != typed]
        drugs = [vocab.concept(c).label for c in concept.implies if c.startswith("drug:")]
        if concept.kind == "product" and drugs:
            names.append("/".join(drugs))       # what _alternatives adds: the items naming all its drugs
        more = len(names) > SHOWN_FORMS
        names = names[:SHOWN_FORMS] + (["…"] if more else [])
        label = concept.label if concept.label.lower() != typed else None
        out += [x for x in (label, *names) if x]
    return list(dict.fromkeys(out))     # a concept's forms may repeat another's label


def _expandable(text: str, span: QuerySpan) -> bool:
    """Not a prefix (`hydro*`) nor part of a longer joined word."""
    after = text[span.end:span.end + 1]
    before = text[span.start - 1:span.start] if span.start else ""
    return after not in ("*",) and not re.match(r"[\w/.]", after) and not re.match(r"[\w/.]", before)


def _expand_plain(text: str, vocab: Vocabulary, found: list[Expansion]) -> str:
    """One stretch of unprotected query text with each concept span replaced by its alternatives."""
    parts, last = [], 0
    for span in sorted(vocab.parse_query(text).spans, key=lambda s: s.start):
        if span.start < last or not _expandable(text, span) or \
                all(vocab.concept(c).kind == "decision" for c in span.concepts):
            continue
        typed = text[span.start:span.end]
        words = typed.split()
        literal = f'"{typed}"' if len(words) > 1 else typed
        group = "(" + " OR ".join([literal] + [t for c in span.concepts for t in _alternatives(vocab, c)]) + ")"
        # Items that are the class (indexed `is:class:...`) before those that contain or cite it;
        # within a multi-word concept the typed words, each optional, rank the items naming more of
        # them first ('cold therapy unit' -> the cryotherapy unit).
        maybe = [f"({_term(IS_MARK + c)}){IS_BOOST}" for c in span.concepts if vocab.concept(c).kind == "class"]
        maybe += words if len(words) > 1 else []
        if maybe:
            group = f"({group} ANDMAYBE ({' OR '.join(maybe)}))"
        # A hyphen joining the name to a word ('pre-surgery', 'surgery-related') is no minus: beside
        # the group's parenthesis the parser would read it as one (`pre -(surgery ...)`: NOT surgery).
        start, end = span.start, span.end
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum():
            start -= 1
            group = " " + group
        if text[end:end + 1] == "-" and text[end + 1:end + 2].isalnum():
            end += 1
            group += " "
        parts += [text[last:start], group]
        last = end
        # A drug typed with a dose right after it ('Norco 10mg', 'Norco 10/325', 'lidocaine 5%'): the
        # dose as typed OR the drug at that dose, read from the request's words by marks.py
        # (`strength:hydrocodone:10mg`: Norco 10/325mg), each number to its ingredient.
        dose = DOSE_TYPED.match(text, span.end)
        marks = [ids for c in span.concepts if vocab.concept(c).kind in ("drug", "product")
                 for ids in [dose_ids(vocab, c, dose[1], dose[2]) if dose else []] if ids]
        if marks and dose.start(1) >= last:
            per_cent = (dose[2] or "").lower() in ("percent", "pct")
            typed_dose = f"{dose[1]}%" if per_cent else join_spaced(text[dose.start(1):dose.end()])
            typed_dose = f'"{typed_dose}"' if " " in typed_dose else typed_dose
            alts = [_term(ids[0]) if len(ids) == 1 else "(" + " AND ".join(map(_term, ids)) + ")" for ids in marks]
            parts += [text[last:dose.start(1)], "(" + " OR ".join([typed_dose, *alts]) + ")"]
            last = dose.end()
        shown = _shown(vocab, span)
        if shown and all(e.word.lower() != typed.lower() for e in found):
            found.append(Expansion(typed, shown))
    parts.append(text[last:])
    return "".join(parts)


def expand(text: str, vocab: Vocabulary | None) -> tuple[str, list[Expansion]]:
    """The query text with every concept it names widened to the concept; and what was added."""
    if vocab is None or not text.strip():
        return text, []
    found: list[Expansion] = []
    parts, last = [], 0
    for m in _PROTECTED.finditer(text):
        parts += [_expand_plain(text[last:m.start()], vocab, found), m[0]]
        last = m.end()
    parts.append(_expand_plain(text[last:], vocab, found))
    return "".join(parts), found
