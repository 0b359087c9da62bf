#!/usr/bin/env python3
"""The statistics table (indexer.search.crosstab) vs the same table by SQL GROUP BY in SQLite.

    python scripts/bench_crosstab.py [--items 100000,1000000] [--runs 20] [--share 0.3] [--index DIR]

Facet arrays of N items are made directly in numpy with the corpus's shape (letters of 1-5
items, ~2.2 on average; decision years 2013-2024, 1% undated; a multi-valued treatment
category, 1.3 a item over 40 values; a multi-valued letter-level specialty; ~10% overturned),
or read from a built index (--index). For a search matching every item and one matching a
random SHARE of them, the two-dimension table year x category (items, overturned, distinct
letters per cell) is computed by `crosstab` and, as the baseline, by one SQL GROUP BY over the
same rows in an in-memory SQLite (docs(doc, letter, year, overturned) LEFT JOIN
doc_category(doc, category), the matching docs in an indexed temporary table made before the
clock starts). Both answers are checked equal; the CPU of each call (time.process_time, one
process) is reported as p50 and p95 over --runs calls.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

from indexer.fields import FACETS, MULTI_VALUED
from indexer.index.stores import facetdata
from indexer.search.crosstab import NONE, crosstab, letter_ordinals
from indexer.search.query.request import UNDATED

BY = ["year", "category"]


def synthetic(n_items: int, seed: int = 0) -> tuple[facetdata.FacetData, np.ndarray]:
    """Facet arrays and letter ordinals of n_items items shaped like the corpus."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4, 5], p=[0.35, 0.3, 0.2, 0.1, 0.05], size=n_items)
    sizes = sizes[np.cumsum(sizes) <= n_items]
    sizes = np.append(sizes, n_items - sizes.sum()) if sizes.sum() < n_items else sizes
    n_letters = len(sizes)
    letters = np.repeat(np.arange(n_letters), sizes)
    firsts = np.zeros(n_items, dtype=bool)
    firsts[np.concatenate([[0], np.cumsum(sizes)[:-1]])] = True
    years = rng.integers(2013, 2025, n_letters)
    days = years * 10000 + rng.integers(1, 13, n_letters) * 100 + rng.integers(1, 29, n_letters)
    days[rng.random(n_letters) < 0.01] = 0
    decided = days[letters].astype(np.int64)
    overturned = rng.random(n_items) < 0.1
    arrays: dict[str, np.ndarray] = {"n_docs": np.array([n_items]), "overturned": overturned, "decided": decided}
    for facet in FACETS:
        if facet == "year":
            values = np.array([str(y) for y in range(2013, 2025)])
            arrays["year.codes"] = np.where(decided > 0, decided // 10000 - 2013, -1).astype(np.int32)
        elif facet == "decision":
            values = np.array(["Overturned", "Upheld"])
            arrays["decision.codes"] = np.where(overturned, 0, 1).astype(np.int32)
        elif facet in MULTI_VALUED:
            k = 40 if facet == "category" else 25
            values = np.array([f"{facet} {i:02d}" for i in range(k)])
            per_letter = facet != "category"
            units = n_letters if per_letter else n_items
            first = np.minimum(rng.zipf(1.6, units) - 1, k - 1)
            second = rng.integers(0, k, units)
            two = (rng.random(units) < 0.3) & (second != first)
            unit_of_pair = np.concatenate([np.arange(units), np.flatnonzero(two)])
            codes = np.concatenate([first, second[two]])
            if per_letter:      # every item of the letter carries the letter's values
                starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
                reps = sizes[unit_of_pair]
                within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
                docs = np.repeat(starts[unit_of_pair], reps) + within
                codes = np.repeat(codes, reps)
            else:
                docs = unit_of_pair
            order = np.lexsort((codes, docs))
            arrays[f"{facet}.docs"] = docs[order].astype(np.int32)
            arrays[f"{facet}.pcodes"] = codes[order].astype(np.int32)
        else:
            values = np.array(["a", "b", "c"])
            arrays[f"{facet}.codes"] = rng.integers(-1, 3, n_items).astype(np.int32)
        arrays[f"{facet}.values"] = values
    return facetdata.from_arrays(arrays), letter_ordinals(firsts)


def sqlite_of(data: facetdata.FacetData, letters: np.ndarray) -> sqlite3.Connection:
    """The same rows in SQLite: docs(doc, letter, year, overturned) and doc_category(doc, category)."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE docs (doc INTEGER PRIMARY KEY, letter INTEGER, year TEXT, overturned INTEGER)")
    con.execute("CREATE TABLE doc_category (doc INTEGER, category TEXT)")
    year = data.columns["year"]
    names = np.array([*year.values, None], dtype=object)
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                    zip(range(data.n_docs), letters.tolist(), names[year.codes].tolist(),
                        data.overturned.astype(int).tolist()))
    cat = data.columns["category"]
    cats = np.array(cat.values, dtype=object)
    con.executemany("INSERT INTO doc_category VALUES (?, ?)", zip(cat.docs.tolist(), cats[cat.pcodes].tolist()))
    con.execute("CREATE INDEX doc_category_doc ON doc_category(doc)")
    con.commit()
    return con


GROUP_BY = """
SELECT COALESCE(d.year, ?), COALESCE(c.category, ?), COUNT(*), SUM(d.overturned), COUNT(DISTINCT d.letter)
FROM hits h JOIN docs d ON d.doc = h.doc LEFT JOIN doc_category c ON c.doc = d.doc
GROUP BY 1, 2"""


def sql_table(con: sqlite3.Connection) -> dict:
    return {(y, c): (n, o, ltr) for y, c, n, o, ltr in con.execute(GROUP_BY, (UNDATED, NONE))}


def set_hits(con: sqlite3.Connection, mask: np.ndarray) -> None:
    con.execute("DROP TABLE IF EXISTS hits")
    con.execute("CREATE TEMP TABLE hits (doc INTEGER PRIMARY KEY)")
    con.executemany("INSERT INTO hits VALUES (?)", ((int(d),) for d in np.flatnonzero(mask)))


def cpu_ms(fn, runs: int) -> tuple[float, float, object]:
    """(p50, p95) CPU ms of `runs` calls of fn, and its last answer."""
    times, answer = [], None
    for _ in range(runs):
        start = time.process_time()
        answer = fn()
        times.append((time.process_time() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95)), answer


def bench(data: facetdata.FacetData, letters: np.ndarray, runs: int, share: float, sql_runs: int) -> list[str]:
    """Lines of the comparison for one set of arrays."""
    con = sqlite_of(data, letters)
    rng = np.random.default_rng(1)
    lines = []
    for name, mask in (("every item", np.ones(data.n_docs, dtype=bool)),
                       (f"{share:.0%} of the items", rng.random(data.n_docs) < share)):
        ours50, ours95, table = cpu_ms(lambda: crosstab(data, letters, mask, BY), runs)
        set_hits(con, mask)
        sql50, sql95, want = cpu_ms(lambda: sql_table(con), sql_runs)
        got = {c.values: (c.items, c.overturned, c.letters) for c in table.cells}
        assert got == want, "crosstab and GROUP BY disagree"
        lines.append(f"  {name:>18}: {len(table.cells):4d} cells   crosstab p50 {ours50:8.1f} ms  p95 {ours95:8.1f} ms"
                     f"   SQLite GROUP BY p50 {sql50:8.1f} ms  p95 {sql95:8.1f} ms"
                     f"   (GROUP BY / crosstab at p95: {sql95 / max(ours95, 1e-6):.1f}x)")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", default="100000,1000000", help="sizes of synthetic arrays, comma-separated")
    ap.add_argument("--runs", type=int, default=20, help="calls of crosstab per measure")
    ap.add_argument("--sql-runs", type=int, default=5, help="calls of the GROUP BY per measure")
    ap.add_argument("--share", type=float, default=0.3, help="share of the items the second search matches")
    ap.add_argument("--index", type=Path, help="a built index's arrays instead of synthetic ones")
    args = ap.parse_args(argv)
    print(f"== statistics table {' x '.join(BY)}: crosstab (numpy) vs SQLite GROUP BY, CPU per call ==")
    if args.index:
        from indexer.index.stores import snapshots
        from indexer.search.searcher import Searcher, letters_of
        from indexer.settings import Settings

        snap = Searcher(Settings(index_dir=args.index)).current()
        data, letters = facetdata.load(snapshots.current(Settings(index_dir=args.index))), letters_of(snap)
        print(f"index {args.index}: {data.n_docs:,} items, {int(letters[-1]) + 1:,} letters")
        print("\n".join(bench(data, letters, args.runs, args.share, args.sql_runs)))
        return 0
    for n in (int(x) for x in args.items.split(",")):
        data, letters = synthetic(n)
        print(f"{n:,} items, {int(letters[-1]) + 1:,} letters (synthetic arrays)")
        print("\n".join(bench(data, letters, args.runs, args.share, args.sql_runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
