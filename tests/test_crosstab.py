"""The statistics table (indexer.search.crosstab) against counts made from the letters' own labels.

Every cell of one- and two-dimension tables, with and without a query and filters, is
recounted here in plain Python from the records (the hand labels of the real letters, the
session index's letter store), item by item: items, overturned items, distinct letters.
The Wilson intervals are checked against published values and a bisection of their definition.
"""
from __future__ import annotations

import math
from collections import defaultdict

import pytest

from indexer.index.stores import letterstore
from indexer.index.stores.snapshots import current
from indexer.index.values.documents import ITEM_VALUES, LETTER_VALUES
from indexer.fields import MULTI_VALUED
from indexer.results import SearchRequest
from indexer.search.crosstab import NONE
from indexer.intervals import Z95, wilson
from indexer.search.query.request import UNDATED
from indexer.search.searcher import Searcher
from indexer.settings import Settings

CASES = [
    ("", {}, ["outcome"]),
    ("", {}, ["year", "category"]),
    ("", {}, ["category", "specialty"]),          # multi x multi
    ("", {}, ["quarter", "decision"]),
    ("", {"decision": ["Overturned"]}, ["month"]),
    ("physical therapy", {}, ["specialty", "decision"]),
    ("", {"category": ["Physical therapy"]}, ["year", "specialty"]),
    ("mri", {"outcome": ["Upheld", "Partially overturned"]}, ["state", "age_band"]),
    ("", {"specialty": ["Pain Management"]}, ["guideline_source", "gender"]),
]


def _values(name: str, record: dict, item: dict) -> list[str]:
    """A dimension's values of one item, from its record (the labels), as a reader would count them."""
    date = record.get("decision_date") or ""
    if name in ("month", "quarter"):
        if len(date) < 7:
            return [UNDATED]
        year, month = int(date[:4]), int(date[5:7])
        return [f"{year}-{month:02d}" if name == "month" else f"{year}-Q{(month - 1) // 3 + 1}"]
    raw = LETTER_VALUES[name](record) if name in LETTER_VALUES else ITEM_VALUES[name](item)
    if raw is None or raw == "":
        return [UNDATED if name == "year" else NONE]
    if name in MULTI_VALUED:
        return list(dict.fromkeys(v.strip() for v in str(raw).split(",") if v.strip()))
    return [str(raw)]


def _reference(records: dict[str, dict], doc_ids: list[str], by: list[str]) -> dict:
    """values -> [items, overturned, letters] recounted from the records for the matching items."""
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, set()])
    for doc_id in doc_ids:
        lid, _, number = doc_id.rpartition("#")
        record = records[lid]
        items = record.get("items") or []
        item = items[int(number) - 1] if int(number) else {}
        combos = [()]
        for name in by:
            combos = [c + (v,) for c in combos for v in _values(name, record, item)]
        for combo in combos:
            cell = cells[combo]
            cell[0] += 1
            cell[1] += item.get("decision") == "Overturned"
            cell[2].add(lid)
    return {k: (n, o, len(letters)) for k, (n, o, letters) in cells.items()}


def _check(settings: Settings, records: list[dict]) -> int:
    by_id = {r["id"]: r for r in records}
    checked = 0
    with Searcher(settings) as searcher:
        for q, filters, by in CASES:
            request = SearchRequest(q=q, filters=filters)
            doc_ids = [hit.doc_id for hit in searcher.iter_hits(request)]
            table = searcher.crosstab(request, by)
            want = _reference(by_id, doc_ids, by)
            got = {c.values: (c.items, c.overturned, c.letters) for c in table.cells}
            assert got == want, (q, filters, by)
            assert table.items == len(doc_ids)
            assert table.letters == len({d.rpartition("#")[0] for d in doc_ids})
            for cell in table.cells:
                low, high = wilson(cell.overturned, cell.items)
                assert (cell.low, cell.high) == pytest.approx((low, high))
            checked += len(table.cells)
    return checked


