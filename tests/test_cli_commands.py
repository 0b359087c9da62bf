"""What the commands print: snapshots, rollback and check without CURRENT, check --deep, search paging."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer.cli import EXIT_FATAL, EXIT_OK
from indexer.index.stores import files, snapshots
from indexer.pipeline import conductor, manifest
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def two_snapshots(tmp_path) -> Settings:
    settings = Settings(index_dir=tmp_path / "ix", jobs=1)
    conductor.rebuild([sorted(SEEDS.glob("*.txt"))[0]], settings)
    conductor.rebuild([SEEDS], settings)
    return settings


def test_snapshots_lists_current_and_rollback_target(runner, two_snapshots):
    older, newer = snapshots.published(two_snapshots)
    out = runner("snapshots", "--index", two_snapshots.index_dir)
    assert out.exit_code == EXIT_OK
    first, second = out.stdout.splitlines()
    assert first.startswith(f"current   {newer}") and "5 letters" in first and "6 items" in first
    assert second.startswith(f"rollback  {older}") and "1 letters" in second
    listed = json.loads(runner("snapshots", "--json", "--index", two_snapshots.index_dir).stdout)
    assert [(s["name"], s["current"], s["rollback"], s["complete"]) for s in listed] == \
        [(newer, True, False, True), (older, False, True, True)]


def test_rollback_says_what_it_restored(runner, two_snapshots):
    older, newer = snapshots.published(two_snapshots)
    out = runner("rollback", "--index", two_snapshots.index_dir)
    assert out.stdout.strip() == f"current snapshot is now {older} (was {newer})"
    again = runner("rollback", "--index", two_snapshots.index_dir)
    assert again.exit_code == EXIT_FATAL and again.stderr.startswith("error: no snapshot older than")
    assert not (two_snapshots.index_dir / "lock").exists()


def test_without_current_check_says_so_and_rollback_restores_the_newest(runner, two_snapshots):
    older, newer = snapshots.published(two_snapshots)
    (two_snapshots.index_dir / "CURRENT").unlink()
    check = runner("check", "--index", two_snapshots.index_dir)
    assert check.exit_code == EXIT_FATAL
    (line,) = check.stderr.splitlines()
    assert f"CURRENT is missing; took the newest complete snapshot, {newer}" in line and "imr rollback" in line
    out = runner("rollback", "--index", two_snapshots.index_dir)
    assert out.exit_code == EXIT_OK and newer in out.stdout and "CURRENT was missing" in out.stdout
    assert snapshots.current_name(two_snapshots) == newer
    assert runner("check", "--index", two_snapshots.index_dir).exit_code == EXIT_OK


def test_check_deep_finds_content_damage_that_sizes_do_not(runner, two_snapshots):
    snap = snapshots.current(two_snapshots)
    path = snap / files.facet_array_file("overturned")
    flipped = ~np.load(path).astype(bool)                           # same shape, wrong content
    path.unlink()                                                   # a new file: never write through a mapping
    np.save(path, flipped)
    info = snapshots.read_manifest(snap)
    (snap / snapshots.MANIFEST).unlink()
    manifest.write(snap, {k: v for k, v in info.items() if k != "files"})     # sizes as published
    plain = runner("check", "--index", two_snapshots.index_dir)
    assert plain.exit_code == EXIT_OK and plain.stdout.startswith("index OK: snapshot ")
    deep = runner("check", "--deep", "--index", two_snapshots.index_dir)
    assert deep.exit_code == EXIT_FATAL
    assert "Overturned flag differs from their stored decision" in deep.stderr and "imr rollback" in deep.stderr


@pytest.mark.slow
def test_check_deep_passes_on_a_healthy_index(runner, built_index):
    out = runner("check", "--deep", "--index", built_index.index_dir)
    assert out.exit_code == EXIT_OK and out.stdout.startswith("index OK (deep): snapshot ")


def test_a_brand_new_index_has_nothing_from_cache(tmp_path):
    report = conductor.rebuild([SEEDS, tmp_path / "typo"], Settings(index_dir=tmp_path / "ix", jobs=1))
    assert (report.parsed, report.cached) == (5, 0)
    assert [(Path(p).name, r) for p, r in report.skipped] == [("typo", "no such file or directory")]


def test_add_counts_only_what_it_added(runner, seeds_copy, three_indexed):
    ix, first, spare = three_indexed
    changed = first[0]
    changed.write_text(changed.read_text() + "\nAn addendum.\n")
    for path in spare.iterdir():
        shutil.move(path, seeds_copy / path.name)
    out = runner("add", seeds_copy, "--index", ix)
    assert out.stdout.startswith("added 2 letters, replaced 1, kept 2; the index now holds 5 letters, 6 items;")


def test_search_pages_all_and_empty_query(runner, built_index):
    ix = built_index.index_dir
    empty = runner("search", "", "--index", ix, "--limit", "5")
    head = empty.stdout.splitlines()[0]
    assert head.startswith("nothing searched (empty query): all ") and "page 1 of " in head
    total = int(head.split("all ")[1].split()[0])
    first = runner("search", "therapy", "--index", ix, "--limit", "3", "--json")
    second = runner("search", "therapy", "--index", ix, "--limit", "3", "--page", "2", "--json")
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert two["page"] == 2 and not {h["doc_id"] for h in one["hits"]} & {h["doc_id"] for h in two["hits"]}
    every = runner("search", "", "--all", "--json", "--index", ix)
    assert len(every.stdout.splitlines()) == total
    plain = runner("search", "", "--all", "--index", ix).stdout.splitlines()
    assert len(plain) == total + 1
    hits = [json.loads(line) for line in every.stdout.splitlines()]
    assert any(h["synthetic"] for h in hits) and any(not h["synthetic"] for h in hits)
    for hit, line in zip(hits, plain[1:]):
        assert line.endswith("[synthetic]") == hit["synthetic"]


def test_parse_without_json_prints_one_summary_line_per_letter(runner):
    seed = sorted(SEEDS.glob("*.txt"))[1]
    out = runner("parse", seed)
    assert out.exit_code == EXIT_OK
    assert out.stdout == f"{seed}: CM14-0046246 1 items, Upheld, decided 2015-04-20\n"
