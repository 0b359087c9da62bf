"""What the vocabulary tests ask of a query, an item's text and a search: one place for the three helpers."""
from __future__ import annotations

from indexer.results import SearchRequest
from indexer.vocabulary import Vocabulary


def concept_ids(vocab: Vocabulary, q: str) -> list[str]:
    """The concepts a query names, as the engine reads them."""
    return vocab.parse_query(q).concept_ids()


def tags(vocab: Vocabulary, text: str) -> set[str]:
    """The concepts an item's text is tagged with at index time."""
    return {t.concept for t in vocab.tag_item(text)}


def items(searcher, q: str) -> list[str]:
    """The request texts of a search's first 100 hits."""
    return [h.item for h in searcher.search(SearchRequest(q=q, per_page=100)).hits]
