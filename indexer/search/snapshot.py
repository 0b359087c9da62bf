"""One opened snapshot for searching: its Whoosh index, facet arrays, postings cache, the words of
the texts it highlighted, the key terms of the items *similar* was asked about, its domain
vocabulary and surface words (read when a search first needs them) and each thread's searcher and
letter-store connection, closed together by close(), or when the last search holding the snapshot
lets go of it (after a swap), or at interpreter exit. What searching learns (the postings read, the
words of the texts highlighted, the key terms) is kept here, nowhere at module level: it goes with
the snapshot."""
from __future__ import annotations

import pickle
import sqlite3
import struct
import threading
import weakref
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh.reading import MultiReader, ReaderClosed, SegmentReader

from indexer.errors import IndexDamaged
from indexer.index.stores import facetdata, hitstore, letterstore, snapshots, surfacewords, termstore
from indexer.index.postings import PostingCache
from indexer.index.values import concepts
from indexer.search.keyterms import KeyTerms
from indexer.search.query.spelling import Lexicon
from indexer.search.query import forgiveness
from indexer.search.query.understand import DECISIONS, match_value
from indexer.vocabulary import Vocabulary
from indexer.search.show import occurrences

# What decoding a damaged segment or store raises inside Whoosh, numpy or sqlite.
READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, UnicodeDecodeError,
               sqlite3.DatabaseError, windex.IndexError)


def _close_all(handles: list) -> None:
    """Close searchers and store connections (best effort: a damaged file may fail to close)."""
    for handle in list(handles):
        try:
            handle.close()
        except Exception:
            pass
    handles.clear()


def _close_left_open(exc: BaseException) -> None:
    """Close the segment files Whoosh opened before failing to read them (it leaves them open)."""
    tb = exc.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if type(value).__name__ in ("StructFile", "CompoundStorage"):
                try:
                    value.close()
                except Exception:
                    pass
        tb = tb.tb_next


class _Index:
    """A Whoosh index whose searcher() closes every file it opened when a segment cannot be read.

    Whoosh opens the segments one after another and, when one fails, leaves the files of
    the others (and of the failing one) to the garbage collector. whoosh3 is pinned exactly,
    so its table of contents (`_read_toc`) is read here as Whoosh itself does.
    """

    def __init__(self, index: windex.Index):
        self._index = index

    def searcher(self, **kwargs):
        from whoosh.reading import MultiReader, SegmentReader
        from whoosh.searching import Searcher

        info = self._index._read_toc()
        if not info.segments:
            return self._index.searcher(**kwargs)
        readers = []
        try:
            for segment in info.segments:
                readers.append(SegmentReader(self._index.storage, info.schema, segment, generation=info.generation))
        except Exception as exc:
            for reader in readers:
                reader.close()
            _close_left_open(exc)
            raise
        reader = readers[0] if len(readers) == 1 else MultiReader(readers, generation=info.generation)
        return Searcher(reader, fromindex=self._index, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._index, name)


@dataclass(frozen=True)
class Preloaded:
    """A snapshot's read-only tables read by one process for the processes it forks (Snapshot.preload)."""

    path: Path
    vocabulary: Vocabulary
    decision_words: dict[str, str]
    lexicon: Lexicon | None
    postings: PostingCache       # field lengths read; no term store mapped
    facet_bits: dict = field(default_factory=dict)   # facetdata.FacetData.derived(): bitmaps, pair starts


