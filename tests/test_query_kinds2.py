"""How a query is read, third round (issue 27): places joined, doses and schedules, purpose phrases,
whole-family requests, forgiving input over every searched field, sided limbs, clipped words; each
checked on the rules (indexer.search.query.reading, places, purposes, doses, shorthand, forgiveness)
and on the real letters (skipped without them).

The real-letter checks use queries of each kind other than the judged sets' own examples: the rule
is what is tested, not a query."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import doses, places
from indexer.search.query import reading as wording
from indexer.search.query.forgiveness import mend
from indexer.search.query.spelling import Lexicon
from indexer.search.searcher import Searcher


def _items(searcher: Searcher, q: str) -> list[str]:
    return [h.item for h in searcher.search(SearchRequest(q=q, per_page=200)).hits]


# -- places joined ----------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["cervical and lumbar", "knee, shoulder", "knee/shoulder", "knee shoulder",
                               "L4-5 and L5-S1"])
def test_two_places_joined_or_side_by_side_are_either(vocab, q):
    reading = wording.read(q, vocab)
    assert reading is not None and " ANDMAYBE " in reading.text and any("Either of" in m for m in reading.messages)


def test_a_treatment_and_a_place_stay_both_required(vocab):
    reading = wording.read("MRI cervical and thoracic", vocab)
    assert " AND (((" in reading.text and reading.messages == [      # MRI AND (either place)
        "Either of cervical, thoracic (items naming more of them ranked up)"]
    assert wording.read("knee MRI", vocab) is None                           # as before: both required


def test_a_slash_joins_only_names_of_places(vocab):
    assert places.separate("neck/back pillow", vocab) == "neck or back pillow"
    assert places.separate("hydrocodone/APAP", vocab) == "hydrocodone/APAP"    # a combination
    assert places.separate("sit/stand desk", vocab) == "sit/stand desk"
    assert places.separate("hand, wrist", vocab) == "hand , wrist"


def test_places_joined_find_either_both_first_on_real_letters(real):
    items = _items(real, "cervical and lumbar")
    low = [i.lower() for i in items]
    assert any("cervical" in i and "lumbar" not in i for i in low)
    assert any("lumbar" in i and "cervical" not in i for i in low)
    both = [n for n, i in enumerate(low) if "cervical" in i and "lumbar" in i]
    alone = [n for n, i in enumerate(low) if ("cervical" in i) != ("lumbar" in i)]
    assert both and max(both) < max(alone)
    mri = _items(real, "knee/shoulder MRI")
    assert any("knee" in i.lower() for i in mri) and any("shoulder" in i.lower() for i in mri)
    assert all("mr" in i.lower() for i in mri)


# -- sided limbs ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, read", [("LLE", "left lower extremity"), ("rue", "right upper extremity"),
                                         ("BLEs", "bilateral lower extremities"), ("BUE", "bilateral upper extremity")])
def test_a_sided_limb_abbreviation_is_its_side_and_limb(typed, read):
    words = wording.query_words()
    assert places.limbs(f"EMG {typed}", words.sides, words.limbs, words.limb_pattern)[0] == f"EMG {read}"
    assert places.limbs("LE edema", words.sides, words.limbs, words.limb_pattern)[0] == "LE edema"   # no side


def test_a_sided_limb_ranks_the_request_spelling_it_out_first_on_real_letters(real):
    items = _items(real, "RUE EMG")
    assert items and "right upper extremity" in items[0].lower()


# -- doses and schedules ----------------------------------------------------------------------

def test_a_dose_is_read_with_its_drug_and_a_leading_decimal_gets_its_zero(vocab):
    assert doses.leading_decimal("capsaicin .025 cream") == "capsaicin 0.025 cream"
    assert doses.leading_decimal("Norco 7.5/325") == "Norco 7.5/325"
    reading = wording.read("baclofen 20 mg bid", vocab)
    assert "strength:baclofen:20mg" in reading.text and " AND " in reading.text
    assert wording.read("Valium 5 mg", vocab) is None       # nothing else to read: the expansion reads it


def test_schedule_words_rank_and_after_hours_is_no_schedule(vocab):
    reading = wording.read("tramadol every 6 hours", vocab)
    assert "ANDMAYBE (((concept:'sched:q6h')^24" in reading.text and "every" in reading.messages[-1]
    assert wording.read("after hours", vocab) is None


def test_doses_with_units_in_words_and_schedules_find_the_drug_on_real_letters(real):
    for q, name in (("baclofen 20 mg bid", "baclofen 20mg"), ("flurbiprofen 10 pct", "flurbiprofen 10%"),
                    ("tramadol every 6 hours", "tramadol"), ("naproxen three times a day", "naproxen")):
        items = _items(real, q)
        assert items and all(name in i.lower() for i in items[:1]), (q, items[:2])


# -- purpose phrases --------------------------------------------------------------------------

def test_words_after_for_that_name_no_concept_rank(vocab):
    reading = wording.read("acupuncture for insomnia", vocab)
    assert reading.text.endswith("ANDMAYBE (insomnia))")
    # a drug `for` a condition its class treats is one name of the vocabulary (abbreviations.toml)
    assert wording.read("cyclobenzaprine for spasms", vocab) is None
    placed = wording.read("MRI for neck stiffness", vocab)
    assert "region:cervical" in placed.text.split("ANDMAYBE")[0] and placed.text.endswith("ANDMAYBE (stiffness))")


def test_purpose_phrases_find_the_treatment_on_real_letters(real):
    assert any("cyclobenzaprine" in i.lower() for i in _items(real, "cyclobenzaprine for spasms"))
    neck = _items(real, "MRI for neck pain")
    assert len(neck) >= 5 and all("cervical" in i.lower() or "neck" in i.lower() for i in neck[:5])


# -- whole-family requests --------------------------------------------------------------------

@pytest.mark.parametrize("q, family", [("every medication requested", "family:medication"),
                                       ("all surgeries", "family:surgery"), ("any DME", "family:dme"),
                                       ("medications", "family:medication")])
def test_a_family_noun_asked_alone_is_its_family(vocab, q, family):
    assert f"((concept:'{family}') ANDMAYBE " in wording.read(q, vocab).text


def test_request_words_and_generic_heads_do_not_filter(vocab):
    required, _, ranking = wording.read("TENS products", vocab).text.partition(" ANDMAYBE ")
    assert "products" not in required and "products" in ranking    # ranks (its items first), not required
    assert "additional" in wording.read("additional chiropractic", vocab).messages[0]
    assert wording.read("knee surgery", vocab) is None          # a family beside a place: both required


def test_a_family_request_is_the_facet_s_items_on_real_letters(real):
    result = real.search(SearchRequest(q="every medication requested", per_page=200))
    facet = {v.value: v.count for v in real.facet_table(SearchRequest(q=""), "procedure_family")}
    assert result.total == facet["Medications"]
    assert "Medical clearance" not in " ".join(h.item for h in result.hits)


# -- clipped words ----------------------------------------------------------------------------

def test_clipped_words_are_read_unless_the_vocabulary_names_them(vocab):
    assert any("'tx' read as 'treatment'" in m for m in wording.read("chiropractic tx", vocab).messages)
    named = wording.read("ortho eval", vocab)       # `eval` is the vocabulary's name of a consultation
    assert named is None or "'eval'" not in " ".join(named.messages)


def test_clipped_words_find_their_requests_on_real_letters(real):
    assert any("appointment" in i.lower() for i in _items(real, "medical appts"))


# -- forgiving input --------------------------------------------------------------------------

def test_a_name_of_the_vocabulary_is_never_corrected():
    lexicon = Lexicon({"poor": 40, "therapy": 90})
    found = mend("pool therapy", "pool therapy", lexicon, lambda w: 0 if w == "pool" else 5, lambda p: False,
                 known=lambda w: w == "pool")
    assert found.text is None and found.offer is None
    assert mend("pool therapy", "pool therapy", lexicon, lambda w: 0 if w == "pool" else 5,
                lambda p: False).text == "poor therapy"


def test_a_word_only_summaries_hold_is_corrected_on_real_letters(real):
    from indexer.index.stores import snapshots, surfacewords

    counts = surfacewords.read(snapshots.current(real.settings))
    assert counts.get("hydrocodone")          # in the real letters' summaries, in no rationale
    # a word of the summaries no vocabulary name holds: only the surface words can mend it
    assert "subluxation" not in real.current().vocabulary.words()
    assert real.search(SearchRequest(q="subluxaton")).query.corrected == "subluxation"
    assert real.search(SearchRequest(q="tenosynovitus")).query.corrected == "tenosynovitis"


def test_a_prefix_one_name_finishes_searches_that_name_s_concept(real):
    info = real.search(SearchRequest(q="lumb")).query
    assert info.corrected == "(lumb* OR lumbar)"
    assert any("low back" in i.lower() for i in _items(real, "lumb"))
