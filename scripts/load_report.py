"""The outcome of scripts/load.py: per-level numbers, the swap's verdicts, the printed tables."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field


@dataclass
class Level:
    """The outcome of one concurrency level."""
    concurrency: int
    swap: bool = False
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    cores: float = 0.0                       # CPU seconds of the server processes / wall seconds
    memory: list = field(default_factory=list)      # load_procs.Memory of each worker, after the level
    masters: list = field(default_factory=list)     # and of each gunicorn master (none with one worker)
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    probes: list[tuple] = field(default_factory=list)   # (query, snapshot, total, worker, started, finished)
    error_samples: list[str] = field(default_factory=list)

    def record(self, kind: str, path: str, elapsed: float, problem: str | None, answer: tuple | None) -> None:
        """Count one request."""
        self.requests += 1
        self.latencies.append(elapsed)
        self.by_kind.setdefault(kind, []).append(elapsed)
        if problem:
            self.errors += 1
            self.error_samples.append(f"{path[:120]} -> {problem}")
        elif answer:
            self.probes.append(answer)

    def pct(self, p: float, kind: str | None = None) -> float:
        """The p-th percentile latency in ms (nearest rank), of all requests or of one kind."""
        ordered = sorted(self.by_kind.get(kind, []) if kind else self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0.0

    def row(self) -> dict:
        """The printed and JSON-reported numbers."""
        mb = [(m.pid, round(m.rss_kb / 1024, 1), round(m.pss_kb / 1024, 1), round(m.hwm_kb / 1024, 1))
              for m in self.memory]
        masters = sum(m.pss_kb for m in self.masters) / 1024
        return {"concurrency": self.concurrency, "swap": self.swap, "requests": self.requests,
                "errors": self.errors, "rps": round(self.requests / self.seconds, 1) if self.seconds else 0,
                "cores": self.cores, **{f"p{p}_ms": round(self.pct(p), 1) for p in (50, 95, 99)},
                "rss_mb": round(sum(m[1] for m in mb), 1), "pss_mb": round(sum(m[2] for m in mb) + masters, 1),
                "master_pss_mb": round(masters, 1),
                "hwm_mb": round(sum(m[3] for m in mb), 1),
                "workers": [{"pid": pid, "rss_mb": rss, "pss_mb": pss, "hwm_mb": hwm} for pid, rss, pss, hwm in mb],
                "kinds": {k: {"n": len(v), **{f"p{p}_ms": round(self.pct(p, k), 1) for p in (50, 95, 99)}}
                          for k, v in sorted(self.by_kind.items())},
                "error_samples": self.error_samples[:5]}


@dataclass
class Run:
    """One server set-up under load: `imr serve --workers N`, or replicas behind a balancer."""
    label: str
    base: str
    servers: list                      # the imr serve processes (subprocess.Popen)
    workers: int = 1
    balancer: object = None
    levels: list[Level] = field(default_factory=list)
    swap: dict = field(default_factory=dict)
    swap_workers: list[int] = field(default_factory=list)

    def peak(self) -> float:
        """The best requests/s of its levels without a swap."""
        return max((lv.requests / lv.seconds for lv in self.levels if not lv.swap and lv.seconds), default=0.0)


def verify_swap(level: Level, old: tuple[str, dict], new: tuple[str, dict], extra_items: int) -> list[str]:
    """Problems of the swap level: failed requests, or a probe answer not whole from one snapshot."""
    problems = [f"{level.errors} failed requests"] if level.errors else []
    if new[1][""] != old[1][""] + extra_items or old[0] == new[0]:
        problems.append(f"{old[0]} ({old[1]['']} items) -> {new[0]} ({new[1]['']}): expected +{extra_items}")
    expected = {old[0]: old[1], new[0]: new[1]}
    problems += [f"probe q={p[0]!r}: total {p[2]} from snapshot {p[1]!r}" for p in level.probes
                 if p[1] not in expected or expected[p[1]][p[0]] != p[2]]
    if {p[1] for p in level.probes} != set(expected):
        problems.append(f"the probes did not see both snapshots {sorted(expected)}")
    return problems


def by_worker(run: Run) -> dict[int, dict]:
    """Per worker of the swap: probes answered from the old and the new snapshot."""
    level, new = run.levels[-1], run.swap.get("new")
    return {pid: {"old": sum(p[3] == pid and p[1] != new for p in level.probes),
                  "new": sum(p[3] == pid and p[1] == new for p in level.probes)} for pid in run.swap_workers}


def verify_workers(run: Run) -> list[str]:
    """Every worker answered from the new snapshot, and never from the old one after it had."""
    level, problems = run.levels[-1], []
    new = run.swap["new"] = max(p[1] for p in level.probes) if level.probes else None
    for pid in run.swap_workers:
        first_new = min((p[5] for p in level.probes if p[3] == pid and p[1] == new), default=None)
        if first_new is None:
            problems.append(f"worker {pid} never answered from the new snapshot {new}")
            continue
        late = [p for p in level.probes if p[3] == pid and p[1] != new and p[4] > first_new]
        if late:
            problems.append(f"worker {pid} answered from the old snapshot after the new one ({len(late)} times)")
    strangers = {p[3] for p in level.probes} - set(run.swap_workers)
    if strangers:
        problems.append(f"answers from processes that are not the server's workers: {sorted(strangers)}")
    return problems


def print_table(run: Run, levels: list[Level], header: bool = True) -> None:
    """One line per level, with a few failed requests under it."""
    if header:
        print(f"{'server':>28} {'conc':>7} {'requests':>8} {'req/s':>7} {'cores':>5} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'errors':>6} {'PSS MB':>7} {'per worker PSS/RSS MB':>22}", flush=True)
    for r in (level.row() for level in levels):
        label = f"{r['concurrency']}{'+swap' if r['swap'] else ''}"
        each = " ".join(f"{w['pss_mb']:.0f}/{w['rss_mb']:.0f}" for w in r["workers"])
        print(f"{run.label:>28} {label:>7} {r['requests']:>8} {r['rps']:>7} {r['cores']:>5} {r['p50_ms']:>8} "
              f"{r['p95_ms']:>8} {r['p99_ms']:>8} {r['errors']:>6} {r['pss_mb']:>7} {each:>22}", flush=True)
        for sample in r["error_samples"]:
            print(f"         error: {sample}")


def markdown(runs: list[Run]) -> None:
    """The load table of docs/performance.md."""
    print("| server | clients | requests | req/s | cores used | p50 ms | p95 ms | p99 ms | errors "
          "| PSS MB (all processes) | PSS / RSS MB per worker |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        for r in (lv.row() for lv in run.levels):
            each = ", ".join(f"{w['pss_mb']:.0f} / {w['rss_mb']:.0f}" for w in r["workers"])
            print(f"| {run.label} | {r['concurrency']}{' + swap' if r['swap'] else ''} | {r['requests']} | {r['rps']} "
                  f"| {r['cores']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['errors']} "
                  f"| {r['pss_mb']:.0f} | {each} |")


def targets(runs: list[Run]) -> list[str]:
    """The issue's targets as ratios measured in this run."""
    out, plain = [], [r for r in runs if r.balancer is None]
    one = next((r for r in plain if r.workers == 1), None)
    for run in runs:
        if one is not None and run is not one and one.peak():
            out.append(f"peak throughput {run.label} / 1 worker: {run.peak() / one.peak():.2f}x (target >= 1.8x "
                       f"with 2 workers on 2 idle cores)")
        at32 = next((lv for lv in run.levels if lv.concurrency == 32 and not lv.swap), None)
        if at32:
            ok = at32.pct(95) < 500 and not at32.errors
            out.append(f"{run.label} at 32 clients: p95 {at32.pct(95):.0f} ms, {at32.errors} errors "
                       f"(target p95 < 500 ms, 0 errors): {'met' if ok else 'NOT met'}")
        last = _last_plain(run)
        if one is not None and run is not one and last and _last_plain(one) and run.balancer is None:
            first = _last_plain(one).row()["pss_mb"]
            extra = (last.row()["pss_mb"] - first) / max(1, run.workers - 1)
            out.append(f"server PSS (all processes) {first:.0f} MB with 1 worker, {last.row()['pss_mb']:.0f} MB with "
                       f"{run.workers}: each extra worker adds {extra:.0f} MB = {extra / first:.0%} of the first "
                       "(target <= 30%)")
    return out


