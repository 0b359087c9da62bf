"""Issue 27's fifth data round, each kind by a rule or data from a named source, checked on the data and
on real letters: clinic and claims shorthand (the body-part, equipment, visit and nursing sections of the
standard clinical abbreviation lists: shldr, addl, RN, W/C, BSC, 3in1, films), read as its word in a query
too; regions joined in one word (thoracolumbar, cervicothoracic, lumbopelvic, cervicobrachial) are either
region, and the spine as a whole; classes by other names (antispasmodics as the MTUS groups the muscle
relaxants, EMG and nerve testing, orthopaedic procedures, the assistant surgeon as people type it, EMS,
a combination product);
and the pads of a cold or compression unit as equipment that goes with a surgery."""
from __future__ import annotations

import pytest

from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, concepts", [
    ("rt shldr mri", ["side:right", "region:shoulder", "procedure:mri"]),
    ("wound care rn hip", ["procedure:wound-care", "region:hip"]),
    ("w/c rental", ["procedure:wheelchair"]), ("bsc", ["procedure:commode"]),
    ("3in1 commode", ["procedure:commode"]), ("bed side commode", ["procedure:commode"]),
    ("tub shower chair", ["procedure:shower-chair"]), ("lumbar films", ["region:lumbar", "procedure:x-ray"]),
    ("assist surgeon", ["procedure:assistant-surgeon"]), ("ems", ["procedure:ems"]),
    ("emg nerve testing", ["family:electrodiagnostic"]), ("ortho procedures", ["family:surgery"]),
])
def test_clinic_and_claims_shorthand(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


def test_shorthand_is_one_word_for_one_word(vocab):
    # every entry of abbreviations.toml [words] is a single word standing for a single word
    for short, word in vocab.shorthand.items():
        assert short.isalpha() and word.replace("-", "").isalpha(), (short, word)
    assert vocab.shorthand["addl"] == "additional" and vocab.shorthand["rn"] == "nurse"
    # ambiguous abbreviations stay out: ext (extension, extremity, external), d (day, vitamin D)
    assert not {"ext", "d", "pt", "sx", "poc"} & set(vocab.shorthand)


def test_shorthand_read_in_letters_only_where_unambiguous(vocab):
    # W/C is also workers' compensation in a letter, BSC a company, films a film-coated tablet
    assert "procedure:wheelchair" not in _tags(vocab, "W/C carrier denied the claim")
    assert "procedure:commode" not in _tags(vocab, "BSC spinal cord stimulator trial")
    assert "procedure:x-ray" not in _tags(vocab, "Naproxen film-coated tablets")
    assert "procedure:home-nursing" in _tags(vocab, "RN visits for wound care")


@pytest.mark.parametrize("word, regions", [
    ("thoracolumbar", {"region:thoracic", "region:lumbar", "region:whole-spine"}),
    ("cervicothoracic", {"region:cervical", "region:thoracic", "region:whole-spine"}),
    ("lumbopelvic", {"region:lumbar", "region:pelvis"}),
    ("cervicobrachial", {"region:cervical", "region:upper-extremity"}),
])
def test_regions_joined_in_one_word_are_either(vocab, word, regions):
    assert set(_ids(vocab, word)) == regions
    assert regions <= _tags(vocab, f"MRI of the {word} spine")


def test_the_whole_spine(vocab):
    assert "region:whole-spine" in _tags(vocab, "MRI/CT of the spine and pelvis")
    assert "region:whole-spine" in _tags(vocab, "Whole spine MRI")
    # not a segment's item, nor a part of the spine, nor the adjective alone
    assert "region:whole-spine" not in _tags(vocab, "MRI of the lumbar spine")
    assert "region:whole-spine" not in _tags(vocab, "Spinal cord stimulator trial")
    assert "region:whole-spine" not in _tags(vocab, "Chiropractic spinal manipulation times 12")


def test_antispasmodics_are_the_mtus_muscle_relaxants(vocab):
    assert set(_ids(vocab, "antispasmodics")) == {"class:antispasmodic", "class:muscle-relaxant"}
    assert "class:muscle-relaxant" in _tags(vocab, "Baclofen 20mg #60")


def test_a_combination_is_two_ingredients_or_more(vocab):
    for item in ("Norco 10/325mg #60", "Hydrocodone/APAP 10/325", "One month supply of Trezix capsule",
                 "Flurbiprofen 10%/Dextromethorphan 5%/Lidocaine 5%, 120grams #1", "Terocin lotion"):
        assert "class:combination" in _tags(vocab, item), item
    assert "class:combination" not in _tags(vocab, "Tramadol 50mg #60")
    assert _ids(vocab, "dihydrocodeine combo") == ["drug:dihydrocodeine", "class:combination"]
    # "combination" alone joins two things in a query and a letter: no name of the class
    assert "class:combination" not in _ids(vocab, "muscle relaxant and opioid combination")
    assert "class:combination" not in _tags(vocab, "a combination of physical therapy and acupuncture")


def test_ems_is_muscle_stimulation_not_tens(vocab):
    assert "procedure:ems" in _tags(vocab, "Electrical Muscle Stimulation 2 times a week for 4 weeks")
    assert "procedure:ems" in vocab.implied("procedure:nmes")
    assert "procedure:ems" not in _tags(vocab, "TENS unit")
    # a clinic's muscle stimulation is no home unit
    assert "family:dme" not in _tags(vocab, "Electrical Muscle Stimulation 2 times a week for 4 weeks")


def test_a_units_pad_is_equipment(vocab):
    assert {"procedure:unit-pad", "family:dme"} <= _tags(vocab, "Associated surgical service: Hip pad")
    # a medicated pad is a patch, a heating pad heat therapy
    assert "procedure:unit-pad" not in _tags(vocab, "Salonpas pads #60")
    assert "procedure:unit-pad" not in _tags(vocab, "Heating pad for the low back")


# -- searching the real letters ----------------------------------------------------------------

def test_real_shorthand(real):
    assert "MRI of the right shoulder without contrast" in _items(real, "rt shldr mri")
    assert "MR Arthrogram of the right shoulder" in _items(real, "mr arthrogram rt shldr")
    addl = _items(real, "addl pt")
    assert sum(i.startswith("Additional physical therapy") for i in addl) >= 4
    assert any(i.startswith("Standard wheelchair") for i in _items(real, "w/c rental"))
    assert any(i.startswith("Purchase of a bedside 3 in 1 commode") for i in _items(real, "bsc"))
    assert any(i.startswith("Purchase of a bath/shower chair") for i in _items(real, "tub shower chair buy"))
    assert any(i.startswith("Wound care nurse") for i in _items(real, "wound care rn hip"))
    assert "One (1) x-ray of the lumbar spine" in _items(real, "lumbar films")
    assert any(i.startswith("One month supply of Trezix") for i in _items(real, "dihydrocodeine combo"))


def test_real_joined_regions(real):
    found = set(_items(real, "thoracolumbar imaging"))
    assert {"CT scan of the thoracic spine", "MRI of the lumbar spine without contrast",
            "MRI/CT of the spine and pelvis"} <= found
    assert "MRI of the cervical spine without contrast" not in found


def test_real_classes_by_other_names(real):
    assert "Baclofen 20mg #60" in _items(real, "antispasmodics")
    assert {"PA assist", "Assistant surgeon"} <= set(_items(real, "assist surgeon"))
    shoulder = _items(real, "ortho procedures shoulder")
    assert any(i.startswith("Operative arthroscopy, superior labral") for i in shoulder)
    assert any(i.startswith("Right Shoulder Arthroscopy") for i in shoulder)
    combo = _items(real, "combo cream")
    assert "Flurbiprofen 10%/Dextromethorphan 5%/Lidocaine 5%, 120grams #1" in combo
    assert "Anecream cream 4% #30" not in combo
    ems = _items(real, "ems")[:2]
    assert set(ems) == {"Associated surgical service: EMS/TENS unit",
                        "Electrical Muscle Stimulation 2 times a week for 4 weeks"}


def test_real_post_operative_equipment(real):
    found = set(_items(real, "dme post op shoulder"))
    assert {"Associated surgical service: Hip pad", "Associated surgical service: Ultrasling",
            "Associated surgical service: 2 leg wraps", "Associated surgical service: Shoulder Brace"} <= found
