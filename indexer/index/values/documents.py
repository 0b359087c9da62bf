"""Index documents: one Whoosh document per disputed item of a letter record."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from indexer.fields import CONCEPT_FIELD
from indexer.index.values import concepts, reviewer, schedules
from indexer.index.values.categories import categorize, guideline_sources
from indexer.record import Record
from indexer.vocabulary import Tag, Vocabulary

Document = dict[str, Any]

AGE_BANDS = ((18, "<18"), (30, "18-29"), (40, "30-39"), (50, "40-49"), (60, "50-59"))


def date_int(iso: str | None) -> int | None:
    """'2016-12-09' -> 20161209 (None when absent or malformed)."""
    if not iso or len(iso) < 10:
        return None
    digits = iso[:4] + iso[5:7] + iso[8:10]
    return int(digits) if digits.isdigit() else None


def age_band(age: int | None) -> str | None:
    """The facet band of a patient age: '<18', '18-29', ..., '50-59', '60+'."""
    if age is None:
        return None
    for upper, band in AGE_BANDS:
        if age < upper:
            return band
    return "60+"


def keyword_value(values: list[str]) -> str:
    """Comma-joined KEYWORD value; commas inside a value would split it, so drop them."""
    return ",".join(v.replace(",", " ").strip() for v in values if v and v.strip())


def _year(record: Record) -> int | None:
    decided = date_int(record.get("decision_date"))
    return decided // 10000 if decided else None


# The value of each facet of `indexer.fields`: LETTER_VALUES from the letter
# record (the same in all its item documents), ITEM_VALUES from one item.
LETTER_VALUES: dict[str, Callable[[Record], Any]] = {
    # One spelling per specialty and state; the record keeps the printed ones.
    "specialty": lambda r: keyword_value(reviewer.specialties(r.get("specialties") or [])),
    "state": lambda r: keyword_value(reviewer.states(r.get("license_states") or [])),
    "outcome": lambda r: r.get("outcome"),
    "year": _year,
    "priority": lambda r: r.get("priority"),
    "gender": lambda r: r.get("patient_gender"),
    "age_band": lambda r: age_band(r.get("patient_age")),
    "origin": lambda r: "Synthetic" if r.get("synthetic") else "Real",
}


@lru_cache(maxsize=1 << 16)
def _categories(item_text: str) -> str:
    """The category facet's value of an item text. A pure memo of a pure function (bounded; holds no
    snapshot's state): requests repeat across letters ('Norco 10/325mg #60') and categorizing
    one runs some fifty regexes, a sixth of a build's CPU when done per document."""
    return keyword_value(categorize(item_text) if item_text else [])


@lru_cache(maxsize=1 << 16)
def _guideline_sources(guideline_text: str) -> str:
    """A guideline facet's value of a guideline text (a pure memo, as `_categories`: these repeat too)."""
    return keyword_value(guideline_sources(guideline_text))


# The names a guideline source goes by: a citation of the source under one name (or of an MTUS chapter
# adopted from ACOEM) is searched under the others too ("ACOEM shoulder imaging" finds "MTUS Shoulder
# Complaints 2004"; "ODG knee" finds "Official Disability Guidelines, Knee").
_SOURCE_NAMES = {"ACOEM": ("ACOEM",), "ODG": ("ODG", "Official Disability Guidelines"),
                 "MTUS": ("MTUS",)}


@lru_cache(maxsize=1 << 16)
def _guideline_text(guideline_text: str) -> str:
    """A guideline text with the names of the sources it cites that it does not write (a pure memo)."""
    lowered = guideline_text.lower()
    missing = [name for source in guideline_sources(guideline_text) for name in _SOURCE_NAMES.get(source, ())
               if name.lower() not in lowered]
    return guideline_text + ("\n" + " ".join(missing) if missing else "")


ITEM_VALUES: dict[str, Callable[[dict], Any]] = {
    "decision": lambda it: it.get("decision"),
    "category": lambda it: _categories(it.get("item") or ""),
    "guideline_source": lambda it: _guideline_sources(it.get("maximus_guideline") or ""),
    "ca_guideline_source": lambda it: _guideline_sources(it.get("claims_administrator_guideline") or ""),
}

# Facets computed from the item's concept tags and the snapshot's vocabulary.
TAG_VALUES: dict[str, Callable[[Vocabulary, list[Tag]], Any]] = {
    "drug_class": lambda vocab, tags: keyword_value(concepts.drug_classes(vocab, tags)),
    "procedure_family": lambda vocab, tags: keyword_value(concepts.procedure_families(vocab, tags)),
}


def _letter_fields(record: Record) -> Document:
    """Fields every item document of a letter shares."""
    return {
        "letter_id": record["id"],
        "case_number": record.get("case_number"),
        "summary": record.get("summary") or "",
        "decided": date_int(record.get("decision_date")),
        "injured": date_int(record.get("date_of_injury")),
        "applied": date_int(record.get("application_received")),
        "decision_date": record.get("decision_date"),
        "synthetic": bool(record.get("synthetic")),
        **{name: value(record) for name, value in LETTER_VALUES.items()},
    }


def _item_fields(item: dict, item_no: int, vocab: Vocabulary | None, tags: list) -> Document:
    ca_text = item.get("claims_administrator_guideline") or ""
    mx_text = item.get("maximus_guideline") or ""
    own = item.get("item") or ""
    return {
        "item_no": item_no,
        "item": item.get("item") or "",
        "rationale": item.get("rationale") or "",
        "guideline": "\n".join(_guideline_text(t) for t in (ca_text, mx_text) if t),
        **{name: value(item) for name, value in ITEM_VALUES.items()},
        **({CONCEPT_FIELD: keyword_value(concepts.concept_ids(tags, vocab) + schedules.item_marks(own)
                                         + schedules.with_marks(own)),
            **{name: value(vocab, tags) for name, value in TAG_VALUES.items()}} if vocab is not None else {}),
    }


def item_documents(record: Record, vocab: Vocabulary | None = None) -> list[Document]:
    """Whoosh documents for a record: one per item, or one item-0 document when it has none;
    `vocab` (the snapshot's) tags each item with its concepts.

    None values are left out (Whoosh indexes nothing for an absent field).
    """
    shared = _letter_fields(record)
    items = record.get("items") or []
    if items:
        tagged = concepts.letter_tags(vocab, items) if vocab is not None else [[] for _ in items]
        parts = [_item_fields(it, n, vocab, tags) for n, (it, tags) in enumerate(zip(items, tagged), 1)]
    else:
        # A partial record is still findable by summary and case number.
        parts = [{"item_no": 0, "item": "", "rationale": "", "guideline": "", "decision": None}]
    docs = []
    for part, doc_id in zip(parts, doc_ids(record)):
        doc = {"doc_id": doc_id, **shared, **part}
        # Empty ID/keyword values would index an empty term; the item heading stays for display.
        docs.append({k: v for k, v in doc.items() if v is not None and (v != "" or k == "item")})
    return docs


def item_count(record: Record) -> int:
    """How many disputed items a letter has; a letter reference (`letterstore.read_refs`)
    carries the count in place of the items."""
    if "item_count" in record:
        return record["item_count"]
    return len(record.get("items") or [])


def doc_ids(record: Record) -> list[str]:
    """The doc_id of each document `item_documents(record)` makes: '<letter id>#<item number>'."""
    n = item_count(record)
    return [f"{record['id']}#{k}" for k in (range(1, n + 1) if n else (0,))]


def document_count(record: Record) -> int:
    """How many index documents `item_documents(record)` makes."""
    return max(1, item_count(record))
