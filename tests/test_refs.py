"""Letter references: what a whole rebuild keeps of each letter in place of its record, and what that costs."""
from __future__ import annotations

import pickle
import tracemalloc
from pathlib import Path

import pytest

from indexer.index.values.documents import doc_ids, document_count, item_count
from indexer.ingest import cache, hashcache, refs
from indexer.ingest.parser import parse_file
from indexer.ingest.batch import extract_all
from indexer.ingest.sources import Source, select_letters
from indexer.record import Ref
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def seed_record(tmp_path) -> dict:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    return parse_file(seed, Settings(index_dir=tmp_path / "index"))


def test_a_reference_reads_like_the_record_it_stands_for(tmp_path, seed_record):
    settings = Settings(index_dir=tmp_path / "index")
    cache.store(settings, seed_record["content_hash"], record=seed_record)
    ref = refs.reference(seed_record, settings)
    assert refs.is_reference(ref) and not refs.is_reference(seed_record)
    for key in ("id", "case_number", "content_hash", "source", "format", "partial"):
        assert ref[key] == ref.get(key) == seed_record[key], key
    assert item_count(ref) == item_count(seed_record) == len(seed_record["items"]) > 0
    assert doc_ids(ref) == doc_ids(seed_record) and document_count(ref) == document_count(seed_record)
    assert ref.get("items") is None and ref.get("summary", "none") == "none" and "items" not in ref
    with pytest.raises(KeyError):
        ref["summary"]
    again = pickle.loads(pickle.dumps(ref))            # what a Dask worker sends back
    assert all(again[k] == ref[k] for k in Ref.__slots__)
    assert [r["content_hash"] for r in refs.load([again], settings)] == [seed_record["content_hash"]]
    assert refs.with_source(again, "elsewhere.txt") is again and again["source"] == "elsewhere.txt"


def test_a_record_the_cache_does_not_hold_stays_whole(tmp_path, seed_record):
    settings = Settings(index_dir=tmp_path / "index")
    assert refs.reference(seed_record, settings) is seed_record


def test_a_cache_hit_is_referenced_without_looking_at_the_cache_again(tmp_path, seed_record, monkeypatch):
    settings = Settings(index_dir=tmp_path / "index")
    digest = seed_record["content_hash"]
    cache.store(settings, digest, record=seed_record)
    looked = []
    monkeypatch.setattr(cache, "holds", lambda *a: looked.append(a) or True)
    (outcome,) = extract_all([Source(seed_record["source"], 100, digest)], settings, slim=True)
    assert isinstance(outcome.record, Ref) and looked == []
    assert isinstance(refs.reference(seed_record, settings), Ref) and len(looked) == 1   # asked when not known


@pytest.mark.slow
def test_the_references_of_a_rebuild_take_a_few_hundred_bytes_a_letter(tmp_path, seed_record):
    """What the parent of a whole rebuild holds per letter once every file is listed: an outcome and
    a reference, sharing the listing's path and hash strings (a dict and its copies took ~1 KB)."""
    settings = Settings(index_dir=tmp_path / "index")
    n, sources = 3000, []
    for k in range(n):
        digest = f"{k:064x}"
        record = dict(seed_record, id=f"CM99-{k:07d}", case_number=f"CM99-{k:07d}", content_hash=digest)
        cache.store(settings, digest, record=record)
        sources.append(Source(str(tmp_path / "letters" / f"CM99-{k:07d}.txt"), 100, digest))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        outcomes = extract_all(sources, settings, slim=True)
        records, skipped, duplicates = select_letters(outcomes)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(records) == n and not skipped and duplicates == 0
    assert all(isinstance(r, Ref) for r in records)
    assert records[7]["source"] is sources[7].file and records[7]["content_hash"] is sources[7].content_hash
    assert held / n < 400, f"{held / n:.0f} bytes a letter"


def test_new_hashes_are_written_in_batches_and_looked_up_in_the_table(tmp_path, monkeypatch):
    monkeypatch.setattr(hashcache, "SAVE_EVERY", 2)
    monkeypatch.setattr(hashcache, "RACY_NS", -10**18)     # every file old enough to remember
    table = tmp_path / hashcache.FILE
    files = []
    for k in range(3):
        path = tmp_path / f"{k}.txt"
        path.write_text(str(k))
        files.append(path)
    hashes = hashcache.HashCache(table)
    for k, path in enumerate(files):
        hashes.put(path, path.stat(), f"digest-{k}")
    assert table.exists() and len(hashes._new) == 1            # two saved while listing, one waiting
    hashes.save()
    reopened = hashcache.HashCache(table)
    try:
        assert [reopened.get(p, p.stat()) for p in files] == ["digest-0", "digest-1", "digest-2"]
        files[1].write_text("changed")
        assert reopened.get(files[1], files[1].stat()) is None
    finally:
        reopened.close()
