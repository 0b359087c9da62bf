"""Write one snapshot directory from letter records, then verify it before anyone may publish it.

Files in a snapshot: the Whoosh index (segments in insertion order, so
docnum == insertion order, which the facet arrays rely on), one termstore `.hot`
file per segment (its frequent terms' postings as flat arrays), letters.sqlite (the letter store: the
whole record, summary included, per letter), the facet arrays (facets.*.npy), the hit store (each
document's stored fields by docnum, `indexer.index.stores.hitstore`) and schema_version.

The letters are cut into chunks, each written as one part (`indexer.index.parts`:
a segment, its term store, its letter rows and facet arrays) by a forked
process, or by whatever `run` is given (a Dask cluster); the parent keeps only
the letters it was given (references to cached records in a whole rebuild),
assembles the parts and reads the documents back segment by segment.
"""
from __future__ import annotations

import gc
import os
import multiprocessing as mp
from multiprocessing import connection as mp_connection
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from indexer import orphans
from indexer.index.stores import files, hitstore
from indexer.index import parts
from indexer.index.values.documents import doc_ids, document_count
from indexer.errors import IndexDamaged
from indexer.index.stores.facetrows import FacetRows
from indexer.index.parts import Loader, Tick
from indexer.record import Record
from indexer.index.stores.snapshots import open_whoosh

# Below this many documents process start-up costs more than a second core saves.
PARALLEL_MIN_DOCS = 2000

# (snapshot, chunks, load, tick) -> the chunks' part names, in chunk order; tick(n): n more documents
Runner = Callable[[Path, list[list[Record]], "Loader | None", "Tick | None"], list[str]]
# (documents analysed, documents in all)
Progress = Callable[[int, int], None]


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


def _part_child(conn, snapshot: str, k: int, chunk: list[Record], load: Loader | None, parent: int) -> None:
    # Progress goes up the pipe as ints; the answer (a part's name or an exception) last.
    orphans.die_with_parent(parent)     # a killed rebuild leaves no writer holding its lock
    try:
        conn.send(parts.write_part(snapshot, k, chunk, load, conn.send))
    except BaseException as exc:   # reported to the parent, which raises it
        try:
            conn.send(exc)
        except Exception:          # an exception that does not pickle
            conn.send(RuntimeError(repr(exc)))
    finally:
        conn.close()


def _start(snapshot: Path, k: int, chunk: list[Record], load: Loader | None):
    """A forked child writing part k, and the end of the pipe it answers on."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_part_child, args=(send, str(snapshot), k, chunk, load, os.getpid()),
                        daemon=True)
    gc.freeze()   # keep the child's garbage collector from touching (copying) every parent page
    try:
        child.start()
    finally:
        gc.unfreeze()
    send.close()
    return child, receive


def _answer(child, receive, tick: Tick | None):
    """What a child sent: an int (documents analysed, told to `tick`; None is returned), or its
    last word: its part's name or its exception."""
    try:
        message = receive.recv()
    except EOFError:          # it died before reporting: killed, e.g. by the out-of-memory killer
        child.join()
        message = IndexDamaged(f"an index writer process died (exit code {child.exitcode}): "
                               "not published; if memory ran out, rebuild with fewer --jobs")
    if isinstance(message, int):
        if tick:
            tick(message)
        return None
    child.join()
    receive.close()
    return message


def write_forked(snapshot: Path, chunks: list[list[Record]], load: Loader | None = None,
                 tick: Tick | None = None, jobs: int | None = None) -> list[str]:
    """parts.write_part of each chunk, each in a forked child process, at most `jobs` at once
    (default: all), the next started as one ends; the parts' names, in chunk order.

    Forked children read the parent's letters in place (copy-on-write) rather
    than receiving them pickled, and load and analyse their own records, in parallel.
    """
    if len(chunks) == 1:
        return [parts.write_part(str(snapshot), 0, chunks[0], load, tick)]
    waiting = list(enumerate(chunks))[::-1]
    running: dict = {}           # receiving end -> (k, child)
    answers: dict[int, object] = {}
    try:
        while waiting or running:
            while waiting and len(running) < (jobs or len(chunks)) and not _failed(answers):
                k, chunk = waiting.pop()
                child, receive = _start(snapshot, k, chunk, load)
                running[receive] = (k, child)
            if not running:
                break
            for receive in mp_connection.wait(list(running)):
                k, child = running[receive]
                answer = _answer(child, receive, tick)
                if answer is not None:
                    answers[k] = answer
                    del running[receive]
    finally:
        for receive, (_, child) in running.items():    # only after an interrupt
            child.kill()
            child.join()
            receive.close()
    if _failed(answers):
        raise next(a for _, a in sorted(answers.items()) if isinstance(a, BaseException))
    return [answers[k] for k in range(len(chunks))]


