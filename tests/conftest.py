"""Shared fixtures: the project's own letters, the real corpus when it is there, a built index, app and CLI.

The session index (`built_index`) and the search tests' records (`expected_records`) come from the project
alone: the five real seed letters in tests/fixtures plus a deterministic synthetic set. They are the same on a
fresh clone and on a machine with ../shared beside the project. Tests of the real corpus ask for
`shared_letters`, `real_index` or `real_records`, which skip with a reason when it is absent; they are marked
`real_corpus` (so `.ci/run` can run just them with the corpus in place).

IMR_SHARED_LETTERS=PATH points at another copy of the shared letters; IMR_SHARED_LETTERS=none hides them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
EXPECTED_FIXTURES = ROOT / "tests" / "fixtures" / "expected"
SYNTH_LETTERS, SYNTH_SEED = 100, 13     # the synthetic part of the session index (case numbers CM99-13000xx)
REAL_CORPUS_FIXTURES = {"shared_letters", "real_index", "real_records"}


def _shared_location() -> tuple[Path | None, str]:
    """The shared letters' folder (or None) and, when None, why."""
    env = os.environ.get("IMR_SHARED_LETTERS", "").strip()
    if env.lower() == "none":
        return None, "IMR_SHARED_LETTERS=none hides the shared corpus"
    path = Path(env) if env else ROOT.parent / "shared" / "letters"
    if not (path / "pdf").is_dir():
        return None, f"the shared letters are not at {path} (as on a user's machine; see IMR_SHARED_LETTERS)"
    return path, ""


def pytest_collection_modifyitems(items) -> None:
    """Mark every test that uses the real corpus `real_corpus`."""
    for item in items:
        if REAL_CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_corpus)


# Debian's Chromium, driven by Playwright (it cannot download its own browser here); the flags keep it
# off this machine's closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for a module's browser tests (skips without Chromium or Playwright)."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base_url(built_index):
    """The app over the session index under waitress on a free loopback port, for a module's browser tests."""
    from webapp import create_app
    from webapp.serving.server import serving_in_thread

    with serving_in_thread(create_app(built_index)) as url:
        yield url


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The five real seed letters bundled with the project (read-only: copy before changing)."""
    return SEEDS


@pytest.fixture(scope="session")
def shared_letters() -> Path:
    """The shared labelled corpus (pdf/, seeds/, expected/); skips when it is absent or hidden."""
    path, why = _shared_location()
    if path is None:
        pytest.skip(why)
    return path


@pytest.fixture(scope="session")
def synthetic_letters(tmp_path_factory) -> Path:
    """A deterministic synthetic set in every layout and format, ground truth in expected/."""
    from indexer.synth import generate

    folder = tmp_path_factory.mktemp("synthetic")
    generate(SYNTH_LETTERS, folder, formats=("txt", "html", "pdf"), seed=SYNTH_SEED)
    return folder


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, synthetic_letters) -> Settings:
    """Settings of an index built once from the seeds and the synthetic set (the same on every machine)."""
    from indexer.pipeline.conductor import rebuild

    settings = Settings(index_dir=tmp_path_factory.mktemp("built_index"), jobs=2)
    rebuild([SEEDS, synthetic_letters], settings)
    return settings


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, shared_letters) -> Settings:
    """Settings of an index of the seeds and the shared real PDFs (skips without them)."""
    from indexer.pipeline.conductor import rebuild

    settings = Settings(index_dir=tmp_path_factory.mktemp("real_index"), jobs=2)
    rebuild([SEEDS, shared_letters / "pdf"], settings)
    return settings


@pytest.fixture(scope="module")
def real(real_index):
    """A Searcher over the real corpus's index, for a module's tests (skips without the corpus)."""
    from indexer.search.searcher import Searcher

    with Searcher(real_index) as searcher:
        yield searcher


@pytest.fixture(scope="session")
def app(built_index):
    """The web app over the session index (testing mode)."""
    from webapp import create_app

    application = create_app(built_index)
    application.testing = True
    return application


@pytest.fixture
def client(app):
    """A Flask test client of `app` (a module may override `app` to serve another index)."""
    return app.test_client()


@pytest.fixture(scope="session")
def vocab():
    """The domain vocabulary as the engine loads it (read-only: tests only read it)."""
    from indexer.vocabulary import Vocabulary

    return Vocabulary.load()


@pytest.fixture(scope="session")
def runner():
    """runner(*args) runs `imr ARGS` in-process (click's CliRunner); stdout and stderr apart."""
    from click.testing import CliRunner

    from indexer.cli import _register, cli

    _register()

    def invoke(*args, env: dict | None = None, input: str | None = None):
        return CliRunner(mix_stderr=False).invoke(cli, [str(a) for a in args], env=env, input=input,
                                                  catch_exceptions=False)
    return invoke


@pytest.fixture(scope="session")
def imr():
    """imr(*args, cwd=, env=, timeout=) runs the real console script in a subprocess (text output)."""
    script = Path(sys.executable).with_name("imr")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "indexer.cli"]

    def run(*args, cwd=None, env: dict | None = None, timeout: float = 120, **kwargs):
        environ = {k: v for k, v in os.environ.items() if k != "IMR_INDEX"}
        environ.update(env or {})
        return subprocess.run(command + [str(a) for a in args], cwd=cwd, env=environ, capture_output=True,
                              text=True, timeout=timeout, **kwargs)
    return run


