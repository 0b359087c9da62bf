"""What a query asks of the decisions, generic heads beside a concept, lay names of contrast and
slashed pairs (issue 27; indexer.search.query.intent): the rules themselves, then each kind on the
real letters (skipped without them). The queries are of each kind, not the judged sets' own."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import intent, modification, rewrites
from indexer.search.query import reading as wording
from indexer.search.query.understand import understand
from indexer.search.searcher import Searcher

DECISIONS = {"upheld": "Upheld", "overturned": "Overturned", "overturn": "Overturned", "denied": "Upheld",
             "denial": "Upheld", "approved": "Overturned", "approval": "Overturned", "certified": "Overturned"}
VALUES = {"decision": ["Upheld", "Overturned"], "outcome": ["Upheld", "Overturned", "Partially overturned"]}


# -- the rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, rest", [("MRI overturn rate", "MRI"),
                                         ("denial rate for chiropractic", "for chiropractic"),
                                         ("opioid statistics", "opioid"),
                                         ("chiropractic success rate", "chiropractic"),
                                         ("odds of overturning a denial for surgery", "of a for surgery"),
                                         ("upheld vs overturned knee MRI", "knee MRI")])
def test_a_rate_is_no_decision_filter_and_its_words_are_not_searched(typed, rest):
    meaning = understand(typed, VALUES, decisions=DECISIONS)
    assert meaning.rate and not meaning.chips and meaning.notes
    assert meaning.text == rest


@pytest.mark.parametrize("typed", ["knee MRI overturned", "denied chiropractic", "how many PT visits were denied",
                                   "lidocaine 5 percent upheld"])
def test_a_decision_without_a_rate_is_still_the_chip(typed):
    meaning = understand(typed, VALUES, decisions=DECISIONS)
    assert not meaning.rate and [c.facet for c in meaning.chips] == ["decision"]


def test_a_rate_broken_down_by_drug_type_is_the_medications():
    meaning = understand("overturn rate by drug type", VALUES, decisions=DECISIONS)
    assert meaning.text == "medications" and any("Drug class" in n for n in meaning.notes)


@pytest.mark.parametrize("typed, value", [("overturned items", "Overturned"), ("denied requests", "Upheld"),
                                          ("upheld decisions", "Upheld"), ("approved ones", "Overturned"),
                                          ("which requests were approved", "Overturned"),
                                          ("approved medical treatment", "Overturned")])
def test_a_decision_with_only_a_generic_head_is_that_decision_over_every_item(typed, value):
    meaning = understand(typed, VALUES, decisions=DECISIONS)
    assert meaning.text == "" and [c.value for c in meaning.chips] == [value]


def test_a_decision_beside_a_treatment_keeps_the_treatment():
    assert understand("denied chiropractic requests", VALUES, decisions=DECISIONS).text == "chiropractic requests"


@pytest.mark.parametrize("typed", ["modified", "partially certified", "partially approved", "partly authorized",
                                   "modified by UR"])
def test_a_ur_modification_is_the_items_naming_their_original_request(typed):
    meaning = understand(typed, VALUES, decisions=DECISIONS)
    assert meaning.text == intent.MODIFIED_QUERY and not meaning.chips


def test_modified_before_another_thing_is_that_thing():
    assert "original request" not in understand("modified barium swallow", VALUES, decisions=DECISIONS).text


def test_with_synonyms_off_nothing_is_read():
    meaning = understand("MRI overturn rate", VALUES, literal=True, decisions=DECISIONS)
    assert not meaning.rate and meaning.text == "MRI overturn rate"


@pytest.mark.parametrize("typed, head", [("MRI of shoulder joint", "joint"), ("L4-5 level", "level"),
                                         ("EMG study", "study"), ("a refill of Norco", "refill"),
                                         ("additional chiropractic", "additional")])
def test_a_generic_head_beside_a_concept_ranks(vocab, typed, head):
    read = wording.read(typed, vocab)
    assert read is not None and f"item:{head}^" in read.text and any(head in m for m in read.messages)


def test_a_generic_head_beside_no_concept_is_searched(vocab):
    read = wording.read("joint level", vocab)
    assert read is None or "ANDMAYBE" not in read.text


@pytest.mark.parametrize("typed, read", [("contrast-enhanced MRI", "MRI with contrast"),
                                         ("MRI with gadolinium", "MRI with contrast"),
                                         ("CT with dye", "CT with contrast"),
                                         ("non-contrast MRI", "without contrast MRI"),
                                         ("MRI without dye", "MRI without contrast")])
def test_lay_names_of_contrast_are_the_letters_words(typed, read):
    assert intent.lay_names(typed)[0] == read


@pytest.mark.parametrize("typed, read", [("OT/PT", "OT or PT"), ("PT/OT eval", "PT or OT eval"),
                                         ("MRI/CT", "MRI or CT"), ("hot/cold", "hot/cold"), ("L4/5", "L4/5")])
def test_two_treatments_joined_by_a_slash_are_either(vocab, typed, read):
    assert rewrites.either_of_joined(typed, vocab)[0] == read


def test_every_list_of_the_intent_sections_is_read():
    lists = intent.decision_words()
    for kind in (lists.rates, lists.rate_phrases, lists.decided, modification.modified_words().pattern, lists.heads,
                 lists.lay,
                 lists.breakdowns):
        assert kind
    # a head is no decision head, and no word of the wrappers is a head beside a concept
    assert not lists.heads & lists.decided and not lists.heads & wording.query_words().wrappers


# -- on the real letters -----------------------------------------------------------------------

def _search(searcher: Searcher, q: str):
    return searcher.search(SearchRequest(q=q, per_page=200))


def _items(searcher: Searcher, q: str) -> set[str]:
    return {h.doc_id for h in _search(searcher, q).hits}


def test_real_a_rate_lists_both_decisions_and_says_the_rate(real):
    rate = _search(real, "MRI overturn rate")
    assert _items(real, "MRI overturn rate") == _items(real, "MRI") and not rate.query.chips
    assert {h.decision for h in rate.hits} == {"Upheld", "Overturned"}
    said = [m for m in rate.query.messages if m.startswith("Overturn rate of these items")]
    overturned = sum(h.decision == "Overturned" for h in rate.hits)
    assert said and f"{overturned} overturned" in said[0]
    assert _items(real, "how often is chiropractic denied") == _items(real, "chiropractic denied")
    # the plain decision word is still the chip
    plain = _search(real, "MRI overturned")
    assert [c.value for c in plain.query.chips] == ["Overturned"] and plain.total == overturned


def test_real_a_decision_with_a_generic_head_is_every_item_so_decided(real):
    overturned = _search(real, "overturned")
    for q in ("overturned items", "approved ones", "overturned cases"):
        assert _items(real, q) == {h.doc_id for h in overturned.hits}
    assert _search(real, "denied requests").total == _search(real, "upheld").total


def test_real_partially_certified_is_what_a_ur_modified(real):
    modified = _search(real, "partially certified")
    assert modified.total and all("original request" in h.item for h in modified.hits)
    assert _items(real, "modified") == _items(real, "partially approved") == {h.doc_id for h in modified.hits}


def test_real_generic_heads_beside_a_concept_rank(real):
    assert _items(real, "MRI of the shoulder joint") == _items(real, "shoulder MRI")
    assert _items(real, "EMG study") == _items(real, "EMG")
    assert _items(real, "Norco refill") == _items(real, "Norco")


def test_real_lay_names_of_contrast_and_slashed_pairs(real):
    assert _items(real, "CT with dye") and all("without" not in h.item for h in _search(real, "CT with dye").hits)
    assert _items(real, "contrast-enhanced MRI") == _items(real, "MRI with contrast")
    assert _items(real, "OT/PT") == _items(real, "PT or OT") == _items(real, "PT/OT")


def test_the_page_and_the_api_say_the_rate_and_keep_no_chip(client):
    data = client.get("/api/search?q=overturn+rate").get_json()
    assert not data["query"]["chips"] and any(m.startswith("Overturn rate of these items")
                                              for m in data["query"]["messages"])
    assert data["total"] == client.get("/api/search?q=").get_json()["total"]
    assert "Overturn rate of these items" in client.get("/?q=overturn+rate").get_data(as_text=True)
    # the plain decision word is still the chip
    assert [c["value"] for c in client.get("/api/search?q=overturned").get_json()["query"]["chips"]] == ["Overturned"]


@pytest.mark.parametrize("typed", ["partly overturned", "split decision", "mixed decisions"])
def test_a_letters_split_decision_said_otherwise_is_the_outcome(typed):
    decisions = {**DECISIONS, typed: "Partially overturned"}
    meaning = understand(typed, VALUES, decisions=decisions)
    assert [(c.facet, c.value) for c in meaning.chips] == [("outcome", "Partially overturned")] and not meaning.text


def test_real_a_letters_split_decision_said_otherwise_is_the_outcome(real):
    assert _items(real, "split decision") == _items(real, "partially overturned") == _items(real, "partly overturned")


def test_real_a_count_of_one_decision_keeps_the_chip_and_drops_its_words(real):
    counted = _search(real, "number of overturned MRIs")
    assert [c.value for c in counted.query.chips] == ["Overturned"]
    assert _items(real, "number of overturned MRIs") == _items(real, "MRI overturned")
    assert _items(real, "IMR upheld chiropractic cases") == _items(real, "chiropractic upheld")
