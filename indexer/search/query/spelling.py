"""'Did you mean': misspelt query words corrected from the index's own terms.

Offered when a search finds nothing: each word of four letters or more whose
stem is in no text field of the snapshot is replaced by the most frequent
indexed stem within two edits (one for short words) sharing its first two
letters, spelt back as a word (`acupunture` -> `acupuncture`).
"""
from __future__ import annotations

import re

from whoosh.lang.porter import stem as porter
from whoosh.util.text import rcompile

from indexer.fields import TEXT_FIELDS

_WORD = rcompile(r"(?<![\w:'\"*/-])[A-Za-z]{4,}(?![\w:*/-])")
_SUFFIXES = ("", "e", "s", "y", "al", "ic", "or", "ion", "ing", "ed", "es")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (words are short)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _frequency(reader, stem: str) -> int:
    return sum(reader.doc_frequency(f, stem) for f in TEXT_FIELDS)


def _spelt(stem: str, typed: str) -> str:
    """A word whose stem is `stem`, closest to what was typed."""
    base = [stem, stem[:-1] + "y" if stem.endswith("i") else stem]
    candidates = {b + s for b in base for s in _SUFFIXES}
    good = [c for c in candidates if porter(c) == stem] or [stem]
    return min(good, key=lambda c: (_distance(c, typed), len(c)))


def correct_word(word: str, reader) -> str | None:
    """The indexed word closest to a word that is not indexed, or None."""
    typed = word.lower()
    stem = porter(typed)
    if _frequency(reader, stem):
        return None
    limit = 1 if len(typed) <= 5 else 2
    best: tuple[int, int, str] | None = None
    for field in ("item", "rationale"):
        for candidate in reader.terms_within(field, stem, limit, prefix=2):
            key = (_distance(candidate, stem), -_frequency(reader, candidate), candidate)
            best = key if best is None or key < best else best
    return _spelt(best[2], typed) if best else None


def did_you_mean(text: str, reader) -> str | None:
    """The query with its misspelt words corrected, or None when none is."""
    changed = False

    def fix(m: re.Match) -> str:
        nonlocal changed
        better = correct_word(m[0], reader)
        if better is None:
            return m[0]
        changed = True
        return better

    corrected = _WORD.sub(fix, text or "")
    return corrected if changed else None
