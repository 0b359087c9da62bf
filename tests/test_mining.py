"""Mining the letters for products the vocabulary does not know (indexer.vocabulary.mining)."""
from __future__ import annotations

import json

import pytest

from indexer.vocabulary import MinedVocabulary, Vocabulary, load_vocabulary, mine
from indexer.vocabulary.concepts import load_concepts


def letter(letter_id: str, *items: dict) -> dict:
    return {"id": letter_id, "items": [{"decision": "Upheld", "maximus_guideline": None, "rationale": "", **i}
                                       for i in items]}


ZORBANOL = letter("CM99-0000001", {
    "item": "Zorbanol cream 120g #1",
    "maximus_guideline": "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Topical analgesics.",
    "rationale": "Zorbanol is a compounded product containing ketoprofen, cyclobenzaprine and lidocaine. "
                 "Any compounded product that contains at least one drug (or drug class) that is not "
                 "recommended is not recommended."})


def test_a_defined_product_is_mined_with_its_ingredients_classes_and_letters(vocab):
    mined = mine([ZORBANOL], vocab)
    entry = mined.entries["zorbanol"]
    assert set(entry.ingredients) == {"drug:ketoprofen", "drug:cyclobenzaprine", "drug:lidocaine"}
    assert {"class:compounded", "class:topical-analgesic"} <= set(entry.classes)
    assert entry.letters == {"CM99-0000001"} and entry.items == 1
    assert entry.evidence["rationale"] == 1 and entry.evidence["guideline"] == 1
    assert [e.name for e in mined.accepted(vocab)] == ["Zorbanol"]


def test_mined_products_merge_into_the_vocabulary(vocab):
    merged = load_vocabulary(extra=mine([ZORBANOL], vocab))
    found = {m.concept for m in merged.concepts_in("Zorbanol cream #1")}
    assert {"product:zorbanol", "drug:cyclobenzaprine", "class:muscle-relaxant", "class:nsaid"} <= found
    assert merged.concept("product:zorbanol").source == "mined"
    assert "Zorbanol" in merged.forms("class:muscle-relaxant")
    assert "product:zorbanol" not in vocab      # the caller's vocabulary is left as it was


def test_definitions_anywhere_in_a_rationale_are_mined(vocab):
    mined = mine([letter("CM99-0000002", {"item": "Physical therapy x6",
                                          "rationale": "The patient also uses Kratol. Kratol contains tramadol "
                                                       "and menthol. Physical therapy is recommended."})], vocab)
    assert set(mined.entries["kratol"].ingredients) == {"drug:tramadol", "drug:menthol"}
    assert mined.entries["kratol"].evidence == {"definition": 1}


def test_mining_is_conservative(vocab):
    records = [
        # own words name a procedure: the opioid guideline it cites says nothing about a product
        letter("A", {"item": "Urine drug screen", "maximus_guideline": "Opioids, criteria for use"}),
        # own words name a known drug: nothing to learn
        letter("B", {"item": "Norco 10/325 #60", "rationale": "Norco contains hydrocodone and acetaminophen."}),
        # a common word is never a product name
        letter("C", {"item": "Purchase of a chair", "maximus_guideline": "Medical food"}),
        # letters disagree on a pharmacologic class: it is dropped
        letter("D", {"item": "Quixil 10mg", "maximus_guideline": "Opioids, criteria for use"}),
        letter("E", {"item": "Quixil 10mg", "maximus_guideline": "Muscle relaxants (for pain)"}),
    ]
    mined = mine(records, vocab)
    assert set(mined.entries) == {"quixil"}
    assert mined.entries["quixil"].kept_classes(vocab) == []
    assert mined.accepted(vocab) == []
    mined = mine(records + [letter("F", {"item": "Quixil 5mg", "maximus_guideline": "Opioids"})], vocab)
    assert mined.entries["quixil"].kept_classes(vocab) == ["class:opioid"]


def test_mined_output_is_inspectable_and_round_trips(vocab):
    mined = mine([ZORBANOL, letter("CM99-0000003", {"item": "Zorbanol cream #2",
                                                    "maximus_guideline": "Topical analgesics"})], vocab)
    lines = mined.lines(vocab)
    assert lines[0].startswith("mined 1 product names from 2 items of 2 letters; 1 accepted")
    assert lines[1].startswith("+ Zorbanol: ingredients ") and "2 items in 2 letters" in lines[1]
    again = MinedVocabulary.from_dict(json.loads(mined.to_json()))
    assert again.to_dict() == mined.to_dict()


def test_mining_the_seed_letters(vocab, seed_records):
    records = seed_records()
    mined = mine(records, vocab)
    assert mined.letters_read == len(records) == 5
    assert mined.items_read == sum(len(r["items"]) for r in records)
    assert mined.accepted(vocab) == []     # the seeds request therapy, equipment and gym: no products


@pytest.fixture(scope="module")
def parsed_letters(shared_letters, tmp_path_factory) -> list[dict]:
    """Records of the shared real letters with their whole rationales (the labelled JSON keeps only
    the start and end of each)."""
    from indexer import parse_paths
    from indexer import Settings

    settings = Settings(index_dir=tmp_path_factory.mktemp("index"))
    return [o.record for o in parse_paths([shared_letters / "pdf", shared_letters / "seeds"], settings) if o.record]


def test_mining_the_real_letters_recovers_held_out_products(parsed_letters):
    concepts, dosage = load_concepts()
    held_out = Vocabulary({k: c for k, c in concepts.items() if c.kind != "product"}, dosage)
    mined = mine(parsed_letters, held_out)
    accepted = {e.name: e for e in mined.accepted(held_out)}
    print("\n".join(mined.lines(held_out)))
    # the letters cite the opioid guideline for Trezix and Norco, topical analgesics for Salonpas
    assert accepted["Trezix"].kept_classes(held_out) == ["class:opioid"]
    assert accepted["Salonpas"].kept_classes(held_out) == ["class:topical-analgesic"]
    assert "class:opioid" in accepted["Norco"].kept_classes(held_out)
    common, _ = held_out.common_words()
    for entry in accepted.values():
        assert entry.letters and entry.name.lower() not in common
    # with the products kept, everything the letters request is already known
    full = Vocabulary.load()
    assert mine(parsed_letters, full).accepted(full) == []


def test_imr_vocabulary_lists_counts_concepts_and_mined_products(runner, seeds, tmp_path):
    counts = json.loads(runner("vocabulary", "--index", tmp_path / "none", "--json").stdout)["counts"]
    assert counts["drug"] > 100 and counts["class"] >= 15
    shown = runner("vocabulary", "--concept", "class:muscle-relaxant").stdout
    assert "Flexeril" in shown and "Tabradol" in shown
    assert "class:opioid" in runner("vocabulary", "--kind", "class").stdout
    mined = runner("vocabulary", "--mine", seeds)
    assert mined.exit_code == 0 and mined.stdout.startswith("mined 0 product names from 6 items of 5 letters")
    unknown = runner("vocabulary", "--concept", "class:nothing")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: no concept")
