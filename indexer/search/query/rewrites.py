"""The text-level rewrites a plain query gets before its words are read as units
(indexer.search.query.reading), in order: digits typed for letters in a name (`norc0`: lookalikes), a
decimal given its zero, a weight in one word (`120 grams`) and strengths spelt out in digits (doses,
numerals), a schedule in one token (`3 times a week for 4 weeks` -> `3x4`: schedules), what the query's
ends leave unsaid (endings), a spine letter joined (`tspine`), a sided limb (`LLE`), clipped words
(`tx`), contrast's shorthand (`w contrast`: contrast.py), a follow-up's (`fu`: qualifiers) and lay
names, treatments joined in one word (`OT/PT`, `EMG-NCV`, `dihydrocodeine/caffeine/APAP`: either one)
and places joined by a slash.
"""
from __future__ import annotations

import re

from indexer.search.query import (contrast, doses, endings, intent, lookalikes, numerals, places, qualifiers,
                                  schedules, shorthand)
from indexer.search.query.wordlists import QueryWords
from indexer.vocabulary import Vocabulary


def rewrite(text: str, vocab: Vocabulary, words: QueryWords) -> tuple[str, list[str]]:
    """The query's text rewritten (module docstring); the messages saying what was read."""
    text, looked = lookalikes.read(text, vocab)
    text, spelt = numerals.digits(doses.weights(doses.leading_decimal(text)), vocab)
    text, scheduled = schedules.compact(text)
    text, ended = endings.completed(text, vocab)
    text, counted = quantities(text)
    text, spine = shorthand.joined_spine(text)
    text, limbs = places.limbs(text, words.sides, words.limbs, words.limb_pattern)
    # the query's clipped words, and the vocabulary's one-word clinical shorthand (abbreviations.toml)
    text, clipped = shorthand.unclipped(text, {**vocab.shorthand, **words.abbreviations}, vocab)
    text, shorthand_contrast = contrast.spelled(text)
    text, visits = qualifiers.spelled(text)
    text, lay = intent.lay_names(text)
    text, joined = either_of_joined(text, vocab)
    text, elided = elided_heads(text, vocab)
    said = looked + spelt + scheduled + counted + ended + spine + limbs + clipped + shorthand_contrast + visits + lay \
        + joined + elided
    return places.separate(text, vocab), said


def either_of_joined(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """Treatments of one kind joined by a slash, a hyphen or a plus that is no name of its own (`OT/PT`,
    `MRI/CT`, `EMG-NCV`, an ingredient list `dihydrocodeine/caffeine/APAP`, `APAP-codeine`,
    `flurbiprofen+lidocaine`) read as either one (`OT or PT`: the joined-treatments rule then ranks the
    items naming all of them first, a product tagged with its ingredients among them); a name the
    vocabulary holds whole (`hot/cold`, `L4/5`, `C-spine`, `x-ray`) stays as it is."""
    from indexer.search.query.reading import JOINED_KINDS      # (reading imports this module)

    said: list[str] = []

    def kinds(span) -> set:
        return {JOINED_KINDS.get(vocab.concept(c).kind) for c in span.concepts} - {None}

    def joined(m: re.Match) -> str:
        for joiner in (r"[/+]", r"[/+-]"):      # a hyphen inside a slashed part may be its name's
            parts = re.split(joiner, m[0])
            if len(parts) < 2 or not all(re.match(r"[A-Za-z]", p) for p in parts):
                continue
            spans = vocab.parse_query(" / ".join(parts)).spans
            if [s.surface.lower() for s in spans] != [p.lower() for p in parts]:
                continue
            first = kinds(spans[0])
            if first and all(kinds(s) == first for s in spans[1:]):
                said.append(f"'{m[0]}' read as either of " + ", ".join(parts))
                return " or ".join(parts)
        return m[0]

    return _JOINED.sub(joined, text), said


# A word of two or more parts joined by a slash, a hyphen or a plus.
_JOINED = re.compile(r"(?<![\w/+-])[A-Za-z][\w-]*(?:[/+-][A-Za-z][\w-]*)+(?![\w/+-])")


# A number before the unit it counts (`sixty tabs`, `60 count`): the quantity dispensed, which a
# prescription and the letters write `#60` (Norco 10/325mg #60).
_QUANTITY = re.compile(r"(?<![\w#./-])(\d+|[a-z]+(?:[\s-][a-z]+)?)\s+"
                       r"(tabs?|tablets?|caps?|capsules?|pills?|count|ct|qty)(?![\w/-])", re.IGNORECASE)


def quantities(text: str) -> tuple[str, list[str]]:
    """A count of tablets, capsules or pills (`sixty tabs`, `60 count`) read as the quantity `#60`, which
    ranks the items dispensing it and is not required; the messages saying so."""
    said: list[str] = []

    def counted(m: re.Match) -> str:
        lead, number = "", m[1]
        if not number.isdigit() and numerals.value(number) is None and re.search(r"[\s-]", number):
            lead, number = re.split(r"(?<=[\s-])(?=\S+$)", number)      # `norco sixty`: the last word
        n = int(number) if number.isdigit() else numerals.value(number)
        if n is None or n < 2 or (not number.isdigit() and n < 10):
            return m[0]       # `one tab` is a dose; `five caps` rarely a quantity
        said.append(f"'{number} {m[2]}' read as the quantity '#{n}'")
        return f"{lead}#{n} {m[2]}"

    return _QUANTITY.sub(counted, text), said


# `A or B C`: a word joined to a name of two or more words (`upper or lower limb`, `cervical or wedge pillow`).
_ELIDED = re.compile(r"(?<![\w/-])([A-Za-z][\w-]*)\s+(or|and|&)\s+([A-Za-z][\w-]*)\s+([A-Za-z][\w-]*)(?![\w/-])",
                     re.IGNORECASE)


def elided_heads(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """A head said once for both sides of a list (`upper or lower limb` = upper limb or lower limb,
    `cervical or wedge pillow`): where `B C` names one concept, `A` alone is no concept of its kind and
    `A C` names one of that kind, `A` is read as `A C` (English ellipsis of a coordinated noun phrase's
    shared head); the messages saying so."""
    from indexer.search.query.reading import JOINED_KINDS      # (reading imports this module)

    said: list[str] = []

    def kinds(phrase: str) -> set:
        return {JOINED_KINDS.get(vocab.concept(c).kind) for s in vocab.parse_query(phrase).spans
                for c in s.concepts} - {None}

    named: list[tuple[int, int]] = []

    def elided(m: re.Match) -> str:
        if any(a < m.end(1) and m.start(1) < b for a, b in named):
            return m[0]       # `electrical stimulation or ...`: the word is a name's already
        whole = vocab.parse_query(f"{m[3]} {m[4]}").spans
        if len(whole) != 1 or whole[0].surface.lower() != f"{m[3]} {m[4]}".lower():
            return m[0]
        kind = kinds(f"{m[3]} {m[4]}")
        if not kind or kinds(m[1]) & kind or not kinds(f"{m[1]} {m[4]}") & kind:
            return m[0]
        said.append(f"'{m[1]}' read as '{m[1]} {m[4]}'")
        return f"{m[1]} {m[4]} {m[2]} {m[3]} {m[4]}"

    if not _ELIDED.search(text):
        return text, said
    named = [(s.start, s.end) for s in vocab.parse_query(text).spans if " " in s.surface.strip()]
    return _ELIDED.sub(elided, text), said
