"""Throughput of `imr serve` under wrk, a load generator in C: 1 vs N workers (and nginx) in one run.

scripts/load.py drives the server from Python threads on the same machine; on 2 cores that
client takes a good part of a core itself, so it cannot show what a second worker adds.
This script sends the same mix of requests (load_requests.pick, same catalog, same seed) with Debian's
`wrk` (one thread, keep-alive connections, a Lua list of paths), and reports per level the
requests/s, the cores the server's processes used and the cores wrk used, p50/p95/p99 (wrk's
latency histogram; a 60 s timeout, so no slow answer drops out of it), socket errors and
non-2xx answers, and each worker's PSS/RSS afterwards. It checks nothing of the bodies:
scripts/load.py remains the correctness check (whole answers, the swap).

Usage: .venv/bin/python scripts/load_wrk.py [--items 10000] [--workers 1,2] [--balancer nginx]
           [--levels 1,2,4,8,16,32] [--seconds 20] [--no-exports] [--markdown] [--json FILE] [--short]
Needs `wrk` on PATH (Debian: apt-get install wrk). Exit 0 when no request failed, 1 otherwise,
2 when wrk is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import load
import load_procs
import load_requests
from load_procs import cpu_seconds, memory, tree

PATHS = 4000          # distinct requests in the Lua list, cycled through
RESULT = "IMR-RESULT "  # the marker of the line the Lua `done` callback prints

LUA = r"""
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) %% #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('%(marker)s{"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class WrkLevel:
    """One wrk run against one server set-up."""
    clients: int
    requests: int
    seconds: float
    rps: float
    server_cores: float
    client_cores: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int                      # socket errors (connect/read/write/timeout) + non-2xx/3xx answers
    server_pss_mb: float = 0.0       # PSS of every server process afterwards (gunicorn masters included)
    workers: list = field(default_factory=list)   # (pid, PSS MB, RSS MB) of each worker afterwards


def lua_script(paths: list[str], folder: Path) -> Path:
    """The wrk script sending `paths` in turn and printing one JSON result line at the end."""
    quoted = ",".join(json.dumps(p) for p in paths)      # JSON strings of ASCII are Lua strings
    script = folder / "mix.lua"
    script.write_text(LUA % {"paths": quoted, "marker": RESULT})
    return script


def request_paths(cat: load_requests.Catalog, seed: int, exports: bool) -> list[str]:
    """PATHS requests of scripts/load.py's mix (without the full exports if `exports` is false)."""
    rng, out = random.Random(seed), []
    while len(out) < PATHS:
        kind, path = load_requests.pick(rng, cat)
        if exports or kind != "csv":
            out.append(path)
    return out


def run_wrk(base: str, script: Path, clients: int, seconds: float, servers: list) -> WrkLevel:
    """One wrk level: its numbers, the server processes' cores and wrk's own cores."""
    pids = [pid for s in servers for pid in tree(s.pid)]
    before, kids = cpu_seconds(pids), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s", "-s", str(script),
                           base], capture_output=True, text=True, timeout=seconds + 120)
    after_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = cpu_seconds(pids) - before
    line = next((x for x in proc.stdout.splitlines() if x.startswith(RESULT)), None)
    if line is None:
        raise SystemExit(f"error: wrk printed no result (exit {proc.returncode}): {proc.stderr.strip()[:300]}")
    r = json.loads(line[len(RESULT):])
    wall = r["duration_us"] / 1e6
    client = (after_kids.ru_utime + after_kids.ru_stime) - (kids.ru_utime + kids.ru_stime)
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    workers = [(m.pid, round(m.pss_kb / 1024, 1), round(m.rss_kb / 1024, 1))
               for m in (memory(pid) for pid in load_procs.workers_of(servers)) if m]
    everything = sum(m.pss_kb for m in (memory(pid) for s in servers for pid in tree(s.pid)) if m) / 1024
    return WrkLevel(clients, r["requests"], round(wall, 1), round(r["requests"] / wall, 1), round(server / wall, 2),
                    round(client / wall, 2), r["p50_us"] / 1000, r["p95_us"] / 1000, r["p99_us"] / 1000,
                    r["max_us"] / 1000, errors, round(everything, 1), workers)


def measure(label: str, base: str, servers: list, args, folder: Path) -> list[WrkLevel]:
    """Every level against one server set-up, after a short warm-up level."""
    script = lua_script(request_paths(load_requests.catalog(base), args.seed, not args.no_exports), folder)
    run_wrk(base, script, 4, min(5.0, args.seconds), servers)      # warm caches; not reported
    levels = []
    for n in args.levels:
        levels.append(level := run_wrk(base, script, n, args.seconds, servers))
        print(f"{label:>30} {n:>4} {level.requests:>7} {level.rps:>7} {level.server_cores:>6} {level.client_cores:>6} "
              f"{level.p50_ms:>8.0f} {level.p95_ms:>8.0f} {level.p99_ms:>8.0f} {level.errors:>6}", flush=True)
    return levels


