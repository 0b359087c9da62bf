"""Build CPU per document and peak memory: `build.write_snapshot` from the records of a cached bench corpus.

    python -m scripts.bench_build [--work DIR] [--items N] [--jobs J] [--part-docs N] [--repeat R]

Reads the records of the index `python -m scripts.bench --items N --work DIR` left in
WORK/items-N/index (its letter store), then writes a fresh snapshot from them as
`imr index` does (`--jobs` forked writers, one part each unless `--part-docs`
caps them) into a temporary folder beside it, R times. Prints, per run, the CPU
seconds of this process and its reaped writers (less the memory sampler's own),
CPU-ms per document, wall seconds, the peak PSS of the process tree sampled every
0.5 s (and of its largest writer), and the load average before and after: the
build row of the issue-32 table (docs/performance.md, Building). Run it from a
worktree at another commit (`PYTHONPATH=<that worktree>`) for a before/after pair.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

from indexer.index import build
from indexer.index.stores import letterstore, snapshots
from indexer.index.values.documents import document_count
from indexer.settings import Settings
from scripts.bench_rebuild import PeakSampler


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/imr-bench"))
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--part-docs", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    work = args.work / f"items-{args.items}"
    records = letterstore.read_all(snapshots.current(Settings(index_dir=work / "index")))
    docs = sum(document_count(r) for r in records)
    for run in range(args.repeat):
        target = work / f"build-cpu-{os.getpid()}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        load, cpu, wall = os.getloadavg(), _cpu(), time.perf_counter()
        try:
            with PeakSampler() as sampler:
                build.write_snapshot(target, records, args.jobs, part_docs=args.part_docs)
            cpu, wall = _cpu() - cpu - sampler.cpu, time.perf_counter() - wall
        finally:
            shutil.rmtree(target, ignore_errors=True)
        print(f"run {run + 1}: {docs:,} documents, {cpu:.1f} CPU-s ({1000 * cpu / docs:.3f} CPU-ms a document; "
              f"sampling {sampler.cpu:.1f} s excluded), wall {wall:.1f} s, peak PSS {sampler.peak:,.0f} MB "
              f"(largest writer {sampler.peak_child:,.0f} MB, parent {sampler.peak_parent:,.0f} MB), "
              f"load {load[0]:.1f} -> {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
