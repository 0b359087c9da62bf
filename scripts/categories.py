#!/usr/bin/env python3
"""Coverage of indexer.index.values.categories.categorize() over every real item with an expected parse.

    python scripts/categories.py [--min 0.99] [FOLDER ...]

Prints the items per category, the share not 'Other', and each item left
'Other' (one line, 'Other: <heading>'). Default folders: ../shared/letters/expected (beside the project) and
tests/fixtures/expected; a letter in both is counted once.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.index.values.categories import expected_coverage

PROJECT = Path(__file__).resolve().parents[1]
DEFAULTS = [PROJECT.parent / "shared" / "letters" / "expected", PROJECT / "tests" / "fixtures" / "expected"]


def main() -> int:
    """Print items per category and the share not 'Other'."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path, default=DEFAULTS)
    ap.add_argument("--min", type=float, default=None,
                    help="exit 1 when the non-'Other' share is below this (e.g. 0.99)")
    args = ap.parse_args()
    result = expected_coverage([f for f in args.folders if f.is_dir()])
    if not result.items:
        print(f"no expected items under {', '.join(map(str, args.folders))}", file=sys.stderr)
        return 2
    print(f"{'category':48} {'items':>6} {'share':>7}")
    for name, count in sorted(result.per_category.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{name:48} {count:6d} {count / result.items:7.1%}")
    print(f"\n{result.items} items in {result.letters} letters; {result.items - result.other} "
          f"({result.rate:.1%}) in a category other than 'Other'")
    # The items to teach indexer/index/values/category_terms.py next.
    for text in result.others:
        print(f"Other: {' '.join(text.split())[:120]}")
    if args.min is not None and result.rate < args.min:
        print(f"coverage {result.rate:.1%} is below --min {args.min:.1%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
