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
   holding each stem (the open snapshot owns one, indexer.search.snapshot: it
   learns from the requests' texts and goes when the snapshot closes);
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

from indexer.index.analysis import words

Entry = tuple[int, int, str, int]      # (start, end, stem, position) within a word
Span = tuple[int, int]
CHUNK = re.compile(r"\S+")              # what str.split() splits a text into
MAX_CHUNKS = 50_000                    # chunks remembered (~250 bytes each) before starting afresh
MAX_PREFIXES = 256                     # prefixes whose stems are kept up to date
MAX_TEXT_CHARS = 1_000_000             # characters of texts remembered (~13.5 MB with their chunk sets, measured)


class Seen:
    """A text's distinct chunks (every one known to its Vocabulary), and where the chunks and
    phrases asked about so far stand in it (filled as asked: the same for every query)."""

    __slots__ = ("chunks", "starts", "phrases", "breaks")

    def __init__(self, chunks: frozenset[str]):
        self.chunks = chunks
        self.starts: dict[str, list[int]] = {}
        self.phrases: dict[tuple[str, ...], list[Span]] = {}
        self.breaks: tuple[list[int], list[int]] | None = None    # highlight's sentence breaks, once asked

    def occurrences(self, text: str, chunk: str) -> list[int]:
        """`_occurrences(text, chunk)`, remembered."""
        found = self.starts.get(chunk)
        if found is None:
            found = self.starts[chunk] = _occurrences(text, chunk)
        return found


# chunk -> its words, stem -> chunks holding it, prefix -> the stems starting with it, text -> Seen
Known = tuple[dict[str, tuple[Entry, ...]], dict[str, set[str]], dict[str, set[str]], dict[str, Seen]]


class Vocabulary:
    """Each chunk seen -> its indexed words (positions from 0), each stem -> the chunks holding
    it, for the prefixes asked about the stems starting with them, and each text seen -> its
    distinct chunks (a text recurs across requests: a hit's rationale, a letter's summary).
    Bounded: started afresh (new maps, never emptied under a reader) when it would hold over
    `max_chunks` chunks or `max_prefixes` prefixes; the oldest texts dropped to keep under
    `max_text_chars` characters (a longer text is worked out each time, not kept)."""

    def __init__(self, max_chunks: int = MAX_CHUNKS, max_prefixes: int = MAX_PREFIXES,
                 max_text_chars: int = MAX_TEXT_CHARS):
        self.max_chunks, self.max_prefixes, self.max_text_chars = max_chunks, max_prefixes, max_text_chars
        self._known: Known = ({}, {}, {}, {})
        self._text_chars = 0
        self._lock = threading.Lock()

    def known(self, chunks: set[str], prefixes: tuple[str, ...] = ()) -> Known:
        """Maps that know every chunk of `chunks` and every prefix of `prefixes`."""
        known = self._known
        new = chunks.difference(known[0])
        if new or not known[2].keys() >= set(prefixes):
            with self._lock:
                known = self._learn(chunks, prefixes)
        return known

    def text(self, text: str, prefixes: tuple[str, ...] = ()) -> tuple[Seen, Known]:
        """The text's chunks, and maps that know each of them and every prefix of `prefixes`."""
        known = self._known
        seen = known[3].get(text)
        if seen is not None and (not prefixes or known[2].keys() >= set(prefixes)):
            return seen, known
        with self._lock:
            seen = self._known[3].get(text) or Seen(frozenset(text.split()))
            known = self._learn(seen.chunks, prefixes)
            texts = known[3]
            if text not in texts and len(text) <= self.max_text_chars:
                # The oldest texts make room, a few at a time: dropping all of them at once cost
                # one request the freeing of ~1,000 texts' chunk sets (5 ms at 10k, its p95).
                while texts and self._text_chars + len(text) > self.max_text_chars:
                    oldest = next(iter(texts))
                    del texts[oldest]
                    self._text_chars -= len(oldest)
                texts[text] = seen
                self._text_chars += len(text)
        return seen, known

    def forget_texts(self) -> None:
        """Forget the texts seen (their chunks stay known): as texts never seen before would be."""
        with self._lock:
            self._known = (*self._known[:3], {})
            self._text_chars = 0

    def _learn(self, chunks: set[str] | frozenset[str], prefixes: tuple[str, ...]) -> Known:
        known = self._known
        new = chunks.difference(known[0])
        asked = [p for p in prefixes if p not in known[2]]
        if len(known[0]) + len(new) > self.max_chunks or len(known[2]) + len(asked) > self.max_prefixes:
            known = self._known = ({}, {}, {}, {})
            self._text_chars = 0
            new = chunks
        entries, by_stem, by_prefix = known[:3]
        for prefix in prefixes:
            if prefix not in by_prefix:
                by_prefix[prefix] = {stem for stem in by_stem if stem.startswith(prefix)}
        for chunk in new:
            if chunk not in entries:
                found = entries[chunk] = tuple(words(chunk))
                for entry in found:
                    stem = entry[2]
                    if stem not in by_stem:
                        by_stem[stem] = set()
                        for prefix in by_prefix:
                            if stem.startswith(prefix):
                                by_prefix[prefix].add(stem)
                    by_stem[stem].add(chunk)
        return known


def seen(text: str, vocab: Vocabulary | None = None) -> Seen:
    """What the vocabulary remembers of a text (learnt now if new; without one, nothing is kept)."""
    return (vocab or Vocabulary()).text(text)[0]


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


def _phrase_spans(text: str, entries: dict[str, tuple[Entry, ...]], chunks: set[str],
                  phrase: tuple[str, ...], seen: Seen) -> list[Span]:
    """One span per position where the phrase's words stand at consecutive positions
    (`chunks`: those holding its first word)."""
    spans = []
    for chunk in chunks:
        own = entries[chunk]
        firsts = sorted({e[3] for e in own if e[2] == phrase[0]})
        last = firsts[-1] + len(phrase) - 1
        for start in seen.occurrences(text, chunk):
            if len(own) == 1:
                span = _one_word_phrase(text, entries, start, chunk, own[0], phrase)
                if span is not WORDS_SHARE_A_CHUNK:
                    if span is not None:
                        spans.append(span)
                    continue
            # (start, end, stem, position) from this chunk on, positions relative to its first
            following = [(start + a, start + b, s, p) for a, b, s, p in own]
            base = _increment(own)
            scan = CHUNK.finditer(text, start + len(chunk))
            while base <= last:
                m = next(scan, None)
                if m is None:
                    break
                more = entries[m.group()]
                following += [(m.start() + a, m.start() + b, s, base + p) for a, b, s, p in more]
                base += _increment(more)
            spans += filter(None, (_phrase_at(following, phrase, pos) for pos in firsts))
    return spans


WORDS_SHARE_A_CHUNK = (-1, -1)    # _one_word_phrase's answer when a chunk holds several words


def _one_word_phrase(text: str, entries: dict[str, tuple[Entry, ...]], start: int, chunk: str,
                     first: Entry, phrase: tuple[str, ...]) -> Span | None:
    """The phrase's span from a chunk of one word at `start`, while each chunk after it holds
    one word or none (the common case, without `_phrase_at`'s bookkeeping); WORDS_SHARE_A_CHUNK
    when a chunk of several words comes first."""
    end, at = start + first[1], start + len(chunk)
    for word in phrase[1:]:
        while True:
            m = CHUNK.search(text, at)
            if m is None:
                return None
            at, more = m.end(), entries[m.group()]
            if more:
                break
        if len(more) > 1:
            return WORDS_SHARE_A_CHUNK
        if more[0][2] != word:
            return None
        end = m.start() + more[0][1]
    return start + first[0], end


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
    """Character spans of the words giving `stems` or a prefix, and of each phrase, unmerged
    (`vocab`: what remembers texts across calls, an open snapshot's; without one, nothing is kept)."""
    seen, (entries, by_stem, by_prefix, _) = (vocab or Vocabulary()).text(text, prefixes)
    distinct = seen.chunks
    if prefixes:
        stems = stems.union(*(by_prefix[p] for p in prefixes))
    holding: dict[str, set[str]] = {}      # stem -> this text's chunks holding it
    for stem in stems.union(*phrases):
        found = by_stem.get(stem)
        if found:
            found = distinct.intersection(found)
            if found:
                holding[stem] = found
    out: list[Span] = []
    chunks = set().union(*(holding[s] for s in stems if s in holding))
    for chunk in chunks:
        hits = [(a, b) for a, b, s, _ in entries[chunk] if s in stems]
        for start in seen.occurrences(text, chunk):
            out += [(start + a, start + b) for a, b in hits]
    for phrase in phrases:
        if phrase and all(word in holding for word in phrase):
            found = seen.phrases.get(phrase)
            if found is None:
                found = seen.phrases[phrase] = _phrase_spans(text, entries, holding[phrase[0]], phrase, seen)
            out += found
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
