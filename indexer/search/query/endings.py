"""What a query leaves unsaid at the end of a word or of the query (indexer.search.query.reading).

- `X-containing` (`lidocaine-containing`) is X: every item with it (`containing` is a question word,
  query_words.toml [wrappers]);
- `w/`, `with`, `w/o` or `without` (or `w`, `wo`) ending a query that names an imaging study (`MRI of c-spine w/o`) is
  with or without contrast, the only thing a study is ordered with or without (CPT's MRI and CT
  descriptors: "without contrast material(s)", "with contrast material(s)").
"""
from __future__ import annotations

import re

from indexer.vocabulary import Vocabulary

CONTAINING = re.compile(r"(?<=[A-Za-z])-(?:containing|contained)\b", re.IGNORECASE)
TRAILING = re.compile(r"^(.*\S)\s+(w/o|w/|without|with|wo|w)\s*$", re.IGNORECASE)    # (`w`, `wo`: contrast.py)
IMAGING = "family:imaging"       # the vocabulary's family of studies made with or without contrast


def completed(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """The text with what its ends leave unsaid said (module docstring); the messages saying so."""
    said: list[str] = []
    if "-contain" in text.lower():
        text = CONTAINING.sub(" containing", text)
    m = TRAILING.match(text) if text.lower().endswith(("w/", "w/o", "with", "without", " w", " wo")) else None
    if m and any(IMAGING in (c, *vocab.implied(c)) for c in vocab.parse_query(m[1]).concept_ids()):
        words = "without contrast" if m[2].lower() in ("w/o", "without", "wo") else "with contrast"
        said.append(f"'{m[2]}' ending the query read as '{words}'")
        text = f"{m[1]} {words}"
    return text, said
