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


# A strength in per cent written after a drug or a single-drug product, one word (a form, a salt)
# allowed between: "Lidocaine 5% patch", "Anecream cream 4%", "Lidocaine HCl 4%"; not across a slash
# ("Lidocaine/Capsaicin 0.025%" gives lidocaine no strength).
PERCENT_AFTER = re.compile(r"[ \t]*(?:[A-Za-z]+[ \t]+)?(\d+(?:\.\d+)?)[ \t]?(?:%|percent\b|pct\b)", re.I)
STRENGTH_MARK = "strength:"
_PERCENT_WORD = re.compile(r"percent|pct", re.I)


def strength_id(drug: str, number: str) -> str:
    """The index's mark of a drug at a strength in per cent: 'strength:lidocaine:5%'."""
    value = f"{float(number):g}"
    return f"{STRENGTH_MARK}{drug.split(':', 1)[1]}:{value}%"


def single_drug(vocab: "Vocabulary", concept_id: str) -> str | None:
    """The one drug a drug or product names (a product of one ingredient), else None."""
    concept = vocab.concept(concept_id)
    if concept.kind == "drug":
        return concept_id
    drugs = [c for c in concept.implies if c.startswith("drug:")] if concept.kind == "product" else []
    return drugs[0] if len(drugs) == 1 else None


def strengths(vocab: "Vocabulary", own_words: str) -> list[str]:
    """The per-cent strengths an item's own words give its drugs, as marks ('strength:lidocaine:5%'),
    so that `lidocaine 5%` ranks the 5% items before the 4% cream and the compound of unstated strength."""
    if "%" not in own_words and not _PERCENT_WORD.search(own_words):
        return []          # most items: no strength in per cent, no second scan
    out = []
    for m in vocab.concepts_in(own_words, implied=False):
        drug = single_drug(vocab, m.concept) if vocab.concept(m.concept).kind in ("drug", "product") else None
        after = PERCENT_AFTER.match(own_words, m.end) if drug else None
        if after:
            out.append(strength_id(drug, after[1]))
    return list(dict.fromkeys(out))
