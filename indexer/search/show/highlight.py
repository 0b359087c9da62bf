"""Highlighting: escape first, then wrap query terms in <mark>; nothing else is markup.

Letter text is untrusted: every character of it goes through html.escape and
the only tags ever emitted are <mark> and </mark>.

What is learnt of the texts (their words, their sentence breaks) is kept in a
`Vocabulary` passed in: the open snapshot's (indexer.search.snapshot), so it goes
when the snapshot closes. Without one nothing is kept beyond the call.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left
from typing import Iterator

from indexer.results import Snippet
from indexer.search.show import occurrences
from indexer.search.show.occurrences import Vocabulary
from indexer.search.show.terms import Terms, query_terms

# Spaces after . ! or ? before a capital or digit, or a blank line. The mark is matched, not
# looked behind for: a leading class lets the regex engine skip to candidates (2x faster).
# Snippets are looked for in a text's first WINDOW characters only: what a request reads of one
# field is bounded even in a snapshot built before fields were capped (Settings.max_field_chars).
WINDOW = 64_000
SENTENCE_END = re.compile(r"[.!?]\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")


def mark_query(text: str, q: str, vocab: Vocabulary | None = None) -> str:
    """`text` HTML-escaped, with the words of query `q` (as the index stems them) in <mark>."""
    return mark(text or "", query_terms(q), vocab)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlaps merged."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _raw_spans(text: str, terms: Terms, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Character spans of matching words and phrases, unmerged."""
    if not terms or not text:
        return []
    return occurrences.spans(text, terms.words, terms.prefixes, terms.phrases, vocab)


