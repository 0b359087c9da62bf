"""scripts/load.py --short: the production server under concurrent load, with a snapshot swap mid-level."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="the load script drives the server with httpx (pip install -e '.[test]')")
pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def short_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict]:
    """(process, JSON results) of one short load run on a fresh synthetic index."""
    work = tmp_path_factory.mktemp("load")
    out = work / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "load.py"), "--short", "--work", str(work),
                           "--json", str(out)], capture_output=True, text=True, timeout=900, cwd=work)
    assert out.is_file(), f"no results (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc, json.loads(out.read_text())


@pytest.mark.slow
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
def test_swap_happened_and_every_answer_came_from_one_snapshot(short_run):
    proc, results = short_run
    swap = results["swap"]
    assert swap["exit"] in (0, 3) and swap["old"] != swap["new"]
    assert swap["new_totals"][""] > swap["old_totals"][""]       # the extra letter's items
    assert swap["snapshots_seen"] == sorted([swap["old"], swap["new"]])
    assert swap["probes"] > 0 and results["problems"] == []
    assert "all whole from one of the two snapshots: yes" in proc.stdout


@pytest.mark.slow
def test_server_memory_is_reported(short_run):
    _, results = short_run
    assert all(0 < lv["rss_mb"] <= lv["hwm_mb"] for lv in results["levels"])
