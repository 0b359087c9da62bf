"""indexer.index.build: segments split by document count, verification, facets from stored fields."""
from __future__ import annotations

from pathlib import Path
import numpy as np
import pytest

from indexer.index import build, facetdata
from indexer.ingest import pipeline
from indexer.index.documents import document_count, item_documents
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
    return [r for r in (pipeline.parse_one(str(p), None, Settings()).record for p in paths) if r]


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
    with np.load(tmp_path / facetdata.FILE) as got:
        want = facetdata.arrays_for(d for r in records for d in item_documents(r))
        assert sorted(got.files) == sorted(want)
        for name in want:
            assert np.array_equal(got[name], want[name]), name


def test_verify_refuses_documents_other_than_the_records(records, tmp_path):
    build.write_snapshot(tmp_path, records)
    rows = build.verify(tmp_path, records)
    assert len(rows) == sum(document_count(r) for r in records)
    with pytest.raises(IndexDamaged, match="document 0 is .*, expected"):
        build.verify(tmp_path, records[::-1])
    assert len(build.verify(tmp_path, records[::-1], ordered=False)) == len(rows)
    with pytest.raises(IndexDamaged, match="records make"):
        build.verify(tmp_path, records[1:], ordered=False)
    other = [dict(records[0], id="someone-else")] + records[1:]
    with pytest.raises(IndexDamaged, match="differ from the records"):
        build.verify(tmp_path, other, ordered=False)
