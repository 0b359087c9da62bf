"""indexer.index.extend: `add` reads back only what changed, and ends where a rebuild would."""
from __future__ import annotations

from pathlib import Path
import random
import shutil

import numpy as np
import pytest

from indexer.index import build, extend
from indexer.index.stores import facetdata, files, letterstore, snapshots
from indexer.pipeline import conductor
from indexer.index.check import check_index
from indexer.errors import IndexDamaged
from indexer.fields import FACETS, MULTI_VALUED
from indexer.settings import Settings
from indexer.synth import LAYOUTS, write_letter

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _stored_rows(snapshot) -> list[dict]:
    from whoosh import index

    with index.open_dir(str(snapshot)).reader() as reader:
        return [stored for _, stored in reader.iter_docs()]


def _assert_arrays_equal(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    for name in want:
        assert np.array_equal(got[name], want[name]), name


def _random_docs(rng: random.Random, n: int) -> list[dict]:
    docs = []
    for _ in range(n):
        doc = {"decision": rng.choice(["Upheld", "Overturned", None]),
               "decided": rng.choice([0, 20160101, 20171231])}
        for facet in FACETS:
            pool = [f"{facet}-{k}" for k in range(rng.randint(0, 6))]
            if facet in MULTI_VALUED:
                doc[facet] = ",".join(rng.sample(pool, rng.randint(0, len(pool))))
            elif pool and rng.random() < 0.8:
                doc[facet] = rng.choice(pool)
        docs.append(doc)
    return docs


@pytest.mark.parametrize("seed", range(5))
def test_sliced_and_concatenated_facet_arrays_equal_arrays_made_at_once(seed):
    rng = random.Random(seed)
    docs = _random_docs(rng, rng.randint(1, 60))
    cuts = sorted(rng.sample(range(1, len(docs) + 1), min(3, len(docs)))) if len(docs) > 1 else [1]
    whole = facetdata.arrays_for(docs)
    bounds = list(zip([0] + cuts, cuts + [len(docs)]))
    parts = [facetdata.slice_arrays(whole, lo, hi) if k % 2 else facetdata.arrays_for(docs[lo:hi])
             for k, (lo, hi) in enumerate(bounds) if hi > lo]
    _assert_arrays_equal(facetdata.concat_arrays(parts), whole)


def _letters(folder, first: int, n: int) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "expected").mkdir(exist_ok=True)
    return [write_letter(7, i, LAYOUTS[i % len(LAYOUTS)], "txt", folder) for i in range(first, first + n)]


@pytest.mark.slow
def test_successive_adds_keep_facets_and_letters_as_a_rebuild_makes_them(tmp_path):
    """Seven adds of a few letters: Whoosh merges the small segments on the way, and every
    snapshot's facet arrays still equal those made from its stored documents."""
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([SEEDS], settings)
    folders = []
    for k in range(7):
        folders.append(tmp_path / f"week{k}")
        _letters(folders[-1], 3 * k, 3)
        report = conductor.add([folders[-1]], settings)
        assert (report.added, report.replaced, report.letters) == (3, 0, 5 + 3 * (k + 1))
        snapshot = snapshots.current(settings)
        want = facetdata.arrays_for(_stored_rows(snapshot))
        _assert_arrays_equal(facetdata.read_arrays(snapshot), {**want, **facetdata.keys_for(want)})
        assert check_index(settings) == []
        _assert_hit_store_equals_whoosh(snapshot)
    from whoosh import index
    with index.open_dir(str(snapshot)).reader() as reader:
        assert len(reader.leaf_readers()) < 8               # some segments were merged
    _assert_summary_phrases_match_whoosh(settings)
    fresh = Settings(index_dir=tmp_path / "fresh", jobs=1)
    conductor.rebuild([SEEDS, *folders], fresh)
    strip = lambda rs: sorted((r for r in rs), key=lambda r: r["id"])  # noqa: E731
    assert strip(letterstore.read_all(snapshots.current(settings))) == \
        strip(letterstore.read_all(snapshots.current(fresh)))
    assert sorted(d["doc_id"] for d in _stored_rows(snapshot)) == \
        sorted(d["doc_id"] for d in _stored_rows(snapshots.current(fresh)))


def _assert_hit_store_equals_whoosh(snapshot) -> None:
    """The snapshot has a hit store (indexer.index.stores.hitstore) holding Whoosh's stored fields in docnum order."""
    from indexer.search.snapshot import Snapshot

    with Snapshot.open(snapshot) as snap:
        assert snap.hits is not None
        assert [snap.hits.get(d) for d in range(snap.hits.n_docs)] == _stored_rows(snapshot)


def _assert_summary_phrases_match_whoosh(settings: Settings) -> None:
    """The summary is phrase-matched once per letter (its first document): still exact
    across segments written by successive adds and merged."""
    from indexer.index import postings
    from indexer.search import ranking
    from indexer.search.query.parser import build_query
    from indexer.search.searcher import Searcher

    snap = Searcher(settings).current()      # held: a snapshot closes its searchers when dropped
    searcher = snap.searcher()
    matched = 0
    for text in ('summary:"injured worker"', 'summary:"date of injury"~2', '"the patient"'):
        q = build_query(text, searcher.schema, searcher.reader()).query
        got = np.flatnonzero(ranking.evaluate(q, searcher, postings.PostingCache()).mask)
        assert set(got.tolist()) == set(searcher.docs_for_query(q)), text
        matched += len(got)
    assert matched > 20


