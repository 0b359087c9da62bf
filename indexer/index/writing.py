"""Whoosh's segment writer, driven faster: our text analysis, a per-term pool, lengths read once.

Three costs of a Whoosh build are not inherent to the index it writes:
analysing text through per-token objects (`indexer.index.analysis` gives the same
postings without them); sorting every posting as a tuple and, past the
memory limit, pickling postings one by one to run files and merging them
back one by one (at 500k documents a segment this doubled the build);
and, at commit, reading every posting's field length back from disk one
call at a time. All three are replaced here for the duration of a write
only; the files written are the ones Whoosh writes (tested).
"""
from __future__ import annotations

import heapq
import itertools
import os
import pickle
from array import array
from contextlib import contextmanager
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator

from whoosh.fields import Schema
from whoosh.formats import Positions
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from indexer.index.analysis import DomainAnalyzer, Posting, postings
from indexer.index.values.documents import Document

POOL_LIMIT_MB = 1024      # the pool spills to disk past this estimate (one pool per writer process)
MAX_RUNS = 64             # spill files merged into one when there are this many
_POSTING_BYTES = 80       # estimated memory of a pooled posting, besides its position bytes


def _fast_index(field_boost: float, last: list, value, **kwargs) -> list[Posting]:
    if kwargs or not isinstance(value, str):
        raise TypeError("the fast text path takes one string")
    # A letter's summary is indexed in each of its item documents: analyse it once.
    if last and last[0] == value:
        return last[1]
    last[:] = [value, postings(value, field_boost)]
    return last[1]


def is_stemming_text(field) -> bool:
    """A text field `analysis.postings` indexes as Whoosh would (positions, our analyzer, no vectors)."""
    return type(field.format) is Positions and isinstance(field.analyzer, DomainAnalyzer) \
        and not field.vector and not field.separate_spelling()


@contextmanager
def fast_text_index(schema: Schema) -> Iterator[int]:
    """Within the block, the schema's text fields index through `analysis.postings`.

    The override is an attribute on the field objects, removed on exit, so it
    is never pickled into an index's table of contents: commit after the block.
    Yields how many fields take the fast path.
    """
    patched = [f for _, f in schema.items() if is_stemming_text(f)]
    for field in patched:
        field.index = partial(_fast_index, field.format.field_boost, [])
    try:
        yield len(patched)
    finally:
        for field in patched:
            del field.index


class _LengthTable:
    """A segment's per-document reader whose field lengths are read once per field, not per posting."""

    def __init__(self, reader):
        self._reader = reader

    def doc_field_length_reader(self, fieldname: str, default: int = 0):
        get = self._reader.doc_field_length_reader(fieldname, default)
        return [get(d) for d in range(self._reader.doc_count_all())].__getitem__

    def close(self) -> None:
        self._reader.close()


Key = tuple[str, bytes]


class TermPool:
    """Stands in for Whoosh's PostingPool: postings kept per term, in the order they come.

    Postings reach the pool in docnum order (a segment's documents, then any
    merged segments' after them), so each term's list is already sorted: no
    per-posting sort, and a spill writes one record per term, in term order.
    """

    def __init__(self, folder: Path, limit_mb: float | None = None):
        self._folder = folder
        self._limit = (POOL_LIMIT_MB if limit_mb is None else limit_mb) * 1024 * 1024
        self._terms: dict[Key, tuple[array, array, list]] = {}
        self._size = self._serial = 0
        self._runs: list[Path] = []

    def add(self, item: tuple) -> None:
        """One (fieldname, term bytes, docnum, weight, value bytes) posting."""
        field, text, docnum, weight, value = item
        entry = self._terms.get((field, text))
        if entry is None:
            entry = self._terms[field, text] = (array("q"), array("d"), [])
        elif docnum <= entry[0][-1]:
            raise ValueError(f"posting {field}:{text!r} doc {docnum} after doc {entry[0][-1]}: "
                             "the pool needs postings in docnum order")
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value)
        self._size += _POSTING_BYTES + len(value or b"")
        if self._size > self._limit:
            self._spill()

    def _spill(self) -> None:
        self._write_run((key, *self._terms[key]) for key in sorted(self._terms))
        self._terms, self._size = {}, 0
        if len(self._runs) >= MAX_RUNS:     # keep the merge's open files bounded
            runs, self._runs = self._runs, []
            self._write_run(self._merged(runs))
            for path in runs:
                os.remove(path)

    def _write_run(self, entries: Iterable[tuple]) -> None:
        path = self._folder / f"pool-{self._serial}.terms"
        self._serial += 1
        with open(path, "wb") as f:
            for entry in entries:
                pickle.dump(entry, f, pickle.HIGHEST_PROTOCOL)
        self._runs.append(path)

    @staticmethod
    def _read(path: Path) -> Iterator[tuple]:
        with open(path, "rb") as f:
            while True:
                try:
                    yield pickle.load(f)
                except EOFError:
                    return

    def _merged(self, runs: list[Path], memory: Iterable[tuple] = ()) -> Iterator[tuple]:
        """(term, docnums, weights, values) per term, in term order, each run's part joined."""
        # heapq.merge keeps the runs' order for equal terms: earlier runs hold lower docnums.
        merged = heapq.merge(*map(self._read, runs), memory, key=itemgetter(0))
        for key, group in itertools.groupby(merged, key=itemgetter(0)):
            parts = list(group)
            if len(parts) == 1:
                yield parts[0]
            else:
                yield (key, array("q", itertools.chain.from_iterable(p[1] for p in parts)),
                       array("d", itertools.chain.from_iterable(p[2] for p in parts)),
                       [v for p in parts for v in p[3]])

    def iter_postings(self) -> Iterator[tuple]:
        """Every posting, sorted by field, term and docnum, as Whoosh's pool gives them."""
        in_memory = ((key, *self._terms[key]) for key in sorted(self._terms))
        for (field, text), docnums, weights, values in self._merged(self._runs, in_memory):
            for docnum, weight, value in zip(docnums, weights, values):
                yield field, text, docnum, weight, value

    def cleanup(self) -> None:
        """Remove the spill files (Whoosh also removes the folder they are in)."""
        for path in self._runs:
            try:
                os.remove(path)
            except OSError:
                pass
        self._runs, self._terms = [], {}


def open_writer(ix: Index) -> SegmentWriter:
    """ix.writer(procs=1) with our posting pool, and field lengths looked up in memory at commit.

    Whoosh's procs>1 writer can drop documents silently (it waits 1 s for each
    sub-writer's result, then goes on without it): never used here.
    """
    writer = ix.writer(procs=1)
    writer.pool = TermPool(Path(writer.temp_storage().folder))
    opened = writer.per_document_reader
    writer.per_document_reader = lambda: _LengthTable(opened())
    return writer


def add_documents(writer: SegmentWriter, docs: Iterable[Document]) -> None:
    """writer.add_document(**doc) for each document, text analysed by `indexer.index.analysis`."""
    with fast_text_index(writer.schema):
        for doc in docs:
            writer.add_document(**doc)
