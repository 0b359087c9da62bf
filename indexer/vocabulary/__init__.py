"""The domain vocabulary of IMR letters: drugs (ingredient -> brands, products -> class), procedures by
family, body regions and their parts, lab panels, abbreviations and decision words.

Shared by the index and the search side; it imports nothing of either (and no whoosh). Nothing is
loaded at import: build a Vocabulary with `Vocabulary.load()` (or `load_vocabulary(extra=mined)`)
and pass it around.
"""
from indexer.vocabulary.concepts import Concept, data_digest
from indexer.vocabulary.matching import Match
from indexer.vocabulary.mining import MinedEntry, MinedVocabulary, mine
from indexer.vocabulary.tagging import Tag, tag_item
from indexer.vocabulary.vocabulary import QueryParse, QuerySpan, Vocabulary, load_vocabulary

__all__ = ["Concept", "Match", "MinedEntry", "MinedVocabulary", "QueryParse", "QuerySpan", "Tag", "Vocabulary",
           "data_digest", "load_vocabulary", "mine", "tag_item"]
