"""The words a query asks to mark: stems, prefixes and phrases of its positive text terms, and the
names of the drugs and products it matched by concept (indexer.search.show.highlight marks them)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq

from indexer.fields import CONCEPT_FIELD, TEXT_FIELDS
from indexer.search.query.parser import build_query


@dataclass(frozen=True)
class Terms:
    """Stemmed words, prefixes and phrases (runs of stems) to mark."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes or self.phrases)

    def matches(self, stem: str) -> bool:
        return stem in self.words or any(stem.startswith(p) for p in self.prefixes)


# Concepts whose names are marked in a hit when the query matched them through the `concept` field:
# a drug's brands and the products containing it (`hydrocodone` marks Norco), not a class's hundreds.
MARKED_KINDS = ("drug", "product")


def _stems(form: str) -> list[str]:
    """A name's words as the index stems them (without the joined form the analyzer adds)."""
    stems: list[str] = []
    for token in _schema()["item"].analyzer(form):
        if token.text != "".join(stems):
            stems.append(token.text)
    return stems


def _concept_names(node: wq.Term, vocab, words: set[str], phrases: set[tuple[str, ...]]) -> None:
    """The names of a drug or product the query matched by concept, as the index stems them."""
    cid = str(node.text)
    if cid not in vocab or vocab.concept(cid).kind not in MARKED_KINDS:
        return
    for stems in vocab.analysed_forms(cid, _stems):
        if len(stems) == 1:
            words.add(stems[0])
        else:
            phrases.add(stems)


def terms_of(q: wq.Query | None, vocab=None) -> Terms:
    """The positive (not negated) text terms of a parsed query; a phrase's words only as the phrase;
    with the domain vocabulary, the names of the drugs and products it matched by concept."""
    words: set[str] = set()
    prefixes: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    # A stack, not a nested function calling itself: such a closure is a reference cycle, left for
    # the cyclic collector with its sets (a young-generation collection every few requests).
    stack = [q] if q is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, wq.Not):
            continue
        if isinstance(node, wq.AndNot):
            stack.append(node.a)
            continue
        if isinstance(node, wq.Prefix) and node.fieldname in TEXT_FIELDS:
            prefixes.add(node.text)
        elif isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
            words.add(str(node.text))
        elif isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
            phrases.add(tuple(str(w) for w in node.words))
        elif isinstance(node, wq.Term) and node.fieldname == CONCEPT_FIELD and vocab is not None:
            _concept_names(node, vocab, words, phrases)
        stack.extend(reversed(list(node.children())))
    return Terms(frozenset(words), tuple(sorted(prefixes)), tuple(sorted(phrases)))


@lru_cache(maxsize=1)
def _schema():
    """The schema (a pure memo of constant data, made once: it learns nothing from requests)."""
    from indexer.index.schema import make_schema
    return make_schema()


def query_terms(q: str) -> Terms:
    """The words of a typed query to mark, as the search reads them: stems, synonyms,
    compounds and phrases; negated words and filters on facets and dates are not words."""
    return terms_of(build_query(q or "", _schema()).query)
