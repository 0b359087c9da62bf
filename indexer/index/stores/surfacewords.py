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
# A run of 3 to 40 ASCII letters, not next to another letter (a longer run, or one with a letter
# outside ASCII, is no word here); a word with digits or joiners is cut at them.
_WORD = re.compile(rf"(?<![^\W\d_])[a-z]{{{MIN_LETTERS},{MAX_LETTERS}}}(?![^\W\d_])")
MEMO = 4096      # texts whose words a WordCounts keeps (guidelines repeat across letters)


def path_of(folder: Path) -> Path:
    """The surface-words file of a snapshot or part folder."""
    return Path(folder) / SURFACE_WORDS


def text_words(text: str) -> set[str]:
    """The distinct surface words of one text."""
    return set(_WORD.findall(text.lower()))


def words_of(doc: Mapping) -> set[str]:
    """The distinct surface words of one document's searched text fields."""
    found: set[str] = set()
    for name in FIELDS:
        found |= text_words(doc.get(name) or "")
    return found


class WordCounts:
    """Document frequencies of surface words, counted document by document."""

    def __init__(self, counts: Mapping[str, int] | None = None):
        self._counts: Counter = Counter(counts or {})
        # The current letter's per-letter texts (its summary), their words and how many of its
        # documents were added (less those removed) since: every item document of a letter repeats
        # them, so they are split once per letter and counted once per letter, by that number.
        self._letter: tuple[tuple[str, ...], frozenset[str], int] = ((), frozenset(), 0)
        # the words of the guideline texts seen (a few hundred texts recur across thousands of items)
        self._texts: dict[str, set[str]] = {}

    @property
    def counts(self) -> Counter:
        """word -> documents holding it (the current letter's words included)."""
        shared, words, n = self._letter
        if n:
            self._counts.update(dict.fromkeys(words, n))
            self._letter = (shared, words, 0)
        return self._counts

    def _own(self, doc: Mapping) -> set[str]:
        """The words of a document's own fields that its letter's shared texts do not hold; its letter
        made the current one."""
        shared = tuple(doc.get(name) or "" for name in LETTER_FIELDS)
        if shared != self._letter[0]:
            self.counts     # noqa: B018 - the previous letter's words counted
            self._letter = (shared, frozenset().union(*map(text_words, shared)), 0)
        found = text_words(doc.get("item") or "") | text_words(doc.get("rationale") or "")
        for name in FIELDS:
            if name not in LETTER_FIELDS and name not in ("item", "rationale"):
                text = doc.get(name) or ""
                words = self._texts.get(text)
                if words is None:
                    words = text_words(text)
                    if len(self._texts) < MEMO:
                        self._texts[text] = words
                found |= words
        return found - self._letter[1]

    def add(self, doc: Mapping) -> None:
        """Count one document's words."""
        self._counts.update(self._own(doc))
        shared, words, n = self._letter
        self._letter = (shared, words, n + 1)

    def remove(self, doc: Mapping) -> None:
        """Take one (deleted) document's words away again."""
        self._counts.subtract(self._own(doc))
        shared, words, n = self._letter
        self._letter = (shared, words, n - 1)

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
