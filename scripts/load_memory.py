"""What a second worker costs in memory: `imr serve --workers 1` and `--workers 2` on one index, the same
fixed number of requests of the load mix sent to each, then the PSS of every server process.

scripts/load_wrk.py measures PSS right after each level of a timed run, so two runs answer different
numbers of requests and a worker may still be busy when it is read. Here both servers answer exactly
CLIENTS x REQUESTS requests (load_requests.pick, the same seeds), and memory is read `--rest` seconds
after the last answer (0: at once, as under load; 2: once the workers are idle and have trimmed, see
webapp.serving.server.Trimmer). The extra worker's cost = PSS of the whole 2-worker server (master
included) - PSS of the 1-worker server, as a share of the latter (the `load_wrk` summary's measure).

`--pages` says where each worker's private memory came from, page by page (/proc/PID/pagemap,
root only): pages it still shares with the master, pages it copied from the master (the same
address, another physical page: a page the worker wrote, CPython's reference counts and inline
caches included), and pages of its own (no page at that address in the master); and how much of the
master's memory no worker shares any more.

Usage: .venv/bin/python -m scripts.load_memory --index DIR [--requests 150] [--clients 4] [--rest 2]
           [--smaps] [--pages]
Loopback only; prints one line per server and the share.
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import struct
import threading
import time
from pathlib import Path

import httpx

from scripts import load_procs, load_requests


def smaps(pid: int) -> dict[str, list[int]]:
    """kB per kind of mapping ([anon], [heap], libraries, each mapped file): [PSS, private dirty, RSS]."""
    out: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    name = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if parts and "-" in parts[0] and not parts[0].endswith(":"):
            name = parts[5] if len(parts) > 5 else "[anon]"
            name = "[libraries]" if ".so" in name else name
        elif parts and parts[0] in ("Pss:", "Private_Dirty:", "Rss:"):
            out[name][("Pss:", "Private_Dirty:", "Rss:").index(parts[0])] += int(parts[1])
    return out


PAGE = os.sysconf("SC_PAGE_SIZE")
FRAME = (1 << 55) - 1           # pagemap: bits 0-54 the physical frame, bit 63 present


def _regions(pid: int) -> list[tuple[int, int, str]]:
    """(start, end, kind) of a process's writable private mappings: [anon], [heap], [other]."""
    out = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split()
        if "w" in parts[1] and parts[1].endswith("p"):
            start, end = (int(x, 16) for x in parts[0].split("-"))
            name = parts[5] if len(parts) > 5 else "[anon]"
            out.append((start, end, name if name in ("[anon]", "[heap]") else "[other]"))
    return out


def _frames(pid: int, start: int, end: int) -> list[int]:
    """The physical frame of each page of [start, end) of a process, 0 where none is present."""
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        f.seek(start // PAGE * 8)
        raw = f.read((end - start) // PAGE * 8)
    return [v & FRAME if v >> 63 else 0 for v in struct.unpack(f"{len(raw) // 8}Q", raw)]


def _present(pid: int) -> dict[int, tuple[int, str]]:
    """page number -> (physical frame, kind) of every present page of a process's private mappings."""
    out = {}
    for start, end, kind in _regions(pid):
        for i, frame in enumerate(_frames(pid, start, end)):
            if frame:
                out[start // PAGE + i] = (frame, kind)
    return out


def page_origins(master: int, workers: list[int]) -> dict[str, collections.Counter]:
    """MB by (kind of mapping, origin) for each worker and for the master: a worker's page is
    *shared* (the master's own page), *copied* (the master has another page at that address) or
    *own*; the master's is *shared* (some worker still has it) or *private*. Needs root (pagemap's
    frames read 0 otherwise: everything then reads as *own*)."""
    theirs = _present(master)
    out: dict[str, collections.Counter] = {}
    kept: set[int] = set()
    for pid in workers:
        counts = out[f"worker {pid}"] = collections.Counter()
        for page, (frame, kind) in _present(pid).items():
            other = theirs.get(page, (0, ""))[0]
            origin = "shared" if frame == other else "copied" if other else "own"
            counts[f"{kind} {origin}"] += PAGE / 2 ** 20
            if origin == "shared":
                kept.add(page)
    counts = out[f"master {master}"] = collections.Counter()
    for page, (_, kind) in theirs.items():
        counts[f"{kind} {'shared' if page in kept else 'private'}"] += PAGE / 2 ** 20
    return out


def drive(base: str, clients: int, requests: int) -> int:
    """Send clients x requests requests of the mix (client i seeded i + 1); how many were answered 2xx/3xx."""
    cat = load_requests.catalog(base)
    answered = [0] * clients

    def client(i: int) -> None:
        rng = random.Random(i + 1)
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(requests):
                answered[i] += http.get(load_requests.pick(rng, cat)[1]).status_code < 400

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(answered)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="the index directory to serve")
    ap.add_argument("--requests", type=int, default=150, help="requests per client")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients (Python threads)")
    ap.add_argument("--rest", type=float, default=2.0, help="seconds between the last answer and the reading")
    ap.add_argument("--smaps", action="store_true", help="also each process's memory by kind of mapping")
    ap.add_argument("--pages", action="store_true",
                    help="also, with 2 workers, each worker's pages shared with / copied from the master / "
                         "its own (root only)")
    args = ap.parse_args()
    total = {}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / "load_memory-server.log"
    for workers in (1, 2):
        proc, base = load_procs.start_server(args.index, workers, 2, log)
        try:
            ok = drive(base, args.clients, args.requests)
            time.sleep(args.rest)
            pids = load_procs.tree(proc.pid)
            mems = [m for m in (load_procs.memory(p) for p in pids) if m]
            total[workers] = sum(m.pss_kb for m in mems) / 1024
            print(f"{workers} worker(s): {ok} answered, server CPU {load_procs.cpu_seconds(pids):.1f} s, "
                  f"PSS of all processes {total[workers]:.1f} MB; PSS / RSS MB each: "
                  + ", ".join(f"{m.pss_kb / 1024:.0f} / {m.rss_kb / 1024:.0f}" for m in mems), flush=True)
            for pid in pids if args.smaps else ():
                kinds = sorted(smaps(pid).items(), key=lambda kv: -kv[1][0])[:5]
                print(f"  {pid}: " + "; ".join(f"{k[-40:]} PSS {v[0] / 1024:.1f} private {v[1] / 1024:.1f}"
                                               for k, v in kinds if v[0] >= 512))
            if args.pages and workers > 1:
                for who, counts in page_origins(proc.pid, [p for p in pids if p != proc.pid]).items():
                    print(f"  {who}: " + "; ".join(f"{k} {v:.1f}" for k, v in sorted(counts.items()) if v >= 0.1))
        finally:
            load_procs.stop([proc])
    extra = total[2] - total[1]
    print(f"the second worker: {extra:.1f} MB, {extra / total[1]:.0%} of the first; "
          f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
