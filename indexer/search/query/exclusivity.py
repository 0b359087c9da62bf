"""`X only`, `X alone`, `just X`: the word is no word of a request, and the requests naming X without
its siblings rank first (`EMG only`: *EMG of the left upper extremity* above *EMG/NCS ...*).

The words are data (`[alone]` of indexer/vocabulary/data/query_words.toml); reading.py treats them as
words of the question (not searched) and ranks with `ranking`. A concept's siblings are the other
members of the small groups it belongs to directly (EMG's electrodiagnostic family: NCS, SSEP ...),
never of a group larger than MAX_GROUP (a drug's *medications* is no sibling list).
"""
from __future__ import annotations

from typing import Iterable

from indexer.fields import CONCEPT_FIELD
from indexer.vocabulary import Vocabulary

MAX_GROUP = 20           # a group with more members than this names no siblings
ALONE_BOOST = 10         # as reading.WITH_BOOST: one ranking clause over a concept's many forms


def siblings(concept_id: str, vocab: Vocabulary) -> list[str]:
    """The other members of the small groups `concept_id` directly belongs to, none it implies or is
    implied by."""
    own = vocab.members(concept_id) | set(vocab.implied(concept_id)) | {concept_id}
    out: list[str] = []
    for parent in vocab.concept(concept_id).implies:
        group = vocab.members(parent)
        if len(group) <= MAX_GROUP:
            out += sorted(c for c in group - own if c != parent and c not in out)
    return out


def ranking(concept_ids: Iterable[str], vocab: Vocabulary) -> list[str]:
    """Ranking clauses: the items tagged with each concept and with none of its siblings."""
    out = []
    for cid in concept_ids:
        others = siblings(cid, vocab)
        if others:
            tags = " OR ".join(f"{CONCEPT_FIELD}:'{c}'" for c in others)
            out.append(f"(({CONCEPT_FIELD}:'{cid}' ANDNOT ({tags})))^{ALONE_BOOST}")
    return out
