"""The key terms *similar* searches an item by (Whoosh's Bo1 expansion of its heading and a window of
its rationale), worked out once per item and snapshot.

Whoosh's `key_terms_from_text` looks every distinct word of the text up in every segment's term
table twice (is it there, how frequent): ~4 ms of a ~5 ms *similar* at 10k. Here the item's terms
are remembered, and so is each word's collection frequency (most words recur across rationales),
so a request reads what an earlier one worked out; the arithmetic stays Whoosh's own (its Expander
over the remembered frequencies), so the terms and weights are the same. The open snapshot owns one
(indexer.search.snapshot): the frequencies are the snapshot's.
"""
from __future__ import annotations

import threading

from whoosh import classify

MAX_ITEMS = 4096          # items whose terms are kept (~1 KB each) before starting afresh
MAX_WORDS = 50_000        # words whose frequency is kept (~200 bytes each: ~10 MB) before starting afresh

ItemTerms = tuple[tuple[str, str, float], ...]      # (field, word, weight)


class _Frequencies:
    """A reader that answers Whoosh's Expander from remembered collection frequencies."""

    def __init__(self, reader, known: dict):
        self._reader, self._known = reader, known

    def _frequency(self, key: tuple[str, bytes]) -> float | None:
        found = self._known.get(key, False)
        if found is False:
            found = self._known[key] = self._reader.frequency(*key) if key in self._reader else None
        return found

    def __contains__(self, key: tuple[str, bytes]) -> bool:
        return self._frequency(key) is not None

    def frequency(self, fieldname: str, text: bytes) -> float:
        return self._frequency((fieldname, text))

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


class KeyTerms:
    """Each item's key terms and each word's collection frequency, as asked (bounded: started
    afresh when over `max_items` items or `max_words` words)."""

    def __init__(self, max_items: int = MAX_ITEMS, max_words: int = MAX_WORDS):
        self.max_items, self.max_words = max_items, max_words
        self._items: dict[int, ItemTerms] = {}
        self._words: dict[tuple[str, bytes], float | None] = {}
        self._lock = threading.Lock()

    def of(self, searcher, doc: int, texts: list[tuple[str, str, int]]) -> ItemTerms:
        """The key terms of document `doc`: for each (field, text, how many) of `texts`, Whoosh's
        key_terms_from_text(field, text, numterms=how many), worked out on first use."""
        found = self._items.get(doc)
        if found is not None:
            return found
        with self._lock:
            if len(self._words) > self.max_words:
                self._words = {}
            words = self._words
        reader = _Frequencies(searcher.reader(), words)
        found = tuple((field, word, weight) for field, text, n in texts
                      for word, weight in _expanded(reader, field, text, n))
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items = {}
            self._items[doc] = found
        return found


def _expanded(reader, field: str, text: str, n: int) -> list[tuple[str, float]]:
    """searcher.key_terms_from_text(field, text, numterms=n), over `reader`."""
    expander = classify.Expander(reader, field, model=classify.Bo1Model)
    expander.add_text(text)
    return expander.expanded_terms(n, normalize=True)
