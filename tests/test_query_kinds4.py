"""How a query is read, fifth round (issue 27): a hyphen inside a word is no minus beside a concept,
lay names of the operative terms and of coagulation tests, spelling by ear, weekly schedules, and a
question around a UR's modification; each on the rules and on the real letters (skipped without them).

The real-letter checks use queries of each kind, not the judged sets' own: the rule is what is tested."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import concepts, shorthand, spelling
from indexer.search.searcher import Searcher


def _items(searcher: Searcher, q: str) -> list[str]:
    return [h.item for h in searcher.search(SearchRequest(q=q, per_page=200)).hits]


# -- the rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["pre-surgery", "surgery-related", "post-surgery PT", "MRI-guided"])
def test_a_hyphen_beside_a_concept_is_no_minus(vocab, q):
    """`pre-(surgery OR ...)` was read by the parser as `pre NOT surgery`."""
    text, _ = concepts.expand(q, vocab)
    assert "-(" not in text and ")-" not in text, text


@pytest.mark.parametrize("typed, meant", [("fisical", "physical"), ("siclobenzaprine", "cyclobenzaprine"),
                                          ("akupunkture", "acupuncture"), ("fysical", "physical")])
def test_a_word_spelt_by_ear_sounds_as_the_word_meant(typed, meant):
    assert spelling.sound(typed) == spelling.sound(meant)


def test_sound_is_only_the_fallback_of_the_nearest_spelling():
    lexicon = spelling.Lexicon({"physical": 50, "fiscal": 3})
    assert lexicon.choose("fisical", lambda w: True).word == "fiscal"      # one edit: nearest wins
    assert spelling.Lexicon({"physical": 50}).choose("fisical", lambda w: True).word == "physical"


@pytest.mark.parametrize("word, dosing", [("3x/wk", True), ("2x/week", True), ("3/wk", True), ("2/days", True),
                                          ("3x", True), ("L4/5", False), ("5/325", False), ("wk", False)])
def test_a_weekly_schedule_is_dosing_shorthand(word, dosing):
    assert shorthand.is_dosing(word, frozenset()) is dosing


# -- the real letters --------------------------------------------------------------------------

@pytest.mark.parametrize("q, item", [
    ("urinalysis pre-surgery", "Associated surgical service: UA"),
    ("pre-surgery labs", "Associated surgical service: Labs - CBC"),
    ("post-surgery physical therapy", "Post-op physical therapy 12-18 sessions"),
    ("coagulation", "Associated surgical service: Labs - PT/PTT"),
    ("coagulation PT PTT", "Associated surgical service: Labs - PT/PTT"),
    ("fisical therapy for the shoulder", "Associated surgical service: Physical Therapy sessions"),
    ("personal trainer 3x/wk", "6 sessions with Personal Trainer"),
    ("why was the Norco partially certified", "Norco 10/325mg #60 was the original request"),
])
def test_each_kind_finds_the_real_request(real, q, item):
    found = _items(real, q)
    assert any(f.startswith(item) for f in found), (q, found[:5])


def test_a_hyphen_no_longer_excludes_the_concept(real):
    """`post-surgery PT` answered the PT items that did NOT mention surgery, and missed the post-op ones."""
    found = _items(real, "post-surgery PT")
    assert found and all("surg" in f.lower() or "post" in f.lower() for f in found[:3]), found[:5]