@pytest.fixture(scope="session")
def run_script():
    """run_script(name, *args, cwd=, timeout=) runs `python -m scripts.NAME ARGS` (text output); the
    project's folder is on its path wherever it runs, as when run from the project's folder."""
    def run(name: str, *args, cwd=ROOT, timeout: float = 600):
        environ = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        return subprocess.run([sys.executable, "-m", f"scripts.{name}", *map(str, args)], cwd=cwd, env=environ,
                              capture_output=True, text=True, timeout=timeout)
    return run


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of the five seed letters, free to modify."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


@pytest.fixture
def three_indexed(runner, tmp_path, seeds_copy) -> tuple[Path, list[Path], Path]:
    """An index (`imr index`) of the first three seed letters; the other two moved aside to a
    folder `spare`, to be moved back and added: (index dir, the five paths in order, spare)."""
    ix, first, spare = tmp_path / "ix", sorted(seeds_copy.glob("*.txt")), tmp_path / "spare"
    spare.mkdir()
    for path in first[3:]:
        shutil.move(path, spare / path.name)
    assert runner("index", seeds_copy, "--index", ix).exit_code == 0
    return ix, first, spare


# --- Letter records for search tests (shared by test_search, test_facets, test_export) ---

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> javascript:alert(2) "quoted" & \'single\''


def record_from_expected(path: Path) -> dict:
    """A letter record from an expected-parse JSON (rationale = its known start and end)."""
    from indexer.record import empty_record, overall_outcome

    data = json.loads(path.read_text())
    rec = empty_record()
    rec.update({k: data.get(k) for k in ("case_number", "date_assigned", "date_of_injury",
                                          "decision_date", "ur_denial_date", "application_received",
                                          "priority", "patient_age", "patient_gender", "pages")})
    rec.update(license_states=data.get("license_states") or [], specialties=data.get("specialties") or [],
               id=data.get("case_number") or "H" + path.stem.split("_")[-1][:16],
               content_hash=path.stem, source=str(path), format="txt",
               summary=data.get("summary") or f"Clinical summary of {path.stem}. The patient has chronic pain.",
               synthetic=bool(data.get("synthetic")))
    rec["items"] = [{
        "item": it["item"], "decision": it.get("decision"), "eligible_portion": None,
        "claims_administrator_guideline": it.get("claims_administrator_guideline"),
        "maximus_guideline": it.get("maximus_guideline"),
        "rationale": it.get("rationale")
        or f"{it.get('rationale_start', '')} ... {it.get('rationale_end', '')}".strip(),
    } for it in data.get("items", [])]
    rec["outcome"] = overall_outcome(rec["items"])
    return rec


def hostile_record() -> dict:
    """A letter whose every text field carries markup and script."""
    from indexer.record import empty_record

    rec = empty_record()
    rec.update(id="CM99-0000001", case_number="CM99-0000001", decision_date="2017-01-05",
               license_states=["Texas"], specialties=["Pain Management"], content_hash="0" * 64,
               summary=f"Summary with {HOSTILE}. The patient requested a hoverboard.")
    rec["items"] = [{"item": f"Hoverboard {HOSTILE}", "decision": "Overturned", "eligible_portion": None,
                     "claims_administrator_guideline": None, "maximus_guideline": None,
                     "rationale": f"The hoverboard is needed. {HOSTILE}. Hoverboard again <b>bold</b>."}]
    rec["outcome"] = "Overturned"
    return rec


def records_of(folders: list[Path]) -> list[dict]:
    """Records of every expected-parse JSON in these folders."""
    return [record_from_expected(f) for folder in folders for f in sorted(folder.glob("*.json"))]


def publish_records(settings: Settings, records: list[dict]) -> str:
    """Build and publish a snapshot of these records; returns its name."""
    from indexer.index.stores import snapshots
    from indexer.index.build import write_snapshot

    building = snapshots.new_snapshot_dir(settings)
    write_snapshot(building, records)
    return snapshots.publish(settings, snapshots.finish(building))


@pytest.fixture(scope="session")
def hostile_text() -> str:
    """Markup and script that letter text must never smuggle into a page."""
    return HOSTILE


@pytest.fixture(scope="session")
def hostile_letter():
    """hostile_record() -> a fresh record of the hostile letter (free to modify)."""
    return hostile_record


@pytest.fixture(scope="session")
def expected_records(synthetic_letters):
    """expected_records() -> fresh records of the seeds' and the synthetic set's expected parses."""
    return lambda: records_of([EXPECTED_FIXTURES, synthetic_letters / "expected"])


@pytest.fixture(scope="session")
def seed_records():
    """seed_records() -> fresh records of the five bundled seeds' expected parses."""
    return lambda: records_of([EXPECTED_FIXTURES])


@pytest.fixture(scope="session")
def real_records(shared_letters):
    """real_records() -> fresh records of every hand-labelled letter of the shared corpus (skips without it)."""
    return lambda: records_of([shared_letters / "expected"])


@pytest.fixture(scope="session")
def publish():
    """publish_records(settings, records) -> snapshot name."""
    return publish_records
