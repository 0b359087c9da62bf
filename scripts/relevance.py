#!/usr/bin/env python3
"""Recall and R-precision of the search on a judged relevance set, per query and on average.

    python scripts/relevance.py [--judged FILE] [--index DIR] [--seeds-only] [--json] [--show N]

Without --index it builds a fresh index of ../shared/letters/pdf plus the bundled seeds
(--seeds-only: the seeds alone, judged by tests/fixtures/relevance/seeds.json) in a
temporary directory. Each query runs through the library as a user's search does
(understanding on, relevance order) and every hit is read. For a query with R relevant
items: recall = relevant found / R; R-precision = relevant among the first R hits / R.
Judged ids are `<case number, else the expected file's stem>#<item number>`; they are
mapped to the index's doc ids through its letter store, and each judged item's name is
checked against the indexed one (a judgement that no longer points at its item is `stale`).
A set may also hold "negatives", queries no item answers: for each, its hits and their
fraction of the indexed items (and the mean and largest fraction) are reported.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from indexer.index.stores import letterstore, snapshots
from indexer.search.query.request import parse_request
from indexer.search.searcher import Searcher
from indexer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "relevance"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SHARED_PDF = ROOT.parent / "shared" / "letters" / "pdf"


def load_judged(path: Path) -> dict:
    """A judged set: {'queries': [{'q', 'relevant', 'why'?}], 'items': {id: name}}."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def build_index(index_dir: Path, sources: list[Path], jobs: int = 2) -> Settings:
    """Build (or keep, when unchanged) an index of `sources` at index_dir; its Settings."""
    from indexer.pipeline.conductor import rebuild

    settings = Settings(index_dir=Path(index_dir), jobs=jobs)
    rebuild(sources, settings)
    return settings


def doc_ids(settings: Settings) -> dict[str, str]:
    """Judged letter key (case number, and source file stem) -> the index's letter id."""
    keys: dict[str, str] = {}
    for ref in letterstore.read_refs(snapshots.current(settings)):
        keys[Path(ref["source"] or "").stem] = ref["id"]
        if ref["case_number"]:
            keys[ref["case_number"]] = ref["id"]
    return keys


def check_judged(judged: dict, settings: Settings, searcher: Searcher) -> tuple[dict, list, list]:
    """judged id -> doc id; the ids naming no indexed item (unmapped) and those whose
    indexed item name no longer starts with the judged one (stale)."""
    keys = doc_ids(settings)
    names = judged.get("items", {})
    mapped: dict[str, str | None] = {}
    unmapped, stale = [], []
    for judged_id in sorted({j for q in judged["queries"] for j in q["relevant"]}):
        letter, _, item_no = judged_id.rpartition("#")
        record = searcher.current().record(keys[letter]) if letter in keys else None
        items = (record or {}).get("items") or []
        if not item_no.isdigit() or not 1 <= int(item_no) <= len(items):
            mapped[judged_id] = None
            unmapped.append(judged_id)
            continue
        mapped[judged_id] = f"{keys[letter]}#{item_no}"
        if not (items[int(item_no) - 1].get("item") or "").startswith(names.get(judged_id, "")):
            stale.append(judged_id)
    return mapped, unmapped, stale


def _ratio(found: int, total: int) -> float:
    return found / total if total else 0.0


def evaluate(judged: dict, settings: Settings, show: int = 3) -> dict:
    """Run every judged query on the index at settings.index_dir: per-query and mean recall
    and R-precision, missed relevant items, the top non-relevant hits, unmapped/stale ids."""
    searcher = Searcher(settings)
    mapped, unmapped, stale = check_judged(judged, settings, searcher)
    rows = []
    for entry in judged["queries"]:
        request = parse_request({"q": entry["q"], "per_page": "100"})
        hits = list(searcher.iter_hits(request))
        relevant = {mapped[j] or j: j for j in entry["relevant"]}
        ranked = [h.doc_id for h in hits]
        r = len(relevant)
        found = [d for d in ranked if d in relevant]
        rows.append({
            "q": entry["q"], "hits": len(hits), "relevant": r, "found": len(found),
            "recall": _ratio(len(found), r),
            "r_precision": _ratio(sum(d in relevant for d in ranked[:r]), r),
            "missed": [relevant[d] for d in relevant if d not in set(found)],
            "top_nonrelevant": [{"rank": n, "doc_id": h.doc_id, "item": h.item[:80]}
                                for n, h in enumerate(hits, 1) if h.doc_id not in relevant][:show],
        })
    n = len(rows)
    documents = searcher.current().facets.n_docs
    negatives = []
    for entry in judged.get("negatives", []):
        hits = sum(1 for _ in searcher.iter_hits(parse_request({"q": entry["q"], "per_page": "100"})))
        negatives.append({"q": entry["q"], "hits": hits, "fraction": _ratio(hits, documents)})
    extra = {"negatives": negatives,
             "negatives_mean_fraction": sum(r["fraction"] for r in negatives) / len(negatives),
             "negatives_max_fraction": max(r["fraction"] for r in negatives)} if negatives else {}
    return {
        "queries": rows, "n_queries": n,
        "mean_recall": sum(r["recall"] for r in rows) / n if n else 0.0,
        "mean_r_precision": sum(r["r_precision"] for r in rows) / n if n else 0.0,
        "unmapped": unmapped, "stale": stale,
        "all_items": [r["q"] for r in rows if r["hits"] == documents],
        "zero": [r["q"] for r in rows if not r["hits"]],
        "documents": documents, "snapshot": searcher.snapshot_name, **extra,
    }


