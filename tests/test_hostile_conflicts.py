"""Hostile copies (issue 28, finding 7): a second file claiming an indexed letter's case number
with other decisions never replaces it silently: it is reported by add, index and check, and the
copy indexed first stays (docs/security.md, case-number conflicts)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.cli import EXIT_SKIPPED
from indexer.index.stores import letterstore, snapshots
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
GOOD = SEEDS / "001_3c5fa3563d311aff.txt"
CASE = "CM14-0046246"


def _decisions(settings: Settings) -> list[str]:
    records = {r["id"]: r for r in letterstore.read_all(snapshots.current(settings))}
    return [item["decision"] for item in records[CASE]["items"]]


@pytest.fixture
def forged(tmp_path) -> Path:
    """The good letter's text with its decision turned, in a file of its own that sorts first."""
    folder = tmp_path / "forged"
    folder.mkdir()
    path = folder / "000_forged.txt"
    path.write_text(GOOD.read_text().replace("outpatient: Upheld", "outpatient: Overturned"))
    return path


def test_add_of_a_conflicting_copy_keeps_the_indexed_one_and_says_so(tmp_path, runner, forged):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    assert runner("index", SEEDS, "--index", settings.index_dir, "--jobs", 1).exit_code == 0
    assert _decisions(settings) == ["Upheld"]

    added = runner("add", forged.parent, "--index", settings.index_dir, "--jobs", 1)
    assert added.exit_code == EXIT_SKIPPED
    assert "replaced 0" in added.stdout and "(1 conflicting copies)" in added.stdout   # was: replaced 1
    assert f"skipped {forged}: conflicts with {GOOD}: the same case number {CASE} with other decisions" \
        in added.stderr
    assert _decisions(settings) == ["Upheld"]

    checked = runner("check", "--index", settings.index_dir)
    assert checked.exit_code == 0
    assert f"warning: case-number conflict: {forged}: conflicts with {GOOD}" in checked.stderr

    # A later full rebuild of both keeps the copy indexed first, though the other sorts first.
    again = runner("index", forged.parent, SEEDS, "--index", settings.index_dir, "--jobs", 1)
    assert again.exit_code == EXIT_SKIPPED and "(1 conflicting copies)" in again.stdout
    assert f"skipped {forged}: conflicts with {GOOD}" in again.stderr
    assert _decisions(settings) == ["Upheld"]


def test_a_fresh_rebuild_reports_the_conflict_and_keeps_the_fullest_copy(tmp_path, forged):
    from indexer.pipeline import conductor

    # Both copies beside each other, so which sorts first does not depend on where the project lives.
    good = tmp_path / "seeds" / GOOD.name
    good.parent.mkdir()
    good.write_bytes(GOOD.read_bytes())
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    report = conductor.rebuild([good, forged], settings)
    (conflict,) = report.conflicts
    assert conflict[0] == str(good) and conflict[1].startswith(f"conflicts with {forged}")
    assert report.duplicates == 0 and report.letters == 1
    assert snapshots.read_manifest(snapshots.current(settings))["conflicts"] == [list(conflict)]


def test_a_copy_with_the_same_decisions_is_still_a_plain_duplicate(tmp_path):
    from indexer.pipeline import conductor

    copy = tmp_path / "copy" / "000_copy.txt"
    copy.parent.mkdir()
    copy.write_text(GOOD.read_text() + "\n")     # other bytes, the same decisions
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([SEEDS], settings)
    report = conductor.add([copy.parent], settings)
    assert report.conflicts == []
    assert report.replaced == 1 and report.skipped == []    # an equal copy may stand in, as before
