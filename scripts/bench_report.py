"""The tables scripts/bench.py prints: each row with its ratio against the baseline of the same run."""
from __future__ import annotations

import os

import numpy as np

SYSTEMS = ("ours", "whoosh", "fts5", "tantivy")


# Busy above this load per core: another process then shares the cores, CPU times swell (caches,
# frequency) and wall times stretch, so a comparison with another run is not decided by this one.
BUSY_PER_CORE = 0.75


def load_line(when: str) -> str:
    """The 1/5/15-minute load average at `when`, and a warning when the machine is busy."""
    cores = os.cpu_count() or 1
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return f"load average ({when}): unavailable"
    line = f"load average ({when}): {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {cores} cores"
    if one > BUSY_PER_CORE * cores:
        line += (f"\nWARNING: the machine is busy (load {one:.1f} > {BUSY_PER_CORE * cores:.1f} on {cores} cores): "
                 "CPU times swell and wall times stretch; compare only runs measured side by side")
    return line


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def show(*lines: str) -> None:
    """Print at once: a long run stopped midway still leaves every finished table."""
    print("\n".join(lines), flush=True)


def report_rebuild(rebuild: dict, docs: int) -> None:
    """The corpus, the whole rebuild (when this run made the index) and the no-change rebuild."""
    lines = [f"\n== corpus: {rebuild['letters']} letters, {docs} item documents =="]
    if rebuild["built"] is not None:
        lines.append(f"rebuild from the record cache (new index: listing, build, verify, publish): "
                     f"{rebuild['built']:.1f} s wall")
    lines.append(f"no-change rebuild: {rebuild['wall']:.1f} s wall ({rebuild['parsed']} re-extracted, "
                 f"{rebuild['cached']} from cache); per 100k letters: {rebuild['per100k']:.0f} s "
                 f"| target < 60 s per 100k letters: "
                 f"{verdict(rebuild['kept'] and rebuild['per100k'] < 60 and not rebuild['parsed'])}")
    show(*lines)


def report_build(builds: dict) -> None:
    """Build CPU of ours vs each peer."""
    docs = builds["docs"]
    lines = ["\n== build from cached records (ours: one segment per core) ==",
             f"{'engine':<14}{'CPU s':>9}{'wall s':>9}{'docs/s':>10}{'vs plain Whoosh':>17}{'CPU/doc vs plain':>18}"]
    plain = docs / builds["wall:whoosh"] if builds.get("whoosh") else None
    for name in [s for s in SYSTEMS if s in builds]:
        rate = docs / builds[f"wall:{name}"]
        cpu_ratio = f"{builds[name] / builds['whoosh']:.2f}x" if plain else "-"
        lines.append(f"build {name:<8}{builds[name]:>9.2f}{builds[f'wall:{name}']:>9.2f}{rate:>10.0f}"
                     f"{(f'{rate / plain:.2f}x' if plain else '-'):>17}{cpu_ratio:>18}")
    if plain and "wall:ours" in builds:
        ratio = docs / builds["wall:ours"] / plain
        lines.append(f"target: ours >= 2x plain Whoosh docs/s (wall): {ratio:.2f}x {verdict(ratio >= 2)}"
                     f" (wall clock, on {os.cpu_count()} cores)")
    show(*lines)


def report_extraction(extraction: dict) -> None:
    """CPU ms per page of each PDF engine."""
    lines = ["\n== PDF extraction (CPU ms per page) =="]
    for label in ("synthetic", "real"):
        slow, fast = extraction.get((label, "pdfplumber")), extraction.get((label, "pdfium"))
        if slow and fast:
            lines.append(f"extract {label:<10} pdfplumber {slow[0]:8.1f}  pdfium {fast[0]:6.1f}  "
                         f"ratio {slow[0] / fast[0]:5.1f}x  ({fast[1]} PDFs, {fast[2]} pages)")
        else:
            lines.append(f"extract {label:<10} skipped (no PDFs)")
    show(*lines)


def query_limit(n_items: int) -> int:
    """The p95 CPU target (ms) for a corpus size."""
    return 500 if n_items >= 1_000_000 else 100


def report_queries_header(n_items: int, docs: int) -> None:
    """The query table's title and column names."""
    limit = query_limit(n_items)
    show(f"\n== queries (ms, warm; facets + top-10 highlighting) | target p95 CPU < {limit} ms "
         f"at {'1M' if limit == 500 else '100k'} items; this run: {docs} ==",
         f"{'class':<12}{'system':<9}{'n':>4}{'cpu p50':>9}{'cpu p95':>9}{'wall p50':>10}"
         f"{'wall p95':>10}{'hits':>9}{'p95 vs ours':>13}  target")


def report_system(n_items: int, docs: int, system: str, res: dict, ours: dict | None) -> None:
    """One system's query rows (ratio against ours, measured first) and its peak memory."""
    limit, lines = query_limit(n_items), []
    for cls in [c for c in res if not c.startswith("rss_")]:
        cpu = [c for c, _ in res[cls]["times"]]
        wall = [w for _, w in res[cls]["times"]]
        p95 = np.percentile(cpu, 95)
        ours_p95 = np.percentile([c for c, _ in ours[cls]["times"]], 95) if ours else None
        ratio = f"{p95 / ours_p95:.2f}x" if ours_p95 else "-"
        # Below 100k items a pass/fail would flatter us: say only under/over the limit.
        mark = "" if system != "ours" else verdict(p95 < limit) if docs >= 90_000 else (
            "under" if p95 < limit else "over")
        lines.append(f"{cls:<12}{system:<9}{len(cpu):>4}{np.median(cpu):>9.1f}{p95:>9.1f}"
                     f"{np.median(wall):>10.1f}{np.percentile(wall, 95):>10.1f}"
                     f"{res[cls]['hits']:>9.0f}{ratio:>13}  {mark}")
    lines.append(f"memory {system:<8}{res['rss_mb']:8.0f} MB peak "
                 f"({res['rss_base_mb']:.0f} MB before opening the index)")
    show(*lines)
