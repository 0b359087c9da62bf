"""Generic engines on the same judged sets (scripts/relevance_peers.py): this engine must answer this
field's words better than they do (issue 27: "must not lose to a generic engine on this field's words")."""
from __future__ import annotations

from pathlib import Path

import pytest

from scripts import relevance, relevance_peers
from scripts.bench_peers import tantivy_available

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "relevance"
PEERS = ["fts5"] + (["tantivy", "tantivy-and"] if tantivy_available() else [])


@pytest.fixture(scope="module")
def seeds_settings(tmp_path_factory):
    """Settings of an index of the seed letters alone."""
    return relevance.build_index(tmp_path_factory.mktemp("peers_seeds"), [relevance.SEEDS])


def test_peer_documents_are_the_indexed_items(seeds_settings):
    docs = relevance_peers.corpus_documents(seeds_settings)
    assert len(docs) == 6 and len({d["doc_id"] for d in docs}) == 6
    assert any("trainer" in d["item"].lower() for d in docs)


def test_fts5_is_asked_as_datasette_asks(seeds_settings):
    fts = relevance_peers.Fts5(relevance_peers.corpus_documents(seeds_settings))
    both = fts.ranked("personal trainer")
    assert both and set(both) <= set(fts.ranked("trainer"))        # every quoted word required
    assert fts.ranked('"') == []
    assert fts.ranked("AND OR NOT") == fts.ranked("and or not")      # operators are quoted into words


def test_seeds_table_has_every_system(seeds_settings, capsys):
    results = relevance_peers.compare(seeds_settings, [FIXTURES / "seeds.json"], ["ours", *PEERS])
    by = results["seeds.json"]
    assert set(by) == {"ours", *PEERS}
    for means in by.values():
        assert 0 <= means["mean_r_precision"] <= means["mean_recall"] <= 1
    relevance_peers.print_table(results, markdown=True)
    assert "| seeds.json | fts5 |" in capsys.readouterr().out


@pytest.mark.parametrize("name", relevance_peers.SETS)
def test_ours_beats_generic_engines_on_the_real_letters(real_index, name):
    by = relevance_peers.compare(real_index, [FIXTURES / name], ["ours", *PEERS])[name]
    for peer in PEERS:
        assert by["ours"]["mean_recall"] > by[peer]["mean_recall"], (peer, by)
        assert by["ours"]["mean_r_precision"] > by[peer]["mean_r_precision"], (peer, by)
        assert by["ours"]["zero"] <= by[peer]["zero"], (peer, by)
