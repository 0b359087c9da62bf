#!/usr/bin/env python3
"""Benchmark: build, PDF extraction, query latency and memory, ours vs peers, on one corpus.

    python -m scripts.bench [--items N] [--queries Q] [--large] [--huge] [--work DIR]
                            [--queries-only | --no-queries | --rebuild-only [--workers W] [--keep] | --segments 2,8,16]
                            [--part-docs N]
                            [--real-pdfs K]
                            [--systems ours,whoosh,fts5,tantivy]
                            [--crosstab]

Synthetic letters (`indexer.synth`, txt) are written in chunks of 100 under
WORK/letters and parsed once through the pipeline into its record cache
(WORK/cache), so later runs of any size reuse them. Then, on that corpus:
a no-change `conductor.rebuild` (must re-extract nothing); our build
(`build.write_snapshot` from the cached records) vs a plain single-writer
Whoosh build of the same documents; pdfplumber vs pypdfium2 CPU per page;
50+ warm queries per class (common, rare, two-term AND, phrase, each also
with two facet filters; full facet counts and top-10 highlighting) on ours,
plain Whoosh groupedby, SQLite FTS5 and tantivy, each in a fresh process so
its peak RSS is its own. CPU times are process CPU (time.process_time).

It prints the load average (1/5/15 min) at the start, before each system's queries and at
the end, with a WARNING when the machine is busy (load over 0.75 a core): CPU times are the firm
figures, but a busy machine swells them too, so compare only runs measured side by side.

Sizes and run times on the 2-core machine (measured 2026-12-07 while helpers shared it, load 5-9:
wall times stretch with the load, CPU times much less):
    --items 10000 (default)  ~4.4k letters; corpus (synth + parse) ~40 s, once. Tantivy's build
        4 CPU-s; --queries-only with ours,tantivy ~1.5 min; FTS5 queries ~4 min; plain Whoosh
        ~50 min (its groupedby costs 1-10 s CPU a query).
    --large                  100k items, ~44k letters: corpus ~7 min once. A rebuild from the
        record cache (what a fresh --work, or a snapshot of another schema, starts with) ~13 min
        wall at load 7 (~260 CPU-s of building); tantivy's build 41 CPU-s (53 s wall);
        --queries-only with ours,tantivy ~1.3 min. FTS5 queries ~20 min; plain Whoosh hours
        (leave it out with --systems).
    --huge                   1M items, ~445k letters: corpus ~10 min once (synth 190 s + parse
        380 s; 10 GB of txt, 3 GB of cache); --rebuild-only ~55-77 min (6,200-6,900 CPU-s), peak
        2.0 GB with parts capped at 250k documents (docs/performance.md, Building);
        no-change rebuild ~1.5 min the first time (every file hashed), ~10 s after; queries (ours)
        ~5 min. Disk: ~9.6 GB a snapshot (three kept).
    --items 300 --queries 5  ~1 min (the test's tiny mode).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from scripts.bench_peers import PEERS, Ours, tantivy_available
from scripts.bench_report import (SYSTEMS, load_line, report_build, report_extraction, report_queries_header,
                          report_rebuild, report_system, show)
from indexer.index import build
from indexer.index.stores import letterstore, snapshots
from indexer.pipeline import conductor
from indexer.index.values.documents import document_count, item_count, item_documents
from indexer.settings import Settings
from indexer.ingest.sources import list_sources

CHUNK = 100                  # letters per generated folder
ITEMS_PER_LETTER = 2.2       # a slight underestimate of the synthetic mean, to overshoot N
SHARED = Path(__file__).resolve().parents[2] / "shared" / "letters"
CLASSES = ("common", "rare", "and", "phrase")


def _write_chunk(root: Path, k: int) -> None:
    from indexer.synth import LAYOUTS, write_letter

    folder = root / f"c{k:05d}"
    if (folder / ".done").exists():
        return
    (folder / "expected").mkdir(parents=True, exist_ok=True)
    for j in range(k * CHUNK, (k + 1) * CHUNK):
        # Global letter j: seed j // 100000 keeps case numbers unique up to 10M letters.
        write_letter(j // 100_000, j % 100_000, LAYOUTS[j % len(LAYOUTS)], "txt", folder)
    (folder / ".done").touch()


def corpus(work: Path, items: int, settings: Settings) -> tuple[list[Path], dict]:
    """Chunk folders holding at least `items` disputed items, all parsed into the cache."""
    root, took = work / "letters", {"synth_s": 0.0, "parse_s": 0.0}
    manifest_path = root / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    root.mkdir(parents=True, exist_ok=True)
    while True:
        k, have = 0, 0       # the shortest run of folders (parsed by any run) that is enough
        while f"c{k:05d}" in manifest and have < items:
            have += manifest[f"c{k:05d}"]
            k += 1
        if have >= items:
            return [root / f"c{c:05d}" for c in range(k)], took
        need = max(1, -(-(items - have) // int(CHUNK * ITEMS_PER_LETTER)))
        todo = list(range(k, k + need))
        started = time.perf_counter()
        with ProcessPoolExecutor(settings.jobs) as pool:
            list(pool.map(_write_chunk, [root] * len(todo), todo))
        took["synth_s"] += time.perf_counter() - started
        started = time.perf_counter()
        # References, not records: the records of a big corpus, once parsed here, would stay in this
        # process's heap (freed, not given back) and inflate the rebuild measured after it.
        outcomes = conductor.extract_all(list_sources([root / f"c{c:05d}" for c in todo]), settings, slim=True)
        took["parse_s"] += time.perf_counter() - started
        manifest.update({f"c{c:05d}": 0 for c in todo})
        for o in outcomes:
            if o.record is not None:
                manifest[Path(o.path).parent.name] += item_count(o.record)
        manifest_path.write_text(json.dumps(manifest))


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (parallel builds)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime   # microsecond resolution


def cpu_timed(fn, *args):
    """(result, CPU seconds incl. child processes, wall seconds) of one call."""
    cpu, wall = _cpu(), time.perf_counter()
    result = fn(*args)
    return result, _cpu() - cpu, time.perf_counter() - wall


def bench_build(work: Path, records: list[dict], systems: list[str]) -> dict:
    """CPU seconds of our snapshot build vs each peer building the same documents."""
    target, out = work / "build-ours", {"docs": sum(document_count(r) for r in records)}
    if "ours" in systems:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        # ours as `imr index` builds: one segment per core
        _, out["ours"], out["wall:ours"] = cpu_timed(build.write_snapshot, target, records,
                                                     os.cpu_count() or 1)
    for name in [s for s in systems if s != "ours"]:
        path = work / "peers" / name
        shutil.rmtree(path, ignore_errors=True)
        make = PEERS[name][0]
        # Documents are made inside the timing, as write_snapshot makes them.
        _, out[name], out[f"wall:{name}"] = cpu_timed(
            lambda: make(path if name != "fts5" else path / "fts.sqlite",
                         [d for r in records for d in item_documents(r)]))
    return out


def build_missing_peers(work: Path, records: list[dict], systems: list[str]) -> None:
    """With --queries-only, build (untimed) each peer whose index is not under `work` yet."""
    for name in [s for s in systems if s != "ours"]:
        path = work / "peers" / name
        if not path.exists():
            print(f"note: no {name} index under {work}: building it (not timed)")
            PEERS[name][0](path if name != "fts5" else path / "fts.sqlite",
                           [d for r in records for d in item_documents(r)])


def bench_extract(work: Path, real: int) -> dict:
    """CPU ms per page for each PDF engine, on synthetic PDFs and on the shared real ones."""
    from indexer.ingest.extract import extract
    from indexer.synth import LAYOUTS, write_letter

    folder = work / "pdf"
    (folder / "expected").mkdir(parents=True, exist_ok=True)
    synth = [write_letter(99, i, LAYOUTS[i % len(LAYOUTS)], "pdf", folder) for i in range(6)]
    sets = {"synthetic": synth, "real": sorted((SHARED / "pdf").glob("*.pdf"))[:real]}
    out = {}
    for label, paths in sets.items():
        for engine in ("pdfplumber", "pdfium"):
            settings = Settings(pdf_engine=engine)
            pages, cpu = 0, time.process_time()
            for path in paths:
                pages += extract(path, settings).pages or 0
            if pages:
                out[(label, engine)] = ((time.process_time() - cpu) * 1000 / pages, len(paths), pages)
    return out


def make_queries(records: list[dict], per_class: int, seed: int = 7) -> dict[str, list[dict]]:
    """Query specs per class, drawn from the corpus so every query can match."""
    from whoosh.analysis import STOP_WORDS

    rng = random.Random(seed)
    # The same draw as rng.sample(all documents, k) (it depends only on the count),
    # without making a million documents to keep 20,000.
    starts = np.cumsum([0] + [document_count(r) for r in records])
    total = int(starts[-1])
    sample = []
    for j in rng.sample(range(total), min(total, 20_000)):
        r = int(np.searchsorted(starts, j, side="right")) - 1
        sample.append(item_documents(records[r])[j - int(starts[r])])
    words = [[w for w in re.findall(r"[a-z]{4,}", (d.get("rationale") or "").lower())
              if w not in STOP_WORDS] for d in sample]
    df, seen = {}, {}   # word -> documents having it / first document having it
    for n, ws in enumerate(words):
        for w in set(ws):
            df[w] = df.get(w, 0) + 1
            seen.setdefault(w, n)
    ranked = sorted(df, key=lambda w: (-df[w], w))
    common = [w for w in ranked if 0.05 <= df[w] / len(sample) <= 0.6][:per_class] or ranked[:per_class]
    rare = [w for w in ranked if 2 <= df[w] <= max(3, len(sample) // 1000)] or ranked[-per_class:]
    rare = rng.sample(rare, min(per_class, len(rare)))
    usable = [n for n, ws in enumerate(words) if len(ws) >= 2]

    def spec(ws: list[str], phrase: bool, doc: int) -> dict:
        return {"words": ws, "phrase": phrase, "doc": doc, "filters": {}}
    out = {"common": [spec([w], False, seen[w]) for w in common],
           "rare": [spec([w], False, seen[w]) for w in rare], "and": [], "phrase": []}
    for _ in range(per_class):
        n = rng.choice(usable)
        mid = [w for w in set(words[n]) if df[w] >= 0.01 * len(sample)] or words[n]
        out["and"].append(spec(rng.sample(sorted(set(mid)), 2) if len(set(mid)) > 1 else mid, False, n))
        text = re.findall(r"[A-Za-z]+", sample[n].get("rationale") or "")
        pairs = [(a, b) for a, b in zip(text, text[1:]) if len(a) >= 4 and len(b) >= 4
                 and a.lower() not in STOP_WORDS and b.lower() not in STOP_WORDS]
        out["phrase"].append(spec(list(rng.choice(pairs)) if pairs else words[n][:2], True, n))
    for cls in CLASSES:
        out[cls] = [out[cls][i % len(out[cls])] for i in range(per_class)] if out[cls] else []
        filtered = []
        for q in out[cls]:
            doc = sample[q["doc"]]
            picks = [(f, str(doc[f]).split(",")[0]) for f in ("decision", "category", "specialty", "state")
                     if doc.get(f)]
            filtered.append(dict(q, filters=dict(picks[:2])))
        out[cls + "+2f"] = filtered
    return out


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would include the parent's
    peak, which a spawned child inherits across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def query_worker(system: str, path: Path, queries: dict) -> dict:
    """Run in a fresh process: warm on even queries, time odd ones; per-class CPU/wall ms, peak RSS."""
    base = peak_mb()
    engine = Ours(path) if system == "ours" else PEERS[system][1](path)
    # Warm up on other queries than the timed ones: a cache of answers must not look like speed.
    for specs in queries.values():
        for spec in specs[::2]:
            engine.query(spec)
    out = {}
    for cls, specs in queries.items():
        specs = specs[1::2]
        times, totals = [], []
        for spec in specs:
            (total, _, _), cpu, wall = cpu_timed(engine.query, spec)
            times.append((cpu * 1000, wall * 1000))
            totals.append(total)
        out[cls] = {"times": times, "hits": float(np.mean(totals)) if totals else 0.0}
    out["rss_mb"] = peak_mb()
    out["rss_base_mb"] = base
    return out


def bench_queries(work: Path, index_dir: Path, queries: dict, systems: list[str],
                  n_items: int, docs: int) -> dict:
    """query_worker for each system, each in its own spawned process; rows printed as each ends."""
    paths = {"ours": index_dir, "whoosh": work / "peers" / "whoosh",
             "fts5": work / "peers" / "fts5" / "fts.sqlite", "tantivy": work / "peers" / "tantivy"}
    out = {}
    report_queries_header(n_items, docs)
    for system in systems:
        show(load_line(f"before {system}'s queries"))
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
            out[system] = pool.submit(query_worker, system, paths[system], queries).result()
        report_system(n_items, docs, system, out[system], out.get("ours"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--large", action="store_true", help="100k items")
    ap.add_argument("--huge", action="store_true", help="1M items")
    ap.add_argument("--queries", type=int, default=50, help="queries per class")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "imr-bench")
    ap.add_argument("--real-pdfs", type=int, default=20, help="shared real PDFs to extract")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--queries-only", action="store_true",
                    help="skip the build and extraction tables; reuse the peers built under --work")
    ap.add_argument("--no-queries", action="store_true", help="only the rebuild, build and extraction tables")
    ap.add_argument("--rebuild-only", action="store_true",
                    help="only a forced whole rebuild: wall, CPU, peak PSS of the process tree")
    ap.add_argument("--part-docs", type=int, default=None,
                    help="most documents a part (segment) of a rebuild holds (default: Settings.part_docs)")
    ap.add_argument("--keep", action="store_true",
                    help="with --rebuild-only: build into WORK/items-N/index and keep it (for --queries-only)")
    ap.add_argument("--workers", type=int, default=0,
                    help="with --rebuild-only: rebuild on a local Dask cluster of this many workers")
    ap.add_argument("--segments", default="",
                    help="e.g. 2,8,16: build the corpus as each count of segments and time our queries on each")
    ap.add_argument("--crosstab", action="store_true",
                    help="only the statistics table (year x category) at 100k and 1M items vs SQLite GROUP BY "
                         "(scripts/bench_crosstab.py)")
    args = ap.parse_args()
    show(load_line("start"))
    try:
        return _run(args)
    finally:
        show(load_line("end"))


def _run(args: argparse.Namespace) -> int:
    """The run `main` asked for (its options in `args`)."""
    if args.crosstab:
        from bench_crosstab import main as bench_crosstab

        return bench_crosstab(["--items", "100000,1000000"])
    items = 1_000_000 if args.huge else 100_000 if args.large else args.items
    systems = [s for s in args.systems.split(",") if s in SYSTEMS]
    if "tantivy" in systems and not tantivy_available():
        print("note: tantivy not importable (pip install -e '.[bench]'): skipped")
        systems.remove("tantivy")
    work = args.work / f"items-{items}"
    settings = Settings(index_dir=work / "index", cache_dir=args.work / "cache").with_(part_docs=args.part_docs)
    dirs, took = corpus(args.work, items, settings)
    print(f"corpus: {len(dirs)} folders; synth {took['synth_s']:.1f} s, parse {took['parse_s']:.1f} s "
          "(0 when cached)")
    if args.rebuild_only:
        from scripts.bench_rebuild import bench_rebuild, report_rebuild_run

        report_rebuild_run(bench_rebuild(work, dirs, settings, args.workers, args.keep))
        return 0
    if args.segments:
        from scripts.bench_rebuild import bench_segments

        bench_segments(work, dirs, settings, [int(n) for n in args.segments.split(",")],
                       lambda index, records, docs: bench_queries(work, index, make_queries(records, 2 * args.queries),
                                                                  ["ours"], items, docs))
        return 0
    rep, cpu, wall = cpu_timed(conductor.rebuild, dirs, settings)
    built = None
    if not rep.kept:    # no index of these sources yet: that was a whole rebuild; now the no-change one
        built = wall
        rep, cpu, wall = cpu_timed(conductor.rebuild, dirs, settings)
    rebuild = {"letters": rep.letters, "wall": wall, "parsed": rep.parsed, "cached": rep.cached,
               "per100k": wall * 100_000 / max(1, rep.letters), "kept": rep.kept, "built": built}
    records = letterstore.read_all(snapshots.current(settings))
    docs = sum(document_count(r) for r in records)
    report_rebuild(rebuild, docs)
    if not args.queries_only:
        report_build(bench_build(work, records, systems))
        report_extraction(bench_extract(work, args.real_pdfs))
    else:
        build_missing_peers(work, records, systems)
    if not args.no_queries:
        bench_queries(work, settings.index_dir, make_queries(records, 2 * args.queries), systems,
                      items, docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
