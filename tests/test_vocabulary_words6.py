"""Issue 27's eighth data round, each kind by a rule or data from a named source, checked on the data
and on real letters: clinic and claims shorthand (the hospital abbreviation lists: inpt, utox, LS, LBP,
cont, durable med equip, occupational tx), spinal levels (a range names the vertebrae it bounds; a range
typed without its dash), a combination named by its ingredients (hydrocodone-APAP is Norco), the Racz
procedure's neurolytic injection (CPT 62281-62282), and the MTUS chapters adopted from ACOEM's 2nd
edition (8 CCR 9792.22-9792.23.8) searched and counted as ACOEM."""
from __future__ import annotations

import pytest

from indexer.index.values.documents import _guideline_text
from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, concepts", [
    ("inpt rehab", ["procedure:inpatient-rehabilitation"]),
    ("utox", ["procedure:urine-drug-screen"]), ("u-tox screen", ["procedure:urine-drug-screen"]),
    ("LS MRI", ["region:lumbar", "procedure:mri"]), ("lbp", ["region:lumbar"]),
    ("occupational tx", ["procedure:occupational-therapy"]),
    ("durable med equip", ["family:dme"]),
    ("L5S1", ["level:L5-S1"]), ("L4L5", ["level:L4-L5"]), ("L5-S1", ["level:L5-S1"]),
    ("hydrocodone-apap", ["product:hydrocodone-apap"]),
    ("racz neuroplasty", ["procedure:epidural-adhesiolysis"]),
])
def test_shorthand(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


def test_a_range_names_the_vertebrae_it_bounds(vocab):
    assert {"level:L4", "level:L5", "level:S1"} <= set(vocab.implied("level:L4-S1"))
    assert not any(i.startswith("level:") for i in vocab.implied("level:L5"))
    tagged = {t.concept: t.implied for t in vocab.tag_item("Lumbar Spine Epidural Injection at L4-5 under fluoroscopy")}
    assert tagged["level:L4-L5"] is False and tagged["level:L5"] is True      # named, then implied


def test_a_combination_named_by_its_ingredients_is_any_brand_of_them(vocab):
    assert "product:hydrocodone-apap" in _tags(vocab, "Norco 10/325mg #60")
    assert "product:hydrocodone-apap" not in _tags(vocab, "Hysingla ER 20mg")
    assert "product:norco" not in vocab.composites()                      # a brand is never composed


def test_the_epidural_neurolytic_injection_is_the_racz(vocab):
    assert "procedure:epidural-adhesiolysis" in _tags(vocab, "Injection of neurolytic substance, lumbar spine")
    assert "procedure:epidural-adhesiolysis" not in _tags(vocab, "Neurolytic injection, genicular nerves, right knee")


def test_a_citation_is_searched_under_its_sources_other_names():
    text = "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies."
    assert _guideline_text(text).split("\n")[1] == "ACOEM"
    assert "ODG" in _guideline_text("Decision based on Non-MTUS Citation Official Disability Guidelines, Knee")
    plain = "Decision based on MTUS Chronic Pain Medical Treatment 2016."
    assert _guideline_text(plain) == plain


# -- searching the real letters ----------------------------------------------------------------

def test_real_shorthand(real):
    assert "MRI of the lumbar spine without contrast" in _items(real, "LS MRI")
    assert any("inpatient rehabilitation" in i.lower() for i in _items(real, "inpt rehab"))
    assert "TENS unit" in _items(real, "durable med equip")


def test_real_single_vertebra(real):
    found = _items(real, "ESI L5")
    assert "Lumbar Spine Epidural Injection at L4-5 under fluoroscopy" in found
    assert any("L5-S1" in i for i in found)
    exact = _items(real, "L5-S1 ESI")
    assert exact and all("L5-S1" in i for i in exact[:2])


def test_real_combination_and_racz(real):
    assert any(i.startswith("Norco 5/325mg") for i in _items(real, "hydrocodone-apap"))
    racz = _items(real, "racz neuroplasty lumbar")
    assert {"Neuroplasty, lumbar spine", "Injection of neurolytic substance, lumbar spine"} <= set(racz)


def test_real_acoem_chapters(real):
    found = _items(real, "ACOEM shoulder imaging")
    assert sum("shoulder" in i.lower() and "MRI" in i for i in found) >= 5
