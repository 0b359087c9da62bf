"""A query parsed once over every text field and narrowed to a scope equals parsing it over that scope."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from indexer.fields import SCOPE_FIELDS, TEXT_FIELDS
from indexer.index.schema import make_schema
from indexer.search.query.parser import build_query
from indexer.search.query.scopes import ScopedQuery

SCHEMA = make_schema()
FIELD_SETS = [*SCOPE_FIELDS.values(), ("rationale",), ("summary", "item")]
TEXTS = [
    "knee", "physical therapy", '"home health"', '"home health aide"~3', "knee OR shoulder",
    "knee -surgery", "+knee NOT (hip OR shoulder)", "ther* knee", "th*py knee", "L5-S1 fusion",
    "x-ray", "item:knee pain", "summary:'low back' therapy", "rationale:mri OR guideline:acoem",
    "decided:2016-01..2016-06 knee", "decided:2016-13 knee", "CM16-0012345", "case:cm16-0012345",
    "the of and", "AND OR", '"unbalanced', "((knee)", "(((((((((deep)))))))))", "a", "", "   ",
    "knee~", "knee^2 hip", "mri AND (knee OR (hip AND NOT shoulder))", "specialty:'pain management' knee",
    "tens unit", "opioids", "physical therapy OR acupuncture -chiropractic",
]


class FakeReader:
    def expand_prefix(self, fieldname, prefix):
        return (f"{prefix}{i:05d}".encode() for i in range(600))


def _marks_unboosted(q):
    """The tree with the `is:` marks' boosts taken off (see _same)."""
    if q.is_leaf():
        if getattr(q, "fieldname", None) == "concept" and str(getattr(q, "text", "")).startswith("is:"):
            q = q.copy()
            q.boost = 1.0
        return q
    return q.apply(_marks_unboosted)


def _same(text: str, fields: tuple[str, ...], **kw) -> None:
    want = build_query(text, SCHEMA, fields=fields, **kw)
    got = ScopedQuery(text, SCHEMA, **kw).over(fields)
    if got.query != want.query and str(got.query).count("^100") > str(want.query).count("^100"):
        # Whoosh's parser drops a boosted group's boost inside an explicit AND group ("(A ANDMAYBE
        # (is:mark)^100) AND upheld"); the tree built without it keeps the boost the text asks for.
        assert _marks_unboosted(got.query) == _marks_unboosted(want.query), (text, fields)
    else:
        assert got.query == want.query and str(got.query) == str(want.query), (text, fields)
    assert (got.text, got.messages, got.expansions) == (want.text, want.messages, want.expansions)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("synonyms", [True, False])
def test_narrowed_equals_parsed_over_the_scope(text, synonyms):
    for fields in FIELD_SETS:
        _same(text, fields, synonyms=synonyms)


def test_prefixes_bounded_per_scope():
    for fields in FIELD_SETS:
        _same("ab* knee", fields, reader=FakeReader())


def test_one_parse_serves_every_scope():
    scoped = ScopedQuery("physical therapy OR ther*", SCHEMA)
    for fields in [*FIELD_SETS, TEXT_FIELDS, SCOPE_FIELDS["item"]]:
        assert scoped.over(fields).query == build_query("physical therapy OR ther*", SCHEMA, fields=fields).query


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("abcklnrt -+\"'()*:~^") + ["OR ", "AND ", "NOT ", "item:", "knee ", "opioids "]),
                max_size=30).map("".join))
def test_generated_queries(text):
    for fields in SCOPE_FIELDS.values():
        _same(text, fields)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["knee", "Pain", "the", "of", "a", "MRI", "l5s1", "2016", "x", "and", "TO",
                                 "opioid", "therapies", "acupuncture", "tens", "unit", " ", "  ", "\t"]),
                max_size=8).map(" ".join))
def test_plain_words_fast_path_equals_the_parser(text):
    """The tree built without Whoosh's tagging equals the parser's, whenever the fast path applies."""
    from whoosh.qparser import AndGroup, MultifieldPlugin, PlusMinusPlugin, QueryParser

    from indexer.search.query.scopes import _FieldsGroup, _plain_tree

    parser = QueryParser(None, SCHEMA, group=AndGroup)
    parser.add_plugin(MultifieldPlugin(list(TEXT_FIELDS), group=_FieldsGroup))
    parser.add_plugin(PlusMinusPlugin())
    fast = _plain_tree(text, parser)
    if fast is not None:
        slow = parser.parse(text, normalize=False)
        assert fast == slow
        for fields in SCOPE_FIELDS.values():
            _same(text, fields, synonyms=False)


@pytest.fixture(scope="module")
def vocab():
    from indexer.vocabulary import Vocabulary

    return Vocabulary.load()


def _relevance_queries() -> list[str]:
    import json
    from pathlib import Path

    out = []
    for path in sorted((Path(__file__).parent / "fixtures" / "relevance").glob("*.json")):
        data = json.loads(path.read_text())
        out += [q["q"] for q in data.get("queries", []) if isinstance(q, dict) and "q" in q]
    return out


def _fast_tree(text: str, vocab):
    """The tree ScopedQuery builds without Whoosh's parser for `text`, or None (the parser's turn)."""
    from indexer.search.query import scopes

    scoped = ScopedQuery(text, SCHEMA, vocab=vocab)
    parser = scopes.QueryParser(None, SCHEMA, group=scopes.AndGroup)
    if scoped.prepared is None or scopes._plain_tree(scoped.prepared[0], parser) is not None:
        return None
    return scopes._expanded_tree(scoped.prepared[0], parser) if scopes._is_plain(scoped.prepared[1]) else None


@pytest.mark.parametrize("text", ["surgery", "knee surgery", "muscle relaxant", "norco", "hydrocodone",
                                  "tramadol pain", "10mg", "physical therapy knee", "NSAID", "TKA"])
def test_concept_queries_skip_the_parser(text, vocab):
    """A query naming a concept (its expansion: groups, phrases, concept terms) is built directly."""
    assert _fast_tree(text, vocab) is not None, text
    for fields in FIELD_SETS:
        _same(text, fields, vocab=vocab)


def test_expanded_tree_equals_the_parser_on_every_concept_form_and_judged_query(vocab):
    """Every form of every 3rd concept, alone and beside another word, and every judged query: the tree
    built without the parser, narrowed to each scope, equals the parser's (or the parser answers)."""
    forms = sorted({f for n, c in enumerate(sorted(vocab.concepts)) if n % 3 == 0 for f in vocab.forms(c)})
    texts = forms + [f"{f} pain" for f in forms[::7]] + _relevance_queries()
    fast = 0
    for text in texts:
        fast += _fast_tree(text, vocab) is not None
        for fields in SCOPE_FIELDS.values():
            _same(text, fields, vocab=vocab)
    assert fast > len(texts) // 2
