"""A request leaves no reference cycles behind (issue 32).

What a request makes and drops must go by reference counting: a cycle (a nested function
calling itself, Whoosh's `Query.accept`) waits for the cyclic collector, whose young
collections then ran every dozen requests at 0.5-2 ms each,
on the requests' p95 (docs/performance.md, "Reference cycles and the collector, sixth part").
"""
from __future__ import annotations

import gc

import pytest

from indexer.search.query.request import parse_request
from indexer.search.searcher import Searcher

# Plain words, a phrase, a prefix, a dose, a compound, a concept, a decision word, a misspelling,
# nonsense, Whoosh syntax (groups, negation, a field), a case number, and no words at all.
QUERIES = ["knee", "lumbar mri", '"physical therapy"', "inj*", "norco 10/325", "upheld acupuncture",
           "acupunture", "xyzzyq", "L5-S1 fusion", "ambien 10 mg qhs", "left knee arthroscopy",
           "(knee OR hip) AND surgery", "-knee pain", "category:Pharmaceuticals", "CM16-0239479", ""]


@pytest.fixture(scope="module")
def searcher(built_index) -> Searcher:
    return Searcher(built_index)


def _cyclic_garbage(run) -> int:
    """Objects the cyclic collector finds unreachable after one `run()` (run once before to warm)."""
    run()
    gc.collect()
    gc.disable()
    try:
        run()
        return gc.collect()
    finally:
        gc.enable()


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("extra", [{}, {"f.decision": "Upheld"}, {"literal": "1"}, {"page": "2", "sort": "newest"}])
def test_a_search_leaves_no_cycles(searcher, q, extra):
    request = parse_request({"q": q, **extra})
    assert _cyclic_garbage(lambda: searcher.search(request)) == 0
