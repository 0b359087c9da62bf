"""Where a rebuild's memory is: smaps_rollup of the parent and each writer over time, and tracemalloc by line.

    python -m scripts.memprobe --work DIR [--items N] [--part-docs N] [--jobs J] [--trace] [--out FILE]

Runs the same forced rebuild as `python -m scripts.bench --rebuild-only` (the
cached bench corpus under WORK, `conductor.rebuild(force=True)` into a fresh
index) while a thread samples /proc/PID/smaps_rollup of this process and every
descendant every `--interval` s: Pss split into anonymous and file-backed. The
parent's phases (writing the parts, assembling them, verifying, ...) are marked
by wrapping the library calls, so each sample says where the parent was. With
`--trace`, every writer (and the parent) runs under `tracemalloc` and prints
its largest allocations by file and line at the end of its adds, while its
postings are written and when it finishes (tracemalloc slows the build ~2× and
adds its own memory: compare its figures with each other, not with a plain run).
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

FIELDS = ("Rss", "Pss", "Pss_Anon", "Pss_File")
TOP = 25


def rollup(pid: int) -> dict[str, int] | None:
    """smaps_rollup's Rss/Pss/Pss_Anon/Pss_File of one process in MB, None when it is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in FIELDS:
                    out[key] = int(value.split()[0]) / 1024
    except OSError:
        return None
    return out


def descendants(pid: int) -> list[int]:
    """Every process below `pid`."""
    from scripts.bench_rebuild import children

    found, todo = [], children(pid)
    while todo:
        kid = todo.pop()
        found.append(kid)
        todo += children(kid)
    return found


class Timeline:
    """Samples every process of the tree; `phase` is the parent's current step."""

    def __init__(self, interval: float):
        self.interval, self.phase, self.rows = interval, "start", []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            at = time.monotonic() - self.started
            for pid in [me] + descendants(me):
                found = rollup(pid)
                if found:
                    self.rows.append({"t": round(at, 2), "pid": pid, "who": "parent" if pid == me else "child",
                                      "phase": self.phase, **found})
            self._stop.wait(self.interval)

    def __enter__(self) -> "Timeline":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()


def top_lines(label: str, limit: int = TOP) -> None:
    """Print the largest live allocations by file:line, and tracemalloc's totals."""
    if not tracemalloc.is_tracing():
        return
    snap = tracemalloc.take_snapshot().filter_traces((tracemalloc.Filter(False, tracemalloc.__file__),))
    stats = snap.statistics("lineno")
    current, peak = tracemalloc.get_traced_memory()
    lines = [f"== pid {os.getpid()} {label}: traced {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB), "
             f"rss {(rollup(os.getpid()) or {}).get('Rss', 0):.0f} MB"]
    for stat in stats[:limit]:
        frame = stat.traceback[0]
        where = frame.filename.split("site-packages/")[-1].split("wt-mem11/")[-1]
        lines.append(f"  {stat.size / 2**20:8.1f} MB {stat.count:>10,} blocks  {where}:{frame.lineno}")
    print("\n".join(lines), file=sys.stderr, flush=True)


