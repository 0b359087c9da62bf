"""How a query is read, ninth round: a label before what is asked, words no letter holds, a month with
its year, the UR's decision beside the IMR's, a choice left free, two drugs joined by `with`, units
spelt out; each on the rules and on the real letters (skipped without them).

The real-letter checks use queries of each kind, not the judged sets' own: the rule is what is tested."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import labels, months, numerals, understand, unrestricted
from indexer.search.searcher import Searcher

VALUES = {"decision": ["Upheld", "Overturned"], "year": ["2016", "2017"]}
DECISIONS = {"denied": "Upheld", "upheld": "Upheld", "overturned": "Overturned", "approve": "Overturned",
             "non-cert": "Upheld", "o/t": "Overturned"}


def _search(searcher: Searcher, q: str):
    return searcher.search(SearchRequest(q=q, per_page=200))


def _items(searcher: Searcher, q: str) -> set[str]:
    return {h.doc_id for h in _search(searcher, q).hits}


# -- a label before what is asked ----------------------------------------------------------------

@pytest.mark.parametrize("q, rest, label", [("claims examiner: knee MRI", "knee MRI", "claims examiner"),
                                            ("Plan - PT for the neck", "PT for the neck", "Plan"),
                                            ("insurer's take: Norco denied", "Norco denied", "insurer's take")])
def test_a_leading_label_is_not_searched(vocab, q, rest, label):
    assert labels.unlabelled(q, vocab, DECISIONS) == (rest, label)


@pytest.mark.parametrize("q", ["MRI: lumbar", "denied - Norco", "L4-5 - fusion", "knee MRI", "decision:upheld MRI",
                               "one two three four: knee", "case manager: knee MRI"])
def test_a_concept_a_decision_or_a_field_is_no_label(vocab, q):
    assert labels.unlabelled(q, vocab, DECISIONS) == (q, None)


def test_real_a_label_answers_what_follows(real):
    asked = _items(real, "lumbar MRI")
    assert asked and _items(real, "adjuster note: lumbar MRI") == asked
    assert _items(real, "claims examiner - lumbar MRI") == asked


def test_real_a_word_before_a_colon_is_a_word(real):
    assert _items(real, "MRI: lumbar") == _items(real, "MRI lumbar")


# -- words no letter holds never empty the answer --------------------------------------------------

def test_real_a_word_no_letter_holds_leaves_the_rest(real):
    asked = _items(real, "lumbar MRI")
    found = _search(real, "qwxz lumbar MRI")
    assert found.total and {h.doc_id for h in found.hits} == asked
    assert found.query.relaxed_without == "qwxz"


# -- a month with its year -----------------------------------------------------------------------

@pytest.mark.parametrize("q, value, rest", [("MRI December 2016", "2016-12", "MRI"), ("Dec. 2016 PT", "2016-12", "PT"),
                                            ("Norco in Sept 2016", "2016-09", "Norco"),
                                            ("chiro 1/2017", "2017-01", "chiro"), ("acupuncture May of 2017", "2017-05",
                                                                                     "acupuncture")])
def test_a_month_with_its_year_is_a_date_range(q, value, rest):
    got, chips = months.month_chips(q)
    assert got == rest and [(c.facet, c.value) for c in chips] == [("decided", value)]


@pytest.mark.parametrize("q", ["Norco 10/325", "MRI in December", "May 2 visits", "PT 12/20"])
def test_no_year_no_month_range(q):
    assert months.month_chips(q) == (q, [])


def test_real_a_month_filters_on_the_decision_date(real):
    found = _search(real, "January 2017")
    assert found.total and all(h.decision_date.startswith("2017-01") for h in found.hits)


# -- decisions -----------------------------------------------------------------------------------

def test_the_ur_decision_beside_the_imr_s_is_not_asked():
    got = understand.understand("PT UR denied, IMR overturned", VALUES, decisions=DECISIONS)
    assert [c.value for c in got.chips] == ["Overturned"], got
    got = understand.understand("knee MRI denied by UR, overturned", VALUES, decisions=DECISIONS)
    assert [c.value for c in got.chips] == ["Overturned"], got


def test_a_ur_decision_alone_stays_the_filter():
    got = understand.understand("UR denied lumbar MRI", VALUES, decisions=DECISIONS)
    assert [c.value for c in got.chips] == ["Upheld"], got


def test_a_question_whether_asks_both_decisions():
    got = understand.understand("has IMR ever approve chiropractic", VALUES, decisions=DECISIONS)
    assert not got.chips and got.rate, got


def test_real_found_medically_necessary_is_overturned(real):
    found = _search(real, "PT found medically necessary")
    assert found.total and {h.decision for h in found.hits} == {"Overturned"}
    assert {h.decision for h in _search(real, "PT deemed not medically necessary").hits} == {"Upheld"}


# -- a choice left free --------------------------------------------------------------------------

@pytest.mark.parametrize("q, rest", [("x-rays any body part", "x-rays"),
                                     ("MRI knee with or without contrast", "MRI knee"),
                                     ("injections of whatever kind", "injections of"),
                                     ("CT any region", "CT")])
def test_a_free_choice_asks_no_restriction(q, rest):
    got, notes = unrestricted.unrestricted(q)
    assert got == rest and notes


@pytest.mark.parametrize("q", ["any NSAID", "MRI with contrast", "any body part"])
def test_no_free_choice_leaves_the_query(q):
    assert unrestricted.unrestricted(q) == (q, [])


def test_real_any_contrast_is_every_study(real):
    assert _items(real, "cervical MRI any contrast") == _items(real, "cervical MRI")


# -- two drugs joined by `with`; units spelt out --------------------------------------------------

def test_real_two_drugs_with_each_other_are_either(real):
    a, b = _items(real, "tramadol"), _items(real, "cyclobenzaprine")
    both = _items(real, "tramadol with cyclobenzaprine")
    assert a and b and both == a | b


def test_real_a_class_with_a_class_keeps_the_first(real):
    assert _items(real, "PPI w/ nsaid") and not _items(real, "PPI w/ nsaid") >= _items(real, "nsaid")


@pytest.mark.parametrize("q, read", [("5 milligrams", "5 mg"), ("25 micrograms", "25 mcg"),
                                     ("10 milliliters", "10 ml"), ("milligrams", "milligrams")])
def test_a_spelt_unit_after_a_number_is_abbreviated(q, read):
    assert numerals.units_abbreviated(q) == read


def test_real_a_misspelt_drug_with_a_spelt_dose(real):
    asked = _items(real, "diazepam 5 mg")
    assert asked and _items(real, "diazepan five milligrams") == asked


# -- both sides; two places around one treatment; a family word beside its kind ------------------

def test_real_bilateral_ranks_both_sides_first_and_keeps_each_side(real):
    sided = _items(real, "EMG upper extremity")
    found = _search(real, "EMG bilateral upper extremities")
    assert {h.doc_id for h in found.hits} == sided
    bilateral = [h for h in found.hits if "bilateral" in h.item.lower()]
    assert bilateral and found.hits[:len(bilateral)] == bilateral


def test_real_one_side_still_leaves_the_other_out(real):
    found = _search(real, "left knee MRI")
    assert found.total and not any("right" in h.item.lower() and "left" not in h.item.lower() for h in found.hits)


def test_real_bilateral_never_leaves_the_place_out(real):
    assert _items(real, "bilateral knee MRI") == _items(real, "knee MRI")


def test_real_two_places_around_a_treatment_are_either(real):
    knee, shoulder = _items(real, "left knee MRI"), _items(real, "left shoulder MRI")
    assert knee and shoulder and _items(real, "knee MRI left shoulder") == knee | shoulder


def test_real_a_family_word_beside_its_kind_does_not_contrast(real):
    found = _items(real, "pelvis imaging CT or MRI")
    assert found and found == _items(real, "pelvis CT or MRI")
