"""A fresh segment written a batch of documents at a time: the files Whoosh writes, without its per-posting Python.

Whoosh's SegmentWriter analyses each field of each document through per-token
objects, pools every posting as a tuple and, at commit, feeds the postings one
call at a time to its postings writer. Here (a new segment of a build part only;
`imr add` keeps `indexer.index.writing`):

- the text of a batch of documents is analysed at once (`indexer.index.wordtable`:
  each word as written looked up, positions by numpy), a letter's summary once
  for all its items, other fields' terms looked up per value;
- postings go to a columnar pool (`indexer.index.pool`) as arrays;
- at commit each term's blocks are written whole (`indexer.index.blocks`),
  positions encoded by numpy, and the segment's term store (`.hot`) is
  written from the same arrays instead of being read back.

Whoosh's own per-document writer still writes the stored fields, field lengths
and columns, and its field writer the term index, so the files are Whoosh's
(tested against its plain writer).
"""
from __future__ import annotations

from array import array
from pathlib import Path
from typing import Iterable

import numpy as np
from whoosh.writing import SegmentWriter

from indexer.index import blocks
from indexer.index.wordtable import WordTable
from indexer.index.pool import COLUMNS, PostingPool
from indexer.index.stores import termstore
from indexer.index.values.documents import Document
from indexer.index.writing import is_stemming_text

BATCH_DOCS = 512          # documents analysed together
MEMO_VALUES = 50_000      # other fields' analysed values remembered (most repeat: years, facets, dates)


