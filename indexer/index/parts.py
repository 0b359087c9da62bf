"""A snapshot written in parts: one part per chunk of letters, then the parts assembled into it.

A part is a folder `part-<k>-<random>.tmp` inside the snapshot being built:
a Whoosh index of ONE segment (Whoosh's own files, written by
`indexer.index.batchwriter` with that segment's term store), the chunk's rows of the
letter store, the chunk's facet arrays and its surface-word counts. Whoever writes a part (a forked
process here, a Dask task on another machine over shared storage) loads its
own chunk's records, so nothing holds more than one chunk of documents and
one record at a time. A fresh folder per attempt means a retried task never
writes into a dead one's files; only the parts named by the finished
writers are assembled.

`assemble` then moves the segments and term stores into the snapshot under
ONE table of contents listing the segments in chunk order (so docnums follow
the letters, as the facet arrays need), copies the letter rows,
concatenates the facet arrays and sums the surface-word counts.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Callable, Iterable, Iterator

from indexer.errors import IndexDamaged
from indexer.index.stores import facetdata, files, letterstore, surfacewords
from indexer.index.batchwriter import BatchWriter
from indexer.index.values import concepts
from indexer.index.values.documents import Document, document_count, item_documents
from indexer.index.stores.facetrows import FacetRows
from indexer.index.schema import make_schema
from indexer.record import Record
from indexer.vocabulary import Vocabulary

PREFIX, SUFFIX = "part-", ".tmp"
MOVED = (".seg", files.TERM_STORE_SUFFIX)    # a segment's files (unique random names) and its term store

# letters (records, or references to records) -> the records, in the same order
Loader = Callable[[list[Record]], Iterable[Record]]
# told how many more documents were analysed
Tick = Callable[[int], None]
TICK_DOCS = 1000          # documents between two ticks of a part's progress


def _documents(records: Iterable[Record], rows: letterstore.Appender, facets: FacetRows,
               vocab: Vocabulary, words: surfacewords.WordCounts) -> Iterator[Document]:
    """Each record's documents, its letter row, facet rows and surface words counted on the way."""
    for record in records:
        rows.add(record)
        for doc in item_documents(record, vocab):
            facets.add(doc)      # the stored fields' values, as a read-back would give them
            words.add(doc)
            yield doc


def ticking(docs: Iterable[Document], tick: Tick | None) -> Iterator[Document]:
    """`docs`, telling `tick(n)` of every TICK_DOCS of them and of the rest at the end."""
    if tick is None:
        yield from docs
        return
    n = 0
    for n, doc in enumerate(docs, 1):
        yield doc
        if n % TICK_DOCS == 0:
            tick(TICK_DOCS)
    if n % TICK_DOCS:
        tick(n % TICK_DOCS)


def write_part(snapshot: str, k: int, letters: list[Record], load: Loader | None = None,
               tick: Tick | None = None) -> str:
    """Write chunk `k` as one part of `snapshot`: one segment, its term store, letter rows and
    facet arrays; `load` turns `letters` into records (None: they are records); `tick(n)` is
    told of every TICK_DOCS documents analysed. Returns its name."""
    from whoosh import index

    folder = Path(snapshot) / f"{PREFIX}{k:05d}-{secrets.token_hex(4)}{SUFFIX}"
    folder.mkdir()
    facets, words = FacetRows(), surfacewords.WordCounts()
    with letterstore.Appender(letterstore.path_of(folder), case_index=False) as rows:
        writer = BatchWriter(index.create_in(str(folder), make_schema()))
        try:
            vocab = concepts.load_for(snapshot)     # written into the snapshot before any part
            docs = _documents(load(letters) if load else letters, rows, facets, vocab, words)
            writer.add_documents(ticking(docs, tick))
            writer.commit()                          # the segment and its term store
        except BaseException:
            writer.cancel()
            raise
    want = sum(document_count(letter) for letter in letters)
    if facets.n_docs != want:
        raise IndexDamaged(f"part {k} made {facets.n_docs} documents, its {len(letters)} letters make "
                           f"{want}: not published")
    facetdata.write_arrays(folder, arrays=facets.arrays())
    words.write(folder)
    return folder.name


def discard_parts(snapshot: Path) -> None:
    """Remove every part folder of a snapshot being built (assembled, failed or abandoned)."""
    for folder in Path(snapshot).glob(f"{PREFIX}*{SUFFIX}"):
        _remove(folder)


def _remove(folder: Path) -> None:
    # Not shutil.rmtree: a part holds a few files and at most Whoosh's temporary folder.
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            _remove(path)
        else:
            path.unlink(missing_ok=True)
    folder.rmdir()


def assemble(snapshot: Path, names: list[str]) -> None:
    """The parts `names`, in order, made into the snapshot's Whoosh index, letter store and facet arrays."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    folders = [Path(snapshot) / name for name in names]
    segments, arrays = [], []
    for folder in folders:
        found = TOC.read(FileStorage(str(folder)), "MAIN").segments
        if len(found) != 1:
            raise IndexDamaged(f"{folder.name} holds {len(found)} segments, not one: not published")
        segments += found
        arrays.append(facetdata.read_arrays(folder))
    ids = [s.segment_id() for s in segments]
    if len(set(ids)) != len(ids):        # a TOC must name each segment once
        raise IndexDamaged(f"two parts hold segment {sorted(i for i in ids if ids.count(i) > 1)[0]}: "
                           "not published")
    letterstore.merge(Path(snapshot), [letterstore.path_of(f) for f in folders])
    surfacewords.merge(Path(snapshot), folders)
    facetdata.write_concatenated(snapshot, arrays)
    del arrays
    for folder in folders:
        for path in folder.iterdir():
            if path.suffix in MOVED:
                os.replace(path, Path(snapshot) / path.name)
    TOC(make_schema(), segments, 0).write(FileStorage(str(snapshot)), "MAIN")
    discard_parts(snapshot)
