"""The hit store (indexer.index.stores.hitstore): each document's stored fields by docnum, equal to
Whoosh's; a snapshot without one reads Whoosh's; `imr check --deep` compares the two."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.cli import EXIT_FATAL, EXIT_OK
from indexer.index.stores import hitstore, snapshots
from indexer.pipeline import conductor, manifest
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.search.snapshot import Snapshot
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def seed_settings(tmp_path) -> Settings:
    settings = Settings(index_dir=tmp_path / "ix", jobs=1)
    conductor.rebuild([SEEDS], settings)
    return settings


def _whoosh_stored(snap: Snapshot) -> list[dict]:
    with snap.index.searcher() as searcher:
        reader = searcher.reader()
        return [{k: v for k, v in reader.stored_fields(d).items() if k in reader.schema}
                for d in range(reader.doc_count_all())]


def test_a_build_writes_the_store_and_it_equals_whoosh_s_stored_fields(seed_settings):
    with Snapshot.open(snapshots.current(seed_settings)) as snap:
        assert snap.hits is not None and snap.hits.n_docs == snap.facets.n_docs
        stored = _whoosh_stored(snap)
        assert [snap.hits.get(d) for d in range(len(stored))] == stored
        assert [snap.stored_fields(d) for d in range(len(stored))] == stored
        assert [list(snap.stored_fields(d)) for d in range(len(stored))] == [list(s) for s in stored]
        with pytest.raises(IndexError):
            snap.hits.get(len(stored))


def test_a_snapshot_without_the_store_answers_the_same_from_whoosh(seed_settings, tmp_path):
    requests = [SearchRequest(q=q, per_page=50) for q in ("", "therapy", "knee surgery", '"medically necessary"')]
    with Searcher(seed_settings) as searcher:
        assert searcher.current().hits is not None
        want = [searcher.search(r).to_dict() for r in requests]
        want_all = [list(searcher.iter_hits(r)) for r in requests]
    snap = snapshots.current(seed_settings)
    for name in (hitstore.DATA, hitstore.OFFSETS):
        (snap / name).unlink()
    info = snapshots.read_manifest(snap)
    (snap / snapshots.MANIFEST).unlink()
    manifest.write(snap, {**info, "files": {k: v for k, v in info["files"].items()
                                            if k not in (hitstore.DATA, hitstore.OFFSETS)}})
    with Searcher(seed_settings) as searcher:
        assert searcher.current().hits is None
        assert [searcher.search(r).to_dict() for r in requests] == want
        assert [list(searcher.iter_hits(r)) for r in requests] == want_all


def test_check_deep_finds_a_store_that_differs_from_whoosh(runner, seed_settings):
    snap = snapshots.current(seed_settings)
    with Snapshot.open(snap) as opened:
        docs = [opened.hits.get(d) for d in range(opened.hits.n_docs)]
    for name in (hitstore.DATA, hitstore.OFFSETS):
        (snap / name).unlink()          # new files: never write through a mapping
    hitstore.write_from(snap, reversed(docs))       # the same sizes, other documents' fields
    assert runner("check", "--index", seed_settings.index_dir).exit_code == EXIT_OK
    deep = runner("check", "--deep", "--index", seed_settings.index_dir)
    assert deep.exit_code == EXIT_FATAL
    assert "stored fields differ from Whoosh's" in deep.stderr


def test_a_damaged_record_reads_as_a_read_error(tmp_path):
    hitstore.write_from(tmp_path, [{"doc_id": "a#1"}, {"doc_id": "b#1", "item": "x" * 50}])
    store = hitstore.HitStore.open(tmp_path, 2)
    assert store.get(1) == {"doc_id": "b#1", "item": "x" * 50}
    store.close()
    data = (tmp_path / hitstore.DATA).read_bytes()
    (tmp_path / hitstore.DATA).unlink()
    (tmp_path / hitstore.DATA).write_bytes(data[:-10])
    store = hitstore.HitStore.open(tmp_path, 2)
    with pytest.raises(EOFError):
        store.get(1)
    store.close()
    assert hitstore.HitStore.open(tmp_path, 3) is None     # a store of another document count is not used


def test_add_and_replace_keep_a_store_equal_to_whoosh_s(runner, seeds_copy, three_indexed):
    """`imr add` copies the base's store for the segments it keeps and adds the new documents';
    a replacement (every segment merged) writes it afresh from the stored documents."""
    ix, first, spare = three_indexed
    for path in list(spare.iterdir())[:1]:
        shutil.move(path, seeds_copy / path.name)
    assert runner("add", seeds_copy, "--index", ix).stdout.startswith("added 1 letters, replaced 0")
    _assert_store_equals_whoosh(Settings(index_dir=ix))
    changed = first[0]
    changed.write_text(changed.read_text() + "\nAn addendum.\n")
    for path in spare.iterdir():
        shutil.move(path, seeds_copy / path.name)
    assert runner("add", seeds_copy, "--index", ix).stdout.startswith("added 1 letters, replaced 1")
    _assert_store_equals_whoosh(Settings(index_dir=ix))
    assert runner("check", "--deep", "--index", ix).exit_code == EXIT_OK


def _assert_store_equals_whoosh(settings: Settings) -> None:
    with Snapshot.open(snapshots.current(settings)) as snap:
        assert snap.hits is not None
        assert [snap.hits.get(d) for d in range(snap.hits.n_docs)] == _whoosh_stored(snap)
