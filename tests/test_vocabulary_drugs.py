"""Issue 27's drug kinds of miss, each by a rule or a named source and checked on real letters:
everyday names of the classes (USP categories, FDA EPC), combinations named by their ingredients,
dosage forms read from an item's words, doses and products, and class and strength queries that rank
the items that are the class, or of that strength, first."""
from __future__ import annotations

import pytest

from indexer.index.values import concepts
from indexer.results import SearchRequest
from indexer.search.searcher import Searcher
from indexer.vocabulary import Vocabulary
from indexer.vocabulary.marks import is_classes


def _own(vocab: Vocabulary, text: str) -> set[str]:
    return {t.concept for t in vocab.tag_item(text)}


def _named(vocab: Vocabulary, q: str) -> list[str]:
    return vocab.parse_query(q).concept_ids()


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, concept", [
    ("anti-seizure medication", "class:antiepilepsy"), ("antiseizure drugs", "class:antiepilepsy"),
    ("narcotic pain medication", "class:opioid"), ("opioid pain reliever", "class:opioid"),
    ("medication for anxiety", "class:anxiolytic"), ("anxiety medications", "class:anxiolytic"),
    ("pain pills", "class:oral-analgesic"), ("painkillers", "class:pain-reliever"),
    ("nerve pain medication", "class:neuropathic-pain"), ("sleep aid", "class:sleep-aid"),
    ("stomach protectant", "class:gastroprotective"), ("stomach medication", "class:gastroprotective"),
    ("muscle spasm medication", "class:muscle-relaxant"), ("seizure medication", "class:antiepilepsy"),
])
def test_everyday_names_of_the_classes(vocab, q, concept):
    assert _named(vocab, q) == [concept]


def test_the_everyday_groupings_hold_their_classes(vocab):
    assert "class:pain-reliever" in vocab.implied("drug:hydrocodone")
    assert "class:pain-reliever" in vocab.implied("drug:naproxen")
    assert "class:neuropathic-pain" in vocab.implied("drug:gabapentin")
    assert "class:neuropathic-pain" in vocab.implied("drug:duloxetine")
    assert "class:neuropathic-pain" not in vocab.implied("drug:sertraline")      # an SSRI: not first line


def test_combinations_resolve_to_every_ingredient(vocab):
    for product in ("product:trezix", "product:panlor", "product:dvorah"):
        assert {"drug:dihydrocodeine", "drug:acetaminophen", "drug:caffeine"} <= set(vocab.implied(product))
    assert {"drug:butalbital", "drug:caffeine"} <= set(vocab.implied("product:fioricet"))
    # the generic names of a combination, however separated, are one product
    for q in ("hydrocodone/APAP", "hydrocodone-acetaminophen", "Hydrocodone/acetaminophen"):
        assert {"drug:hydrocodone", "drug:acetaminophen"} <= set(vocab.implied(_named(vocab, q)[0])), q


@pytest.mark.parametrize("text, form", [
    ("Salonpas pad #60", "form:patch"), ("Lidocaine 5% patch #1", "form:patch"), ("Lidoderm #30", "form:patch"),
    ("Dextromethorphan 5%/Amitriptyline 5%/Lidocaine/Capsaicin 0.025%, 120grams #1", "form:topical"),
    ("Ketoprofen 20% 120 gm", "form:topical"), ("Anecream 4% #30", "form:topical"),
    ("Diazepam 5mg #10", "form:oral"), ("Trezix 320.5/30/16mg", "form:oral"),
    ("Norco 5/325mg oral tablet", "form:oral"),
    ("Oxycodone HCL ER 20mg #60", "form:extended-release"),
])
def test_the_form_of_a_drug_item(vocab, text, form):
    assert form in _own(vocab, text)


@pytest.mark.parametrize("text, not_form", [
    ("Lidocaine 5% patch #1", "form:topical"),       # a patch is not a cream
    ("Toradol 60mg IM injection #1", "form:oral"),   # another route
    ("Viagra 50mg", "form:oral"),                    # no count, no form word: not said
    ("Heating pad #1", "form:patch"),                # no drug: forms are read on drug items only
    ("Ice pack with gel", "form:topical"),
    ("Naproxen 550mg #60 ER", "form:topical"),
])
def test_a_form_is_read_conservatively(vocab, text, not_form):
    assert not_form not in _own(vocab, text)


def test_a_compound_is_its_formulation_not_its_ingredients_classes(vocab):
    compound = vocab.tag_item("Flurbiprofen 10%, Cyclobenzaprine 3%, Gabapentin 6%, Lidocaine 5%")
    assert "class:muscle-relaxant" in {t.concept for t in compound}        # found by the class ...
    assert "class:muscle-relaxant" not in is_classes(vocab, compound)      # ... but not marked as it
    assert "class:compounded-topical" in is_classes(vocab, compound)
    assert "class:muscle-relaxant" in is_classes(vocab, vocab.tag_item("Baclofen 20mg #60"))
    cited = vocab.tag_item("Zorbanol 10mg", guidelines="Muscle relaxants (for pain)")
    assert not is_classes(vocab, cited)                                    # read from a guideline only


