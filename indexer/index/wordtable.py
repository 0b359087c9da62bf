"""`analysis.positions` for a build's writer, many texts at once: each word as written analysed once, then looked up.

A surface word (a WORD match, as written) always gives the same stems at the
same offsets from the position before it, whatever surrounds it; so a batch of
texts is their regex matches looked up in a dict (C speed for words seen
before) and the positions are numpy arithmetic. `encode_many` gives Whoosh's
position bytes (`analysis._encode`) of many postings at once.
"""
from __future__ import annotations

from array import array
from itertools import chain

import numpy as np

from indexer.index.analysis import WORD, _encode, words

EMPTY = np.zeros(0, dtype=np.int64)


class WordTable:
    """The surface words a writer has seen, each with its stems and their offsets.

    Stems get ids in the order first seen (`stems[i]` is stem id i). Owned by
    one writer: it grows with the vocabulary of the letters it writes, nothing else.
    """

    def __init__(self):
        self.stems: list[str] = []
        self._stem_ids: dict[str, int] = {}
        self._surface: dict[str, int] = {}
        self._lookup = self._surface.get
        # Per surface word: positions it takes, and its entries (stem id, offset) as a CSR slice.
        self._consume, self._first, self._count = array("q"), array("q"), array("q")
        self._entry_stem, self._entry_offset = array("q"), array("q")
        self._arrays: tuple | None = None

    def _id(self, word: str) -> int:
        found = self._lookup(word)
        return found if found is not None else self._add(word)

    def _add(self, word: str) -> int:
        if [m.group() for m in WORD.finditer(word)] != [word]:
            raise ValueError(f"not one word: {word!r}")
        found = list(words(word))
        self._arrays = None         # numpy views of the tables: an array exporting its buffer cannot grow
        self._first.append(len(self._entry_stem))
        self._count.append(len(found))
        self._consume.append(max(pos for *_, pos in found) + 1 if found else 0)
        for _, _, stem, pos in found:
            sid = self._stem_ids.get(stem)
            if sid is None:
                sid = self._stem_ids[stem] = len(self.stems)
                self.stems.append(stem)
            self._entry_stem.append(sid)
            self._entry_offset.append(pos)
        sid = self._surface[word] = len(self._count) - 1
        return sid

    def _tables(self) -> tuple:
        if self._arrays is None:
            self._arrays = tuple(np.frombuffer(a, dtype=np.int64) for a in
                                 (self._consume, self._first, self._count, self._entry_stem, self._entry_offset))
        return self._arrays

    def analyse_many(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every text's stems at once: (text index, stem id, frequency) per (text, stem), sorted by
        text then stem id, and the positions (ascending per row) of the rows in turn; per text the
        same as `positions(text)`."""
        found = [WORD.findall(text) for text in texts]
        flat = list(chain.from_iterable(found))
        ids = list(map(self._lookup, flat))
        if None in ids:
            ids = [i if i is not None else self._id(w) for i, w in zip(ids, flat)]
        consume, first, count, entry_stem, entry_offset = self._tables()
        surf = np.array(ids, dtype=np.int64)
        text = np.repeat(np.arange(len(texts)), [len(f) for f in found])
        take = consume[surf]
        taken = np.cumsum(take) - take                       # positions taken before each word ...
        starts = np.searchsorted(text, np.arange(len(texts)))
        base = taken - np.append(taken, 0)[starts][text]     # ... in its own text
        n = count[surf]
        total = int(n.sum())
        if total == 0:
            return EMPTY, EMPTY, EMPTY, EMPTY
        word = np.repeat(np.arange(len(surf)), n)            # the word of each entry
        entry = first[surf][word] + (np.arange(total) - (np.cumsum(n) - n)[word])
        stem, pos = entry_stem[entry], base[word] + entry_offset[entry]
        key = text[word] * (len(self.stems) + 1) + stem
        order = np.argsort(key, kind="stable")              # text order kept within a stem
        key, pos = key[order], pos[order]
        row = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        counts = np.diff(np.append(row, total))
        return key[row] // (len(self.stems) + 1), key[row] % (len(self.stems) + 1), counts, pos


_PICKLE_HEAD = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)
_BATCH = 1000       # pickle writes a list's items in batches of this many


def encode_many(counts: np.ndarray, positions: np.ndarray) -> list[bytes]:
    """`_encode` of many position lists at once (numpy; the same bytes): `counts[i]` positions
    each, `positions` their concatenation."""
    counts = np.asarray(counts, dtype=np.int64)
    n = len(counts)
    if n == 0:
        return []
    positions = np.asarray(positions, dtype=np.int64)
    first = np.cumsum(counts) - counts
    deltas = positions.copy()
    deltas[1:] -= positions[:-1]
    deltas[first] = positions[first]
    size = np.where(deltas < 256, 2, np.where(deltas < 65536, 3, 5))
    size_cum = np.cumsum(size)
    items = np.add.reduceat(size, first)
    multi = (counts > 1).astype(np.int64)
    ends = np.cumsum(11 + multi + items)
    starts = ends - (11 + multi + items)
    out = np.zeros(int(ends[-1]), dtype=np.uint8)
    for k in range(4):                                   # pack_uint: big-endian count
        out[starts + k] = (counts >> (8 * (3 - k))) & 255
    out[starts[:, None] + np.arange(4, 9)] = _PICKLE_HEAD
    out[starts[multi == 1] + 9] = 0x28                   # MARK
    item_at = np.repeat(starts + 9 + multi - (size_cum[first] - size[first]), counts) + (size_cum - size)
    out[item_at] = np.where(size == 2, 0x4B, np.where(size == 3, 0x4D, 0x4A))   # BININT1/2/BININT
    out[item_at + 1] = deltas & 255
    wide = size >= 3
    out[item_at[wide] + 2] = (deltas[wide] >> 8) & 255
    wider = size == 5
    out[item_at[wider] + 3] = (deltas[wider] >> 16) & 255
    out[item_at[wider] + 4] = (deltas[wider] >> 24) & 255
    out[ends - 2] = np.where(multi == 1, 0x65, 0x61)     # APPENDS / APPEND
    out[ends - 1] = 0x2E                                  # STOP
    blob = out.tobytes()
    values = [blob[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    for i in np.flatnonzero(counts > _BATCH).tolist():    # pickle batches long lists: its own bytes
        values[i] = _encode(positions[first[i]:first[i] + counts[i]].tolist())
    return values
