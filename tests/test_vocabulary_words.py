"""Issue 27's third data round, each kind by a rule or data from a named source, checked on the data and
on real letters: words that join a name in a query (a drug's suffixes and salts, what its class treats,
a region's symptom words), one-word clinical shorthand, pain medications by form, OTC products, the
short- and long-acting opioids by any name of the opioids, the pelvis and the extremities, and the
procedure names of CPT, HCPCS and the clinic (SAD, operation, repair, pre-surgical testing, hand
therapist, bathroom equipment)."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.vocabulary import Vocabulary


def _spans(vocab: Vocabulary, q: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.surface, s.concepts) for s in vocab.parse_query(q).spans]


def _tags(vocab: Vocabulary, text: str) -> set[str]:
    return {t.concept for t in vocab.tag_item(text)}


def _items(searcher, q: str) -> list[str]:
    return [h.item for h in searcher.search(SearchRequest(q=q, per_page=100)).hits]


# -- the data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q, surface, concept", [
    ("vicodin es", "vicodin es", "product:vicodin"),              # NDC proprietary name suffix
    ("Norco-ES", "Norco-ES", "product:norco"),
    ("Effexor XR", "Effexor XR", "drug:venlafaxine"),             # not the x-ray XR names elsewhere
    ("ultram er", "ultram er", "drug:tramadol"),
    ("oxycodone hcl er", "oxycodone hcl er", "drug:oxycodone"),   # a salt, then a release suffix
    ("Orphenadrine Citrate ER", "Orphenadrine Citrate ER", "drug:orphenadrine"),
    ("lidocaine products", "lidocaine products", "drug:lidocaine"),
    ("protonix for gi upset", "protonix for gi upset", "drug:pantoprazole"),   # what its class treats
    ("MRI for low back pain", "low back pain", "region:lumbar"),  # ICD-10-CM symptom heads
    ("rotator cuff tear", "rotator cuff tear", "part:rotator-cuff"),
    ("pelvic region", "pelvic region", "region:pelvis"),
    ("L4-5 pain", "L4-5 pain", "level:L4-L5"),
    ("wrist fx", "wrist", "region:wrist"),                      # a fracture is the request, not the place
])
def test_words_after_a_name_join_it(vocab, q, surface, concept):
    assert (surface, (concept,)) in _spans(vocab, q)
    assert not vocab.parse_query(q).plain or q.startswith(("MRI", "wrist"))


def test_joining_words_join_only_right_after_their_kind(vocab):
    assert ("XR", ("procedure:x-ray",)) in _spans(vocab, "XR knee")
    assert vocab.parse_query("tramadol for anxiety").plain == ("for", "anxiety")   # not what opioids treat
    assert vocab.parse_query("pain knee").plain == ("pain",)
    # a longer name keeps its words: "pain management" is not the knee's pain
    assert ("pain management", ("procedure:pain-management-consultation",)) in _spans(vocab, "knee pain management")


@pytest.mark.parametrize("q, concept", [
    ("asst surgeon", "procedure:assistant-surgeon"), ("transportation to medical appts", "procedure:transportation"),
    ("day tx", "procedure:partial-hospitalization"), ("follow-up appt", "procedure:follow-up-visit"),
    ("pain mgmt", "procedure:pain-management-consultation"),
])
def test_one_word_clinical_shorthand(vocab, q, concept):
    assert vocab.parse_query(q).concept_ids() == [concept] and not vocab.parse_query(q).plain


def test_shorthand_reads_the_same_in_a_letter(vocab):
    assert "procedure:partial-hospitalization" in _tags(vocab, "Partial hospitalization day tx, 10 days")


@pytest.mark.parametrize("q, concept", [
    ("short-acting narcotics", "class:short-acting-opioid"),
    ("immediate release opioid analgesics", "class:short-acting-opioid"),
    ("long acting opioid pain medications", "class:long-acting-opioid"), ("ER narcotics", "class:long-acting-opioid"),
    ("pain pills", "class:oral-analgesic"), ("pain patches", "class:analgesic-patch"),
    ("topical pain relievers", "class:topical-analgesic"), ("analgesics", "class:usp-analgesic"),
    ("over the counter", "class:otc"), ("OTC", "class:otc"), ("wintergreen", "drug:methyl-salicylate"),
    ("pre-surgical testing", "procedure:preoperative-evaluation"),
    ("presurgical workup", "procedure:preoperative-evaluation"),
    ("SAD", "procedure:subacromial-decompression"), ("operation", "family:surgery"), ("repair", "family:surgery"),
    ("bathroom", "procedure:bathroom-equipment"), ("positioning wedge", "procedure:pillow"),
    ("extremities", "region:extremity"), ("pelvis", "region:pelvis"),
])
def test_names_from_the_sources(vocab, q, concept):
    assert concept in vocab.parse_query(q).concept_ids()


def test_pain_medications_by_form(vocab):
    norco, salonpas = _tags(vocab, "Norco 10/325mg #60"), _tags(vocab, "Salonpas pad #60")
    nortriptyline = _tags(vocab, "Nortriptyline HCL 25mg, #30")
    assert {"class:pain-reliever", "class:oral-analgesic"} <= norco and "class:analgesic-patch" not in norco
    assert {"class:pain-reliever", "class:analgesic-patch", "class:otc"} <= salonpas
    assert "class:oral-analgesic" not in salonpas
    # a tricyclic taken for nerve pain is a pain medication (MTUS), not a pain pill (USP analgesics)
    assert "class:pain-reliever" in nortriptyline and "class:oral-analgesic" not in nortriptyline
    assert "class:analgesic-patch" in _tags(vocab, "Duragesic 25mcg patch #10")


def test_otc_is_a_products_label_not_its_ingredient(vocab):
    assert "class:otc" in _tags(vocab, "Prilosec OTC 20mg #30")
    assert "class:otc" not in _tags(vocab, "Omeprazole 20mg #30")
    assert "class:otc" not in _tags(vocab, "Tramadol 8%/Menthol 2%/Camphor 2% cream 240g")


def test_the_pelvis_and_the_limbs(vocab):
    assert "region:pelvis" in _tags(vocab, "CT scan of abdomen and pelvis") and \
        "region:hip" not in _tags(vocab, "CT scan of abdomen and pelvis")
    hip = _tags(vocab, "Physical therapy for the right hip")
    assert {"region:hip", "region:pelvis", "region:lower-extremity", "region:extremity"} <= hip
    assert "region:extremity" in _tags(vocab, "NCS/EMG RUE")
    assert "region:extremity" not in _tags(vocab, "MRI of the lumbar spine")


def test_shorthand_that_is_a_word_is_read_as_written_in_a_letter(vocab):
    assert "procedure:subacromial-decompression" in _tags(vocab, "Right shoulder arthroscopy, SAD")
    assert "procedure:subacromial-decompression" not in _tags(vocab, "Psychotherapy for a sad mood")
    assert "family:surgery" not in _tags(vocab, "Wheelchair repair")         # repair: queries only
    assert "procedure:bathroom-equipment" not in _tags(vocab, "Home health aide for bathing")


# -- searching the real letters ----------------------------------------------------------------

def test_real_brand_with_a_suffix_finds_the_brand(real):
    assert any(i.startswith("Norco") for i in _items(real, "vicodin es"))
    assert "Pantoprazole 20mg #30" in _items(real, "protonix for gi upset")
    assert "Anecream cream 4% #30" in _items(real, "lidocaine products")


def test_real_class_phrases(real):
    short = _items(real, "short-acting narcotics")
    assert any(i.startswith("One month supply of Trezix") for i in short) and not any(" ER " in i for i in short)
    topical = _items(real, "topical pain relievers")
    assert {"Salonpas pad #60", "Anecream cream 4% #30", "Lidocaine 5% patch #1"} <= set(topical)
    assert "Salonpas pad #60" in _items(real, "pain medication")
    pills = _items(real, "pain pills")
    assert "Naproxen 500mg #60" in pills and "Salonpas pad #60" not in pills
    otc = _items(real, "OTC pain patch")
    assert otc[:1] == ["Salonpas pad #60"] and "Lidocaine 5% patch #1" not in otc


def test_real_procedure_shorthand(real):
    assert any(i.startswith("Right Shoulder Arthroscopy") for i in _items(real, "SAD shoulder"))
    assert {"PA assist", "Assistant surgeon"} <= set(_items(real, "asst surgeon"))
    assert "Transportation to/from all medical appointments" in _items(real, "transportation to medical appts")
    assert any(i.startswith("Partial Hospitalization") for i in _items(real, "partial hospitalization day tx"))
    bathroom = _items(real, "bathroom dme")
    assert any("commode" in i for i in bathroom) and any("shower chair" in i for i in bathroom)
    testing = _items(real, "pre-surgical testing")
    assert {"Associated surgical service: EKG", "Associated surgical service: Chest x-ray"} <= set(testing)
    assert any(i.startswith("Twelve physical therapy visits for the left hand") for i in _items(real, "hand therapist"))


def test_real_regions(real):
    lumbar = _items(real, "MRI for low back pain")
    assert "MRI of the lumbar spine without contrast" in lumbar and len(lumbar) >= 10
    assert "NCS/EMG RUE" in _items(real, "electrodiagnostic testing of extremities")
    pelvic = _items(real, "pelvic region")
    assert "CT scan of abdomen and pelvis with contrast" in pelvic and "MRI/CT of the spine and pelvis" in pelvic
    assert "MRI/CT of the spine and pelvis" not in _items(real, "hip")
