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
       .venv/bin/python scripts/load.py --readme     (the README's tables: 1 vs N workers, and nginx)
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
from load_procs import cpu_seconds, memory, tree
from load_report import Level, Run, print_table, report, verify_swap, verify_workers

HOST = "127.0.0.1"   # loopback only: this script never talks to any other address
QUERIES = ("physical therapy", "knee", "lumbar", "MRI", "acupuncture", "opioid", "tramadol", "injection",
           "chiropractic", "upheld", "overturned", "functional restoration", "cervical", "shoulder",
           "gabapentin", "TENS unit", "physio*", '"home exercise"', "pain management NOT surgery")
PROBES = ("", "knee")          # fixed queries whose totals identify a snapshot
MIX = {"search": 25, "facets": 15, "paging": 10, "api": 15, "letter": 12, "similar": 8, "csv": 5,
       "facet_csv": 5, "letter_api": 5}
HTML_KINDS = ("search", "facets", "paging", "letter")


@dataclass
class Catalog:
    """What requests pick from: facet values, letter ids and item ids of the index."""
    facets: dict[str, list[str]]
    letters: list[str]
    docs: list[str]


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
    from indexer.ingest import pipeline
    from indexer.index import snapshots
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
        built = pipeline.rebuild([corpus], settings)
        marker.write_text(built.snapshot)
        print(f"built {built.documents} items of {built.letters} letters in {built.seconds:.0f} s", flush=True)
    return settings


def imr(*args: str) -> list[str]:
    """The command line of `imr ARGS` from this interpreter's environment."""
    return [str(Path(sys.executable).parent / "imr"), *args]


def free_port() -> int:
    """A TCP port free on the loopback address now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_answering(base: str, procs: list[subprocess.Popen], log: Path) -> None:
    """Return once `base` answers a search (60 s at most), else stop `procs` and exit."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and all(p.poll() is None for p in procs):
        try:
            if httpx.get(base + "/api/search?per_page=1", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    for p in procs:
        p.kill()
    raise SystemExit(f"the server did not start answering on {base}; see {log}")


def start_server(index_dir: Path, workers: int, threads: int, log: Path, port: int | None = None,
                 wait: bool = True, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """`imr serve --workers N` on a free loopback port, once it answers: (process, base URL)."""
    port = port or free_port()
    with open(log, "ab") as out:
        proc = subprocess.Popen(imr("serve", "--index", str(index_dir), "--host", HOST, "--port", str(port),
                                    "--workers", str(workers), "--threads", str(threads), *extra),
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    if wait:
        wait_answering(base, [proc], log)
    return proc, base


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop servers and balancers: SIGTERM (graceful), SIGKILL after 20 s."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def workers_of(servers: list[subprocess.Popen]) -> list[int]:
    """The processes that answer requests: each server's workers (the server itself with one)."""
    pids = []
    for proc in servers:
        below = tree(proc.pid)
        pids += below[1:] or below
    return sorted(pids)


def catalog(base: str) -> Catalog:
    """Facet values, letters and items to draw requests from."""
    data = httpx.get(base + "/api/search", params={"per_page": 100, "sort": "newest"}, timeout=30).json()
    facets = {name: [v["value"] for v in values][:12] for name, values in data["facets"].items() if values}
    return Catalog(facets, sorted({h["letter_id"] for h in data["hits"]}), [h["doc_id"] for h in data["hits"]])


def pick(rng: random.Random, cat: Catalog) -> tuple[str, str]:
    """One request of the mix: (kind, path with query string)."""
    kind, q = rng.choices(list(MIX), list(MIX.values()))[0], rng.choice(QUERIES)
    facet = rng.choice(sorted(cat.facets))
    filtered = urlencode({"q": q, f"f.{facet}": rng.choice(cat.facets[facet])})
    paths = {"search": lambda: "/?" + urlencode({"q": q}), "facets": lambda: "/?" + filtered,
             "paging": lambda: "/?" + urlencode({"q": rng.choice(("", q)), "page": rng.randint(2, 6),
                                                 "sort": rng.choice(("relevance", "newest", "oldest"))}),
             "api": lambda: "/api/search?" + rng.choice((urlencode({"q": q}), filtered)),
             "letter": lambda: "/letters/" + rng.choice(cat.letters),
             "letter_api": lambda: "/api/letters/" + rng.choice(cat.letters),
             "similar": lambda: "/api/similar/" + quote(rng.choice(cat.docs), safe=""),
             "csv": lambda: "/export.csv?" + filtered,
             "facet_csv": lambda: f"/facets/{facet}.csv?" + urlencode({"q": q})}
    return kind, paths[kind]()


def whole(kind: str, response: httpx.Response) -> bool:
    """True when a 2xx/3xx body is complete for its kind (HTML closed, CSV rectangular, JSON parsed)."""
    if response.status_code >= 300:
        return response.status_code < 400
    if kind in HTML_KINDS:
        return response.text.rstrip().endswith("</html>")
    if kind in ("csv", "facet_csv"):
        rows = list(csv.reader(io.StringIO(response.text)))
        return bool(rows) and len({len(r) for r in rows}) == 1
    return response.json() is not None


def fetch(http: httpx.Client, kind: str, path: str) -> tuple[float, str | None, tuple | None]:
    """(seconds, problem or None, probe answer) of one GET; the time excludes checking the body.

    A probe's answer is (q, snapshot, total, worker pid, started, finished) (monotonic seconds)."""
    began, started = time.monotonic(), time.perf_counter()
    try:
        response = http.get(path)
    except httpx.HTTPError as exc:
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}", None
    elapsed = time.perf_counter() - started
    try:
        if response.status_code >= 400 or not whole(kind, response):
            return elapsed, f"{response.status_code}, {len(response.content)} bytes", None
        body = response.json() if kind == "probe" else None
        return elapsed, None, body and (body["request"]["q"], body["snapshot"], body["total"],
                                        int(response.headers.get("X-IMR-Worker", 0)), began, began + elapsed)
    except (ValueError, KeyError, TypeError) as exc:
        return elapsed, f"unreadable body: {exc}", None


def run_level(base: str, cat: Catalog, level: Level, max_requests: int, seconds: float,
              busy: threading.Event | None = None, fresh_probes: bool = False) -> None:
    """Drive `level.concurrency` clients until max_requests or the time is up (with `busy`: until it clears).

    Each client keeps its connection (as a browser does); with `fresh_probes` a probe opens a new
    one, so that probes reach every worker process whichever worker holds the client's connection."""
    lock, issued, deadline = threading.Lock(), [0], time.monotonic() + seconds

    def more() -> bool:
        with lock:
            issued[0] += 1
        if busy is not None:          # the swap level runs until the swap is over (time-bounded still)
            return busy.is_set() and time.monotonic() < deadline
        return issued[0] <= max_requests and time.monotonic() < deadline

    def client(n: int) -> None:
        rng = random.Random(f"{level.concurrency}:{n}")
        with httpx.Client(base_url=base, timeout=60) as http:
            while more():
                if busy is not None and rng.random() < 0.3:
                    kind, path = "probe", "/api/search?" + urlencode({"q": rng.choice(PROBES), "per_page": 1})
                else:
                    kind, path = pick(rng, cat)
                if kind == "probe" and fresh_probes:
                    with httpx.Client(base_url=base, timeout=60) as once:
                        elapsed, problem, answer = fetch(once, kind, path)
                else:
                    elapsed, problem, answer = fetch(http, kind, path)
                with lock:
                    level.record(kind, path, elapsed, problem, answer)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(level.concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.monotonic() - started


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
            from indexer.index import snapshots
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
    from indexer.index import snapshots
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
    add("--markdown", action="store_true", help="print the tables as the README's markdown")
    add("--short", action="store_true", help="~300 items, 2 workers, levels 1 and 4, a swap: some seconds")
    add("--readme", action="store_true", help="the README's run: 10k items, 1 vs CORES workers, nginx, markdown")
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
