"""Whoosh's segment writer, driven faster: our text analysis, and field lengths read once.

Two costs of a Whoosh build are not inherent to the index it writes:
analysing text through per-token objects (`indexer.analysis` gives the same
postings without them), and, at commit, reading every posting's field length
back from disk one call at a time. Both are replaced here for the duration of
a write only; the files written are the ones Whoosh writes (tested).
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import partial
from typing import Iterable, Iterator

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import Schema
from whoosh.formats import Positions
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from indexer.analysis import Posting, postings
from indexer.documents import Document

WRITER_LIMIT_MB = 256


def _fast_index(field_boost: float, last: list, value, **kwargs) -> list[Posting]:
    if kwargs or not isinstance(value, str):
        raise TypeError("the fast text path takes one string")
    # A letter's summary is indexed in each of its item documents: analyse it once.
    if last and last[0] == value:
        return last[1]
    last[:] = [value, postings(value, field_boost)]
    return last[1]


def _is_stemming_text(field) -> bool:
    return type(field.format) is Positions and field.analyzer == StemmingAnalyzer() \
        and not field.vector and not field.separate_spelling()


@contextmanager
def fast_text_index(schema: Schema) -> Iterator[int]:
    """Within the block, the schema's StemmingAnalyzer text fields index through `analysis.postings`.

    The override is an attribute on the field objects, removed on exit, so it
    is never pickled into an index's table of contents: commit after the block.
    Yields how many fields take the fast path.
    """
    patched = [f for _, f in schema.items() if _is_stemming_text(f)]
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


def open_writer(ix: Index) -> SegmentWriter:
    """ix.writer(procs=1) whose commit looks field lengths up in memory.

    Whoosh's procs>1 writer can drop documents silently (it waits 1 s for each
    sub-writer's result, then goes on without it): never used here.
    """
    writer = ix.writer(procs=1, limitmb=WRITER_LIMIT_MB)
    opened = writer.per_document_reader
    writer.per_document_reader = lambda: _LengthTable(opened())
    return writer


def add_documents(writer: SegmentWriter, docs: Iterable[Document]) -> None:
    """writer.add_document(**doc) for each document, text analysed by `indexer.analysis`."""
    with fast_text_index(writer.schema):
        for doc in docs:
            writer.add_document(**doc)
