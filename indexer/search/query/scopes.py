"""A query text parsed once for every scope a search may widen to.

Parsing (Whoosh's tagger and filters, ~0.5 ms a query) does not depend on the
fields searched except where MultifieldPlugin copies an unfielded word into
each field: parsed once over every text field with those copies marked
(`_FieldsOr`), a scope's query is the tree with the other fields' copies
dropped, then normalized, which equals build_query over that scope's fields
(tests/test_scoped_query.py). Plain words skip the tagger altogether, and so do plain words
widened by the concept, synonym and dose expansions (`muscle relaxant` -> `(("muscle relaxant" OR
concept:'class:muscle-relaxant') ANDMAYBE (muscle OR relaxant))`): that little syntax is read here.
"""
from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.qparser import AndGroup, MultifieldPlugin, OrGroup, PhrasePlugin, PlusMinusPlugin, QueryParser
from whoosh.qparser.syntax import attach

from indexer.fields import TEXT_FIELDS
from indexer.vocabulary import Vocabulary
from indexer.search.query.parser import ParsedQuery, Resolver, bound_prefixes, parse_prepared, prepare_text


class _FieldsOr(wq.Or):
    """The Or the parser makes of an unfielded word, one subquery per text field (`fields`), then
    what an OR in the text appended to it (field None)."""

    def __init__(self, subqueries, boost: float = 1.0, fields: tuple[str | None, ...] = ()):
        super().__init__(subqueries, boost=boost)
        self.fields = fields


class _FieldsGroup(OrGroup):
    """MultifieldPlugin's group of a word's copies, one per field; an infix OR may append to it."""

    def __init__(self, nodes=None, boost: float = 1.0, **kwargs):
        kwargs.setdefault("copies", len(nodes or ()))
        super().__init__(nodes, boost=boost, **kwargs)

    def query(self, parser):
        copies = self.kwargs["copies"]
        subs = [(node.fieldname if i < copies else None, node.query(parser)) for i, node in enumerate(self.nodes)]
        subs = [(f, q) for f, q in subs if q is not None]
        return attach(_FieldsOr([q for _, q in subs], boost=self.boost, fields=tuple(f for f, _ in subs)), self)


def _narrowed(q: wq.Query, fields: tuple[str, ...]) -> wq.Query:
    """The unnormalized tree a parser over `fields` makes, from one made over every text field."""
    if isinstance(q, _FieldsOr):
        by_field = {f: sub for f, sub in zip(q.fields, q.subqueries) if f is not None}
        appended = [_narrowed(sub, fields) for f, sub in zip(q.fields, q.subqueries) if f is None]
        return wq.Or([by_field[f] for f in fields if f in by_field] + appended, boost=q.boost)
    return q if q.is_leaf() else q.apply(lambda sub: _narrowed(sub, fields))


# Text the fast path builds itself: words of letters and digits, none of them an operator.
_PLAIN_WORDS = re.compile(r"[A-Za-z0-9]+(?:\s+[A-Za-z0-9]+)*")
_OPERATOR_WORDS = {"and", "or", "not", "andnot", "andmaybe", "require", "to"}


def _is_plain(text: str) -> bool:
    """Whether a text is plain words only: letters and digits, no operator among them."""
    return bool(_PLAIN_WORDS.fullmatch(text.strip())) and not any(w.lower() in _OPERATOR_WORDS for w in text.split())


def _word(parser, word: str) -> _FieldsOr:
    """What the parser makes of an unfielded word: an Or of its copies, one per text field."""
    subs = [(f, parser.term_query(f, word, parser.termclass)) for f in TEXT_FIELDS]
    subs = [(f, q) for f, q in subs if q is not None]
    return _FieldsOr([q for _, q in subs], fields=tuple(f for f, _ in subs))


def _phrase(parser, words: str, fields: tuple[str, ...] = TEXT_FIELDS) -> _FieldsOr:
    """What the parser makes of an unfielded "quoted phrase": an Or of one per text field."""
    def node(field: str):
        made = PhrasePlugin.PhraseNode(words, 0).set_fieldname(field)
        made.startchar, made.endchar = 0, len(words)
        return made

    subs = [(f, node(f).query(parser)) for f in fields]
    return _FieldsOr([q for _, q in subs], fields=tuple(f for f, _ in subs))


def _plain_tree(text: str, parser) -> wq.Query | None:
    """parser.parse(text, normalize=False) for plain words (each word ANDed, an Or over the
    text fields), without Whoosh's tagging and filters (~0.4 ms a query); None for other text."""
    if not _is_plain(text):
        return None
    return wq.And([_word(parser, word) for word in text.split()]) or wq.NullQuery


# What the query's expansions (concepts, synonyms, doses) write around plain words, and nothing else:
# parentheses (a group may be boosted, `(...)^100`), OR / AND / ANDMAYBE between them, "phrases" (the
# field's analyzer splits them, as the parser's does), concept: and category: terms.
_TOKEN = re.compile(r"\s*(?:(?P<open>\()|(?P<close>\))(?:\^(?P<boost>[0-9]+)(?=[\s)]|$))?|(?P<op>OR|AND|ANDMAYBE)(?=\s)"
                    r"|\"(?P<phrase>[^\"]+)\"|(?P<field>concept|category):'(?P<value>[^']*)'"
                    r"|item:(?:\"(?P<item_phrase>[^\"]+)\"|(?P<item_word>[A-Za-z0-9]+)(?=[\s)]|$))"
                    r"|(?P<word>[A-Za-z0-9]+)(?=[\s)]|$))")
