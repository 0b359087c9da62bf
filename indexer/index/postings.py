"""A snapshot's postings and field lengths as numpy arrays, for indexer.search.ranking.

One PostingCache per opened snapshot (segments never change once published).
A term's postings come from each segment's term store (indexer.index.stores.termstore,
mapped, for frequent terms) or else are decoded block by block from Whoosh,
into (docnums int32, weights float32), and are kept in an LRU bounded by total
array bytes; exact-phrase checks also need a term's positions, cached the same
way as sorted int64 keys (docnum << 32 | position). Field lengths (BM25's dl)
are decoded once per field from Whoosh's one-byte length column.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Iterator

import numpy as np

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_MADE_BYTES = 16 * 1024 * 1024    # terms put together from mapped stores, kept for reuse (see `term`)
POSITION_BITS = 32        # position keys: docnum << 32 | position
EMPTY_DOCS = np.zeros(0, dtype=np.int32)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


def _read_blocks(matcher) -> tuple[list, list, list] | None:
    """(ids, weights, values) blocks straight from a whoosh3 W3LeafMatcher; None if not one.

    whoosh3==3.54.0 is pinned exactly, so reading its block data is safe; any
    other matcher (e.g. one filtering deleted documents) takes the public loop.
    """
    if not all(hasattr(matcher, a) for a in ("_read_data", "_next_block", "_byteids")) \
            or matcher._byteids:
        return None
    ids, weights, values = [], [], []
    while matcher.is_active():
        matcher._read_data()
        deltas, wts, vals = matcher._data
        block = np.cumsum(np.asarray(deltas, dtype=np.int64))
        ids.append(block)
        n = len(block)
        if wts is None:
            weights.append(np.ones(n, dtype=np.float32))
        elif isinstance(wts, float):
            weights.append(np.full(n, wts, dtype=np.float32))
        else:
            weights.append(np.asarray(wts, dtype=np.float32))
        values.append(vals)
        matcher._next_block()
    return ids, weights, values


def _read_public(matcher, with_values: bool) -> tuple[list, list, list]:
    """The same three lists through the public Matcher API (slow, always correct)."""
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if with_values:
            values.append(matcher.value())
        matcher.next()
    return ([np.asarray(ids, dtype=np.int64)], [np.asarray(weights, dtype=np.float32)],
            [values] if with_values else [])


def leaf_postings(leaf, field: str, tbytes: bytes,
                  with_values: bool = False) -> tuple[np.ndarray, np.ndarray, list]:
    """(segment-local docnums int64, weights, per-posting value bytes or []) of one term in one leaf."""
    if (field, tbytes) not in leaf:
        return np.zeros(0, dtype=np.int64), EMPTY_WEIGHTS, []
    matcher = leaf.postings(field, tbytes)
    blocks = _read_blocks(matcher)
    if blocks is None:
        blocks = _read_public(leaf.postings(field, tbytes), with_values)
    ids, weights, vals = blocks
    values: list = []
    if with_values:
        for block in vals:
            values += _block_values(block, matcher)
    return np.concatenate(ids), np.concatenate(weights), values


def _concat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return EMPTY_DOCS, EMPTY_WEIGHTS
    if len(parts) == 1:       # one segment's mapped arrays come back as they are: no copy
        return parts[0][0].astype(np.int32, copy=False), parts[0][1]
    return (np.concatenate([d for d, _ in parts]).astype(np.int32, copy=False),
            np.concatenate([w for _, w in parts]))


def read_postings(reader, field: str, tbytes: bytes, stores=None) -> tuple[np.ndarray, np.ndarray]:
    """(docnums int32 ascending, weights float32) of one term over every leaf reader.

    stores: a termstore.Stores; a segment's stored arrays are used when it has the term.
    """
    return _read_postings(reader, field, tbytes, stores)[0]


def _read_postings(reader, field: str, tbytes: bytes, stores=None) -> tuple[tuple[np.ndarray, np.ndarray], bool]:
    """`read_postings`, and whether every part came from a mapped term store (none decoded)."""
    parts, mapped = [], True
    for leaf, offset in reader.leaf_readers():
        found = stores.get(leaf) if stores is not None else None
        found = found.postings(field, tbytes) if found is not None else None
        if found is None:
            docs, weights, _ = leaf_postings(leaf, field, tbytes)
            found, mapped = (docs, weights), mapped and not len(docs)
        if len(found[0]):
            parts.append((found[0] + offset if offset else found[0], found[1]))
    return _concat(parts), mapped


def _leaf_positions(reader, field: str, tbytes: bytes, stores=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(docnums, positions) of one term's occurrences in each leaf with any, docnums global."""
    fmt = reader.schema[field].format
    for leaf, offset in reader.leaf_readers():
        found = stores.get(leaf) if stores is not None else None
        found = found.positions(field, tbytes) if found is not None else None
        if found is None:
            docs, _, values = leaf_postings(leaf, field, tbytes, with_values=True)
            index, pos = decode_positions(fmt, values)
            found = docs[index] if len(docs) else docs, pos
        if len(found[0]):
            yield found[0] + offset, found[1]


def read_position_keys(reader, field: str, tbytes: bytes, stores=None,
                       within: np.ndarray | None = None) -> np.ndarray:
    """docnum << 32 | position of every occurrence of one term (in docs of `within`), ascending."""
    parts = []
    for docs, pos in _leaf_positions(reader, field, tbytes, stores):
        if within is not None:
            keep = within[docs]
            docs, pos = docs[keep], pos[keep]
        keys = docs.astype(np.int64)
        keys <<= POSITION_BITS
        keys |= pos
        parts.append(keys)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _block_values(block: Any, matcher) -> list:
    """A block's values as one bytes object per posting (fixed-size values come joined)."""
    size = matcher.format.fixed_value_size()
    if isinstance(block, bytes) and size:
        return [block[i:i + size] for i in range(0, len(block), size)]
    return list(block)


