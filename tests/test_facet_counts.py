"""The two ways of counting a facet (over a full-length mask, over the matched doc numbers) agree exactly."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from indexer.fields import FACETS
from indexer.vocabulary import Vocabulary
from indexer.index.stores import facetdata
from indexer.index.values.documents import item_documents
from indexer.search import facets
from indexer.search.facets import count_facets, filter_masks
from indexer.fields import UNDATED


@pytest.fixture(scope="module")
def data(tmp_path_factory, expected_records) -> facetdata.FacetData:
    folder = tmp_path_factory.mktemp("facet_counts")
    vocab = Vocabulary.load()
    facetdata.write_arrays(folder, [d for r in expected_records() for d in item_documents(r, vocab)])
    return facetdata.load(folder)


SHARES = st.sampled_from([0.0, 0.001, 0.05, 0.3, 0.7, 1.0])      # of the docs matching


def _mask(n_docs: int, seed: int, share: float) -> np.ndarray:
    return np.random.default_rng(seed).random(n_docs) < share


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=SHARES)
def test_tally_by_docs_equals_tally_by_mask(data, seed, share):
    mask = _mask(data.n_docs, seed, share)
    docs = np.flatnonzero(mask)
    for facet in FACETS:
        column = data.columns[facet]
        assert np.array_equal(column.tally(mask, docs), column.tally(mask)), facet


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=st.sampled_from([0.0, 0.01, 0.2, 0.9]),
       picks=st.lists(st.sampled_from(["decision", "category", "specialty", "state", "year"]),
                      max_size=3, unique=True))
def test_count_facets_same_by_either_route(data, monkeypatch_module, seed, share, picks):
    rng = np.random.default_rng(seed)
    filters = {}
    for facet in picks:
        values = list(data.values(facet)) + ([UNDATED] if facet == "year" else [])
        filters[facet] = list(rng.choice(values, size=min(len(values), 1 + seed % 2), replace=False))
    base = _mask(data.n_docs, seed, share)
    monkeypatch_module.setattr(facets, "COUNT_BY_DOCS_BELOW", 0.0)     # never by docs (unless none match)
    by_mask = count_facets(data, base, filters)
    monkeypatch_module.setattr(facets, "COUNT_BY_DOCS_BELOW", 1.0)     # always by docs
    by_docs = count_facets(data, base, filters, masks=filter_masks(data, filters))
    assert by_docs == by_mask


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _multi(docs: list[int], codes: list[int], values: int, overturned: np.ndarray) -> facetdata.Column:
    d, c = np.array(docs, dtype=np.int32), np.array(codes, dtype=np.int32)
    return facetdata.Column("x", tuple(f"v{i}" for i in range(values)), docs=d, pcodes=c,
                            keys=(c + 1) * 2 + overturned[d].astype(np.int32))


def test_multi_valued_edges():
    """Docs with no pairs, docs past the last doc with one, pairs out of doc order (the mask route)."""
    overturned = np.array([0, 1, 0, 1, 0, 1], dtype=bool)
    mask = np.array([1, 1, 0, 1, 1, 1], dtype=bool)
    in_order = _multi([0, 0, 1, 3, 3, 3], [0, 2, 1, 0, 1, 2], 3, overturned)
    shuffled = _multi([3, 0, 3, 1, 0, 3], [0, 0, 1, 1, 2, 2], 3, overturned)
    assert shuffled.pair_starts is None
    want = in_order.tally(mask)
    assert want.tolist() == [[0, 0], [1, 1], [0, 2], [1, 1]]
    for column in (in_order, shuffled):
        assert np.array_equal(column.tally(mask, np.flatnonzero(mask)), want)
    empty = _multi([], [], 2, overturned)
    assert empty.tally(mask, np.flatnonzero(mask)).tolist() == [[0, 0]] * 3


def test_year_undated_row(data):
    """The undated bucket comes from row 0 of the year's tally: the docs with no year."""
    mask = np.ones(data.n_docs, dtype=bool)
    (undated,) = [fv for fv in count_facets(data, mask, {})["year"] if fv.value == UNDATED] or [None]
    none = data.columns["year"].codes < 0
    if undated is None:
        assert not none.any()
    else:
        assert undated.count == int(none.sum())
        assert undated.overturned == int((none & data.overturned.astype(bool)).sum())


def _by_bincount(column: facetdata.Column, mask: np.ndarray) -> np.ndarray:
    """The tally by keys alone (the reference of the bitmap route)."""
    keys = column.keys[mask[column.docs]] if column.multi else column.keys[mask]
    return np.bincount(keys, minlength=2 * (len(column.values) + 1)).reshape(-1, 2)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=SHARES)
def test_tally_by_bitmaps_equals_bincount(data, seed, share):
    mask = _mask(data.n_docs, seed, share)
    docs = np.flatnonzero(mask)
    for facet in FACETS:
        column = data.columns[facet]
        want = _by_bincount(column, mask)
        assert column.bits is not None, facet
        assert np.array_equal(column._tally_bits(mask, None), want), facet
        assert np.array_equal(column._tally_bits(None, docs), want), facet
        assert np.array_equal(column.tally(mask, docs), want), facet


def test_bitmaps_edges():
    """Docs past the last doc with a value, a mask longer than the bitmaps, a value given twice."""
    overturned = np.array([0, 1, 0, 1, 0, 1, 1], dtype=bool)
    mask = np.array([1, 1, 0, 1, 1, 1, 1], dtype=bool)
    column = _multi([0, 0, 1, 3, 3, 3], [0, 2, 1, 0, 1, 2], 3, overturned)
    for m in (mask, np.concatenate([mask, np.ones(200, dtype=bool)])):
        assert np.array_equal(column._tally_bits(m, None), _by_bincount(column, m))
        assert np.array_equal(column._tally_bits(None, np.flatnonzero(m)), _by_bincount(column, m))
    twice = _multi([0, 0, 1], [1, 1, 0], 2, overturned)
    assert twice.bits is None
    assert np.array_equal(twice.tally(mask), _by_bincount(twice, mask))
