#!/usr/bin/env python3
"""Facet counting by full-length masks vs by matched doc numbers, on an index's facet arrays.

    python scripts/bench_facet_counts.py INDEX_DIR [--shares 0.001,0.01,...]

For random masks matching each share of the documents, the CPU of counting all
facets both ways (best of 7 runs of 10); ratio = by docs / by mask. The share
where the ratio crosses 1 is facets.COUNT_BY_DOCS_BELOW's measurement.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from indexer.fields import FACETS
from indexer.index.stores import facetdata, snapshots
from indexer.settings import Settings


def best_cpu_ms(fn, runs: int = 7, reps: int = 10) -> float:
    """The best mean CPU ms of `reps` calls over `runs` runs."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        for _ in range(reps):
            fn()
        best = min(best, (time.process_time() - start) / reps)
    return best * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("--shares", default="0.001,0.01,0.03,0.1,0.3,0.5,0.6,0.7,0.9")
    args = ap.parse_args()
    data = facetdata.load(snapshots.current(Settings(index_dir=args.index_dir)))
    columns = [data.columns[f] for f in FACETS]
    rng = np.random.default_rng(0)
    print(f"{data.n_docs} docs, {len(columns)} facets")
    for share in (float(s) for s in args.shares.split(",")):
        mask = rng.random(data.n_docs) < share
        docs = np.flatnonzero(mask)
        assert all(np.array_equal(c.tally(mask), c.tally(mask, docs)) for c in columns)
        by_mask = best_cpu_ms(lambda: [c.tally(mask) for c in columns])
        by_docs = best_cpu_ms(lambda: [c.tally(mask, np.flatnonzero(mask)) for c in columns])
        print(f"share {share:6.3f}  by mask {by_mask:7.3f} ms  by docs {by_docs:7.3f} ms  "
              f"ratio {by_docs / by_mask:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
