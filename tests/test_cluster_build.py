"""A rebuild with --scheduler writes its segments on a real local Dask cluster: the index equals a local build's."""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from indexer.index import build
from indexer.index.stores import facetdata, letterstore, snapshots, termstore
from indexer.index.check import check_index
from indexer.pipeline import cluster, conductor
from indexer.ingest import refs
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
WORKERS = 3


def _everything(settings: Settings) -> tuple:
    """Stored documents, every term's postings (docnum, weight, value), field lengths, in docnum order."""
    from indexer.fields import TEXT_FIELDS

    with snapshots.open_index(settings).reader() as reader:
        postings = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            walked = []
            while matcher.is_active():
                walked.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[field, term] = walked
        lengths = [[reader.doc_field_length(d, f) for f in TEXT_FIELDS] for d in reader.all_doc_ids()]
        return list(reader.iter_docs()), postings, lengths, len(reader.leaf_readers())


def _dies_once(marker: str, settings: Settings, letters):
    """refs.load, except that the first writer to call it kills its worker process."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return refs.load(letters, settings)
    os.close(fd)
    os._exit(1)             # what the out-of-memory killer does to a worker


@pytest.fixture(scope="module")
def local(tmp_path_factory, synthetic_letters) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("local"), jobs=1)
    conductor.rebuild([SEEDS, synthetic_letters], settings)
    return settings


@pytest.mark.slow
@pytest.mark.cluster
def test_segments_written_on_the_cluster_make_the_local_index(tmp_path, local, synthetic_letters, monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 50)     # several parts of the small set
    # The first part task's worker dies: Dask runs the task again on another worker.
    marker = tmp_path / "died"
    monkeypatch.setattr(cluster, "loader", lambda s: partial(_dies_once, str(marker), cluster.shared(s)))
    from distributed import LocalCluster

    want = _everything(local)
    cap = -(-len(want[0]) // (WORKERS + 1))                  # more parts than worker threads
    told = []
    with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                      local_directory=str(tmp_path / "dask"), dashboard_address=":0") as dask:
        remote = Settings(index_dir=tmp_path / "remote", scheduler=dask.scheduler_address, part_docs=cap)
        report = conductor.rebuild([SEEDS, synthetic_letters], remote, indexing=lambda *a: told.append(a))
    assert marker.exists()                                   # a worker did die
    got = _everything(remote)
    assert got[3] == 2 * WORKERS and want[3] == 1            # capped parts, a multiple of the threads
    assert got[:3] == want[:3]                               # documents, postings, lengths
    assert report.documents == len(want[0])
    assert len(told) == got[3] and told[-1] == (report.documents, report.documents)   # a tick a part
    a, b = (facetdata.read_arrays(snapshots.current(s)) for s in (remote, local))
    assert sorted(a) == sorted(b) and all(np.array_equal(a[k], b[k]) for k in a)
    assert letterstore.read_all(snapshots.current(remote)) == letterstore.read_all(snapshots.current(local))
    snapshot = snapshots.current(remote)
    with snapshots.open_index(remote).reader() as reader:
        segments = {termstore.segment_id(leaf) for leaf, _ in reader.leaf_readers()}
    assert {p.stem for p in snapshot.glob("*.hot")} == segments
    assert not list(snapshot.glob("part-*"))                 # the dead attempt's part is gone too
    assert check_index(remote, deep=True) == []
