"""Lists, researchers' questions and a request's own words, seventh round (issue 27): a list of whole
requests asks any of them (`X or Y`, `X and Y`, `X including Y`), a share of one decision keeps its chip
and who requested a treatment is framing, a UR modification said as a cut (`partial cert`, `cut to 6`),
and the request's head ranks first (`before`/`after` context, `sixty tabs` = #60, `more` = a
continuation); each on the rules and on the real letters (skipped without them).

The real-letter checks use queries of each kind, not the judged sets' own: the rule is what is tested."""
from __future__ import annotations

import pytest

from indexer.results import SearchRequest
from indexer.search.query import coverage, modification, reading, rewrites, understand
from indexer.search.searcher import Searcher

DECISIONS = {"upheld": "Upheld", "overturned": "Overturned", "denied": "Upheld", "denial": "Upheld",
             "denials": "Upheld", "approved": "Overturned", "overturn": "Overturned"}
VALUES = {"decision": ["Upheld", "Overturned"]}


def _search(searcher: Searcher, q: str):
    return searcher.search(SearchRequest(q=q, per_page=200))


def _items(searcher: Searcher, q: str) -> list[str]:
    return [h.item for h in _search(searcher, q).hits]


def _listed(q: str, vocab) -> bool:
    said = reading.read(q, vocab)
    return said is not None and any(m.startswith("Any of the requests") for m in said.messages)


# -- the rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["wedge pillow or lumbar pillow", "lumbar MRI and cervical MRI", "naproxen and PT",
                               "knee arthroscopy and assistant", "muscle relaxants oral or topical",
                               "opioids including tramadol"])
def test_a_list_of_whole_requests_asks_any_of_them(vocab, q):
    assert _listed(q, vocab), reading.read(q, vocab)


@pytest.mark.parametrize("q", ["cervical and thoracic", "EMG and NCS", "Norco or tramadol", "MRI cervical and thoracic",
                               "MRI with contrast", "knee xray and mri right side", "knee surgery"])
def test_places_alone_one_kind_joined_and_with_are_no_list_of_requests(vocab, q):
    assert not _listed(q, vocab), reading.read(q, vocab)


def test_a_form_side_takes_the_other_side_s_treatment(vocab):
    said = reading.read("nsaids oral or topical", vocab)
    assert said.messages[0] == "Any of the requests nsaids oral, nsaids topical", said.messages


def test_plain_words_joined_beside_a_treatment_rank(vocab):
    said = reading.read("assistant at surgery PA or MD", vocab)
    assert "Ranked by, not required: PA, MD" in said.messages and " ANDMAYBE " in said.text, said


@pytest.mark.parametrize("q, value", [("what percentage of knee MRIs were overturned", "Overturned"),
                                      ("how often is chiropractic denied", "Upheld"),
                                      ("how often are PT denials upheld by IMR", "Upheld")])
def test_a_share_of_one_decision_keeps_its_chip(q, value):
    meaning = understand.understand(q, VALUES, decisions=DECISIONS)
    assert {c.value for c in meaning.chips} == {value} and not meaning.rate, meaning


@pytest.mark.parametrize("q", ["chiropractic denial rate", "MRI overturn rate", "rate of denial for PT",
                               "upheld vs overturned knee MRI"])
def test_a_decision_naming_the_rate_is_still_a_rate(q):
    meaning = understand.understand(q, VALUES, decisions=DECISIONS)
    assert meaning.rate and not meaning.chips, meaning


@pytest.mark.parametrize("q, rest", [("pain management doctor ordered an ESI", "an ESI"),
                                     ("shoulder MRI requested by the treating physician", "shoulder MRI"),
                                     ("spine surgeon wants lumbar fusion", "lumbar fusion"),
                                     ("assistant surgeon requested", "assistant surgeon requested"),
                                     ("knee MRI doctor ordered", "knee MRI")])
def test_who_requested_a_treatment_is_framing(q, rest):
    assert coverage.unframed(q)[0] == rest


