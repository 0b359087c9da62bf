"""How a plain query's words are read before its concepts are expanded (indexer.search.query.concepts).

The lists are data (indexer/vocabulary/data/query_words.toml, each with its rationale); docs/searching.md
"How a query is read" has every rule with an example:

- dotted acronyms joined, slashed shorthand read as its words (wordlists.normalise), before anything;
- words of a question or a report request (`was`, `IMR`, `all`) are not searched; generic heads
  (`medication`, `services`, `products`, `additional` ...) and, beside a drug, dosage forms the
  vocabulary does not tag rank but are not required; a family noun asked alone is its family
  (`all medications requested`: every drug item), else a query of such words is searched as typed;
- two concepts of one kind (treatments, forms, places) joined by `and`/`or`/`,` or side by side are
  either one, the items naming all first; concepts of different kinds (`knee surgery`) are both required;
  a list of whole requests (lists.py: `cervical pillow or wedge pillow`) asks any of them;
- a service timed by a surgery (timing.py), what a request is for (purposes.py: `for <indication>` ranks),
  places (places.py: `LLE`, `neck/back`), doses (doses.py: `750 mg tid`, `.025`), a word that is a
  concept's name but for its ending (`lidocain`);
- shorthand (shorthand.py): sides (`R knee`), schedules that rank (schedules.py: `tid`, `pt 3x4`, `x6`),
  bare strengths (`Norco 5 325`), `tspine`, clipped words (`tx`), the start of names (`cryo`), `with
  <word>` not its negation; a follow-up beside a treatment ranks it (qualifiers.py: `re-eval chiro`);
- `pinned=True` (the scopes wider than the request, indexer.search.matching): a body region or side qualifying
  something else must be the item's own (its words or tags): `right wrist MRI` is not any MRI of its letter.

`read` returns None when none of this applies, and the query takes the concept expansion as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from indexer.fields import CONCEPT_FIELD
from indexer.results import Expansion
from indexer.vocabulary import Vocabulary
from indexer.search.query import (amounts, concepts, contrast, doses, intent, lists, modification, places, purposes,
                                  qualifiers, rewrites, schedules, shorthand, timing)
from indexer.search.query.wordlists import QueryWords, normalise, query_words

__all__ = ["Reading", "normalise", "query_words", "read"]

# The user's own syntax: left to the parser (and to the concept expansion) as it is.
_SYNTAX = re.compile(r"(?<!\w)'|'(?!\w)|[\"()*:?~^]|(?<!\w)[+-](?=\w)|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_UNIT = re.compile(r"\S+")
LOCATING = {"region", "side", "level"}
# Kinds whose concepts a list joins into one either-or group (a drug and a product are one kind).
JOINED_KINDS = {"drug": "drug", "product": "drug", "class": "class", "procedure": "procedure",
                "family": "procedure", "panel": "panel", "form": "form", **{k: "place" for k in places.PLACE_KINDS}}
DRUG_KINDS = {"drug", "product", "class"}
MIN_STEM_WORD = 5        # letters of the shortest word read as a concept's name by its stem
WITH_BOOST = 10          # how much a word asked `with` (`MRI with contrast`) weighs over a name's many forms


@dataclass
class _Unit:
    """A run of query words naming one concept, or one plain word."""

    text: str
    concepts: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    role: str = "required"     # required, wrapper, generic, joiner, stop, timing, placing, dropped, strength, both
    pinned: bool = False
    typed: str = ""                 # the word as typed, when read as a concept's name by its stem
    names: tuple[str, ...] = ()     # the vocabulary's names a plain word begins (`cryo`)
    dosed: bool = False             # a drug with the dose typed after it (`baclofen 20 mg`)
    family: bool = False            # a family noun asked as the whole family (`all medications requested`)

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def locating(self) -> bool:
        return bool(self.kinds) and self.kinds <= LOCATING


@dataclass
class Reading:
    """A plain query read: the query syntax to search, what was added, what the page says."""

    text: str
    expansions: list[Expansion] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _units(text: str, vocab: Vocabulary) -> list[_Unit]:
    spans = sorted(vocab.parse_query(text).spans, key=lambda s: s.start)
    out: list[tuple[int, int, list[str]]] = []
    for m in _UNIT.finditer(text):
        inside = [s for s in spans if s.start < m.end() and m.start() < s.end]
        start = min([m.start(), *(s.start for s in inside)])
        end = max([m.end(), *(s.end for s in inside)])
        ids = [c for s in inside for c in s.concepts]
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end), list(dict.fromkeys(out[-1][2] + ids)))
        else:
            out.append((start, end, ids))
    return [_Unit(text[s:e], tuple(ids), frozenset(vocab.concept(c).kind for c in ids)) for s, e, ids in out]


def _by_stem(unit: _Unit, vocab: Vocabulary) -> _Unit:
    """A plain word read as the concept name it is but for its ending (`lidocain` -> `lidocaine`)."""
    word = unit.low
    if unit.role != "required" or unit.concepts or len(word) < MIN_STEM_WORD or not word.isalpha() \
            or word in vocab.common_words()[0]:
        return unit        # an English word is itself, not a name missing its ending
    for name in vocab.names_by_key(word, stem):
        if name != word:
            ids = tuple(vocab.parse_query(name).concept_ids())
            if ids:
                return _Unit(name, ids, frozenset(vocab.concept(c).kind for c in ids), typed=unit.text)
    return unit


def _mark_words(units: list[_Unit], words: QueryWords, vocab: Vocabulary | None = None) -> None:
    """Wrappers, generic heads (and their qualifiers), dosage forms beside a drug, joiners."""
    drug = any(u.kinds & DRUG_KINDS for u in units)
    named = any(u.concepts for u in units)
    for i in reversed(range(len(units))):        # right to left: 'nerve pain medication' is one head
        u = units[i]
        if u.role != "required" or (u.concepts and len(u.text.split()) > 1):
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        if u.low in words.wrappers and not u.concepts:
            u.role = "wrapper"
        elif not u.concepts and (shorthand.is_dosing(u.text, words.dosing)
                                 or shorthand.counts_dosing(units, i, words.dosing, words.after_number)
                                 or schedules.after_treatment(units, i) or schedules.before_treatment(units, i)):
            u.role = "generic"
        elif u.low in words.generic or (drug and u.low in words.dosage_forms and not u.concepts) or \
                (u.low in words.qualifiers and nxt is not None and nxt.role == "generic"):
            u.role = "generic"
        elif not u.concepts and intent.not_searched(u.low, named):
            u.role = "wrapper"      # 'number of overturned MRIs', 'upheld chiropractic cases'
        elif not u.concepts and intent.generic_head(u.low, named):
            u.role = "generic"      # 'MRI of shoulder joint', 'L4-5 level', 'a refill of Norco'
        elif not u.concepts and (u.low in words.joiners | words.including or shorthand.co_prescribed(
                units, i, words, vocab)):
            u.role = "joiner"
        elif u.low in STOP_WORDS and not u.concepts:
            u.role = "stop"        # the analyzer drops it anyway


def _groups(units: list[_Unit], vocab: Vocabulary) -> tuple[list[list[_Unit]], bool]:
    """The required units, those a joiner links (concepts of one kind) as one either-or group, and
    neighbours of one kind with no joiner (`EMG NCS`) too; and whether any such pair had no joiner."""
    groups: list[list[_Unit]] = []
    joined, previous, adjacent = False, None, False
    for u in units:
        if u.role == "joiner":
            joined = True
            continue
        if u.role not in ("required", "timing"):
            previous = None if u.role != "generic" else previous
            continue
        last = groups[-1][-1] if groups else None
        kind = {JOINED_KINDS.get(k) for k in u.kinds} - {None}
        if joined and last is not None and kind and kind == {JOINED_KINDS.get(k) for k in last.kinds} - {None}:
            groups[-1].append(u)
        elif not joined and last is not None and last is previous and shorthand.side_by_side(last, u, vocab):
            groups[-1].append(u)
            adjacent = True
        else:
            groups.append([u])
        joined, previous = False, u
    return places.around(groups, units), adjacent       # (`wrist MRI left hand`: either place)


def _pinned(u: _Unit) -> str:
    """A region or side as the item's own: its words in the item field, or its concept tag."""
    typed = f'item:"{u.text}"' if len(u.text.split()) > 1 else f"item:{u.text}"
    return "(" + " OR ".join([typed] + [f"{CONCEPT_FIELD}:'{c}'" for c in u.concepts]) + ")"


