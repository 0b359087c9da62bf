"""scripts/bench.py in its tiny mode: every table and row is printed (no timing assertions)."""
from __future__ import annotations

import re

import pytest

CLASSES = ("common", "rare", "and", "phrase")


def _systems() -> list[str]:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return ["ours", "whoosh", "fts5"]
    return ["ours", "whoosh", "fts5", "tantivy"]


@pytest.fixture(scope="module")
def output(tmp_path_factory, run_script) -> str:
    work = tmp_path_factory.mktemp("bench")
    run = run_script("bench", "--items", "300", "--queries", "5", "--real-pdfs", "0", "--work", work)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


@pytest.mark.slow
def test_corpus_and_no_change_rebuild(output):
    m = re.search(r"== corpus: (\d+) letters, (\d+) item documents ==", output)
    assert m and int(m.group(2)) >= 300
    # The corpus was parsed into the cache first, so the rebuild re-extracts nothing.
    assert re.search(r"no-change rebuild: [\d.]+ s wall \(0 re-extracted, \d+ from cache\)", output)
    assert "target < 60 s per 100k letters:" in output
    # The first rebuild of a fresh work folder builds the index; the no-change one comes after.
    assert re.search(r"rebuild from the record cache \(new index: .*\): [\d.]+ s wall", output)


@pytest.mark.slow
def test_build_rows(output):
    for system in _systems():
        # CPU s, wall s, docs/s, docs/s vs plain Whoosh, CPU per doc vs plain Whoosh
        assert re.search(rf"^build {system}\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+x\s+[\d.]+x$", output, re.M), system
    assert re.search(r"^target: ours >= 2x plain Whoosh docs/s \(wall\): [\d.]+x (MET|MISSED)", output, re.M)


@pytest.mark.slow
def test_extraction_rows(output):
    assert re.search(r"^extract synthetic\s+pdfplumber\s+[\d.]+\s+pdfium\s+[\d.]+\s+ratio", output, re.M)


@pytest.mark.slow
def test_query_rows_for_every_class_and_system(output):
    for cls in CLASSES:
        for variant in (cls, cls + "+2f"):
            for system in _systems():
                row = re.search(rf"^{re.escape(variant)}\s+{system}\s+5\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+"
                                rf"[\d.]+\s+(\d+)\s+[\d.]+x", output, re.M)
                assert row, (variant, system)
                assert int(row.group(1)) > 0, f"{variant} {system}: queries matched nothing"
            assert re.search(rf"^{re.escape(variant)}\s+ours\s.*(MET|MISSED|under|over)$", output, re.M)


@pytest.mark.slow
def test_memory_rows(output):
    for system in _systems():
        assert re.search(rf"^memory {system}\s+\d+ MB peak", output, re.M), system


@pytest.mark.slow
def test_load_average_at_start_end_and_before_each_system(output):
    for when in ("start", "end", *(f"before {s}'s queries" for s in _systems())):
        line = rf"^load average \({re.escape(when)}\): (unavailable|[\d.]+ [\d.]+ [\d.]+ )"
        assert re.search(line, output, re.M), when


@pytest.mark.slow
def test_queries_only_in_a_fresh_work_dir_builds_the_peers_it_lacks(tmp_path, run_script):
    """--queries-only used to stop on a traceback where no peer index was built yet under --work."""
    run = run_script("bench", "--items", "100", "--queries", "2", "--real-pdfs", "0", "--queries-only",
                     "--systems", "ours,fts5", "--work", tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "no fts5 index under" in run.stdout
    assert re.search(r"^rare\s+fts5\s+2\s", run.stdout, re.M)
