"""The Whoosh schema: one document per disputed item, carrying its letter's fields.

The schema is code, not a pickle we trust: `check_version` compares the
version written beside every snapshot with SCHEMA_VERSION and refuses a
mismatch with a message that says to rebuild.
"""
from __future__ import annotations

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

# Bump on any change below; old snapshots are then refused until rebuilt.
SCHEMA_VERSION = 2

# Facet fields: name in the index -> what the user sees. Multi-valued ones are
# KEYWORD fields with comma-separated values.
FACETS = {
    "decision": "Decision",
    "specialty": "Reviewer specialty",
    "state": "Licence state",
    "year": "Decision year",
    "category": "Treatment category",
    "guideline_source": "Reviewer's guideline",
    "ca_guideline_source": "Claims administrator's guideline",
    "priority": "Priority",
    "gender": "Patient gender",
    "age_band": "Age band",
    # Synthetic letters (imr synth) are never mixed silently with real ones.
    "origin": "Letter origin",
}
# Text fields identical in every document of a letter (documents.item_documents):
# phrase matching runs once per letter on them (indexer.search.ranking).
LETTER_FIELDS = ("summary",)
MULTI_VALUED = {"specialty", "state", "guideline_source", "ca_guideline_source", "category"}


def make_schema() -> Schema:
    """A fresh schema object (never shared between indexes)."""
    words = StemmingAnalyzer()

    def keywords() -> KEYWORD:
        return KEYWORD(stored=True, commas=True, scorable=False, lowercase=False)

    return Schema(
        doc_id=ID(stored=True, unique=True),          # '<letter id>#<item number>'
        letter_id=ID(stored=True),
        item_no=NUMERIC(int, stored=True),            # 1-based position in the letter
        case_number=ID(stored=True),
        item=TEXT(analyzer=words, stored=True, field_boost=3.0),
        rationale=TEXT(analyzer=words, stored=True, field_boost=1.5),
        guideline=TEXT(analyzer=words, stored=False),  # both guideline texts
        # The summary is the same for every item of a letter: indexed here so
        # item-level search finds it, but stored once per letter in the letter
        # store (letters.sqlite), not in every item document.
        summary=TEXT(analyzer=words, stored=False, field_boost=0.5),
        decision=ID(stored=True),
        outcome=ID(stored=True),
        specialty=keywords(),
        state=keywords(),
        category=keywords(),
        guideline_source=keywords(),
        ca_guideline_source=keywords(),
        priority=ID(stored=True),
        gender=ID(stored=True),
        age_band=ID(stored=True),
        year=NUMERIC(int, stored=True),
        decided=NUMERIC(int, stored=True, sortable=True),   # yyyymmdd
        injured=NUMERIC(int, stored=True),
        applied=NUMERIC(int, stored=True),
        decision_date=STORED(),                              # ISO string for display
        synthetic=BOOLEAN(stored=True),
        origin=ID(stored=True),                              # 'Real' / 'Synthetic'

    )