class BatchWriter:
    """Writes one new segment into an empty index: `add` documents, then `commit` (or `cancel`)."""

    def __init__(self, ix, hot_min_df: int | None = None):
        self.writer: SegmentWriter = ix.writer(procs=1)
        if self.writer.segments or self.writer.docnum:
            raise ValueError("a batch writer writes the first segment of an empty index")
        self.schema = self.writer.schema
        self.pool = self.writer.pool = PostingPool(Path(self.writer.temp_storage().folder))
        self.writer._flush_segment = self._flush_segment
        self.words = WordTable()
        self.text = [name for name, field in self.schema.items() if is_stemming_text(field)]
        self._boost = {name: self.schema[name].format.field_boost for name in self.text}
        self._stem_keys = {name: np.full(0, -1, dtype=np.int64) for name in self.text}
        self._memo: dict[tuple[str, object], tuple] = {}
        self._lengths = {name: array("q") for name in self.text}
        self._hot_min_df = termstore.HOT_MIN_DF if hot_min_df is None else hot_min_df
        self._batch: list[Document] = []
        self._hot: termstore.HotWriter | None = None

    def add_documents(self, docs: Iterable[Document]) -> None:
        """Add each document (as `writer.add_document(**doc)` would), in order."""
        for doc in docs:
            self._batch.append(doc)
            if len(self._batch) >= BATCH_DOCS:
                self._flush_batch()
        self._flush_batch()

    def commit(self) -> None:
        """Write the segment, its term store and the table of contents."""
        self._flush_batch()
        self.writer.commit(optimize=True)
        if self._hot is not None:         # after the segment's files are gathered into its .seg
            self._hot.close()
            self._hot = None

    def cancel(self) -> None:
        """Give the segment up."""
        if self._hot is not None:
            self._hot.discard()
            self._hot = None
        if not self.writer.is_closed:
            self.writer.cancel()

    # Documents

    def _flush_batch(self) -> None:
        docs, self._batch = self._batch, []
        if not docs:
            return
        first = self.writer.docnum
        units, unit_of, triples = [], {}, []       # distinct texts; (doc, field, unit)
        for i, doc in enumerate(docs):
            for f, name in enumerate(self.text):
                value = doc.get(name)
                if value is None:
                    continue
                if not isinstance(value, str):
                    raise TypeError(f"{name}: the fast text path takes one string")
                unit = unit_of.get(value)
                if unit is None:
                    unit = unit_of[value] = len(units)
                    units.append(value)
                triples.append((first + i, f, unit))
        text_rows, unit_lengths = self._text_rows(units, triples)
        length_of = {(doc, f): unit_lengths[unit] for doc, f, unit in triples}
        keys, docnums, weights, vids = [], [], [], []
        for i, doc in enumerate(docs):
            self._write_doc(first + i, doc, length_of, keys, docnums, weights, vids)
        other = {"key": keys, "doc": docnums, "weight": weights, "npos": np.zeros(len(keys), dtype=np.int32),
                 "vid": vids}
        self.pool.add({name: np.concatenate((np.asarray(text_rows[0][name], dtype=dtype),
                                             np.asarray(other[name], dtype=dtype)))
                       for name, dtype in COLUMNS}, text_rows[1])

    def _write_doc(self, docnum: int, fields: Document, length_of: dict, keys: list, docnums: list,
                   weights: list, vids: list) -> None:
        """Whoosh's add_document for one document, its text fields' postings already pooled."""
        names = sorted(fields)
        for name in names:
            if name.startswith("_"):
                raise TypeError(f"{name}: boosts and custom stored values are not written here")
            if name not in self.schema:
                raise ValueError(f"No field named {name!r}")
        perdoc = self.writer.perdocwriter
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            if name in self._boost:
                length = length_of[docnum, self.text.index(name)]
                self._lengths[name].append(length)   # per doc: 0 where absent, filled below
            elif field.indexed:
                found = self._index(name, field, value)
                keys += found[0]
                weights += found[1]
                vids += found[2]
                docnums += [docnum] * len(found[0])
                length = found[3]
            else:
                length = 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        for name in self.text:
            if len(self._lengths[name]) == docnum - self.writer.docbase:
                self._lengths[name].append(0)
        perdoc.finish_doc()
        self.writer._added = True
        self.writer.docnum += 1

    def _index(self, name: str, field, value) -> tuple:
        """(keys, weights, value ids, length) of a non-text field's value, remembered."""
        # A unique field's values never repeat (doc_id): not remembered.
        memo_key = (name, value) if isinstance(value, (str, int, bool)) and not field.unique else None
        found = self._memo.get(memo_key) if memo_key is not None else None
        if found is None:
            items = list(field.index(value))
            found = ([self.pool.key(name, t) for t, _, _, _ in items], [float(w) for _, _, w, _ in items],
                     [self.pool.value_id(v or b"") for *_, v in items],
                     sum(freq for _, freq, _, _ in items) if field.scorable else 0)
            if memo_key is not None:
                if len(self._memo) >= MEMO_VALUES:
                    self._memo.clear()
                self._memo[memo_key] = found
        return found

    def _text_rows(self, units: list[str], triples: list[tuple]) -> tuple[tuple[dict, np.ndarray], np.ndarray]:
        """Pool rows (columns, positions) of the batch's text fields, and each unit's length."""
        unit, stem, count, positions = self.words.analyse_many(units)
        lengths = np.bincount(unit, weights=count, minlength=len(units)).astype(np.int64)
        if not triples:
            return ({name: [] for name, _ in COLUMNS}, np.zeros(0, dtype=np.int32)), lengths
        t_doc, t_field, t_unit = (np.asarray(c, dtype=np.int64) for c in zip(*triples))
        ustart = np.searchsorted(unit, np.arange(len(units) + 1))
        n = ustart[t_unit + 1] - ustart[t_unit]                 # rows of each triple
        rows = _ranges(ustart[t_unit], n)
        field = np.repeat(t_field, n)
        pstart = np.cumsum(count) - count
        npos = count[rows]
        boosts = np.asarray([self._boost[name] for name in self.text], dtype=np.float64)
        cols = {"key": self._keys(field, stem[rows]), "doc": np.repeat(t_doc, n),
                "weight": npos * boosts[field], "npos": npos, "vid": np.full(len(rows), -1)}
        return (cols, positions[_ranges(pstart[rows], npos)]), lengths

    def _keys(self, field: np.ndarray, stems: np.ndarray) -> np.ndarray:
        """The pool's key ids of stems of text fields (numbered as first seen)."""
        out = np.empty(len(stems), dtype=np.int64)
        for f, name in enumerate(self.text):
            mask = field == f
            if not mask.any():
                continue
            table = self._stem_keys[name]
            wanted = stems[mask]
            if len(table) < len(self.words.stems):
                table = self._stem_keys[name] = np.concatenate(
                    (table, np.full(len(self.words.stems) - len(table), -1, dtype=np.int64)))
            for s in np.unique(wanted[table[wanted] < 0]).tolist():
                table[s] = self.pool.key(name, self.words.stems[s].encode("utf-8"))
            out[mask] = table[wanted]
        return out

    # Commit

    def _flush_segment(self) -> None:
        """Whoosh's SegmentWriter._flush_segment: the postings, written term by term, and the term store."""
        writer = self.writer
        writer.perdocwriter.close()
        segment = writer.get_segment()
        self._hot = termstore.HotWriter(Path(writer.storage.folder), segment.segment_id(), writer.docnum)
        blocks.write_postings(writer, self.pool, blocks.approx_lengths(self._lengths), self._hot, self._hot_min_df)
        writer.fieldwriter.close()

def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indexes starts[i] .. starts[i] + counts[i] - 1, for each i in turn."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts), counts) + np.arange(total)
