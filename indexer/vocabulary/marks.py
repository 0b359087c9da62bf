"""Marks an item's own words give it beside its concepts, kept in the index's `concept` field and
ranked as the item's words are (indexer.search.ranking.OWN_WORD_MARKS): the classes the item *is*
(`is:class:muscle-relaxant`) and its drugs' strengths in per cent (`strength:lidocaine:5%`). A query
naming a class, or a drug with a strength, asks for them as optional terms (search/query/concepts.py)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.vocabulary.tagging import Tag
    from indexer.vocabulary.vocabulary import Vocabulary

# The index marks the classes an item *is* (IS_MARK + class id, `is:class:muscle-relaxant`) apart from
# those it only contains or cites, so a class query can rank the items that are the class first.
IS_MARK = "is:"


def is_classes(vocab: "Vocabulary", tags: list["Tag"]) -> list[str]:
    """The classes an item is, from its own words: not a class read from a guideline or a rationale,
    and, for a compounded item, only its formulation (a cyclobenzaprine cream is a compounded
    topical that contains a muscle relaxant, below the relaxant tablets of a `muscle relaxant` query)."""
    own = [t.concept for t in tags if t.source == "own" and t.concept.startswith("class:")
           and t.concept in vocab.concepts]
    if "class:compounded" in own:
        own = [c for c in own if vocab.concept(c).axis == "formulation"]
    return sorted(own)


# A dose written after a drug or a product, up to two words (a form, a salt, a release word) or a
# bracket between: "Lidocaine 5% patch", "Anecream cream 4%", "Oxycodone HCL ER 20mg", "Norco 10/325mg",
# "Diazepam (Valium) 5mg"; never across a slash or another drug ("Lidocaine/Capsaicin 0.025%" gives
# lidocaine no strength). A combination's doses go to its ingredients in the order of its label.
_NUMBER = r"\d+(?:\.\d+)?"
_UNIT = r"%|percent\b|pct\b|mg\b|mcg\b"
DOSE_AFTER = re.compile(rf"(?:[ \t(),]*[A-Za-z]+\b){{0,2}}[ \t(),]*({_NUMBER}(?:[ \t]?[/-][ \t]?{_NUMBER})*)"
                        rf"[ \t]?({_UNIT})", re.I)
# A dose typed right after a drug in a query: '5%', '5 percent', '10mg', '10 mg', '10/325', '10/325mg'.
DOSE_TYPED = re.compile(rf"[ \t]*({_NUMBER}(?:[ \t]?/[ \t]?{_NUMBER})+|{_NUMBER}(?=[ \t]?(?:{_UNIT})))"
                        rf"[ \t]?({_UNIT})?", re.I)
STRENGTH_MARK = "strength:"


def strength_id(drug: str, number: str, unit: str = "%") -> str:
    """The mark of a drug at a dose: 'strength:lidocaine:5%', 'strength:hydrocodone:10mg'."""
    unit = "%" if unit.lower() in ("%", "percent", "pct") else unit.lower()
    return f"{STRENGTH_MARK}{drug.split(':', 1)[1]}:{float(number):g}{unit}"


def drugs_of(vocab: "Vocabulary", concept_id: str) -> list[str]:
    """The drugs a drug or product names, a product's in the order of its label."""
    concept = vocab.concept(concept_id)
    if concept.kind == "drug":
        return [concept_id]
    return [c for c in concept.implies if c.startswith("drug:")] if concept.kind == "product" else []


def dose_ids(vocab: "Vocabulary", concept_id: str, numbers: str, unit: str | None) -> list[str]:
    """The marks of a dose ('10/325', 'mg') written after a drug or product: one number per
    ingredient in order, or one number for its first ingredient; none where they do not fit."""
    drugs = drugs_of(vocab, concept_id)
    parts = re.split(r"[ \t]?[/-][ \t]?", numbers)
    if not drugs or (len(parts) > 1 and len(parts) != len(drugs)):
        return []
    if len(parts) < len(drugs) and (unit or "mg").lower() in ("%", "percent", "pct"):
        return []          # "Terocin 4%": which of its four ingredients is not said
    return [strength_id(d, n, unit or "mg") for d, n in zip(drugs, parts)]


def dose_marks(vocab: "Vocabulary", text: str, matches: list) -> list[tuple[str, str]]:
    """(mark, words) of every dose an item's own words give a drug or product they name (`matches`:
    the item's own concept matches, in order), so that `lidocaine 5%` ranks the 5% items first and
    `Norco 10mg` finds Norco 10/325mg."""
    named = [m for m in matches if vocab.concept(m.concept).kind in ("drug", "product")]
    out: list[tuple[str, str]] = []
    for i, m in enumerate(named):
        dose = DOSE_AFTER.match(text, m.end)
        if dose is None or any(m.end <= o.start < dose.start(1) for o in named[i + 1:]):
            continue
        out += [(mark, dose[0].strip()) for mark in dose_ids(vocab, m.concept, dose[1], dose[2])]
    return list(dict.fromkeys(out))
