"""How a query is read, fourth round (issue 27): strengths spelt out, dosing intervals, ingredient lists
and hyphen-joined pairs, containing-queries and a trailing `w/`, prefixes several names finish, words
of an allowance question, and a concept that finds nothing widened to its broader concept; each checked
on the rules (numerals, endings, intent, forgiveness, broadening) and on the real letters (skipped
without them).

The real-letter checks use queries of each kind, not the judged sets' own: the rule is what is tested."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from indexer.results import SearchRequest
from indexer.search.query import broadening, endings, forgiveness, numerals, rewrites, shorthand
from indexer.search.query import reading as wording
from indexer.search.searcher import Searcher


def _search(searcher: Searcher, q: str, **kw):
    return searcher.search(SearchRequest(q=q, per_page=200, **kw))


def _items(searcher: Searcher, q: str, **kw) -> list[str]:
    return [h.item for h in _search(searcher, q, **kw).hits]


# -- 1. strengths spelt out -------------------------------------------------------------------

@pytest.mark.parametrize("run, number", [("twenty", 20), ("six hundred", 600), ("twenty-five", 25),
                                         ("one hundred and fifty", 150), ("two thousand", 2000), ("and", None)])
def test_number_words_have_their_value(run, number):
    assert numerals.value(run) == number


def test_a_number_word_beside_a_unit_or_after_a_drug_is_its_digits(vocab):
    assert numerals.digits("baclofen twenty mg", vocab)[0] == "baclofen 20 mg"
    assert numerals.digits("lidocaine four percent", vocab)[0] == "lidocaine 4 percent"
    assert numerals.digits("gabapentin six hundred", vocab)[0] == "gabapentin 600"
    # a schedule, a count, a quantity are themselves
    for q in ("naproxen three times a day", "one month supply of Norco", "six sessions of PT"):
        assert numerals.digits(q, vocab) == (q, [])


def test_a_strength_spelt_out_finds_its_item_on_real_letters(real):
    assert _items(real, "baclofen twenty mg")[:1] == _items(real, "baclofen 20 mg")[:1] != []
    result = _search(real, "lidocaine four percent")
    assert result.total and "4%" in result.hits[0].item and any("read as '4'" in m for m in result.query.messages)


# -- 2. dosing intervals ----------------------------------------------------------------------

@pytest.mark.parametrize("word", ["q12", "q8", "q4-6", "q12h", "q8hrs", "Q6H"])
def test_dosing_intervals_are_dosing(word):
    assert shorthand.is_dosing(word, frozenset())


def test_a_dosing_interval_ranks_it_does_not_filter_on_real_letters(real):
    items = _items(real, "oxycontin 20mg q12")
    assert items and items[0].startswith("Oxycodone HCL ER 20mg")
    assert set(_items(real, "tramadol q12")) == set(_items(real, "tramadol"))


# -- 3. ingredient lists and hyphen-joined pairs ----------------------------------------------

def test_treatments_joined_by_hyphen_slash_or_plus_are_either(vocab):
    assert rewrites.either_of_joined("dihydrocodeine/caffeine/APAP", vocab)[0] == \
        "dihydrocodeine or caffeine or APAP"
    assert rewrites.either_of_joined("EMG-NCV", vocab)[0] == "EMG or NCV"
    assert rewrites.either_of_joined("flurbiprofen+lidocaine", vocab)[0] == "flurbiprofen or lidocaine"
    for q in ("C-spine", "x-ray", "L4-5", "hot/cold", "work-up"):      # names held whole, or no names
        assert rewrites.either_of_joined(q, vocab)[0] == q


def test_an_ingredient_list_finds_the_product_and_the_compounds_on_real_letters(real):
    items = _items(real, "dihydrocodeine/caffeine/APAP")
    assert items and items[0].startswith("One month supply of Trezix")       # all three: the product first
    emg = _items(real, "EMG-NCV")
    assert any("EMG" in i for i in emg) and any("NCV" in i or "nerve conduction" in i.lower() for i in emg)
    compounds = _items(real, "flurbiprofen+lidocaine")
    assert compounds[0].startswith("Flurbiprofen") and "Lidocaine" in compounds[0]


# -- 4. containing, and a trailing w/ ----------------------------------------------------------

def test_containing_queries_find_every_item_with_it_on_real_letters(real):
    every = set(_items(real, "lidocaine"))
    assert len(every) > 2
    for q in ("anything with lidocaine", "containing lidocaine", "lidocaine-containing", "with lidocaine in it"):
        assert set(_items(real, q)) == every, q


def test_a_trailing_with_or_without_after_a_study_is_contrast(vocab):
    assert endings.completed("MRI of c-spine w/", vocab)[0] == "MRI of c-spine with contrast"
    assert endings.completed("MRI lumbar without", vocab)[0] == "MRI lumbar without contrast"
    assert endings.completed("norco with", vocab)[0] == "norco with"            # no study: itself
    assert endings.completed("lidocaine-containing", vocab)[0] == "lidocaine containing"


def test_a_trailing_without_ranks_the_studies_without_contrast_on_real_letters(real):
    items = _items(real, "MRI lumbar w/o")
    assert items and all("without contrast" in i.lower() for i in items[:3])
    assert "with contrast" in _items(real, "MRI w/ gadolinium")[0].lower()
    # a dosage form ranks (it is no word of an allowance question)
    assert "Ranked by, not required: cap" in _search(real, "Norco cap").query.messages


# -- 5. prefixes several names finish, words run together ---------------------------------------

def test_a_prefix_alone_is_every_drug_or_procedure_name_it_finishes(vocab):
    names = forgiveness.prefix_names(vocab, "hydro")
    assert {"hydrocodone", "hydromorphone"} <= set(names) and len(names) <= forgiveness.MAX_PREFIX_NAMES
    assert forgiveness.prefix_names(vocab, "hydroco") == ["hydrocodone"]


def test_a_prefix_alone_finds_the_items_of_its_names_on_real_letters(real):
    result = _search(real, "hydro")
    assert result.query.corrected and "hydrocodone" in result.query.corrected
    assert result.hits and result.hits[0].item.startswith("Norco")
    assert _search(real, "physical thera").query.corrected == "physical thera*"   # beside words: the prefix


def test_words_run_together_are_split_on_real_letters(real):
    assert _search(real, "physicaltherapy").query.corrected == "physical therapy"
    assert _items(real, "lowback MRI") and _search(real, "lowback MRI").query.corrected == "low back MRI"


# -- 6. questions about an allowance -------------------------------------------------------------

def test_words_of_an_allowance_question_are_not_required_on_real_letters(real):
    pt = set(_items(real, "physical therapy lumbar spine"))
    asked = _search(real, "how many sessions of PT are allowed for the lumbar spine")
    assert pt and pt <= {h.item for h in asked.hits}
    assert any("allowed" in m for m in asked.query.messages)
    chiro = _search(real, "what is the limit on chiro visits")
    assert chiro.total and all("limit" not in m.split(":")[0] for m in chiro.query.messages)
    assert chiro.hits[0].item.lower().startswith("chiropractic")


# -- 7. a concept widened to its broader concept -------------------------------------------------

def test_the_broader_concept_is_one_step_of_its_own_kind_never_its_family(vocab):
    assert broadening.broader("panel:cmp", vocab) == ["panel:metabolic"]
    assert all(not b.startswith("family:") for c in ("procedure:mri", "panel:bmp")
               for b in broadening.broader(c, vocab))
    assert broadening.widenings('"CMP"', vocab) == []          # a quoted phrase: the words as typed
    assert not broadening.near(10, 189) and broadening.near(1, 189)


def test_a_concept_finding_nothing_is_widened_and_says_so_on_real_letters(real):
    result = _search(real, "CMP")
    assert result.total and result.query.broadened and result.query.broadened_from == "CMP"
    assert "Chem panel" in result.hits[0].item and "CMP ->" in result.query.broadened_concept
    assert _search(real, "CMP", spell=False).total == 0            # the way back: the words only
    assert _search(real, "bone scan").query.broadened is None      # every advanced imaging study: no answer


def test_the_widening_in_the_api_the_page_and_imr_search(real_index, runner):
    from webapp import create_app

    app = create_app(real_index)
    app.testing = True
    client = app.test_client()
    query = client.get("/api/search?q=CMP").get_json()["query"]
    assert query["broadened_from"] == "CMP" and query["broadened"]
    assert client.get("/api/search?q=CMP&spell=0").get_json()["total"] == 0
    page = BeautifulSoup(client.get("/?q=CMP").get_data(as_text=True), "html.parser")
    note = page.select_one("p.broadened").get_text(" ", strip=True)
    assert "No request names CMP" in note and "spell=0" in page.select_one("p.broadened a")["href"]
    out = runner("search", "CMP", "--index", real_index.index_dir)
    assert "no request names CMP; showing the broader" in out.stdout
    body = json.loads(runner("search", "CMP", "--json", "--index", real_index.index_dir).stdout)
    assert body["query"]["broadened_from"] == "CMP"


def test_reading_stays_one_module_of_reasonable_size():
    import inspect
    assert len(inspect.getsource(wording).splitlines()) <= 300
