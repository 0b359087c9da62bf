"""Spelling: the word a user most likely meant, taken from the snapshot's surface words.

The candidates for a word not in the index are the words as the letters spell them
(indexer.index.stores.surfacewords: every searched field, lowercased), never a stem:
within one edit for a word of five letters or fewer, two for a longer one (a swap of two
neighbouring letters is one edit), starting with the same letter. Candidates whose own
analysis gives an indexed term come first; the best is the nearest, then the most
frequent. A word with no candidate so near is matched by its sound (`fisical` = *physical*: a
Metaphone-like key). It is *confident* when it is the only one at its distance, or when it is
found in at least CLEAR times as many documents as the runner-up at that distance.

A snapshot without surface words (written before they existed) falls back to the
older correction from the index's stems (`stem_correction`).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Callable

from whoosh.lang.porter import stem as porter

from indexer.fields import TEXT_FIELDS

CLEAR = 3            # how many times more frequent a tied best must be than the runner-up
MIN_CORRECTED = 4    # letters of the shortest word corrected

_WORD = re.compile(r"(?<![\w:'\"*/-])[A-Za-z]{4,}(?![\w:*/-])")
_SUFFIXES = ("", "e", "s", "y", "al", "ic", "or", "ion", "ing", "ed", "es")


def distance(a: str, b: str, limit: int = 99) -> int:
    """Edit distance with swaps of neighbouring letters (optimal string alignment); any value
    over `limit` is returned as limit + 1 as soon as it is certain."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[-1], limit + 1)


# A word's sound, as Metaphone (L. Philips, 1990) hears it, reduced to the rules that make a letter
# string another one a user types by ear: ph = f, ck = k, c before e/i/y = s and otherwise k, q = k,
# x = ks, z = s, y between letters = i, doubled letters as one (`fisical` = `physical`).
_SOUND = ((re.compile(r"ph"), "f"), (re.compile(r"ck"), "k"), (re.compile(r"c(?=[eiy])"), "s"),
          (re.compile(r"c"), "k"), (re.compile(r"q"), "k"), (re.compile(r"x"), "ks"), (re.compile(r"z"), "s"),
          (re.compile(r"(?<=\w)y(?=\w)"), "i"), (re.compile(r"(\w)\1+"), r"\1"))


def sound(word: str) -> str:
    """The word's sound key (`physical` and `fisical` both `fisikal`)."""
    key = word.lower()
    for pattern, repl in _SOUND:
        key = pattern.sub(repl, key)
    return key


def limit_for(word: str) -> int:
    """Edits allowed: one for a word of five letters or fewer, two for a longer one."""
    return 1 if len(word) <= 5 else 2


@dataclass(frozen=True)
class Choice:
    """The best surface word for a typed one, and whether it is confident."""

    word: str
    confident: bool


class Lexicon:
    """A snapshot's surface words with their document counts, bucketed by first letter and length."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        self.sorted = sorted(counts)
        self._buckets: dict[tuple[str, int], list[str]] = {}
        for word in self.sorted:
            self._buckets.setdefault((word[0], len(word)), []).append(word)
        self._sounds: dict[str, list[str]] | None = None     # made on the first word spelt by ear

    def by_sound(self, word: str) -> list[tuple[int, str]]:
        """(edits, surface word) of the words that sound as `word` does, however far they are spelt."""
        if self._sounds is None:
            self._sounds = {}
            for w in self.sorted:
                if len(w) >= MIN_CORRECTED:
                    self._sounds.setdefault(sound(w), []).append(w)
        return [(distance(word, w), w) for w in self._sounds.get(sound(word), ()) if w != word]

    def near(self, word: str, limit: int) -> list[tuple[int, str]]:
        """(distance, surface word) of every other word within `limit` edits, same first letter."""
        found = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in self._buckets.get((word[:1], length), ()):
                d = distance(word, candidate, limit)
                if 0 < d <= limit:
                    found.append((d, candidate))
        return found

    def extends(self, prefix: str) -> bool:
        """Whether some surface word is `prefix` and more."""
        i = bisect_left(self.sorted, prefix)
        while i < len(self.sorted) and self.sorted[i].startswith(prefix):
            if self.sorted[i] != prefix:
                return True
            i += 1
        return False

    def choose(self, typed: str, indexed: Callable[[str], bool]) -> Choice | None:
        """The surface word closest to `typed` (see the module's rule), or None."""
        word = typed.lower()
        if len(word) < MIN_CORRECTED:
            return None
        near = self.near(word, limit_for(word)) or self.by_sound(word)
        near = [c for c in near if indexed(c[1])] or near
        if not near:
            return None
        ranked = sorted(near, key=lambda c: (c[0], -self.counts.get(c[1], 0), c[1]))
        (d, best), runner = ranked[0], ranked[1] if len(ranked) > 1 else None
        confident = runner is None or runner[0] > d or \
            self.counts.get(best, 0) >= CLEAR * self.counts.get(runner[1], 0)
        return Choice(best, confident)


def _frequency(reader, stem: str) -> int:
    return sum(reader.doc_frequency(f, stem) for f in TEXT_FIELDS)


def _spelt(stem: str, typed: str) -> str:
    """A word whose stem is `stem`, closest to what was typed."""
    base = [stem, stem[:-1] + "y" if stem.endswith("i") else stem]
    candidates = {b + s for b in base for s in _SUFFIXES}
    good = [c for c in candidates if porter(c) == stem] or [stem]
    return min(good, key=lambda c: (distance(c, typed), len(c)))


def stem_correction(word: str, reader) -> str | None:
    """The indexed stem closest to a word that is not indexed, spelt back as a word, or None
    (for a snapshot without surface words)."""
    typed = word.lower()
    stem = porter(typed)
    if _frequency(reader, stem):
        return None
    limit = limit_for(typed)
    best: tuple[int, int, str] | None = None
    for field in ("item", "rationale"):
        for candidate in reader.terms_within(field, stem, limit, prefix=2):
            key = (distance(candidate, stem), -_frequency(reader, candidate), candidate)
            best = key if best is None or key < best else best
    return _spelt(best[2], typed) if best else None


def stem_did_you_mean(text: str, reader) -> str | None:
    """The query with its misspelt words corrected from the index's stems, or None when none is."""
    changed = False

    def fix(m: re.Match) -> str:
        nonlocal changed
        better = stem_correction(m[0], reader)
        if better is None:
            return m[0]
        changed = True
        return better

    corrected = _WORD.sub(fix, text or "")
    return corrected if changed else None