def _lengths_fast(leaf, field: str) -> np.ndarray | None:
    """Length bytes of a segment's docs from its length column; None if unavailable."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return np.zeros(leaf.doc_count_all(), dtype=np.uint8)
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
    except (AttributeError, ImportError, TypeError):
        return None
    out = np.zeros(leaf.doc_count_all(), dtype=np.uint8)
    out[:len(raw)] = raw[:len(out)]
    return out


def field_lengths(reader, field: str) -> np.ndarray:
    """Per-doc length of `field` as Whoosh's scorer sees it (one-byte approximation)."""
    from whoosh.util.numeric import _length_byte_cache

    table = np.asarray(_length_byte_cache, dtype=np.float64)
    parts = []
    for leaf, _ in reader.leaf_readers():
        codes = _lengths_fast(leaf, field)
        if codes is not None:
            parts.append(table[codes])
        else:
            parts.append(np.array([leaf.doc_field_length(d, field, 0) or 0
                                   for d in range(leaf.doc_count_all())], dtype=np.float64))
    return np.concatenate(parts) if parts else np.zeros(0)


def decode_positions(fmt, values: list) -> tuple[np.ndarray, np.ndarray]:
    """(posting index per position, position) for each posting's encoded positions."""
    counts = np.zeros(len(values), dtype=np.int64)
    flat: list[int] = []
    for i, value in enumerate(values):
        found = fmt.decode_positions(value)
        counts[i] = len(found)
        flat += found
    return np.repeat(np.arange(len(values)), counts), np.asarray(flat, dtype=np.int64)


class PostingCache:
    """LRU of per-term arrays for one snapshot, bounded by their total bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, stores=None, max_made_bytes: int = MAX_MADE_BYTES):
        self.max_bytes, self.max_made_bytes = max_bytes, max_made_bytes
        self.stores = stores        # termstore.Stores of the snapshot, or None
        self.bytes = 0
        self._items: OrderedDict[tuple, tuple] = OrderedDict()
        self._made: OrderedDict[tuple, tuple] = OrderedDict()     # put together from mapped stores
        self._made_bytes = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def _get(self, key: tuple, load: Callable[[], tuple]) -> tuple:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return self._keep(key, load())   # read outside the lock: another thread may read the same term

    def _keep(self, key: tuple, value: tuple, made: bool = False) -> tuple:
        """Keep `value` among the decoded terms (or, `made`, those put together from mapped stores),
        the oldest dropped past that cache's bound."""
        kept, limit, used = (self._made, self.max_made_bytes, "_made_bytes") if made else \
            (self._items, self.max_bytes, "bytes")
        size = sum(a.nbytes for a in value)
        with self._lock:
            if key not in kept and size <= limit:
                kept[key] = value
                setattr(self, used, getattr(self, used) + size)
                while getattr(self, used) > limit:
                    _, old = kept.popitem(last=False)
                    setattr(self, used, getattr(self, used) - sum(a.nbytes for a in old))
        return value

    def term(self, reader, field: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(docnums int32 ascending, weights float32) of one term.

        Terms decoded from Whoosh are kept, bounded by `max_bytes`. A term every segment of which
        has it in its mapped term store is put together from those mappings (one concatenation)
        and kept only among the last few so made (`max_made_bytes`): kept as long as the decoded
        ones, such copies were most of a serving process's private heap at 100k (~30 MB a worker
        after the load mix) where the mappings' pages are shared by all of them
        (docs/performance.md, "Worker memory")."""
        key = ("t", field, tbytes)
        with self._lock:
            for kept in (self._items, self._made):
                if key in kept:
                    kept.move_to_end(key)
                    return kept[key]
        value, mapped = _read_postings(reader, field, tbytes, self.stores)
        return self._keep(key, value, made=mapped)

    def position_keys(self, reader, field: str, tbytes: bytes, firsts: bool = False) -> np.ndarray:
        """docnum << 32 | position of every occurrence of one term, ascending (phrase arithmetic);
        firsts: only in the first document of each letter (`letter_starts`)."""
        within = self.letter_firsts(reader) if firsts else None
        return self._get(("k", field, tbytes, firsts),
                         lambda: (read_position_keys(reader, field, tbytes, self.stores, within),))[0]

    def letter_starts(self, reader) -> np.ndarray:
        """Per docnum, the docnum of its letter's first document (items are indexed in a row,
        numbered from 1; a letter without items has one document, numbered 0)."""
        def load() -> tuple[np.ndarray]:
            firsts = self.letter_firsts(reader)
            docnums = np.arange(len(firsts), dtype=np.int64)
            return (np.maximum.accumulate(np.where(firsts, docnums, 0)),)
        return self._get(("letter_starts",), load)[0]

    def letter_firsts(self, reader) -> np.ndarray:
        """Per docnum, whether it is the first document of its letter."""
        def load() -> tuple[np.ndarray]:
            field = reader.schema["item_no"]
            first = np.zeros(reader.doc_count_all(), dtype=bool)
            for number in (0, 1):
                first[self.term(reader, "item_no", field.to_bytes(number))[0]] = True
            first[:1] = True
            return (first,)
        return self._get(("letter_firsts",), load)[0]

    def lengths(self, reader, field: str) -> np.ndarray:
        """Per-doc field lengths (float64), computed once per snapshot and field."""
        with self._lock:
            found = self._lengths.get(field)
        if found is None:
            found = field_lengths(reader, field)
            with self._lock:
                self._lengths[field] = found
        return found
