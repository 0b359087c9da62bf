"""Write one snapshot directory from letter records, then verify it before anyone may publish it.

Files in a snapshot: the Whoosh index (segments in insertion order, so
docnum == insertion order, which the facet arrays rely on), one termstore `.hot`
file per segment (its frequent terms' postings as flat arrays), letters.sqlite (the letter store: the
whole record, summary included, per letter), the facet arrays (facets.*.npy) and schema_version.
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import shutil
from collections import Counter
from pathlib import Path

from indexer.index import facetdata, files, letterstore, termstore, writing
from indexer.index.documents import doc_ids, document_count, item_documents
from indexer.errors import IndexDamaged
from indexer.record import Record
from indexer.index.schema import make_schema
from indexer.index.snapshots import open_whoosh

# Below this many documents process start-up costs more than a second core saves.
PARALLEL_MIN_DOCS = 2000


def _write_segment(folder: str, records: list[Record]) -> None:
    """One Whoosh index holding the records' documents through ONE writer, as a single segment."""
    from whoosh import index

    writer = writing.open_writer(index.create_in(folder, make_schema()))
    try:
        writing.add_documents(writer, (d for record in records for d in item_documents(record)))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    termstore.write_all(Path(folder))


def _chunks(records: list[Record], n: int) -> list[list[Record]]:
    """`records` cut in order into at most n runs of about equal document counts."""
    size = -(-sum(document_count(r) for r in records) // n)
    chunks, start, docs = [], 0, 0
    for i, record in enumerate(records):
        docs += document_count(record)
        if docs >= size * (len(chunks) + 1) and len(chunks) < n - 1:
            chunks.append(records[start:i + 1])
            start = i + 1
    chunks.append(records[start:])
    return [c for c in chunks if c]


def _segment_child(conn, folder: str, records: list[Record]) -> None:
    try:
        _write_segment(folder, records)
        conn.send(None)
    except BaseException as exc:   # reported to the parent, which raises it
        try:
            conn.send(exc)
        except Exception:          # an exception that does not pickle
            conn.send(RuntimeError(repr(exc)))
    finally:
        conn.close()


def _write_forked(parts: list[Path], chunks: list[list[Record]]) -> None:
    """_write_segment(part, chunk) for each pair, each in a forked child process.

    Forked children read the parent's records in place (copy-on-write) rather
    than receiving them pickled (at a million documents a pickled chunk alone
    is gigabytes, held in both processes), and make their documents
    themselves, in parallel.
    """
    ctx = mp.get_context("fork")
    gc.freeze()   # keep the children's garbage collector from touching (copying) every parent page
    running = []
    try:
        for part, chunk in zip(parts, chunks):
            receive, send = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_segment_child, args=(send, str(part), chunk), daemon=True)
            child.start()
            send.close()
            running.append((child, receive))
    finally:
        gc.unfreeze()
    errors: list[BaseException] = []
    for child, receive in running:
        try:
            error = receive.recv()
        except EOFError:          # it died before reporting: killed, e.g. by the out-of-memory killer
            child.join()
            error = IndexDamaged(f"an index writer process died (exit code {child.exitcode}): "
                                 "not published; if memory ran out, rebuild with fewer --jobs")
        child.join()
        receive.close()
        if error is not None:
            errors.append(error)
    if errors:
        raise errors[0]


def write_whoosh(snapshot: Path, records: list[Record], jobs: int = 1) -> None:
    """Index the records' documents in order: one segment, or with jobs>1 one per process.

    Segments are listed in chunk order, so docnums follow the records either
    way (the facet arrays rely on it). Analysis is pure Python, so two processes
    on two cores index about twice as fast as one writer.
    """
    if jobs <= 1 or sum(document_count(r) for r in records) < PARALLEL_MIN_DOCS:
        _write_segment(str(snapshot), records)
        return
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    chunks = _chunks(records, jobs)
    parts = [snapshot / f"part-{k}.tmp" for k in range(len(chunks))]
    for part in parts:
        part.mkdir()
    _write_forked(parts, chunks)
    segments = []
    for part in parts:
        segments += TOC.read(FileStorage(str(part)), "MAIN").segments
        for path in part.iterdir():
            if path.suffix in (".seg", files.TERM_STORE_SUFFIX):   # segment files have unique random names
                os.replace(path, snapshot / path.name)
        shutil.rmtree(part)
    TOC(make_schema(), segments, 0).write(FileStorage(str(snapshot)), "MAIN")


def verify(snapshot: Path, records: list[Record], ordered: bool = True) -> list[dict]:
    """Raise IndexDamaged unless the index holds exactly the records' documents, in record
    order when `ordered`; returns each document's facet fields (stored), in docnum order."""

    want = [doc_id for record in records for doc_id in doc_ids(record)]
    got, rows = [], []
    with open_whoosh(snapshot).searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() != len(want) or reader.doc_count() != len(want):
            raise IndexDamaged(f"index holds {reader.doc_count()} documents, records make "
                               f"{len(want)}: not published")
        for _, stored in reader.iter_docs():
            got.append(stored.get("doc_id"))
            rows.append({f: stored.get(f) for f in facetdata.FIELDS})
    if ordered:
        for docnum, (doc_id, expected) in enumerate(zip(got, want)):
            if doc_id != expected:
                raise IndexDamaged(f"document {docnum} is {doc_id}, expected {expected}: not published")
    elif Counter(got) != Counter(want):
        missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
        raise IndexDamaged(f"index documents differ from the records' ({sum(missing.values())} "
                           f"missing, e.g. {sorted(missing)[:2]}; {sum(extra.values())} unexpected, "
                           f"e.g. {sorted(extra)[:2]}): not published")
    return rows


def write_snapshot(snapshot: Path, records: list[Record], jobs: int = 1) -> int:
    """Write and verify a complete snapshot in `snapshot`; returns its document count."""
    write_whoosh(snapshot, records, jobs)
    letterstore.write(snapshot, records)
    # Facets come from the stored fields read back by verify: the parent never
    # holds the documents (the writers make them) and `add` never remakes old ones.
    facetdata.write_arrays(snapshot, verify(snapshot, records))
    files.stamp_schema(snapshot)
    return sum(document_count(r) for r in records)
