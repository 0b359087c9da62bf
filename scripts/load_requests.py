"""The requests scripts/load.py sends: the mix drawn from an index's catalog, one GET checked whole,
and a level of concurrent clients."""
from __future__ import annotations

import csv
import io
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import httpx

from indexer.fields import filter_param
from scripts.load_report import Level

QUERIES = ("physical therapy", "knee", "lumbar", "MRI", "acupuncture", "opioid", "tramadol", "injection",
           "chiropractic", "upheld", "overturned", "functional restoration", "cervical", "shoulder",
           "gabapentin", "TENS unit", "physio*", '"home exercise"', "pain management NOT surgery")
PROBES = ("", "knee")          # fixed queries whose totals identify a snapshot
MIX = {"search": 25, "facets": 15, "paging": 10, "api": 15, "letter": 12, "similar": 8, "csv": 5,
       "facet_csv": 5, "letter_api": 5}
HTML_KINDS = ("search", "facets", "paging", "letter")


@dataclass
class Catalog:
    """What requests pick from: facet values, letter ids and item ids of the index."""
    facets: dict[str, list[str]]
    letters: list[str]
    docs: list[str]


def catalog(base: str) -> Catalog:
    """Facet values, letters and items to draw requests from."""
    data = httpx.get(base + "/api/search", params={"per_page": 100, "sort": "newest"}, timeout=30).json()
    facets = {name: [v["value"] for v in values][:12] for name, values in data["facets"].items() if values}
    return Catalog(facets, sorted({h["letter_id"] for h in data["hits"]}), [h["doc_id"] for h in data["hits"]])


def pick(rng: random.Random, cat: Catalog) -> tuple[str, str]:
    """One request of the mix: (kind, path with query string)."""
    kind, q = rng.choices(list(MIX), list(MIX.values()))[0], rng.choice(QUERIES)
    facet = rng.choice(sorted(cat.facets))
    filtered = urlencode({"q": q, filter_param(facet): rng.choice(cat.facets[facet])})
    paths = {"search": lambda: "/?" + urlencode({"q": q}), "facets": lambda: "/?" + filtered,
             "paging": lambda: "/?" + urlencode({"q": rng.choice(("", q)), "page": rng.randint(2, 6),
                                                 "sort": rng.choice(("relevance", "newest", "oldest"))}),
             "api": lambda: "/api/search?" + rng.choice((urlencode({"q": q}), filtered)),
             "letter": lambda: "/letters/" + rng.choice(cat.letters),
             "letter_api": lambda: "/api/letters/" + rng.choice(cat.letters),
             "similar": lambda: "/api/similar/" + quote(rng.choice(cat.docs), safe=""),
             "csv": lambda: "/export.csv?" + filtered,
             "facet_csv": lambda: f"/facets/{facet}.csv?" + urlencode({"q": q})}
    return kind, paths[kind]()


def whole(kind: str, response: httpx.Response) -> bool:
    """True when a 2xx/3xx body is complete for its kind (HTML closed, CSV rectangular, JSON parsed)."""
    if response.status_code >= 300:
        return response.status_code < 400
    if kind in HTML_KINDS:
        return response.text.rstrip().endswith("</html>")
    if kind in ("csv", "facet_csv"):
        rows = list(csv.reader(io.StringIO(response.text)))
        return bool(rows) and len({len(r) for r in rows}) == 1
    return response.json() is not None


def fetch(http: httpx.Client, kind: str, path: str) -> tuple[float, str | None, tuple | None]:
    """(seconds, problem or None, probe answer) of one GET; the time excludes checking the body.

    A probe's answer is (q, snapshot, total, worker pid, started, finished) (monotonic seconds)."""
    began, started = time.monotonic(), time.perf_counter()
    try:
        response = http.get(path)
    except httpx.HTTPError as exc:
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}", None
    elapsed = time.perf_counter() - started
    try:
        if response.status_code >= 400 or not whole(kind, response):
            return elapsed, f"{response.status_code}, {len(response.content)} bytes", None
        body = response.json() if kind == "probe" else None
        return elapsed, None, body and (body["request"]["q"], body["snapshot"], body["total"],
                                        int(response.headers.get("X-IMR-Worker", 0)), began, began + elapsed)
    except (ValueError, KeyError, TypeError) as exc:
        return elapsed, f"unreadable body: {exc}", None


def run_level(base: str, cat: Catalog, level: Level, max_requests: int, seconds: float,
              busy: threading.Event | None = None, fresh_probes: bool = False) -> None:
    """Drive `level.concurrency` clients until max_requests or the time is up (with `busy`: until it clears).

    Each client keeps its connection (as a browser does); with `fresh_probes` a probe opens a new
    one, so that probes reach every worker process whichever worker holds the client's connection."""
    lock, issued, deadline = threading.Lock(), [0], time.monotonic() + seconds

    def more() -> bool:
        with lock:
            issued[0] += 1
        if busy is not None:          # the swap level runs until the swap is over (time-bounded still)
            return busy.is_set() and time.monotonic() < deadline
        return issued[0] <= max_requests and time.monotonic() < deadline

    def client(n: int) -> None:
        rng = random.Random(f"{level.concurrency}:{n}")
        with httpx.Client(base_url=base, timeout=60) as http:
            while more():
                if busy is not None and rng.random() < 0.3:
                    kind, path = "probe", "/api/search?" + urlencode({"q": rng.choice(PROBES), "per_page": 1})
                else:
                    kind, path = pick(rng, cat)
                if kind == "probe" and fresh_probes:
                    with httpx.Client(base_url=base, timeout=60) as once:
                        elapsed, problem, answer = fetch(once, kind, path)
                else:
                    elapsed, problem, answer = fetch(http, kind, path)
                with lock:
                    level.record(kind, path, elapsed, problem, answer)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(level.concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.monotonic() - started
