"""The whole-rebuild benchmark: wall, CPU and peak memory (PSS of the process tree) of one forced rebuild.

    python -m scripts.bench --rebuild-only [--items N | --large | --huge] [--workers W]
    python -m scripts.bench --segments 2,8,16 [--items N | --large] [--queries Q]

Runs `conductor.rebuild(force=True)` from the record cache (the files' hashes
remembered beforehand, outside the timing) into a fresh index under WORK, while
a thread samples, every `INTERVAL` s, the Pss of /proc/PID/smaps_rollup summed
over this process and all its descendants (forked writers, parse workers, Dask
workers of a local cluster). PSS splits shared pages between the processes that
map them, so the sum is what the tree really takes. CPU is this process's plus
its reaped children's (a local cluster is closed before it is read, so its
workers are counted too, start-up included); the sampling's own CPU is reported
apart (it is in the parent's). With `--workers W` the rebuild runs
on a LocalCluster of W single-thread worker processes (`--scheduler`).
"""
from __future__ import annotations

import os
import resource
import shutil
import threading
import time
from pathlib import Path

INTERVAL = 0.5


def children(pid: int) -> list[int]:
    """The pids of the direct children of `pid` (none when it is gone)."""
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += [int(k) for k in fh.read().split()]
    except OSError:
        pass
    return kids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(root: int | None = None) -> tuple[float, float, float]:
    """(PSS of the whole process tree under `root`, of `root` alone, of its largest descendant), in MB."""
    root = root or os.getpid()
    todo, total, own, largest = [root], 0, _pss_kb(root), 0
    while todo:
        pid = todo.pop()
        pss = own if pid == root else _pss_kb(pid)
        total += pss
        if pid != root:
            largest = max(largest, pss)
        todo += children(pid)
    return total / 1024, own / 1024, largest / 1024


class PeakSampler:
    """Samples tree_pss_mb in a thread while it is entered; `peak`, `peak_parent`, `parent_at_peak`
    (the parent's share of the tree's peak) and `peak_child` (the largest process below it: a
    writer) in MB, and `cpu`, the seconds of CPU the sampling itself took (reading smaps_rollup
    of GB-sized processes: ~30 ms a sample, ~6% of a core, counted in the parent's CPU)."""

    def __init__(self) -> None:
        self.peak = self.peak_parent = self.parent_at_peak = self.peak_child = self.cpu = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.thread_time()
            total, own, child = tree_pss_mb()
            if total > self.peak:
                self.peak, self.parent_at_peak = total, own
            self.peak_parent, self.peak_child = max(self.peak_parent, own), max(self.peak_child, child)
            self.samples += 1
            self.cpu += time.thread_time() - started
            self._stop.wait(INTERVAL)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()


def _cpu(who: int | None = None) -> float:
    """CPU seconds of this process and its reaped children (or of `who` alone)."""
    if who is not None:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime
    return _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)


def bench_rebuild(work: Path, dirs: list[Path], settings, workers: int = 0, keep: bool = False) -> dict:
    """One forced whole rebuild of `dirs` into a fresh WORK/rebuild index (`keep`: into the
    settings' index, kept for the query benchmark): wall, CPU, peak PSS."""
    import contextlib

    from indexer.pipeline import conductor

    # runs side by side do not share an index
    index = Path(settings.index_dir) if keep else work / f"rebuild-{os.getpid()}"
    settings = settings.with_(index_dir=index)
    conductor.list_letters(dirs, settings)                  # remember every file's hash, untimed
    cluster = contextlib.nullcontext()
    if workers:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               local_directory=str(work / "dask"), dashboard_address=":0")
    cpu, own = _cpu(), _cpu(resource.RUSAGE_SELF)
    with PeakSampler() as sampler:
        with cluster:
            if workers:
                settings = settings.with_(scheduler=cluster.scheduler_address)
            wall = time.perf_counter()
            report = conductor.rebuild(dirs, settings, force=True)
            wall = time.perf_counter() - wall
    cpu, own = _cpu() - cpu, _cpu(resource.RUSAGE_SELF) - own
    out = {"parent_cpu": own, "letters": report.letters, "documents": report.documents, "wall": wall, "cpu": cpu,
           "peak_mb": sampler.peak, "parent_mb": sampler.peak_parent, "samples": sampler.samples,
           "parent_at_peak_mb": sampler.parent_at_peak, "child_mb": sampler.peak_child,
           "sampling_cpu": sampler.cpu,
           "workers": workers, "snapshot": report.snapshot, "segments": _segments(settings)}
    if not keep:
        shutil.rmtree(index, ignore_errors=True)
    return out


def _segments(settings) -> int:
    from indexer.index.stores import snapshots

    with snapshots.open_whoosh(snapshots.current(settings)).reader() as reader:
        return len(reader.leaf_readers())


def report_rebuild_run(r: dict) -> None:
    """One line per run, and the cost per 100k documents."""
    where = f"LocalCluster of {r['workers']} workers" if r["workers"] else "local"
    per = 100_000 / max(1, r["documents"])
    print(f"whole rebuild ({where}): {r['letters']:,} letters, {r['documents']:,} documents "
          f"in {r.get('segments', '?')} segments; "
          f"wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s (incl. children; the parent's own "
          f"{r.get('parent_cpu', 0):.1f} s, of which sampling memory {r.get('sampling_cpu', 0):.1f} s); "
          "peak PSS of the process tree "
          f"{r['peak_mb']:,.0f} MB (the parent's share of it {r.get('parent_at_peak_mb', 0):,.0f} MB; "
          f"the parent's peak {r['parent_mb']:,.0f} MB, a writer's {r.get('child_mb', 0):,.0f} MB; "
          f"{r['samples']} samples); "
          f"per 100k documents: {r['wall'] * per:.1f} s wall, {r['cpu'] * per:.1f} s CPU", flush=True)


def bench_segments(work: Path, dirs: list[Path], settings, counts: list[int], run_queries) -> None:
    """The same letters built as each count of segments in turn, and the query classes timed on each:
    what a query pays per segment (a cluster build writes one segment per worker thread)."""
    from indexer.index import build
    from indexer.index.stores import letterstore, snapshots
    from indexer.pipeline import conductor

    settings = settings.with_(index_dir=work / f"segments-{os.getpid()}")
    conductor.list_letters(dirs, settings)
    conductor.rebuild(dirs, settings, force=True)
    records = letterstore.read_all(snapshots.current(settings))
    try:
        for n in counts:
            building = snapshots.new_snapshot_dir(settings)
            cpu, wall = _cpu(), time.perf_counter()
            documents = build.write_snapshot(building, records, settings.jobs, chunks=n)
            cpu, wall = _cpu() - cpu, time.perf_counter() - wall
            snapshots.publish(settings, snapshots.finish(building))
            print(f"\n== {n} segments: {documents:,} documents built in {wall:.1f} s wall, {cpu:.1f} s CPU",
                  flush=True)
            run_queries(settings.index_dir, records, documents)
    finally:
        shutil.rmtree(settings.index_dir, ignore_errors=True)