def test_an_addition_reads_back_only_the_new_documents(tmp_path, monkeypatch):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    first = conductor.rebuild([SEEDS], settings)
    read, real = [], extend._stored

    def counting(leaf):
        rows = real(leaf)
        read.extend(rows)
        return rows

    monkeypatch.setattr(extend, "_stored", counting)
    monkeypatch.setattr(letterstore, "read_all", None)    # nor every letter's record
    monkeypatch.setattr(build, "verify", None)               # nor every stored document
    report = conductor.add([_letters(tmp_path / "new", 0, 3)[0].parent], settings)
    assert report.documents - first.documents == len(read) > 0
    assert report.documents == len(_stored_rows(snapshots.current(settings)))


def test_letter_refs_carry_what_add_needs(tmp_path):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([SEEDS], settings)
    snapshot = snapshots.current(settings)
    records = letterstore.read_all(snapshot)
    refs = letterstore.read_refs(snapshot)
    assert [r["id"] for r in refs] == [r["id"] for r in records]
    for ref, record in zip(refs, records):
        for key in ("case_number", "content_hash", "source", "format"):
            assert ref[key] == record.get(key), key
        assert bool(ref["partial"]) == bool(record.get("partial"))
        assert ref["item_count"] == len(record.get("items") or [])


def test_an_added_segment_missing_a_document_is_not_published(tmp_path, monkeypatch):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    first = conductor.rebuild([SEEDS], settings)
    real = extend.writing.add_documents
    monkeypatch.setattr(extend.writing, "add_documents",
                        lambda writer, docs: real(writer, list(docs)[1:]))
    with pytest.raises(IndexDamaged, match=r"added segments differ .*\(1 missing"):
        conductor.add([_letters(tmp_path / "new", 0, 2)[0].parent], settings)
    assert snapshots.current(settings).name == first.snapshot
    assert not list(snapshots.snapshots_dir(settings).glob("*.building*"))


def test_add_leaves_the_published_letter_store_untouched(tmp_path):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([SEEDS], settings)
    base = snapshots.current(settings)
    before = (base / files.LETTER_STORE).read_bytes()
    shutil.copytree(SEEDS, tmp_path / "copy")
    conductor.add([_letters(tmp_path / "new", 0, 2)[0].parent], settings)
    assert (base / files.LETTER_STORE).read_bytes() == before
    assert len(letterstore.read_all(snapshots.current(settings))) == 7



def test_hits_read_their_letters_view_and_a_store_without_views_still_answers(tmp_path):
    """Each letter's hit view equals what its record shows; a store written before the views
    (no such column) answers from the records, and `imr add`'s copy of it stores views for the new letters."""
    import sqlite3

    from indexer.search.snapshot import Snapshot

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([SEEDS], settings)
    snapshot = snapshots.current(settings)
    records = letterstore.read_all(snapshot)
    with Snapshot.open(snapshot) as snap:
        assert all(snap.hit_view(r["id"]) == letterstore.hit_view(r) for r in records)
        assert snap.hit_view("CM00-0000000") == letterstore.hit_view(None)
        # A page's letters in one lookup: the same views, a missing letter's too, repeats once.
        ids = [r["id"] for r in records] + ["CM00-0000000", records[0]["id"]]
        assert snap.hit_views(ids) == {i: snap.hit_view(i) for i in ids}
    old, changed = tmp_path / "old", tmp_path / "changed"
    old.mkdir()
    changed.mkdir()
    shutil.copyfile(letterstore.path_of(snapshot), letterstore.path_of(old))
    con = sqlite3.connect(letterstore.path_of(old))
    con.execute("ALTER TABLE letters DROP COLUMN hit")      # as a store written before the views
    con.commit()
    con.close()
    con = letterstore.connect_readonly(old)
    assert not letterstore.has_hit_views(con)
    assert all(letterstore.read_hit_view(con, r["id"], False) == letterstore.hit_view(r) for r in records)
    con.close()
    new = [{**records[0], "id": "CM99-0000001", "case_number": "CM99-0000001", "format": "html"}]
    letterstore.write_changed(old, changed, {records[1]["id"]}, new)
    con = letterstore.connect_readonly(changed)
    assert letterstore.has_hit_views(con)
    assert con.execute("SELECT hit IS NOT NULL FROM letters WHERE id = 'CM99-0000001'").fetchone() == (1,)
    every = letterstore.read_all(changed)
    for record in every:
        assert letterstore.read_hit_view(con, record["id"]) == letterstore.hit_view(record)
    assert letterstore.read_hit_views(con, [r["id"] for r in every]) == {
        r["id"]: letterstore.hit_view(r) for r in every}
    con.close()
    con = letterstore.connect_readonly(old)       # no views: each from its record
    assert letterstore.read_hit_views(con, [r["id"] for r in records], False) == {
        r["id"]: letterstore.hit_view(r) for r in records}
    con.close()