def _spans(text: str, terms: Terms, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Character spans of matching words and phrases, in order, overlaps merged."""
    return _merged(_raw_spans(text, terms, vocab))


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text HTML-escaped, with the (merged, ordered) spans in <mark>."""
    out, last = [], 0
    for start, end in spans:
        out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def mark(text: str, terms: Terms, vocab: Vocabulary | None = None) -> str:
    """The whole text, HTML-escaped, with matching words in <mark>."""
    return _marked(text, _spans(text, terms, vocab or Vocabulary()))


def _sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in SENTENCE_END.finditer(text):
        # A break after . ! or ? starts at the space: the mark stays in its sentence.
        end = m.start() + (text[m.start()] in ".!?")
        if text[start:end].strip():
            yield start, end
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a text."""
    return list(_sentence_spans(text))


def _cut(text: str, first_hit: int, max_chars: int) -> tuple[int, int] | None:
    """Where `_trim` cuts a sentence (None: it is short enough to show whole)."""
    if len(text) <= max_chars:
        return None
    lo = max(0, min(first_hit - max_chars // 3, len(text) - max_chars))
    hi = lo + max_chars
    if lo:
        lo = text.find(" ", lo) + 1 or lo
    if hi < len(text):
        hi = text.rfind(" ", lo, hi) if text.rfind(" ", lo, hi) > lo else hi
    return lo, hi


def _trim(text: str, first_hit: int, max_chars: int) -> str:
    """A long sentence cut at word boundaries around its first match."""
    cut = _cut(text, first_hit, max_chars)
    if cut is None:
        return text
    lo, hi = cut
    return ("… " if lo else "") + text[lo:hi].strip() + (" …" if hi < len(text) else "")


def _shown(text: str, a: int, b: int, first: int, max_chars: int, raw: list[tuple[int, int]]
           ) -> tuple[str, list[tuple[int, int]] | None]:
    """The sentence text[a:b] as a snippet shows it (spaces collapsed, long ones trimmed around
    `first`), and the spans of `raw` wholly inside what is shown, moved there and merged: what
    marking the shown text afresh finds, as no word or phrase of the text sees past its chunks
    (runs of non-space) and the shown text is whole chunks of the sentence in order. None for the
    spans when a trim cuts inside a chunk or a span runs past the sentence (then the shown text
    is marked afresh)."""
    plain = " ".join(text[a:b].split())
    cut = _cut(plain, first - a, max_chars)
    if cut is None:
        lo, hi, shown, prefix = 0, len(plain), plain, 0
    else:
        lo, hi = cut
        kept = plain[lo:hi]
        shown = ("… " if lo else "") + kept.strip() + (" …" if hi < len(plain) else "")
        prefix = 2 if lo else 0
        lo, hi = lo + len(kept) - len(kept.lstrip()), hi - (len(kept) - len(kept.rstrip()))
        if (lo and plain[lo - 1] != " ") or (hi < len(plain) and plain[hi] != " "):
            return shown, None
    spans = []
    for s, e in raw:
        if a <= s < b < e:
            # A span running past its sentence (a phrase across a break, or the analysis's offsets
            # after a character whose lower case is longer, as 'İ'): the shown text is marked afresh.
            return shown, None
        if a <= s and e <= b:
            if text[s].isspace() or text[e - 1].isspace():     # never for a word's span
                return shown, None
            # Where a character ending (starting) a span stands once spaces are collapsed.
            before = text[a:s].split()
            s2 = len(" ".join(before)) + (1 if before and text[s - 1].isspace() else 0)
            e2 = len(" ".join(text[a:e].split()))
            if lo <= s2 and e2 <= hi:
                spans.append((s2 - lo + prefix, e2 - lo + prefix))
    return shown, _merged(spans)


def _finds(text: str, char: str) -> Iterator[int]:
    """Every position of `char` in `text`."""
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def break_spans(text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of SENTENCE_END's matches in `text`, as its `finditer` gives them. A break
    starts only at . ! ? or a newline: those characters are found by `str.find` and the pattern
    tried there alone, skipping any inside the last break (the regex engine's scan of every
    character cost 2.5x as much, ~13 µs a rationale of 1,100 characters)."""
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    match = SENTENCE_END.match
    for at in sorted(at for char in ".!?\n" for at in _finds(text, char)):
        if at >= last:
            found = match(text, at)
            if found is not None:
                last = found.end()
                starts.append(at)
                ends.append(last)
    return starts, ends


def _breaks(text: str, vocab: Vocabulary) -> tuple[list[int], list[int]]:
    """(starts, ends) of every sentence break of a text, as `sentences` finds them, remembered with
    the text's chunks (a text recurs across requests)."""
    seen = occurrences.seen(text, vocab)
    if seen.breaks is None:
        seen.breaks = break_spans(text)
    return seen.breaks


def _sentences_holding(text: str, hits: list[tuple[int, int]], breaks: tuple[list[int], list[int]]
                       ) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(start, end, hits) of each sentence (as `sentences` cuts them) holding hits, in order
    (`hits` sorted): a hit's sentence ends at the first break at or after it and starts where
    the break before it ends."""
    starts, ends = breaks
    out, i = [], 0
    while i < len(hits):
        k = bisect_left(starts, hits[i][0])
        start = ends[k - 1] if k else 0
        end = len(text) if k == len(starts) else starts[k] + (text[starts[k]] in ".!?")
        inside = []
        while i < len(hits) and hits[i][0] < end:
            inside.append(hits[i])
            i += 1
        out.append((start, end, inside))
    return out


def _ranked(text: str, terms: Terms, vocab: Vocabulary, raw: list[tuple[int, int]] | None = None) -> list[tuple]:
    """The sentences holding query terms, best first: (distinct terms, hits, -start, start,
    end, first hit); ties go to the earlier sentence (`raw`: _raw_spans, when already found)."""
    hits = _merged(_raw_spans(text, terms, vocab) if raw is None else raw)
    held = _sentences_holding(text, hits, _breaks(text, vocab)) if hits else []
    return sorted(((len({text[s:e].lower() for s, e in inside}), len(inside), -a, a, b, inside[0][0])
                   for a, b, inside in held), reverse=True)


def _chosen(text: str, ranked: list[tuple], limit: int, max_chars: int) -> list[str]:
    """The plain text of the best `limit` sentences, in text order, long ones trimmed."""
    return [_trim(" ".join(text[a:b].split()), first - a, max_chars)
            for *_, a, b, first in sorted(ranked[:limit], key=lambda t: t[3])]


def snippets(text: str, terms: Terms, field: str, limit: int = 3,
             max_chars: int = 320, vocab: Vocabulary | None = None) -> list[Snippet]:
    """Up to `limit` sentences with the most query terms, in text order, terms marked."""
    if not text or not terms or limit <= 0:
        return []
    text = text[:WINDOW]
    vocab = vocab or Vocabulary()
    return [Snippet(field, mark(plain, terms, vocab), plain)
            for plain in _chosen(text, _ranked(text, terms, vocab), limit, max_chars)]


class Marker:
    """One request's highlighting of its query's terms: `mark` and `snippets` as the module's,
    each text worked out once (a letter's summary, a guideline or a sentence recurs across
    a page's hits); `vocab` is the open snapshot's, remembering texts across requests."""

    def __init__(self, terms: Terms, vocab: Vocabulary | None = None):
        self.terms = terms
        self.vocab = vocab or Vocabulary()
        self._marks: dict[str, str] = {}
        self._ranked: dict[str, tuple[list[tuple], list[tuple[int, int]]]] = {}   # text -> (_ranked, raw spans)

    def mark(self, text: str) -> str:
        """`mark(text, terms)`."""
        found = self._marks.get(text)
        if found is None:
            found = self._marks[text] = mark(text, self.terms, self.vocab)
        return found

    def snippets(self, text: str, field: str, limit: int = 3, max_chars: int = 320) -> list[Snippet]:
        """`snippets(text, terms, field, limit, max_chars)`."""
        if not text or not self.terms or limit <= 0:
            return []
        text = text[:WINDOW]
        found = self._ranked.get(text)
        if found is None:
            raw = _raw_spans(text, self.terms, self.vocab)
            found = self._ranked[text] = _ranked(text, self.terms, self.vocab, raw), raw
        ranked, raw = found
        out = []
        # Each passage marked from the text's spans (not analysed again as a text of its own).
        for *_, a, b, first in sorted(ranked[:limit], key=lambda t: t[3]):
            plain, spans = _shown(text, a, b, first, max_chars, raw)
            out.append(Snippet(field, self.mark(plain) if spans is None else _marked(plain, spans), plain))
        return out


def lead(text: str, field: str, max_chars: int = 320) -> list[Snippet]:
    """The first sentence, unmarked: a snippet when no query term matched."""
    a, b = next(_sentence_spans(text or ""), (None, None))
    if a is None:
        return []
    plain = _trim(" ".join(text[a:b].split()), 0, max_chars)
    return [Snippet(field, html.escape(plain), plain)]
