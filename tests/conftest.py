"""Shared fixtures: where the real letters are, and a built index (session).

`built_index` builds an index once per session from tests/fixtures/seeds plus
../shared/letters/pdf when present, and returns its Settings.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "letters"
SHARED_PDF = SHARED / "pdf"


def build_sources() -> list[Path]:
    """The seeds plus the shared PDFs when they are there."""
    return [SEEDS] + ([SHARED_PDF] if SHARED_PDF.is_dir() else [])


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Settings:
    """Settings of an index built once from the seeds (+ shared PDFs when present)."""
    from indexer.ingest.pipeline import rebuild

    settings = Settings(index_dir=tmp_path_factory.mktemp("built_index"), jobs=2)
    rebuild(build_sources(), settings)
    return settings


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of the five seed letters, free to modify."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


# --- Letter records for search tests (shared by test_search, test_facets, test_export) ---

EXPECTED_FIXTURES = ROOT / "tests" / "fixtures" / "expected"
HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> javascript:alert(2) "quoted" & \'single\''


def record_from_expected(path: Path) -> dict:
    """A letter record from an expected-parse JSON (rationale = its known start and end)."""
    import json

    from indexer.record import empty_record, overall_outcome

    data = json.loads(path.read_text())
    rec = empty_record()
    rec.update({k: data.get(k) for k in ("case_number", "date_assigned", "date_of_injury",
                                          "decision_date", "ur_denial_date", "application_received",
                                          "priority", "patient_age", "patient_gender", "pages")})
    rec.update(license_states=data.get("license_states") or [], specialties=data.get("specialties") or [],
               id=data.get("case_number") or "H" + path.stem.split("_")[-1][:16],
               content_hash=path.stem, source=str(path), format="txt",
               summary=f"Clinical summary of {path.stem}. The patient has chronic pain.")
    rec["items"] = [{
        "item": it["item"], "decision": it.get("decision"), "eligible_portion": None,
        "claims_administrator_guideline": it.get("claims_administrator_guideline"),
        "maximus_guideline": it.get("maximus_guideline"),
        "rationale": f"{it.get('rationale_start', '')} ... {it.get('rationale_end', '')}".strip(),
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


def real_records() -> list[dict]:
    """Records of every expected letter (shared corpus, else the project's own fixtures)."""
    files = sorted((SHARED / "expected").glob("*.json")) or sorted(EXPECTED_FIXTURES.glob("*.json"))
    return [record_from_expected(f) for f in files]


def publish_records(settings: Settings, records: list[dict]) -> str:
    """Build and publish a snapshot of these records; returns its name."""
    from indexer.index import snapshots
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
def expected_records():
    """real_records() -> fresh records of every expected letter (shared corpus, else fixtures)."""
    return real_records


@pytest.fixture(scope="session")
def publish():
    """publish_records(settings, records) -> snapshot name."""
    return publish_records
