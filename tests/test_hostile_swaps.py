"""Swaps, third round (issue 28, finding 9): X-IMR-Snapshot names the snapshot that answered the
body, even when another was published between the body and the headers."""
from __future__ import annotations

from pathlib import Path

from indexer.pipeline import conductor
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def test_snapshot_header_names_the_snapshot_that_answered(tmp_path, monkeypatch):
    from indexer.search.searcher import Searcher
    from webapp import create_app

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    first = conductor.rebuild([SEEDS], settings).snapshot
    client = create_app(settings).test_client()
    real = Searcher.search
    published = []

    def search_then_swap(self, request):
        result = real(self, request)
        if not published:      # a rebuild publishes while this request is being answered
            published.append(conductor.rebuild([SEEDS], settings, force=True).snapshot)
            self._checked = 0.0        # and the searcher's recheck interval has passed
        return result

    monkeypatch.setattr(Searcher, "search", search_then_swap)
    answer = client.get("/api/search?q=trainer")
    assert answer.get_json()["snapshot"] == first != published[0]
    assert answer.headers["X-IMR-Snapshot"] == first
    after = client.get("/api/search?q=trainer")
    assert after.get_json()["snapshot"] == after.headers["X-IMR-Snapshot"] == published[0]
    static = client.get("/static/style.css")        # a request that reads no snapshot
    static.close()
    assert static.headers.get("X-IMR-Snapshot") in (published[0], None)