@pytest.mark.parametrize("q, rest", [("partial cert acupuncture", "acupuncture"),
                                     ("chiro 12 visits cut to 6", "chiro 12 visits"),
                                     ("PT reduced from twelve to six", "PT"),
                                     ("modified requests partially certified chiropractic", "chiropractic")])
def test_a_modification_said_as_a_cut_is_what_a_ur_modified(q, rest):
    text, notes = modification.modified(q)
    assert notes and modification.modified_rest(text) == rest, text


@pytest.mark.parametrize("q", ["modified duty", "reduced range of motion", "knee pain cut", "cut to the chase"])
def test_a_cut_without_its_numbers_is_no_modification(q):
    assert modification.modified(q) == (q, [])


@pytest.mark.parametrize("q, read", [("norco sixty tabs", "norco #60 tabs"),
                                     ("tramadol 60 count", "tramadol #60 count"),
                                     ("baclofen one tab", "baclofen one tab"),
                                     ("protonix thirty caps", "protonix #30 caps")])
def test_a_count_of_tablets_is_the_quantity(q, read):
    assert rewrites.quantities(q)[0] == read


# -- on the real letters -----------------------------------------------------------------------

def test_real_a_list_of_requests_finds_each_side(real):
    found = _items(real, "wedge pillow or cervical pillow")
    assert {"Wedge pillow", "Cervical pillow"} <= set(found), found
    found = _items(real, "thoracic CT or cervical CT scan")
    assert any("thoracic" in f.lower() for f in found) and any(f.lower().startswith("cervical ct") for f in found)
    assert all("ct" in f.lower() for f in found), found


def test_real_a_form_list_keeps_the_class(real):
    found = _items(real, "NSAIDs topical or oral")
    assert any("naproxen" in f.lower() for f in found) and any("flurbiprofen" in f.lower() for f in found), found
    assert not any(f.lower().startswith("lidocaine 5% patch") for f in found), found


def test_real_a_surgery_and_its_assistant(real):
    found = _items(real, "shoulder arthroscopy and assistant")
    assert any("assist" in f.lower() for f in found) and any("arthroscopy" in f.lower() for f in found), found


def test_real_a_share_of_one_decision_lists_that_decision(real):
    result = _search(real, "what percentage of MRI requests were upheld")
    assert result.total and {h.decision for h in result.hits} == {"Upheld"}
    assert all("mr" in h.item.lower().split()[0] or "mri" in h.item.lower() for h in result.hits)


def test_real_who_requested_it_is_not_searched(real):
    assert set(_items(real, "pain management doctor requested lumbar ESI")) == set(_items(real, "lumbar ESI")) != set()


def test_real_a_cut_is_the_modified_items(real):
    found = _items(real, "acupuncture cut to 6")
    assert found and all("original request" in f.lower() and "acupuncture" in f.lower() for f in found), found
    assert set(_items(real, "partial cert chiropractic")) and \
        all("original request" in f.lower() for f in _items(real, "partial cert chiropractic"))


def test_real_the_request_s_head_ranks_first(real):
    found = _items(real, "diazepam before the MRI")
    assert found and "before exam" in found[0] and all("diazepam" in f.lower() for f in found), found
    assert "#60" in _items(real, "norco sixty tabs")[0]
    first = _items(real, "more chiropractic")[0].lower()
    assert first.startswith(("additional", "continued", "continuation")), first


@pytest.mark.parametrize("q, read", [("emg upper or lower limb", "emg upper limb or lower limb"),
                                     ("lumbar or wedge pillow", "lumbar pillow or wedge pillow"),
                                     ("MRI or CT scan", "MRI or CT scan"),
                                     ("electrical stimulation or stimulation unit",
                                      "electrical stimulation or stimulation unit")])
def test_a_head_said_once_for_both_sides(vocab, q, read):
    assert rewrites.elided_heads(q, vocab)[0] == read


def test_real_a_form_list_of_a_class_with_compounded(real):
    found = _items(real, "tricyclics oral or compounded")
    assert any("nortriptyline" in f.lower() for f in found) and any("amitriptyline" in f.lower() for f in found), found
