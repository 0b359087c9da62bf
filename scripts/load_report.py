"""The outcome of scripts/load.py: per-level numbers, the swap's verdict, the printed table."""
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
    rss_kb: int = 0
    hwm_kb: int = 0
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    probes: list[tuple[str, str, int]] = field(default_factory=list)   # (query, snapshot, total)
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
        return {"concurrency": self.concurrency, "swap": self.swap, "requests": self.requests,
                "errors": self.errors, "rps": round(self.requests / self.seconds, 1) if self.seconds else 0,
                **{f"p{p}_ms": round(self.pct(p), 1) for p in (50, 95, 99)},
                "rss_mb": round(self.rss_kb / 1024, 1), "hwm_mb": round(self.hwm_kb / 1024, 1),
                "kinds": {k: {"n": len(v), "p50_ms": round(self.pct(50, k), 1), "p95_ms": round(self.pct(95, k), 1)}
                          for k, v in sorted(self.by_kind.items())},
                "error_samples": self.error_samples[:5]}


def verify_swap(level: Level, old: tuple[str, dict], new: tuple[str, dict], extra_items: int) -> list[str]:
    """Problems of the swap level: failed requests, or a probe answer not whole from one snapshot."""
    problems = [f"{level.errors} failed requests"] if level.errors else []
    if new[1][""] != old[1][""] + extra_items or old[0] == new[0]:
        problems.append(f"{old[0]} ({old[1]['']} items) -> {new[0]} ({new[1]['']}): expected +{extra_items}")
    expected = {old[0]: old[1], new[0]: new[1]}
    problems += [f"probe q={q!r}: total {total} from snapshot {name!r}" for q, name, total in level.probes
                 if name not in expected or expected[name][q] != total]
    if {name for _, name, _ in level.probes} != set(expected):
        problems.append(f"the probes did not see both snapshots {sorted(expected)}")
    return problems


def print_table(levels: list[Level], header: bool = True) -> None:
    """One line per level, with a few failed requests under it."""
    if header:
        print(f"{'conc':>8} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
              f"{'errors':>6} {'RSS MB':>7} {'HWM MB':>7}", flush=True)
    for r in (level.row() for level in levels):
        label = f"{r['concurrency']}{'+swap' if r['swap'] else ''}"
        print(f"{label:>8} {r['requests']:>8} {r['rps']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
              f"{r['errors']:>6} {r['rss_mb']:>7} {r['hwm_mb']:>7}", flush=True)
        for sample in r["error_samples"]:
            print(f"         error: {sample}")


def report(args, levels: list[Level], old: tuple, new: tuple, facts: dict, problems: list[str]) -> int:
    """Print the table and verdicts (and write the JSON file); returns the exit status."""
    swapped = levels[-1]
    best = max((lv.concurrency for lv in levels if not lv.swap and not lv.errors and lv.pct(95) < 500),
               default=None)
    print(f"\n{old[1]['']} item documents (asked for {args.items}); imr serve --threads {args.server_threads}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other processes share them)")
    print_table(levels)
    print(f"swap: {old[0]} -> {new[0]} by imr {args.swap_mode} in {facts.get('seconds')} s, started after "
          f"{facts.get('at_request')} of {swapped.requests} requests; {len(swapped.probes)} probe answers, "
          f"all whole from one of the two snapshots: {'NO' if problems else 'yes'}")
    for problem in problems[:20]:
        print(f"PROBLEM: {problem}")
    kinds = levels[0].row()["kinds"]
    print(f"at concurrency {levels[0].concurrency}, p50/p95 ms by kind: "
          + ", ".join(f"{k} {v['p50_ms']:.0f}/{v['p95_ms']:.0f}" for k, v in kinds.items()))
    print(f"highest concurrency with p95 < 500 ms and no errors: {best}")
    if args.json:
        seen = sorted({p[1] for p in swapped.probes})
        args.json.write_text(json.dumps({
            "items": old[1][""], "levels": [lv.row() for lv in levels], "best_concurrency": best,
            "swap": {"old": old[0], "new": new[0], "old_totals": old[1], "new_totals": new[1],
                     "probes": len(swapped.probes), "snapshots_seen": seen, **facts},
            "problems": problems}, indent=2))
    return 1 if problems or any(lv.errors for lv in levels) else 0
