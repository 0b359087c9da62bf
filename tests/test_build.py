"""indexer.index.build: segments split by document count, verification, facets from stored fields."""
from __future__ import annotations

from pathlib import Path
import numpy as np
import pytest

from indexer.index import build
from indexer.vocabulary import Vocabulary
from indexer.index.stores import facetdata, files
from indexer.pipeline import conductor
from indexer.index.values.documents import document_count, item_documents
from indexer.errors import IndexDamaged
from indexer.settings import Settings
from indexer.synth import LAYOUTS, write_letter

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("letters")
    (folder / "expected").mkdir()
    paths = sorted(SEEDS.glob("*.txt")) + [write_letter(6, i, LAYOUTS[i % len(LAYOUTS)], "txt", folder)
                                            for i in range(25)]
    return [r for r in (conductor.parse_one(str(p), None, Settings()).record for p in paths) if r]


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_chunks_keep_record_order_and_balance_documents(records, n):
    chunks = build._chunks(records, n)
    assert [r for c in chunks for r in c] == records
    assert len(chunks) == min(n, len(records))
    sizes = [sum(document_count(r) for r in c) for c in chunks]
    most = max(document_count(r) for r in records)
    assert max(sizes) - min(sizes) <= 2 * most       # equal up to a letter's documents at each cut


def test_facets_from_stored_fields_equal_facets_from_documents(records, tmp_path):
    build.write_snapshot(tmp_path, records)
    got = facetdata.read_arrays(tmp_path)
    vocab = Vocabulary.load()      # the snapshot's: nothing mined, the packaged vocabulary
    want = facetdata.arrays_for(d for r in records for d in item_documents(r, vocab))
    assert sorted(got) == sorted([*want, *(f"{f}.keys" for f in facetdata.FACETS)])
    for name in want:
        assert np.array_equal(got[name], want[name]), name


def test_facet_arrays_are_memory_mapped_and_keys_match_computed_ones(records, tmp_path):
    """Serving processes share the big arrays' pages (mapped, not copied); the stored keys are the derived ones."""
    build.write_snapshot(tmp_path, records)
    arrays = facetdata.read_arrays(tmp_path)
    data = facetdata.from_arrays(arrays)
    computed = facetdata.from_arrays({k: v for k, v in arrays.items() if not k.endswith(".keys")})
    for facet in facetdata.FACETS:
        assert np.array_equal(data.columns[facet].keys, computed.columns[facet].keys), facet
    big = [p for p in tmp_path.glob(files.FACET_ARRAYS) if p.stat().st_size >= 1 << 16]
    for path in big:
        assert isinstance(arrays[files.facet_array_key(path.name)], np.memmap), path.name


def test_verify_refuses_documents_other_than_the_records(records, tmp_path):
    build.write_snapshot(tmp_path, records)
    documents = build.verify(tmp_path, records)
    assert documents == sum(document_count(r) for r in records)
    with pytest.raises(IndexDamaged, match="document 0 is .*, expected"):
        build.verify(tmp_path, records[::-1])
    assert build.verify(tmp_path, records[::-1], ordered=False) == documents
    with pytest.raises(IndexDamaged, match="records make"):
        build.verify(tmp_path, records[1:], ordered=False)
    other = [dict(records[0], id="someone-else")] + records[1:]
    with pytest.raises(IndexDamaged, match="differ from the records"):
        build.verify(tmp_path, other, ordered=False)


def _reference_arrays(docs: list[dict]) -> dict:
    """facets.npz as it was made before FacetRows: from every document at once (the reference)."""
    from indexer.fields import FACETS, MULTI_VALUED
    from indexer.index.stores.facetrows import values_of

    out = {"n_docs": np.array([len(docs)], dtype=np.int64),
           "overturned": np.array([d.get("decision") == "Overturned" for d in docs], dtype=bool),
           "decided": np.array([int(d.get("decided") or 0) for d in docs], dtype=np.int64)}
    for facet in FACETS:
        per_doc = [values_of(d, facet) for d in docs]
        if facet in MULTI_VALUED:
            values = sorted({v for vals in per_doc for v in vals})
            index = {v: i for i, v in enumerate(values)}
            pairs = [(n, index[v]) for n, vals in enumerate(per_doc) for v in dict.fromkeys(vals)]
            out[f"{facet}.docs"] = np.array([p[0] for p in pairs], dtype=np.int32)
            out[f"{facet}.pcodes"] = np.array([p[1] for p in pairs], dtype=np.int32)
        else:
            values = sorted({v[0] for v in per_doc if v})
            index = {v: i for i, v in enumerate(values)}
            out[f"{facet}.codes"] = np.array([index[v[0]] if v else -1 for v in per_doc], dtype=np.int32)
        out[f"{facet}.values"] = np.array(values, dtype=str)
    return out


def _same_arrays(got: dict, want: dict) -> None:
    got = {k: v for k, v in got.items() if not k.endswith(".keys")}     # derived on writing
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name].dtype == want[name].dtype and np.array_equal(got[name], want[name]), name


