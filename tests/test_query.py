"""Query parsing, its bounds and fallbacks, URL parameter validation, query understanding."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from indexer.errors import QueryError
from indexer.search.query.parser import MAX_EXPANSION, build_query, date_bounds
from indexer.search.query.request import parse_request
from indexer.index.schema import make_schema
from indexer.search.query.understand import understand

SCHEMA = make_schema()


def parsed(text: str, **kw) -> str:
    return build_query(text, SCHEMA, **kw).parsed


def test_words_are_anded_across_text_fields_and_stemmed():
    q = build_query("Physical Therapies", SCHEMA).query
    assert isinstance(q, wq.And)
    assert "item:therapi" in str(q) and "summary:physical" in str(q)


@pytest.mark.parametrize("text, expect", [
    ('"home health"', 'item:"home health"'),
    ('"home health aide"~3', 'item:"home health aid"'),
    ("norco OR tramadol", "OR item:tramadol"),
    ("knee -mri", "ANDNOT"),
    ("knee NOT mri", "NOT"),
    ("(norco OR tramadol) knee", "item:knee"),
    ("therap*", "item:therap*"),
    ("item:norco", "item:norco"),
    ("decided:2016-01..2016-06", "decided:[20160101 TO 20160630]"),
    ("injured:2015", "injured:[20150101 TO 20151231]"),
    ("applied:..2016-02-10", "applied:[ TO 20160210]"),
    ("case:cm16-0213037", "case_number:CM16-0213037"),
    ("CM16-0213037 norco", "case_number:CM16-0213037"),
])
def test_syntax(text, expect):
    assert expect in parsed(text)


def test_facet_aliases_resolve_values_case_insensitively():
    values = {"specialty": ["Pain Management", "Family Practice"], "decision": ["Upheld"]}

    def resolve(facet, typed):
        return next((v for v in values.get(facet, []) if v.lower() == typed.lower()), None)

    out = build_query('specialty:"pain management" decision:upheld', SCHEMA, resolve=resolve)
    assert "specialty:Pain Management" in out.parsed and "decision:Upheld" in out.parsed
    unknown = build_query("state:atlantis", SCHEMA, resolve=resolve)
    assert any("atlantis" in m for m in unknown.messages)


@pytest.mark.parametrize("text", ['unclosed "quote', "AND AND", "item:", "((((((((((((mri",
                                  "mri)))", "*a*", "p*", "decided:2016-13", "?", "'", "NOT",
                                  "a" * 5000, "(" * 3000 + "x" + ")" * 3000])
def test_malformed_queries_fall_back_with_a_message(text):
    out = build_query(text, SCHEMA)
    assert out.query is not None and out.messages


def test_unclosed_quote_still_searches_the_words():
    out = build_query('physical "therapy', SCHEMA, synonyms=False)
    assert "item:therapi" in out.parsed and "unbalanced quote ignored" in out.messages


def test_length_and_term_count_are_bounded():
    out = build_query(" ".join(f"word{i}" for i in range(5000)), SCHEMA)
    assert len(list(out.query.leaves())) <= 50 * 4
    assert any("first" in m for m in out.messages)


def test_inner_wildcards_are_refused():
    out = build_query("th*py knee", SCHEMA)
    assert "*" not in out.parsed and "item:knee" in out.parsed
    assert any("refused" in m for m in out.messages)


class FakeReader:
    def expand_prefix(self, fieldname, prefix):
        return (f"{prefix}{i:05d}".encode() for i in range(10_000))


def test_prefix_expansion_is_bounded():
    out = build_query("ab*", SCHEMA, reader=FakeReader())
    assert len(list(out.query.leaves())) == 4 * MAX_EXPANSION
    assert any("too many" in m for m in out.messages)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_without_raising(text):
    out = build_query(text, SCHEMA)
    assert isinstance(out.query, wq.Query)


def test_date_bounds():
    assert date_bounds("2016-02") == (20160201, 20160229)
    assert date_bounds("2016-01..2016-06") == (20160101, 20160630)
    assert date_bounds("..2016") == (None, 20161231)
    with pytest.raises(ValueError):
        date_bounds("2016-02-30")


# --- URL parameters -------------------------------------------------------------

def test_parse_request_defaults_and_values():
    req = parse_request({"q": "norco", "page": "2", "per_page": "50", "sort": "newest",
                         "f.decision": ["Upheld", "Overturned"], "year": "2016",
                         "decided_from": "2016-01-01", "literal": "1"})
    assert (req.q, req.page, req.per_page, req.sort, req.literal) == ("norco", 2, 50, "newest", True)
    assert req.filters == {"decision": ["Upheld", "Overturned"], "year": ["2016"]}
    assert req.decided_from == "2016-01-01" and req.decided_to is None
    assert parse_request({}).page == 1


@pytest.mark.parametrize("args, param", [
    ({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"page": "100000"}, "page"),
    ({"per_page": "101"}, "per_page"), ({"per_page": "0"}, "per_page"),
    ({"sort": "random"}, "sort"), ({"f.colour": "red"}, "f.colour"),
    ({"year": "twenty"}, "year"), ({"decided_from": "2016-13-01"}, "decided_from"),
    ({"decided_from": "2017-01-01", "decided_to": "2016-01-01"}, "decided_from"),
])
def test_parse_request_rejects_bad_parameters(args, param):
    with pytest.raises(QueryError) as err:
        parse_request(args)
    assert err.value.param == param


def test_parse_request_reads_multidicts():
    from werkzeug.datastructures import MultiDict

    req = parse_request(MultiDict([("state", "California"), ("state", "Texas")]))
    assert req.filters == {"state": ["California", "Texas"]}


# --- understanding ----------------------------------------------------------------

VALUES = {"decision": ["Upheld", "Overturned"], "specialty": ["Pain Management", "Orthopedic Surgery"],
          "state": ["California", "Texas"], "year": ["2015", "2016"]}


def test_decision_word_is_a_chip():
    out = understand("personal trainer upheld", VALUES)
    assert out.text == "personal trainer"
    assert [(c.facet, c.value, c.word) for c in out.chips] == [("decision", "Upheld", "upheld")]


def test_states_and_years_filter_a_specialty_is_offered_and_stays_text():
    out = understand("Orthopedic surgery knee california 2016", VALUES)
    assert out.text == "Orthopedic surgery knee"
    assert out.filters() == {"state": ["California"], "year": ["2016"]}
    assert [(c.facet, c.value) for c in out.suggestions] == [("specialty", "Orthopedic Surgery")]


@pytest.mark.parametrize("text", ["knee surgery", "chiropractor", "pain management consultation",
                                  "neurology consultation", "psychology"])
def test_specialty_words_never_become_filters(text):
    out = understand(text, {**VALUES, "specialty": ["Surgery", "Chiropractor", "Pain Management",
                                                    "Neurology", "Psychology"]})
    assert out.chips == [] and out.text == text and out.suggestions


@pytest.mark.parametrize("typed", ["CM16 0213037", "cm160213037", "CM16-0213037", " CM16_0213037 "])
def test_case_numbers_typed_loosely_open_the_letter(typed):
    assert understand(typed, VALUES).open_case == "CM16-0213037"


def test_partially_overturned_is_the_outcome_not_a_decision():
    out = understand("partially overturned knee", {**VALUES, "outcome": ["Partially overturned", "Upheld"]})
    assert out.filters() == {"outcome": ["Partially overturned"]} and out.text == "knee"


def test_quoted_negated_and_field_words_are_left_alone():
    for text in ['"upheld"', "-upheld", "NOT upheld", "item:upheld", "2016-01"]:
        assert understand(text, VALUES).chips == [], text


def test_literal_disables_understanding_and_case_opens():
    assert understand("upheld", VALUES, literal=True).chips == []
    assert understand("upheld", VALUES).text == ""
    assert understand(" cm16-0213037 ", VALUES).open_case == "CM16-0213037"
    assert understand("2019", VALUES).chips == []


# --- field queries on facets become chips ---------------------------------------------

FIELD_VALUES = {**VALUES, "category": ["Acupuncture", "Pharmaceuticals", "Pharmaceuticals: Opioids"]}


@pytest.mark.parametrize("text, rest, chip", [
    ('specialty:"pain management" opioid', "opioid", ("specialty", "Pain Management")),
    ("STATE:texas knee", "knee", ("state", "Texas")),
    ("decision:overturned", "", ("decision", "Overturned")),
    ("category:opioids knee", "knee", ("category", "Pharmaceuticals: Opioids")),
    ("category:PHARMACEUTICALS", "", ("category", "Pharmaceuticals")),
    ("year:2016 mri", "mri", ("year", "2016")),
    ("mri AND decision:upheld", "mri", ("decision", "Upheld")),
    ("specialty:'orthopedic surgery' knee", "knee", ("specialty", "Orthopedic Surgery")),
    ("decided:2016-12..2017-01 acupuncture", "acupuncture", ("decided", "2016-12..2017-01")),
])
def test_facet_field_query_becomes_a_chip(text, rest, chip):
    out = understand(text, FIELD_VALUES)
    assert out.text == rest
    assert [(c.facet, c.value) for c in out.chips] == [chip]
    assert out.chips[0].word in text        # what the chip's remove link takes out of the query


def test_date_chip_is_a_range_not_a_facet_filter():
    out = understand("decided:2016-12..2017-01 knee decided:2017", FIELD_VALUES)
    assert out.filters() == {}
    assert out.date_ranges() == [(20161201, 20170131), (20170101, 20171231)]
    assert understand("decided:..2017-01 knee", FIELD_VALUES).date_ranges() == [(None, 20170131)]


@pytest.mark.parametrize("text", [
    '-specialty:"pain management" mri',           # a negation is not a filter
    'NOT decision:upheld mri',
    '(specialty:"pain management" OR state:texas) mri',   # a group keeps its meaning
    'specialty:"pain management" OR mri',
    '"a specialty:texas phrase"',
    "specialty:dentist mri",                      # no such value: searched as a term, with a message
    "category:pharm",                             # names two values: not a guess
    "decided:2016-99 mri",                        # not a date: query.py says it is ignored
])
def test_field_queries_that_are_not_plain_filters_stay_in_the_query(text):
    out = understand(text, FIELD_VALUES)
    assert out.chips == [] and out.text == text


def test_field_chips_apply_in_literal_mode_too():
    out = understand("state:texas upheld", FIELD_VALUES, literal=True)
    assert [(c.facet, c.value) for c in out.chips] == [("state", "Texas")]
    assert out.text == "upheld"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab1.-/*_ é,\"") + ["knee", "L5", ".."]), max_size=10).map("".join))
def test_compound_word_pattern_matches_what_the_analysis_word_matches(text):
    import re

    from indexer.index.analysis import WORD
    from indexer.search.query.parser import UNAMBIGUOUS_WORD

    word = re.compile(UNAMBIGUOUS_WORD)
    assert bool(word.fullmatch(text)) == bool(WORD.fullmatch(text))
    assert [m.span() for m in word.finditer(text)] == [m.span() for m in WORD.finditer(text)]


@pytest.mark.parametrize("text", ['"' + "a" * 40 + ' b"', "a" * 40 + ", knee", '"' + "ab." * 20 + 'x y"'])
def test_long_words_before_something_else_parse(text):
    """A failing match of a long word used to try every split of its letters (hours at 40 letters)."""
    assert build_query(text, SCHEMA).query is not None