def _marked(timeline: Timeline, name: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        before, timeline.phase = timeline.phase, name
        try:
            return fn(*args, **kwargs)
        finally:
            top_lines(f"parent after {name}")
            timeline.phase = before
    return wrapper


def instrument(timeline: Timeline, trace: bool) -> None:
    """Mark the parent's phases; with `trace`, tracemalloc in every writer at its key moments."""
    from indexer.index import batchwriter, blocks, build, parts
    from indexer.index.stores import letterstore, surfacewords, facetdata
    from indexer.pipeline import conductor

    conductor.concepts.mine_letters = _marked(timeline, "mine vocabulary", conductor.concepts.mine_letters)
    build.write_whoosh = _marked(timeline, "write parts + assemble", build.write_whoosh)
    parts.assemble = _marked(timeline, "assemble", parts.assemble)
    letterstore.merge = _marked(timeline, "assemble: letter store", letterstore.merge)
    surfacewords.merge = _marked(timeline, "assemble: surface words", surfacewords.merge)
    facetdata.write_concatenated = _marked(timeline, "assemble: facets", facetdata.write_concatenated)
    build.verify = _marked(timeline, "verify + hit store", build.verify)
    conductor.audit.disagreements = _marked(timeline, "audit", conductor.audit.disagreements)
    if not trace:
        return
    write_part, commit, write_postings = parts.write_part, batchwriter.BatchWriter.commit, blocks.write_postings

    def traced_part(*args, **kwargs):
        if os.getpid() != timeline_pid:
            tracemalloc.stop()            # a fresh trace per writer (the parent's was copied by fork)
            tracemalloc.start(1)
        try:
            return write_part(*args, **kwargs)
        finally:
            top_lines("writer end")

    def traced_commit(self):
        top_lines("writer: documents added, before commit")
        return commit(self)

    def traced_postings(writer, pool, *args, **kwargs):
        windows = pool.windows

        def counted():
            for i, window in enumerate(windows()):
                if i in (0, 8, 64):
                    top_lines(f"writer: postings window {i}")
                yield window
        pool.windows = counted
        try:
            return write_postings(writer, pool, *args, **kwargs)
        finally:
            top_lines("writer: postings written")
            del pool.windows

    timeline_pid = os.getpid()
    parts.write_part = traced_part
    batchwriter.BatchWriter.commit = traced_commit
    blocks.write_postings = traced_postings
    tracemalloc.start(1)


def _peaks(rows: list[dict], key) -> dict:
    """key(row) -> the row of that key with the largest PSS."""
    out: dict = {}
    for row in rows:
        if row["Pss"] > out.get(key(row), {"Pss": -1})["Pss"]:
            out[key(row)] = row
    return out


def summary(rows: list[dict]) -> None:
    """Per process its peak Pss (and the anon/file split at that peak); per parent phase the parent's peak."""
    by_pid = _peaks(rows, lambda row: row["pid"])
    for pid, row in sorted(by_pid.items(), key=lambda kv: kv[1]["t"]):
        print(f"{row['who']:6} {pid:>7}: peak Pss {row['Pss']:7.0f} MB (anon {row['Pss_Anon']:7.0f}, "
              f"file {row['Pss_File']:6.0f}; Rss {row['Rss']:7.0f}) at {row['t']:7.1f} s, parent in '{row['phase']}'")
    phases = _peaks([row for row in rows if row["who"] == "parent"], lambda row: row["phase"])
    for phase, row in sorted(phases.items(), key=lambda kv: kv[1]["t"]):
        print(f"parent in {phase!r:34}: peak Pss {row['Pss']:7.0f} MB (anon {row['Pss_Anon']:7.0f}, "
              f"file {row['Pss_File']:6.0f}) at {row['t']:7.1f} s")
    totals: dict[float, float] = {}
    for row in rows:
        totals[row["t"]] = totals.get(row["t"], 0) + row["Pss"]
    if totals:
        t, peak = max(totals.items(), key=lambda kv: kv[1])
        print(f"tree peak Pss {peak:,.0f} MB at {t:.1f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--part-docs", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--trace", action="store_true", help="tracemalloc by line in the parent and each writer")
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--out", type=Path, default=None, help="the timeline as JSON lines")
    args = ap.parse_args()

    from indexer.pipeline import conductor
    from indexer.settings import Settings
    from scripts.bench import corpus

    work = args.work / f"items-{args.items}"
    settings = Settings(index_dir=work / f"probe-{os.getpid()}", cache_dir=args.work / "cache")
    settings = settings.with_(part_docs=args.part_docs or settings.part_docs,
                              **({"jobs": args.jobs} if args.jobs else {}))
    dirs, _ = corpus(args.work, args.items, settings)
    conductor.list_letters(dirs, settings)
    print(f"load average before: {os.getloadavg()}", flush=True)
    import resource

    def cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    started, all_cpu = time.process_time(), cpu()
    with Timeline(args.interval) as timeline:
        instrument(timeline, args.trace)
        report = conductor.rebuild(dirs, settings, force=True)
    print(f"{report.documents:,} documents, CPU {cpu() - all_cpu:.1f} s with the writers (the parent's "
          f"{time.process_time() - started:.1f} s, sampling included), wall "
          f"{time.monotonic() - timeline.started:.1f} s; load average after: {os.getloadavg()}")
    summary(timeline.rows)
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in timeline.rows))
    import shutil

    shutil.rmtree(settings.index_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
