"""Snapshots: atomic publish, rollback, pruning, cleanup, the lock, schema check, check_index."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from indexer.pipeline import conductor
from indexer.index.stores import files, snapshots
from indexer.index.stores.files import LETTER_STORE
from indexer.index.check import check_index
from indexer.errors import IndexMissing, LockHeld, SchemaMismatch
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(index_dir=tmp_path / "index", jobs=1, keep_snapshots=3)


def _segment(snapshot):
    (seg,) = snapshot.glob("*.seg")
    return seg


def test_current_without_index_says_how_to_build(settings):
    with pytest.raises(IndexMissing, match=r"run: imr index SOURCE --index .*index"):
        snapshots.current(settings)


def test_publish_replaces_pointer_and_rollback_goes_back(settings):
    first = conductor.rebuild([SEEDS], settings).snapshot
    second = conductor.rebuild([SEEDS], settings, force=True).snapshot
    assert first < second and snapshots.current(settings).name == second
    assert snapshots.rollback(settings) == first
    assert snapshots.current(settings).name == first
    with pytest.raises(IndexMissing, match="no snapshot older"):
        snapshots.rollback(settings)


def test_keeps_current_plus_two_and_cleans_building_dirs(settings):
    names = [conductor.rebuild([SEEDS], settings, force=True).snapshot for _ in range(4)]
    assert snapshots.published(settings) == names[1:]
    leftover = snapshots.snapshots_dir(settings) / "20000101T000000000000Z-dead00.building"
    leftover.mkdir()
    (leftover / "MAIN_x.seg").write_bytes(b"half")
    conductor.rebuild([SEEDS], settings)
    assert not leftover.exists()
    assert not list(snapshots.snapshots_dir(settings).glob("*.building"))


def test_publish_refuses_an_unfinished_snapshot(settings):
    building = snapshots.new_snapshot_dir(settings)
    with pytest.raises(ValueError):
        snapshots.publish(settings, building)
    assert snapshots.current_name(settings) is None


def test_second_rebuild_gets_lock_held_naming_the_holder(settings):
    conductor.rebuild([SEEDS], settings)
    before = snapshots.current_name(settings)
    with snapshots.rebuild_lock(settings):
        with pytest.raises(LockHeld, match=rf"pid {os.getpid()} on {socket.gethostname()} since "):
            conductor.rebuild([SEEDS], settings)
        with pytest.raises(LockHeld):
            conductor.add([SEEDS], settings)
    assert snapshots.current_name(settings) == before
    conductor.rebuild([SEEDS], settings)   # released: works again


def test_schema_mismatch_is_refused_with_rebuild_advice(settings):
    conductor.rebuild([SEEDS], settings)
    (snapshots.current(settings) / snapshots.SCHEMA_FILE).write_text("0\n")
    with pytest.raises(SchemaMismatch, match=r"schema v0, this program reads v\d+: rebuild with imr index"):
        snapshots.open_index(settings)
    assert "schema v0" in check_index(settings)[0]


def test_check_index_healthy(built_index):
    assert check_index(built_index) == []


def test_check_index_reports_truncated_segment(settings):
    conductor.rebuild([SEEDS], settings)
    seg = _segment(snapshots.current(settings))
    with open(seg, "r+b") as fh:
        fh.truncate(seg.stat().st_size // 2)
    problem, fix = check_index(settings)
    assert f"{seg.name} has {seg.stat().st_size} bytes, was published with" in problem
    assert "imr rollback" in fix


def test_check_index_reports_deleted_segment(settings):
    conductor.rebuild([SEEDS], settings)
    seg = _segment(snapshots.current(settings))
    seg.unlink()
    problem, fix = check_index(settings)
    assert f"{seg.name} is missing" in problem


def test_check_index_reports_store_and_facet_damage(settings):
    conductor.rebuild([SEEDS], settings)
    snapshot = snapshots.current(settings)
    import sqlite3
    con = sqlite3.connect(snapshot / LETTER_STORE)
    with con:
        con.execute("DELETE FROM letters WHERE rowid = 1")
    con.close()
    facets = snapshot / files.facet_array_file("overturned")
    facets.write_bytes(facets.read_bytes()[:100])
    problems = check_index(settings)
    assert any("letter store" in p for p in problems)
    assert any("facet arrays unreadable" in p for p in problems)


def test_check_index_without_index(settings):
    (problem,) = check_index(settings)
    assert "run: imr index" in problem


def test_index_from_a_newer_program_says_to_upgrade_and_restart(settings):
    conductor.rebuild([SEEDS], settings)
    (snapshots.current(settings) / snapshots.SCHEMA_FILE).write_text("999\n")
    with pytest.raises(SchemaMismatch, match=r"newer than this program's v\d+: upgrade imr and restart"):
        snapshots.open_index(settings)


def test_the_open_snapshot_owns_what_searching_learns(built_index):
    """The words of the texts highlighted and the facet arrays belong to the opened snapshot: a search
    fills its vocabulary, and a snapshot opened afresh starts with none (nothing kept at module level)."""
    from indexer.results import SearchRequest
    from indexer.search.searcher import Searcher
    from indexer.search.snapshot import Snapshot

    searcher = Searcher(built_index)
    searcher.search(SearchRequest(q="knee pain"))
    snap = searcher.current()
    assert snap.seen._known[0] and snap.seen._known[3]
    again = Snapshot.open(snap.path)
    assert not again.seen._known[0] and again.facets is not snap.facets
    again.close()
    searcher.close()
