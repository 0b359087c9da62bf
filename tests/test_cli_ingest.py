"""The ingest commands end to end through click: output, stderr lines and exit codes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer.index.stores import snapshots
from indexer.cli import EXIT_FATAL, EXIT_OK, EXIT_SKIPPED
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def run(runner):
    return runner


def test_index_summary_and_exit_0(run, tmp_path):
    result = run("index", SEEDS, "--index", tmp_path / "ix", "--jobs", 1)
    assert result.exit_code == EXIT_OK, result.output
    assert "indexed 5 letters" in result.stdout and "letters/s" in result.stdout
    assert "files skipped" in result.stdout and result.stderr == ""


def test_index_part_docs_below_a_thousand_is_refused_naming_the_option(run, tmp_path):
    result = run("index", SEEDS, "--index", tmp_path / "ix", "--part-docs", 10)
    assert result.exit_code == 2 and "--part-docs" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_index_with_a_bad_file_exits_3_and_names_it(run, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.pdf").write_bytes(b"not a pdf at all")
    result = run("index", folder, "--index", tmp_path / "ix", "--jobs", 2)
    assert result.exit_code == EXIT_SKIPPED
    assert "indexed 5 letters" in result.stdout and "1 files skipped" in result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"skipped {folder / 'broken.pdf'}: ")


def test_parse_prints_json_lines_and_problems_on_stderr(run, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("just a note\n")
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    result = run("parse", *seeds, bad, "--json")
    assert result.exit_code == EXIT_SKIPPED
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in seeds]
    assert result.stderr.splitlines() == [f"{bad}: " + result.stderr.split(": ", 1)[1].strip()]
    plain = run("parse", seeds[0])
    assert plain.exit_code == EXIT_OK and "items" in plain.stdout


def test_add_stats_check_rollback(run, tmp_path):
    ix = tmp_path / "ix"
    seeds = sorted(SEEDS.glob("*.txt"))
    assert run("index", seeds[0], "--index", ix).exit_code == EXIT_OK
    added = run("add", SEEDS, "--index", ix)
    assert added.exit_code == EXIT_OK
    assert added.stdout.startswith("added 4 letters, replaced 0, kept 1; the index now holds 5 letters, 6 items;")
    again = run("add", SEEDS, "--index", ix)
    assert again.stdout.startswith("nothing new: kept 5 letters, 6 items (snapshot ")
    stats = json.loads(run("stats", "--json", "--index", ix).stdout)
    assert stats["letters"] == 5 and stats["items"] == sum(stats["by_decision"].values())
    assert "letters: 5" in run("stats", "--index", ix).stdout
    check = run("check", "--index", ix)
    assert check.exit_code == EXIT_OK
    assert check.stdout.startswith(f"index OK: snapshot {snapshots.current_name(Settings(index_dir=ix))}, "
                                   "5 letters, 6 items, 6 documents, schema v")
    back = run("rollback", "--index", ix)
    assert back.exit_code == EXIT_OK
    assert json.loads(run("stats", "--json", "--index", ix).stdout)["letters"] == 1


def test_fatal_errors_exit_2_with_a_fix(run, tmp_path):
    ix = tmp_path / "ix"
    missing = run("stats", "--index", ix)
    assert missing.exit_code == EXIT_FATAL
    assert missing.stderr.startswith("error: ") and "run: imr index SOURCE --index" in missing.stderr
    assert run("check", "--index", ix).exit_code == EXIT_FATAL
    with snapshots.rebuild_lock(Settings(index_dir=ix)):
        held = run("index", SEEDS, "--index", ix)
    assert held.exit_code == EXIT_FATAL and "error: another rebuild holds" in held.stderr
    nothing = run("index", tmp_path / "no-such-folder", "--index", ix)
    assert nothing.exit_code == EXIT_FATAL and "no-such-folder' does not exist" in nothing.stderr
    assert run("index", "--index", ix).exit_code == EXIT_FATAL   # usage: SOURCE required
