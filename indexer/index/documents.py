"""Index documents: one Whoosh document per disputed item of a letter record."""
from __future__ import annotations

from typing import Any, Callable

from indexer.record import Record

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


def _helpers() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    # The categories module is owned elsewhere and may not exist yet.
    try:
        from indexer.index.categories import categorize, guideline_sources
    except ImportError:
        return (lambda _text: []), (lambda _text: [])
    return categorize, guideline_sources


def _letter_fields(record: Record) -> Document:
    """Fields every item document of a letter shares."""
    decided = date_int(record.get("decision_date"))
    return {
        "letter_id": record["id"],
        "case_number": record.get("case_number"),
        "summary": record.get("summary") or "",
        "outcome": record.get("outcome"),
        "specialty": keyword_value(record.get("specialties") or []),
        "state": keyword_value(record.get("license_states") or []),
        "priority": record.get("priority"),
        "gender": record.get("patient_gender"),
        "age_band": age_band(record.get("patient_age")),
        "year": decided // 10000 if decided else None,
        "decided": decided,
        "injured": date_int(record.get("date_of_injury")),
        "applied": date_int(record.get("application_received")),
        "decision_date": record.get("decision_date"),
        "synthetic": bool(record.get("synthetic")),
        "origin": "Synthetic" if record.get("synthetic") else "Real",
    }


def _item_fields(item: dict, item_no: int, categorize, sources) -> Document:
    ca_text = item.get("claims_administrator_guideline") or ""
    mx_text = item.get("maximus_guideline") or ""
    heading = item.get("item") or ""
    return {
        "item_no": item_no,
        "item": heading,
        "rationale": item.get("rationale") or "",
        "guideline": "\n".join(t for t in (ca_text, mx_text) if t),
        "decision": item.get("decision"),
        "category": keyword_value(categorize(heading) if heading else []),
        "guideline_source": keyword_value(sources(mx_text) if mx_text else []),
        "ca_guideline_source": keyword_value(sources(ca_text) if ca_text else []),
    }


def item_documents(record: Record) -> list[Document]:
    """Whoosh documents for a record: one per item, or one item-0 document when it has none.

    None values are left out (Whoosh indexes nothing for an absent field).
    """
    categorize, sources = _helpers()
    shared = _letter_fields(record)
    items = record.get("items") or []
    if items:
        parts = [_item_fields(it, n, categorize, sources) for n, it in enumerate(items, 1)]
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
    """How many disputed items a letter has; a letter reference (`build.read_letter_refs`)
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
