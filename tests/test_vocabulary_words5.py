"""Issue 27's seventh data round, each kind by a rule or data from a named source, checked on the data
and on real letters: the physical agent modalities (CPT's "Modalities", 97010-97039: services a provider
applies, not the equipment of family:dme), imaging and lab families by their other names (plain films,
lab work, CT), surgical services and stays (the assistant at surgery by CPT modifiers 80/81/82/AS and
the RNFA, the cold therapy units people call cold compression units, SNF stays and subacute rehab)."""
from __future__ import annotations

import pytest

from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags

PAM = "procedure:physical-agent-modality"


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, concepts", [
    ("physical agent modalities", [PAM]), ("physical modalities", [PAM]), ("PT modalities", [PAM]),
    ("whirlpool", ["procedure:whirlpool"]), ("contrast baths", ["procedure:hot-and-cold-therapy"]),
    ("paraffin", ["procedure:paraffin-bath"]),
    ("plain x-rays", ["procedure:x-ray"]), ("x-ray study", ["procedure:x-ray"]),
    ("labwork", ["family:lab"]), ("lab testing", ["family:lab"]),
    ("CT imaging", ["procedure:ct"]), ("computed axial tomography", ["procedure:ct"]),
    ("RNFA", ["procedure:assistant-surgeon"]), ("registered nurse first assistant", ["procedure:assistant-surgeon"]),
    ("minimum assistant surgeon", ["procedure:assistant-surgeon"]),
    ("SNF stay", ["procedure:skilled-nursing-facility"]), ("subacute rehab", ["procedure:subacute-rehabilitation"]),
    ("cold unit", ["procedure:cold-therapy-unit"]),
    # a lab's heads join its name (CPT panel descriptors, LOINC test names)
    ("coag panel", ["panel:coagulation"]), ("CBC test", ["panel:cbc"]), ("pt/ptt lab", ["panel:pt-ptt"]),
    ("chem panel labs", ["panel:metabolic"]), ("urinalysis results", ["panel:urinalysis"]),
    # a pain medication's word before a topical dosage form
    ("pain relief creams", ["class:topical-analgesic"]), ("pain relieving gel", ["class:topical-analgesic"]),
    ("analgesic ointment", ["class:topical-analgesic"]),
    # "chem" is the chemistry panel (clinical shorthand); "ablation" alone a nerve's destruction
    ("chem", ["panel:metabolic"]), ("chem 7", ["panel:bmp"]),
    ("ablation", ["procedure:neurolysis"]), ("RFA", ["procedure:radiofrequency-ablation"]),
    # the clinic's names of CPT 97010 and 97014/97032
    ("heat/ice packs", ["procedure:hot-and-cold-therapy"]), ("moist heat packs", ["procedure:heat-therapy"]),
    ("electro stim", ["procedure:electrical-stimulation"]),
])
def test_other_names(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


@pytest.mark.parametrize("item", [
    "Four sessions of electrical stimulation two times a week times 2 weeks",
    "Four sessions of infrared therapy two times a week times 2 weeks",
    "Spinolator therapy (traction) times 12", "Spinalator 6 visits",
    "Ice/Heat pads therapy times 12", "Electrical Muscle Stimulation 2 times a week for 4 weeks",
    "Pulsed Ultrasound 2 times a week for 4 weeks", "Iontophoresis 6 sessions", "Whirlpool 6 visits",
])
def test_physical_agent_modalities_are_services(vocab, item):
    tags = _tags(vocab, item)
    assert {PAM, "procedure:passive-modality"} <= tags, item


@pytest.mark.parametrize("item", [
    "TENS unit", "Associated surgical service: Cryotherapy unit, seven day use",
    "Associated surgical service: EMS/TENS unit", "Cold therapy unit purchase",
    # CPT therapeutic procedures, passive but no physical agent
    "Four sessions of manual therapy two times a week times 2 weeks", "Massage therapy 6 sessions",
])
def test_equipment_and_hands_are_no_physical_agent(vocab, item):
    assert PAM not in _tags(vocab, item), item


def test_the_spinalator_is_traction(vocab):
    assert "procedure:traction" in vocab.implied("procedure:intersegmental-traction")


def test_unless_is_data(vocab):
    assert vocab.unless[PAM] == frozenset({"family:dme"})
    assert all(other in vocab for rule in vocab.unless.values() for other in rule)


def test_a_cold_compression_unit_is_any_cold_unit_in_a_query_only(vocab):
    # a query cannot tell whether the unit compresses: either concept; a letter's words keep the kind
    assert set(_ids(vocab, "cold compression unit")) == {"procedure:cold-compression-unit",
                                                         "procedure:cold-therapy-unit"}
    assert "procedure:cold-compression-unit" not in _tags(vocab, "Cryotherapy unit, seven day use")
    assert "procedure:cold-compression-unit" in _tags(vocab, "Cold compression unit 14 day rental")


def test_subacute_rehab_is_both_stays(vocab):
    tags = _tags(vocab, "Subacute rehabilitation 14 days")
    assert {"procedure:skilled-nursing-facility", "procedure:inpatient-rehabilitation"} <= tags
    # a nursing home is not inpatient rehabilitation
    assert "procedure:inpatient-rehabilitation" not in _tags(vocab, "Nursing home placement")


def test_a_lab_head_joins_only_a_name_that_is_only_a_lab(vocab):
    # "PT" is also physical therapy: its "test" stays a word of its own
    assert _ids(vocab, "PT test") == ["procedure:physical-therapy"]
    assert _ids(vocab, "cbc and chem panel") == ["panel:cbc", "panel:metabolic"]


def test_lidocaine_topicals_are_no_first_line_nerve_pain_medication(vocab):
    # five judged sets read "nerve pain medication" as the AEDs, tricyclics and SNRIs (docs/vocabulary.md)
    assert "class:neuropathic-pain" not in _tags(vocab, "Lidocaine 5% patch #1")
    assert "class:neuropathic-pain" in _tags(vocab, "Nortriptyline HCL 25mg, #30")


def test_inpatient_rehab_is_a_hospital_stay(vocab):
    # 42 CFR 412.604: inpatient rehabilitation hospitals and units
    assert "procedure:hospital-stay" in vocab.implied("procedure:inpatient-rehabilitation")
    assert "procedure:hospital-stay" not in vocab.implied("procedure:skilled-nursing-facility")


def test_urinalysis_is_a_lab_not_blood_work(vocab):
    assert "family:lab" in vocab.implied("panel:urinalysis")
    assert "panel:blood-test" not in vocab.implied("panel:urinalysis")


# -- searching the real letters ----------------------------------------------------------------

def test_real_physical_agent_modalities(real):
    found = _items(real, "physical agent modalities")
    for start in ("Four sessions of electrical stimulation", "Four sessions of infrared therapy",
                  "Electrical stimulation times 12", "Spinolator therapy (traction)", "Ice/Heat pads therapy",
                  "Electrical Muscle Stimulation", "Pulsed Ultrasound"):
        assert any(i.startswith(start) for i in found), start
    assert "TENS unit" not in found
    assert not any("Cryotherapy unit" in i for i in found)


def test_real_cold_compression_units(real):
    found = _items(real, "cold compression unit")
    assert "Associated surgical service: Cryotherapy unit, seven day use" in found
    assert "Associated surgical service: Vascutherm unit, 14 days rental" in found


def test_real_imaging_and_labs_by_other_names(real):
    films = _items(real, "plain x-rays")
    assert {"X-ray of the right knee", "Associated surgical service: Chest x-ray"} <= set(films)
    assert not any("MRI" in i for i in films)
    labs = set(_items(real, "labwork"))
    assert {"Associated surgical service: Labs - CBC", "Associated surgical service: UA"} <= labs
    assert "Associated surgical service: UA" not in _items(real, "blood work")


def test_real_coag_panel_and_pain_creams(real):
    assert _items(real, "coag panel")[:1] == ["Associated surgical service: Labs - PT/PTT"]
    creams = set(_items(real, "pain relief creams"))
    assert {"Anecream cream 4% #30", "Flurbiprofen 10%/Dextromethorphan 5%/Lidocaine 5%, 120grams #1"} <= creams


def test_real_ablation_and_chem(real):
    assert "Injection of neurolytic substance, lumbar spine" in _items(real, "nerve block or ablation")
    assert "Associated surgical service: Labs - Chem panel" in _items(real, "preop labs cbc pt/ptt ua chem")


def test_real_surgical_services(real):
    found = _items(real, "RNFA")
    assert "Assistant surgeon" in found and "PA assist" in found
    stays = _items(real, "inpatient stay")
    assert any(i.startswith("Acute inpatient rehabilitation") for i in stays)
    assert any(i.startswith("Two to three week trial of Acute Rehabilitation Unit") for i in stays)
