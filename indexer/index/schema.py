"""The Whoosh schema: one document per disputed item, carrying its letter's fields.

Made from the declarations in `indexer.fields` (every facet and text field is
declared there once). The schema is code, not a pickle we trust:
`snapshots.check_schema` compares the version written beside every snapshot
with `fields.SCHEMA_VERSION` and refuses a mismatch with a message that says
to rebuild.
"""
from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema

from indexer.fields import CONCEPT_FIELD, FACET_LIST, TEXT_FIELD_LIST, Facet
from indexer.index.analysis import DomainAnalyzer


def _facet_field(facet: Facet) -> FieldType:
    if facet.multi:
        return KEYWORD(stored=True, commas=True, scorable=False, lowercase=False)
    if facet.numeric:
        return NUMERIC(int, stored=True)
    return ID(stored=True)


def make_schema() -> Schema:
    """A fresh schema object (never shared between indexes)."""
    words = DomainAnalyzer()
    text = {f.name: TEXT(analyzer=words, stored=f.stored, field_boost=f.boost) for f in TEXT_FIELD_LIST}
    facets = {f.name: _facet_field(f) for f in FACET_LIST}
    return Schema(
        doc_id=ID(stored=True, unique=True),          # '<letter id>#<item number>'
        letter_id=ID(stored=True),
        item_no=NUMERIC(int, stored=True),            # 1-based position in the letter
        case_number=ID(stored=True),
        decided=NUMERIC(int, stored=True, sortable=True),   # yyyymmdd
        injured=NUMERIC(int, stored=True),
        applied=NUMERIC(int, stored=True),
        decision_date=STORED(),                              # ISO string for display
        synthetic=BOOLEAN(stored=True),
        # Concept ids from the vocabulary (indexer.index.values.concepts); not stored, not analysed.
        **{CONCEPT_FIELD: KEYWORD(stored=False, commas=True, scorable=False, lowercase=False)},
        **text,
        **facets,
    )
