"""Bounded load test of the production server (`imr serve`), on 127.0.0.1 only.

Builds (cached under --work) an index of --items synthetic item documents, serves it on a free
loopback port with each --workers count in turn (and with --balancer, two replicas behind nginx),
drives a mix of searches, facets, paging, letters, exports, JSON API and similar items at rising
concurrency, and reports per level the requests/s, the cores the server's processes used (their
CPU seconds / wall seconds), p50/p95/p99 (per request kind too) and each worker's RSS and PSS.
Then one more level runs while a snapshot with one extra letter is published (`imr index` into
the served index, or built aside and pushed to every replica): no request may fail, every probe
must come whole from the old or new snapshot, and every worker must answer from the new one
(and never from the old one again). Levels are bounded in requests and seconds; servers stop at the end.
Usage: .venv/bin/python scripts/load.py [--short] [--workers 1,2] [--balancer nginx] [--markdown]
       .venv/bin/python scripts/load.py --readme     (docs/performance.md: 1 vs N workers, nginx)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from load_procs import HOST, cpu_seconds, free_port, imr, memory, start_server, stop, tree, wait_answering, workers_of
from load_report import Level, Run, print_table, report, verify_swap, verify_workers
from load_requests import PROBES, Catalog, catalog, fetch, run_level


def build_corpus(work: Path, items: int, seed: int) -> tuple[Path, Path, int]:
    """Letters holding >= `items` items (cached) and one extra letter: (corpus, extra, extra's items)."""
    from indexer.synth import LAYOUTS, write_letter

    def write(i: int, folder: Path) -> int:
        (folder / "expected").mkdir(parents=True, exist_ok=True)
        path = write_letter(seed, i, LAYOUTS[i % len(LAYOUTS)], "txt", folder)
        return len(json.loads((folder / "expected" / f"{path.stem}.json").read_text())["items"])

    corpus, extra = work / f"corpus-{items}-s{seed}", work / f"extra-{items}-s{seed}"
    manifest = corpus / "manifest.json"
    if not manifest.is_file():
        count, n = 0, 0
        while count < items:
            count, n = count + write(n, corpus), n + 1
        manifest.write_text(json.dumps({"letters": n, "items": count}))
    return corpus, extra, write(json.loads(manifest.read_text())["letters"], extra)


def base_index(work: Path, corpus: Path, items: int):
    """Settings of an index of the corpus alone, reused when the last run left it behind."""
    from indexer.pipeline import conductor
    from indexer.index.stores import snapshots
    from indexer.errors import ImrError
    from indexer.settings import Settings

    settings = Settings(index_dir=work / f"index-{items}", jobs=2)
    marker = work / f"index-{items}.base"
    base = marker.read_text().strip() if marker.is_file() else None
    if base and snapshots.current_name(settings) != base and base in snapshots.published(settings):
        snapshots.rollback(settings)     # the last run's swap left corpus + 1 letter current
    try:
        snapshots.check_schema(snapshots.current(settings), settings)
    except ImrError:
        base = None                      # missing, or written by another schema version: build anew
    if not base or snapshots.current_name(settings) != base:
        built = conductor.rebuild([corpus], settings)
        marker.write_text(built.snapshot)
        print(f"built {built.documents} items of {built.letters} letters in {built.seconds:.0f} s", flush=True)
    return settings


def measured(run: Run, level: Level, drive) -> None:
    """Run `drive()` as `level` of `run`: its cores used (CPU seconds of every server process / wall
    seconds) and afterwards each worker's memory."""
    pids = [pid for server in run.servers for pid in tree(server.pid)]
    cpu = cpu_seconds(pids)
    drive()
    level.cores = round((cpu_seconds(pids) - cpu) / level.seconds, 2) if level.seconds else 0.0
    level.memory = [m for m in (memory(pid) for pid in workers_of(run.servers)) if m]
    level.masters = [m for m in (memory(s.pid) for s in run.servers if s.pid not in workers_of([s])) if m]
    run.levels.append(level)


def totals(base: str) -> tuple[str, dict[str, int]]:
    """(snapshot, {probe query: total}) as the server answers now."""
    responses = [httpx.get(base + "/api/search", params={"q": q, "per_page": 1}, timeout=30) for q in PROBES]
    answers = [r.json() for r in responses]
    if any(r.status_code != 200 for r in responses) or len({a["snapshot"] for a in answers}) != 1:
        raise RuntimeError(f"the probe queries answered {[(r.status_code, r.text[:200]) for r in responses]}")
    return answers[0]["snapshot"], {q: a["total"] for q, a in zip(PROBES, answers)}


def until_every_worker(base: str, level: Level, workers: list[int], new: str, seconds: float = 30) -> None:
    """Probe on fresh connections until every worker has answered from snapshot `new` (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = {p[3] for p in level.probes if p[1] == new}
        if set(workers) <= done:
            return
        with httpx.Client(base_url=base, timeout=30) as once:
            path = "/api/search?" + urlencode({"q": PROBES[level.requests % len(PROBES)], "per_page": 1})
            elapsed, problem, answer = fetch(once, "probe", path)
        level.record("probe", path, elapsed, problem, answer)


def swap_level(run: Run, cat: Catalog, publish, args) -> tuple[Level, dict]:
    """A level during which `publish()` makes a new snapshot current: (level, swap facts)."""
    level, busy, facts = Level(args.swap_concurrency, swap=True), threading.Event(), {}

    def publisher() -> None:
        try:
            while level.requests < args.requests // 4 and busy.is_set():
                time.sleep(0.05)
            facts["at_request"], started = level.requests, time.monotonic()
            facts.update(publish())
            facts["seconds"] = round(time.monotonic() - started, 1)
            time.sleep(2.0)   # several times the Searcher's CURRENT recheck: the new snapshot serves a while
        finally:
            busy.clear()

    busy.set()
    swapper = threading.Thread(target=publisher)
    swapper.start()
    try:
        measured(run, level, lambda: run_level(run.base, cat, level, args.requests, args.seconds + 1200, busy,
                                               fresh_probes=True))
    finally:
        busy.clear()
        swapper.join()
    return level, facts


def publish_in_place(sources: list[Path], index_dir: Path, args):
    """The swap by `imr index|add` into the served index directory."""
    def publish() -> dict:
        with open(args.work / "swap.log", "ab") as out:
            code = subprocess.call(imr(args.swap_mode, *map(str, sources), "--index", str(index_dir), "--jobs", "1"),
                                   stdout=out, stderr=subprocess.STDOUT)
        return {"exit": code, "how": f"imr {args.swap_mode}"}
    return publish


def publish_to_replicas(sources: list[Path], builder: Path, replicas: list[Path], args):
    """The swap by `imr index|add` into a builder's index, then the snapshot pushed to every replica."""
    from deploy.replicas import push

    def publish() -> dict:
        facts = publish_in_place(sources, builder, args)()
        if facts["exit"] in (0, 3):
            from indexer.index.stores import snapshots
            from indexer.settings import Settings

            facts["push_seconds"] = round(push(snapshots.current(Settings(index_dir=builder)), replicas), 2)
        facts["how"] += f" aside, pushed to {len(replicas)} replicas"
        return facts
    return publish


def serve_workers(settings, workers: int, args) -> Run:
    """One `imr serve --workers N` on the index."""
    proc, base = start_server(settings.index_dir, workers, args.server_threads, args.work / "server.log")
    return Run(f"{workers} worker{'s' if workers > 1 else ''}", base, [proc], workers=workers)


def serve_replicas(settings, args) -> tuple[Run, list[Path]]:
    """Two replicas (`--replica-workers` each) with their own index directories, behind nginx."""
    from deploy.replicas import copy_snapshot, start_nginx
    from indexer.index.stores import snapshots
    from indexer.settings import Settings

    current, dirs, procs = snapshots.current(settings), [], []
    for i in range(2):
        index_dir = args.work / f"replica-{i}"
        shutil.rmtree(index_dir, ignore_errors=True)
        snapshots.publish(Settings(index_dir=index_dir), copy_snapshot(current, index_dir))
        dirs.append(index_dir)
    ports = [free_port() for _ in dirs]
    for index_dir, port in zip(dirs, ports):
        procs.append(start_server(index_dir, args.replica_workers, args.server_threads, args.work / "server.log",
                                  port=port, wait=False, extra=("--client-connections", "0"))[0])
    port = free_port()
    try:
        nginx = start_nginx(args.work / "nginx", f"{HOST}:{port}", [f"{HOST}:{p}" for p in ports],
                            args.work / "nginx.log")
    except RuntimeError:
        stop(procs)             # no replica left running when the balancer cannot start
        raise
    base = f"http://{HOST}:{port}"
    for p in ports:
        wait_answering(f"http://{HOST}:{p}", procs + [nginx], args.work / "server.log")
    wait_answering(base, procs + [nginx], args.work / "nginx.log")
    run = Run(f"nginx + 2 replicas x {args.replica_workers} worker", base, procs, workers=2 * args.replica_workers,
              balancer=nginx)
    return run, dirs


def drive(run: Run, args) -> Catalog:
    """Every concurrency level against one server (or balancer)."""
    cat = catalog(run.base)
    print(f"{run.label} on {run.base} (server pids {[p.pid for p in run.servers]})", flush=True)
    for n in args.levels:
        level = Level(n)
        measured(run, level, lambda: run_level(run.base, cat, level, args.requests, args.seconds))
        print_table(run, [level], header=n == args.levels[0])
    return cat


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with --short and --readme filling in their settings."""
    add = (parser := argparse.ArgumentParser(description=__doc__.split("\n")[0])).add_argument
    add("--items", type=int, default=10_000, help="item documents in the index")
    add("--index", type=Path, default=None, help="serve this existing index instead (no swap level)")
    add("--work", type=Path, default=Path("index/load"), help="cache of corpus and index")
    add("--levels", default="1,2,4,8,16,32", help="concurrency levels, comma-separated")
    add("--workers", default=None, help="worker counts to compare, comma-separated (default 1,CORES)")
    add("--balancer", choices=("none", "nginx"), default="none", help="also run through nginx and 2 replicas")
    add("--replica-workers", type=int, default=1, help="workers of each replica behind the balancer")
    add("--requests", type=int, default=400, help="at most this many requests per level")
    add("--seconds", type=float, default=30, help="at most this long per level (+1200 s for the swap)")
    add("--swap-concurrency", type=int, default=4, help="concurrency of the level with the swap")
    add("--swap-mode", choices=("index", "add"), default="index", help="full rebuild or incremental add")
    add("--server-threads", type=int, default=2, help="threads of each imr serve worker")
    add("--seed", type=int, default=11)
    add("--json", type=Path, default=None, help="also write the results here as JSON")
    add("--markdown", action="store_true", help="print the tables as markdown (docs/performance.md)")
    add("--short", action="store_true", help="~300 items, 2 workers, levels 1 and 4, a swap: some seconds")
    add("--readme", action="store_true", help="the run of docs/performance.md: 10k items, 1 vs CORES workers, nginx")
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    if args.short:
        args.items, args.levels, args.requests, args.seconds = 300, "1,4", 40, 10
        args.workers = args.workers or "2"
    if args.readme:
        args.markdown, args.balancer = True, "nginx"
    args.workers = [int(n) for n in (args.workers or f"1,{max(2, cores)}").split(",")]
    args.levels = [int(n) for n in args.levels.split(",")]
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load test; exit 0 when no request failed and the swap was clean, else 1."""
    args = arguments(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.index:
        from indexer.settings import Settings

        corpus = extra = None
        settings, extra_items, args.balancer = Settings(index_dir=args.index), 0, "none"
    else:
        corpus, extra, extra_items = build_corpus(args.work, args.items, args.seed)
        settings = base_index(args.work, corpus, args.items)
    runs, old = [], None
    for n, workers in enumerate(args.workers):
        run = serve_workers(settings, workers, args)
        try:
            old = old or totals(run.base)
            cat = drive(run, args)
            new = old
            if n == len(args.workers) - 1 and args.balancer == "none" and not args.index:
                level, facts = swap_level(run, cat, publish_in_place([corpus, extra], settings.index_dir, args), args)
                until_every_worker(run.base, level, workers_of(run.servers), totals(run.base)[0])
                run.swap, run.swap_workers, new = facts, workers_of(run.servers), totals(run.base)
        finally:
            stop(run.servers)
        runs.append(run)
    if args.balancer == "nginx":
        run, dirs = serve_replicas(settings, args)
        try:
            cat = drive(run, args)
            publish = publish_to_replicas([corpus, extra], settings.index_dir, dirs, args)
            level, facts = swap_level(run, cat, publish, args)
            until_every_worker(run.base, level, workers_of(run.servers), totals(run.base)[0])
            run.swap, run.swap_workers, new = facts, workers_of(run.servers), totals(run.base)
        finally:
            stop(run.servers + [run.balancer])
        runs.append(run)
    swapped = runs[-1]
    if args.index:
        return report(args, runs, old, new, [])
    problems = verify_swap(swapped.levels[-1], old, new, extra_items) + verify_workers(swapped)
    if swapped.swap.get("exit") not in (0, 3):
        problems.append(f"{swapped.swap.get('how')} exited {swapped.swap.get('exit')}; see {args.work / 'swap.log'}")
    return report(args, runs, old, new, problems)


if __name__ == "__main__":
    sys.exit(main())
