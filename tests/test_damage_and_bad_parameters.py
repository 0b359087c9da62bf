"""Faults not covered elsewhere: a damaged index at the web and CLI edges, a second rebuild
from another process, files vanishing before extraction at the CLI, and hostile query
parameters on every search endpoint."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from indexer.pipeline import conductor
from indexer.index.stores import snapshots
from indexer.cli import EXIT_FATAL, EXIT_SKIPPED
from indexer.settings import Settings

pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
ENDPOINTS = ("/", "/api/search", "/export.csv", "/export.json", "/facets/decision.csv", "/feed.atom")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(index_dir=tmp_path / "index", jobs=1)


def damage(settings: Settings, how: str) -> Path:
    """Truncate or delete the current snapshot's Whoosh segment file; returns it."""
    (segment,) = snapshots.current(settings).glob("*.seg")
    if how == "truncated":
        with open(segment, "r+b") as fh:
            fh.truncate(segment.stat().st_size // 2)
    else:
        segment.unlink()
    return segment


@pytest.mark.parametrize("how", ["truncated", "deleted"])
def test_damaged_index_is_a_503_saying_what_to_run(settings, how):
    from webapp import create_app

    conductor.rebuild([SEEDS], settings)
    damage(settings, how)
    client = create_app(settings).test_client()
    for path in ("/?q=trainer", "/", "/letters/CM14-0046246", "/export.csv?q=knee"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 503, (path, response.status_code)
        assert "imr check" in body and "imr index" in body and "Traceback" not in body
    api = client.get("/api/search?q=trainer")
    assert api.status_code == 503 and "imr check" in api.get_json()["error"]


@pytest.mark.parametrize("how", ["truncated", "deleted"])
def test_check_command_names_the_damage_and_exits_nonzero(runner, settings, how):
    conductor.rebuild([SEEDS], settings)
    assert runner("check", "--index", settings.index_dir).exit_code == 0
    damage(settings, how)
    result = runner("check", "--index", settings.index_dir)
    assert result.exit_code == EXIT_FATAL
    damage_words = {"truncated": "was published with", "deleted": "is missing"}[how]
    assert damage_words in result.stderr and snapshots.current_name(settings) in result.stderr
    assert "imr rollback" in result.stderr
    assert "index OK" not in result.stdout


def test_running_server_reports_a_damaged_new_snapshot_and_recovers_on_rollback(settings):
    """CURRENT moving to a damaged snapshot gives 503s (not stale answers), and rollback heals it."""
    from webapp import create_app

    conductor.rebuild([SEEDS], settings)
    app = create_app(settings)
    app.extensions["imr"].searcher().recheck = 0
    client = app.test_client()
    assert client.get("/api/search?q=trainer").status_code == 200
    conductor.rebuild([SEEDS], settings, force=True)
    damage(settings, "truncated")
    assert client.get("/api/search?q=trainer").status_code == 503
    snapshots.rollback(settings)
    assert client.get("/api/search?q=trainer").status_code == 200


HOLDER = r"""
import sys
from pathlib import Path
from indexer.index.stores import snapshots
from indexer.settings import Settings
with snapshots.rebuild_lock(Settings(index_dir=Path(sys.argv[1]))):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_rebuild_while_another_process_rebuilds_refuses_naming_it(runner, settings):
    conductor.rebuild([sorted(SEEDS.glob("*.txt"))[0]], settings)
    before = snapshots.current_name(settings)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(settings.index_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in ("index", "add"):
            refused = runner(command, SEEDS, "--index", settings.index_dir, "--jobs", 1)
            assert refused.exit_code == EXIT_FATAL
            assert f"another rebuild holds {settings.index_dir / 'lock'}: pid {holder.pid} on " in refused.stderr
            assert "wait for it to finish" in refused.stderr
        assert snapshots.current_name(settings) == before
    finally:
        holder.communicate("", timeout=30)
    assert runner("index", SEEDS, "--index", settings.index_dir, "--jobs", 1).exit_code == 0


def test_files_vanishing_before_extraction_are_reported_not_fatal(runner, settings, seeds_copy, monkeypatch):
    doomed = sorted(seeds_copy.glob("*.txt"))[:2]
    real_list = conductor.list_sources

    def list_then_delete(paths, max_bytes=None, hashes=None):
        found = real_list(paths, max_bytes, hashes)
        for path in doomed:
            path.unlink()
        return found

    monkeypatch.setattr(conductor, "list_sources", list_then_delete)
    result = runner("index", seeds_copy, "--index", settings.index_dir, "--jobs", 2)
    assert result.exit_code == EXIT_SKIPPED
    assert "indexed 3 letters" in result.stdout and "2 files skipped" in result.stdout
    for path in doomed:
        assert f"skipped {path}: " in result.stderr and "vanished before it could be read" in result.stderr
    assert len(snapshots.published(settings)) == 1


HOSTILE = {
    "inner wildcard": {"q": "*a*"},
    "bare star": {"q": "*"},
    "short prefix": {"q": "a*"},
    "5000 terms": {"q": " ".join(f"term{i}" for i in range(5000))},
    "5000 ORs": {"q": " OR ".join(["knee"] * 5000)},
    "nested parentheses": {"q": "(" * 5000 + "knee" + ")" * 5000},
    "unbalanced parentheses": {"q": "((((((((knee"},
    "page 10**9": {"q": "knee", "page": str(10 ** 9)},
    "huge per_page": {"per_page": str(10 ** 12)},
    "unknown facet value": {"f.decision": "Maybe", "f.specialty": "Astrology"},
    "unknown facet": {"f.colour": "blue"},
    "bad date query": {"q": "decided:2016-13..2016-99 knee"},
    "bad date param": {"decided_from": "2016-02-30"},
    "reversed dates": {"decided_from": "2017-01-01", "decided_to": "2016-01-01"},
    "bad year": {"f.year": "20x6"},
    "control characters": {"q": "knee\x00\x1b[31m\u202e"},
}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_parameters_answer_400_or_fall_back_never_500(client, path, name):
    response = client.get(path, query_string=HOSTILE[name])
    assert response.status_code in (200, 400), (name, path, response.status_code)
    body = response.get_data(as_text=True)      # a streamed export must finish too
    assert "Traceback" not in body
    if response.status_code == 400 and path.startswith("/api/"):
        assert response.get_json()["parameter"]


@pytest.mark.parametrize("name, parameter", [("page 10**9", "page"), ("huge per_page", "per_page"),
                                             ("unknown facet", "f.colour"), ("bad date param", "decided_from"),
                                             ("reversed dates", "decided_from"), ("bad year", "f.year")])
def test_out_of_range_parameters_are_400_naming_them(client, name, parameter):
    response = client.get("/api/search", query_string=HOSTILE[name])
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter


@pytest.mark.parametrize("name", ["inner wildcard", "5000 terms", "nested parentheses", "bad date query"])
def test_unusable_query_text_falls_back_with_a_message(client, name):
    response = client.get("/api/search", query_string=HOSTILE[name])
    assert response.status_code == 200
    assert response.get_json()["query"]["messages"]


def test_unknown_facet_value_matches_nothing_and_says_so_plainly(client):
    data = client.get("/api/search", query_string=HOSTILE["unknown facet value"]).get_json()
    assert data["total"] == 0 and data["hits"] == []
    assert client.get("/", query_string=HOSTILE["unknown facet value"]).status_code == 200
