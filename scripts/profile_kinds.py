#!/usr/bin/env python3
"""CPU per request kind of the load mix, in-process (Flask test client, no server, no sockets).

    python -m scripts.profile_kinds --index DIR [--requests N] [--seed S] [--only KIND,...] [--profile KIND]

Draws requests as `scripts/load.py` does (`load_requests`: its MIX, QUERIES and `pick`, with a
catalog read from the index's newest 100 hits), answers each through the Flask
test client and reads the whole body (exports are streamed), and reports CPU ms
(time.process_time, this process only) per kind: p50, p95, mean, and the mix's
weighted mean, i.e. the CPU a request of the load costs on average and the
requests a second one core could answer at most. The requests run interleaved,
in the order drawn, after a warm-up pass over as many drawn with the next seed. --profile KIND adds
a cProfile listing of that kind's requests (`all` for every kind).
Run it on an older checkout with PYTHONPATH=that/checkout to compare.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from pathlib import Path

import numpy as np

from scripts import load_requests


def catalog(client) -> load_requests.Catalog:
    """What `load_requests.catalog` reads over HTTP, through the test client."""
    data = client.get("/api/search?per_page=100&sort=newest").get_json()
    facets = {name: [v["value"] for v in values][:12] for name, values in data["facets"].items() if values}
    return load_requests.Catalog(facets, sorted({h["letter_id"] for h in data["hits"]}),
                                 [h["doc_id"] for h in data["hits"]])


def draw(cat: load_requests.Catalog, per_kind: int, seed: int, kinds: tuple[str, ...] = tuple(load_requests.MIX)
         ) -> list[tuple[str, str]]:
    """Requests of the mix in the order `load_requests.pick` draws them, until each of `kinds` has `per_kind`."""
    rng, counts, out = random.Random(seed), dict.fromkeys(kinds, 0), []
    while min(counts.values()) < per_kind:
        kind, path = load_requests.pick(rng, cat)
        if kind in counts and counts[kind] < per_kind:
            counts[kind] += 1
            out.append((kind, path))
    return out


def answer(client, path: str) -> int:
    """Bytes of the whole answer to `path` (a 2xx is required)."""
    response = client.get(path)
    body = response.get_data()
    assert response.status_code < 300, (path, response.status_code)
    return len(body)


def measure(client, requests: list[tuple[str, str]], profile: cProfile.Profile | None = None,
            profiled: str = "") -> dict[str, list[float]]:
    """CPU ms of each request, by kind."""
    out: dict[str, list[float]] = {}
    for kind, path in requests:
        watched = profile is not None and profiled in ("all", kind)
        if watched:
            profile.enable()
        started = time.process_time()
        answer(client, path)
        out.setdefault(kind, []).append((time.process_time() - started) * 1000)
        if watched:
            profile.disable()
    return out


def report(times: dict[str, list[float]]) -> float:
    """Print the table; return the mix's weighted mean CPU ms a request."""
    print("| kind | share of the mix | requests | CPU ms p50 | p95 | mean |")
    print("|---|---|---|---|---|---|")
    total = sum(load_requests.MIX.values())
    for kind, weight in load_requests.MIX.items():
        ms = times.get(kind)
        if not ms:
            continue
        print(f"| {kind} | {weight / total:.0%} | {len(ms)} | {np.percentile(ms, 50):.2f} | "
              f"{np.percentile(ms, 95):.2f} | {np.mean(ms):.2f} |")
    if times.keys() < load_requests.MIX.keys():
        return float("nan")
    mixed = sum(w * np.mean(times[k]) for k, w in load_requests.MIX.items()) / total
    print(f"mix-weighted mean: {mixed:.2f} CPU ms a request = at most {1000 / mixed:.0f} requests/s a core")
    return mixed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="an index folder (e.g. one of scripts/load.py)")
    ap.add_argument("--requests", type=int, default=40, help="timed requests per kind")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--only", type=lambda v: tuple(v.split(",")), default=tuple(load_requests.MIX),
                    help="only these kinds, comma-separated (default: every kind of the mix)")
    ap.add_argument("--profile", metavar="KIND", choices=[*load_requests.MIX, "all"], help="cProfile listing of a kind")
    args = ap.parse_args()
    from indexer.settings import Settings
    from webapp import create_app

    client = create_app(Settings(index_dir=args.index)).test_client()
    cat = catalog(client)
    requests = draw(cat, args.requests, args.seed, args.only)
    measure(client, draw(cat, args.requests, args.seed + 1, args.only))    # warm: snapshot opened, caches filled
    profile = cProfile.Profile() if args.profile else None
    times = measure(client, requests, profile, args.profile or "")
    print(f"{len(requests)} requests ({args.requests} of each kind), index {args.index}, seed {args.seed}")
    report(times)
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
