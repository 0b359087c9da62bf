"""Hostile text, third round (issue 28, finding 10): the item-heading pattern is linear on a long
run of spaces, and a file skipped over the CPU limit is remembered, not parsed again each run."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from cputime import cpu_seconds
from indexer.ingest.parser import items
from indexer.settings import Settings

SEEDS = sorted((Path(__file__).resolve().parent / "fixtures" / "seeds").glob("*.txt"))
OLD = re.compile(r"^(?P<head>.*?)\s*:\s*(?P<dec>Upheld|Overturned)\.?$", re.IGNORECASE)


@pytest.mark.parametrize("line", [
    "Knee MRI: Upheld", "Knee MRI : overturned.", "Knee MRI:Upheld", "A: b :  UPHELD", "Knee MRI: Upheld..",
    "Knee MRI Upheld", ": Upheld", "x:Reupheld", "Knee\u00a0MRI\u2003:\u2003Overturned", "Upheld", "MRI: Upheld ",
    "a::  Overturned", "MRI: Upheld.", "no decision here", ""])
def test_decision_line_reads_as_the_old_pattern(line):
    m = OLD.match(line)
    assert items._decision_end(line) == ((m["head"], items.DECISIONS[m["dec"].lower()]) if m else None)


def test_decision_lines_are_linear_in_a_run_of_spaces():
    """4x the spaces costs about 4x (the old pattern: 16x; a 368 KB line took a minute)."""
    def cost(n: int) -> float:
        lines = ["x" + " " * n + "y", "Claims Administrator guideline: none"]
        return cpu_seconds(items._decision_lines, lines)

    cost(1000)
    small, large = min(cost(10_000) for _ in range(3)), min(cost(40_000) for _ in range(3))
    assert large < 8 * small + 0.02, (small, large)


@pytest.fixture
def slow_parser(monkeypatch, tmp_path):
    """parse_file burning CPU on 'slow' files; every call told in a file (workers are forked)."""
    import indexer.ingest.parser as parse

    real, calls = parse.parse_file, tmp_path / "calls"

    def parse_file(path, settings=None):
        with open(calls, "a") as fh:
            fh.write(f"{path.name}\n")
        if "slow" in path.name:
            started = time.process_time()
            while time.process_time() - started < 30:
                sum(range(1000))
        return real(path, settings)
    monkeypatch.setattr(parse, "parse_file", parse_file)
    return calls


def test_a_file_over_the_cpu_limit_is_remembered_until_the_limit_grows(tmp_path, slow_parser):
    from indexer.pipeline.conductor import rebuild

    src = tmp_path / "letters"
    src.mkdir()
    for name, seed in zip(["a.txt", "slow.txt"], SEEDS):
        (src / name).write_bytes(seed.read_bytes())
    settings = Settings(index_dir=tmp_path / "index", jobs=1, max_extract_seconds=1)
    first = rebuild([src], settings)
    assert [Path(p).name for p, _ in first.skipped] == ["slow.txt"]
    slow_parser.unlink()
    second = rebuild([src], settings, force=True)
    assert second.skipped == first.skipped and second.parsed == 0
    assert not slow_parser.exists()          # not parsed again: remembered
    third = rebuild([src], settings.with_(max_extract_seconds=2), force=True)
    assert slow_parser.read_text().split() == ["slow.txt"] and third.skipped[0][1].startswith(
        "over the CPU time limit (2 s per file")