def _doses(vocab: Vocabulary, text: str) -> list[str]:
    return [t.concept for t in vocab.tag_item(text) if t.concept.startswith("strength:")]


def test_doses_belong_to_the_drug_they_follow(vocab):
    assert _doses(vocab, "Lidocaine 5% patch #1") == ["strength:lidocaine:5%"]
    assert _doses(vocab, "Anecream cream 4% #30") == ["strength:lidocaine:4%"]
    unstated = "Dextromethorphan 5%/Amitriptyline 5%/Lidocaine/Capsaicin 0.025%"
    assert "strength:lidocaine:5%" not in _doses(vocab, unstated)
    assert _doses(vocab, "Lidocaine HCl 2.50 percent") == ["strength:lidocaine:2.5%"]
    assert "strength:oxycodone:20mg" in _doses(vocab, "Oxycodone HCL ER 20mg #60")
    assert "strength:diazepam:5mg" in _doses(vocab, "Diazepam (Valium) 5mg take 1 tab")
    # a combination's dose, number by number in the order of its label
    assert set(_doses(vocab, "Norco 10/325mg #60")) == {"strength:hydrocodone:10mg", "strength:acetaminophen:325mg"}
    assert "strength:dihydrocodeine:16mg" in _doses(vocab, "Trezix capsule 320.5/30/16mg")
    assert _doses(vocab, "Terocin 4% lotion") == []          # which of four ingredients: not said
    assert _doses(vocab, "Naproxen and Omeprazole 20mg") == ["strength:omeprazole:20mg"]
    ids = concepts.concept_ids(vocab.tag_item("Lidocaine 5% patch #1"), vocab)
    assert {"strength:lidocaine:5%", "is:class:topical-analgesic", "drug:lidocaine"} <= set(ids)


# -- the real labelled letters ----------------------------------------------------------------------

def _ids(real: Searcher, q: str) -> list[str]:
    return [h.doc_id for h in real.search(SearchRequest(q=q, per_page=100)).hits]


DIAZEPAM = {"CM16-0240524#1", "CM17-0013077#2"}
COMPOUNDS_WITH_LIDOCAINE = {"CM17-0007300#1", "CM17-0013716#3", "CM17-0013716#4"}


def test_real_everyday_class_names(real):
    assert "CM17-0007300#1" in _ids(real, "anti-seizure medication")       # gabapentin 6% in the compound
    assert DIAZEPAM <= set(_ids(real, "medication for anxiety"))
    narcotics = set(_ids(real, "narcotic pain medication"))
    assert {"CM16-0234202#1", "CM16-0239110#1", "CM17-0007300#2"} <= narcotics   # Norco, oxycodone ER, Trezix


def test_real_combinations_by_ingredient_and_other_brand(real):
    assert _ids(real, "dihydrocodeine caffeine acetaminophen")[:1] == ["CM17-0007300#2"]   # Trezix
    assert _ids(real, "Panlor")[:1] == ["CM17-0007300#2"]
    assert "CM16-0234202#1" in _ids(real, "hydrocodone/APAP")                         # Norco 10/325


def test_real_forms(real):
    found = set(_ids(real, "lidocaine cream"))
    assert COMPOUNDS_WITH_LIDOCAINE | {"CM16-0245796#2"} <= found        # compounds weighed in grams, Anecream
    assert "CM16-0247802#3" not in found                                 # the lidocaine patch
    assert DIAZEPAM <= set(_ids(real, "Valium tab"))
    assert _ids(real, "salonpas patch") == ["CM16-0245796#1"]            # "Salonpas pad"
    assert "CM17-0007300#1" in _ids(real, "flurbiprofen cream")


def test_real_class_query_ranks_the_class_before_a_compound_containing_it(real):
    found = _ids(real, "muscle relaxant")
    assert found.index("CM17-0007300#1") == 4        # the cream after the four relaxants (judged.json)


def test_real_strength_query_ranks_that_strength_first(real):
    assert set(_ids(real, "lidocaine 5%")[:3]) == {"CM16-0247802#3", "CM17-0007300#1", "CM17-0013716#4"}
    assert set(_ids(real, "lidocaine 5 percent")[:3]) == {"CM16-0247802#3", "CM17-0007300#1", "CM17-0013716#4"}
    assert _ids(real, "lidocaine 4%")[:1] == ["CM16-0245796#2"]          # Anecream 4%


def test_real_drug_with_a_dose_finds_the_combination_of_that_dose(real):
    assert _ids(real, "norco 10mg")[:1] == ["CM16-0234202#1"]              # Norco 10/325mg
    assert _ids(real, "hydrocodone 7.5 mg")[:1] == ["CM17-0015790#2"]      # Norco 7.5-325mg
    assert set(_ids(real, "Ultram 50mg")[:2]) == {h for h in _ids(real, "tramadol 50mg")[:2]}


def test_real_generic_query_marks_the_brand(real):
    hits = real.search(SearchRequest(q="hydrocodone", per_page=20)).hits
    assert hits and all("<mark>Norco</mark>" in h.item_html for h in hits if h.item.startswith("Norco"))
