"""Where a query's words occur in a text, found without analysing every word of it.

Highlighting needs the character spans of the indexed words whose stems the
query searched, not every word's stem. `analysis.words` walks a text word by
word in Python (about 2 µs a word: most of a results page's highlighting), so
this finds the same spans another way, in *chunks* (runs of non-space
characters, `str.split()`'s pieces): no word of the index spans a space, and
a chunk's words are the same alone as in its text (WORD never matches a space,
and a space before or after a chunk stops a match as the chunk's ends do).

1. the text's distinct chunks (`set(text.split())`, in C);
2. which of them hold a searched stem, from a `Vocabulary` that remembers
   each chunk's words (`analysis.words` of the chunk alone) and the chunks
   holding each stem;
3. each such chunk's occurrences (`str.find`, kept where spaces or the
   text's ends surround it);
4. for a phrase, from each occurrence of a chunk holding its first word, the
   chunks after it until the phrase's last position.

The spans are exactly those of `spans_by_analysis` (the analysis of every
word, kept as the reference); tests compare the two over the seed, synthetic
and real letters and generated texts.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterable

from indexer.index.analysis import words

Entry = tuple[int, int, str, int]      # (start, end, stem, position) within a word
Span = tuple[int, int]
CHUNK = re.compile(r"\S+")              # what str.split() splits a text into
MAX_WORDS = 50_000                     # chunks remembered (~250 bytes each) before starting afresh


class Vocabulary:
    """Each chunk seen -> its indexed words (positions from 0), and each stem -> the chunks
    holding it. Bounded: emptied when it holds `max_words` chunks."""

    def __init__(self, max_words: int = MAX_WORDS):
        self.max_words = max_words
        self._entries: dict[str, tuple[Entry, ...]] = {}
        self._by_stem: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def entries(self, word: str) -> tuple[Entry, ...]:
        """The indexed words of one chunk: (start, end, stem, position), positions from 0."""
        found = self._entries.get(word)
        if found is None:
            with self._lock:
                self._learn([word])
                found = self._entries[word]
        return found

    def _learn(self, new: Iterable[str]) -> None:
        """Analyse chunks not known yet (under the lock), emptying first if they would not fit."""
        new = [w for w in new if w not in self._entries]
        if new and len(self._entries) + len(new) > self.max_words:
            self._entries.clear()
            self._by_stem.clear()
        for word in new:
            found = tuple(words(word))
            self._entries[word] = found
            for entry in found:
                self._by_stem.setdefault(entry[2], set()).add(word)

    def giving(self, distinct: set[str], stems: Iterable[str], prefixes: tuple[str, ...] = ()) -> set[str]:
        """The chunks of `distinct` holding a word whose stem is one of `stems` or starts with a prefix."""
        stems = tuple(stems)
        with self._lock:
            self._learn(distinct.difference(self._entries))
            out = set()
            for s in stems:
                out |= distinct.intersection(self._by_stem.get(s, ()))
        if prefixes:
            out |= {w for w in distinct
                    if any(e[2].startswith(p) for e in self.entries(w) for p in prefixes)}
        return out


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The process's vocabulary (made on first use)."""
    return Vocabulary()


def _occurrences(text: str, chunk: str) -> list[int]:
    """Start of every occurrence of `chunk` in `text` as one of its chunks (spaces or ends around)."""
    out, i, n = [], text.find(chunk), len(chunk)
    while i >= 0:
        if (i == 0 or text[i - 1].isspace()) and (i + n == len(text) or text[i + n].isspace()):
            out.append(i)
        i = text.find(chunk, i + 1)
    return out


def _increment(entries: tuple[Entry, ...]) -> int:
    """How many positions a chunk's words take (the next chunk's first position, relative to its own)."""
    return entries[-1][3] + 1 if entries else 0


def _phrase_spans(text: str, vocab: Vocabulary, distinct: set[str],
                  phrase: tuple[str, ...]) -> list[Span]:
    """One span per position where the phrase's words stand at consecutive positions."""
    spans = []
    for chunk in vocab.giving(distinct, phrase[:1]):
        entries = vocab.entries(chunk)
        firsts = sorted({e[3] for e in entries if e[2] == phrase[0]})
        last = firsts[-1] + len(phrase) - 1
        for start in _occurrences(text, chunk):
            # (start, end, stem, position) from this chunk on, positions relative to its first
            following = [(start + a, start + b, s, p) for a, b, s, p in entries]
            base = _increment(entries)
            scan = CHUNK.finditer(text, start + len(chunk))
            while base <= last:
                m = next(scan, None)
                if m is None:
                    break
                more = vocab.entries(m.group())
                following += [(m.start() + a, m.start() + b, s, base + p) for a, b, s, p in more]
                base += _increment(more)
            spans += filter(None, (_phrase_at(following, phrase, pos) for pos in firsts))
    return spans

def _phrase_at(entries: list[Entry], phrase: tuple[str, ...], pos: int) -> Span | None:
    """The span of the phrase starting at position `pos`, if its words follow there."""
    start = min(a for a, _, s, p in entries if p == pos and s == phrase[0])
    end = max(b for _, b, s, p in entries if p == pos and s == phrase[0])
    for k, word in enumerate(phrase[1:], 1):
        ends = [b for _, b, s, p in entries if p == pos + k and s == word]
        if not ends:
            return None
        end = max(ends)
    return start, end


def spans(text: str, stems: frozenset[str], prefixes: tuple[str, ...] = (),
          phrases: tuple[tuple[str, ...], ...] = (), vocab: Vocabulary | None = None) -> list[Span]:
    """Character spans of the words giving `stems` or a prefix, and of each phrase, unmerged."""
    vocab = vocab or vocabulary()
    distinct = set(text.split())
    out: list[Span] = []
    if stems or prefixes:
        for chunk in vocab.giving(distinct, stems, prefixes):
            hits = [(a, b) for a, b, s, _ in vocab.entries(chunk)
                    if s in stems or any(s.startswith(p) for p in prefixes)]
            for start in _occurrences(text, chunk):
                out += [(start + a, start + b) for a, b in hits]
    for phrase in phrases:
        if phrase:
            out += _phrase_spans(text, vocab, distinct, phrase)
    return out


def spans_by_analysis(text: str, stems: frozenset[str], prefixes: tuple[str, ...] = (),
                      phrases: tuple[tuple[str, ...], ...] = ()) -> list[Span]:
    """The same spans from the analysis of every word of the text (the reference: slower)."""
    found = list(words(text))
    out = [(a, b) for a, b, s, _ in found if s in stems or any(s.startswith(p) for p in prefixes)]
    at: dict[int, list[tuple[int, int, str]]] = {}
    for a, b, s, pos in found:
        at.setdefault(pos, []).append((a, b, s))
    for phrase in phrases:
        for pos, first in at.items():
            starts = [a for a, _, s in first if s == phrase[0]]
            if not starts:
                continue
            end, ok = None, True
            for k, word in enumerate(phrase[1:], 1):
                ends = [b for _, b, s in at.get(pos + k, ()) if s == word]
                if not ends:
                    ok = False
                    break
                end = max(ends)
            if ok:
                out.append((min(starts), end if end is not None else max(b for _, b, s in first
                                                                          if s == phrase[0])))
    return out