def _last_plain(run: Run) -> Level | None:
    return next((lv for lv in reversed(run.levels) if not lv.swap), None)


def report(args, runs: list[Run], old: tuple, new: tuple, problems: list[str]) -> int:
    """Print the tables and verdicts (and write the JSON file); returns the exit status."""
    swapped, load = runs[-1], os.getloadavg()
    best = {run.label: max((lv.concurrency for lv in run.levels if not lv.swap and not lv.errors and lv.pct(95) < 500),
                           default=None) for run in runs}
    print(f"\n{old[1]['']} item documents (asked for {args.items}); {args.server_threads} threads a worker; "
          f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          "(other processes share them: throughput and latency are only comparable within this run)")
    for n, run in enumerate(runs):
        print_table(run, run.levels, header=n == 0)
    if args.markdown:
        print()
        markdown(runs)
    level = swapped.levels[-1]
    if swapped.swap:
        print(f"\nswap: {old[0]} -> {new[0]} by {swapped.swap.get('how')} in {swapped.swap.get('seconds')} s, "
              f"started after {swapped.swap.get('at_request')} of {level.requests} requests; {len(level.probes)} probe "
              f"answers, all whole from one of the two snapshots: {'NO' if problems else 'yes'}")
        print("probes per worker (old/new snapshot): "
              + ", ".join(f"{pid} {c['old']}/{c['new']}" for pid, c in by_worker(swapped).items()))
    for problem in problems[:20]:
        print(f"PROBLEM: {problem}")
    kinds = runs[0].levels[0].row()["kinds"]
    print(f"{runs[0].label} at concurrency {runs[0].levels[0].concurrency}, p50/p95/p99 ms by kind: "
          + ", ".join(f"{k} {v['p50_ms']:.0f}/{v['p95_ms']:.0f}/{v['p99_ms']:.0f}" for k, v in kinds.items()))
    print("highest concurrency with p95 < 500 ms and no errors: "
          + ", ".join(f"{label} {c}" for label, c in best.items()))
    for line in targets(runs):
        print(line)
    if args.json:
        seen = sorted({p[1] for p in level.probes})
        args.json.write_text(json.dumps({
            "items": old[1][""], "load_average": load, "cores": os.cpu_count(),
            "runs": [{"label": r.label, "workers": r.workers, "balancer": r.balancer is not None,
                      "levels": [lv.row() for lv in r.levels]} for r in runs],
            "levels": [lv.row() for lv in swapped.levels], "best_concurrency": best, "targets": targets(runs),
            "swap": {"old": old[0], "new": new[0], "old_totals": old[1], "new_totals": new[1],
                     "probes": len(level.probes), "snapshots_seen": seen,
                     "workers": {str(k): v for k, v in by_worker(swapped).items()}, **swapped.swap},
            "problems": problems}, indent=2))
    return 1 if problems or any(lv.errors for r in runs for lv in r.levels) else 0
