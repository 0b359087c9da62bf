"""A label before what is asked: `defense view: IMR upholding lumbar MRI denials`, `claim note - RFA ...`.

People paste a query from a note or frame it by who asks: a heading ending in a colon or a spaced dash,
as a clinical note's headings are written (the SOAP note's `Subjective:`, `Assessment:`, `Plan:`; a claims
adjuster's `claim note -`), or a role (`applicant attorney:`, `defense view:`). The heading says who or
where, never what was requested: no item of the letters is worded by it. A query's first words (at most
MAX_LABEL_WORDS) before `: ` or ` - ` followed by more words are such a label when none of them names a
concept of the vocabulary, a decision, or holds a digit (`MRI: lumbar`, `denied - Norco`, `L4-5 - fusion`
keep every word); the label is not searched and a note says so. A `field:value` term has no space after
its colon and is no label.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from indexer.vocabulary import Vocabulary

MAX_LABEL_WORDS = 3      # a heading or a role is a few words; more is a sentence
_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][\w'&./]*(?:\s+[A-Za-z][\w'&./]*){0,%d})\s*(?::\s+|\s+[-\u2013\u2014]+\s+)"
                    r"(?=\S)" % (MAX_LABEL_WORDS - 1))


def unlabelled(text: str, vocab: "Vocabulary | None", decided: Iterable[str] = ()) -> tuple[str, str | None]:
    """`text` without its leading label, and the label (None when there is none). `decided`: the
    words read as a decision (`denied`, `upheld`), which are never a label's."""
    m = _LABEL.match(text)
    if m is None or vocab is None:
        return text, None
    label = m["label"]
    low = f" {' '.join(label.lower().split())} "
    if any(f" {d.lower()} " in low for d in decided) or vocab.parse_query(label).spans:
        return text, None
    return text[m.end():], label
