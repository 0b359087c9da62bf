"""Write a snapshot as a published one plus new letters (`imr add`), analysing only the new ones.

With additions only, the cost follows the new letters, not the corpus: the base
snapshot's segment files are hard-linked, its letter store copied and given the
new rows, and its facet arrays kept for its segments that Whoosh left alone;
only the documents in new or merged segments are read back and checked. A
replacement or removal merges everything into one segment (deleted documents
would leave holes in the docnums the facet arrays follow), so it is as dear as
a rebuild, and is checked as one.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

from indexer.index import build, parts, writing
from indexer.index.stores import facetdata, files, hitstore, letterstore, surfacewords, termstore
from indexer.index.stores.facetrows import FacetRows
from indexer.index.values import concepts
from indexer.index.values.documents import doc_ids, document_count, item_documents
from indexer.errors import IndexDamaged
from indexer.record import Record
from indexer.index.stores.snapshots import open_whoosh


def _link_whoosh_files(base: Path, snapshot: Path) -> None:
    """Hard-link the base snapshot's Whoosh files (never modified in place) into `snapshot`.

    Only the immutable segment and TOC files are linked: the letter store and
    facet arrays are rewritten, and writing through a link would change the
    published snapshot.
    """
    for path in base.iterdir():
        if path.suffix in (*files.SEGMENT_SUFFIXES, files.TERM_STORE_SUFFIX):
            try:
                os.link(path, snapshot / path.name)
            except OSError:
                shutil.copy2(path, snapshot / path.name)   # e.g. another filesystem


def _stored(leaf) -> list[dict]:
    return [stored for _, stored in leaf.iter_docs()]


def _added_facets(snapshot: Path, base: Path, new: list[Record], hits: list) -> dict:
    """Facet arrays of `snapshot` (base + `new`, additions only), reading only what changed;
    `hits` is filled with where each segment's stored fields come from, in docnum order
    ((first, end) docs of the base, or the new segment's stored documents: `_write_hits`).

    Raises IndexDamaged unless the new and merged segments hold exactly the new
    letters' documents plus those of the base segments merged into them.
    """
    with open_whoosh(base).reader() as old, open_whoosh(snapshot).reader() as now:
        before = {termstore.segment_id(leaf): (leaf, offset) for leaf, offset in old.leaf_readers()}
        base_arrays = facetdata.read_arrays(base)
        kept, parts, got = set(), [], []
        for leaf, _ in now.leaf_readers():
            segid = termstore.segment_id(leaf)
            if segid in before and not leaf.has_deletions():
                offset = before[segid][1]
                parts.append(facetdata.slice_arrays(base_arrays, offset, offset + leaf.doc_count_all()))
                hits.append((offset, offset + leaf.doc_count_all()))
                kept.add(segid)
            else:
                rows = _stored(leaf)
                got += [row.get("doc_id") for row in rows]
                parts.append(facetdata.arrays_for(rows))
                hits.append([{k: v for k, v in row.items() if k in leaf.schema} for row in rows])
        want = [row.get("doc_id") for segid, (leaf, _) in before.items() if segid not in kept
                for row in _stored(leaf)]
    want += [doc_id for record in new for doc_id in doc_ids(record)]
    if Counter(got) != Counter(want):
        missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
        raise IndexDamaged(f"the added segments differ from the letters' documents "
                           f"({sum(missing.values())} missing, e.g. {sorted(missing)[:2]}; "
                           f"{sum(extra.values())} unexpected, e.g. {sorted(extra)[:2]}): not published")
    return facetdata.concat_arrays(parts)


def _write_hits(snapshot: Path, base: Path, pieces: list) -> None:
    """The snapshot's hit store from the base's (its kept segments' bytes) and the new segments'
    stored documents; none when the base has none (its documents would all be read again)."""
    with open_whoosh(base).reader() as old:
        store = hitstore.HitStore.open(base, old.doc_count_all())
    if store is None:
        return
    writer = hitstore.Writer(snapshot)
    try:
        for piece in pieces:
            if isinstance(piece, tuple):
                writer.copy(store, *piece)
            else:
                for stored in piece:
                    writer.add(stored)
    except BaseException:
        writer.abort()
        raise
    finally:
        store.close()
    writer.close()


def _surface_words(snapshot: Path, base: Path, removed: set[str], new: list[Record]) -> None:
    """The snapshot's surface words: the base's, less the removed letters' documents, plus the new
    ones'; counted afresh from every letter of the snapshot's store when the base has none (an older
    snapshot). Documents are made again from the letters' records: a summary is stored in no document."""
    counts = surfacewords.read(base)
    if counts is None:
        words = surfacewords.WordCounts()
        for record in letterstore.read_all(snapshot):
            for doc in item_documents(record):
                words.add(doc)
        words.write(snapshot)
        return
    words = surfacewords.WordCounts(counts)
    con = letterstore.connect_readonly(base)
    try:
        for letter_id in sorted(removed):
            record = letterstore.read_one(con, letter_id)
            for doc in item_documents(record) if record else ():
                words.remove(doc)
    finally:
        con.close()
    for record in new:
        for doc in item_documents(record):
            words.add(doc)
    words.write(snapshot)


def extend_snapshot(snapshot: Path, base: Path, records: list[Record], removed: set[str],
                    new: list[Record], progress: build.Progress | None = None) -> int:
    """Write `snapshot` as `base` minus letters `removed` plus `new` (final letters: `records`,
    whole or as references); returns its document count. `progress(done, total)`: the new
    letters' documents analysed."""
    _link_whoosh_files(base, snapshot)
    writer = writing.open_writer(open_whoosh(snapshot))
    try:
        for letter_id in removed:
            writer.delete_by_term("letter_id", letter_id)
        vocab = concepts.load_for(snapshot)
        docs = (d for record in new for d in item_documents(record, vocab))
        writing.add_documents(writer, parts.ticking(docs, build.counter(progress, sum(map(document_count, new)))))
    except BaseException:
        writer.cancel()
        raise
    # Pure additions keep the big segments (Whoosh merges only small ones).
    writer.commit(optimize=bool(removed))
    termstore.write_all(snapshot)     # only the new or merged segments lack one
    letterstore.write_changed(base, snapshot, removed, new)
    _surface_words(snapshot, base, removed, new)
    documents = sum(document_count(r) for r in records)
    if removed:
        rows, hits = FacetRows(), hitstore.Writer(snapshot)
        try:
            build.verify(snapshot, records, ordered=False, facets=rows, hits=hits)
        except BaseException:
            hits.abort()
            raise
        hits.close()
        arrays = rows.arrays()
    else:
        pieces: list = []
        arrays = _added_facets(snapshot, base, new, pieces)
        _write_hits(snapshot, base, pieces)
    if int(arrays["n_docs"][0]) != documents:
        raise IndexDamaged(f"index holds {int(arrays['n_docs'][0])} documents, records make "
                           f"{documents}: not published")
    facetdata.write_arrays(snapshot, arrays=arrays)
    files.stamp_schema(snapshot)
    return documents
