"""How a query is read, tenth round: reviewer specialties as people say them, a question whether a decision
is made, where a question looks, the DWC's request form, a study's purpose, an either-or's both first, a
count before a treatment, a modification's context; each on the rules and on the real letters (skipped
without them).

The real-letter checks use queries of each kind, not the judged sets' own: the rule is what is tested."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import forms, intent, modification, reading, reviewers, understand
from indexer.search.searcher import Searcher

VALUES = {"decision": ["Upheld", "Overturned"], "specialty": ["Orthopedic Surgery", "Neurology", "Medical Toxicology",
                                                              "Physical Medicine & Rehabilitation", "Chiropractor"]}
DECISIONS = {"denied": "Upheld", "upheld": "Upheld", "overturned": "Overturned", "approve": "Overturned",
             "approved": "Overturned", "deny": "Upheld", "authorized": "Overturned"}


def _search(searcher: Searcher, q: str):
    return searcher.search(SearchRequest(q=q, per_page=200))


def _items(searcher: Searcher, q: str) -> set[str]:
    return {h.doc_id for h in _search(searcher, q).hits}


def _chips(q: str) -> list[tuple[str, str]]:
    return [(c.facet, c.value) for c in understand.understand(q, VALUES, decisions=DECISIONS).chips]


# -- reviewer specialties as people say them -----------------------------------------------------

@pytest.mark.parametrize("q, value", [
    ("physical medicine and rehabilitation reviewer", "Physical Medicine & Rehabilitation"),
                                      ("tox reviewer", "Medical Toxicology"),
                                      ("reviewed by a toxicologist", "Medical Toxicology"),
                                      ("ortho surgeon denied physical therapy", "Orthopedic Surgery"),
                                      ("neurologist approved an EMG", "Neurology")])
def test_a_specialty_said_as_people_say_it_is_who_reviewed(q, value):
    assert ("specialty", value) in _chips(q)


@pytest.mark.parametrize("q", ["chiropractor denied", "orthopedic denied", "ortho surgeon requested knee arthroscopy",
                               "physical medicine and rehabilitation"])
def test_no_person_before_a_decision_no_reviewer(q):
    assert all(facet != "specialty" for facet, _ in _chips(q))


def test_a_bare_specialty_is_its_chip_only_as_the_whole_query():
    known = VALUES["specialty"]
    assert reviewers.bare_specialty("a toxicologist", known).value == "Medical Toxicology"
    assert reviewers.bare_specialty("neurology doctor", known).value == "Neurology"
    assert reviewers.bare_specialty("neurology consult", known) is None


def test_real_a_specialist_who_decided_is_the_reviewer(real):
    found = _search(real, "toxicologist reviewer")
    assert found.total and all("Medical Toxicology" in h.specialties for h in found.hits)
    found = _search(real, "neurologist approved")
    assert found.total and all("Neurology" in h.specialties and h.decision == "Overturned" for h in found.hits)


def test_real_a_bare_specialty_no_request_names_is_its_reviewers_letters(real):
    found = _search(real, "a rheumatologist")
    assert found.total and all("Rheumatology" in h.specialties for h in found.hits)
    named = _search(real, "orthopedic surgery")       # a procedure family the letters request: no chip
    assert named.total and not named.query.chips


# -- a question whether a decision is made -------------------------------------------------------

@pytest.mark.parametrize("q", ["does IMR approve compounded creams", "do reviewers deny chiropractic",
                               "how often does IMR deny MRI requests", "can a reviewer deny PT"])
def test_a_question_whether_asks_both_decisions(q):
    assert intent.read(q, DECISIONS).rate


@pytest.mark.parametrize("q", ["did IMR approve the knee MRI", "how often are MRIs denied", "approved MRI"])
def test_what_was_decided_keeps_its_decision(q):
    assert not intent.read(q, DECISIONS).rate


def test_real_a_question_whether_lists_both_decisions(real):
    asked = _search(real, "does IMR approve lumbar MRI")
    assert {h.decision for h in asked.hits} == {h.decision for h in _search(real, "lumbar MRI").hits}
    assert _items(real, "does IMR approve lumbar MRI") == _items(real, "lumbar MRI")


def test_real_where_the_question_looks_is_framing(real):
    assert _items(real, "overturned decisions in the database") == _items(real, "overturned")


# -- the DWC's request form ----------------------------------------------------------------------

@pytest.mark.parametrize("q, rest", [("RFA: knee MRI", "knee MRI"), ("PT for the neck RFA", "PT for the neck"),
                                     ("DWC Form RFA - Norco 10/325", "Norco 10/325")])
def test_rfa_beside_another_treatment_is_the_form(vocab, q, rest):
    got, notes = forms.form_dropped(q, vocab)
    assert got == rest and notes


@pytest.mark.parametrize("q", ["RFA", "lumbar RFA", "RFA after medial branch block", "genicular RFA"])
def test_rfa_alone_or_beside_its_kin_is_the_ablation(vocab, q):
    assert forms.form_dropped(q, vocab) == (q, [])


def test_real_an_rfa_line_answers_its_request(real):
    asked = _items(real, "MRI of the cervical spine")
    assert asked and _items(real, "RFA: MRI of the cervical spine") == asked


def test_real_rule_out_is_a_purpose(real):
    asked = _items(real, "MRI cervical spine")
    assert asked and _items(real, "MRI cervical spine r/o radiculopathy") == asked


# -- an either-or's both first -------------------------------------------------------------------

def test_real_both_sides_rank_first(real):
    first = _search(real, "PT cervical and lumbar").hits[0].item.lower()
    assert "cervical" in first and "lumbar" in first


# -- a count before a treatment ------------------------------------------------------------------

def test_a_count_before_a_treatment_is_its_total(vocab):
    assert "sched:12v" in reading.read("12 PT visits", vocab).text
    assert "sched:6v" in reading.read("6 chiropractic visits", vocab).text


def test_real_a_count_before_a_treatment_ranks_its_schedule(real):
    first = _search(real, "12 chiro visits").hits[0].item.lower()
    assert "12" in first


# -- a modification's context --------------------------------------------------------------------

def test_a_plain_word_beside_a_modification_is_its_context(vocab):
    assert modification.context_words("norco weaning", vocab) == ("norco", ["weaning"])
    assert modification.context_words("gym membership", vocab)[1] == [] or \
        modification.context_words("gym membership", vocab)[0]


def test_real_a_modification_with_its_reason(real):
    asked = _items(real, "norco partial cert")
    assert asked and _items(real, "norco tapering partial cert") == asked
    assert _items(real, "NCS already authorized") <= _items(real, "NCS partially certified")


# -- a place left open ---------------------------------------------------------------------------

def test_real_a_place_left_open_asks_the_treatment_anywhere(real):
    every = _items(real, "acupuncture")
    found = _search(real, "acupuncture for the neck or elsewhere")
    assert {h.doc_id for h in found.hits} == every and len(every) > len(_items(real, "acupuncture for the neck"))
    assert "neck" in found.hits[0].item.lower()


# -- two devices with each other -----------------------------------------------------------------

def test_real_two_devices_with_each_other_are_either(real):
    both = _items(real, "compression leg wraps with cold unit")
    assert _items(real, "compression leg wraps") | _items(real, "cold unit") <= both


# -- a weight beside a treatment -----------------------------------------------------------------

def test_real_a_weight_typed_ranks_its_items_first(real):
    first = _search(real, "120 grams cream").hits[0].item.lower()
    assert "120" in first


# -- a list's side without a place takes the other's ---------------------------------------------

def test_real_a_side_without_a_place_takes_the_other_sides(real):
    either = _items(real, "pelvis imaging or evaluation")
    assert _items(real, "pelvis imaging") | _items(real, "pelvis evaluation") <= either


def test_real_two_forms_side_by_side_are_either(real):
    either = _items(real, "lidocaine patch cream")
    assert _items(real, "lidocaine patch") | _items(real, "lidocaine cream") <= either


def test_real_a_strength_and_a_form_on_two_sides_are_two_items(real):
    either = _items(real, "cyclobenzaprine 5mg or lidocaine cream")
    assert _items(real, "cyclobenzaprine 5mg") and _items(real, "cyclobenzaprine 5mg") <= either
