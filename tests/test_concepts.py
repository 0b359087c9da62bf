"""Concept tagging at index time and concept matching at query time (issue 27), on the project's own
letters (the session index: the seeds and a synthetic set whose drugs and procedures are known) and
on the real labelled letters when they are there."""
from __future__ import annotations

import json

import pytest

from indexer.index.stores import snapshots
from indexer.index.values import concepts
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.settings import Settings
from indexer.vocabulary import MinedVocabulary, Vocabulary

# Synthetic items naming a member of a class, by words that never name the class (indexer/synth/vocab.py).
NSAIDS = ("naproxen", "ibuprofen", "celebrex", "flurbiprofen")
ANTIEPILEPSY = ("gabapentin", "lyrica")


@pytest.fixture(scope="module")
def searcher(built_index):
    with Searcher(built_index) as s:
        yield s


def _items(searcher: Searcher, q: str, **kw) -> list[str]:
    return [h.item.lower() for h in searcher.search(SearchRequest(q=q, per_page=100, **kw)).hits]


def _all_items(searcher: Searcher) -> list[str]:
    return [h.item.lower() for h in searcher.iter_hits(SearchRequest())]


@pytest.mark.parametrize("q, members", [("NSAID", NSAIDS), ("anticonvulsant", ANTIEPILEPSY),
                                        ("antiepilepsy drug", ANTIEPILEPSY)])
def test_a_class_finds_every_item_naming_a_member(searcher, q, members):
    want = {it for it in _all_items(searcher) if any(m in it for m in members)}
    assert want, "the synthetic set names these drugs"
    found = _items(searcher, q)
    assert want <= set(found), sorted(want - set(found))[:5]
    # Items that are the class come before items whose rationale only mentions it.
    firsts = found[:len(want)]
    assert all(any(m in it for m in members) for it in firsts), firsts


def test_concepts_are_anded_in_any_word_order(searcher):
    one, other = _items(searcher, "knee surgery"), _items(searcher, "surgery knee")
    assert sorted(one) == sorted(other)
    assert any("knee arthroscopy" in it for it in one), one[:5]


def test_expansion_is_reported_and_can_be_turned_off(searcher):
    result = searcher.search(SearchRequest(q="anticonvulsant"))
    assert any(e.word == "anticonvulsant" and any("abapentin" in a for a in e.also) for e in result.query.expansions)
    assert searcher.search(SearchRequest(q="anticonvulsant", synonyms=False)).total < result.total


@pytest.mark.parametrize("q, shown", [("Norco", "hydrocodone/acetaminophen"), ("Percocet", "oxycodone/acetaminophen")])
def test_a_brand_s_expansion_names_its_ingredients_and_none_is_empty(searcher, q, shown):
    """A product named only by its brand says what it adds (the items naming all its drugs); an
    expansion never lists nothing, nor a name twice."""
    expansions = searcher.search(SearchRequest(q=q)).query.expansions
    assert [(e.word, e.also) for e in expansions] == [(q, [shown])]
    for q in ("oxycodone acetaminophen", "tylenol 3", "knee surgery", "muscle relaxant"):
        for e in searcher.search(SearchRequest(q=q)).query.expansions:
            assert e.also and len(e.also) == len(set(e.also)), (q, e)


@pytest.mark.parametrize("word, decision", [("approved", "Overturned"), ("authorized", "Overturned"),
                                            ("denied", "Upheld"), ("non-certified", "Upheld")])
def test_everyday_decision_words_become_the_decision_chip(searcher, word, decision):
    result = searcher.search(SearchRequest(q=f"{word} physical therapy", per_page=100))
    assert [(c.facet, c.value) for c in result.query.chips] == [("decision", decision)]
    assert result.hits and {h.decision for h in result.hits} == {decision}


def test_drug_class_facet_counts_items_of_the_class(searcher):
    result = searcher.search(SearchRequest(q="", per_page=1))
    counts = {v.value: v.count for v in result.facets["drug_class"]}
    nsaids = sum(1 for it in _all_items(searcher) if any(m in it for m in NSAIDS))
    assert counts.get("NSAIDs") == nsaids


def test_snapshot_keeps_what_was_mined_and_add_keeps_it(built_index, tmp_path):
    snapshot = snapshots.current(built_index)
    mined = concepts.read_mined(snapshot)
    assert isinstance(mined, MinedVocabulary) and mined.letters_read > 0
    # An `imr add` adds what new letters teach to what the snapshot had learnt.
    more = MinedVocabulary(letters_read=2, items_read=3)
    assert concepts.merged(mined, more).letters_read == mined.letters_read + 2


def test_mined_products_tag_items_in_other_letters(tmp_path):
    """A product the packaged vocabulary does not know, defined in one letter's rationale, is tagged
    with its ingredients' classes wherever an item names it."""
    rationale = ("Zorvenex is a compounded product containing flurbiprofen and cyclobenzaprine. "
                 "Topical analgesics are largely experimental.")
    records = [{"id": f"L{n}", "items": [{"item": f"Zorvenex cream {n}", "rationale": rationale,
                                           "maximus_guideline": "Topical Analgesics"}]} for n in range(2)]
    vocab = Vocabulary.load()
    mined = concepts.mine_letters(records, vocab)
    assert [e.name for e in mined.accepted(vocab)] == ["Zorvenex"]
    concepts.write_mined(tmp_path, mined)
    taught = concepts.load_for(tmp_path)
    tags = concepts.item_tags(taught, {"item": "Zorvenex 120g"})
    assert {"class:nsaid", "class:muscle-relaxant"} <= set(concepts.concept_ids(tags))


def test_imr_vocabulary_lists_counts_and_mined(runner, built_index):
    result = runner("vocabulary", "--index", built_index.index_dir, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"]["class"] > 10 and data["mined"]["letters_read"] > 0
    text = runner("vocabulary", "--index", built_index.index_dir)
    assert text.exit_code == 0 and "mined" in text.stdout


def test_imr_vocabulary_without_an_index_shows_the_packaged_vocabulary(runner, tmp_path):
    result = runner("vocabulary", "--index", tmp_path / "none")
    assert result.exit_code == 0 and "nothing mined" in result.stdout and "class" in result.stdout


# --- the real labelled letters -------------------------------------------------------------------

def test_real_class_query_finds_compounds_of_its_members(real):
    found = [h.doc_id for h in real.search(SearchRequest(q="muscle relaxant", per_page=50)).hits]
    assert "CM17-0007300#1" in found         # flurbiprofen/cyclobenzaprine/gabapentin/lidocaine cream


def test_real_knee_surgery_finds_arthroscopy_of_the_knee(real):
    hits = real.search(SearchRequest(q="surgery knee", per_page=50)).hits
    assert any("knee arthroscopy" in h.item.lower() for h in hits)


def test_real_approved_is_a_filter(real):
    result = real.search(SearchRequest(q="approved chiropractic", per_page=50))
    assert result.hits and {h.decision for h in result.hits} == {"Overturned"}


def test_other_vocabulary_data_is_not_a_no_change_rebuild(monkeypatch, seeds, tmp_path):
    """Concept tags are written into the index: a rebuild after the data changed builds anew."""
    from indexer.pipeline import conductor, manifest

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    first = conductor.rebuild([seeds], settings)
    assert conductor.rebuild([seeds], settings).snapshot == first.snapshot      # nothing changed: kept
    monkeypatch.setattr(manifest, "data_digest", lambda: "other data")
    assert conductor.rebuild([seeds], settings).snapshot != first.snapshot
