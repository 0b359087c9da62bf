"""Every facet and text field of the index, declared once (no Whoosh here).

The schema, the documents, the query parser, query understanding, highlighting,
the facet arrays, the hits, the exports and the pages all read these declarations. To add
a facet: declare it in FACET_LIST (with a `column` to export it, `on_hits` to show it on
each hit) and give `indexer.index.values.documents` (LETTER_VALUES or ITEM_VALUES) the
function that computes its value, then bump `SCHEMA_VERSION` (docs/development.md, "Adding a facet").
Every hit carries every facet's values (`Hit.facets`), so nothing else changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Bump on any change to the fields below, to what goes in them or to a snapshot's files: snapshots
# written by another version are refused until rebuilt (`imr index --force`).
SCHEMA_VERSION = 18

# A facet's filter parameter is this prefix and its name (`f.specialty=Psychiatry`): in the pages' URLs, the
# API, the exports and the feed (a bare facet name is accepted too).
FILTER_PREFIX = "f."
# The decision-year value of items whose letter states no date (`f.year=Undated`), so the
# years add up to the total; no four-digit year can clash with it.
UNDATED = "Undated"

# A case number as the DWC prints it: CM + two-digit year + dash + seven digits.
CASE_NUMBER = r"CM\d{2}-\d{7}"
CASE_RE = re.compile(rf"\b{CASE_NUMBER}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Facet:
    """A field users filter and count by.

    name      the index field and the URL parameter `f.<name>`
    label     what pages show
    multi     several values per document (a comma-separated KEYWORD field)
    numeric   stored as an integer (years)
    alias     `name:value` in a query is a filter on it
    by_value  its values listed in their own order (years, age bands), not by count
    fixed_rate  values whose overturn rate the value itself fixes, so none is shown
              (Decision: Upheld is 0% overturned): True for every value, or the values
    column    its column in the exports (and key of a hit's row); None: not exported
    on_hits   its values shown on each hit of the results page
    """

    name: str
    label: str
    multi: bool = False
    numeric: bool = False
    alias: bool = False
    by_value: bool = False
    fixed_rate: bool | tuple[str, ...] = False
    column: str | None = None
    on_hits: bool = False


@dataclass(frozen=True)
class TextField:
    """A searched text field.

    boost       index-time field boost (BM25F weight, indexer.search.ranking)
    stored      kept in each item document (the summary lives once per letter
                in the letter store instead)
    per_letter  identical in every item document of a letter: phrase matching
                runs once per letter on it
    """

    name: str
    boost: float
    stored: bool
    per_letter: bool = False


FACET_LIST: tuple[Facet, ...] = (
    Facet("decision", "Decision", alias=True, fixed_rate=True, column="decision"),
    # The letter's: Upheld / Overturned / Partially overturned (record.overall_outcome).
    Facet("outcome", "Letter outcome", alias=True, fixed_rate=("Upheld", "Overturned")),
    Facet("specialty", "Reviewer specialty", multi=True, alias=True, column="specialties", on_hits=True),
    Facet("state", "Licence state", multi=True, alias=True, column="states"),
    Facet("year", "Decision year", numeric=True, alias=True, by_value=True),
    Facet("category", "Treatment category", multi=True, alias=True, column="categories"),
    # The item's drug classes, from the vocabulary's concept tags (indexer.index.values.concepts).
    Facet("drug_class", "Drug class", multi=True, alias=True, column="drug_classes"),
    # The item's treatment families (the vocabulary's [family.X]: surgery, injection, imaging ...), from
    # the same tags.
    Facet("procedure_family", "Procedure family", multi=True, alias=True, column="procedure_families"),
    Facet("guideline_source", "Reviewer's guideline", multi=True),
    Facet("ca_guideline_source", "Claims administrator's guideline", multi=True),
    Facet("priority", "Priority"),
    Facet("gender", "Patient gender"),
    Facet("age_band", "Age band", by_value=True),
    # Synthetic letters (imr synth) are never mixed silently with real ones.
    Facet("origin", "Letter origin"),
)

TEXT_FIELD_LIST: tuple[TextField, ...] = (
    TextField("item", boost=3.0, stored=True),
    TextField("rationale", boost=1.5, stored=True),
    TextField("guideline", boost=1.0, stored=False),   # both guideline texts
    TextField("summary", boost=0.5, stored=False, per_letter=True),
)

FACETS: dict[str, str] = {f.name: f.label for f in FACET_LIST}           # name -> label
FACET_DECLARATIONS: dict[str, Facet] = {f.name: f for f in FACET_LIST}
MULTI_VALUED: frozenset[str] = frozenset(f.name for f in FACET_LIST if f.multi)
FIELD_FACETS: tuple[str, ...] = tuple(f.name for f in FACET_LIST if f.alias)
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in TEXT_FIELD_LIST)
LETTER_FIELDS: tuple[str, ...] = tuple(f.name for f in TEXT_FIELD_LIST if f.per_letter)
BOOSTS: dict[str, float] = {f.name: f.boost for f in TEXT_FIELD_LIST}
# Query syntax `name:value` on a text-valued field -> the index field it filters
# (`year:` goes to the numeric field as it is).
ALIASES: dict[str, str] = {**{f.name: f.name for f in FACET_LIST if f.alias and not f.numeric},
                           "case": "case_number"}
# Every concept an item is about (ids such as 'class:nsaid', 'region:knee'), from the vocabulary:
# searched only through the query's concept expansion, never by typed words.
CONCEPT_FIELD = "concept"
DATE_FIELDS: tuple[str, ...] = ("decided", "injured", "applied")   # `decided:2016-01..2016-06`
# What a search counts (`scope=`): the request itself, the request and its
# decision's rationale and guidelines, or the whole letter (its summary too).
SCOPE_FIELDS: dict[str, tuple[str, ...]] = {
    "item": ("item",),
    "decision": ("item", "rationale", "guideline"),
    "letter": TEXT_FIELDS,
}


def filter_param(facet: str) -> str:
    """The URL parameter filtering on a facet (`f.<facet>`)."""
    return FILTER_PREFIX + facet


def param_facet(key: str) -> str:
    """The facet a URL parameter names: `f.<facet>` or the bare name -> the name (other keys unchanged)."""
    return key[len(FILTER_PREFIX):] if key.startswith(FILTER_PREFIX) else key
