"""`imr fetch` against a local replay of the DWC's IMR decision search (tests/dwc_replay.py); no internet.

The replay serves synthetic PDF letters (and the shared real PDFs when present) with search rows made
from their ground truth; one row is planted to disagree with its letter, for the audit at `imr add`.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from dwc_replay import TO_SITE, Replay
from indexer.errors import FetchManifestDamaged, ImrError, SiteChanged, SiteUnreachable
from indexer.fetch import fetch, letters, site
from indexer.fetch.client import Client
from indexer.fetch.walk import windows
from indexer.fetch.manifest import MANIFEST_NAME, Manifest
from indexer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SPAN = (date(2013, 1, 1), date(2017, 12, 31))
CROWDED = "2016-03-0{}"      # letters without a decision date of their own are decided here, 3 a day
PLANTED = "the planted disagreement"


def _cases(folder: Path) -> tuple[list[dict], dict[str, bytes]]:
    """Search rows from the synthetic letters' ground truth, and the letters' bytes by case number."""
    cases, data = [], {}
    for n, expected in enumerate(sorted((folder / "expected").glob("*.json"))):
        truth = json.loads(expected.read_text())
        number = expected.stem
        treatments = []
        for item in truth["items"]:
            category, _, sub = (item.get("category") or "Other").partition(": ")
            treatments.append((category, sub, TO_SITE.get(item["decision"], "Uphold")))
        cases.append({"case_number": number, "outcome": truth["outcome"] or "Upheld",
                      "decision_date": truth["decision_date"] or CROWDED.format(1 + n % 7),
                      "date_of_injury": truth["date_of_injury"], "received_date": truth["application_received"],
                      "specialty": (truth["specialties"] or ["Internal Medicine"])[0], "treatments": treatments})
        data[number] = (folder / f"{number}.pdf").read_bytes()
    planted = next(c for c in cases if c["decision_date"].startswith("2015") and c["outcome"] == "Upheld")
    planted["outcome"], planted[PLANTED] = "Overturned", True
    return cases, data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from indexer.synth import generate

    folder = tmp_path_factory.mktemp("dwc_letters")
    generate(60, folder, formats=("pdf",), seed=29)
    return _cases(folder)


@pytest.fixture
def replay(corpus):
    cases, data = corpus
    server = Replay([dict(c, treatments=list(c["treatments"])) for c in cases], dict(data)).start()
    yield server
    server.stop()


class Waits(list):
    """A recorded sleep: the test never waits, and sees every pause asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _settings(replay: Replay, **changes) -> Settings:
    return Settings().with_(fetch_site=replay.base, fetch_contact="tests@example.org", fetch_delay=0.0,
                            fetch_window_days=400, **changes)


def _fetch(replay: Replay, out: Path, waits: Waits | None = None, **changes):
    settings = _settings(replay, **changes)
    return fetch(out, settings, decided=SPAN, client=Client(settings, sleep=waits if waits is not None else Waits()))


def _letter(replay: Replay, n: int = 0) -> tuple[str, str]:
    case = replay.cases[n]["case_number"]
    return case, f"/dwc/imr/decisions/{case}.pdf"


