"""Hostile sizes, third round (issue 28): no letter can make a request expensive. What one letter
stores and analyses is capped at parse time; snippets and 'similar' read a bounded window."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index.stores import letterstore, snapshots
from indexer.pipeline import conductor
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
BIG_CASE = "CM15-7000002"


def large_letter(folder: Path, megabytes: float) -> Path:
    """A real letter (seed 001) whose one rationale is repeated to `megabytes` MB, as its own case."""
    text = (SEEDS / "001_3c5fa3563d311aff.txt").read_text()
    line = next(x for x in text.splitlines() if x.startswith("Decision rationale"))
    body = line[len("Decision rationale: "):]
    big = text.replace(line, line + (" " + body) * int(megabytes * 2**20 / len(body)))
    path = folder / "large.txt"
    path.write_text(big.replace("CM14-0046246", BIG_CASE))
    return path


@pytest.fixture(scope="module")
def large_index(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("large")
    src = root / "letters"
    src.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (src / seed.name).write_bytes(seed.read_bytes())
    large_letter(src, 3)
    settings = Settings(index_dir=root / "index", jobs=2)
    conductor.rebuild([src], settings)
    return settings


def _snapshot_bytes(settings: Settings) -> int:
    return sum(p.stat().st_size for p in snapshots.current(settings).rglob("*") if p.is_file())


def test_a_large_letter_is_stored_capped_and_says_so(large_index):
    cap = Settings().max_field_chars
    record = {r["case_number"]: r for r in letterstore.read_all(snapshots.current(large_index))}[BIG_CASE]
    rationale = record["items"][0]["rationale"]
    assert len(rationale) <= cap + 2 and rationale.endswith(" …")
    assert record["truncated"] == ["item 1 rationale"]
    assert any("max_field_chars" in w and "original" in w for w in record["warnings"])
    # 3 MB of rationale: the whole snapshot, all six letters, stays far below it
    assert _snapshot_bytes(large_index) < 1.5 * 2**20


def test_pages_over_a_large_letter_are_bounded(large_index):
    from webapp import create_app

    client = create_app(large_index).test_client()
    page = client.get(f"/letters/{BIG_CASE}?q=gym")
    assert page.status_code == 200 and len(page.data) < 300_000
    assert b"The original TXT has the whole text" in page.data
    for url in ("/?q=gym", "/api/search?q=gym", f"/api/similar/{BIG_CASE}%231", "/feed.atom?q=gym",
                f"/api/letters/{BIG_CASE}"):
        answer = client.get(url)
        assert answer.status_code == 200 and len(answer.data) < 300_000, url


def test_snippets_and_similar_read_a_bounded_window():
    """A field stored whole by an older snapshot is still read only WINDOW characters deep."""
    from indexer.search.show import highlight

    far = "Filler words here. " * (highlight.WINDOW // 19 + 10) + "The gym is far away."
    terms = highlight.query_terms("gym")
    assert highlight.snippets(far, terms, "rationale") == []
    assert highlight.Marker(terms).snippets(far, "rationale") == []
    near = "The gym is near. " + far
    assert highlight.snippets(near, terms, "rationale")[0].text == "The gym is near."
