"""Concept tags of a disputed item, from the vocabulary its snapshot owns.

A snapshot's vocabulary is the packaged one (`indexer.vocabulary`) plus what was mined from the
snapshot's own letters, kept in the snapshot (`files.VOCABULARY`). The mined file is written into a
snapshot being built before any document is, so every writer (a forked part, a cluster worker, an
`imr add` extending the last snapshot) and, later, the searcher read the same vocabulary.

Each item document gets two values from its tags:
- `concept` (indexer.fields.CONCEPT_FIELD): every concept id it is about (a drug, what it implies,
  a procedure and its family, a region ...), matched by the query's concept expansion;
- the `drug_class` facet: the labels of its drug classes (MTUS Chronic Pain / MTUS Drug List groups);
- the `procedure_family` facet: the labels of its treatment families (surgery, injection, imaging ...).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from indexer.index.stores.files import VOCABULARY
from indexer.record import Record
from indexer.vocabulary import MinedVocabulary, Tag, Vocabulary, mine
from indexer.vocabulary.marks import IS_MARK, is_classes


def mine_letters(records: Iterable[Record], vocab: Vocabulary) -> MinedVocabulary:
    """What the letters teach about products the packaged vocabulary does not know."""
    return mine(records, vocab)


def merged(old: MinedVocabulary | None, new: MinedVocabulary) -> MinedVocabulary:
    """`old` and `new` added up (an `imr add` keeps what earlier letters taught)."""
    if old is None:
        return new
    out = MinedVocabulary(letters_read=old.letters_read + new.letters_read,
                          items_read=old.items_read + new.items_read)
    for source in (old, new):
        for key, entry in source.entries.items():
            have = out.entries.get(key)
            if have is None:
                out.entries[key] = type(entry)(entry.name, Counter(entry.ingredients), Counter(entry.classes),
                                               Counter(entry.evidence), set(entry.letters), entry.items)
            else:
                have.ingredients.update(entry.ingredients)
                have.classes.update(entry.classes)
                have.evidence.update(entry.evidence)
                have.letters |= entry.letters
                have.items += entry.items
    return out


def write_mined(snapshot: Path | str, mined: MinedVocabulary) -> None:
    """Keep what was mined in a snapshot being built (before its documents are written)."""
    (Path(snapshot) / VOCABULARY).write_text(mined.to_json(), encoding="utf-8")


def read_mined(snapshot: Path | str) -> MinedVocabulary | None:
    """What was mined for a snapshot, or None when it has none."""
    path = Path(snapshot) / VOCABULARY
    if not path.exists():
        return None
    return MinedVocabulary.from_dict(json.loads(path.read_text(encoding="utf-8")))


def load_for(snapshot: Path | str) -> Vocabulary:
    """The vocabulary of a snapshot: the packaged data plus its mined products."""
    return Vocabulary.load(extra=read_mined(snapshot))


def item_tags(vocab: Vocabulary, item: dict) -> list[Tag]:
    """The concepts one item is about: its own words first, then its guidelines and rationale."""
    guidelines = [item.get("maximus_guideline") or "", item.get("claims_administrator_guideline") or ""]
    return vocab.tag_item(item.get("item") or "", guidelines, item.get("rationale") or "")


def letter_tags(vocab: Vocabulary, items: list[dict]) -> list[list[Tag]]:
    """The tags of every item of one letter: item_tags, then what an associated surgical service
    takes from the letter's surgery (its region and side, pre- or post-operative)."""
    return vocab.tag_letter([(item.get("item") or "", item_tags(vocab, item)) for item in items])


def concept_ids(tags: list[Tag], vocab: Vocabulary | None = None) -> list[str]:
    """The `concept` field's values: every tagged concept id (its drugs' doses among them,
    `strength:lidocaine:5%`), and (with the vocabulary) the classes the item is, marked `is:`
    (marks.is_classes)."""
    ids = [t.concept for t in tags]
    return ids + [IS_MARK + c for c in is_classes(vocab, tags)] if vocab is not None else ids


def drug_classes(vocab: Vocabulary, tags: list[Tag]) -> list[str]:
    """The drug-class facet's values: labels of the classes tagged (none for a non-drug item)."""
    return sorted({vocab.concept(t.concept).label for t in tags
                   if t.concept.startswith("class:") and t.concept in vocab.concepts})


def procedure_families(vocab: Vocabulary, tags: list[Tag]) -> list[str]:
    """The procedure-family facet's values: labels of the families its own words name, else of those
    read from its guidelines or rationale (an unknown product whose rationale says what it is)."""
    families = [t for t in tags if t.concept.startswith("family:") and t.concept in vocab.concepts]
    own = [t for t in families if t.source == "own"]
    return sorted({vocab.concept(t.concept).label for t in own or families})


def current_vocabulary(settings) -> tuple[Vocabulary, MinedVocabulary | None]:
    """The current snapshot's vocabulary and what was mined for it, for `imr vocabulary`; the
    packaged vocabulary and None when no snapshot is published (or none was mined)."""
    from indexer.errors import ImrError
    from indexer.index.stores import snapshots

    try:
        snapshot = snapshots.current(settings)
    except ImrError:
        return Vocabulary.load(), None
    mined = read_mined(snapshot)
    return Vocabulary.load(extra=mined), mined
