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
    from indexer.search.show.terms import query_terms

    far = "Filler words here. " * (highlight.WINDOW // 19 + 10) + "The gym is far away."
    terms = query_terms("gym")
    assert highlight.snippets(far, terms, "rationale") == []
    assert highlight.Marker(terms).snippets(far, "rationale") == []
    near = "The gym is near. " + far
    assert highlight.snippets(near, terms, "rationale")[0].text == "The gym is near."


def many_items_letter(folder: Path, items: int) -> Path:
    """A real letter (seed 001) whose one disputed item, with its guidelines and rationale, is
    repeated `items` times (each its own heading), as its own case."""
    lines = (SEEDS / "001_3c5fa3563d311aff.txt").read_text().splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("6 sessions"))
    end = next(i for i, x in enumerate(lines) if x.startswith("Decision rationale")) + 1
    block = "\n".join(lines[start:end])
    body = "\n\n".join(block.replace("6 sessions with Personal Trainer", f"{k} sessions of gym {k} with a trainer")
                       for k in range(1, items + 1))
    path = folder / "many.txt"
    path.write_text("\n".join(lines[:start]) + "\n" + body + "\n" + "\n".join(lines[end:]))
    path.write_text(path.read_text().replace("CM14-0046246", "CM15-7000003"))
    return path


@pytest.fixture(scope="module")
def many_index(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("many")
    src = root / "letters"
    src.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (src / seed.name).write_bytes(seed.read_bytes())
    many_items_letter(src, 1000)
    settings = Settings(index_dir=root / "index", jobs=2)
    conductor.rebuild([src], settings)
    return settings


def test_a_letter_of_a_thousand_items_keeps_the_first_hundred_and_says_so(many_index):
    record = {r["case_number"]: r for r in letterstore.read_all(snapshots.current(many_index))}["CM15-7000003"]
    assert len(record["items"]) == Settings().max_items == 100
    assert record["truncated"][0] == "items after 100"


def test_pages_over_a_letter_of_many_items_are_bounded(many_index, monkeypatch):
    from indexer.search.searcher import Searcher
    from webapp import create_app

    looked_up = []
    real = Searcher.similar

    def similar(self, doc_id, *args, **kwargs):
        looked_up.append(doc_id)
        return real(self, doc_id, *args, **kwargs)

    monkeypatch.setattr(Searcher, "similar", similar)
    client = create_app(many_index).test_client()
    for url in ("/?q=gym&per_page=100", "/api/search?q=gym&per_page=100"):
        answer = client.get(url)
        assert answer.status_code == 200 and len(answer.data) < 1_000_000, (url, len(answer.data))
    page = client.get("/api/search?q=gym&per_page=100").get_json()
    hit = next(h for h in page["hits"] if h["letter_id"] == "CM15-7000003")
    assert len(hit["other_items"]) == Settings().max_other_items and hit["other_more"] == 89
    letter = client.get("/letters/CM15-7000003")
    assert letter.status_code == 200 and len(letter.data) < 1_500_000
    assert len(looked_up) == Settings().max_similar_items
    assert b"similar_from=11#item-11" in letter.data
    looked_up.clear()
    assert client.get("/letters/CM15-7000003?similar_from=95").status_code == 200
    assert looked_up == [f"CM15-7000003#{n}" for n in range(95, 101)]
