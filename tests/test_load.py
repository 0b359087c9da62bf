"""scripts/load.py --short: `imr serve --workers 2` under concurrent load, with a snapshot swap mid-level
that every worker must take."""
from __future__ import annotations

import json
import subprocess

import pytest

pytest.importorskip("httpx", reason="the load script drives the server with httpx (pip install -e '.[test]')")
pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")



@pytest.fixture(scope="module")
def short_run(tmp_path_factory, run_script) -> tuple[subprocess.CompletedProcess, dict]:
    """(process, JSON results) of one short load run on a fresh synthetic index."""
    work = tmp_path_factory.mktemp("load")
    out = work / "results.json"
    proc = run_script("load", "--short", "--work", work, "--json", out, cwd=work, timeout=900)
    assert out.is_file(), f"no results (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc, json.loads(out.read_text())


@pytest.mark.slow
@pytest.mark.load
def test_no_request_fails_at_any_level(short_run):
    proc, results = short_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [lv["concurrency"] for lv in results["levels"] if not lv["swap"]] == [1, 4]
    for level in results["levels"]:
        assert level["requests"] > 0 and level["errors"] == 0, level
    assert results["items"] >= 300
    kinds = set().union(*(lv["kinds"] for lv in results["levels"]))
    assert {"search", "facets", "paging", "api", "letter", "similar", "csv"} <= kinds


@pytest.mark.slow
@pytest.mark.load
def test_swap_happened_and_every_answer_came_from_one_snapshot(short_run):
    proc, results = short_run
    swap = results["swap"]
    assert swap["exit"] in (0, 3) and swap["old"] != swap["new"]
    assert swap["new_totals"][""] > swap["old_totals"][""]       # the extra letter's items
    assert swap["snapshots_seen"] == sorted([swap["old"], swap["new"]])
    assert swap["probes"] > 0 and results["problems"] == []
    assert "all whole from one of the two snapshots: yes" in proc.stdout


@pytest.mark.slow
@pytest.mark.load
def test_both_workers_answered_and_took_the_new_snapshot(short_run):
    _, results = short_run
    (run,) = results["runs"]
    assert run["workers"] == 2 and all(len(lv["workers"]) == 2 for lv in run["levels"])
    assert len(results["swap"]["workers"]) == 2
    assert all(counts["new"] > 0 for counts in results["swap"]["workers"].values())


@pytest.mark.slow
@pytest.mark.load
def test_server_cores_and_memory_are_reported(short_run):
    _, results = short_run
    for level in results["levels"]:
        assert 0 < level["cores"] and 0 < level["pss_mb"]
        assert all(0 < w["pss_mb"] <= w["rss_mb"] <= w["hwm_mb"] for w in level["workers"])
        assert all({"p50_ms", "p95_ms", "p99_ms"} <= set(kind) for kind in level["kinds"].values())