def compare(results: dict[str, list[WrkLevel]]) -> list[str]:
    """Lines comparing each set-up's best req/s (and req/s at each level) with the first one's."""
    labels = list(results)
    first = results[labels[0]]
    best = {label: max(lv.rps for lv in levels) for label, levels in results.items()}
    lines = []
    for label in labels[1:]:
        per = ", ".join(f"{a.clients}: {b.rps / a.rps:.2f}x" for a, b in zip(first, results[label]) if a.rps)
        ratio = f"{best[label] / best[labels[0]]:.2f}x" if best[labels[0]] else "n/a"
        lines.append(f"{label} / {labels[0]}: best {ratio}; by clients {per}")
        pss = [results[name][-1].server_pss_mb for name in (labels[0], label)]
        if results[label][0].workers and len(results[label][-1].workers) > len(first[-1].workers) and pss[0]:
            extra = (pss[1] - pss[0]) / (len(results[label][-1].workers) - len(first[-1].workers))
            lines.append(f"{label}: PSS of all processes {pss[1]:.0f} MB vs {pss[0]:.0f} MB: "
                         f"each extra worker {extra:.0f} MB, {extra / pss[0]:.0%} of the first")
    return lines


def markdown(results: dict[str, list[WrkLevel]]) -> None:
    """The throughput table of docs/performance.md."""
    print("| server | clients | requests | req/s | server cores | wrk cores | p50 ms | p95 ms | p99 ms | errors "
          "| PSS MB (all processes) | PSS / RSS MB per worker |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, levels in results.items():
        for lv in levels:
            each = ", ".join(f"{pss:.0f} / {rss:.0f}" for _, pss, rss in lv.workers)
            print(f"| {label} | {lv.clients} | {lv.requests} | {lv.rps} | {lv.server_cores} | {lv.client_cores} "
                  f"| {lv.p50_ms:.0f} | {lv.p95_ms:.0f} | {lv.p99_ms:.0f} | {lv.errors} | {lv.server_pss_mb:.0f} "
                  f"| {each} |")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line (--short: a small index, 2 workers, two short levels)."""
    add = (parser := argparse.ArgumentParser(description=__doc__.split("\n")[0])).add_argument
    add("--items", type=int, default=10_000, help="item documents in the index (built as scripts/load.py does)")
    add("--index", type=Path, default=None, help="serve this existing index instead")
    add("--work", type=Path, default=Path("index/load"), help="cache of corpus and index (shared with load.py)")
    add("--workers", default=None, help="worker counts to compare, comma-separated (default 1,CORES)")
    add("--balancer", choices=("none", "nginx"), default="none", help="also 2 replicas x 1 worker behind nginx")
    add("--levels", default="1,2,4,8,16,32", help="concurrent connections, comma-separated")
    add("--seconds", type=float, default=20, help="length of each level")
    add("--server-threads", type=int, default=2, help="threads of each imr serve worker")
    add("--no-exports", action="store_true", help="leave the full CSV exports out of the mix")
    add("--seed", type=int, default=11)
    add("--json", type=Path, default=None, help="also write the results here as JSON")
    add("--markdown", action="store_true", help="print the markdown table of docs/performance.md")
    add("--short", action="store_true", help="~300 items, 2 workers, levels 1 and 4, 3 s each")
    args = parser.parse_args(argv)
    if args.short:
        args.items, args.levels, args.seconds, args.workers = 300, "1,4", 3, args.workers or "2"
    args.workers = [int(n) for n in (args.workers or f"1,{max(2, len(os.sched_getaffinity(0)))}").split(",")]
    args.levels = [int(n) for n in args.levels.split(",")]
    args.replica_workers = 1
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the levels for every set-up; exit 0 when no request failed, 1 otherwise, 2 without wrk."""
    args = arguments(argv)
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; apt-get install wrk (or run scripts/load.py)", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    if args.index:
        from indexer.settings import Settings
        settings = Settings(index_dir=args.index)
    else:
        corpus, _, _ = load.build_corpus(args.work, args.items, args.seed)
        settings = load.base_index(args.work, corpus, args.items)
    print(f"{'server':>30} {'conn':>4} {'requests':>7} {'req/s':>7} {'server':>6} {'wrk':>6} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}", flush=True)
    results: dict[str, list[WrkLevel]] = {}
    with tempfile.TemporaryDirectory(prefix="imr-wrk-") as tmp:
        for workers in args.workers:
            run = load.serve_workers(settings, workers, args)
            try:
                results[run.label] = measure(run.label, run.base, run.servers, args, Path(tmp))
            finally:
                load_procs.stop(run.servers)
        if args.balancer == "nginx":
            run, _ = load.serve_replicas(settings, args)
            try:
                results[run.label] = measure(run.label, run.base, run.servers, args, Path(tmp))
            finally:
                load_procs.stop(run.servers + [run.balancer])
    for line in compare(results):
        print(line)
    if args.markdown:
        markdown(results)
    if args.json:
        args.json.write_text(json.dumps({"items": args.items, "levels": args.levels, "seconds": args.seconds,
                                         "runs": {k: [asdict(lv) for lv in v] for k, v in results.items()},
                                         "compare": compare(results)}, indent=1))
    return 1 if any(lv.errors for levels in results.values() for lv in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