def test_a_window_of_several_pages_and_a_window_split_because_too_large(replay, tmp_path):
    report = _fetch(replay, tmp_path / "out", fetch_window_results=28)
    assert report.exit_code == 0, (report.failed, report.problems)
    assert report.fetched == len(replay.cases) == report.total and report.missing == 0
    posts = [dict(p.split("=", 1) for p in r[2].split("&")) for r in replay.requests("POST")]
    assert any(p.get("newpageno") == "2" and p["Submit"] == "Next" for p in posts)     # paged
    whole = {(a.strftime("%m%%2F%d%%2F%Y"), b.strftime("%m%%2F%d%%2F%Y")) for a, b in windows(*SPAN, 400)}
    assert any((p["DecStart"], p["DecEnd"]) not in whole for p in posts)       # a window split in two
    assert all(r[3]["User-Agent"].startswith("imr-search/") and "tests@example.org" in r[3]["User-Agent"]
               for r in replay.log)
    manifest = Manifest(tmp_path / "out", readonly=True)
    rows = {r["case_number"]: r for r in manifest.rows()}
    manifest.close()
    for case in replay.cases:
        row = rows[case["case_number"]]
        path = tmp_path / "out" / row["file"]
        assert row["state"] == "fetched" and path.name == f"{case['case_number']}.pdf"
        assert row["bytes"] == path.stat().st_size and row["sha256"] == letters.sha256(path.read_bytes())
        assert row["decision_date"] == case["decision_date"] and row["specialty"] == case["specialty"]
        assert [t[2] for t in row["treatments"]] == [t[2] for t in case["treatments"]]
    # A second run lists nothing again (the windows are long settled) and fetches nothing.
    replay.log.clear()
    again = _fetch(replay, tmp_path / "out", fetch_window_results=28)
    assert (again.fetched, again.requests, again.exit_code) == (0, 0, 0) and replay.log == []


def test_429_then_success_honours_retry_after(replay, tmp_path):
    case, path = _letter(replay)
    replay.script(path, 429)
    replay.script("search", 429)
    waits = Waits()
    report = _fetch(replay, tmp_path / "out", waits)
    assert report.exit_code == 0 and report.fetched == len(replay.cases)
    assert waits.count(1.0) == 2                 # Retry-After: 1, twice
    assert len(replay.requests(f"GET {path}")) == 2


def test_a_503_storm_stops_the_run_then_a_rerun_finishes(replay, tmp_path):
    replay.storm = True
    waits = Waits()
    with pytest.raises(SiteUnreachable, match=r"answered 503 .* 5 tries in a row.*run imr fetch again later"):
        _fetch(replay, tmp_path / "out", waits)
    assert len(replay.log) == 5 and waits == [2.0, 4.0, 8.0, 16.0]    # bounded, backing off
    replay.storm = False
    assert _fetch(replay, tmp_path / "out").exit_code == 0


def test_a_truncated_pdf_is_fetched_again(replay, tmp_path):
    case, path = _letter(replay, 3)
    replay.script(path, "truncated")
    report = _fetch(replay, tmp_path / "out")
    assert report.exit_code == 0 and len(replay.requests(f"GET {path}")) == 2


@pytest.mark.parametrize("fault, reason", [("truncated", "truncated"), ("html", "an HTML page")])
def test_a_bad_letter_is_retried_then_reported_and_never_kept(replay, tmp_path, fault, reason):
    case, path = _letter(replay, 5)
    replay.script(path, fault, fault, fault)
    report = _fetch(replay, tmp_path / "out")
    assert report.exit_code == 3 and report.missing == 1
    assert [c for c, _ in report.failed] == [case] and reason in report.failed[0][1]
    assert not list((tmp_path / "out").rglob(f"*{case}*"))        # no letter, no partial file
    again = _fetch(replay, tmp_path / "out")                      # the next run fetches just that one
    assert (again.fetched, again.exit_code) == (1, 0)


@pytest.mark.parametrize("shape, named", [
    ("no-table", "the results table (table class=tabborder) was not found"),
    ("no-total", "the total (a <strong> number after the results table) was not found"),
    ("no-next", "the next-page form (form name=Nextpage) was not found"),
    ("no-link", "a row's link to its letter (td[1]/a[href]) was not found"),
])
def test_a_changed_page_shape_fails_naming_what_was_not_found(replay, tmp_path, shape, named):
    replay.shape = shape
    with pytest.raises(SiteChanged, match=__import__("re").escape(named)):
        _fetch(replay, tmp_path / "out")


