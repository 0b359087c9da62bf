"""indexer.index.stores.termstore: the per-segment store of frequent terms' postings gives exactly
what decoding Whoosh's postings gives, is written by every build, and a damaged one
only costs speed."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from whoosh import index

from indexer.pipeline import manifest
from indexer.index import postings
from indexer.index.stores import snapshots, termstore
from indexer.search import ranking
from indexer.search.query.parser import build_query
from indexer.results import SearchRequest
from indexer.index.schema import make_schema
from indexer.search.searcher import Searcher, Snapshot
from indexer.settings import Settings

QUERIES = ["treatment", "knee pain", '"physical therapy"', '"knee pain"~3', "lumbar OR cervical",
           "pain -knee", "phys*", "item:mri", "decision:Upheld pain", "zzzznotaword"]


@pytest.fixture(scope="module")
def every_term(built_index, tmp_path_factory):
    """A copy of the real-letter snapshot whose term stores hold every term (min_df=1)."""
    folder = tmp_path_factory.mktemp("every_term") / "snap"
    shutil.copytree(snapshots.current(built_index), folder)
    with index.open_dir(str(folder)).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            termstore.write(folder, leaf, reader.schema, min_df=1)
    _republish(folder)
    return folder


def _republish(folder) -> None:
    """Record the snapshot's current file sizes in its manifest, as a build would have."""
    info = snapshots.read_manifest(folder)
    (folder / snapshots.MANIFEST).unlink()
    manifest.write(folder, {k: v for k, v in info.items() if k != "files"})


def test_build_writes_a_store_per_segment_listed_in_the_manifest(built_index):
    """(Several segments, and `imr add`: tests/test_pipeline.py.)"""
    snapshot = snapshots.current(built_index)
    with snapshots.open_index(built_index).reader() as reader:
        segments = [termstore.segment_id(leaf) for leaf, _ in reader.leaf_readers()]
    files = snapshots.read_manifest(snapshot)["files"]
    assert segments and all(f"{s}.hot" in files for s in segments)


def test_stored_postings_and_positions_equal_whoosh(every_term):
    stores = termstore.Stores(every_term)
    checked = 0
    with index.open_dir(str(every_term)).reader() as reader:
        for field in ("item", "rationale", "summary", "guideline", "decision", "category"):
            for tbytes in list(reader.lexicon(field)):
                got = postings.read_postings(reader, field, tbytes, stores)
                want = postings.read_postings(reader, field, tbytes)
                assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
                if reader.schema[field].format.supports("positions"):
                    got = postings.read_position_keys(reader, field, tbytes, stores)
                    want = postings.read_position_keys(reader, field, tbytes)
                    assert np.array_equal(got, want)     # docnum << 32 | position, both exact
                checked += 1
    assert checked > 1000


def test_only_frequent_terms_are_stored(every_term, tmp_path):
    with index.open_dir(str(every_term)).reader() as reader:
        leaf = reader.leaf_readers()[0][0]
        path = termstore.write(tmp_path, leaf, reader.schema, min_df=5)
        store = termstore.TermStore(path)
        for tbytes, info in leaf.iter_field("rationale", b""):
            assert (("rationale", tbytes) in store) == (info.doc_frequency() >= 5)


@pytest.mark.parametrize("text", QUERIES)
def test_search_with_stores_equals_search_without(every_term, text):
    snap = Snapshot.open(every_term)
    searcher = snap.searcher()
    q = build_query(text, searcher.schema, searcher.reader()).query
    plain = postings.PostingCache()
    with_store = ranking.evaluate(q, searcher, snap.postings, snap.facets.decided)
    without = ranking.evaluate(q, searcher, plain, snap.facets.decided)
    assert np.array_equal(with_store.mask, without.mask)
    assert ranking.rank(with_store, searcher, snap.postings, with_store.mask, None) == \
        ranking.rank(without, searcher, plain, without.mask, None)


def test_a_store_changed_after_publishing_is_reported(every_term, tmp_path):
    folder = tmp_path / "snap"
    shutil.copytree(every_term, folder)
    victim = sorted(folder.glob("*.hot"))[0]
    victim.write_bytes(victim.read_bytes()[:100])
    assert any(victim.name in problem for problem in snapshots.damaged_files(folder))


def test_check_reports_an_unreadable_store(built_index, tmp_path):
    from indexer.index.check import check_index

    settings = Settings(index_dir=tmp_path / "ix")
    shutil.copytree(built_index.index_dir, settings.index_dir, symlinks=True)
    assert check_index(settings) == []
    snapshot = snapshots.current(settings)
    victim = sorted(snapshot.glob("*.hot"))[0]
    victim.write_bytes(b"\0" * victim.stat().st_size)     # same size: only reading finds it
    problems = check_index(settings)
    assert any(victim.name in p and "unreadable" in p for p in problems)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "other_segment_count"])
def test_unreadable_store_only_costs_speed(every_term, tmp_path, damage):
    """A store written wrong (the manifest agrees with it) is ignored; Whoosh answers."""
    folder = tmp_path / "snap"
    shutil.copytree(every_term, folder)
    victim = sorted(folder.glob("*.hot"))[0]
    data = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        victim.write_bytes(b"\x00" * 4096)
    elif damage == "empty":
        victim.write_bytes(b"")
    else:   # a store written for another segment under this one's name
        other = tmp_path / "other"
        other.mkdir()
        ix = index.create_in(str(other), make_schema())
        with ix.writer() as writer:
            writer.add_document(doc_id="x#1", rationale="pain pain pain")
        with ix.reader() as reader:
            leaf = reader.leaf_readers()[0][0]
            shutil.copyfile(termstore.write(other, leaf, reader.schema, min_df=1), victim)
    _republish(folder)
    snap = Snapshot.open(every_term)
    damaged = Snapshot.open(folder)
    with damaged.index.reader() as reader:
        leaf = next(leaf for leaf, _ in reader.leaf_readers()
                    if termstore.segment_id(leaf) == victim.stem)
        assert damaged.postings.stores.get(leaf) is None
    request = SearchRequest(q="pain", literal=True, per_page=50)
    for s in (snap, damaged):
        s.postings.max_bytes = 0       # nothing cached: every query decodes again
    want = [h.doc_id for h in _search(every_term, request)]
    assert [h.doc_id for h in _search(folder, request)] == want and want


def _search(folder, request):
    """A search of a snapshot folder published alone in a temporary index directory."""
    root = folder.parent / f"ix-{folder.name}"
    if not root.exists():
        (root / "snapshots").mkdir(parents=True)
        (root / "snapshots" / folder.name).symlink_to(folder)
        (root / "CURRENT").write_text(folder.name)
    return Searcher(Settings(index_dir=root)).search(request).hits
