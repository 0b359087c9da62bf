"""Issue 27's fourth data round, each kind by a rule or data from a named source, checked on the data and
on real letters: a part's adjective and other names are the part and a surgery named after a part
implies it (Terminologia Anatomica), the lay words for operations (MedlinePlus: fix, clean out, shave),
conditions named after their region (ICD-10-CM: sciatica, frozen shoulder, whiplash), services by their
clinic names (retrospective review, 8 CCR 9792.6.1; IP; a clearance by an internist or PCP; CPT's
assistant-at-surgery modifiers; CPT 97140 manual therapy; physiotherapy by whoever gives it; shots),
topical analgesics by their lay names (salicylate, pain pads, rub-ons) and the EEG as a brain test."""
from __future__ import annotations

import pytest

from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, concept", [
    ("labral", "part:labrum"), ("glenoid labrum", "part:labrum"), ("SLAP tear", "part:labrum"),
    ("meniscal", "part:meniscus"), ("menisci", "part:meniscus"), ("patellar", "part:patella"),
    ("anterior cruciate ligament", "part:acl"), ("SI joint", "part:sacroiliac-joint"),
    ("achilles", "part:achilles-tendon"),
])
def test_a_parts_other_names_are_the_part(vocab, q, concept):
    assert _ids(vocab, q) == [concept]


def test_a_surgery_named_after_a_part_implies_it(vocab):
    assert "part:labrum" in vocab.implied("procedure:slap-repair")
    assert "part:carpal-tunnel" in vocab.implied("procedure:carpal-tunnel-release")
    assert "part:meniscus" in vocab.implied("procedure:meniscus-repair")
    # a labral repair may be the hip's: it does not take the shoulder's labrum
    assert "region:shoulder" not in vocab.implied("procedure:labral-repair")


@pytest.mark.parametrize("q, concepts", [
    ("SLAP tear fix", ["part:labrum", "family:surgery"]),
    ("meniscal tear fix", ["part:meniscus", "family:surgery"]),
    ("knee clean out", ["region:knee", "procedure:debridement"]),
    ("shoulder shave", ["region:shoulder", "procedure:chondroplasty"]),
    ("sciatica", ["region:lumbar"]), ("frozen shoulder", ["region:shoulder"]), ("whiplash", ["region:cervical"]),
    ("retro review", ["term:retrospective"]), ("IP rehab", ["procedure:inpatient-rehabilitation"]),
    ("internal medicine clearance", ["procedure:preoperative-clearance"]),
    ("PCP clearance", ["procedure:preoperative-clearance"]),
    ("assistant surgeon or PA", ["procedure:assistant-surgeon"]),
    ("shots", ["procedure:shot"]), ("physio", ["procedure:physiotherapy"]),
    ("salicylate", ["class:topical-salicylate"]), ("pain pad", ["class:analgesic-patch"]),
    ("rub-on", ["class:topical-analgesic"]),
])
def test_lay_and_clinic_names(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


def test_lay_words_are_read_in_queries_only(vocab):
    assert "family:surgery" not in _tags(vocab, "Fixed-wheel walker")
    assert "procedure:debridement" not in _tags(vocab, "Home health aide to clean up the wound dressing")
    assert "term:retrospective" in _tags(vocab, "Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16")


def test_physiotherapy_by_whoever_gives_it(vocab):
    for text in ("Physical therapy 12 sessions", "Hand therapy 12 sessions",
                 "Chiropractic physiotherapy 2 times a week for 4 weeks"):
        assert "procedure:physiotherapy" in _tags(vocab, text)
    # physical therapy stays the physical therapist's
    assert "procedure:physical-therapy" not in _tags(vocab, "Chiropractic physiotherapy 2 times a week for 4 weeks")


def test_a_chemistry_panel_is_what_cmp_and_bmp_imply(vocab):
    assert _ids(vocab, "chemistry panel") == _ids(vocab, "chem panel") == ["panel:metabolic"]
    assert "panel:metabolic" in vocab.implied("panel:cmp") and "panel:metabolic" in vocab.implied("panel:bmp")


# -- searching the real letters ----------------------------------------------------------------

def test_real_operations_by_their_lay_names(real):
    slap = "Operative arthroscopy, superior labral anterior posterior repair, right shoulder"
    for q in ("SLAP tear fix", "labrum surgery", "labral tear repair"):
        assert slap in _items(real, q), q


def test_real_services_by_their_clinic_names(real):
    retro = _items(real, "retro review")
    assert "Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16" in retro and len(retro) == 2
    clearance = _items(real, "internal medicine clearance")
    assert {"Preoperative Medical Clearance", "Associated surgical service: Medical clearance"} <= set(clearance)
    assert {"PA assist", "Assistant surgeon"} <= set(_items(real, "assistant surgeon or PA"))
    physio = _items(real, "physiotherapy")
    assert any(i.startswith("Chiropractic physiotherapy") for i in physio)
    assert any(i.startswith("Physical Therapy for the low back") for i in physio)
    assert "Chem panel" in " ".join(_items(real, "chemistry panel"))


def test_real_topicals_by_their_lay_names(real):
    assert "Salonpas pad #60" in _items(real, "salicylate")
    assert "Salonpas pad #60" in _items(real, "pain pad")
    assert "Anecream cream 4% #30" in _items(real, "rub-on pain reliever")


def test_real_associated_surgical_services(real):
    found = set(_items(real, "associated surgical services"))
    assert {"PA assist", "Assistant surgeon", "Post-op physical therapy 12-18 sessions",
            "Preoperative Medical Clearance", "Associated surgical service: Hip pad"} <= found
    assert not any(i.startswith(("Operative arthroscopy", "Right knee arthroscopy")) for i in found)
