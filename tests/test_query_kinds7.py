"""Whole sentences and lay questions, sixth round (issue 27): decision verbs of everyday speech
(`knocked back`, `ok'd`, `reverse`), a question's framing and filler nouns (`utilization of`, `medical
necessity of`, `reviewed by IMR`, `stuff`, `at work`), a query of only an amount (`3x4`, `twelve
sessions`, `dose 10 mg`), misspellings the fallback missed (a number spelt out, a typo beside a longer
name, a name split in two) and a UR modification said plainly; each on the rules and on the real letters
(skipped without them).

The real-letter checks use queries of each kind, not the judged sets' own: the rule is what is tested."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import amounts, coverage, forgiveness, intent, modification, understand
from indexer.search.query.spelling import Lexicon
from indexer.search.query.wordlists import query_words
from indexer.search.searcher import Searcher


def _search(searcher: Searcher, q: str):
    return searcher.search(SearchRequest(q=q, per_page=200))


def _items(searcher: Searcher, q: str) -> list[str]:
    return [h.item for h in _search(searcher, q).hits]


# -- the rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("q, value", [
    ("they knocked back my shoulder MRI", "Upheld"), ("PT turned down", "Upheld"), ("did they say no to PT", "Upheld"),
    ("did they ok'd the lumbar MRI", "Overturned"), ("acupuncture okayed", "Overturned"),
    ("which decisions did IMR reverse", "Overturned"), ("green light for chiropractic", "Overturned"),
])
def test_everyday_decision_verbs_are_the_decision_chip(q, value):
    meaning = understand.understand(q, {}, decisions={})
    assert [c.value for c in meaning.chips if c.facet == "decision"] == [value], meaning


def test_both_decisions_said_plainly_are_no_chip():
    meaning = understand.understand("knee MRI turned down or okayed", {}, decisions={})
    assert not meaning.chips and meaning.rate, meaning


@pytest.mark.parametrize("q, rest", [
    ("utilization of acupuncture in workers comp", "acupuncture"), ("medical necessity of Norco", "Norco"),
    ("chiropractic requests reviewed by IMR", "chiropractic requests"), ("knee stuff", "knee"),
    ("shoulder issues at work", "shoulder"), ("TENS unit things", "TENS unit"),
])
def test_a_question_s_framing_and_filler_nouns_are_not_searched(q, rest):
    assert coverage.unframed(q)[0] == rest


@pytest.mark.parametrize("q", ["stuff", "reviewed by IMR", "issues at work"])
def test_a_query_of_only_framing_is_searched_as_typed(q):
    assert coverage.unframed(q) == (q, [])


@pytest.mark.parametrize("q, has", [
    ("3x4", "concept:'sched:3x4'"), ("x12", "concept:'sched:12v'"), ("60 grams", "60grams"),
    ("dose 10mg", "10mg"), ("strength 7.5mg", "7.5mg"), ("bid", "sched:bid"),
])
def test_a_query_of_only_an_amount_requires_it(q, has):
    syntax, note = amounts.only_amount(q, query_words())
    required = syntax.split(" ANDMAYBE ")[0]
    assert has in required and "Only an amount" in note, syntax


def test_a_schedule_asked_alone_is_found_by_what_it_is_not_by_either_part():
    required = amounts.only_amount("2x3", query_words())[0].split(" ANDMAYBE ")[0]
    assert "sched:6v" in required and "sched:2/wk" not in required and "sched:3wk" not in required


@pytest.mark.parametrize("q", ["norco 3x4", "knee 12", "12", "lidocaine 5%", "pt"])
def test_an_amount_beside_anything_else_only_ranks(q):
    assert amounts.only_amount(q, query_words()) is None


def _mend(text: str, counts: dict[str, int], names: dict[str, int] | None = None, finished=()):
    lexicon = Lexicon(counts)
    return forgiveness.mend(text, text, lexicon, lambda w: counts.get(w.lower(), 0), lambda p: False,
                            lambda p: list(finished), Lexicon(names or {}), lambda w: False)


def test_a_number_spelt_out_is_never_corrected():
    mended = _mend("tramadal fifty", {"tramadol": 40, "fifth": 90})
    assert mended.q == "tramadol fifty", mended


def test_a_typo_of_a_word_is_that_word_not_the_start_of_a_longer_name():
    mended = _mend("gabapentn", {"gabapentin": 40}, finished=["gabapentnx"])
    assert mended.q == "gabapentin", mended


def test_two_words_join_against_the_vocabulary_s_names():
    mended = _mend("hydro codone", {"hydro": 0}, names={"hydrocodone": 3})
    assert mended.q == "hydrocodone", mended


@pytest.mark.parametrize("q", ["partially approved by UR", "modified by utilization review to fewer visits",
                               "ur modified to less sessions"])
def test_a_ur_modification_said_plainly_is_the_modified_items(q):
    text, notes = modification.modified(q)
    assert notes and text.endswith(intent.MODIFIED_QUERY), text
    rest = intent.modified_rest(text)
    assert not rest or intent.modified_heads(rest) is not None, rest


# -- on the real letters -------------------------------------------------------------------------

def test_a_lay_decision_verb_filters_the_decision(real):
    result = _search(real, "they knocked back my shoulder MRI")
    assert result.total and all(h.decision == "Upheld" for h in result.hits)
    assert all("shoulder" in h.item.lower() for h in result.hits), _items(real, "they knocked back my shoulder MRI")[:5]
    assert _search(real, "which decisions did IMR reverse").total == _search(real, "overturned").total


@pytest.mark.parametrize("framed, plain", [
    ("utilization of acupuncture in workers comp", "acupuncture"), ("medical necessity of Norco", "Norco"),
    ("knee stuff", "knee"), ("shoulder issues at work", "shoulder"),
    ("chiropractic requests reviewed by IMR", "chiropractic"),
])
def test_framing_finds_what_the_treatment_alone_finds(real, framed, plain):
    assert set(_items(real, framed)) == set(_items(real, plain)) != set()


def test_an_amount_alone_answers_the_items_stating_it(real):
    found = _items(real, "twelve sessions")
    assert found and any("3 times a week for 4 weeks" in f for f in found) and \
        any(f.lower().startswith("twelve") for f in found), found[:6]
    assert all("grams" in f.lower() for f in _items(real, "120 gm")) and _items(real, "120 gm")
    assert len(_items(real, "2x3")) < len(_items(real, "physical therapy"))


def test_misspellings_reach_the_name(real):
    assert all("tramadol" in f.lower() for f in _items(real, "tramadal fifty as needed")[:2])
    assert _search(real, "hydro codone").query.corrected == "hydrocodone"


def test_a_modification_with_only_a_head_lists_every_modified_item(real):
    found = _items(real, "modified to less visits")
    assert found and all("original request" in f.lower() for f in found)
    assert len(found) == len(_items(real, "partially certified"))


def test_a_sentence_with_a_possessive_is_read(real):
    found = _items(real, "my doctor's request for chiropractic visits for my lower back")
    assert found and all("chiro" in f.lower() for f in found), found[:5]
