"""Issue 27's sixth data round, lay names of treatments, each kind by a rule or data from a named source,
checked on the data and on real letters: what a drug is for in lay words (MedlinePlus "Sexual Problems
in Men", "Over-the-Counter Medicines", the MTUS's stomach protection of an NSAID user), lay names of
tests and procedures (the consumer health vocabulary's heart tracing, MedlinePlus's muscle stimulator,
chiropractic adjustment, acupuncture needles and compression wraps), umbrella categories (physical
medicine as the DWC's fee schedule groups it, manual therapy a passive treatment as the MTUS defines
one) and the back as people say it (the low and mid back, not the neck)."""
from __future__ import annotations

import pytest

from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, concepts", [
    ("medication for sex problems", ["class:pde5-inhibitor"]),
    ("drugstore pain patch", ["class:otc", "class:analgesic-patch"]),
    ("protect my stomach", ["class:gastroprotective"]),
    ("heart tracing", ["procedure:ekg"]),
    ("muscle stimulator", ["procedure:ems"]),
    ("compression wraps", ["procedure:sequential-compression-device"]),
    ("needles for pain", ["procedure:acupuncture"]),
    ("back", ["region:back"]),
    ("cold machine", ["procedure:cold-therapy-unit"]), ("potty chair", ["procedure:commode"]),
    ("nerve burning", ["procedure:radiofrequency-ablation"]),
    ("bone doctor", ["procedure:orthopedic-consultation"]), ("nerve doctor", ["procedure:neurology-consultation"]),
    ("arthritis pills", ["class:nsaid"]), ("medicine for swelling", ["class:nsaid"]),
    ("numbing patch", ["class:local-anesthetic"]),
    ("brain wave test", ["procedure:eeg"]), ("disc removal", ["procedure:discectomy"]),
    ("liver test", ["panel:hepatic"]), ("kidney test", ["panel:renal"]), ("sugar test", ["panel:glucose"]),
    ("collarbone", ["part:clavicle"]), ("slipped disc", ["part:herniated-disc"]), ("backbone", ["region:spine"]),
])
def test_lay_names(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


def test_needles_are_acupuncture_in_queries_only(vocab):
    assert _ids(vocab, "needle EMG") == ["procedure:emg"]
    assert "procedure:acupuncture" not in _ids(vocab, "EMG needle study")
    assert "procedure:acupuncture" not in _ids(vocab, "needle biopsy")
    assert _ids(vocab, "needle therapy") == ["procedure:acupuncture"]
    assert "procedure:acupuncture" not in _tags(vocab, "Trigger point injections with 25 gauge needles")


def test_chiropractic_adjustment_is_either(vocab):
    # MedlinePlus: spinal manipulation, also called an adjustment; people say it of chiropractic care too
    assert _ids(vocab, "chiropractic adjustments") == ["procedure:chiropractic-adjustment"]
    assert "procedure:chiropractic-adjustment" in vocab.implied("procedure:chiropractic")
    assert "procedure:chiropractic-adjustment" in vocab.implied("procedure:spinal-manipulation")


def test_physical_medicine_takes_manipulation_and_acupuncture(vocab):
    for item in ("Acupuncture for 8 sessions", "Chiropractic care for the low back; six sessions",
                 "Spinal manipulation therapy 2 times a week for 4 weeks"):
        assert "family:physical-medicine" in _tags(vocab, item), item


def test_manual_therapy_is_passive_manipulation_is_not(vocab):
    assert "procedure:passive-modality" in _tags(vocab, "Four sessions of manual therapy two times a week")
    assert "procedure:passive-modality" not in _tags(vocab, "Chiropractic spinal manipulation times 12")
    # a query for manual therapy is still the whole family
    assert "family:manipulation" in _ids(vocab, "manual therapy")


def test_the_back_is_low_and_mid_not_the_neck(vocab):
    assert "region:back" in vocab.implied("region:lumbar")
    assert "region:back" in vocab.implied("region:thoracic")
    assert "region:back" not in vocab.implied("region:cervical")
    assert "region:spine" in vocab.implied("region:back")
    # "back" never tags a letter ("back to work")
    assert "region:back" not in _tags(vocab, "Return back to work evaluation")


# -- searching the real letters ----------------------------------------------------------------

def test_real_lay_names_of_tests_and_procedures(real):
    assert "Associated surgical service: EKG" in _items(real, "heart tracing")
    assert "Associated surgical service: EMS/TENS unit" in _items(real, "muscle stimulator")
    wraps = set(_items(real, "compression wraps"))
    assert {"Associated surgical service: Vascutherm unit, 14 days rental",
            "Associated surgical service: 2 leg wraps"} <= wraps
    assert "Spinal manipulation therapy 2 times a week for 4 weeks" in _items(real, "chiropractic adjustments")
    assert any(i.startswith("Acupuncture for 8 sessions") for i in _items(real, "needles for pain"))


def test_real_physical_medicine(real):
    found = _items(real, "physical medicine")
    for start in ("Acupuncture for 8 sessions", "Chiropractic care for the low back",
                  "Spinal manipulation therapy", "Four sessions of manual therapy"):
        assert any(i.startswith(start) for i in found), start
    assert "Four sessions of manual therapy two times a week times 2 weeks" in _items(real, "passive modalities")


def test_real_back_is_not_the_neck(real):
    found = set(_items(real, "back MRI"))
    assert "MRI of the lumbar spine" in found or any("lumbar" in i.lower() for i in found)
    assert not any("cervical" in i.lower() and "lumbar" not in i.lower() and "thoracic" not in i.lower()
                   for i in found)


def test_real_what_a_drug_is_for(real):
    assert any("sildenafil" in i.lower() or "viagra" in i.lower() or "cialis" in i.lower()
               for i in _items(real, "medication for sex problems"))


def test_work_conditioning_is_physical_medicine(vocab):
    assert {"family:physical-medicine", "family:program"} <= _tags(vocab, "12 sessions of work conditioning")
    assert "family:physical-medicine" in _tags(vocab, "Work hardening program 10 visits")


def test_an_indication_alone_names_no_class(vocab):
    # a condition names its class only beside a head (medicine, pills, for ...): "knee arthritis" is the knee
    assert _ids(vocab, "knee arthritis") == ["region:knee"]
    assert _ids(vocab, "arthritis") == []