def print_report(report: dict, out=sys.stdout) -> None:
    """The per-query table, then the means and what to look at."""
    print(f"{'query':32} {'hits':>5} {'rel':>4} {'recall':>7} {'R-prec':>7}  note", file=out)
    for r in report["queries"]:
        note = "ALL ITEMS" if r["q"] in report["all_items"] else "ZERO" if r["q"] in report["zero"] else ""
        print(f"{r['q'][:32]:32} {r['hits']:5d} {r['relevant']:4d} {r['recall']:7.2f} "
              f"{r['r_precision']:7.2f}  {note}", file=out)
    print(f"\nqueries: {report['n_queries']}; documents: {report['documents']}; "
          f"mean recall {report['mean_recall']:.3f}; mean R-precision {report['mean_r_precision']:.3f}",
          file=out)
    for label, what in (("all_items", "queries answering every item"), ("zero", "queries answering none"),
                        ("unmapped", "judged ids naming no indexed item"),
                        ("stale", "judged ids whose indexed item has another name")):
        if report[label]:
            print(f"{what} ({len(report[label])}): {', '.join(report[label])}", file=out)
    print("\nper query, relevant items missed and the first non-relevant hits (rank: item):", file=out)
    for r in report["queries"]:
        if r["recall"] == 1.0 and r["r_precision"] == 1.0:
            continue
        print(f"- {r['q']}", file=out)
        if r["missed"]:
            print(f"    missed: {', '.join(r['missed'])}", file=out)
        for h in r["top_nonrelevant"]:
            print(f"    {h['rank']:3d}: {h['doc_id']}  {h['item']}", file=out)
    if report.get("negatives"):
        print("\nnegatives (queries no item answers): hits and their fraction of the indexed items", file=out)
        for r in report["negatives"]:
            print(f"{r['q'][:32]:32} {r['hits']:5d} {r['fraction']:7.3f}", file=out)
        print(f"negatives: {len(report['negatives'])}; mean fraction {report['negatives_mean_fraction']:.3f}; "
              f"max fraction {report['negatives_max_fraction']:.3f}", file=out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judged", type=Path, help="judged set (default: judged.json, or seeds.json)")
    ap.add_argument("--index", type=Path, help="index directory to build into or reuse "
                                               "(default: a fresh temporary one)")
    ap.add_argument("--seeds-only", action="store_true", help="index and judge the bundled seeds alone")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--show", type=int, default=3, help="non-relevant hits to list per query")
    args = ap.parse_args()
    if not args.seeds_only and not SHARED_PDF.is_dir():
        print(f"no {SHARED_PDF}: use --seeds-only", file=sys.stderr)
        return 2
    judged = load_judged(args.judged or FIXTURES / ("seeds.json" if args.seeds_only else "judged.json"))
    sources = [SEEDS] + ([] if args.seeds_only else [SHARED_PDF])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        settings = build_index(args.index or Path(tmp) / "index", sources)
        built = time.monotonic()
        report = evaluate(judged, settings, args.show)
    report["seconds"] = {"index": round(built - started, 2), "queries": round(time.monotonic() - built, 2)}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
        print(f"\nindex {report['seconds']['index']}s, queries {report['seconds']['queries']}s")
    return 0 if not (report["unmapped"] or report["stale"]) else 1


if __name__ == "__main__":
    sys.exit(main())
