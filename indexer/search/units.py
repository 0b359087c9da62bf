"""What a count counts: letters or items (disputed decisions), per facet and per dimension.

A facet computed from the letter (indexer.index.values.documents.LETTER_VALUES: outcome,
year, specialty, ...) is the same in every item of a letter, so it counts letters (its
item count beside); a facet of the item (decision, category, ...) counts items. A
multi-valued facet counts a letter or item under each of its values, so its counts do
not add up to the total.
"""
from __future__ import annotations

from indexer.fields import FACET_LIST, FACETS, MULTI_VALUED
from indexer.index.values.documents import LETTER_VALUES

LETTER, ITEM = "letter", "item"
# Dimensions made from the decision date rather than a facet (all letter-level).
TIME_DIMENSIONS: dict[str, str] = {"month": "Decision month", "quarter": "Decision quarter"}


def level(name: str) -> str:
    """'letter' for a property of the letter (facet or time dimension), 'item' for one of the item."""
    return LETTER if name in LETTER_VALUES or name in TIME_DIMENSIONS else ITEM


def unit(name: str) -> str:
    """The plural noun a facet's counts are in: 'letters' or 'items'."""
    return "letters" if level(name) == LETTER else "items"


def note(name: str) -> str:
    """One sentence saying what a facet's counts count, for pages and the API."""
    if level(name) == LETTER:
        text = "Counts letters (a letter's items share this value); items in brackets."
    else:
        text = "Counts items (disputed decisions)."
    if name in MULTI_VALUED:
        text += f" One {level(name)} can count under several values: the counts do not add up to the total."
    return text


def short_note(name: str) -> str:
    """What a facet's counts count, in the few words a sidebar has room for."""
    text = "Counts letters (requests in brackets)" if level(name) == LETTER else "Counts requests"
    if name in MULTI_VALUED:
        text += f"; a {'request' if level(name) == ITEM else 'letter'} can have several"
    return text


def describe_all() -> dict[str, dict]:
    """Every facet's unit, level, multi-valuedness and note (the API's `facet_units`)."""
    return {f.name: {"label": f.label, "level": level(f.name), "unit": unit(f.name), "multi": f.multi,
                     "note": note(f.name)} for f in FACET_LIST}


def label(name: str) -> str:
    """A facet's or time dimension's label."""
    return TIME_DIMENSIONS.get(name) or FACETS.get(name, name)
