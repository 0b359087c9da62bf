"""Write one snapshot directory from letter records, then verify it before anyone may publish it.

Files in a snapshot: the Whoosh index (one segment, so docnum == insertion
order, which facets.npz relies on), letters.sqlite (the letter store: the
whole record, summary included, per letter), facets.npz and schema_version.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

from indexer.documents import Document, document_count, item_documents
from indexer.errors import IndexDamaged
from indexer.record import Record
from indexer.schema import SCHEMA_VERSION, make_schema
from indexer.snapshots import SCHEMA_FILE

LETTER_STORE = "letters.sqlite"
WRITER_LIMIT_MB = 256


def write_whoosh(snapshot: Path, docs: list[Document]) -> None:
    """All documents through ONE writer, committed as a single segment."""
    from whoosh import index

    ix = index.create_in(str(snapshot), make_schema())
    # procs>1 writers have been seen to drop documents silently; one writer and
    # the count check in `verify` guard against that.
    writer = ix.writer(procs=1, limitmb=WRITER_LIMIT_MB)
    try:
        for doc in docs:
            writer.add_document(**doc)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)


def write_letter_store(snapshot: Path, records: list[Record]) -> None:
    """letters.sqlite: one row per letter with its whole record as JSON."""
    con = sqlite3.connect(snapshot / LETTER_STORE)
    try:
        with con:
            con.execute("CREATE TABLE letters (id TEXT PRIMARY KEY, case_number TEXT,"
                        " content_hash TEXT, source TEXT, record JSON)")
            con.execute("CREATE INDEX letters_case ON letters(case_number)")
            con.executemany(
                "INSERT INTO letters VALUES (?, ?, ?, ?, ?)",
                ((r["id"], r.get("case_number"), r.get("content_hash"), r.get("source"),
                  json.dumps(r, ensure_ascii=False)) for r in records))
    finally:
        con.close()


def read_letter_store(snapshot: Path) -> list[Record]:
    """Every record in a snapshot's letter store, in insertion order."""
    con = sqlite3.connect(f"file:{snapshot / LETTER_STORE}?mode=ro", uri=True)
    try:
        return [json.loads(row[0]) for row in con.execute("SELECT record FROM letters ORDER BY rowid")]
    finally:
        con.close()


def write_facets(snapshot: Path, docs: list[Document]) -> bool:
    """facets.npz via indexer.facetdata (owned elsewhere); False when that module is absent."""
    try:
        from indexer.facetdata import write_arrays
    except ImportError:
        return False
    write_arrays(snapshot, docs)
    return True


def verify(snapshot: Path, records: list[Record], docs: list[Document]) -> None:
    """Raise IndexDamaged unless the index holds exactly the documents the records make, in order."""
    from whoosh import index

    ix = index.open_dir(str(snapshot))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() != len(docs) or reader.doc_count() != len(docs):
            raise IndexDamaged(f"index holds {reader.doc_count()} documents, records make "
                               f"{len(docs)}: not published")
        per_letter: Counter[str] = Counter()
        for docnum, stored in reader.iter_docs():
            if stored.get("doc_id") != docs[docnum]["doc_id"]:
                raise IndexDamaged(f"document {docnum} is {stored.get('doc_id')}, expected "
                                   f"{docs[docnum]['doc_id']}: not published")
            per_letter[stored["letter_id"]] += 1
    for record in records:
        if per_letter[record["id"]] != document_count(record):
            raise IndexDamaged(f"letter {record['id']} has {per_letter[record['id']]} documents, "
                               f"expected {document_count(record)}: not published")


def write_snapshot(snapshot: Path, records: list[Record]) -> int:
    """Write and verify a complete snapshot in `snapshot`; returns its document count."""
    docs = [doc for record in records for doc in item_documents(record)]
    write_whoosh(snapshot, docs)
    write_letter_store(snapshot, records)
    write_facets(snapshot, docs)
    (snapshot / SCHEMA_FILE).write_text(f"{SCHEMA_VERSION}\n")
    verify(snapshot, records, docs)
    return len(docs)


def _link_whoosh_files(base: Path, snapshot: Path) -> None:
    """Hard-link the base snapshot's Whoosh files (never modified in place) into `snapshot`.

    Only the immutable segment and TOC files are linked: the letter store and
    facet arrays are rewritten, and writing through a link would change the
    published snapshot.
    """
    for path in base.iterdir():
        if path.suffix in (".seg", ".toc"):
            try:
                os.link(path, snapshot / path.name)
            except OSError:
                shutil.copy2(path, snapshot / path.name)   # e.g. another filesystem


def _docs_in_index_order(snapshot: Path, docs: list[Document]) -> list[Document]:
    from whoosh import index

    by_id = {d["doc_id"]: d for d in docs}
    with index.open_dir(str(snapshot)).reader() as reader:
        order = [stored["doc_id"] for _, stored in reader.iter_docs()]
    if sorted(order) != sorted(by_id):
        raise IndexDamaged(f"index holds {len(order)} documents, records make {len(docs)}: not published")
    return [by_id[doc_id] for doc_id in order]


def extend_snapshot(snapshot: Path, base: Path, records: list[Record], removed: set[str],
                    new: list[Record]) -> int:
    """Write `snapshot` as `base` minus letters `removed` plus `new` (final letters: `records`).

    Only the new letters are analysed. With only additions the old segments are
    kept as they are; a replacement or deletion merges everything into one segment
    (Whoosh's merge costs about as much as indexing afresh).
    """
    from whoosh import index

    _link_whoosh_files(base, snapshot)
    writer = index.open_dir(str(snapshot)).writer(procs=1, limitmb=WRITER_LIMIT_MB)
    try:
        for letter_id in removed:
            writer.delete_by_term("letter_id", letter_id)
        for doc in (d for record in new for d in item_documents(record)):
            writer.add_document(**doc)
    except BaseException:
        writer.cancel()
        raise
    # Deleted documents leave holes in docnums, which the facet arrays cannot
    # have: merge everything then. Pure additions only merge small segments.
    # Either way the docnum order is read back below.
    writer.commit(optimize=bool(removed))
    docs = _docs_in_index_order(snapshot, [d for r in records for d in item_documents(r)])
    write_letter_store(snapshot, records)
    write_facets(snapshot, docs)
    (snapshot / SCHEMA_FILE).write_text(f"{SCHEMA_VERSION}\n")
    verify(snapshot, records, docs)
    return len(docs)