@pytest.mark.parametrize("jobs", [1, 3])
def test_facet_arrays_written_by_the_parts_equal_those_of_the_stored_documents(records, tmp_path, monkeypatch,
                                                                             jobs):
    from whoosh import index

    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    build.write_snapshot(tmp_path, records, jobs=jobs)
    with index.open_dir(str(tmp_path)).reader() as reader:
        assert len(reader.leaf_readers()) == jobs
        stored = [doc for _, doc in reader.iter_docs()]
    _same_arrays(facetdata.read_arrays(tmp_path), _reference_arrays(stored))
    _same_arrays(facetdata.arrays_for([]), _reference_arrays([]))


def test_more_chunks_than_jobs_are_written_a_few_processes_at_a_time(records, tmp_path, monkeypatch):
    from whoosh import index

    from indexer.index.stores import letterstore

    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    build.write_snapshot(tmp_path, records, jobs=2, chunks=5)
    with index.open_dir(str(tmp_path)).reader() as reader:
        assert len(reader.leaf_readers()) == 5
        assert [d["doc_id"] for _, d in reader.iter_docs()] == \
            [i for r in records for i in build.doc_ids(r)]
    assert [r["id"] for r in letterstore.read_all(tmp_path)] == [r["id"] for r in records]
    assert not list(tmp_path.glob("part-*"))


def test_part_docs_caps_a_parts_documents_and_the_index_is_the_same(records, tmp_path, monkeypatch):
    from whoosh import index

    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    documents = sum(document_count(r) for r in records)
    cap = documents // 4
    (tmp_path / "capped").mkdir()
    build.write_snapshot(tmp_path / "capped", records, jobs=2, part_docs=cap)
    with index.open_dir(str(tmp_path / "capped")).reader() as reader:
        sizes = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
        ids = [d["doc_id"] for _, d in reader.iter_docs()]
    most = max(document_count(r) for r in records)
    needed = -(-documents // cap)
    assert len(sizes) == needed + needed % 2 >= 4         # an even count for 2 jobs
    assert max(sizes) < cap + most                  # a cut falls between letters
    assert ids == [i for r in records for i in build.doc_ids(r)]
    (tmp_path / "whole").mkdir()
    build.write_snapshot(tmp_path / "whole", records, jobs=1)
    _same_arrays(facetdata.read_arrays(tmp_path / "capped"),
                 {k: v for k, v in facetdata.read_arrays(tmp_path / "whole").items() if not k.endswith(".keys")})


@pytest.mark.parametrize("documents, wanted, cap, parts", [
    (10, 2, 4, 1),                   # below PARALLEL_MIN_DOCS: one part whatever is asked
    (1_000_000, 2, 250_000, 4), (400_000, 8, 250_000, 8),
    (1_000_001, 2, 250_000, 6),      # 5 parts would leave one writer alone at the end
    (1_000_000, 3, 250_000, 6), (100_000, 0, 250_000, 1),
    (1_000_000, 1, 250_000, 4),      # one job still writes capped parts, one after another
    (1_000_000, 2, None, 2), (1_000_000, 2, 0, 2)])
def test_part_count(documents, wanted, cap, parts):
    assert build.part_count(documents, wanted, cap) == parts


def test_parts_beyond_jobs_start_as_others_end_never_more_than_jobs_at_once(records, tmp_path, monkeypatch):
    """Each writer logs its start and end to one file (O_APPEND): at most `jobs` overlap, and while
    the slow first part runs the other writer goes through the rest (in waves, none would start
    before the first ended)."""
    import os
    import time

    from indexer.index import parts

    log = tmp_path / "log"
    write_part = parts.write_part

    def logged(snapshot, k, chunk, load=None, tick=None):
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(fd, b"+")
        time.sleep(2.0 if k == 0 else 0.05)
        name = write_part(snapshot, k, chunk, load, tick)
        os.write(fd, b"-")
        os.close(fd)
        return name
    monkeypatch.setattr(parts, "write_part", logged)
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    (tmp_path / "s").mkdir()
    build.write_snapshot(tmp_path / "s", records, jobs=2, chunks=6)
    events = log.read_text()
    running = [events[:i + 1].count("+") - events[:i + 1].count("-") for i in range(len(events))]
    assert events.count("+") == events.count("-") == 6
    assert max(running) == 2
    assert 0 not in running[:-1]


def test_progress_is_told_of_the_documents_as_the_forked_writers_analyse_them(records, tmp_path, monkeypatch):
    from indexer.index import parts

    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    monkeypatch.setattr(parts, "TICK_DOCS", 3)               # the children inherit it
    told = []
    documents = build.write_snapshot(tmp_path, records, jobs=2, chunks=3, progress=lambda *a: told.append(a))
    done = [d for d, _ in told]
    assert {t for _, t in told} == {documents} and done == sorted(done)
    assert done[-1] == documents and len(told) >= documents // 3    # every 3 documents of each part
