#!/usr/bin/env python3
"""Highlighting's share of a results page's CPU, in-process (Flask test client, no server).

    python scripts/profile_page.py [--index DIR] [--letters N] [--rounds R] [--profile] [--only-current] [--cold]

Renders result pages (`/?q=...`, some with facet filters, and the JSON API)
through the Flask test client and splits each request's CPU time
(time.process_time) into highlighting (every call into indexer.search.show.highlight's
functions and its Marker from a request, nested calls counted once) and the rest. Each page is rendered
twice per round: with the highlighter as it is, and with its spans found the
old way (`occurrences.spans_by_analysis`, every word of each text analysed), so
both shares come from one run. Without --index it builds an index of the seed
letters and N synthetic letters (default 400, as `make run`) in a temporary
folder. --profile adds a cProfile listing of the current path. The pages repeat, so the
highlighter's memory of the texts it has seen (`occurrences.Vocabulary`) is warm; --cold
also times the current path with the texts forgotten before every page (as if a page's
texts had never been seen; the chunks' analyses stay known, as in a running server).
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/?q=knee+pain", "/?q=physical+therapy&f.decision=Upheld", '/?q="physical+therapy"',
         "/?q=lumbar+mri", "/?q=opioid*&f.decision=Overturned", "/?q=acupuncture+chiropractic",
         '/?q="medically+necessary"+knee', "/?q=gabapentin", "/?q=home+health&page=2",
         "/api/search?q=physical+therapy&f.decision=Upheld")
HIGHLIGHT = ("mark", "mark_query", "snippets", "lead")     # indexer.search.show.highlight's functions
MARKER = ("mark", "snippets")                               # and a request's Marker's


class Split:
    """CPU seconds spent inside the highlighter's public functions (outermost calls only)."""

    def __init__(self) -> None:
        self.seconds, self._depth = 0.0, 0

    def wrap(self, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            self._depth += 1
            started = time.process_time() if self._depth == 1 else 0.0
            try:
                return fn(*args, **kwargs)
            finally:
                if self._depth == 1:
                    self.seconds += time.process_time() - started
                self._depth -= 1
        return timed


@contextmanager
def timed_highlighter(split: Split, old: bool):
    """Count the highlighter's CPU into `split`; with `old`, find spans by analysing every word."""
    import importlib

    import webapp.text
    from indexer.search.show import highlight

    # Run on an older checkout too (PYTHONPATH=...): without a Marker or the fast spans, only
    # what is there is timed, and `old` changes nothing.
    occurrences = importlib.import_module("indexer.search.show.occurrences") if old else None
    saved = {name: getattr(highlight, name) for name in HIGHLIGHT}
    marker = getattr(highlight, "Marker", None)
    saved_marker = {name: getattr(marker, name) for name in MARKER} if marker else {}
    saved_text = getattr(webapp.text, "mark_query", None)     # older checkouts mark letter pages with it
    saved_spans = occurrences.spans if occurrences else None
    for name, fn in saved.items():
        setattr(highlight, name, split.wrap(fn))
    for name, fn in saved_marker.items():
        setattr(marker, name, split.wrap(fn))
    if saved_text:
        webapp.text.mark_query = highlight.mark_query
    if occurrences:
        occurrences.spans = lambda text, stems, prefixes=(), phrases=(), vocab=None: \
            occurrences.spans_by_analysis(text, stems, prefixes, phrases)
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(highlight, name, fn)
        for name, fn in saved_marker.items():
            setattr(marker, name, fn)
        if saved_text:
            webapp.text.mark_query = saved_text
        if occurrences:
            occurrences.spans = saved_spans


def build_index(folder: Path, letters: int):
    """Settings of an index of the seed letters and `letters` synthetic ones, built in `folder`."""
    from indexer.pipeline.conductor import rebuild
    from indexer.settings import Settings
    from indexer.synth import generate

    synthetic = folder / "synthetic"
    generate(letters, synthetic, formats=("txt",), seed=1)
    settings = Settings(index_dir=folder / "index", jobs=2)
    rebuild([ROOT / "tests" / "fixtures" / "seeds", synthetic], settings)
    return settings


def forget(client) -> None:
    """Empty the highlighter's memory of the texts it has seen (its chunks stay known), where there is one:
    the open snapshot's (an older checkout's was the process's)."""
    import importlib

    try:
        vocabulary = client.application.extensions["imr"].searcher().current().seen
    except AttributeError:
        try:
            vocabulary = importlib.import_module("indexer.search.show.occurrences").vocabulary()
        except (ModuleNotFoundError, AttributeError):
            return
    if hasattr(vocabulary, "forget_texts"):
        vocabulary.forget_texts()


def measure(client, rounds: int, old: bool, cold: bool = False) -> tuple[list[float], list[float]]:
    """(page CPU ms, highlighting CPU ms) per request over `rounds` rounds of PAGES (`cold`: the
    texts seen forgotten before each)."""
    pages, marks = [], []
    for _ in range(rounds):
        for url in PAGES:
            if cold:
                forget(client)
            split = Split()
            with timed_highlighter(split, old):
                started = time.process_time()
                response = client.get(url)
                pages.append((time.process_time() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            marks.append(split.seconds * 1000)
    return pages, marks


def report(label: str, pages: list[float], marks: list[float]) -> float:
    share = sum(marks) / sum(pages)
    print(f"{label:<34} page CPU ms p50 {np.percentile(pages, 50):6.2f} mean {np.mean(pages):6.2f} | "
          f"highlighting mean {np.mean(marks):5.2f} ms = {share:5.1%} of the page")
    return share


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, help="an index folder (default: build one from seeds + synthetic)")
    ap.add_argument("--letters", type=int, default=400, help="synthetic letters when building")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--profile", action="store_true", help="also print a cProfile listing")
    ap.add_argument("--only-current", action="store_true",
                    help="skip the spans-by-analysis runs (e.g. on a checkout from before them)")
    ap.add_argument("--cold", action="store_true", help="also time pages with the texts seen forgotten")
    args = ap.parse_args()
    from indexer.settings import Settings
    from webapp import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=args.index) if args.index else build_index(Path(tmp), args.letters)
        app = create_app(settings)
        client = app.test_client()
        for url in PAGES:                       # warm: snapshot opened, caches filled
            client.get(url)
        if not args.only_current:
            with timed_highlighter(Split(), old=True):
                for url in PAGES:
                    client.get(url)
        now, before, cold = ([], []), ([], []), ([], [])
        runs = [(now, False, False)] + [(before, True, False)] * (not args.only_current) + \
            [(cold, False, True)] * args.cold
        for _ in range(args.rounds):            # alternated, so all see the same machine load
            for out, old, empty in runs:
                pages, marks = measure(client, 1, old, empty)
                out[0].extend(pages)
                out[1].extend(marks)
                for url in PAGES if empty else ():     # warm again for the other runs
                    client.get(url)
        print(f"{len(PAGES)} pages x {args.rounds} rounds, index {settings.index_dir}")
        if before[0]:
            report("spans by analysis", *before)
        if cold[0]:
            report("as it is, texts forgotten each page", *cold)
        share = report("as the highlighter is", *now)
        print(f"target: highlighting < 20% of a results page's CPU: {'MET' if share < 0.2 else 'NOT MET'}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            measure(client, 2, old=False)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
