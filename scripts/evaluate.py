#!/usr/bin/env python3
"""Per-field parser accuracy on ../shared/letters (or --letters DIR), for each PDF engine.

    python scripts/evaluate.py [--letters DIR] [--engine pdfium|pdfplumber|both] [--show N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.ingest.evaluation import BAR, Accuracy, evaluate, letter_pairs
from indexer.settings import Settings

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "letters"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=Path, default=DEFAULT)
    ap.add_argument("--engine", default="both", choices=["pdfium", "pdfplumber", "both"])
    ap.add_argument("--show", type=int, default=20, help="mismatches to list")
    args = ap.parse_args()
    pairs = letter_pairs(args.letters)
    if not pairs:
        print(f"no letters with expected JSON under {args.letters}", file=sys.stderr)
        return 2
    engines = ["pdfium", "pdfplumber"] if args.engine == "both" else [args.engine]
    acc = Accuracy()
    for i, engine in enumerate(engines):
        # text seeds do not depend on the engine: evaluate them once
        todo = pairs if i == 0 else [p for p in pairs if p[0].suffix == ".pdf"]
        evaluate(todo, Settings(pdf_engine=engine), acc)
    print(f"{'field':34} {'right':>6} {'total':>6} {'accuracy':>9}  bar")
    for name in acc.total:
        mark = "*" if name in BAR else ""
        print(f"{name:34} {acc.right[name]:6d} {acc.total[name]:6d} {acc.rate(name):9.1%}  {mark}")
    print(f"\nletters: {len(pairs)}; engines: {', '.join(engines)}; "
          f"accuracy bar (* fields at 100%): {'MET' if acc.bar_met() else 'NOT MET'}")
    for line in acc.mismatches[:args.show]:
        print("  " + line)
    if len(acc.mismatches) > args.show:
        print(f"  ... {len(acc.mismatches) - args.show} more")
    return 0 if acc.bar_met() else 1


if __name__ == "__main__":
    sys.exit(main())
