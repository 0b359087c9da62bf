"""The surface words of a snapshot: words as typed in every searched text field of the letters
(request, rationale, guidelines, clinical summary), with how many documents hold each, for spelling
correction (indexer.search.query.spelling). A word only a summary holds (`hydrocodone`, in the real
letters' summaries but no rationale) is searched as typed, so a slip of it must be mended too.

The index holds stems (`therapi`, `flexibl`), which are no words to offer a user; this file
(`files.SURFACE_WORDS`) keeps the words themselves, lowercased: alphabetic runs of 3 to 40
letters, one `word<TAB>documents` line each, sorted. Each part of a build counts its own
documents (indexer.index.parts), the parts' counts are summed when assembled, and `imr add`
adds the new letters' documents and takes away the removed ones' (indexer.index.extend).
A snapshot without the file (written before it existed) reads as None.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping

from indexer.fields import LETTER_FIELDS, TEXT_FIELDS
from indexer.index.stores.files import SURFACE_WORDS

FIELDS = TEXT_FIELDS      # what a user's words are checked against: every field a search matches
MIN_LETTERS, MAX_LETTERS = 3, 40
_RUN = re.compile(r"[^\W\d_]+")     # a run of letters (a word with digits or joiners is cut at them)


def path_of(folder: Path) -> Path:
    """The surface-words file of a snapshot or part folder."""
    return Path(folder) / SURFACE_WORDS


def text_words(text: str) -> set[str]:
    """The distinct surface words of one text."""
    return {word for word in _RUN.findall(text.lower()) if MIN_LETTERS <= len(word) <= MAX_LETTERS and word.isascii()}


def words_of(doc: Mapping) -> set[str]:
    """The distinct surface words of one document's searched text fields."""
    found: set[str] = set()
    for name in FIELDS:
        found |= text_words(doc.get(name) or "")
    return found


class WordCounts:
    """Document frequencies of surface words, counted document by document."""

    def __init__(self, counts: Mapping[str, int] | None = None):
        self.counts: Counter = Counter(counts or {})
        # The last letter's per-letter texts (its summary) and their words: every item document of a
        # letter repeats them, so they are split once per letter, not once per document.
        self._letter: tuple[tuple[str, ...], set[str]] = ((), set())

    def _words(self, doc: Mapping) -> set[str]:
        shared = tuple(doc.get(name) or "" for name in LETTER_FIELDS)
        if shared != self._letter[0]:
            self._letter = (shared, set().union(*map(text_words, shared)))
        found = set(self._letter[1])
        for name in FIELDS:
            if name not in LETTER_FIELDS:
                found |= text_words(doc.get(name) or "")
        return found

    def add(self, doc: Mapping) -> None:
        """Count one document's words."""
        self.counts.update(self._words(doc))

    def remove(self, doc: Mapping) -> None:
        """Take one (deleted) document's words away again."""
        self.counts.subtract(self._words(doc))

    def write(self, folder: Path) -> None:
        """Write the counts (the positive ones, sorted) as the folder's surface-words file."""
        lines = [f"{word}\t{n}\n" for word, n in sorted(self.counts.items()) if n > 0]
        path_of(folder).write_text("".join(lines), encoding="utf-8")


def read(folder: Path) -> dict[str, int] | None:
    """word -> documents holding it, or None when the folder has no surface-words file."""
    try:
        text = path_of(folder).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    counts = {}
    for line in text.splitlines():
        word, _, n = line.partition("\t")
        if n.isdigit():
            counts[word] = int(n)
    return counts


def merge(snapshot: Path, parts: Iterable[Path]) -> None:
    """The parts' surface-word counts summed into the snapshot's file."""
    total = WordCounts()
    for folder in parts:
        total.counts.update(read(folder) or {})
    total.write(snapshot)
