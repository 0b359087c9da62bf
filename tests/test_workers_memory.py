"""What worker processes share: the tables a master preloads (kept by a worker's Searcher when it opens
the same snapshot, dropped for a newer one, nothing left open by the preload), and the idle trim."""
from __future__ import annotations

import os
from collections import deque

import numpy as np
from types import SimpleNamespace

from indexer.index.stores.facetdata import JOINT
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.search.snapshot import Snapshot
from webapp.serving.server import Trimmer, limit_malloc_arenas, trim_malloc
from webapp.state import AppState


def test_a_preload_leaves_nothing_open_and_a_searcher_keeps_its_tables(built_index):
    def held() -> set[tuple[str, str]]:
        out = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                out.add((fd, os.readlink(f"/proc/self/fd/{fd}")))
            except OSError:
                pass
        return out

    state = AppState(built_index)
    before = held()         # other tests of this process may hold the session index open
    assert state.preload()
    preloaded = state._preloaded
    assert not [f for _, f in held() - before if f.startswith(str(preloaded.path))]     # read, then closed
    assert state._searcher is None
    searcher = state.searcher()
    try:
        snap = searcher.current()
        assert snap.path == preloaded.path
        assert snap.vocabulary is preloaded.vocabulary and snap.postings is preloaded.postings
        assert snap.lexicon() is preloaded.lexicon and snap.decision_words() is preloaded.decision_words
        for name, (bits, starts) in preloaded.facet_bits.items():    # the master's bitmaps, not the worker's
            if name == JOINT:       # the joint keys, not a column's
                assert snap.facets.joint is bits
                continue
            column = snap.facets.columns[name]
            assert column.bits is bits and (not column.multi or column.pair_starts is starts)
        assert searcher.search(SearchRequest(q="knee")).total > 0       # and it searches
    finally:
        searcher.close()


def test_a_preload_is_not_kept_for_another_snapshot(built_index, tmp_path):
    with Searcher(built_index) as searcher:
        preloaded = searcher.preload()
    other = Snapshot.open(preloaded.path)      # same path: tables read afresh without `preloaded`
    try:
        assert other.vocabulary is not preloaded.vocabulary
    finally:
        other.close()
    moved = SimpleNamespace(**{**preloaded.__dict__, "path": tmp_path})
    snap = Snapshot.open(preloaded.path, moved)     # a preload of another snapshot: ignored
    try:
        assert snap.postings is not preloaded.postings
    finally:
        snap.close()


def test_the_trimmer_runs_only_when_idle_and_due():
    dispatcher = SimpleNamespace(active_count=1, queue=deque())
    trimmer = Trimmer(dispatcher, every=0.0)
    calls = []
    trimmer._trim = lambda pad: calls.append(pad)
    trimmer.tick()
    assert calls == []                      # a request running
    dispatcher.active_count, dispatcher.queue = 0, deque(["task"])
    trimmer.tick()
    assert calls == []                      # one waiting
    dispatcher.queue.clear()
    trimmer.tick()
    assert calls == [0]
    trimmer.every = 3600.0
    trimmer.tick()
    assert calls == [0]                     # not due again yet


def test_malloc_arenas_can_be_limited():
    assert limit_malloc_arenas(8) in (True, False)     # False off glibc; never raises


def test_the_highlighted_texts_a_process_remembers_are_bounded_by_the_setting(built_index):
    with Searcher(built_index.with_(highlight_cache_chars=5_000)) as searcher:
        snap = searcher.current()
        assert snap.seen.max_text_chars == 5_000
        for q in ("knee", "physical therapy", "lumbar", "MRI", "acupuncture"):
            searcher.search(SearchRequest(q=q))
        assert 0 < snap.seen._text_chars <= 5_000


def test_the_master_trims_what_preloading_freed():
    assert trim_malloc() in (True, False)       # False off glibc; never raises


def test_terms_made_from_mapped_stores_are_kept_only_within_their_own_small_bound(built_index):
    from indexer.index.postings import PostingCache

    class Mapped:       # a term store holding every term: [0, 2, 5] in each segment
        def postings(self, field, tbytes):
            return np.array([0, 2, 5], dtype=np.int32), np.ones(3, dtype=np.float32)

    with Searcher(built_index) as searcher:
        reader = searcher.current().searcher().reader()
        cache = PostingCache(stores=SimpleNamespace(get=lambda leaf: Mapped()), max_made_bytes=1)
        docs, weights = cache.term(reader, "rationale", b"knee")
        offsets = [offset for _, offset in reader.leaf_readers()]
        assert docs.tolist() == [offset + d for offset in offsets for d in (0, 2, 5)]
        assert docs.dtype == np.int32 and len(weights) == len(docs)
        assert not cache._items and not cache._made              # too big for its bound: not kept
        cache.max_made_bytes = 1 << 20
        cache.term(reader, "rationale", b"knee")
        assert not cache._items and list(cache._made) == [("t", "rationale", b"knee")]


def test_each_letter_store_connection_keeps_the_page_cache_the_setting_gives(built_index):
    with Searcher(built_index.with_(letter_store_cache_kib=128)) as searcher:
        assert searcher.current().store().execute("PRAGMA cache_size").fetchone()[0] == -128
    with Searcher(built_index.with_(letter_store_cache_kib=0)) as searcher:     # SQLite's own default
        assert searcher.current().store().execute("PRAGMA cache_size").fetchone()[0] == -2000


def test_page_origins_tell_shared_copied_and_own_pages_apart():
    from scripts.load_memory import page_origins

    pid = os.fork()
    if pid == 0:                    # a child that only waits: every page still the parent's
        import time
        time.sleep(30)
        os._exit(0)
    try:
        import time
        time.sleep(0.2)
        origins = page_origins(os.getpid(), [pid])
        child = origins[f"worker {pid}"]
        assert set(origins) == {f"worker {pid}", f"master {os.getpid()}"}
        assert all(k.split()[1] in ("shared", "copied", "own") for k in child)
        if os.geteuid() == 0:       # frames are read only by root
            assert sum(v for k, v in child.items() if k.endswith("shared")) > \
                sum(v for k, v in child.items() if k.endswith("own"))
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
