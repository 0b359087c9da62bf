"""indexer.index.build: segments split by document count, verification, facets from stored fields."""
from __future__ import annotations

from pathlib import Path
import numpy as np
import pytest

from indexer.index import build, facetdata, files
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
    got = facetdata.read_arrays(tmp_path)
    want = facetdata.arrays_for(d for r in records for d in item_documents(r))
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
