"""`imr fetch`: download IMR decision letters from the DWC's public search, politely and resumably.

`fetch(out, settings, decided=(FROM, TO))` walks the search in date windows,
records each case's row in `out/manifest.sqlite` and downloads each letter to
`out/CMyy/<case number>.pdf`; a rerun fetches only what is missing. Modules:
`site` (the only one knowing the site's markup), `client` (polite HTTP),
`manifest`, `walk` (windows and pages), `letters` (checked, atomic files),
`audit` (the DWC's rows against the parsed letters, for `imr index`/`imr add`).
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urlsplit, urlencode

from indexer.errors import ImrError
from indexer.fetch import letters, site, walk
from indexer.fetch.client import Client, RequestCap, user_agent
from indexer.fetch.manifest import MANIFEST_NAME, Manifest
from indexer.settings import Settings

__all__ = ["FetchReport", "fetch", "MANIFEST_NAME"]

LETTER_TRIES = 3        # a download that is not a readable PDF is fetched again, then reported
FIRST_DAY = date(2013, 1, 1)   # the DWC publishes every decision since
Progress = Callable[[int, int], None]


@dataclass
class FetchReport:
    """What one `imr fetch` did, as the CLI summarises it."""

    listed: int = 0                  # case rows recorded from the search this run
    fetched: int = 0                 # letters downloaded this run
    kept: int = 0                    # letters found already whole in the folder (a crash between write and record)
    failed: list[tuple[str, str]] = field(default_factory=list)    # (case number, reason)
    problems: list[str] = field(default_factory=list)               # one line each
    missing: int = 0                 # cases listed but without their letter after this run
    windows: int = 0                 # date windows listed
    skipped_windows: int = 0         # windows listed completely by an earlier run
    requests: int = 0
    seconds: float = 0.0
    capped: str = ""                 # why the run stopped early (the request cap), else ''
    planned: list[str] = field(default_factory=list)                # --dry-run: what would be requested
    total: int = 0                   # cases in the manifest

    @property
    def exit_code(self) -> int:
        """0 when every listed letter is in the folder; 3 when some are missing or a problem was seen."""
        return 3 if (self.failed or self.problems or self.capped or self.missing) else 0


def _window(settings: Settings, manifest: Manifest | None, decided, since_last: bool) -> tuple[date, date] | None:
    if decided:
        return decided
    if not since_last:
        return None
    newest = manifest.newest_decision() if manifest else None
    if not newest:
        raise ImrError("--since-last: no letter fetched into this folder yet; give --decided FROM..TO "
                       f"for the first run (decisions start {FIRST_DAY})")
    # The newest day again: more of its decisions may have been posted since.
    return date.fromisoformat(newest), date.today()


def _plan(out: Path, settings: Settings, span, cases: Sequence[str], outcome, specialty) -> list[str]:
    """--dry-run: the requests a run would begin with, nothing requested or written."""
    url = site.search_url(settings.fetch_site)
    lines = [f"User-Agent: {user_agent(settings.fetch_contact)}; at least {settings.fetch_delay:g} s between "
             f"requests, at most {settings.fetch_max_requests}"]
    for case in cases:
        lines.append(f"GET {site.case_url(settings.fetch_site, case)}")
    if span:
        for window in walk.windows(*span, settings.fetch_window_days):
            for kind in (site.CASE, site.TREATMENT):
                body = urlencode(site.search_form(kind, window, 1, outcome if kind == site.CASE else None,
                                                  specialty))
                lines.append(f"POST {url} {body}  (then its next pages, or two halves if over "
                             f"{settings.fetch_window_results} results)")
    if (out / MANIFEST_NAME).exists():
        manifest = Manifest(out, readonly=True)
        try:
            lines += [f"GET {row['url']}  -> {row['case_number']}" for row in manifest.pending(list(cases) or None)]
        finally:
            manifest.close()
    lines.append("GET each letter the search lists that is not in the folder yet")
    return lines


def _lock(out: Path) -> int:
    fd = os.open(out / ".fetch.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise ImrError(f"another imr fetch is writing {out}; wait for it to finish") from None
    return fd


def _download(row: dict, out: Path, client: Client, manifest: Manifest, report: FetchReport) -> None:
    case, relative = row["case_number"], letters.relative_path(row["case_number"])
    final = out / relative
    data = letters.existing(final)
    if data is not None:     # written by a run killed before it could record it: keep, do not fetch again
        manifest.record_fetched(case, relative, len(data), letters.sha256(data))
        report.kept += 1
        return
    problem = ""
    for attempt in range(LETTER_TRIES):
        answer = client.get(row["url"])
        if answer.status != 200:
            problem = f"HTTP {answer.status}"
            if answer.status == 404:
                break
        else:
            problem = "truncated (the connection closed early)" if answer.truncated else \
                letters.pdf_problem(answer.body) or ""
        if not problem:
            letters.write_atomically(final, answer.body)
            manifest.record_fetched(case, relative, len(answer.body), letters.sha256(answer.body))
            report.fetched += 1
            return
        if attempt + 1 < LETTER_TRIES:
            client.pause(client.backoff(attempt))
    manifest.record_failed(case, problem)
    report.failed.append((case, f"{row['url']}: {problem} after {attempt + 1} tries"))


def _run(out: Path, settings: Settings, span, cases: Sequence[str], outcome, specialty,
         client: Client, manifest: Manifest, report: FetchReport, progress: Progress | None,
         listing: Progress | None) -> None:
    state = walk.Walk(client, manifest, settings.fetch_site, settings.fetch_window_results, outcome, specialty)
    try:
        for case in cases:
            if not walk.list_case(state, case):
                state.problems.append(f"case {case}: the search does not know it")
        spans = walk.windows(*span, settings.fetch_window_days) if span else []
        for done, window in enumerate(spans, 1):
            for kind in (site.CASE, site.TREATMENT):
                walk.list_window(state, kind, window)
            if listing:
                listing(done, len(spans))
    finally:
        report.listed, report.windows, report.skipped_windows = state.listed, state.windows, state.skipped
        report.problems += state.problems
    todo = manifest.pending([c.upper() for c in cases] if cases else None)
    for done, row in enumerate(todo, 1):
        _download(row, out, client, manifest, report)
        if progress:
            progress(done, len(todo))


def fetch(out: Path, settings: Settings, decided: tuple[date, date] | None = None, since_last: bool = False,
          cases: Sequence[str] = (), outcome: str | None = None, specialty: str | None = None,
          dry_run: bool = False, progress: Progress | None = None, client: Client | None = None,
          listing: Progress | None = None) -> FetchReport:
    """Fetch the letters decided in `decided` (or since the newest fetched, or `cases`) into `out`.

    Raises SiteUnreachable, SiteChanged, FetchManifestDamaged or ImrError (folder unwritable,
    another fetch running); whatever was fetched before stays recorded. `listing(windows done,
    windows)` is told of the search's date windows, `progress(done, letters)` of downloads.
    `client`: a ready Client (tests pass one with a recorded sleep).
    """
    started, out = time.monotonic(), Path(out)
    if decided and decided[0] > decided[1]:
        raise ImrError(f"--decided {decided[0]}..{decided[1]}: the first date is after the second")
    if outcome and outcome not in site.OUTCOMES:
        raise ImrError(f"--outcome {outcome!r}: choose {', '.join(site.OUTCOMES)}")
    parts = urlsplit(settings.fetch_site)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImrError(f"--site {settings.fetch_site!r}: give the base address, e.g. https://www.dir.ca.gov")
    if not (decided or since_last or cases):
        raise ImrError("nothing to fetch: give --decided FROM..TO, --since-last or --case CM..")
    if dry_run:
        known = Manifest(out, readonly=True) if (out / MANIFEST_NAME).exists() else None
        span = _window(settings, known, decided, since_last)
        if known:
            known.close()
        return FetchReport(planned=_plan(out, settings, span, cases, outcome, specialty))
    if not settings.fetch_contact:
        raise ImrError("no contact given: set --contact EMAIL (or IMR_FETCH_CONTACT) so the DWC can reach "
                       "whoever runs this fetcher; it is sent in the User-Agent")
    report = FetchReport()
    client = client or Client(settings)
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = _lock(out)
        try:
            letters.clean_parts(out)
            manifest = Manifest(out)
            try:
                span = _window(settings, manifest, decided, since_last)
                _run(out, settings, span, cases, outcome, specialty, client, manifest, report, progress, listing)
            except RequestCap as exc:
                report.capped = f"{exc}: run imr fetch again to continue"
            finally:
                report.missing = sum(n for state, n in manifest.counts().items() if state != "fetched")
                report.total = sum(manifest.counts().values())
                manifest.close()
        finally:
            os.close(lock)
    except OSError as exc:
        raise ImrError(f"{exc.filename or out}: {exc.strerror or exc}; choose an --out folder you can write to, "
                       "on a disk with free space (what was fetched is kept)") from exc
    except sqlite3.OperationalError as exc:
        raise ImrError(f"{out / MANIFEST_NAME}: {exc}; choose an --out folder you can write to, on a disk "
                       "with free space (what was fetched is kept)") from exc
    report.requests, report.seconds = client.requests, time.monotonic() - started
    return report


def parse_span(text: str) -> tuple[date, date]:
    """'FROM..TO' (YYYY-MM-DD each; TO may be left out for today) as two dates."""
    first, sep, last = text.partition("..")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if last.strip() else date.today()
    except ValueError:
        raise ImrError(f"--decided {text!r}: give FROM..TO as YYYY-MM-DD..YYYY-MM-DD, "
                       "e.g. 2016-01-01..2016-01-31") from None
    if not sep:
        end = start
    return start, end
