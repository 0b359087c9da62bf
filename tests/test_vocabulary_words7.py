"""Issue 27's ninth data round, each kind from a named source, checked on the data and on real letters:
a class's lay name with any medication word as its head (stomach pills), the heart tests (MedlinePlus
"Heart Health Tests"), the abdomen's lay names, injections for pain, braces named as supports, a
chiropractor's work, the spine surgeon named by the parent specialty, hand surgery as the surgery of the
hand, wrist and forearm (ASSH; the MTUS "Forearm, Wrist, and Hand Complaints"), and Viagra's nickname."""
from __future__ import annotations

import pytest

from indexer.vocabulary.concepts import head_forms
from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags


# -- the data ----------------------------------------------------------------------------------

def test_a_class_lay_name_takes_any_medication_word_as_its_head(vocab):
    assert "stomach pills" in head_forms(["stomach medicine"])
    assert head_forms(["gastroprotective"]) == []                     # no medication word: nothing made
    assert _ids(vocab, "stomach pills") == ["class:gastroprotective"]
    assert _ids(vocab, "muscle relaxer pills") == ["class:muscle-relaxant"]
    assert _ids(vocab, "pain pills") == ["class:oral-analgesic"]        # a name another class lists stays its
    assert _ids(vocab, "topical pills") != ["class:topical-analgesic"]   # a dosage form's class keeps its words


@pytest.mark.parametrize("q, concepts", [
    ("heart test", ["procedure:heart-test"]), ("cardiac testing", ["procedure:heart-test"]),
    ("stress test", ["procedure:cardiac-stress-test"]), ("echocardiogram", ["procedure:echocardiogram"]),
    ("Holter monitor", ["procedure:heart-monitor"]),
    ("belly", ["region:abdomen"]), ("tummy", ["region:abdomen"]),
    ("pain shots", ["procedure:shot"]),           # tenth round: a shot, every injection but a neuroplasty
    ("braces and supports", ["procedure:brace"]),
    ("ortho spine", ["term:spine-surgery"]),
    ("hand surgery", ["procedure:hand-surgery"]),
    ("little blue pill", ["class:pde5-inhibitor"]),
    ("heart doctor", ["procedure:cardiology-consultation"]), ("foot doctor", ["procedure:podiatry-consultation"]),
    ("skin doctor", ["procedure:dermatology-consultation"]),
    ("stomach doctor", ["procedure:gastroenterology-consultation"]),
])
def test_lay_and_clinic_names(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


def test_every_heart_test_is_one(vocab):
    for test in ("ekg", "echocardiogram", "cardiac-stress-test", "heart-monitor"):
        test = f"procedure:{test}"
        assert "procedure:heart-test" in vocab.implied(test)
    assert "procedure:heart-test" in _tags(vocab, "Associated surgical service: EKG")


def test_a_chiropractor_in_a_query_is_chiropractic_care_or_manipulation(vocab):
    assert "procedure:chiropractic-adjustment" in _ids(vocab, "chiropractors")
    assert "procedure:chiropractic-adjustment" in _tags(vocab, "Spinal manipulation therapy 2 times a week")
    # in a letter the word stays chiropractic care
    assert "procedure:chiropractic" in _tags(vocab, "Re-exam with chiropractor for the lumbar spine")


def test_hand_surgery_is_a_surgery_of_the_hand_wrist_or_forearm(vocab):
    orif = "Open reduction internal fixation on left distal radius fracture with open carpal tunnel release"
    wrist = _tags(vocab, orif)
    assert "procedure:hand-surgery" in wrist and "region:hand" not in wrist    # the wrist is not the hand
    assert "procedure:hand-surgery" in _tags(vocab, "Right hand surgery")
    assert "procedure:hand-surgery" not in _tags(vocab, "Right shoulder arthroscopy")
    assert "procedure:hand-surgery" not in _tags(vocab, "MRI of the left wrist")       # not a surgery
    # in a letter "ortho spine surgeon" stays orthopaedics and the spine surgeon
    assert {"term:orthopedics", "term:spine-surgery"} <= _tags(vocab, "TOC to ortho spine surgeon eval and treatment")


def test_a_topical_salicylate_is_no_nsaid(vocab):
    # the FDA's external analgesic monograph (21 CFR 348.10) makes methyl salicylate a counterirritant and
    # the ATC keeps topical salicylates (M02AC) apart from the topical NSAIDs (M02AA): Salonpas is neither
    tags = _tags(vocab, "Salonpas pad #60")
    assert "class:counterirritant" in tags and "class:nsaid" not in tags


# -- searching the real letters ----------------------------------------------------------------

def test_real_lay_names(real):
    assert "Associated surgical service: EKG" in _items(real, "heart test before surgery")
    assert _items(real, "cat scan of belly")[0] == "CT scan of abdomen and pelvis with contrast"
    assert "Three months coverage of Viagra 50mg" in _items(real, "little blue pill")
    assert "Injection of neurolytic substance, lumbar spine" in _items(real, "pain shots in my lower back")
    assert {"Pantoprazole 20mg #30", "Prevacid 15mg #30"} <= set(_items(real, "stomach pills with my pain meds"))


def test_real_braces_chiropractors_specialists(real):
    assert "Wrist braces #2" in _items(real, "braces and supports for wrist or elbow")
    chiro = _items(real, "how often does IMR side with chiropractors")
    assert "Spinal manipulation therapy 2 times a week for 4 weeks" in chiro
    assert "Spine surgery evaluation for the lumbar" in _items(real, "ortho spine consult")
    assert "TOC to ortho spine surgeon eval and treatment" in _items(real, "ortho consult")
    hand = _items(real, "hand surgery")
    assert any("carpal tunnel release" in i for i in hand)
    assert not any("shoulder" in i.lower() for i in hand)
