"""A concept query that finds nothing, widened to the concept's broader concept (indexer.search.rescue).

`CMP` finds nothing in letters whose pre-operative lab is *Labs - Chem panel*: the comprehensive
metabolic panel implies the metabolic (chemistry) panel, which does. The broader concept is what the
concept implies in the vocabulary, one step, of its own kind (a drug and a product are one kind: a
product's broader concepts are its ingredients), never its family (`family:lab` would be every lab).
The query is searched with the concept's words replaced by the broader concept's name, and the page
says so, with a one-click way back (`spell=0`); a widening answering more than MAX_SHARE of the items
is refused (a broader concept that wide is a family, not a neighbour).
"""
from __future__ import annotations

from dataclasses import dataclass

from indexer.vocabulary import Vocabulary

MAX_WIDENED = 3          # concepts of a query tried in turn (each costs a search)
# A widening answering more than this share of the indexed items names a family's worth, no near
# neighbour of what was asked (`bone scan` -> every advanced imaging study): it is no answer.
MAX_SHARE = 0.02


@dataclass(frozen=True)
class Widening:
    """The query with one concept's words replaced by its broader concept's name."""

    text: str            # the words searched
    narrow: str          # the words of the query that named the concept
    broader: str         # the broader concept's name(s) put in their place


def _group(kind: str) -> str:
    from indexer.search.query.reading import JOINED_KINDS      # (reading imports the query modules)
    return JOINED_KINDS.get(kind, kind)


def broader(concept_id: str, vocab: Vocabulary) -> list[str]:
    """The concepts one step broader than `concept_id` of its own kind, its family never."""
    own = _group(vocab.concept(concept_id).kind)
    return [c for c in vocab.concept(concept_id).implies
            if not c.startswith("family:") and c in vocab and _group(vocab.concept(c).kind) == own]


def widenings(text: str, vocab: Vocabulary | None) -> list[Widening]:
    """The query widened at each concept it names with something broader, in the query's order."""
    if vocab is None or not text.strip() or any(c in text for c in "\"':*"):
        return []         # the user's own syntax (a quoted phrase: the words as typed) is not widened
    out = []
    for span in sorted(vocab.parse_query(text).spans, key=lambda s: s.start)[:MAX_WIDENED]:
        wider = list(dict.fromkeys(b for c in span.concepts for b in broader(c, vocab) if b not in span.concepts))
        if not wider:
            continue
        names = " or ".join(vocab.concept(b).forms[0] if vocab.concept(b).forms else vocab.concept(b).label
                            for b in wider)
        out.append(Widening(f"{text[:span.start]}{names}{text[span.end:]}".strip(), span.surface, names))
    return out


def near(found: int, n_docs: int) -> bool:
    """Whether a widening finding `found` of `n_docs` items is an answer (at most MAX_SHARE of them)."""
    return 0 < found <= max(1, int(MAX_SHARE * n_docs))