@dataclass
class Snapshot:
    """One opened snapshot: Whoosh index, facet arrays, postings cache, the words of the texts
    highlighted (`vocabulary`), per-thread searcher and store."""

    path: Path
    index: windex.Index
    facets: facetdata.FacetData
    local: threading.local = field(default_factory=threading.local)
    postings: PostingCache | None = None
    opened: list = field(default_factory=list)    # every thread's searcher and store, to close
    seen: occurrences.Vocabulary = field(default_factory=occurrences.Vocabulary)   # highlighted texts' words
    key_terms: KeyTerms = field(default_factory=KeyTerms)     # *similar*'s terms of the items asked about
    broken: bool = False
    store_cache_kib: int = 0      # SQLite page cache of each letter-store connection, KiB (0: SQLite's default)
    _vocabulary: Vocabulary | None = None
    _decision_words: dict[str, str] | None = field(default=None, repr=False)
    _vocabulary_lock: threading.Lock = field(default_factory=threading.Lock)
    _lexicon: Lexicon | None = field(default=None, repr=False)
    _lexicon_read: bool = field(default=False, repr=False)
    _names_lexicon: Lexicon | None = field(default=None, repr=False)
    _lexicon_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _letters: np.ndarray | None = field(default=None, repr=False)
    _stored_names: dict[str, bool] = field(default_factory=dict, repr=False)   # field name -> in the schema
    _in_schema: frozenset[str] = field(default=frozenset(), repr=False)        # the names known to be in it
    _hit_views: bool | None = field(default=None, repr=False)     # the letter store has them, once asked
    hits: hitstore.HitStore | None = field(default=None, repr=False)   # stored fields by docnum (None: Whoosh's)

    def __post_init__(self) -> None:
        if self.postings is None:
            self.postings = PostingCache(stores=termstore.Stores(self.path))
        if self.hits is None:
            self.hits = hitstore.HitStore.open(self.path, self.facets.n_docs)
            if self.hits is not None:
                self.opened.append(self.hits)       # unmapped with the snapshot's other files
        # Holds `opened`, not the snapshot: searches still running on a snapshot replaced by a
        # swap keep it open; the last one to let go closes its files (no leak, no early close).
        self._finalizer = weakref.finalize(self, _close_all, self.opened)

    @classmethod
    def open(cls, path: Path, preloaded: "Preloaded | None" = None,
             highlight_chars: int = occurrences.MAX_TEXT_CHARS, store_cache_kib: int = 0) -> "Snapshot":
        """Open a snapshot directory; IndexDamaged when its files cannot be read. `preloaded`:
        the tables a parent process read from it (`preload`), kept when it is the same snapshot;
        `highlight_chars`: characters of highlighted texts remembered (Settings.highlight_cache_chars);
        `store_cache_kib`: SQLite's page cache of each thread's letter-store connection
        (Settings.letter_store_cache_kib; 0: SQLite's default, 2 MB)."""
        snap = cls._open(path, preloaded)
        snap.seen = occurrences.Vocabulary(max_text_chars=highlight_chars)
        snap.store_cache_kib = store_cache_kib
        return snap

    @classmethod
    def _open(cls, path: Path, preloaded: "Preloaded | None") -> "Snapshot":
        damaged = snapshots.damaged_files(path)
        if damaged:   # checked before mmap-ing: a truncated mapped file would crash the process
            raise IndexDamaged(f"{path}: {'; '.join(damaged[:3])}: run `imr check`, then rebuild "
                               "with `imr index --force` or `imr rollback`")
        try:
            index = _Index(snapshots.open_whoosh(path))
            # Whoosh reads the segment files only when a reader opens: open one now,
            # so a truncated or missing segment is a 503 from the first request on.
            with index.searcher() as probe:
                probe.doc_count()
        except (OSError, EOFError, ValueError, windex.IndexError) as exc:
            _close_left_open(exc)
            raise IndexDamaged(f"{path}: Whoosh index unreadable ({exc}): run `imr check`, "
                               "then rebuild with `imr index`") from exc
        if not letterstore.path_of(path).is_file():
            raise IndexDamaged(f"{letterstore.path_of(path)} is missing: rebuild with `imr index`")
        if preloaded is None or preloaded.path != path:
            return cls(path, index, facetdata.load(path))
        # The postings cache holds no mapped file yet (termstore.Stores maps on first use).
        facets = facetdata.load(path)
        facets.adopt(preloaded.facet_bits)
        snap = cls(path, index, facets, postings=preloaded.postings)
        snap._vocabulary, snap._decision_words = preloaded.vocabulary, preloaded.decision_words
        snap._lexicon, snap._lexicon_read = preloaded.lexicon, True
        return snap

    @property
    def name(self) -> str:
        return self.path.name

    def preload(self) -> "Preloaded":
        """Read now the read-only tables a search would read on first use (vocabulary, decision
        words, surface words, field lengths, the facets' bitmaps) and hand them over: a server's
        master does this before forking its workers, and each worker's `open` of the same snapshot
        keeps them, sharing their pages instead of reading its own copy. Nothing is left open or mapped by
        this (the master must hold no file of a snapshot a swap may delete)."""
        self.decision_words()
        self.lexicon()
        with self.index.searcher() as probe:
            reader = probe.reader()
            for field in reader.schema.scorable_names():
                self.postings.lengths(reader, field)
        return Preloaded(self.path, self.vocabulary, self.decision_words(), self._lexicon, self.postings,
                         self.facets.derived())

    def decision_words(self) -> dict[str, str]:
        """Everyday decision words ('approved', 'denied' ...) -> the Decision facet's value they mean
        (worked out once per snapshot: a search asks for them on every reading)."""
        if self._decision_words is None:
            # the item decisions, and the letter outcome's own value ('partly overturned' -> Partially overturned)
            outcomes = self.facets.values("outcome") if "outcome" in self.facets.columns else ()
            self._decision_words = {w: v for w, v in self.vocabulary.decisions().items()
                                    if v in DECISIONS or v in outcomes}
        return self._decision_words

    @property
    def vocabulary(self) -> Vocabulary:
        """The snapshot's vocabulary (the packaged one plus what its letters taught), read on first use."""
        with self._vocabulary_lock:
            if self._vocabulary is None:
                self._vocabulary = concepts.load_for(self.path)
            return self._vocabulary

    def letter_ordinals(self) -> np.ndarray:
        """Per doc, its letter's ordinal (a letter's documents are consecutive), made on first use
        (8 bytes a doc): every search counts letters with it."""
        letters = self._letters
        if letters is None:
            firsts = self.postings.letter_firsts(self.searcher().reader())
            letters = self._letters = np.cumsum(firsts, dtype=np.int64) - 1
        return letters

    def searcher(self):
        """This thread's Whoosh searcher."""
        if getattr(self.local, "searcher", None) is None:
            self.local.searcher = self.index.searcher()
            self.opened.append(self.local.searcher)
        return self.local.searcher

    def stored_fields(self, doc: int) -> dict:
        """A document's stored fields, as Whoosh's reader gives them: from the hit store when the
        snapshot has one (hitstore), else from its segment's stored column (the reader asks the
        schema about every field of every document it reads; here each name is asked once per
        snapshot)."""
        if self.hits is not None:
            return self.hits.get(doc)
        reader = self.searcher().reader()
        if isinstance(reader, MultiReader):
            segment, doc = reader._segment_and_docnum(doc)
            reader = reader.readers[segment]
        if not isinstance(reader, SegmentReader):
            return reader.stored_fields(doc)
        if reader.is_closed:
            raise ReaderClosed
        stored = reader._perdoc.stored_fields(doc)
        if stored.keys() <= self._in_schema:       # the usual case: nothing to leave out
            return stored
        known = self._stored_names
        for name in stored.keys() - known.keys():
            known[name] = name in reader.schema
            if known[name]:
                self._in_schema = self._in_schema | {name}
        return {name: value for name, value in stored.items() if known[name]}

    def store(self) -> sqlite3.Connection:
        """This thread's read-only connection to the letter store."""
        if getattr(self.local, "store", None) is None:
            self.local.store = letterstore.connect_readonly(self.path, check_same_thread=False)
            if self.store_cache_kib:
                # SQLite's own page cache, per connection (2 MB by default): the file's pages are in
                # the system's cache already, shared by every process.
                self.local.store.execute(f"PRAGMA cache_size=-{int(self.store_cache_kib)}")
            self.opened.append(self.local.store)
        return self.local.store

    def lexicon(self) -> Lexicon | None:
        """The snapshot's surface words for spelling, read on first use; None when it has none."""
        if not self._lexicon_read:
            with self._lexicon_lock:
                if not self._lexicon_read:
                    counts = surfacewords.read(self.path)
                    self._lexicon = Lexicon(counts) if counts is not None else None
                    self._lexicon_read = True
        return self._lexicon

    def names_lexicon(self) -> Lexicon:
        """The words of the vocabulary's names as a lexicon (spelling's fallback), made on first use."""
        if self._names_lexicon is None:
            with self._lexicon_lock:
                if self._names_lexicon is None:
                    self._names_lexicon = forgiveness.names_lexicon(self.vocabulary)
        return self._names_lexicon

    def close(self) -> None:
        """Close every thread's files of this snapshot (it is not used again)."""
        self.broken = True
        self._lexicon = None
        self._finalizer()

    def __enter__(self) -> "Snapshot":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def record(self, letter_id: str) -> dict | None:
        """A letter record from the store, or None."""
        return letterstore.read_one(self.store(), letter_id)

    def export_records(self, letter_ids: list[str]) -> dict[str, dict]:
        """Several letters' outcome and items (what an export row cites), read in one statement."""
        return letterstore.read_export_views(self.store(), letter_ids)

    def hit_view(self, letter_id: str) -> letterstore.HitView:
        """What a hit shows of its letter (letterstore.hit_view), read from the store's compact copy
        (a store written before them: from the record)."""
        store = self.store()
        if self._hit_views is None:
            self._hit_views = letterstore.has_hit_views(store)
        return letterstore.read_hit_view(store, letter_id, self._hit_views)

    def hit_views(self, letter_ids: list[str]) -> dict[str, letterstore.HitView]:
        """hit_view of several letters (a page's), read in one statement."""
        store = self.store()
        if self._hit_views is None:
            self._hit_views = letterstore.has_hit_views(store)
        return letterstore.read_hit_views(store, letter_ids, self._hit_views)

    def resolve(self, facet: str, typed: str) -> str | None:
        """A facet value as stored, from what a user typed (case-insensitive)."""
        return match_value(typed, self.facets.values(facet) if facet in self.facets.columns else ())
