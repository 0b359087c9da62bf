"""Damage while serving: a segment overwritten or truncated under a running app is a 503
saying what to run (never a 500), and once the file is back the next request reopens it."""
from __future__ import annotations

import random

import pytest

URLS = ["/?q=pain", "/api/search?q=therapy+knee", "/api/search?q=pain&sort=newest",
        "/export.csv?q=pain", "/facets/specialty.csv?q=pain"]


@pytest.fixture
def served(tmp_path, expected_records, publish):
    """(client, app, segment file) of a fresh index with every URL answered once (readers open)."""
    from indexer.index.stores import snapshots
    from indexer.settings import Settings
    from webapp import create_app

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    publish(settings, expected_records())
    app = create_app(settings)
    client = app.test_client()
    assert [client.get(u).status_code for u in URLS] == [200] * len(URLS)
    segment = next(snapshots.current(settings).glob("*.seg"))
    return client, app, segment


def answers(client) -> list[tuple[int, bytes]]:
    out = []
    for url in URLS:
        response = client.get(url)
        out.append((response.status_code, response.get_data()))
    return out


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
@pytest.mark.parametrize("target", ["segment", "hit store"])
def test_a_segment_damaged_under_the_server_is_a_503_then_recovers(served, damage, target):
    from indexer.index.stores import hitstore

    client, app, segment = served
    if target == "hit store":       # each document's stored fields, read by every page of hits
        segment = segment.parent / hitstore.DATA
    good = answers(client)
    original = segment.read_bytes()
    if damage == "garbage":
        rnd = random.Random(7)
        segment.write_bytes(bytes(rnd.randrange(256) for _ in range(len(original))))
    else:
        segment.write_bytes(original[: len(original) // 2])
    with app.app_context():
        from webapp.state import searcher
        before = searcher().current()
    damaged = answers(client)
    statuses = [status for status, _ in damaged]
    # What needs the damaged file is a 503 saying what to run; what was read before may still
    # answer. Every page of hits reads the hit store; the pages asked before read nothing more of
    # a segment (their postings remembered, stored fields from the hit store), a word not asked
    # yet reads its postings there (garbage may read as no such word).
    assert 503 in statuses or target == "segment"
    assert client.get("/?q=acupuncture").status_code in (200, 503)
    for (status, body), was in zip(damaged, good):
        assert (status == 503 and b"imr check" in body and b"Traceback" not in body) or (status, body) == was
    assert before.broken or 503 not in statuses     # dropped, with its open files closed
    segment.write_bytes(original)
    for _ in range(3):       # the restored file is read afresh: every answer as before, every time
        assert answers(client) == good