def test_the_request_cap_stops_cleanly_and_the_next_run_continues(replay, tmp_path):
    report = _fetch(replay, tmp_path / "out", fetch_max_requests=30)
    assert report.capped and report.requests == 30 and report.exit_code == 3
    done = report.fetched
    rest = _fetch(replay, tmp_path / "out")
    assert rest.exit_code == 0 and done + rest.fetched == len(replay.cases)


def test_one_case_by_number(replay, tmp_path):
    case = replay.cases[7]
    settings = _settings(replay)
    report = fetch(tmp_path / "out", settings, cases=[case["case_number"]], client=Client(settings, sleep=Waits()))
    assert report.fetched == 1 and report.exit_code == 0
    row = Manifest(tmp_path / "out", readonly=True).get(case["case_number"])
    assert row["treatments"] == [tuple(t) for t in case["treatments"]]


def test_dry_run_requests_and_writes_nothing(replay, tmp_path):
    report = fetch(tmp_path / "out", _settings(replay), decided=SPAN, dry_run=True)
    assert replay.log == [] and not (tmp_path / "out").exists()
    search = f"POST {replay.base}/dwc/imr/IMRDecisionSearch.asp Fname=Case"
    assert any(line.startswith(search) for line in report.planned)


def test_since_last_starts_at_the_newest_decision_fetched(replay, tmp_path):
    _fetch(replay, tmp_path / "out")
    newest = max(c["decision_date"] for c in replay.cases)
    replay.log.clear()
    settings = _settings(replay)
    report = fetch(tmp_path / "out", settings, since_last=True, client=Client(settings, sleep=Waits()))
    assert report.fetched == 0
    first = dict(p.split("=", 1) for p in replay.requests("POST")[0][2].split("&"))
    assert first["DecStart"] == date.fromisoformat(newest).strftime("%m%%2F%d%%2F%Y")


def test_a_damaged_manifest_is_named_with_the_fix(tmp_path):
    (tmp_path / MANIFEST_NAME).write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(FetchManifestDamaged, match="is damaged .*move it aside and run imr fetch again"):
        Manifest(tmp_path)


def test_site_parses_continuation_rows_across_pages(corpus):
    cases, _ = corpus
    many = [c for c in cases if len(c["treatments"]) > 1]
    replay = Replay(many, {})
    rows = replay.treatment_rows(many)
    assert len(rows) > 2 * 25
    listed, number, page = [], 0, None
    while page is None or page.has_next:
        number += 1
        page = site.parse_page(replay.page(rows, number, "<th>x</th>"), site.TREATMENT, "http://h", f"p{number}",
                               carried=listed[-1] if listed else None)
        assert page.total == len(rows)
        listed += page.rows
    found = {}
    for row in listed:     # a case's treatments continued at the top of the next page were added to it
        found.setdefault(row.case_number, []).extend(row.treatments)
    assert found == {c["case_number"]: [tuple(t) for t in c["treatments"]] for c in many}


def test_letter_checks():
    assert letters.pdf_problem(b"<html><body>error</body></html>").startswith("an HTML page")
    assert letters.pdf_problem(b"%PDF-1.4\n1 0 obj") .startswith("truncated")
    assert letters.pdf_problem(b"") == "empty"
    with pytest.raises(ValueError):
        letters.relative_path("../../etc/passwd")


# --- the command line -------------------------------------------------------------------------

def _cli(replay: Replay, out: Path, *more: str) -> list[str]:
    return ["fetch", "--site", replay.base, "--decided", "2013-01-01..2017-12-31", "--out", str(out),
            "--delay", "0", "--contact", "tests@example.org", *more]