def _shorthand(text: str, vocab: Vocabulary, words: QueryWords) -> tuple[list[_Unit], set[int], list[str]]:
    """The units of a query with its side and strength shorthand read (shorthand.py): the units, the
    indexes of single strengths, the messages."""
    units = _units(text, vocab)
    sides = shorthand.sides(units, words.sides)
    joined, single = shorthand.strengths(units)
    said = [f"'{units[i].text}' read as '{side}'" for i, side in sides.items()]
    said += [f"'{' '.join(u.text for u in units[i:i + v.count('/') + 1])}' read as the strength '{v}'"
             for i, v in joined.items() if v]
    if sides or joined:
        text = " ".join(t for t in ({**sides, **joined}.get(i, u.text) for i, u in enumerate(units)) if t)
        units = _units(text, vocab)
        single = shorthand.strengths(units)[1]
    for i in single:
        units[i].role = "strength"
    doses.attach(units, shorthand.DOSED_KINDS)
    return places.both_sides(units, vocab, lambda *a: _Unit(*a[:3], role=a[3]), said), single, said


def read(text: str, vocab: Vocabulary | None, pinned: bool = False, pins: list[bool] | None = None) -> Reading | None:
    """The query syntax a plain query is read as (module docstring); None when no rule applies.
    `pins`, when given, gets True appended if `pinned=True` would read it otherwise (a region or side
    qualifying something else), so the wider scopes read it again only then."""
    def whole(part: str) -> Reading:      # a part of the query read as a query of its own
        return read(part, vocab, pinned, pins) or Reading(*concepts.expand(part, vocab))
    if vocab is not None and (rest := intent.modified_rest(text)) is not None:    # what a UR modified, of the rest
        if (heads := intent.modified_heads(rest)) is not None:     # `modified to fewer sessions`
            return Reading(heads, messages=[f"Ranked by, not required: {rest}"])
        return Reading(*modification.asked(rest, vocab, whole))    # its context ranks: `norco weaning partial cert`
    if vocab is None or not text.strip() or _SYNTAX.search(text):
        return None
    words = query_words()
    text, spine = rewrites.rewrite(text, vocab, words)
    if (amount := amounts.only_amount(text, words)) is not None:     # `2x3`, `120 grams`: the items stating it
        return Reading(amount[0], messages=spine + [amount[1]])
    if not pinned and not spine and not shorthand.may_apply(text, vocab, words.listed, MIN_STEM_WORD):
        return None
    units, strengths, said = _shorthand(text, vocab, words)
    said = spine + said
    timed = timing.mark_timing(units, vocab, words.after, words.before)
    _mark_words(units, words, vocab)
    if (listed := lists.sides(units, vocab, words, JOINED_KINDS)) is not None:
        return Reading(*lists.either(listed, whole, said))     # (else plain words joined become qualifiers)
    against = purposes.against(units, vocab, words.drug_heads, words.against, lambda name, ids, typed: _Unit(
        name, ids, frozenset({"class"}), typed=typed))
    purposed = purposes.mark_purpose(units, words.purpose, words.context, said)
    stemmed = [u for u in units if u.typed]     # (before the stems: those are said apart)
    units = [_by_stem(u, vocab) for u in units]
    stemmed = [u for u in units if u.typed and u not in stemmed]
    for u in units:
        u.names = tuple(shorthand.name_prefix(u, vocab))
    doses.after_names(units, vocab)
    qualifiers.mark(units, vocab)
    if not any(u.role in ("required", "strength") for u in units):
        if units and all(u.role in ("wrapper", "stop") for u in units) and any(u.role == "wrapper" for u in units):
            # only words of a question ('approved by IMR', its decision a chip): every item is asked
            return Reading("", messages=["Not searched (words of the question): "
                                         + ", ".join(u.text for u in units if u.role == "wrapper")])
        purposes.ask_heads(units)
    purposes.mark_family(units)
    groups, adjacent = _groups(units, vocab)
    locating_only = all(u.locating for g in groups for u in g if u.role == "required")
    if pins is not None and not locating_only and any(u.locating for g in groups for u in g):
        pins.append(True)
    for g in groups:
        for u in g:
            u.pinned = pinned and u.locating and not locating_only
    negated = shorthand.asked_with(units, words.with_words, words.joiners)
    contrasted = intent.contrast_ranking(text)
    changed = timed or purposed or stemmed or against or said or negated or contrasted or \
        any(len(g) > 1 for g in groups) or \
        any(u.role not in ("required", "stop") or u.pinned or u.names or u.family for u in units)
    if not changed:
        return None
    out = Reading("")
    terms = {i: term for i, term in timed}
    parts = []
    for g in groups:
        alternatives = []
        for u in g:
            if u.role == "timing":
                index = units.index(u)
                if index in terms:
                    alternatives.append(f"{CONCEPT_FIELD}:'{terms[index]}'")
                continue
            if u.pinned:
                alternatives.append(_pinned(u))
                continue
            syntax, found = concepts.expand(u.text, vocab)
            out.expansions += [e for e in found if all(e.word.lower() != x.word.lower() for x in out.expansions)]
            if u.family:    # the family's items (its tag, the facet's), those saying the word first
                typed = f'"{u.text}"' if " " in u.text else u.text
                syntax = "((" + " OR ".join(f"{CONCEPT_FIELD}:'{c}'" for c in u.concepts) + f") ANDMAYBE {typed})"
            syntax = f"({doses.anded(syntax)})" if u.dosed else \
                syntax if syntax.startswith("(") or " " not in syntax else f"({syntax})"
            if u.names:
                named = [concepts.expand(n, vocab) for n in u.names]
                out.expansions += [e for _, found in named for e in found
                                   if all(e.word.lower() != x.word.lower() for x in out.expansions)]
                syntax = "(" + " OR ".join([syntax] + [n for n, _ in named]) + ")"
                said.append(f"'{u.text}' read as the start of " + ", ".join(u.names))
            alternatives.append(f"({u.typed} OR {syntax})" if u.typed else syntax)    # the word typed too
        if len(alternatives) == 1:
            parts.append(alternatives[0])
        elif alternatives:     # either one; those naming all of them first
            parts.append(f"(({' OR '.join(alternatives)}) ANDMAYBE ({' AND '.join(alternatives)}))")
        if len(g) > 1:
            out.messages.append("Either of " + ", ".join(u.text for u in g) + " (items naming more of them ranked up)")
    optional = [u.text for u in units if u.role == "generic"]
    ranking = [intent.head_ranking(w) or shorthand.schedule_ranking(w) for w in optional] + \
        [concepts.expand(u.text, vocab)[0] for u in units if u.role == "placing"] + places.both_ranking(units, vocab) \
        + [doses.strength_ranking(units, i, vocab) for i, u in enumerate(units) if u.role == "strength"] + \
        [f"item:{w}^{WITH_BOOST}" for w in negated] + contrasted + qualifiers.ranking(units, vocab)
    required = parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
    if negated:     # an item saying 'without <word>' does not have it
        required = f"({required} ANDNOT ({' OR '.join(contrast.without(w) for w in negated)}))"
        out.messages.append("Not its negation: " + ", ".join(f"without {w}" for w in negated))
    out.text = f"({required} ANDMAYBE ({' OR '.join(ranking)}))" if ranking else required
    out.messages += [f"'{units[i].text} …': the {'post' if term == 'term:postoperative' else 'pre'}-operative "
                     "services of that surgery" for i, term in timed]
    for label, role in (("Ranked by, not required", "generic"), ("Ranked by the strength", "strength"), (
            "Ranked by the kind of visit", "qualifier"), ("Not searched (words of the question)", "wrapper")):
        if any(u.role == role for u in units):
            out.messages.append(f"{label}: " + ", ".join(u.text for u in units if u.role == role))
    out.messages += [f"'{u.typed}' read as '{u.text}'" for u in stemmed] + against + said
    return out
