"""Bounded load test of the production server (`imr serve`, waitress), on 127.0.0.1 only.

Builds (cached under --work) an index of --items synthetic item documents, serves it on a free
loopback port, drives a mix of searches, facets, paging, letters, exports, JSON API and similar
items at rising concurrency, then runs one more level while `imr index` publishes a snapshot with
one extra letter: no request may fail and every probe must come whole from the old or new snapshot.
Levels are bounded in requests and seconds; the server is stopped at the end.
Usage: .venv/bin/python scripts/load.py [--short]      (--short: ~300 items, levels 1 and 4)
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
from load_report import Level, print_table, report, verify_swap

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


def start_server(index_dir: Path, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
    """`imr serve` on a free loopback port, once it answers: (process, base URL)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    with open(log, "ab") as out:
        proc = subprocess.Popen(imr("serve", "--index", str(index_dir), "--host", HOST, "--port", str(port),
                                    "--threads", str(threads)), stdout=out, stderr=subprocess.STDOUT)
    base, deadline = f"http://{HOST}:{port}", time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(base + "/api/search?per_page=1", timeout=5).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"imr serve did not start answering on {base}; see {log}")


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


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
    """(seconds, problem or None, probe answer) of one GET; the time excludes checking the body."""
    started = time.perf_counter()
    try:
        response = http.get(path)
    except httpx.HTTPError as exc:
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}", None
    elapsed = time.perf_counter() - started
    try:
        if response.status_code >= 400 or not whole(kind, response):
            return elapsed, f"{response.status_code}, {len(response.content)} bytes", None
        body = response.json() if kind == "probe" else None
        return elapsed, None, body and (body["request"]["q"], body["snapshot"], body["total"])
    except (ValueError, KeyError, TypeError) as exc:
        return elapsed, f"unreadable body: {exc}", None


def run_level(base: str, cat: Catalog, level: Level, max_requests: int, seconds: float,
              busy: threading.Event | None = None) -> None:
    """Drive `level.concurrency` clients until max_requests or the time is up (with `busy`: until it clears)."""
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
                elapsed, problem, answer = fetch(http, kind, path)
                with lock:
                    level.record(kind, path, elapsed, problem, answer)

    started, threads = time.monotonic(), [threading.Thread(target=client, args=(n,)) for n in range(level.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.monotonic() - started


def totals(base: str) -> tuple[str, dict[str, int]]:
    """(snapshot, {probe query: total}) as the server answers now."""
    responses = [httpx.get(base + "/api/search", params={"q": q, "per_page": 1}, timeout=30) for q in PROBES]
    answers = [r.json() for r in responses]
    if any(r.status_code != 200 for r in responses) or len({a["snapshot"] for a in answers}) != 1:
        raise RuntimeError(f"the probe queries answered {[(r.status_code, r.text[:200]) for r in responses]}")
    return answers[0]["snapshot"], {q: a["total"] for q, a in zip(PROBES, answers)}


def swap_level(base: str, cat: Catalog, sources: list[Path], index_dir: Path, args) -> tuple[Level, dict]:
    """A level during which `imr index|add` publishes a new snapshot: (level, swap facts)."""
    level, busy, facts = Level(args.swap_concurrency, swap=True), threading.Event(), {}

    def publish() -> None:
        try:
            while level.requests < args.requests // 4 and busy.is_set():
                time.sleep(0.05)
            facts["at_request"], started = level.requests, time.monotonic()
            with open(args.work / "swap.log", "ab") as out:
                facts["exit"] = subprocess.call(imr(args.swap_mode, *map(str, sources), "--index", str(index_dir),
                                                    "--jobs", "1"), stdout=out, stderr=subprocess.STDOUT)
            facts["seconds"] = round(time.monotonic() - started, 1)
            time.sleep(2.0)   # several times the Searcher's CURRENT recheck: the new snapshot serves a while
        finally:
            busy.clear()

    busy.set()
    swapper = threading.Thread(target=publish)
    swapper.start()
    try:
        run_level(base, cat, level, args.requests, args.seconds + 1200, busy)
    finally:
        busy.clear()
        swapper.join()
    return level, facts


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with --short filling in the small settings."""
    add = (parser := argparse.ArgumentParser(description=__doc__.split("\n")[0])).add_argument
    add("--items", type=int, default=10_000, help="item documents in the index")
    add("--work", type=Path, default=Path("index/load"), help="cache of corpus and index")
    add("--levels", default="1,2,4,8,16,32", help="concurrency levels, comma-separated")
    add("--requests", type=int, default=400, help="at most this many requests per level")
    add("--seconds", type=float, default=30, help="at most this long per level (+1200 s for the swap)")
    add("--swap-concurrency", type=int, default=4, help="concurrency of the level with the swap")
    add("--swap-mode", choices=("index", "add"), default="index", help="full rebuild or incremental add")
    add("--server-threads", type=int, default=4, help="waitress threads of imr serve")
    add("--seed", type=int, default=11)
    add("--json", type=Path, default=None, help="also write the results here as JSON")
    add("--short", action="store_true", help="~300 items, levels 1 and 4: a few seconds")
    args = parser.parse_args(argv)
    if args.short:
        args.items, args.levels, args.requests, args.seconds = 300, "1,4", 40, 10
    args.levels = [int(n) for n in args.levels.split(",")]
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load test; exit 0 when no request failed and the swap was clean, else 1."""
    args = arguments(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    corpus, extra, extra_items = build_corpus(args.work, args.items, args.seed)
    settings = base_index(args.work, corpus, args.items)
    proc, base = start_server(settings.index_dir, args.server_threads, args.work / "server.log")
    try:
        cat, old, levels = catalog(base), totals(base), []
        print(f"imr serve pid {proc.pid} on {base}, snapshot {old[0]}, {old[1]['']} items", flush=True)
        for n in args.levels:
            levels.append(Level(n))
            run_level(base, cat, levels[-1], args.requests, args.seconds)
            levels[-1].rss_kb, levels[-1].hwm_kb = memory_kb(proc.pid)
            print_table(levels[-1:], header=len(levels) == 1)
        level, facts = swap_level(base, cat, [corpus, extra], settings.index_dir, args)
        level.rss_kb, level.hwm_kb = memory_kb(proc.pid)
        new = totals(base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    problems = verify_swap(level, old, new, extra_items)
    if facts.get("exit") not in (0, 3):
        problems.append(f"imr {args.swap_mode} exited {facts.get('exit')}; see {args.work / 'swap.log'}")
    return report(args, levels + [level], old, new, facts, problems)


if __name__ == "__main__":
    sys.exit(main())