def test_fetch_then_add_end_to_end_with_the_audit(replay, runner, tmp_path):
    out, index = tmp_path / "letters", tmp_path / "index"
    done = runner(*_cli(replay, out))
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"fetched {len(replay.cases)} letters")
    added = runner("add", out, "--index", index, "--jobs", "1")
    assert added.exit_code == 0, added.stderr
    assert f"the index now holds {len(replay.cases)} letters" in added.stdout
    planted = next(c for c in replay.cases if c.get(PLANTED))
    audit = [line for line in added.stderr.splitlines() if line.startswith("the DWC's search row disagrees")]
    assert any(planted["case_number"] in line and "outcome Upheld (letter) vs Overturned (DWC)" in line
               for line in audit), added.stderr
    assert len(audit) == 1, audit      # the parser agrees with the DWC on every other letter
    again = runner(*_cli(replay, out))
    assert again.exit_code == 0 and again.stdout.startswith("fetched 0 letters")
    # A whole rebuild audits too (its letters are references, their records read back from the cache).
    rebuilt = runner("index", out, "--index", tmp_path / "index2", "--jobs", "1")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert [line for line in rebuilt.stderr.splitlines() if line.startswith("the DWC's search row")] == audit


def test_cli_errors_are_one_line_with_the_fix(replay, runner, tmp_path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cases = [
        (["fetch", "--site", "http://127.0.0.1:9", "--decided", "2016-01-01..2016-01-02", "--out", tmp_path / "o",
          "--contact", "t@example.org", "--delay", "0"], "did not answer"),
        (_cli(replay, blocker / "sub"), "choose an --out folder you can write to"),
        (["fetch", "--decided", "2016-13-01..2016-01-02", "--out", tmp_path / "o"], "YYYY-MM-DD"),
        (["fetch", "--decided", "2016-01-01..2016-01-02", "--out", tmp_path / "p", "--site", replay.base],
         "no contact given"),
    ]
    for args, expected in cases:
        result = runner(*args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.count("\n") == 1 and expected in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / MANIFEST_NAME).write_text("garbage " * 200)
    damaged = runner(*_cli(replay, tmp_path / "d"))
    assert damaged.exit_code == 2 and "is damaged" in damaged.stderr and damaged.stderr.count("\n") == 1


def test_kill_9_in_the_middle_and_a_rerun(replay, tmp_path):
    out = tmp_path / "out"
    replay.letter_delay = 0.05
    command = [sys.executable, "-m", "indexer.cli", *_cli(replay, out)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*/*.pdf"))) < 10 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    first = len(list(out.glob("*/*.pdf")))
    assert 10 <= first < len(replay.cases)
    replay.letter_delay = 0.0
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    gets = [r[1] for r in replay.requests("GET /dwc/imr/decisions/")]
    assert len(gets) - len(set(gets)) <= 1           # at most the letter in flight at the kill, fetched twice
    assert len(list(out.glob("*/*.pdf"))) == len(replay.cases) and not list(out.rglob("*.part"))
    with sqlite3.connect(out / MANIFEST_NAME) as db:
        assert db.execute("SELECT count(*), count(DISTINCT case_number) FROM cases WHERE state='fetched'"
                          ).fetchone() == (len(replay.cases), len(replay.cases))


def test_real_letters_through_the_replay(shared_letters, tmp_path, runner):
    """The shared real PDFs served by the replay, rows from their own parse: fetched whole, indexed, no audit lines."""
    from indexer.pipeline.conductor import parse_paths

    cases, data = [], {}
    for outcome in parse_paths([shared_letters / "pdf"], Settings()):
        record, path = outcome.record, Path(outcome.path)
        if record is None or not site._CASE_RE.match(path.stem):
            continue
        cases.append({"case_number": path.stem, "outcome": record["outcome"] or "Upheld",
                      "decision_date": record["decision_date"] or "2016-06-01",
                      "date_of_injury": record["date_of_injury"], "received_date": None,
                      "specialty": (record["specialties"] or ["Internal Medicine"])[0],
                      "treatments": [("Other", "", TO_SITE.get(i["decision"], "Uphold")) for i in record["items"]]})
        data[path.stem] = path.read_bytes()
    server = Replay(cases, data).start()
    try:
        out = tmp_path / "real"
        done = runner("fetch", "--site", server.base, "--decided", "2013-01-01..2019-12-31", "--out", out,
                      "--delay", "0", "--contact", "tests@example.org")
        assert done.exit_code == 0, done.stderr
        added = runner("add", out, "--index", tmp_path / "index", "--jobs", "2")
        assert added.exit_code in (0, 3), added.stderr
        assert "the DWC's search row disagrees" not in added.stderr
        assert f"the index now holds {len(cases)} letters" in added.stdout
    finally:
        server.stop()


def test_unknown_outcome_and_bad_site_are_refused(tmp_path):
    with pytest.raises(ImrError, match="--outcome"):
        fetch(tmp_path, Settings(fetch_contact="x"), decided=SPAN, outcome="Maybe")
    with pytest.raises(ImrError, match="--site"):
        fetch(tmp_path, Settings(fetch_contact="x", fetch_site="ftp:/x"), decided=SPAN)


def test_the_nightly_script_in_the_docs_runs_fetch_then_add(replay, tmp_path):
    text = (ROOT / "docs" / "fetching.md").read_text()
    script = text.split("## The nightly job", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    script = (script.replace("/srv/imr/letters", str(tmp_path / "letters"))
              .replace("/srv/imr/index", str(tmp_path / "index")).replace("https://www.dir.ca.gov", replay.base))
    (tmp_path / "nightly.sh").write_text(script)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}", IMR_FETCH_DELAY="0")
    first = subprocess.run(["sh", "nightly.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert f"fetched {len(replay.cases)} letters" in first.stdout and "the index now holds" in first.stdout
    replay.log.clear()
    second = subprocess.run(["sh", "nightly.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "fetched 0 letters" in second.stdout and "nothing new" in second.stdout
    first_post = dict(p.split("=", 1) for p in replay.requests("POST")[0][2].split("&"))
    newest = max(c["decision_date"] for c in replay.cases)
    assert first_post["DecStart"] == date.fromisoformat(newest).strftime("%m%%2F%d%%2F%Y")   # --since-last
    (tmp_path / "letters" / MANIFEST_NAME).write_bytes(b"damaged " * 1000)   # the fetch fails (2), add still runs
    for stale in (tmp_path / "letters").glob(MANIFEST_NAME + "-*"):
        stale.unlink()
    third = subprocess.run(["sh", "nightly.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert third.returncode == 2 and "error:" in third.stderr and "nothing new" in third.stdout


def test_a_full_disk_and_a_second_fetch_into_the_same_folder_are_one_line_each(replay, tmp_path, monkeypatch):
    import errno
    import fcntl

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(letters, "write_atomically", full)
    with pytest.raises(ImrError, match="No space left on device; choose an --out folder you can write to"):
        _fetch(replay, tmp_path / "out")
    monkeypatch.undo()
    (tmp_path / "busy").mkdir()
    with open(tmp_path / "busy" / ".fetch.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(ImrError, match="another imr fetch is writing"):
            _fetch(replay, tmp_path / "busy")
    assert _fetch(replay, tmp_path / "out").exit_code == 0      # what the full disk stopped, the next run does


def test_requests_are_spaced_by_the_delay(replay, tmp_path):
    settings = _settings(replay).with_(fetch_delay=1.0)
    waits = Waits()
    client = Client(settings, sleep=waits, clock=lambda: 100.0)     # no time passes between requests
    fetch(tmp_path / "out", settings, cases=[replay.cases[0]["case_number"]], client=client)
    assert client.requests == 2 and waits == [1.0]                   # the lookup, then 1 s, then the letter


def test_dates_as_the_search_shows_them():
    assert [site.iso_date(t) for t in ("1/5/16", "01/05/2016", "2016-01-05", " ")] == ["2016-01-05"] * 3 + [None]
    with pytest.raises(SiteChanged, match="page 2: a row's date '5 Jan' is not a date"):
        site.iso_date("5 Jan", "page 2")