_GROUPS = {"OR": wq.Or, "AND": wq.And}


class _TreeReader:
    """`_expanded_tree`'s recursive descent over a text's tokens (methods, not nested functions calling
    each other: those closures would be a reference cycle every query, left to the cyclic collector)."""

    def __init__(self, tokens: list[re.Match], parser):
        self.tokens, self.parser = tokens, parser

    def item(self, i: int) -> tuple[wq.Query | None, int]:
        """The query of the token at `i` (a group when it opens one), and the index after it."""
        if i >= len(self.tokens):
            return None, i
        m = self.tokens[i]
        if m["open"]:
            q, i = self.group(i + 1)
            if q is None or i >= len(self.tokens) or not self.tokens[i]["close"]:
                return None, i
            if self.tokens[i]["boost"]:          # "(concept:'is:class:nsaid')^100", as the parser boosts it
                q = q.copy()
                q.boost *= float(self.tokens[i]["boost"])
            return q, i + 1
        if m["word"]:
            return (None if m["word"].lower() in _OPERATOR_WORDS else _word(self.parser, m["word"])), i + 1
        if m["phrase"]:
            return _phrase(self.parser, m["phrase"]), i + 1
        if m["field"]:
            return self.parser.term_query(m["field"], m["value"], self.parser.termclass), i + 1
        if m["item_word"]:
            return self.parser.term_query("item", m["item_word"], self.parser.termclass), i + 1
        if m["item_phrase"]:
            return _phrase(self.parser, m["item_phrase"], ("item",)).subqueries[0], i + 1
        return None, i

    def group(self, i: int) -> tuple[wq.Query | None, int]:
        """Items inside parentheses joined by one kind of operator."""
        first, i = self.item(i)
        subs, ops = [first], set()
        while first is not None and i < len(self.tokens) and self.tokens[i]["op"]:
            ops.add(self.tokens[i]["op"])
            sub, i = self.item(i + 1)
            if sub is None:
                return None, i
            subs.append(sub)
        if first is None or len(ops) > 1 or (ops == {"ANDMAYBE"} and len(subs) != 2):
            return None, i
        if not ops:
            return first, i
        op = ops.pop()
        return (wq.AndMaybe(*subs) if op == "ANDMAYBE" else _GROUPS[op](subs)), i


def _expanded_tree(text: str, parser) -> wq.Query | None:
    """The tree the parser makes of plain words widened by the expansions, equal to it once narrowed
    to a scope and normalized (tests/test_scoped_query.py), built without Whoosh's tagging (~1-2 ms
    for a query naming a concept); None for any other syntax."""
    tokens, at = [], 0
    text = text.rstrip()
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            return None
        tokens.append(m)
        at = m.end()

    reader = _TreeReader(tokens, parser)
    subs, i = [], 0
    while i < len(tokens):
        if tokens[i]["op"] or tokens[i]["close"]:
            return None
        sub, i = reader.item(i)
        if sub is None:
            return None
        subs.append(sub)
    return wq.And(subs) or wq.NullQuery


class ScopedQuery:
    """A query text prepared and parsed once over every text field (a search that widens
    its scope asks for several field sets): `over(fields)` equals build_query(..., fields)."""

    def __init__(self, text: str, schema, reader=None, resolve: Resolver | None = None,
                 synonyms: bool = True, vocab: Vocabulary | None = None, pinned: bool = False):
        self.schema, self.reader, self.typed = schema, reader, bool((text or "").strip())
        self.messages: list[str] = []
        pins: list[bool] = []
        self.prepared = prepare_text(text, resolve, synonyms, self.messages, vocab, pinned, pins)
        # read otherwise with `pinned=True` (a place qualifying something else): matching.run asks
        self.pinnable = bool(pins)
        self.tree: wq.Query | None = None
        if self.prepared is not None:
            parser = QueryParser(None, schema, group=AndGroup)
            parser.add_plugin(MultifieldPlugin(list(TEXT_FIELDS), group=_FieldsGroup))
            parser.add_plugin(PlusMinusPlugin())
            try:
                self.tree = _plain_tree(self.prepared[0], parser)
                if self.tree is None and _is_plain(self.prepared[1]):
                    self.tree = _expanded_tree(self.prepared[0], parser)
                if self.tree is None:
                    self.tree = parser.parse(self.prepared[0], normalize=False)
            except Exception:   # noqa: BLE001 - over() takes build_query's own way (and fallback)
                self.tree = None

    def over(self, fields: tuple[str, ...]) -> ParsedQuery:
        """The query parsed over `fields` (build_query's answer)."""
        messages = list(self.messages)
        if self.prepared is None:
            return ParsedQuery(wq.Every(), "", messages)
        q = None
        if self.tree is not None and set(fields) <= set(TEXT_FIELDS):
            q = _narrowed(self.tree, tuple(fields)) or wq.NullQuery
            q = q.normalize()
        if q is None or q is wq.NullQuery:
            # The plain-words fallback (or a field set outside the text fields): parse as build_query does.
            return parse_prepared(*self.prepared, self.typed, self.schema, self.reader, fields, messages)
        text, shown, expansions = self.prepared
        return ParsedQuery(bound_prefixes(q, self.reader, messages), shown.strip(), messages, expansions)
