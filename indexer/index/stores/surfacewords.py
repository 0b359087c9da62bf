"""The surface words of a snapshot: words as typed in the letters' requests and rationales, with
how many documents hold each, for spelling correction (indexer.search.query.spelling).

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

from indexer.index.stores.files import SURFACE_WORDS

FIELDS = ("item", "rationale")      # what a user's words are checked against: the request and its reasons
MIN_LETTERS, MAX_LETTERS = 3, 40
_RUN = re.compile(r"[^\W\d_]+")     # a run of letters (a word with digits or joiners is cut at them)


def path_of(folder: Path) -> Path:
    """The surface-words file of a snapshot or part folder."""
    return Path(folder) / SURFACE_WORDS


def words_of(doc: Mapping) -> set[str]:
    """The distinct surface words of one document's request and rationale."""
    found = set()
    for name in FIELDS:
        for word in _RUN.findall((doc.get(name) or "").lower()):
            if MIN_LETTERS <= len(word) <= MAX_LETTERS and word.isascii():
                found.add(word)
    return found


class WordCounts:
    """Document frequencies of surface words, counted document by document."""

    def __init__(self, counts: Mapping[str, int] | None = None):
        self.counts: Counter = Counter(counts or {})

    def add(self, doc: Mapping) -> None:
        """Count one document's words."""
        self.counts.update(words_of(doc))

    def remove(self, doc: Mapping) -> None:
        """Take one (deleted) document's words away again."""
        self.counts.subtract(words_of(doc))

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