def _failed(answers: dict) -> bool:
    return any(isinstance(a, BaseException) for a in answers.values())


def part_count(documents: int, wanted: int, part_docs: int | None = None) -> int:
    """How many parts `documents` are written as: `wanted` (one per writer), or a multiple of it
    (so no writer is left alone at the end) big enough that none holds over `part_docs`; one
    for a small index."""
    wanted = max(wanted, 1)
    if documents < PARALLEL_MIN_DOCS:
        return 1
    needed = -(-documents // part_docs) if part_docs else 1
    return wanted * -(-needed // wanted)


def write_whoosh(snapshot: Path, letters: list[Record], jobs: int = 1, load: Loader | None = None,
                 run: Runner | None = None, chunks: int | None = None, part_docs: int | None = None,
                 progress: Progress | None = None) -> None:
    """Index the letters' documents in order, with letter store and facet arrays: one segment,
    or `chunks` (default: `jobs`, more when a part would hold over `part_docs` documents)
    segments written by at most `jobs` forked processes at a time, or by `run` (a cluster).

    Segments are listed in chunk order, so docnums follow the letters either
    way (the facet arrays rely on it). Analysis is pure Python, so two processes
    on two cores index about twice as fast as one writer. `progress(done, total)` is told of
    the documents analysed as they are.
    """
    documents = sum(document_count(r) for r in letters)
    n = part_count(documents, chunks or jobs, part_docs)
    try:
        names = (run or partial(write_forked, jobs=jobs))(snapshot, _chunks(letters, n), load,
                                                          counter(progress, documents))
        parts.assemble(snapshot, names)
    finally:
        parts.discard_parts(snapshot)


def counter(progress: Progress | None, total: int) -> Tick | None:
    """A tick(n) adding up the documents done and telling `progress`."""
    if progress is None:
        return None
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done = min(total, done + n)     # a retried cluster part counts again: never past the total
        progress(done, total)
    return tick


def _stored_docs(snapshot: Path) -> Iterable[dict]:
    """Every stored document, segment after segment (one segment's reader open at a time)."""
    with open_whoosh(snapshot).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            for _, stored in leaf.iter_docs():
                yield stored


def verify(snapshot: Path, letters: list[Record], ordered: bool = True,
           facets: FacetRows | None = None, hits: hitstore.Writer | None = None) -> int:
    """Raise IndexDamaged unless the index holds exactly the letters' documents, in letter
    order when `ordered`; the documents' count. Reads the stored documents back segment by
    segment, feeding each to `facets` and (its fields in the schema, as a search reads them)
    to `hits` when given."""
    want = sum(document_count(r) for r in letters)
    with open_whoosh(snapshot).searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() != want or reader.doc_count() != want:
            raise IndexDamaged(f"index holds {reader.doc_count()} documents, records make "
                               f"{want}: not published")
    expected = (doc_id for letter in letters for doc_id in doc_ids(letter))
    got: Counter = Counter()
    schema = open_whoosh(snapshot).schema
    names = frozenset(schema.names())
    for docnum, stored in enumerate(_stored_docs(snapshot)):
        doc_id = stored.get("doc_id")
        if facets is not None:
            facets.add(stored)
        if hits is not None:
            hits.add(stored if stored.keys() <= names else {k: v for k, v in stored.items() if k in schema})
        if not ordered:
            got[doc_id] += 1
            continue
        wanted = next(expected)
        if doc_id != wanted:
            raise IndexDamaged(f"document {docnum} is {doc_id}, expected {wanted}: not published")
    if not ordered:
        want_ids = Counter(expected)
        if got != want_ids:
            missing, extra = want_ids - got, got - want_ids
            raise IndexDamaged(f"index documents differ from the records' ({sum(missing.values())} "
                               f"missing, e.g. {sorted(missing)[:2]}; {sum(extra.values())} unexpected, "
                               f"e.g. {sorted(extra)[:2]}): not published")
    return want


def write_snapshot(snapshot: Path, letters: list[Record], jobs: int = 1, load: Loader | None = None,
                   run: Runner | None = None, chunks: int | None = None, part_docs: int | None = None,
                   progress: Progress | None = None) -> int:
    """Write and verify a complete snapshot in `snapshot`; returns its document count.

    `letters` are records, or references that `load` turns into records (each
    writer loads its own chunk's); `run` writes the parts elsewhere (a cluster).
    """
    write_whoosh(snapshot, letters, jobs, load, run, chunks, part_docs, progress)
    hits = hitstore.Writer(snapshot)
    try:
        documents = verify(snapshot, letters, hits=hits)
    except BaseException:
        hits.abort()
        raise
    hits.close()
    files.stamp_schema(snapshot)
    return documents
