"""Issue 27's tenth data round, each kind from a named source, checked on the data and on real letters:
CPT's therapeutic procedures (97110-97546) by the clinic's names, the physician assistant and a PA's
assist at surgery (CMS modifier AS), a pre-operative test as its surgery's service, the chest x-ray's
views, a shot (an injection, not a neuroplasty), and the Consumer Health Vocabulary's lay words (broken,
heat lamp); the letters' drug items each resolve to an ingredient."""
from __future__ import annotations

import json

import pytest

from indexer.vocabulary.tagging import _unknown_names
from vocabcheck import concept_ids as _ids
from vocabcheck import items as _items
from vocabcheck import tags as _tags

# -- the data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q, concepts", [
    ("thera ex", ["procedure:therapeutic-exercise"]), ("TherEx", ["procedure:therapeutic-exercise"]),
    ("thera-ex", ["procedure:therapeutic-exercise"]),
    ("ther act", ["procedure:therapeutic-activities"]),
    ("therapeutic activities", ["procedure:therapeutic-activities"]),
    ("neuro re-ed", ["procedure:neuromuscular-reeducation"]),
    ("neuromuscular re-education", ["procedure:neuromuscular-reeducation"]),
    ("gait training", ["procedure:gait-training"]),
    ("self-care/home management training", ["procedure:self-care-training"]),
    ("active therapy", ["procedure:active-therapy"]),
    ("physician assistant", ["term:physician-assistant"]),
    ("physician assistant surgical assist", ["procedure:pa-assist"]),
    ("shots", ["procedure:shot"]),
    # "shot" for "injection" in every injection's name, in queries (concepts.shot_forms)
    ("trigger point shots", ["procedure:trigger-point-injection"]), ("facet joint shot", ["procedure:facet-injection"]),
    ("epidural steroid shot", ["procedure:epidural-steroid-injection"]),
    ("heat lamp", ["procedure:infrared-therapy"]),
    ("chest PA and lateral", ["procedure:chest-x-ray"]),
])
def test_clinic_and_lay_names(vocab, q, concepts):
    assert _ids(vocab, q) == concepts


def test_the_therapeutic_procedures_are_kinds_of_physical_medicine(vocab):
    # CPT 97110/97530/97112/97116: active therapy (the MTUS "therapeutic exercise and/or activity"),
    # physical therapy; none is a form of another
    for kind in ("therapeutic-exercise", "therapeutic-activities", "neuromuscular-reeducation", "gait-training"):
        implied = set(vocab.implied(f"procedure:{kind}"))
        assert {"procedure:active-therapy", "procedure:physical-therapy", "family:physical-medicine"} <= implied
    assert "procedure:therapeutic-exercise" not in _tags(vocab, "Gait training 2 times a week")
    assert "family:physical-medicine" in set(vocab.implied("procedure:self-care-training"))


def test_a_pa_assist_is_an_assistant_at_surgery_and_pa_alone_is_nothing(vocab):
    tags = _tags(vocab, "PA assist")
    assert {"procedure:pa-assist", "procedure:assistant-surgeon", "term:physician-assistant"} <= tags
    # "PA assist" typed is read as either: every assistant at surgery, the PA's first
    assert set(_ids(vocab, "PA assist")) == {"procedure:assistant-surgeon", "procedure:pa-assist"}
    assert "procedure:pa-assist" not in _tags(vocab, "Assistant surgeon")
    # PA is also posteroanterior and Pennsylvania: never a physician assistant alone
    assert "term:physician-assistant" not in _tags(vocab, "X-ray of the chest, PA and lateral views")
    assert "term:physician-assistant" not in _tags(vocab, "Transportation to PA")


def test_a_shot_is_any_injection_but_a_neuroplasty(vocab):
    # "shot" names an injection in a query only: a letter's "shot" is also a photograph or a try
    assert "procedure:trigger-point-injection" not in _tags(vocab, "Trigger point shots")
    assert "procedure:shot" in _tags(vocab, "Right L5-S1 epidural steroid injection")
    assert "procedure:shot" in _tags(vocab, "Injection of neurolytic substance, lumbar spine")
    assert "procedure:shot" not in _tags(vocab, "Neuroplasty, lumbar spine")
    assert "family:injection" in _tags(vocab, "Neuroplasty, lumbar spine")      # still an interventional procedure
    assert "procedure:shot" not in _tags(vocab, "MRI of the lumbar spine")


def test_a_preoperative_test_takes_its_surgerys_region(vocab):
    letter = ["Right shoulder arthroscopy with rotator cuff repair", "Associated surgical service: Chest x-ray",
              "Associated surgical service: EKG", "Associated surgical service: Ultrasling"]
    tagged = vocab.tag_letter([(w, vocab.tag_item(w)) for w in letter])
    xray = {t.concept for t in tagged[1]}
    assert {"region:chest", "region:shoulder", "procedure:preoperative-evaluation"} <= xray
    assert "region:shoulder" in {t.concept for t in tagged[2]}
    sling = {t.concept for t in tagged[3]}
    assert "term:postoperative" in sling and "procedure:preoperative-evaluation" not in sling


# -- the real letters --------------------------------------------------------------------------

def test_every_drug_item_of_the_letters_names_a_known_drug(vocab, shared_letters):
    """The letters' every item with a dose names an ingredient or a product the vocabulary resolves (a
    brand missing from it would name no drug: DailyMed/RxNorm is where to add it)."""
    checked = 0
    for path in sorted((shared_letters / "expected").glob("*.json")):
        for item in json.loads(path.read_text()).get("items", []):
            words = item.get("item") or ""
            tags = _tags(vocab, words)
            if not any(t.startswith("strength:") or t.startswith("form:") for t in tags):
                continue
            checked += 1
            assert any(t.startswith("drug:") for t in tags), words
            assert not _unknown_names(vocab, words), (words, _unknown_names(vocab, words))
    assert checked >= 20


def test_real_therapy_assist_and_lay_words(real):
    assert _items(real, "thera ex") == ["Four sessions of therapeutic exercise two times a week times 2 weeks"]
    assert _items(real, "physician assistant surgical assist") == ["PA assist"]
    assert {"PA assist", "Assistant surgeon"} <= set(_items(real, "PA assist"))
    assert any("foot fracture" in i for i in _items(real, "broken foot"))
    shots = _items(real, "pain shots in my back")
    assert "Neuroplasty, lumbar spine" not in shots
    assert "Injection of neurolytic substance, lumbar spine" in shots
    assert "Associated surgical service: Chest x-ray" in _items(real, "associated surgical services shoulder")