@pytest.fixture(scope="module")
def labelled(tmp_path_factory, real_records, publish) -> tuple[Settings, list[dict]]:
    """An index of the real letters' hand labels, and the labels."""
    settings = Settings(index_dir=tmp_path_factory.mktemp("labelled"))
    records = real_records()
    publish(settings, records)
    return settings, records


def test_real_letters_every_cell_equals_the_labels(labelled):
    settings, _ = labelled
    records = letterstore.read_all(current(settings))
    assert _check(settings, records) > 50


def test_real_letter_outcomes_count_letters(labelled):
    settings, records = labelled
    table = Searcher(settings).crosstab(SearchRequest(), ["outcome"])
    letters = {c.values[0]: c.letters for c in table.cells}
    want: dict[str, int] = defaultdict(int)
    for record in records:
        want[record["outcome"] or NONE] += 1
    assert letters == dict(want)
    assert sum(letters.values()) == table.letters == len(records)
    assert sum(c.items for c in table.cells) == table.items == sum(max(1, len(r["items"])) for r in records)


def test_session_index_every_cell_equals_its_letters(built_index):
    records = letterstore.read_all(current(built_index))
    assert _check(built_index, records) > 20


def _bisect_bound(k: int, n: int, upper: bool) -> float:
    """A Wilson bound from its definition: the p where |k/n - p| = z * sqrt(p (1 - p) / n)."""
    phat = k / n
    lo, hi = (phat, 1.0) if upper else (0.0, phat)

    def inside(p: float) -> bool:
        return abs(phat - p) <= Z95 * math.sqrt(p * (1 - p) / n)

    for _ in range(200):
        mid = (lo + hi) / 2
        if inside(mid) == upper:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (1, 2), (3, 7), (0, 10), (10, 10), (81, 263), (450, 1000)])
def test_wilson_matches_its_definition(k, n):
    low, high = wilson(k, n)
    assert low == pytest.approx(_bisect_bound(k, n, upper=False), abs=1e-9)
    assert high == pytest.approx(_bisect_bound(k, n, upper=True), abs=1e-9)


def test_wilson_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662.
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    # 15/148 -> 0.0624 to 0.1605 (ibid.)
    assert wilson(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert wilson(0, 0) is None


@pytest.mark.parametrize("q,filters", [("", {}), ("physical therapy", {}), ("", {"category": ["Pharmaceuticals"]}),
                                       ("", {"outcome": ["Upheld"], "specialty": ["Pain Management"]})])
def test_letter_level_facets_count_letters(labelled, q, filters):
    """Every letter-level facet value of a search carries its distinct letters, recounted from the labels
    (each facet counted without its own selection, as its item counts are)."""
    from indexer.search.units import LETTER, level

    settings, _ = labelled
    records = {r["id"]: r for r in letterstore.read_all(current(settings))}
    with Searcher(settings) as searcher:
        result = searcher.search(SearchRequest(q=q, filters=filters))
        for facet, values in result.facets.items():
            if level(facet) != LETTER:
                assert all(v.letters is None for v in values), facet
                continue
            others = {f: v for f, v in filters.items() if f != facet}
            doc_ids = [h.doc_id for h in searcher.iter_hits(SearchRequest(q=q, filters=others))]
            want = _reference(records, doc_ids, [facet])
            for v in values:
                items, _, letters = want.get((str(v.value),), (0, 0, 0))
                assert (v.count, v.letters) == (items, letters), (facet, v.value)


def test_outcome_facet_counts_letters_as_imr_stats_does(labelled):
    settings, records = labelled
    result = Searcher(settings).search(SearchRequest())
    letters = {v.value: v.letters for v in result.facets["outcome"]}
    want: dict[str, int] = defaultdict(int)
    for record in records:
        if record["outcome"]:
            want[record["outcome"]] += 1
    assert letters == dict(want)
